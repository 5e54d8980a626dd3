"""The weighted pipeline at its edges (docs/method.md §2.4): the month's first day and ``as_of`` on both
sides, the close month just after ``M``, a lead whose customer is unknown, the province level, the
exact columns, order and dtypes of each sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaplan.core.params import Params, Qualification
from kaplan.core.tables import Tables
from kaplan.leads.pipeline import (
    COVERAGE_COLUMNS,
    FORECAST_COLUMNS,
    build,
    coverage_by_region,
    coverage_with_totals,
    customer_tiers,
    forecast,
    key_lead_roles,
    key_leads,
    month_coverage,
    month_to_date,
    overdue_rollup,
    pipeline_sheets,
    scorecard_by_stage,
    scored_leads,
    unit_flags,
)

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


def lead(lead_id: str, stage: str, units: int, close: str, **extra: object) -> dict:
    row = {"lead_id": lead_id, "reported_on": "2026-03-01", "dealer_id": "D1", "owner_id": "S1",
           "customer_id": "C1", "lead_class": "tender", "source": "directory", "stage": stage,
           "product_id": "P1", "units": units, "budget": 2e6, "expected_close": close,
           "last_tracked": "2026-06-18"}  # fmt: skip
    return {**row, **extra}


def small_tables(leads: list[dict], sales: list[tuple] = ()) -> Tables:
    """Two dealers (河北 in 华北大区, 广东 in 华南大区), products P1 (work) and P2 (command), customers
    C1..C3."""
    return Tables.from_frames(
        org=pd.DataFrame({"dealer_id": ["D1", "D2"], "dealer_name": ["甲", "乙"], "province": ["河北", "广东"],
                          "region": ["华北大区", "华南大区"]}),
        staff=pd.DataFrame({"staff_id": ["S1", "S2"], "name": ["张三", "李四"], "role": "dealer_specialist",
                            "region": "华北大区", "province": "河北", "dealer_id": "D1"}),
        products=pd.DataFrame({"product_id": ["P1", "P2"], "product_name": ["a", "b"], "line": ["work", "command"]}),
        customers=pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "customer_name": ["公安局", "电力", "出租"],
                                "industry": ["public_security", "power_grid", "taxi"],
                                "segment": ["government", "enterprise", "industry"], "purchase_method": "tender"}),
        sales=pd.DataFrame(list(sales), columns=["order_id", "date", "dealer_id", "product_id", "customer_id",
                                                  "units"]),
        leads=pd.DataFrame(leads),
    )  # fmt: skip


def open_frame(rows: list[dict]) -> pd.DataFrame:
    """Open leads as the pipeline views read them: region, province, line, units, weighted units, flags."""
    base = {"region": "华北大区", "province": "河北", "line": "work", "owner_id": "S1", "units": 1,
            "weighted_units": 0.5, "close_month": MONTH, "overdue": False, "stale": False,
            "expected_close": pd.Timestamp("2026-06-25")}  # fmt: skip
    return pd.DataFrame([{**base, **row} for row in rows])


def facts_frame(rows: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    """Sales facts: (date, region, province, line, units)."""
    frame = pd.DataFrame(rows, columns=["date", "region", "province", "line", "units"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def test_scored_leads_weights_only_open_leads_and_reads_the_params() -> None:
    tables = small_tables(
        [
            lead("L1", "position", 10, "2026-07-31", last_tracked="2026-06-10"),  # 10 days since tracked
            lead("L2", "won", 4, "2026-06-01"),
            lead("L3", "lost", 5, "2026-06-01"),
            lead("L4", "tender", 3, "2026-06-19", budget=None),  # overdue by a day; budget unknown
            lead("L5", "commit", 3, "2026-06-20", reported_on="2026-06-20"),  # reported on as_of
            lead("L6", "commit", 3, "2026-06-20", reported_on="2026-06-21"),  # not yet
        ]
    )
    params = Params(stale_days=9, qualification=Qualification(min_units=4))
    got = scored_leads(tables, params, MONTH, AS_OF)
    assert got["lead_id"].tolist() == ["L1", "L2", "L3", "L4", "L5"]
    np.testing.assert_allclose(got["weighted_units"], [4.0, 0.0, 0.0, 2.55, 2.1])  # won and lost: 0
    assert str(got["weighted_units"].dtype) == "float64"
    np.testing.assert_allclose(got["probability"], [0.40, 1.0, 0.0, 0.85, 0.70])
    assert got["close_month"].tolist() == ["2026-07", "2026-06", "2026-06", "2026-06", "2026-06"]
    assert str(got["close_month"].dtype) == "str"
    assert got["overdue"].tolist() == [False, False, False, True, False]
    assert got["days_since_tracked"].tolist() == [10, 2, 2, 2, 2]
    assert got["stale"].tolist() == [True, False, False, False, False]  # 10 > 9
    # at least 4 units: L4 (3 units) fails whatever its budget, L5 too
    assert got["qualified"].tolist() == [True, True, True, False, False]
    assert got.loc[0, "region"] == "华北大区" and got.loc[0, "owner_name"] == "张三"


def test_build_keeps_month_and_as_of_and_reads_an_unknown_customer_as_potential() -> None:
    tables = small_tables(
        [
            lead("L1", "commit", 10, "2026-06-30"),
            lead("L2", "contact", 2, "2026-06-30", reported_on="2026-06-21"),  # after as_of
            lead("L3", "won", 5, "2026-06-01", customer_id="C2"),
            lead("L4", "analyse", 1, "2026-06-30", customer_id="C9"),  # not in the customer table
        ]
    )
    view = build(tables, Params(), "2026-06", AS_OF)
    assert view.month == "2026-06" and view.as_of == AS_OF
    assert view.leads["lead_id"].tolist() == ["L1", "L3", "L4"]
    assert view.leads.index.tolist() == [0, 1, 2]
    assert view.open["lead_id"].tolist() == ["L1", "L4"]
    assert view.open.index.tolist() == [0, 1]
    assert list(view.open.columns) == [*view.leads.columns, "tier"]
    assert view.open["tier"].tolist() == ["key", "potential"]
    assert str(view.open["tier"].dtype) == "str"


def test_customer_tiers_columns_and_names() -> None:
    tables = small_tables(
        [lead("L1", "commit", 10, "2026-06-30", customer_id="C2"), lead("L2", "won", 4, "2026-06-01")],
        sales=[("o1", pd.Timestamp("2026-01-10"), "D1", "P1", "C3", 2)],
    )
    scored = scored_leads(tables, Params(), MONTH, AS_OF)
    got = customer_tiers(tables, scored, Params(), AS_OF)
    assert list(got.columns) == ["rank", "customer_id", "customer_name", "industry", "segment", "tier", "bought_12m",
                                 "pipeline_weighted", "value", "cum_share"]  # fmt: skip
    # C2: 10 × 0.70 = 7.0 of pipeline; C3: 2 bought; C1: the won lead is no pipeline, no sale
    assert got["customer_id"].tolist() == ["C2", "C3", "C1"]
    assert got["customer_name"].tolist() == ["电力", "出租", "公安局"]
    assert got["industry"].tolist() == ["power_grid", "taxi", "public_security"]
    assert got["segment"].tolist() == ["enterprise", "industry", "government"]
    assert got["tier"].tolist() == ["key", "key", "potential"]
    assert got["value"].tolist() == [7.0, 2.0, 0.0]


def test_scorecard_by_stage_means_and_first_probability() -> None:
    open_leads = pd.DataFrame(
        {"stage": ["position", "position", "tender"], "units": [2, 6, 3], "stage_probability": [0.40, 0.40, 0.85],
         "barrier": [-1.0, 0.5, 0.0], "probability": [0.60, 0.30, 0.85], "weighted_units": [1.2, 1.8, 2.55]}
    )  # fmt: skip
    got = scorecard_by_stage(open_leads)
    assert list(got.columns) == ["stage", "leads", "units", "stage_probability", "barrier", "probability",
                                 "weighted_units"]  # fmt: skip
    assert got["stage"].tolist() == ["discover", "contact", "analyse", "position", "commit", "tender"]
    assert str(got["stage"].dtype) == "str"
    assert got["leads"].tolist() == [0, 0, 0, 2, 0, 1]
    assert got["units"].tolist() == [0, 0, 0, 8, 0, 3]
    rows = got.set_index("stage")
    assert rows.loc["position", ["stage_probability", "barrier"]].tolist() == [0.40, -0.25]
    assert rows.loc["position", "probability"] == pytest.approx(0.45)
    assert rows.loc["position", "weighted_units"] == pytest.approx(3.0)
    assert np.isnan(rows.loc["discover", "stage_probability"]) and np.isnan(rows.loc["discover", "barrier"])
    assert rows.loc["discover", "weighted_units"] == 0.0
    assert got.dtypes.astype("str").tolist()[1:] == ["int64", "int64"] + ["float64"] * 4


def test_month_to_date_from_the_first_through_as_of() -> None:
    facts = facts_frame(
        [
            ("2026-05-31", "华北大区", "河北", "work", 1000),  # the day before the month
            ("2026-06-01", "华北大区", "河北", "work", 1),  # the first day
            ("2026-06-20", "华北大区", "河北", "work", 10),  # as_of
            ("2026-06-21", "华北大区", "河北", "work", 100),  # after as_of
            ("2026-06-05", "华北大区", "河北", "command", 20),
            ("2026-06-05", "华南大区", "广东", "work", 40),
        ]
    )
    got = month_to_date(facts, MONTH, AS_OF, ["region", "line"])
    assert got.to_dict() == {("华北大区", "command"): 20, ("华北大区", "work"): 11, ("华南大区", "work"): 40}


def test_month_coverage_at_province_level() -> None:
    open_leads = open_frame(
        [
            {"units": 4, "weighted_units": 2.0},  # 河北 work, closes in June
            {"units": 8, "weighted_units": 6.0, "close_month": "2026-07"},  # July: not June's pipeline
            {"units": 3, "weighted_units": 1.5, "overdue": True},  # overdue: left out
            {"province": "山西", "units": 5, "weighted_units": 2.5},  # a unit without target
        ]
    )
    targets = pd.DataFrame({"region": ["华北大区", "华北大区"], "province": ["河北", "河北"], "line": ["work", "work"],
                            "target": [6, 4]})  # fmt: skip
    facts = facts_frame([("2026-06-03", "华北大区", "河北", "work", 2), ("2026-06-03", "华北大区", "山西", "work", 7)])
    got = month_coverage(open_leads, targets, facts, MONTH, AS_OF, level="province")
    assert list(got.columns) == ["region", "province", "line", *COVERAGE_COLUMNS]
    rows = got[["province", "target", "mtd", "gap", "units"]].to_numpy().tolist()
    assert rows == [["山西", 0, 7, 0, 5], ["河北", 10, 2, 8, 4]]
    assert got["weighted_units"].tolist() == [2.5, 2.0]
    assert np.isnan(got.loc[0, "coverage"])  # no target, no gap: blank
    assert got.loc[1, "coverage"] == 0.25
    for column in ("target", "mtd", "gap", "units"):
        assert str(got[column].dtype) == "int64"
    # region level by default: the two provinces' rows added up per region (target 10, mtd 9, gap 1)
    region = month_coverage(open_leads, targets.drop(columns="province"), facts, MONTH, AS_OF)
    assert list(region.columns) == ["region", "line", *COVERAGE_COLUMNS]
    assert region[["target", "mtd", "gap", "units"]].to_numpy().tolist() == [[10, 9, 1, 9]]
    assert region.loc[0, "coverage"] == 4.5


def test_coverage_with_totals_in_chinese_by_default() -> None:
    coverage = pd.DataFrame(
        {"region": ["华南大区", "华北大区", "华北大区"], "line": ["work", "command", "work"],
         "target": [6, 4, 20], "mtd": [6, 1, 7], "gap": [0, 3, 13], "units": [2, 1, 10],
         "weighted_units": [1.0, 0.5, 7.0], "coverage": [np.nan, 0.5 / 3, 7 / 13]}
    )  # fmt: skip
    got = coverage_with_totals(coverage)
    assert list(got.columns) == [*coverage.columns, "row_kind"]
    assert got["row_kind"].tolist() == ["unit"] * 3 + ["national_total"] * 3
    totals = got.iloc[3:]
    assert totals["region"].tolist() == ["全国"] * 3
    assert totals["line"].tolist() == ["work", "command", "all_lines"]  # lines in the order they appear
    assert totals[["target", "mtd", "gap", "units"]].to_numpy().tolist() == [[26, 13, 13, 12], [4, 1, 3, 1],
                                                                             [30, 14, 16, 13]]  # fmt: skip
    assert totals["weighted_units"].tolist() == [8.0, 0.5, 8.5]
    np.testing.assert_allclose(totals["coverage"], [8 / 13, 0.5 / 3, 8.5 / 16])
    assert got.index.tolist() == [0, 1, 2, 3, 4, 5]
    for column in ("target", "mtd", "gap", "units"):
        assert str(got[column].dtype) == "int64"
    assert str(got["weighted_units"].dtype) == "float64"


def test_national_coverage_is_blank_without_any_gap() -> None:
    coverage = pd.DataFrame({"region": ["华北大区"], "line": ["work"], "target": [5], "mtd": [7], "gap": [0],
                             "units": [3], "weighted_units": [1.5], "coverage": [np.nan]})  # fmt: skip
    got = coverage_with_totals(coverage, "en")
    assert got["region"].tolist() == ["华北大区", "National", "National"]
    assert got["coverage"].isna().all()


def test_national_coverage_of_a_gap_of_one_unit() -> None:
    # whole weighted units (a frame built by hand) still come out as float64
    coverage = pd.DataFrame(
        {"region": ["华北大区", "华南大区"], "line": "work", "target": [5, 3], "mtd": [4, 3], "gap": [1, 0],
         "units": [3, 1], "weighted_units": [2, 1], "coverage": [2.0, np.nan]}
    )  # fmt: skip
    got = coverage_with_totals(coverage, "en")
    assert got["coverage"].tolist()[2:] == [3.0, 3.0]  # 3 weighted units over the gap of 1
    assert str(got["weighted_units"].dtype) == "float64"
    assert got["weighted_units"].tolist() == [2.0, 1.0, 3.0, 3.0]


def test_forecast_rows_after_the_month_sorted_with_their_types() -> None:
    open_leads = open_frame(
        [
            {"units": 4, "weighted_units": 2.0},  # June
            {"units": 8, "weighted_units": 6.0, "close_month": "2026-07"},
            {"units": 2, "weighted_units": 1.0, "close_month": "2026-07"},
            {"units": 1, "weighted_units": 0.5, "close_month": "2026-07", "overdue": True},  # overdue: out
            {"units": 5, "weighted_units": 4.0, "close_month": "2026-05"},  # an earlier month, not flagged: out
            {"region": "华南大区", "units": 3, "weighted_units": 0.3, "close_month": "2027-01"},
            {"line": "command", "units": 6, "weighted_units": 3.0, "close_month": "2026-09"},
        ]
    )
    targets = pd.DataFrame({"region": ["华北大区", "华南大区"], "line": ["work", "work"], "target": [10, 2]})
    facts = facts_frame([("2026-06-02", "华北大区", "河北", "work", 2)])
    got = forecast(open_leads, targets, facts, MONTH, AS_OF)
    assert list(got.columns) == list(FORECAST_COLUMNS)
    assert got[["region", "line", "close_month", "units"]].to_numpy().tolist() == [
        ["华北大区", "command", "2026-09", 6],
        ["华北大区", "work", "2026-06", 4],
        ["华北大区", "work", "2026-07", 10],
        ["华南大区", "work", "2026-06", 0],
        ["华南大区", "work", "2027-01", 3],
    ]
    assert got["weighted_units"].tolist() == [3.0, 2.0, 7.0, 0.0, 0.3]
    assert got["target"].tolist() == [pd.NA, 10, pd.NA, 2, pd.NA]
    assert str(got["target"].dtype) == "Int64" and str(got["units"].dtype) == "int64"
    assert got.loc[1, "coverage"] == 0.25 and got.loc[3, "coverage"] == 0.0
    assert got.index.tolist() == [0, 1, 2, 3, 4]


def test_key_leads_and_their_roles_fewest_covered_first() -> None:
    open_leads = pd.DataFrame(
        {"lead_id": ["L3", "L1", "L2", "L4"], "customer_name": "公安局", "owner_name": "张三",
         "stage": "commit", "units": [1, 2, 3, 4], "tier": ["key", "key", "key", "secondary"]}
    )  # fmt: skip
    assert key_leads(open_leads)["lead_id"].tolist() == ["L3", "L1", "L2"]
    assert key_leads(open_leads).index.tolist() == [0, 1, 2]
    assert list(key_leads(open_leads).columns) == list(open_leads.columns)
    contacts = pd.DataFrame({"lead_id": ["L2", "L2", "L4"], "role": ["decision_maker", "finance", "evaluator"],
                             "name": ["王", "李", "赵"], "attitude": "support"})  # fmt: skip
    got = key_lead_roles(open_leads, contacts)
    assert got["lead_id"].tolist() == ["L1", "L3", "L2"]  # none covered (by lead id), then two roles
    assert got["roles_covered"].tolist() == [0, 0, 2]
    assert got.index.tolist() == [0, 1, 2]
    assert list(got.columns)[:5] == ["lead_id", "customer_name", "owner_name", "stage", "units"]


def test_pipeline_sheets_order_columns_and_more_sheets() -> None:
    open_leads = pd.DataFrame(
        {"lead_id": ["L2", "L1", "L3", "L0"], "region": ["华北大区", "华北大区", "华北大区", "华南大区"],
         "province": ["河北", "河北", "山西", "广东"], "units": [1, 2, 3, 4], "extra": 0}
    )  # fmt: skip
    open_leads.index = [7, 8, 9, 10]
    forecast_frame = pd.DataFrame({"units": [1, 2]}, index=[5, 6])
    more = {"won": pd.DataFrame({"lead_id": ["L9"]}, index=[3]), "tiers": pd.DataFrame({"tier": ["key"]}, index=[4])}
    sheets = pipeline_sheets(open_leads, forecast_frame, more)
    assert list(sheets) == ["leads", "forecast", "won", "tiers"]
    # sorted by region, province, lead id (华北 before 华南, 山西 before 河北 in code-point order)
    assert sheets["leads"]["lead_id"].tolist() == ["L3", "L1", "L2", "L0"]
    assert list(sheets["leads"].columns) == ["lead_id", "region", "province", "units"]
    for frame in sheets.values():
        assert frame.index.tolist() == list(range(len(frame)))
    assert sheets["won"]["lead_id"].tolist() == ["L9"]
    assert [list(sheets[name].columns) for name in ("forecast", "won", "tiers")] == [["units"], ["lead_id"], ["tier"]]


def test_coverage_by_region_sorted_and_blank_without_gap() -> None:
    coverage = pd.DataFrame({"region": ["华南大区", "华北大区", "华北大区", "西北大区", "东北大区"], "line": "work",
                             "gap": [0, 3, 5, 0, 1], "weighted_units": [1.0, 2.0, 4.0, 0.0, 0.5]})  # fmt: skip
    got = coverage_by_region(coverage)
    assert list(got.columns) == ["region", "gap", "weighted_units", "coverage"]
    assert got["region"].tolist() == ["东北大区", "华北大区", "华南大区", "西北大区"]
    assert got["gap"].tolist() == [1, 8, 0, 0]
    assert got["coverage"].tolist()[:2] == [0.5, 0.75]
    assert got["coverage"].iloc[2:].isna().all()


def test_unit_flags_at_region_level() -> None:
    open_leads = open_frame(
        [
            {"units": 4, "overdue": True, "stale": True},
            {"province": "山西", "units": 6, "overdue": True},
            {"units": 9, "stale": True},
            {"line": "command", "units": 2},
        ]
    )
    got = unit_flags(open_leads, "region")
    assert list(got.columns) == ["region", "line", "overdue", "overdue_units", "stale"]
    assert got.to_numpy().tolist() == [["华北大区", "command", 0, 0, 0], ["华北大区", "work", 2, 10, 2]]
    assert got.dtypes.astype("str").tolist()[2:] == ["int64", "int64", "int64"]


def test_overdue_rollup_keeps_blank_owners_and_sorts_ties_by_key() -> None:
    open_leads = open_frame(
        [
            {"owner_id": "S2", "units": 3, "weighted_units": 1.5, "overdue": True,
             "expected_close": pd.Timestamp("2026-05-10")},
            {"owner_id": "S1", "units": 3, "weighted_units": 0.3, "overdue": True,
             "expected_close": pd.Timestamp("2026-06-10")},
            {"owner_id": "S1", "units": 50, "weighted_units": 40.0},  # not overdue
            {"owner_id": None, "units": 7, "weighted_units": 0.7, "overdue": True,
             "expected_close": pd.Timestamp("2026-04-01")},
            {"owner_id": "S2", "units": 1, "weighted_units": 0.25, "overdue": True,
             "expected_close": pd.Timestamp("2026-06-01")},
        ]
    )  # fmt: skip
    got = overdue_rollup(open_leads, ["owner_id"])
    assert list(got.columns) == ["owner_id", "overdue", "overdue_units", "overdue_weighted", "earliest_close"]
    assert pd.isna(got.loc[0, "owner_id"]) and got["owner_id"].tolist()[1:] == ["S2", "S1"]
    assert got["overdue"].tolist() == [1, 2, 1]
    assert got["overdue_units"].tolist() == [7, 4, 3]
    assert got["overdue_weighted"].tolist() == [0.7, 1.75, 0.3]
    assert got["earliest_close"].tolist() == [pd.Timestamp("2026-04-01"), pd.Timestamp("2026-05-10"),
                                              pd.Timestamp("2026-06-10")]  # fmt: skip
    assert str(got["overdue"].dtype) == "int64" and str(got["overdue_units"].dtype) == "int64"
    assert got.index.tolist() == [0, 1, 2]
    # ties in units go by owner: S1 before S2
    tied = overdue_rollup(open_leads.iloc[[0, 1]], ["owner_id"])
    assert tied["owner_id"].tolist() == ["S1", "S2"]


def test_month_coverage_without_targets_or_leads_is_empty_with_its_columns() -> None:
    no_targets = pd.DataFrame({"region": pd.Series([], dtype="str"), "line": pd.Series([], dtype="str"),
                               "target": pd.Series([], dtype="int64")})  # fmt: skip
    no_leads = open_frame([{"close_month": "2026-07"}])  # a later month only: no pipeline in June
    facts = facts_frame([("2026-06-03", "华北大区", "河北", "work", 2)])
    got = month_coverage(no_leads, no_targets, facts, MONTH, AS_OF)
    assert got.empty
    assert list(got.columns) == ["region", "line", *COVERAGE_COLUMNS]


def test_forecast_units_are_whole_numbers_whatever_the_units_column() -> None:
    # units read as floats (e.g. a frame that held a blank once) are still counted as int64
    open_leads = open_frame([{"units": 4.0}, {"units": 2.0, "close_month": "2026-08"}])
    targets = pd.DataFrame({"region": ["华北大区"], "line": ["work"], "target": [10]})
    got = forecast(open_leads, targets, facts_frame([]), MONTH, AS_OF)
    assert got["units"].tolist() == [4, 2]
    assert str(got["units"].dtype) == "int64"
