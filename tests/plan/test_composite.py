"""components, blend, composite_shares, dropped_components: the composite split (docs/method.md §2.2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frames import sales_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.errors import AllocationError
from kaplan.core.facts import line_units, sales_facts
from kaplan.core.months import MonthError
from kaplan.core.params import SplitWeights
from kaplan.core.tables import Tables
from kaplan.plan.composite import blend, blended, components, composite, composite_shares, dropped_components
from kaplan.plan.targets import province_targets

# ----------------------------------------------------------------------------- the worked month
# Month 2026-04: T3 = Jan..Mar 2026, L1 = Mar 2026, A = annual targets 2026. Weights 0.4/0.3/0.3.
#
#            command                               work
#            T3  s3   L1  s1   A    sa   c         T3  s3   L1  A   sa   c
#   P1(R1)   50  .5   10  .5   402  .4   .47       0   0    0   30  .5   (.4·0 + .3·.5)/.7  = .15/.7
#   P2(R1)   30  .3   10  .5   402  .4   .39       6   .6   0   30  .5   (.4·.6 + .3·.5)/.7 = .39/.7
#   P3(R2)   20  .2    0  0    201  .2   .14       4   .4   0    0  0    (.4·.4)/.7         = .16/.7
#   (work has no sales in March: last_month is dropped, weights renormalised over .4 + .3)
#   conversion: no sales, no targets -> equal split 1/3, with a warning.

ORG = pd.DataFrame(
    {
        "dealer_id": ["D1a", "D1b", "D2", "D3", "D4"],
        "dealer_name": ["甲", "乙", "丙", "丁", "戊"],
        "province": ["P1", "P1", "P2", "P3", "P3"],
        "region": ["R1", "R1", "R1", "R2", "R2"],
    }
)
PRODUCTS = pd.DataFrame(
    {"product_id": ["PC", "PW"], "product_name": ["指挥", "作业"], "line": ["command", "work"]}
)
SALES_ROWS = [  # date, dealer, product, units
    ("2026-01-10", "D1a", "PC", 20),
    ("2026-03-05", "D1a", "PC", 10),
    ("2026-02-11", "D1b", "PC", 20),
    ("2026-01-20", "D2", "PC", 20),
    ("2026-03-31", "D2", "PC", 10),
    ("2026-02-01", "D3", "PC", 20),
    ("2026-02-14", "D2", "PW", 6),
    ("2026-01-02", "D3", "PW", 4),
    ("2026-04-01", "D1b", "PC", 500),  # month M itself: in no component
]
SALES = sales_frame(SALES_ROWS)
TARGETS = pd.DataFrame(
    {
        "year": [2026] * 6 + [2025],
        "dealer_id": ["D1a", "D1b", "D2", "D3", "D1a", "D2", "D3"],
        "line": ["command", "command", "command", "command", "work", "work", "command"],
        "units": [201, 201, 402, 201, 30, 30, 9999],  # the 2025 row is another year
    }
)


@pytest.fixture
def month_data() -> Tables:
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS)


def _by(frame: pd.DataFrame, line: str, column: str) -> list[float]:
    return frame[frame["line"] == line][column].tolist()


def test_province_shares_worked_example(month_data: Tables) -> None:
    out = composite_shares(month_data, "2026-04", (0.4, 0.3, 0.3))
    assert list(out.columns) == ["month", "region", "province", "line", "s_trailing3",
                                 "s_last_month", "s_annual", "composite"]  # fmt: skip
    assert len(out) == 9 and set(out["month"]) == {"2026-04"}
    cmd = out[out["line"] == "command"]
    assert cmd["province"].tolist() == ["P1", "P2", "P3"]
    assert cmd["region"].tolist() == ["R1", "R1", "R2"]
    assert cmd["s_trailing3"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert cmd["s_last_month"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert cmd["s_annual"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    assert cmd["composite"].tolist() == pytest.approx([0.47, 0.39, 0.14])
    assert _by(out, "work", "s_trailing3") == pytest.approx([0, 0.6, 0.4])
    assert _by(out, "work", "s_last_month") == [0, 0, 0]
    assert _by(out, "work", "composite") == pytest.approx([0.15 / 0.7, 0.39 / 0.7, 0.16 / 0.7])
    assert _by(out, "conversion", "composite") == pytest.approx([1 / 3] * 3)


def test_dealer_shares_are_within_province_and_line(month_data: Tables) -> None:
    out = composite_shares(month_data, "2026-04", SplitWeights(), level="dealer")
    assert list(out.columns) == ["month", "region", "province", "dealer_id", "dealer_name", "line",
                                 "s_trailing3", "s_last_month", "s_annual", "composite"]  # fmt: skip
    assert len(out) == 15  # every org dealer x every line, sales or not
    cmd = out[out["line"] == "command"].set_index("dealer_id")
    # P1: T3 30/20, L1 10/0, A 201/201 -> .4·.6 + .3·1 + .3·.5 = .69 and .4·.4 + 0 + .15 = .31
    assert cmd.loc[["D1a", "D1b"], "composite"].tolist() == pytest.approx([0.69, 0.31])
    # P3: the new dealer D4 has no sales and no target
    assert cmd.loc[["D3", "D4"], "composite"].tolist() == pytest.approx([1.0, 0.0])
    sums = out.groupby(["province", "line"])["composite"].sum()
    assert sums.to_numpy() == pytest.approx(np.ones(len(sums)))
    conv = out[out["line"] == "conversion"].set_index("dealer_id")["composite"]
    assert conv[["D1a", "D1b", "D2", "D3", "D4"]].tolist() == pytest.approx([0.5, 0.5, 1, 0.5, 0.5])


def test_weights_as_mapping_tuple_or_model_agree(month_data: Tables) -> None:
    comp = components(month_data, "2026-04", "dealer")
    a = blend(comp, {"trailing3": 0.2, "last_month": 0.5, "annual": 0.3})
    b = blend(comp, (0.2, 0.5, 0.3))
    c = blend(comp, SplitWeights(trailing3=2, last_month=5, annual=3))
    pd.testing.assert_frame_equal(a, b)
    assert a["composite"].to_numpy() == pytest.approx(c["composite"].to_numpy())


def test_blend_equals_a_fresh_composite_shares_call(month_data: Tables) -> None:
    comp = components(month_data, "2026-04", "province")
    for weights in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0.1, 0.7, 0.2)]:
        pd.testing.assert_frame_equal(blend(comp, weights), composite_shares(month_data, "2026-04", weights))


def test_blend_rejects_all_zero_weights(month_data: Tables) -> None:
    comp = components(month_data, "2026-04", "province")
    with pytest.raises(AllocationError, match="all 0"):
        blend(comp, (0, 0, 0))
    with pytest.raises(AllocationError, match="greater than or equal to 0"):
        blend(comp, {"trailing3": -1, "last_month": 1, "annual": 1})
    with pytest.raises(AllocationError, match="three or four weights"):
        blend(comp, (1, 1))


# ----------------------------------------------------------------------------- the pipeline component
# Leads of the worked month 2026-04 (weighted units = units x stage probability, params defaults):
#   D1a (P1) PC 10 commit .70, reported 03-05, closes 04-20      -> 7.0 in P1
#   D2  (P2) PC  4 tender .85, reported 02-01, closes 04-01      -> 3.4 in P2
#   D1b (P1) PC  8 lost    0,  reported 03-01, closes 04-10      -> 0
#   D3  (P3) PC 100 won    1,  reported 04-01 (not before April) -> left out
#   D3  (P3) PC 50 position,   reported 01-01, closes 05-01 (May) -> left out
#   command: P = 7.0, 3.4, 0 -> sp = 7/10.4, 3.4/10.4, 0; work has no lead: its pipeline is dropped.
#   weights .4/.3/.3/1: c = (.4 s3 + .3 s1 + .3 sa + 1·sp) / 2
#     P1 (.47 + 7/10.4)/2 = .571538   P2 (.39 + 3.4/10.4)/2 = .358462   P3 (.14 + 0)/2 = .07
#   plan 100 command units: 57.15, 35.85, 7 -> floors 57, 35, 7 (99), the last unit to the largest
#   remainder P2 -> 57, 36, 7.
LEAD_ROWS = [("L1", "D1a", 10, "commit", "2026-03-05", "2026-04-20"),
             ("L2", "D2", 4, "tender", "2026-02-01", "2026-04-01"),
             ("L3", "D1b", 8, "lost", "2026-03-01", "2026-04-10"), ("L4", "D3", 100, "won", "2026-04-01", "2026-04-30"),
             ("L5", "D3", 50, "position", "2026-01-01", "2026-05-01")]  # fmt: skip
LEADS = pd.DataFrame({
    "lead_id": [r[0] for r in LEAD_ROWS], "reported_on": pd.to_datetime([r[4] for r in LEAD_ROWS]),
    "dealer_id": [r[1] for r in LEAD_ROWS], "owner_id": "S", "customer_id": "C", "lead_class": "tender",
    "source": "directory", "stage": [r[3] for r in LEAD_ROWS], "product_id": "PC", "units": [r[2] for r in LEAD_ROWS],
    "budget": np.nan, "expected_close": pd.to_datetime([r[5] for r in LEAD_ROWS]),
    "last_tracked": pd.to_datetime("2026-04-01"), "notes": "",
})  # fmt: skip


@pytest.fixture
def lead_data() -> Tables:
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS, leads=LEADS)


def test_pipeline_component_worked_example(lead_data: Tables) -> None:
    comp = components(lead_data, "2026-04", "province")
    out = blend(comp, (0.4, 0.3, 0.3, 1.0))
    assert list(out.columns)[-2:] == ["s_pipeline", "composite"]
    assert comp.frame[comp.frame["line"] == "command"]["pipeline"].tolist() == pytest.approx([7.0, 3.4, 0.0])
    assert _by(out, "command", "s_pipeline") == pytest.approx([7 / 10.4, 3.4 / 10.4, 0])
    assert _by(out, "command", "composite") == pytest.approx([(0.47 + 7 / 10.4) / 2, (0.39 + 3.4 / 10.4) / 2, 0.07])
    assert _by(out, "work", "composite") == pytest.approx([0.15 / 0.7, 0.39 / 0.7, 0.16 / 0.7])
    plan = pd.Series({"command": 100, "work": 0, "conversion": 0})
    targets = province_targets(out, plan)
    assert _by(targets, "command", "target") == [57, 36, 7]
    dropped = dropped_components(comp, (0.4, 0.3, 0.3, 1.0))
    rows = dropped[["province", "line", "component", "issue"]].values.tolist()
    assert ["", "work", "pipeline", "component_dropped"] in rows


def test_pipeline_weight_zero_keeps_the_three_weight_sheet(lead_data: Tables) -> None:
    out = blend(components(lead_data, "2026-04", "province"), (0.4, 0.3, 0.3, 0.0))
    assert "s_pipeline" not in out.columns


@settings(max_examples=60, deadline=None)
@given(st.tuples(st.floats(0, 10), st.floats(0, 10), st.floats(0.001, 10)), st.sampled_from(["province", "dealer"]))
def test_pipeline_weight_zero_is_the_three_weight_formula_bit_for_bit(weights: tuple[float, float, float],
                                                                        level: str) -> None:  # fmt: skip
    data = Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS, leads=LEADS)
    comp = components(data, "2026-04", level)
    three = blended(comp.shares.T[:3], comp.present.T[:3], np.array(weights), 1.0 / comp.group_size)
    four = composite(comp, (*weights, 0.0))
    assert np.array_equal(four, three)
    assert np.array_equal(composite(comp, weights), three)
    if level == "province":
        plan = pd.Series({"command": 1000, "work": 37, "conversion": 5})
        a = province_targets(blend(comp, (*weights, 0.0)), plan)
        b = province_targets(blend(comp, weights), plan)
        pd.testing.assert_frame_equal(a, b)


def test_split_weights_refuse_all_four_zero() -> None:
    with pytest.raises(ValueError, match="trailing3, last_month, annual and pipeline are all 0"):
        SplitWeights(trailing3=0, last_month=0, annual=0, pipeline=0)
    assert SplitWeights(trailing3=0, last_month=0, annual=0, pipeline=1).as_tuple() == (0, 0, 0, 1)
    assert SplitWeights().pipeline == 0.0


def test_dropped_components_report(month_data: Tables) -> None:
    province = dropped_components(components(month_data, "2026-04", "province"), SplitWeights())
    assert province[["level", "province", "line", "component", "issue"]].values.tolist() == [
        ["province", "", "work", "last_month", "component_dropped"],
        ["province", "", "conversion", "", "equal_split"],
    ]
    dealer = dropped_components(components(month_data, "2026-04", "dealer"), SplitWeights())
    rows = {tuple(r) for r in dealer[["province", "line", "component", "issue"]].values.tolist()}
    assert ("P1", "work", "trailing3", "component_dropped") in rows
    assert ("P3", "command", "last_month", "component_dropped") in rows
    assert ("P2", "conversion", "", "equal_split") in rows
    # a component with weight 0 is not reported: it did not take part
    only_annual = dropped_components(components(month_data, "2026-04", "province"), (0, 0, 1))
    assert only_annual["issue"].tolist() == ["equal_split"]


def test_only_weighted_components_zero_falls_back_to_equal(month_data: Tables) -> None:
    # work, weight on last_month only: March has no work sales -> equal split, warned
    out = composite_shares(month_data, "2026-04", (0, 1, 0))
    assert _by(out, "work", "composite") == pytest.approx([1 / 3] * 3)
    warned = dropped_components(components(month_data, "2026-04", "province"), (0, 1, 0))
    assert ("work", "equal_split") in set(zip(warned["line"], warned["issue"], strict=True))


def test_province_with_no_history_gets_annual_share_only() -> None:
    org = ORG.assign(province=["P1", "P1", "P2", "P3", "P9"])  # D4 alone in P9, nothing sold
    targets = pd.concat([TARGETS, pd.DataFrame({"year": [2026], "dealer_id": ["D4"], "line": ["command"],
                                                "units": [201]})], ignore_index=True)  # fmt: skip
    data = Tables.from_frames(org=org, products=PRODUCTS, sales=SALES, annual_targets=targets)
    out = composite_shares(data, "2026-04", (0.4, 0.3, 0.3)).set_index(["province", "line"])
    # command A: 402, 402, 201, 201 of 1206 -> P9 sa = 1/6, composite .3/6 = .05
    assert out.loc[("P9", "command"), "composite"] == pytest.approx(0.05)
    assert out.loc[("P9", "command"), "s_trailing3"] == 0


def test_input_row_order_does_not_change_shares(month_data: Tables) -> None:
    shuffled = Tables.from_frames(
        org=ORG.sample(frac=1, random_state=3), products=PRODUCTS,
        sales=SALES.sample(frac=1, random_state=4), annual_targets=TARGETS.sample(frac=1, random_state=5),
    )  # fmt: skip
    for level in ("province", "dealer"):
        pd.testing.assert_frame_equal(
            composite_shares(month_data, "2026-04", None, level),
            composite_shares(shuffled, "2026-04", None, level),
        )


def test_unknown_level_and_bad_month(month_data: Tables) -> None:
    with pytest.raises(AllocationError, match="level"):
        components(month_data, "2026-04", "region")
    with pytest.raises(MonthError, match="YYYY-MM"):
        components(month_data, "April", "province")


def test_line_units_equals_grouping_the_sales_facts(small_tables: Tables) -> None:
    sales = small_tables.sales
    got = line_units(small_tables, sales, {"dealer_id": sales["dealer_id"], "year": sales["date"].dt.year})
    facts = sales_facts(small_tables)
    expected = facts.groupby(["dealer_id", "year", "line"])["units"].sum()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False)
    assert got.sum() == sales["units"].sum()
