"""The composite split's report frames at their edges (docs/method.md §2.2): the dropped-components
list's shape, the province sums' row order."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from frames import sales_frame
from test_composite import LEADS, ORG, PRODUCTS, SALES, TARGETS

from kaplan.core.months import Month
from kaplan.core.params import SplitWeights, StageProbabilities
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables
from kaplan.plan.composite import (
    blend,
    blended,
    components,
    components_from_sums,
    dropped_components,
    province_sums,
    unit_sums,
    weighted_pipeline,
)


def _data() -> Tables:
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS)


def test_dropped_components_is_a_plain_frame_level_first() -> None:
    out = dropped_components(components(_data(), "2026-04", "province"), SplitWeights())
    assert list(out.columns) == ["level", "province", "line", "component", "issue"]
    pd.testing.assert_index_equal(out.index, pd.RangeIndex(2))
    assert out.values.tolist() == [
        ["province", "", "work", "last_month", "component_dropped"],
        ["province", "", "conversion", "", "equal_split"],
    ]


def test_province_sums_put_lines_in_schema_order_whatever_the_input_order() -> None:
    # dealer rows listed with the lines reversed and the provinces interleaved
    rows = [("R1", "P1", "D1", line, 1) for line in reversed(LINES)] + [("R1", "P0", "D2", "work", 2)]
    rows += [("R1", "P1", "D3", line, 10) for line in reversed(LINES)]
    dealer_sums = pd.DataFrame(rows, columns=["region", "province", "dealer_id", "line", "trailing3"]).assign(
        last_month=0, annual=0, pipeline=0.0)  # fmt: skip
    out = province_sums(dealer_sums)
    assert out[["province", "line", "trailing3"]].values.tolist() == [
        ["P0", "work", 2],
        *[["P1", line, 11] for line in LINES],
    ]
    pd.testing.assert_index_equal(out.index, pd.RangeIndex(len(LINES) + 1))


def test_component_windows_at_their_first_and_last_days() -> None:
    # month 2026-04: T3 = 1 January .. 31 March, L1 = 1 .. 31 March; the pipeline counts leads
    # reported up to 31 March that close from 1 to 30 April
    sales = sales_frame([("2025-12-31", "D1a", "PC", 1000), ("2026-01-01", "D1a", "PC", 1),
                         ("2026-02-28", "D1a", "PC", 10), ("2026-03-01", "D1a", "PC", 100),
                         ("2026-03-31", "D1a", "PC", 1000), ("2026-04-01", "D1a", "PC", 10000)])  # fmt: skip
    leads = LEADS.iloc[:3].assign(
        dealer_id="D1a", stage="won", units=[1, 10, 100],
        reported_on=pd.to_datetime(["2026-03-31", "2026-03-31", "2026-04-01"]),
        expected_close=pd.to_datetime(["2026-04-30", "2026-05-01", "2026-04-30"]),
    )  # fmt: skip
    data = Tables.from_frames(org=ORG, products=PRODUCTS, sales=sales, annual_targets=TARGETS, leads=leads)
    sums = unit_sums(data, "2026-04").set_index(["dealer_id", "line"])
    assert sums.loc[("D1a", "command"), ["trailing3", "last_month", "annual"]].tolist() == [1111, 1100, 201]
    assert sums.loc[("D1a", "command"), "pipeline"] == 1.0


def test_an_equal_split_raises_no_numpy_warning() -> None:
    # no component present in the group: the blend is 0/0 there and falls back to 1/n, silently
    shares = np.zeros((4, 3))
    present = np.zeros((4, 3), dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = blended(shares, present, np.array([0.4, 0.3, 0.3, 0.0]), 1 / 3)
    assert out.tolist() == pytest.approx([1 / 3] * 3)


def test_weighted_pipeline_across_the_turn_of_the_year() -> None:
    # months 2026-12 .. 2027-02 (periods 0, 1, 2); probabilities: won 1
    leads = LEADS.iloc[:3].assign(
        dealer_id="D1a", stage="won", units=[1, 10, 100],
        reported_on=pd.to_datetime(["2026-11-30", "2026-12-31", "2027-01-31"]),
        expected_close=pd.to_datetime(["2026-12-31", "2027-01-01", "2027-02-28"]),
    )  # fmt: skip
    data = Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS, leads=leads)
    out = weighted_pipeline(data, Month(2026, 12), Month(2027, 3), StageProbabilities())
    assert out.to_dict() == {("D1a", "command", 0): 1.0, ("D1a", "command", 1): 10.0, ("D1a", "command", 2): 100.0}
    assert out.index.get_level_values("period").dtype == "int64"
    # one month, January 2027: the lead reported on 31 December closes in it
    january = weighted_pipeline(data, Month(2027, 1), Month(2027, 2), StageProbabilities())
    assert january.to_dict() == {("D1a", "command", 0): 10.0}


def test_province_sums_columns_and_dropped_groups_in_schema_order() -> None:
    data = _data()
    out = province_sums(unit_sums(data, "2026-04"))
    assert list(out.columns) == ["region", "province", "line", "trailing3", "last_month", "annual", "pipeline"]
    # weight on last_month only: work and conversion sold nothing in March, listed in schema order
    dropped = dropped_components(components(data, "2026-04", "province"), (0, 1, 0))
    assert dropped["line"].tolist() == ["work", "conversion"]


@pytest.mark.parametrize("level", ["province", "dealer"])
def test_an_org_without_dealers_has_no_units_and_no_warnings(level: str) -> None:
    data = Tables.from_frames(org=ORG.iloc[:0], products=PRODUCTS, sales=SALES.iloc[:0], annual_targets=TARGETS)
    comp = components(data, "2026-04", level)
    assert comp.frame.empty and comp.shares.shape == (0, 4) and comp.present.shape == (0, 4)
    assert comp.group_code.tolist() == [] and comp.group_size.tolist() == []
    assert list(comp.frame.columns[-4:]) == ["s_trailing3", "s_last_month", "s_annual", "s_pipeline"]
    assert blend(comp, SplitWeights())["composite"].tolist() == []
    assert dropped_components(comp, SplitWeights()).empty


# Month 2026-04 with the leads of test_composite (dealer rows D1a, D1b, D2, D3, D4 x command, work,
# conversion): D1a command 10 units at commit, D2 command 4 at tender, D1b command 8 lost; the other
# two leads are reported in April or close in May.
DEFAULT_PIPELINE = [7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
HALVED_PIPELINE = [5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
DEALER_COLUMNS = ["month", "region", "province", "dealer_id", "dealer_name", "line", "trailing3", "last_month",
                  "annual", "pipeline", "s_trailing3", "s_last_month", "s_annual", "s_pipeline"]  # fmt: skip


def _lead_data() -> Tables:
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS, leads=LEADS)


def test_unit_sums_are_int64_units_and_a_pipeline_of_zeros_where_no_lead_closes() -> None:
    sums = unit_sums(_lead_data(), "2026-04")
    assert sums.dtypes[["trailing3", "last_month", "annual", "pipeline"]].astype(str).tolist() == [
        "int64", "int64", "int64", "float64"]  # fmt: skip
    # 7.0 = 10 x .7 (commit), 3.4 = 4 x .85 (tender); every other dealer x line is 0.0, not blank
    assert sums["pipeline"].tolist() == DEFAULT_PIPELINE
    assert sums["trailing3"].tolist() == [30, 0, 0, 20, 0, 0, 30, 6, 0, 20, 4, 0, 0, 0, 0]


def test_stage_probabilities_given_weigh_the_pipeline() -> None:
    # commit .5, tender .25: D1a 10 x .5 = 5, D2 4 x .25 = 1
    probabilities = StageProbabilities(commit=0.5, tender=0.25)
    data = _lead_data()
    assert unit_sums(data, "2026-04", probabilities)["pipeline"].tolist() == HALVED_PIPELINE
    comp = components(data, "2026-04", "dealer", probabilities)
    assert comp.frame["pipeline"].tolist() == HALVED_PIPELINE
    # s_pipeline of command in P1: D1a 5 / (5 + 0) = 1; in P2: D2 alone, 1
    assert comp.frame["s_pipeline"].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0] + [0.0] * 8
    province = components(data, "2026-04", probabilities=probabilities)
    assert province.frame[province.frame["line"] == "command"]["pipeline"].tolist() == [5.0, 1.0, 0.0]


def test_components_default_to_the_province_level() -> None:
    comp = components(_data(), "2026-04")
    assert comp.level == "province"
    assert comp.frame[["province", "line"]].values.tolist() == [
        [province, line] for province in ("P1", "P2", "P3") for line in LINES
    ]


def test_components_frame_columns_month_and_group_codes() -> None:
    comp = components(_lead_data(), Month(2026, 4), "dealer")
    assert comp.month == "2026-04"
    assert list(comp.frame.columns) == DEALER_COLUMNS
    assert comp.frame["month"].tolist() == ["2026-04"] * 15
    pd.testing.assert_index_equal(comp.frame.index, pd.RangeIndex(15))
    # groups numbered as they first come: (P1, command), (P1, work), (P1, conversion), (P2, ...), (P3, ...)
    assert comp.group_code.dtype == "int64"
    assert comp.group_code.tolist() == [0, 1, 2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 6, 7, 8]
    assert comp.group_size.tolist() == [2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2]


def test_a_group_sum_of_one_unit_or_less_is_present() -> None:
    # T3 of the line adds up to exactly 1 unit, the pipeline to .75 weighted units: both are shares
    sums = pd.DataFrame({"region": ["R1", "R1"], "province": ["P1", "P2"], "line": "command",
                         "trailing3": [1, 0], "last_month": 0, "annual": 0, "pipeline": [0.25, 0.5]})  # fmt: skip
    comp = components_from_sums(sums, "2026-04", "province")
    assert comp.present.tolist() == [[True, False, False, True], [True, False, False, True]]
    assert comp.shares.tolist() == [[1.0, 0.0, 0.0, 1 / 3], [0.0, 0.0, 0.0, 2 / 3]]


def test_a_group_without_any_units_raises_no_numpy_warning() -> None:
    # conversion sold nothing and has no target: every share of its group is 0/0, set to 0 silently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comp = components(_data(), "2026-04", "province")
    conversion = comp.frame["line"] == "conversion"
    assert comp.shares[conversion.to_numpy()].tolist() == [[0.0] * 4] * 3
    assert not comp.present[conversion.to_numpy()].any()
