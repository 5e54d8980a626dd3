"""Exact integer apportionment: the largest-remainder method (docs/method.md §2.2).

**apportion** (largest remainder, Hamilton). For a total ``T`` and non-negative weights ``w_i``::

    q_i = T · w_i / Σw          (the quota)
    n_i = floor(q_i) + (1 if i is among the R units with the largest fractional part, else 0)
    R   = T − Σ floor(q_i)

Ties in the fractional part (compared after rounding to 1e-9, so that float noise from the order
of summation cannot reorder units) go to the larger quota, then to the earlier unit in the order
given. Every ``n_i`` is an integer in ``[floor(q_i), ceil(q_i)]`` and ``Σ n_i = T`` exactly; a zero
weight always gets 0. Negative or NaN weights, a negative total, or all-zero weights with ``T > 0``
raise :class:`~kaplan.core.errors.AllocationError`; ``T = 0`` gives zeros.

:func:`apportion_groups` does the same for many groups at once (every line, every province) with
numpy only: group sums by ``bincount``, ranks inside a group by one ``lexsort``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kaplan.core.errors import AllocationError

_TIE_DECIMALS = 9


def _check_weights(weights: np.ndarray) -> None:
    if np.isnan(weights).any():
        raise AllocationError("weights contain NaN (a blank share): give every unit a number >= 0")
    if (weights < 0).any():
        bad = weights[weights < 0][:5].tolist()
        raise AllocationError(f"weights must be >= 0, found {bad}: fix the negative shares")


def _apportion_codes(totals: np.ndarray, weights: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Largest remainder for every group ``g`` of ``totals[g]`` over the rows with ``codes == g``."""
    n_groups = len(totals)
    sums = np.bincount(codes, weights=weights, minlength=n_groups)
    row_total = totals[codes].astype("float64")
    row_sum = sums[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        quota = np.where(row_sum > 0, row_total * weights / row_sum, 0.0)
    base = np.floor(quota)
    fraction = np.round(quota - base, _TIE_DECIMALS)
    left = totals - np.bincount(codes, weights=base, minlength=n_groups).round().astype("int64")
    position = np.arange(len(weights))
    order = np.lexsort((position, -quota, -fraction, codes))
    starts = np.searchsorted(codes[order], np.arange(n_groups))
    rank = np.empty(len(weights), dtype="int64")
    rank[order] = position - starts[codes[order]]
    extra = (rank < left[codes]) & (weights > 0)
    return base.astype("int64") + extra.astype("int64")


def _check_totals(totals: np.ndarray, sums: np.ndarray, names: Sequence[object]) -> None:
    if (totals < 0).any():
        bad = [names[i] for i in np.flatnonzero(totals < 0)[:5]]
        raise AllocationError(f"totals to apportion must be >= 0; negative for {bad}")
    empty = (totals > 0) & ~(sums > 0)
    if empty.any():
        bad = [f"{names[i]}: {int(totals[i])}" for i in np.flatnonzero(empty)[:10]]
        raise AllocationError(
            "cannot apportion a positive total over weights that are all 0 (or no units) for "
            f"{', '.join(map(str, bad))}: give at least one unit of each group a positive weight"
        )


def apportion(total: int, weights: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray | pd.Series:
    """``total`` split into int64 parts proportional to ``weights``, summing exactly to ``total``.

    Returns a Series with the same index for a Series, else a numpy array. See the module
    docstring for the method and the tie-breaks.
    """
    if int(total) != total:
        raise AllocationError(f"the total to apportion must be a whole number of units, got {total}")
    values = np.asarray(weights, dtype="float64").reshape(-1)
    _check_weights(values)
    totals = np.array([int(total)], dtype="int64")
    _check_totals(totals, np.array([values.sum()]), ["total"])
    parts = _apportion_codes(totals, values, np.zeros(len(values), dtype="int64"))
    if isinstance(weights, pd.Series):
        return pd.Series(parts, index=weights.index, name=weights.name)
    return parts


def _group_index(groups: pd.Series | pd.DataFrame) -> pd.Index:
    if isinstance(groups, pd.DataFrame):
        if groups.shape[1] == 1:
            return pd.Index(groups.iloc[:, 0])
        return pd.MultiIndex.from_frame(groups)
    return pd.Index(groups)


def apportion_groups(
    totals: pd.Series, weights: pd.Series, groups: pd.Series | pd.DataFrame
) -> pd.Series:
    """Apportion each ``totals[g]`` over the rows of ``weights`` whose group is ``g``, in one call.

    ``weights`` and ``groups`` are row-aligned (``groups`` a Series, or a DataFrame of key columns
    matching the levels of a MultiIndex on ``totals``); ``totals`` is indexed by group key. Returns
    int64 parts with the index of ``weights``; within each group they sum exactly to its total,
    with the tie-breaks of :func:`apportion` (earlier row of ``weights`` first). A row whose group
    is not in ``totals`` raises; a group of ``totals`` with no rows must have total 0.
    """
    values = weights.to_numpy(dtype="float64")
    _check_weights(values)
    if not totals.index.is_unique:
        duplicated = list(dict.fromkeys(totals.index[totals.index.duplicated()]))[:5]
        raise AllocationError(f"each group needs exactly one total; repeated: {duplicated}")
    keys = _group_index(groups)
    codes = totals.index.get_indexer(keys)
    if (codes < 0).any():
        missing = list(dict.fromkeys(keys[codes < 0]))[:5]
        raise AllocationError(f"rows belong to groups without a total: {missing}")
    totals_arr = totals.to_numpy(dtype="float64")
    if np.isnan(totals_arr).any() or (np.round(totals_arr) != totals_arr).any():
        raise AllocationError("totals to apportion must be whole numbers of units (no blanks)")
    totals_int = totals_arr.astype("int64")
    sums = np.bincount(codes, weights=values, minlength=len(totals_int))
    _check_totals(totals_int, sums, list(totals.index))
    parts = _apportion_codes(totals_int, values, codes.astype("int64"))
    return pd.Series(parts, index=weights.index, name="target")


