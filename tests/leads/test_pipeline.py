from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.facts import sales_facts
from kaplan.core.params import Params
from kaplan.core.schema import FACTORS
from kaplan.core.tables import Tables
from kaplan.leads.figures import coverage_figure
from kaplan.leads.pipeline import (
    FLAG_COLUMNS,
    FORECAST_COLUMNS,
    build,
    coverage_by_region,
    coverage_with_totals,
    forecast,
    key_lead_roles,
    month_coverage,
    overdue_rollup,
    pipeline_sheets,
    scorecard_by_stage,
    unit_flags,
)
from kaplan.leads.registry import conversion_by, funnel, is_overdue, qualification_counts, stale_leads

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


def lead(lead_id: str, dealer: str, product: str, customer: str, stage: str, units: int,
         close: str, **extra: object) -> dict:  # fmt: skip
    row = {"lead_id": lead_id, "reported_on": "2026-03-01", "dealer_id": dealer, "owner_id": "S1",
           "customer_id": customer, "lead_class": "tender", "source": "directory", "stage": stage,
           "product_id": product, "units": units, "budget": 2e6, "expected_close": close,
           "last_tracked": "2026-06-18", "notes": "=1+1"}  # fmt: skip
    return {**row, **extra}


@pytest.fixture(scope="module")
def tables() -> Tables:
    org = pd.DataFrame(
        {"dealer_id": ["D1", "D2", "D3"], "dealer_name": ["甲", "乙", "丙"],
         "province": ["河北", "山西", "广东"], "region": ["华北大区", "华北大区", "华南大区"]}
    )  # fmt: skip
    sales = pd.DataFrame(
        [
            ("o1", "2025-12-10", "D1", "P1", "C1", 10),
            ("o2", "2026-06-05", "D1", "P1", "C1", 5),
            ("o3", "2026-06-21", "D1", "P1", "C1", 3),  # after as_of
            ("o4", "2026-06-10", "D2", "P1", "C2", 2),
            ("o5", "2026-06-03", "D3", "P2", "C3", 2),
        ],
        columns=["order_id", "date", "dealer_id", "product_id", "customer_id", "units"],
    )
    leads = pd.DataFrame(
        [
            lead("L1", "D1", "P1", "C1", "commit", 10, "2026-06-25"),
            lead("L2", "D2", "P1", "C2", "tender", 4, "2026-05-15"),  # overdue: not in June's coverage
            lead("L3", "D1", "P1", "C2", "position", 5, "2026-08-10", last_tracked="2026-06-01"),
            lead("L4", "D3", "P1", "C3", "analyse", 8, "2026-06-30"),
            lead("L5", "D1", "P2", "C1", "won", 3, "2026-06-01"),
            lead("L6", "D1", "P1", "C1", "discover", 9, "2026-06-28", reported_on="2026-06-25"),
        ]
    )
    factors = pd.DataFrame({"lead_id": "L4", "factor": list(FACTORS), "score": 5})
    contacts = pd.DataFrame(
        {"lead_id": ["L1", "L1"], "role": ["decision_maker", "finance"], "name": ["王", "李"],
         "attitude": ["support", "oppose"]}
    )  # fmt: skip
    return Tables.from_frames(
        org=org,
        staff=pd.DataFrame({"staff_id": ["S1"], "name": ["张三"], "role": ["dealer_specialist"],
                            "region": ["华北大区"], "province": ["河北"], "dealer_id": ["D1"]}),
        products=pd.DataFrame({"product_id": ["P1", "P2"], "product_name": ["a", "b"],
                               "line": ["work", "command"]}),
        customers=pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"],
                                "customer_name": ["<b>公安局</b>", "电力", "出租", "无"],
                                "industry": "taxi", "segment": "government",
                                "purchase_method": "tender"}),
        sales=sales, leads=leads, lead_factors=factors, lead_contacts=contacts,
    )  # fmt: skip


@pytest.fixture(scope="module")
def facts(tables: Tables) -> pd.DataFrame:
    return sales_facts(tables)


REGION_TARGETS = pd.DataFrame(
    {"region": ["华北大区", "华北大区", "华南大区", "华南大区"], "line": ["work", "command", "work", "command"],
     "target": [20, 4, 6, 1]}
)  # fmt: skip
PROVINCE_TARGETS = pd.DataFrame(
    {"region": ["华北大区", "华北大区", "华北大区", "华南大区"], "province": ["河北", "山西", "河北", "广东"],
     "line": ["work", "work", "command", "work"], "target": [12, 8, 4, 6]}
)  # fmt: skip


def test_scored_open_leads_hand_worked(tables: Tables) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    assert view.leads["lead_id"].tolist() == ["L1", "L2", "L3", "L4", "L5"]  # L6 reported after as_of
    got = view.open.set_index("lead_id")
    assert got.index.tolist() == ["L1", "L2", "L3", "L4"]
    # L4: analyse 0.25, every factor 5 -> barrier -1 -> 0.25 + 0.5 * 0.25 = 0.375
    np.testing.assert_allclose(got["probability"], [0.70, 0.85, 0.40, 0.375])
    np.testing.assert_allclose(got["weighted_units"], [7.0, 3.4, 2.0, 3.0])
    assert got["close_month"].tolist() == ["2026-06", "2026-05", "2026-08", "2026-06"]
    assert got["overdue"].tolist() == [False, True, False, False]
    assert got["stale"].tolist() == [False, False, True, False]
    assert got["days_since_tracked"].tolist() == [2, 2, 19, 2]
    assert got.loc["L1", "owner_name"] == "张三" and got.loc["L4", "region"] == "华南大区"
    # values: C1 15 bought + 7.0 = 22; C2 2 + 3.4 + 2.0 = 7.4; C3 2 + 3.0 = 5; C4 0; total 34.4
    # 80 % = 27.52: C1 (before 0) and C2 (before 22) are key; C3 (before 29.4 < 32.68) secondary
    customers = view.customers.set_index("customer_id")
    np.testing.assert_allclose(customers["value"], [22.0, 7.4, 5.0, 0.0])
    assert customers["tier"].tolist() == ["key", "key", "secondary", "potential"]
    assert got["tier"].tolist() == ["key", "key", "key", "secondary"]


def test_region_coverage_hand_worked(tables: Tables, facts: pd.DataFrame) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    got = month_coverage(view.open, REGION_TARGETS, facts, MONTH, AS_OF).set_index(["region", "line"])
    # 华北 work: target 20, mtd 5 + 2 = 7 (the sale of 06-21 is after as_of), gap 13,
    #   pipeline L1 7.0; L2 (3.4, expected 05-15) is overdue and left out -> 7 / 13
    assert got.loc[("华北大区", "work"), ["target", "mtd", "gap", "units"]].tolist() == [20, 7, 13, 10]
    assert got.loc[("华北大区", "work"), "coverage"] == pytest.approx(7 / 13)
    assert got.loc[("华北大区", "command"), "coverage"] == 0.0
    assert got.loc[("华南大区", "work"), "coverage"] == pytest.approx(0.5)
    # 华南 command: target 1, sold 2 -> gap 0 -> coverage blank
    assert got.loc[("华南大区", "command"), "gap"] == 0
    assert np.isnan(got.loc[("华南大区", "command"), "coverage"])


def test_forecast_sheet(tables: Tables, facts: pd.DataFrame) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    got = forecast(view.open, REGION_TARGETS, facts, MONTH, AS_OF)
    assert tuple(got.columns) == FORECAST_COLUMNS
    rows = {(r.region, r.line, r.close_month): r for r in got.itertuples()}
    assert set(rows) == {("华北大区", "work", "2026-06"), ("华北大区", "command", "2026-06"),
                         ("华南大区", "work", "2026-06"), ("华南大区", "command", "2026-06"),
                         ("华北大区", "work", "2026-08")}  # fmt: skip
    later = rows[("华北大区", "work", "2026-08")]
    assert (later.units, later.weighted_units) == (5, 2.0)
    assert pd.isna(later.target) and pd.isna(later.coverage)
    assert rows[("华北大区", "work", "2026-06")].target == 20
    # every open unit that is not overdue is forecast once
    current = view.open[~view.open["overdue"]]
    assert got["units"].sum() == current["units"].sum()
    assert got["weighted_units"].sum() == pytest.approx(current["weighted_units"].sum())


def test_pipeline_sheets_and_key_roles(tables: Tables, facts: pd.DataFrame) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    sheets = pipeline_sheets(view.open, forecast(view.open, REGION_TARGETS, facts, MONTH, AS_OF))
    assert list(sheets) == ["leads", "forecast"]
    leads = sheets["leads"]
    assert len(leads) == 4
    for column in ("tier", "probability", "weighted_units", "stale", "customer_name", "notes"):
        assert column in leads
    roles = key_lead_roles(view.open, tables.lead_contacts)
    assert roles["lead_id"].tolist() == ["L2", "L3", "L1"]  # fewest roles covered first
    assert roles.set_index("lead_id").loc["L1", "finance_role"] == "oppose"


def test_overdue_is_open_with_expected_close_before_as_of() -> None:
    frame = pd.DataFrame(
        {"stage": ["contact", "won", "contact", "contact"],
         "expected_close": pd.to_datetime(["2026-06-19", "2026-01-05", "2026-06-20", "2026-07-01"])}
    )  # fmt: skip
    # the day before as_of is overdue; as_of itself is not; a won lead never is
    assert is_overdue(frame, AS_OF).tolist() == [True, False, False, False]


def test_coverage_figure_escapes_region_names(tables: Tables, facts: pd.DataFrame) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    coverage = month_coverage(view.open, REGION_TARGETS, facts, MONTH, AS_OF)
    coverage.loc[0, "region"] = "<i>华北</i>"
    fig = coverage_figure(coverage, "zh")
    assert "&lt;i&gt;华北&lt;/i&gt;" in fig.data[0].x


def test_coverage_by_region_sums_gaps_and_weighted_units(tables: Tables, facts: pd.DataFrame) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    coverage = month_coverage(view.open, REGION_TARGETS, facts, MONTH, AS_OF)
    got = coverage_by_region(coverage).set_index("region")
    sums = coverage.groupby("region")[["gap", "weighted_units"]].sum()
    assert got.index.tolist() == sorted(sums.index)
    assert got["gap"].tolist() == sums["gap"].tolist()
    for region, row in got.iterrows():
        expected = sums.loc[region, "weighted_units"] / sums.loc[region, "gap"] if sums.loc[region, "gap"] else None
        assert (np.isnan(row["coverage"]) if expected is None else row["coverage"] == pytest.approx(expected))


REGIONS = ["甲区", "乙区"]


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.tuples(st.sampled_from(REGIONS), st.integers(0, 50)), min_size=1, max_size=2, unique_by=lambda t: t[0]),
    st.lists(st.tuples(st.sampled_from(REGIONS), st.integers(1, 20), st.integers(1, 30)), max_size=8),
    st.lists(st.tuples(st.sampled_from(REGIONS), st.integers(1, 40), st.floats(0, 1),
                       st.sampled_from(["2026-06", "2026-07"])), max_size=8),
)  # fmt: skip
def test_coverage_is_weighted_pipeline_over_the_floored_gap(
    targets: list[tuple[str, int]],
    sales: list[tuple[str, int, int]],
    pipe: list[tuple[str, int, float, str]],
) -> None:
    target_frame = pd.DataFrame({"region": [r for r, _ in targets], "line": "work", "target": [t for _, t in targets]})
    facts = pd.DataFrame(
        {"region": [r for r, _, _ in sales], "line": "work", "units": [u for _, _, u in sales],
         "date": pd.Series([pd.Timestamp(f"2026-06-{d:02d}") for _, d, _ in sales], dtype="datetime64[ns]")}
    )  # fmt: skip
    open_leads = pd.DataFrame(
        {"region": [r for r, *_ in pipe], "line": "work", "units": [u for _, u, _, _ in pipe],
         "weighted_units": [u * p for _, u, p, _ in pipe], "close_month": [m for *_, m in pipe],
         "overdue": False}
    )  # fmt: skip
    got = month_coverage(open_leads, target_frame, facts, MONTH, AS_OF).set_index("region")
    for region in got.index:
        target = sum(t for r, t in targets if r == region)
        mtd = sum(u for r, d, u in sales if r == region and d <= 20)
        weighted = sum(u * p for r, u, p, m in pipe if r == region and m == MONTH)
        row = got.loc[region]
        assert (row["target"], row["mtd"], row["gap"]) == (target, mtd, max(0, target - mtd))
        assert row["weighted_units"] == pytest.approx(weighted)
        if row["gap"] == 0:
            assert np.isnan(row["coverage"])
        else:
            assert row["coverage"] == pytest.approx(weighted / row["gap"])


def test_an_empty_lead_registry_gives_empty_views(tables: Tables, facts: pd.DataFrame) -> None:
    empty = replace(tables, leads=tables.leads.iloc[0:0], lead_factors=tables.lead_factors.iloc[0:0],
                    lead_contacts=tables.lead_contacts.iloc[0:0])  # fmt: skip
    view = build(empty, Params(), MONTH, AS_OF)
    assert view.open.empty and len(view.customers) == 4
    assert view.customers.set_index("customer_id").loc["C1", "value"] == 15.0  # sales only
    assert funnel(view.leads, AS_OF)["reached"].sum() == 0
    assert conversion_by(view.leads, "source", AS_OF).empty
    assert stale_leads(view.leads, AS_OF, 7).empty
    assert qualification_counts(view.open)["qualified"].sum() == 0
    assert key_lead_roles(view.open, empty.lead_contacts).empty
    sheets = pipeline_sheets(view.open, forecast(view.open, REGION_TARGETS, facts, MONTH, AS_OF))
    assert sheets["leads"].empty
    assert sheets["forecast"]["target"].sum() == 31 and (sheets["forecast"]["units"] == 0).all()


def test_coverage_totals_sum_the_regions_gaps(tables: Tables, facts: pd.DataFrame) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    coverage = month_coverage(view.open, REGION_TARGETS, facts, MONTH, AS_OF)
    got = coverage_with_totals(coverage, "en")
    totals = got[got["row_kind"] == "national_total"].set_index("line")
    assert (totals["region"] == "National").all()
    assert len(got) == len(coverage) + 3  # work, command, all lines
    # work: gaps 13 + 6 = 19, weighted 7.0 + 3.0 = 10.0 (L2 overdue); command: gaps 4 + 0 (华南 is ahead) = 4, 0
    assert totals.loc["work", ["target", "mtd", "gap", "units"]].tolist() == [26, 7, 19, 18]
    assert totals.loc["work", "coverage"] == pytest.approx(10.0 / 19)
    assert totals.loc["command", ["target", "mtd", "gap"]].tolist() == [5, 2, 4]
    assert totals.loc["all_lines", "gap"] == 23
    assert totals.loc["all_lines", "coverage"] == pytest.approx(10.0 / 23)
    assert list(got.columns) == [*coverage.columns, "row_kind"]


def test_scorecard_by_stage(tables: Tables) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    got = scorecard_by_stage(view.open).set_index("stage")
    assert got.index.tolist() == ["discover", "contact", "analyse", "position", "commit", "tender"]
    assert got["leads"].tolist() == [0, 0, 1, 1, 1, 1]
    assert got.loc["analyse", ["stage_probability", "barrier", "probability"]].tolist() == [0.25, -1.0, 0.375]
    assert got.loc["tender", "weighted_units"] == pytest.approx(3.4)
    assert got["weighted_units"].sum() == pytest.approx(view.open["weighted_units"].sum())


def test_overdue_rollup_and_unit_flags(tables: Tables) -> None:
    view = build(tables, Params(), MONTH, AS_OF)
    by_region = overdue_rollup(view.open, ["region"])
    # L2 (D2 山西, 4 units at 0.85, expected 05-15) is the one overdue lead
    assert by_region.to_dict("records") == [{"region": "华北大区", "overdue": 1, "overdue_units": 4,
                                             "overdue_weighted": pytest.approx(3.4),
                                             "earliest_close": pd.Timestamp("2026-05-15")}]  # fmt: skip
    flags = unit_flags(view.open, "province").set_index(["region", "province", "line"])
    assert flags.loc[("华北大区", "山西", "work")].tolist() == [1, 4, 0]
    assert flags.loc[("华北大区", "河北", "work")].tolist() == [0, 0, 1]  # L3 is stale
    assert list(flags.columns) == list(FLAG_COLUMNS)
