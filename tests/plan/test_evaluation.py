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
from kaplan.plan.evaluation import locked_quarter_targets, quarterly_attainment

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
    assert list(out.columns) == ["year", "quarter", "region", "province", "dealer_id", "dealer_name", "target",
                                 "actual", "attainment"]  # fmt: skip
    assert len(out) == 12  # every dealer x quarter
    q1 = _row(out, dealer_id="D1", quarter=1)
    assert (q1["target"], q1["actual"], q1["attainment"]) == (4, 5, 1.25)
    assert _row(out, dealer_id="D1", quarter=2)["attainment"] == 0
    assert math.isnan(_row(out, dealer_id="D2", quarter=2)["attainment"])  # target 0: blank
    assert _row(out, dealer_id="D2", quarter=2)["actual"] == 5
    assert _row(out, dealer_id="D3", quarter=1)["attainment"] == 0.5


def test_region_province_and_staff(data: Tables) -> None:
    region = quarterly_attainment(data, 2026, level="region", params=PARAMS)
    assert list(region.columns) == ["year", "quarter", "region", "target", "actual", "attainment"]
    assert tuple(_row(region, region="R1", quarter=2)[["target", "actual"]]) == (4, 5)
    province = quarterly_attainment(data, 2026, level="province", params=PARAMS)
    assert tuple(_row(province, province="P2", quarter=4)[["target", "actual"]]) == (1, 0)
    staff = quarterly_attainment(data, 2026, level="staff", params=PARAMS)
    assert list(staff.columns) == ["year", "quarter", "staff_id", "name", "role", "region", "target", "actual",
                                   "attainment"]  # fmt: skip
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
