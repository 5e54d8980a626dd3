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
