"""The seed's composite split (docs/method.md §2.2).

**Composite split.** For the month M being issued, every unit ``u`` of a level and line ``l``::

    T3(u,l) = units sold in the calendar months M-3, M-2, M-1
    L1(u,l) = units sold in month M-1
    A(u,l)  = annual target of year(M)
    P(u,l)  = Σ units × stage probability of the leads of u in l expected to close in M and
              reported before M's first day (the weighted pipeline, known tenders)
    s3 = T3/ΣT3,  s1 = L1/ΣL1,  sa = A/ΣA,  sp = P/ΣP       (sums over the group of u)
    c(u,l) = (w3·s3 + w1·s1 + wa·sa + wp·sp) / (w3 + w1 + wa + wp)

The pipeline weight ``wp`` is 0 by default: the seed's three-weight formula, to the last unit.

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

from kaplan.core.errors import AllocationError
from kaplan.core.facts import line_units, sales_between
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import SplitWeights, StageProbabilities, split_weights_problem
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables
from kaplan.core.units import PARENT_COLUMNS, SPLIT_LEVELS, UNIT_COLUMNS

log = logging.getLogger(__name__)

COMPONENTS = ("trailing3", "last_month", "annual", "pipeline")
SHARE_COLUMNS = ("s_trailing3", "s_last_month", "s_annual", "s_pipeline")

WeightsLike = SplitWeights | Sequence[float] | Mapping[str, float]


# --------------------------------------------------------------------------- components


def weights_tuple(weights: WeightsLike | None) -> tuple[float, float, float, float]:
    """``(trailing3, last_month, annual, pipeline)`` from SplitWeights, a 3- or 4-sequence or a mapping.

    Three weights (the first release's API) leave the pipeline weight at 0.
    """
    if weights is None:
        return SplitWeights().as_tuple()
    if isinstance(weights, SplitWeights):
        return weights.as_tuple()
    if isinstance(weights, Mapping):
        return _checked_weights(dict(weights))
    values = tuple(float(w) for w in weights)
    if len(values) not in (3, 4):
        raise AllocationError(f"give three or four weights (trailing3, last_month, annual[, pipeline]), got {values}")
    return _checked_weights(dict(zip(COMPONENTS, values, strict=False)))


def _checked_weights(mapping: dict[str, float]) -> tuple[float, float, float, float]:
    problem = split_weights_problem(mapping)
    if problem:
        raise AllocationError(f"split weights {mapping}: {problem}")
    return SplitWeights(**mapping).as_tuple()


@dataclass(frozen=True)
class Components:
    """Raw sums and shares of T3, L1, A, P for every unit x line of one level, for one month.

    ``frame`` has the unit columns, ``line``, ``trailing3``, ``last_month``, ``annual`` (units),
    ``pipeline`` (weighted units) and ``s_trailing3``, ``s_last_month``, ``s_annual``,
    ``s_pipeline``, in the sheet's row order. The numpy arrays are what :func:`blend` uses: shares
    (rows x 4), whether each component's group sum is positive (rows x 4), the group code and the
    group size of every row.
    """

    level: str
    month: str
    frame: pd.DataFrame
    shares: np.ndarray
    present: np.ndarray
    group_code: np.ndarray
    group_size: np.ndarray


def weighted_pipeline(data: Tables, first: Month, end: Month, probabilities: StageProbabilities) -> pd.Series:
    """Weighted pipeline units per dealer x line x month of ``first`` .. ``end`` - 1 (docs/method.md §2.2).

    For month m: Σ ``units × probabilities[stage]`` over the leads whose ``expected_close`` lies in m
    and that were reported before m's first day. The stage is the lead's stage in the table (today's).
    Indexed by ``dealer_id``, ``line`` and ``period`` (0 = ``first``); float.
    """
    leads = data.leads
    close, reported = leads["expected_close"], leads["reported_on"]
    period = ((close.dt.year - first.year) * 12 + close.dt.month - first.number).to_numpy()
    reported_period = ((reported.dt.year - first.year) * 12 + reported.dt.month - first.number).to_numpy()
    keep = (period >= 0) & (period < end - first) & (reported_period < period)
    chosen = leads[keep]
    weight = chosen["units"].to_numpy(dtype="float64") * chosen["stage"].map(probabilities.model_dump()).to_numpy(
        dtype="float64")  # fmt: skip
    lines = chosen["product_id"].map(data.products.set_index("product_id")["line"])
    frame = pd.DataFrame({"dealer_id": chosen["dealer_id"].to_numpy(), "line": lines.to_numpy(),
                          "period": period[keep].astype("int64"), "weighted": weight})  # fmt: skip
    return frame.groupby(["dealer_id", "line", "period"])["weighted"].sum()


def unit_sums(data: Tables, month: MonthLike, probabilities: StageProbabilities | None = None) -> pd.DataFrame:
    """Every org dealer x line with its ``trailing3``, ``last_month``, ``annual`` units and ``pipeline``.

    ``pipeline`` is :func:`weighted_pipeline` of the month, with ``probabilities`` (default: the
    params' default stage probabilities). Rows ordered by region, province, dealer_id, then line in
    schema order.
    """
    m = Month.of(month)
    stage = StageProbabilities() if probabilities is None else probabilities
    pipeline = weighted_pipeline(data, m, m + 1, stage).droplevel("period")
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
    sums["pipeline"] = pipeline.groupby(level=["dealer_id", "line"]).sum().reindex(grid, fill_value=0.0)
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
    totals = np.stack([np.bincount(code, weights=raw[:, k], minlength=n_groups) for k in range(len(COMPONENTS))], 1)
    row_totals = totals[code]
    present = row_totals > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(present, raw / row_totals, 0.0)
    size = np.bincount(code, minlength=n_groups)[code]
    frame = sums.reset_index(drop=True).assign(**{s: shares[:, k] for k, s in enumerate(SHARE_COLUMNS)})
    frame.insert(0, "month", str(Month.of(month)))
    return Components(level, str(Month.of(month)), frame, shares, present, code.astype("int64"), size)


def components(data: Tables, month: MonthLike, level: str = "province",
               probabilities: StageProbabilities | None = None) -> Components:  # fmt: skip
    """The T3, L1, A, P sums and shares of every unit x line of ``level`` for ``month`` (YYYY-MM)."""
    if level not in SPLIT_LEVELS:
        raise AllocationError(f"level must be one of {SPLIT_LEVELS}, got {level!r}")
    sums = unit_sums(data, month, probabilities)
    if level == "province":
        sums = province_sums(sums)
    return components_from_sums(sums, month, level)


# --------------------------------------------------------------------------- blending


def blended(shares: np.ndarray, present: np.ndarray, weights: np.ndarray, equal: np.ndarray | float) -> np.ndarray:
    """The composite ``c = Σ_k w_k·s_k / Σ_k w_k`` over the components ``k`` present; ``equal`` where none is.

    The one formula of the split, for one weight set or many: ``shares`` and ``present`` have the
    four components on their first axis (``present`` broadcasts over the others); ``weights`` is
    ``(4,)`` or ``(K, 4)``, giving a result without or with a leading axis of K weight sets.
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
    """The composite-shares frame for a new weight set: no re-reading, no re-grouping.

    ``s_pipeline`` is among the columns only when the pipeline weight is above 0.
    """
    shown = SHARE_COLUMNS if weights_tuple(weights)[3] > 0 else SHARE_COLUMNS[:3]
    columns = ["month", *UNIT_COLUMNS[comp.level], "line", *shown]
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
    (``trailing3`` / ``last_month`` / ``annual`` / ``pipeline``, or blank for an equal split) and ``issue``
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
