"""Quarterly evaluation: quarter targets from the locked plan or issued months, attainment."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from frames import sales_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.evaluation import locked_month_targets, locked_quarter_targets, quarter_periods, quarterly_attainment

ORG = pd.DataFrame({"dealer_id": ["D1", "D2", "D3"], "dealer_name": ["甲", "乙", "丙"],
                    "province": ["P1", "P1", "P2"], "region": ["R1", "R1", "R2"]})  # fmt: skip
STAFF = pd.DataFrame(
    {
        "staff_id": ["S1", "S2", "S3"],
        "name": ["总监", "经理", "专员"],
        "role": ["regional_director", "regional_manager", "dealer_specialist"],
        "region": ["R1", "R2", "R1"],
        "province": [None, "P2", "P1"],
        "dealer_id": [None, None, "D1"],
    }
)
PRODUCTS = pd.DataFrame({"product_id": ["PC", "PW"], "product_name": ["a", "b"], "line": ["command", "work"]})
SALES_ROWS = [("2026-02-03", "D1", "PC", 3), ("2026-03-03", "D1", "PW", 2), ("2026-05-05", "D2", "PC", 5),
              ("2026-01-09", "D3", "PW", 1), ("2027-01-09", "D3", "PW", 50)]  # fmt: skip
SALES = sales_frame(SALES_ROWS, customer_id="C")
TARGETS = pd.DataFrame({"year": 2026, "dealer_id": ["D1", "D1", "D3"], "line": ["command", "work", "work"],
                        "units": [10, 4, 7]})  # fmt: skip
PARAMS = params_from_mapping({})

# No history: quarters equal (.25). D1 command 10 -> 2.5 each -> 2,2,2,2 + 2 left to Q1, Q2 -> 3,3,2,2;
# D1 work 4 -> 1,1,1,1; D3 work 7 -> 1.75 -> 1 each + 3 left -> 2,2,2,1.
# Actuals 2026: D1 Q1 3 + 2 = 5; D2 Q2 5; D3 Q1 1 (the 2027 sale is another year).


@pytest.fixture
def data() -> Tables:
    return Tables.from_frames(org=ORG, staff=STAFF, products=PRODUCTS, sales=SALES, annual_targets=TARGETS)


def _row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_locked_quarter_targets_worked_example(data: Tables) -> None:
    out = locked_quarter_targets(data, 2026, PARAMS)
    got = out.groupby(["dealer_id", "line"])["target"].apply(list).to_dict()
    assert got == {("D1", "command"): [3, 3, 2, 2], ("D1", "work"): [1, 1, 1, 1], ("D3", "work"): [2, 2, 2, 1]}


def test_dealer_attainment(data: Tables) -> None:
    out = quarterly_attainment(data, 2026, level="dealer", params=PARAMS)
    assert list(out.columns) == ["year", "quarter", "period", "region", "province", "dealer_id", "dealer_name",
                                 "target", "target_to_date", "actual", "attainment"]  # fmt: skip
    assert len(out) == 12  # every dealer x quarter
    q1 = _row(out, dealer_id="D1", quarter=1)
    assert (q1["target"], q1["actual"], q1["attainment"]) == (4, 5, 1.25)
    assert _row(out, dealer_id="D1", quarter=2)["attainment"] == 0
    assert math.isnan(_row(out, dealer_id="D2", quarter=2)["attainment"])  # target 0: blank
    assert _row(out, dealer_id="D2", quarter=2)["actual"] == 5
    assert _row(out, dealer_id="D3", quarter=1)["attainment"] == 0.5


def test_region_province_and_staff(data: Tables) -> None:
    region = quarterly_attainment(data, 2026, level="region", params=PARAMS)
    assert list(region.columns) == ["year", "quarter", "period", "region", "target", "target_to_date", "actual",
                                      "attainment"]
    assert tuple(_row(region, region="R1", quarter=2)[["target", "actual"]]) == (4, 5)
    province = quarterly_attainment(data, 2026, level="province", params=PARAMS)
    assert tuple(_row(province, province="P2", quarter=4)[["target", "actual"]]) == (1, 0)
    staff = quarterly_attainment(data, 2026, level="staff", params=PARAMS)
    assert list(staff.columns) == ["year", "quarter", "period", "staff_id", "name", "role", "region", "target",
                                   "target_to_date", "actual", "attainment"]  # fmt: skip
    assert tuple(_row(staff, staff_id="S1", quarter=1)[["target", "actual"]]) == (4, 5)  # all of R1
    assert tuple(_row(staff, staff_id="S2", quarter=1)[["target", "actual"]]) == (2, 1)  # P2
    assert tuple(_row(staff, staff_id="S3", quarter=2)[["target", "actual"]]) == (4, 0)  # D1
    assert len(staff) == 12


def test_staff_without_dealers_in_scope_is_listed_with_zeros() -> None:
    staff = pd.concat([STAFF, pd.DataFrame({"staff_id": ["S4"], "name": ["新人"], "role": ["dealer_specialist"],
                                            "region": ["R2"], "province": [None], "dealer_id": [None]})],
                      ignore_index=True)  # fmt: skip
    data = Tables.from_frames(org=ORG, staff=staff, products=PRODUCTS, sales=SALES, annual_targets=TARGETS)
    out = quarterly_attainment(data, 2026, level="staff", params=PARAMS, by_line=True)
    new = out[out["staff_id"] == "S4"]
    assert len(new) == 12 and (new["target"] == 0).all() and new["attainment"].isna().all()
    assert len(out) == 4 * 3 * 4


def test_by_line(data: Tables) -> None:
    out = quarterly_attainment(data, 2026, level="dealer", params=PARAMS, by_line=True)
    row = _row(out, dealer_id="D1", line="command", quarter=1)
    assert (row["target"], row["actual"], row["attainment"]) == (3, 3, 1.0)


def test_issued_monthly_targets_replace_the_locked_plan(data: Tables) -> None:
    issued = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-04", "2025-12"], "dealer_id": ["D1", "D1", "D3", "D1"],
                           "line": ["command", "command", "work", "command"], "target": [2, 1, 5, 99]})  # fmt: skip
    out = quarterly_attainment(data, 2026, issued, level="dealer")
    assert tuple(_row(out, dealer_id="D1", quarter=1)[["target", "actual"]]) == (3, 5)
    assert tuple(_row(out, dealer_id="D3", quarter=2)[["target", "actual"]]) == (5, 0)
    assert _row(out, dealer_id="D1", quarter=4)["target"] == 0


def test_unknown_level(data: Tables) -> None:
    with pytest.raises(ValueError, match="level"):
        quarterly_attainment(data, 2026, level="line")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=3, max_size=3),
       st.dictionaries(st.integers(1, 4), st.floats(-0.9, 2)))  # fmt: skip
def test_quarters_sum_to_the_annual_target(units: list[int], adj: dict[int, float]) -> None:
    targets = pd.DataFrame({"year": 2026, "dealer_id": ["D1", "D2", "D3"], "line": "work", "units": units})
    data = Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES.iloc[:4], annual_targets=targets)
    out = locked_quarter_targets(data, 2026, params_from_mapping({"quarter_adjustments": adj}))
    assert out.groupby("dealer_id")["target"].sum().reindex(["D1", "D2", "D3"]).tolist() == units


def test_locked_months_split_each_quarter_exactly(data: Tables) -> None:
    months = locked_month_targets(data, 2026, PARAMS)
    # equal month shares without history: D1 command Q2 3 -> 1, 1, 1; D1 work Q2 1 -> 1, 0, 0 (earlier month
    # first); D3 work Q2 2 -> 1, 1, 0
    got = months[months["quarter"] == 2].groupby(["dealer_id", "line"])["target"].apply(list).to_dict()
    assert got == {("D1", "command"): [1, 1, 1], ("D1", "work"): [1, 0, 0], ("D3", "work"): [1, 1, 0]}
    quarters = months.groupby(["dealer_id", "line", "quarter"])["target"].sum().reset_index()
    pd.testing.assert_frame_equal(quarters, locked_quarter_targets(data, 2026, PARAMS).sort_values(
        ["dealer_id", "line", "quarter"]).reset_index(drop=True))  # fmt: skip


def test_running_quarter_counts_to_date_and_later_quarters_are_blank(data: Tables) -> None:
    out = quarterly_attainment(data, 2026, level="region", params=PARAMS, as_of=pd.Timestamp("2026-05-20"))
    # R1 Q2: April 1 + 1 = 2 closed, May 1 + 0 = 1 running: 2 + ceil(1 * 20 / 31) = 3; sold to 05-20: D2 5
    q2 = _row(out, region="R1", quarter=2)
    assert (q2["period"], q2["target"], q2["target_to_date"], q2["actual"]) == ("running", 4, 3, 5)
    assert q2["attainment"] == pytest.approx(5 / 3)
    # R2 Q2: April 1, May 1: 1 + ceil(20 / 31) = 2; nothing sold
    assert tuple(_row(out, region="R2", quarter=2)[["target_to_date", "actual"]]) == (2, 0)
    q1 = _row(out, region="R1", quarter=1)
    assert (q1["period"], q1["target_to_date"], q1["actual"]) == ("closed", 4, 5)
    for q in (3, 4):
        later = _row(out, region="R1", quarter=q)
        assert later["period"] == "not_started" and later["target"] == 3  # D1 command 2 + work 1
        assert pd.isna(later["target_to_date"]) and pd.isna(later["actual"]) and math.isnan(later["attainment"])


def test_sales_after_as_of_do_not_count(data: Tables) -> None:
    out = quarterly_attainment(data, 2026, level="dealer", params=PARAMS, as_of=pd.Timestamp("2026-05-04"))
    assert _row(out, dealer_id="D2", quarter=2)["actual"] == 0  # the sale of 05-05 is after d
    out = quarterly_attainment(data, 2026, level="dealer", params=PARAMS, as_of=pd.Timestamp("2026-05-05"))
    assert _row(out, dealer_id="D2", quarter=2)["actual"] == 5


@pytest.mark.parametrize(
    ("as_of", "periods"),
    [("2026-03-31", ["closed", "not_started", "not_started", "not_started"]),
     ("2026-04-01", ["closed", "running", "not_started", "not_started"]),
     ("2026-06-29", ["closed", "running", "not_started", "not_started"]),
     ("2026-06-30", ["closed", "closed", "not_started", "not_started"]),
     ("2026-12-31", ["closed", "closed", "closed", "closed"])],
)  # fmt: skip
def test_quarter_period_boundaries(as_of: str, periods: list[str]) -> None:
    assert quarter_periods(2026, pd.Timestamp(as_of)).tolist() == periods


def test_closed_quarter_to_date_is_the_whole_target(data: Tables) -> None:
    # as of 30 June Q2 is closed: its target to date is its target (4), ceil never adds a unit
    out = quarterly_attainment(data, 2026, level="region", params=PARAMS, as_of=pd.Timestamp("2026-06-30"))
    assert tuple(_row(out, region="R1", quarter=2)[["period", "target_to_date"]]) == ("closed", 4)
    # one day earlier June runs: April 2 + May 1 closed, June 1 * 29 / 30 -> ceil 1
    out = quarterly_attainment(data, 2026, level="region", params=PARAMS, as_of=pd.Timestamp("2026-06-29"))
    assert tuple(_row(out, region="R1", quarter=2)[["period", "target_to_date"]]) == ("running", 4)
