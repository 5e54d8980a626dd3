"""apportion at its edges (docs/method.md §2.2): the tie rounding, names and dtypes of the result,
empty groups, and the exact messages that tell the fix."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from kaplan.core.apportion import apportion, apportion_groups
from kaplan.core.errors import AllocationError


def test_fractions_are_compared_to_nine_decimals_not_rounded_away() -> None:
    # quotas 0.45, 1.4, 0.15: floors 0, 1, 0, one unit left; the largest fraction (.45) takes it,
    # not the largest quota (1.4), which would win if the fractions were rounded to whole numbers
    assert apportion(2, [0.45, 1.4, 0.15]).tolist() == [1, 1, 0]


def test_the_fraction_is_the_quota_less_its_floor() -> None:
    # quotas 2.1 and 1.9: floors 2 and 1, one unit left for the fraction .9 -> [2, 2]
    assert apportion(4, [2.1, 1.9]).tolist() == [2, 2]


def test_a_column_of_weights_is_flattened() -> None:
    assert apportion(10, np.array([[1.0], [4.0]])).tolist() == [2, 8]


def test_a_named_series_keeps_its_name_and_groups_are_named_target() -> None:
    weights = pd.Series([1.0, 3.0], index=["a", "b"], name="share")
    assert apportion(4, weights).name == "share"
    out = apportion_groups(pd.Series({"g": 4}), weights, pd.Series(["g", "g"], index=weights.index))
    assert out.name == "target"
    assert out.tolist() == [1, 3]


def test_zero_totals_and_zero_weights_raise_no_numpy_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert apportion(0, [0.0, 0.0]).tolist() == [0, 0]
        out = apportion_groups(pd.Series({"a": 0, "b": 3}), pd.Series([0.0, 1.0, 2.0]), pd.Series(["a", "b", "b"]))
        assert out.tolist() == [0, 1, 2]


def test_groups_given_as_a_one_column_frame() -> None:
    weights = pd.Series([1.0, 1.0, 2.0])
    groups = pd.DataFrame({"line": ["x", "y", "y"], "other": ["q", "q", "q"]})[["line"]]
    assert apportion_groups(pd.Series({"x": 5, "y": 6}), weights, groups).tolist() == [5, 2, 4]


def test_trailing_groups_without_rows() -> None:
    # the last groups of totals have no rows: their total must be 0, the others split as usual
    totals = pd.Series({"a": 3, "b": 2, "c": 0, "d": 0})
    out = apportion_groups(totals, pd.Series([1.0, 2.0, 1.0]), pd.Series(["a", "a", "b"]))
    assert out.tolist() == [1, 2, 2]
    with pytest.raises(AllocationError, match=r"for b: 2: give at least one unit"):
        apportion_groups(pd.Series({"a": 3, "b": 2}), pd.Series([1.0]), pd.Series(["a"]))


def test_one_unit_over_zero_weights_is_refused() -> None:
    with pytest.raises(AllocationError, match=r"for total: 1: give at least one unit"):
        apportion(1, [0.0, 0.0])


def test_negative_total_message_names_the_total() -> None:
    with pytest.raises(AllocationError) as caught:
        apportion(-1, [1.0])
    assert str(caught.value) == "totals to apportion must be >= 0; negative for ['total']"


def test_messages_list_the_first_five_negative_groups_only_negative_ones() -> None:
    totals = pd.Series({"zero": 0} | {f"g{i}": -1 for i in range(7)})
    groups = pd.Series(list(totals.index))
    with pytest.raises(AllocationError) as caught:
        apportion_groups(totals, pd.Series([1.0] * len(totals)), groups)
    assert str(caught.value) == "totals to apportion must be >= 0; negative for ['g0', 'g1', 'g2', 'g3', 'g4']"


def test_message_lists_the_first_ten_groups_without_weight() -> None:
    totals = pd.Series({f"g{i:02d}": 1 for i in range(12)})
    groups = pd.Series(list(totals.index))
    with pytest.raises(AllocationError) as caught:
        apportion_groups(totals, pd.Series([0.0] * 12), groups)
    listed = ", ".join(f"g{i:02d}: 1" for i in range(10))
    assert str(caught.value) == (
        f"cannot apportion a positive total over weights that are all 0 (or no units) for {listed}: "
        "give at least one unit of each group a positive weight"
    )


def test_message_lists_the_first_five_repeated_and_missing_groups() -> None:
    keys = [f"k{i}" for i in range(7)]
    repeated = pd.Series([1] * 14, index=keys + keys)
    with pytest.raises(AllocationError) as caught:
        apportion_groups(repeated, pd.Series([1.0]), pd.Series(["k0"]))
    assert str(caught.value) == "each group needs exactly one total; repeated: ['k0', 'k1', 'k2', 'k3', 'k4']"
    # the first group (code 0) is known, the seven after it are not
    with pytest.raises(AllocationError) as caught:
        apportion_groups(pd.Series({"known": 1}), pd.Series([1.0] * 8), pd.Series(["known", *keys]))
    assert str(caught.value) == "rows belong to groups without a total: ['k0', 'k1', 'k2', 'k3', 'k4']"


@pytest.mark.parametrize("total", [2.5, float("nan")])
def test_totals_must_be_whole_numbers(total: float) -> None:
    message = "totals to apportion must be whole numbers of units (no blanks)"
    with pytest.raises(AllocationError, match=f"^{re.escape(message)}$"):
        apportion_groups(pd.Series({"a": total}), pd.Series([1.0]), pd.Series(["a"]))


def test_weight_messages_name_the_first_five_negative_weights() -> None:
    with pytest.raises(AllocationError) as caught:
        apportion(3, [0.0, 0.5, -1.0, -2.0, -3.0, -4.0, -5.0, -6.0])
    assert str(caught.value) == "weights must be >= 0, found [-1.0, -2.0, -3.0, -4.0, -5.0]: fix the negative shares"
    with pytest.raises(AllocationError) as caught:
        apportion(3, [1.0, float("nan")])
    assert str(caught.value) == "weights contain NaN (a blank share): give every unit a number >= 0"
