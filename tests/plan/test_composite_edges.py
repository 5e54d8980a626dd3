"""The composite split's report frames at their edges (docs/method.md §2.2): the dropped-components
list's shape, the province sums' row order."""

from __future__ import annotations

import pandas as pd
from test_composite import ORG, PRODUCTS, SALES, TARGETS

from kaplan.core.params import SplitWeights
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables
from kaplan.plan.composite import components, dropped_components, province_sums


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
        ["P0", "work", 2], *[["P1", line, 11] for line in LINES],
    ]
    pd.testing.assert_index_equal(out.index, pd.RangeIndex(len(LINES) + 1))
