"""The seed's composite split (docs/method.md §2.2).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import ValidationError

from kaplan.core.errors import AllocationError
from kaplan.core.facts import line_units, sales_between
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import SplitWeights
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables
from kaplan.core.units import PARENT_COLUMNS, SPLIT_LEVELS, UNIT_COLUMNS

log = logging.getLogger(__name__)

COMPONENTS = ("trailing3", "last_month", "annual")
SHARE_COLUMNS = ("s_trailing3", "s_last_month", "s_annual")

WeightsLike = SplitWeights | Sequence[float] | Mapping[str, float]


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


def unit_sums(data: Tables, month: MonthLike) -> pd.DataFrame:
    """Every org dealer x line with its ``trailing3``, ``last_month`` and ``annual`` units.

    Rows ordered by region, province, dealer_id, then line in schema order.
    """
    m = Month.of(month)
    window = sales_between(data, (m - 3).start, m.start)
    last = window["date"] >= m.previous.start
    by_month = line_units(data, window, {"dealer_id": window["dealer_id"], "last": last})
    t3 = by_month.groupby(level=["dealer_id", "line"]).sum()
    in_last = by_month.index.get_level_values("last").to_numpy(dtype=bool)
    l1 = by_month[in_last].groupby(level=["dealer_id", "line"]).sum()
    targets = data.annual_targets[data.annual_targets["year"] == m.year]
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


def components_from_sums(sums: pd.DataFrame, month: MonthLike, level: str) -> Components:
    """:class:`Components` of ``level`` from unit sums (:func:`unit_sums` or :func:`province_sums`)."""
    keys = list(PARENT_COLUMNS[level])
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
    frame.insert(0, "month", str(Month.of(month)))
    return Components(level, str(Month.of(month)), frame, shares, present, code.astype("int64"), size)


def components(data: Tables, month: MonthLike, level: str = "province") -> Components:
    """The T3, L1, A sums and shares of every unit x line of ``level`` for ``month`` (YYYY-MM)."""
    if level not in SPLIT_LEVELS:
        raise AllocationError(f"level must be one of {SPLIT_LEVELS}, got {level!r}")
    sums = unit_sums(data, month)
    if level == "province":
        sums = province_sums(sums)
    return components_from_sums(sums, month, level)


# --------------------------------------------------------------------------- blending


def blended(shares: np.ndarray, present: np.ndarray, weights: np.ndarray, equal: np.ndarray | float) -> np.ndarray:
    """The composite ``c = Σ_k w_k·s_k / Σ_k w_k`` over the components ``k`` present; ``equal`` where none is.

    The one formula of the split, for one weight set or many: ``shares`` and ``present`` have the
    three components on their first axis (``present`` broadcasts over the others); ``weights`` is
    ``(3,)`` or ``(K, 3)``, giving a result without or with a leading axis of K weight sets.
    """
    w = np.asarray(weights, dtype="float64")
    w = w.reshape(w.shape + (1,) * (shares.ndim - 1))
    used = w * present
    component_axis = -shares.ndim
    weight_sum = used.sum(axis=component_axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (used * shares).sum(axis=component_axis) / weight_sum
    return np.where(weight_sum > 0, out, equal)


def composite(comp: Components, weights: WeightsLike | None) -> np.ndarray:
    """The composite share of every row of ``comp`` (numpy only; sums to 1 in each group)."""
    w = np.asarray(weights_tuple(weights))
    return blended(comp.shares.T, comp.present.T, w, 1.0 / comp.group_size)


def blend(comp: Components, weights: WeightsLike | None) -> pd.DataFrame:
    """The composite-shares frame for a new weight set: no re-reading, no re-grouping."""
    columns = ["month", *UNIT_COLUMNS[comp.level], "line", *SHARE_COLUMNS]
    out = comp.frame[columns].copy()
    out["composite"] = composite(comp, weights)
    return out


def composite_shares(
    data: Tables, month: MonthLike, weights: WeightsLike | None, level: str = "province"
) -> pd.DataFrame:
    """Public API (docs/operations.md): shares and composite of every unit x line of ``level`` for ``month``.

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
