"""Exact integer apportionment and the seed's composite split (DESIGN §2.2).

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

**Composite split.** For the month M being issued, every unit ``u`` of a level and line ``l``::

    T3(u,l) = units sold in the calendar months M-3, M-2, M-1
    L1(u,l) = units sold in month M-1
    A(u,l)  = annual target of year(M)
    s3 = T3/ΣT3,  s1 = L1/ΣL1,  sa = A/ΣA       (sums over the group of u)
    c(u,l) = (w3·s3 + w1·s1 + wa·sa) / (w3 + w1 + wa)

The group is the line at ``province`` level and the (province, line) at ``dealer`` level, so dealer
shares sum to 1 within their province. A component whose group sum is 0 is dropped: its share is 0
and its weight leaves the denominator. When no component with a positive weight is left (all three
sums 0, or the only weighted ones are 0), the group is split equally: ``c = 1 / n`` for its ``n``
units. :func:`dropped_components` lists every such case for the reports.

:func:`components` does the only expensive work (a groupby over three months of sales) once;
:func:`blend` then costs a few numpy operations over units × lines: this is what a slider calls.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import ValidationError

from kaplan.core.errors import AllocationError
from kaplan.core.params import SplitWeights
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables

log = logging.getLogger(__name__)

Level = Literal["province", "dealer"]
LEVELS: tuple[str, ...] = ("province", "dealer")
COMPONENTS = ("trailing3", "last_month", "annual")
SHARE_COLUMNS = ("s_trailing3", "s_last_month", "s_annual")
UNIT_COLUMNS = {
    "province": ("region", "province"),
    "dealer": ("region", "province", "dealer_id", "dealer_name"),
}
GROUP_COLUMNS = {"province": ("line",), "dealer": ("province", "line")}
_TIE_DECIMALS = 9
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

WeightsLike = SplitWeights | Sequence[float] | Mapping[str, float]


# --------------------------------------------------------------------------- apportionment


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


# --------------------------------------------------------------------------- components


def weights_tuple(weights: WeightsLike | None) -> tuple[float, float, float]:
    """``(trailing3, last_month, annual)`` from SplitWeights, a 3-sequence or a mapping."""
    if weights is None:
        return SplitWeights().as_tuple()
    if isinstance(weights, SplitWeights):
        return weights.as_tuple()
    if isinstance(weights, Mapping):
        return _checked_weights(dict(weights))
    values = tuple(float(w) for w in weights)
    if len(values) != 3:
        raise AllocationError(f"give three weights (trailing3, last_month, annual), got {values}")
    return _checked_weights(dict(zip(COMPONENTS, values, strict=True)))


def _checked_weights(mapping: dict[str, float]) -> tuple[float, float, float]:
    try:
        return SplitWeights(**mapping).as_tuple()
    except ValidationError as exc:
        problems = "; ".join(item["msg"].removeprefix("Value error, ") for item in exc.errors())
        raise AllocationError(f"split weights {mapping}: {problems}") from None


def month_start(month: str) -> pd.Timestamp:
    """First day of ``YYYY-MM``."""
    if not _MONTH.fullmatch(str(month)):
        raise AllocationError(f"expected a month as YYYY-MM, found {month!r}")
    return pd.Timestamp(f"{month}-01")


@dataclass(frozen=True)
class Components:
    """Raw sums and shares of T3, L1, A for every unit x line of one level, for one month.

    ``frame`` has the unit columns, ``line``, ``trailing3``, ``last_month``, ``annual`` (units)
    and ``s_trailing3``, ``s_last_month``, ``s_annual``, in the sheet's row order. The numpy
    arrays are what :func:`blend` uses: shares (rows x 3), whether each component's group sum is
    positive (rows x 3), the group code and the group size of every row.
    """

    level: str
    month: str
    frame: pd.DataFrame
    shares: np.ndarray
    present: np.ndarray
    group_code: np.ndarray
    group_size: np.ndarray


def line_units(data: Tables, sales: pd.DataFrame, keys: Mapping[str, pd.Series]) -> pd.Series:
    """Units of the ``sales`` rows summed per ``keys`` (name -> row-aligned values) and ``line``.

    Groups by product first and maps products to lines on the small result: the same numbers as
    grouping :func:`kaplan.core.facts.sales_facts`, without mapping a line onto every sale.
    """
    names = list(keys)
    by_product = sales.groupby([*keys.values(), sales["product_id"]], sort=False)["units"].sum()
    line_of = data.products.set_index("product_id")["line"]
    lines = line_of.reindex(by_product.index.get_level_values(-1)).to_numpy()
    levels = [by_product.index.get_level_values(i) for i in range(len(names))]
    out = by_product.groupby([*levels, lines]).sum()
    out.index.names = [*names, "line"]
    return out.astype("int64")


def unit_sums(data: Tables, month: str) -> pd.DataFrame:
    """Every org dealer x line with its ``trailing3``, ``last_month`` and ``annual`` units.

    Rows ordered by region, province, dealer_id, then line in schema order.
    """
    start = month_start(month)
    dates = data.sales["date"]
    window = data.sales.loc[(dates >= start - pd.DateOffset(months=3)) & (dates < start), ["date", "dealer_id",
                            "product_id", "units"]]  # fmt: skip
    last = window["date"] >= start - pd.DateOffset(months=1)
    by_month = line_units(data, window, {"dealer_id": window["dealer_id"], "last": last})
    t3 = by_month.groupby(level=["dealer_id", "line"]).sum()
    in_last = by_month.index.get_level_values("last").to_numpy(dtype=bool)
    l1 = by_month[in_last].groupby(level=["dealer_id", "line"]).sum()
    targets = data.annual_targets[data.annual_targets["year"] == start.year]
    annual = targets.groupby(["dealer_id", "line"])["units"].sum()
    org = data.org.sort_values(["region", "province", "dealer_id"], kind="stable")
    grid = pd.MultiIndex.from_product([org["dealer_id"], list(LINES)], names=["dealer_id", "line"])
    sums = pd.DataFrame(
        {
            "trailing3": t3.reindex(grid, fill_value=0),
            "last_month": l1.reindex(grid, fill_value=0),
            "annual": annual.reindex(grid, fill_value=0),
        },
        index=grid,
    ).astype("int64")
    units = org.set_index("dealer_id")[["region", "province", "dealer_name"]]
    out = sums.reset_index().join(units, on="dealer_id")
    return out[["region", "province", "dealer_id", "dealer_name", "line", *COMPONENTS]]


def province_sums(dealer_sums: pd.DataFrame) -> pd.DataFrame:
    """Dealer sums added up per region x province x line (same row order rules)."""
    out = dealer_sums.groupby(["region", "province", "line"], sort=False, as_index=False)[
        list(COMPONENTS)
    ].sum()
    line_order = out["line"].map({line: i for i, line in enumerate(LINES)})
    out = out.assign(_line=line_order).sort_values(["region", "province", "_line"], kind="stable")
    return out.drop(columns="_line").reset_index(drop=True)


def components_from_sums(sums: pd.DataFrame, month: str, level: str) -> Components:
    """:class:`Components` of ``level`` from unit sums (:func:`unit_sums` or :func:`province_sums`)."""
    keys = list(GROUP_COLUMNS[level])
    code = sums.groupby(keys, sort=False).ngroup().to_numpy()
    n_groups = int(code.max()) + 1 if len(code) else 0
    raw = sums[list(COMPONENTS)].to_numpy(dtype="float64")
    totals = np.stack([np.bincount(code, weights=raw[:, k], minlength=n_groups) for k in range(3)], 1)
    row_totals = totals[code]
    present = row_totals > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(present, raw / row_totals, 0.0)
    size = np.bincount(code, minlength=n_groups)[code]
    frame = sums.reset_index(drop=True).assign(**{s: shares[:, k] for k, s in enumerate(SHARE_COLUMNS)})
    frame.insert(0, "month", month)
    return Components(level, month, frame, shares, present, code.astype("int64"), size)


def components(data: Tables, month: str, level: str = "province") -> Components:
    """The T3, L1, A sums and shares of every unit x line of ``level`` for ``month`` (YYYY-MM)."""
    if level not in LEVELS:
        raise AllocationError(f"level must be one of {LEVELS}, got {level!r}")
    sums = unit_sums(data, month)
    if level == "province":
        sums = province_sums(sums)
    return components_from_sums(sums, month, level)


# --------------------------------------------------------------------------- blending


def composite(comp: Components, weights: WeightsLike | None) -> np.ndarray:
    """The composite share of every row of ``comp`` (numpy only; sums to 1 in each group)."""
    w = np.asarray(weights_tuple(weights))
    used = comp.present * w
    weight_sum = used.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        blended = (comp.shares * used).sum(axis=1) / weight_sum
    return np.where(weight_sum > 0, blended, 1.0 / comp.group_size)


def blend(comp: Components, weights: WeightsLike | None) -> pd.DataFrame:
    """The composite-shares frame for a new weight set: no re-reading, no re-grouping."""
    columns = ["month", *UNIT_COLUMNS[comp.level], "line", *SHARE_COLUMNS]
    out = comp.frame[columns].copy()
    out["composite"] = composite(comp, weights)
    return out


def composite_shares(
    data: Tables, month: str, weights: WeightsLike | None, level: str = "province"
) -> pd.DataFrame:
    """DESIGN §4 public API: shares and composite of every unit x line of ``level`` for ``month``.

    Columns as the ``province`` / ``dealer`` sheets without ``target``.
    """
    return blend(components(data, month, level), weights)


def dropped_components(comp: Components, weights: WeightsLike | None) -> pd.DataFrame:
    """Groups where a weighted component was dropped (sum 0) or the split fell back to equal.

    One row per case: ``level``, ``province`` (blank at province level), ``line``, ``component``
    (``trailing3`` / ``last_month`` / ``annual``, or blank for an equal split) and ``issue``
    (the glossary term ``component_dropped`` or ``equal_split``).
    """
    w = np.asarray(weights_tuple(weights))
    first = np.unique(comp.group_code, return_index=True)[1]
    present = comp.present[first]
    frame = comp.frame.iloc[first]
    province = frame["province"].to_numpy() if comp.level == "dealer" else np.full(len(first), "")
    equal = ~(present * (w > 0)).any(axis=1)
    rows = []
    for k, name in enumerate(COMPONENTS):
        hit = ~present[:, k] & (w[k] > 0) & ~equal
        rows.append(pd.DataFrame({"province": province[hit], "line": frame["line"].to_numpy()[hit],
                                  "component": name, "issue": "component_dropped"}))
    rows.append(pd.DataFrame({"province": province[equal], "line": frame["line"].to_numpy()[equal],
                              "component": "", "issue": "equal_split"}))
    out = pd.concat(rows, ignore_index=True).astype("str")
    out.insert(0, "level", comp.level)
    return out.astype({"level": "str"})
