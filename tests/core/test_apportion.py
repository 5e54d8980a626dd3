"""apportion and apportion_groups: the largest-remainder method (docs/method.md §2.2)."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.apportion import apportion, apportion_groups
from kaplan.core.errors import AllocationError

# ----------------------------------------------------------------------------- apportion, by hand


def test_apportion_worked_example() -> None:
    # 7 over 0.5 / 0.3 / 0.2 / 0: quotas 3.5, 2.1, 1.4, 0 -> floors 3, 2, 1, 0 (6), one left,
    # largest fraction 0.5 -> [4, 2, 1, 0]
    assert apportion(7, [0.5, 0.3, 0.2, 0]).tolist() == [4, 2, 1, 0]


def test_apportion_ties_go_to_the_larger_quota_then_the_earlier_unit() -> None:
    # quotas 1.5 and 2.5 (same fraction): the larger quota wins -> [1, 3]
    assert apportion(4, [3, 5]).tolist() == [1, 3]
    # equal quotas 2/3 each: the earlier units win
    assert apportion(2, [1, 1, 1]).tolist() == [1, 1, 0]


def test_apportion_series_keeps_index_and_dtype() -> None:
    out = apportion(5, pd.Series([1.0, 2.0, 2.0], index=["a", "b", "c"]))
    assert isinstance(out, pd.Series)
    assert out.index.tolist() == ["a", "b", "c"]
    assert out.dtype == "int64"
    assert out.tolist() == [1, 2, 2]


def test_apportion_one_unit_and_zero_total() -> None:
    assert apportion(1, [0.2, 0.5, 0.3]).tolist() == [0, 1, 0]
    assert apportion(0, [0.2, 0.5, 0.3]).tolist() == [0, 0, 0]
    assert apportion(0, [0, 0]).tolist() == [0, 0]
    assert apportion(0, []).tolist() == []


@pytest.mark.parametrize(
    ("total", "weights", "words"),
    [
        (3, [0, 0, 0], "all 0"),
        (3, [], "all 0"),
        (3, [1, -1], ">= 0"),
        (3, [1, float("nan")], "NaN"),
        (-1, [1, 1], ">= 0"),
        (2.5, [1, 1], "whole number"),
    ],
)
def test_apportion_rejects_bad_input(total: float, weights: list[float], words: str) -> None:
    with pytest.raises(AllocationError, match=words):
        apportion(total, weights)  # type: ignore[arg-type]


weights_lists = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e6)), min_size=1, max_size=40
).filter(lambda ws: sum(ws) > 0)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=100_000), weights_lists)
def test_apportion_sums_exactly_and_stays_within_floor_and_ceil(
    total: int, weights: list[float]
) -> None:
    out = apportion(total, weights)
    assert out.dtype == np.int64
    assert int(out.sum()) == total
    quota = np.asarray(weights) * total / math.fsum(weights)
    assert (out >= np.floor(quota - 1e-6)).all()
    assert (out <= np.ceil(quota + 1e-6)).all()
    assert (out[np.asarray(weights) == 0] == 0).all()


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10_000), weights_lists, st.randoms())
def test_apportion_is_invariant_to_order_for_distinct_fractions(
    total: int, weights: list[float], rnd: random.Random
) -> None:
    out = apportion(total, weights)
    quota = np.asarray(weights) * total / math.fsum(weights)
    fractions = np.round(quota - np.floor(quota), 9)
    order = list(range(len(weights)))
    rnd.shuffle(order)
    shuffled = apportion(total, [weights[i] for i in order])
    if len(set(fractions.tolist())) == len(fractions):  # no tie: order cannot matter
        assert shuffled.tolist() == out[order].tolist()
    else:  # documented tie-break: only the position among equal fractions may differ
        assert int(shuffled.sum()) == total


# ----------------------------------------------------------------------------- apportion_groups


def test_apportion_groups_matches_apportion_per_group() -> None:
    totals = pd.Series({"a": 7, "b": 4, "c": 0})
    weights = pd.Series([0.5, 3, 0.3, 5, 0.2, 0.0, 1.0], index=list("pqrstuv"))
    groups = pd.Series(["a", "b", "a", "b", "a", "a", "c"], index=weights.index)
    out = apportion_groups(totals, weights, groups)
    assert out.index.tolist() == list("pqrstuv")
    assert out[["p", "r", "t", "u"]].tolist() == [4, 2, 1, 0]
    assert out[["q", "s"]].tolist() == [1, 3]
    assert out["v"] == 0


def test_apportion_groups_with_key_columns() -> None:
    totals = pd.Series([3, 2], index=pd.MultiIndex.from_tuples([("x", "work"), ("y", "work")]))
    keys = pd.DataFrame({"province": ["y", "x", "x"], "line": ["work"] * 3})
    out = apportion_groups(totals, pd.Series([1.0, 1.0, 2.0]), keys)
    assert out.tolist() == [2, 1, 2]


def test_apportion_groups_errors_name_the_group() -> None:
    with pytest.raises(AllocationError, match="b: 4"):
        apportion_groups(pd.Series({"a": 1, "b": 4}), pd.Series([1.0, 0.0]), pd.Series(["a", "b"]))
    with pytest.raises(AllocationError, match="exactly one total"):
        apportion_groups(pd.Series([1, 2], index=["a", "a"]), pd.Series([1.0]), pd.Series(["a"]))
    with pytest.raises(AllocationError, match="without a total"):
        apportion_groups(pd.Series({"a": 1}), pd.Series([1.0]), pd.Series(["z"]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.floats(0.01, 100)), min_size=1, max_size=60),
    st.lists(st.integers(0, 500), min_size=5, max_size=5),
)
def test_apportion_groups_equals_one_call_per_group(
    rows: list[tuple[int, float]], totals_list: list[int]
) -> None:
    groups = pd.Series([g for g, _ in rows])
    weights = pd.Series([w for _, w in rows])
    present = sorted(set(groups))
    totals = pd.Series({g: totals_list[g] for g in present})
    out = apportion_groups(totals, weights, groups)
    for g in present:
        rows_g = groups == g
        assert out[rows_g].tolist() == apportion(totals[g], weights[rows_g].to_numpy()).tolist()
        assert int(out[rows_g].sum()) == totals[g]
