"""The seasonal cascade annual -> quarter -> month, the locked plan and the rolling plan (docs/method.md §2.1).

History: the sales of the ``history_years`` calendar years before the plan year Y, per line, pooled
over those years; ``u(m)`` = units sold in calendar month ``m`` (1-12), ``U(q)`` = units of quarter q.
A line without any history uses ``u`` of all lines together (``basis = all_lines``); with no history
at all every month counts 1 (``basis = equal``)::

    q_share(q) = U(q)/ΣU · (1 + adj_q)   renormalised over the four quarters
    m_share(m) = u(m)/U(q(m)) · (1 + adj_m)   renormalised within its quarter
                 (a quarter with no units: its months count equally, before the adjustment)
    seasonal_share(m) = q_share(q(m)) · m_share(m)

``adj_q`` / ``adj_m`` are ``params.quarter_adjustments`` / ``month_adjustments`` (default 0). A
quarter whose shares are all 0 keeps 0 (the adjustment multiplies, it cannot create sales).

**Festival method** (``params.seasonality.method = festival``): before the shares, the pooled block
``B = u(1) + u(2)`` keeps its size and is split between January and February as in the history
years ``h`` whose Spring Festival fell in the same month as Y's (:func:`festival_counts`)::

    u'(1) = B · Σ_h u_h(1) / Σ_h (u_h(1) + u_h(2)),   u'(2) = B − u'(1)      (h: festival_month(h) = festival_month(Y))

No such year (or none of them sold in January or February): the pooled split is kept and the line
is flagged ``no_same_festival_month`` (``jan_feb_split``; ``pooled`` for the pooled method, a line
without January/February history or equal months). The quarters do not change, so every exactness property holds.

**Plan of year Y, as of month M** (:func:`plan_table`), per line, with ``annual`` = Σ annual targets
of Y over dealers::

    locked_plan(m)  = apportion(annual, seasonal_share)(m)           m = 1..12, Σ = annual
    actual(m)       = units sold in month m                          m < M only
    gap             = max(0, annual − Σ_{m<M} actual(m))
    rolling_plan(m) = apportion(gap, seasonal_share over M..12)(m)   m = M..12, Σ = gap
                      (equal over M..12 when those shares are all 0)
    issued(M)       = rolling_plan(M) if params.rolling else locked_plan(M)
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion_groups
from kaplan.core.calendar import festival_month
from kaplan.core.facts import line_units, sales_between
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables

log = logging.getLogger(__name__)

MONTHS = np.arange(1, 13)
QUARTER_OF_MONTH = (MONTHS - 1) // 3 + 1
JAN_FEB_SPLITS = ("pooled", "festival", "no_same_festival_month")
PLAN_COLUMNS = ("month", "line", "seasonal_share", "locked_plan", "actual", "rolling_plan", "issued")


def monthly_units(data: Tables, window: pd.DataFrame) -> pd.DataFrame:
    """Units of the sales rows ``window`` per line x calendar month, every line and month present."""
    units = line_units(data, window, {"month": window["date"].dt.month})
    table = units.unstack("month", fill_value=0) if len(units) else pd.DataFrame()
    return table.reindex(index=list(LINES), columns=MONTHS, fill_value=0).astype("int64")


def history_by_year(data: Tables, year: int, years: int) -> np.ndarray:
    """Units per line (schema order) x history year (Y-years .. Y-1) x calendar month: (lines, years, 12)."""
    window = sales_between(data, pd.Timestamp(year - years, 1, 1), pd.Timestamp(year, 1, 1))
    dates = window["date"]
    units = line_units(data, window, {"year": dates.dt.year, "month": dates.dt.month})
    out = np.zeros((len(LINES), years, 12), dtype="float64")
    if len(units):
        index = units.index
        line = pd.Index(list(LINES)).get_indexer(index.get_level_values("line"))
        y = index.get_level_values("year").to_numpy(dtype="int64") - (year - years)
        m = index.get_level_values("month").to_numpy(dtype="int64") - 1
        keep = line >= 0
        np.add.at(out, (line[keep], y[keep], m[keep]), units.to_numpy(dtype="float64")[keep])
    return out


def festival_counts(by_year: np.ndarray, history: list[int], year: int) -> tuple[np.ndarray, np.ndarray]:
    """Pooled month counts (rows x 12) with January/February re-split by festival month, and per row
    whether a history year with the plan year's festival month carried the split.

    ``by_year`` is rows x len(history) x 12 (:func:`history_by_year`). Example: January/February units
    2023 (festival 01-22) 40/60, 2024 (02-10) 70/30, 2025 (01-29) 50/50, plan year 2026 (02-17):
    B = 300, only 2024 has a February festival, so u'(1) = 300 · 70/100 = 210, u'(2) = 90 (pooled: 160/140).
    """
    pooled = by_year.sum(axis=1)
    same = np.array([festival_month(h) == festival_month(year) for h in history], dtype=bool)
    like = by_year[:, same, :2].sum(axis=1)
    like_block = like.sum(axis=1)
    block = pooled[:, :2].sum(axis=1)
    carried = like_block > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        january = np.where(carried, block * like[:, 0] / like_block, pooled[:, 0])
    out = pooled.copy()
    out[:, 0] = january
    out[:, 1] = np.where(carried, block - january, pooled[:, 1])
    return out, carried


def _basis(by_year: np.ndarray, year: int, params: Params) -> tuple[np.ndarray, list[str], list[str]]:
    """Month weights per line (lines x 12) after the no-history fallbacks, the basis used and the
    January/February split (:data:`JAN_FEB_SPLITS`) of each line."""
    history = list(range(year - by_year.shape[1], year))
    every = by_year.sum(axis=0, keepdims=True)
    if params.seasonality.method == "festival":
        own, own_carried = festival_counts(by_year, history, year)
        pooled, pooled_carried = festival_counts(every, history, year)
    else:
        own, own_carried = by_year.sum(axis=1), np.zeros(len(by_year), dtype=bool)
        pooled, pooled_carried = every.sum(axis=1), np.zeros(1, dtype=bool)
    pooled, pooled_carried = pooled[0], bool(pooled_carried[0])
    has = own.sum(axis=1) > 0
    kind = "all_lines" if pooled.sum() > 0 else "equal"
    fallback = pooled if kind == "all_lines" else np.ones(12)
    counts = np.where(has[:, None], own, fallback[None, :])
    carried = np.where(has, own_carried, pooled_carried and kind == "all_lines")
    in_block = counts[:, :2].sum(axis=1) > 0
    festival = params.seasonality.method == "festival" and kind != "equal"
    split = [("festival" if c else "no_same_festival_month") if festival and b else "pooled"
             for c, b in zip(carried, in_block, strict=True)]
    return counts, ["own" if h else kind for h in has], split


def _renormalised(values: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1 (rows of zeros stay 0)."""
    sums = values.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sums > 0, values / sums, 0.0)


def shares_from_counts(counts: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """``(q_share per month, m_share)`` (each lines x 12) from monthly counts and adjustments."""
    adj_q = np.array([1.0 + params.quarter_adjustment(q) for q in range(1, 5)])
    adj_m = np.array([1.0 + params.month_adjustment(int(m)) for m in MONTHS])
    by_quarter = counts.reshape(len(counts), 4, 3)
    quarter_units = by_quarter.sum(axis=2)
    q_share = _renormalised(_renormalised(quarter_units) * adj_q)
    within = np.where(quarter_units[:, :, None] > 0, by_quarter, 1.0)
    m_raw = _renormalised(within.reshape(-1, 3)).reshape(len(counts), 4, 3) * adj_m.reshape(4, 3)
    m_share = _renormalised(m_raw.reshape(-1, 3)).reshape(len(counts), 12)
    return np.repeat(q_share, 3, axis=1), m_share


def seasonal_shares(data: Tables, year: int, params: Params) -> pd.DataFrame:
    """Per line x month 1-12: quarter, q_share, m_share, seasonal_share (Σ over months = 1), basis and
    jan_feb_split (how January and February share their block, :data:`JAN_FEB_SPLITS`)."""
    counts, basis, split = _basis(history_by_year(data, year, params.history_years), year, params)
    q_share, m_share = shares_from_counts(counts, params)
    n = len(LINES)
    out = pd.DataFrame(
        {
            "line": np.repeat(list(LINES), 12),
            "month": np.tile(MONTHS, n).astype("int64"),
            "quarter": np.tile(QUARTER_OF_MONTH, n).astype("int64"),
            "q_share": q_share.reshape(-1),
            "m_share": m_share.reshape(-1),
            "seasonal_share": (q_share * m_share).reshape(-1),
            "basis": np.repeat(basis, 12),
            "jan_feb_split": np.repeat(split, 12),
        }
    )
    return out.astype({"line": "str", "basis": "str", "jan_feb_split": "str"})


def annual_plan(data: Tables, year: int) -> pd.Series:
    """Annual plan per line (schema order) = Σ annual targets of ``year`` over dealers."""
    targets = data.annual_targets[data.annual_targets["year"] == year]
    return targets.groupby("line")["units"].sum().reindex(list(LINES), fill_value=0).astype("int64")


def _rolling_weights(shares: pd.DataFrame, first: int) -> pd.Series:
    """Seasonal shares of months >= first; a line whose remaining shares are all 0 counts equally."""
    remaining = shares["month"] >= first
    weights = shares["seasonal_share"].where(remaining, 0.0)
    empty = weights.groupby(shares["line"]).transform("sum") <= 0
    return weights.mask(empty & remaining, 1.0)


def plan_table(data: Tables, month: MonthLike, params: Params, shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``plan`` sheet: every month of year(M) x line with locked, actual, rolling and issued.

    ``shares``: the year's :func:`seasonal_shares` when the caller has them already.
    """
    m = Month.of(month)
    start, year, current = m.start, m.year, m.number
    shares = seasonal_shares(data, year, params) if shares is None else shares
    annual = annual_plan(data, year)
    locked = apportion_groups(annual, shares["seasonal_share"], shares["line"])
    this_year = sales_between(data, m.year_start, start)
    actual_table = monthly_units(data, this_year)
    actual = actual_table.stack().reindex(pd.MultiIndex.from_frame(shares[["line", "month"]]))
    actual = actual.to_numpy()
    ytd = actual_table.sum(axis=1)
    gap = (annual - ytd).clip(lower=0)
    rolling = apportion_groups(gap, _rolling_weights(shares, current), shares["line"])
    before = shares["month"].to_numpy() < current
    out = pd.DataFrame(
        {
            "month": [str(Month(year, int(n))) for n in shares["month"]],
            "line": shares["line"],
            "seasonal_share": shares["seasonal_share"],
            "locked_plan": locked.to_numpy(),
            "actual": pd.array(np.where(before, actual, 0), dtype="Int64"),
            "rolling_plan": pd.array(rolling.to_numpy(), dtype="Int64"),
        }
    ).astype({"month": "str"})
    out.loc[~before, "actual"] = pd.NA
    out.loc[before, "rolling_plan"] = pd.NA
    chosen = out["rolling_plan"] if params.rolling else out["locked_plan"].astype("Int64")
    out["issued"] = chosen.where(shares["month"].to_numpy() == current, pd.NA).astype("Int64")
    log.debug("plan %s: annual %s, gap %s", month, annual.to_dict(), gap.to_dict())
    return out[list(PLAN_COLUMNS)]


def issued_plan(plan: pd.DataFrame, month: MonthLike) -> pd.Series:
    """The issued national plan of ``month`` per line (int64, schema order) from a plan table."""
    row = plan[plan["month"] == str(Month.of(month))].set_index("line")["issued"]
    return row.reindex(list(LINES)).fillna(0).astype("int64")
