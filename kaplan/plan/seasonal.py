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
from kaplan.core.facts import line_units, sales_between
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables

log = logging.getLogger(__name__)

MONTHS = np.arange(1, 13)
QUARTER_OF_MONTH = (MONTHS - 1) // 3 + 1
PLAN_COLUMNS = ("month", "line", "seasonal_share", "locked_plan", "actual", "rolling_plan", "issued")


def history_units(data: Tables, year: int, years: int) -> pd.DataFrame:
    """Units sold per line (rows, schema order) x calendar month (columns 1-12) in years Y-years..Y-1."""
    window = sales_between(data, pd.Timestamp(year - years, 1, 1), pd.Timestamp(year, 1, 1))
    return monthly_units(data, window)


def monthly_units(data: Tables, window: pd.DataFrame) -> pd.DataFrame:
    """Units of the sales rows ``window`` per line x calendar month, every line and month present."""
    units = line_units(data, window, {"month": window["date"].dt.month})
    table = units.unstack("month", fill_value=0) if len(units) else pd.DataFrame()
    return table.reindex(index=list(LINES), columns=MONTHS, fill_value=0).astype("int64")


def _basis(history: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Month weights per line (lines x 12) after the no-history fallbacks, and the basis used."""
    own = history.to_numpy(dtype="float64")
    pooled = own.sum(axis=0)
    fallback, kind = (pooled, "all_lines") if pooled.sum() > 0 else (np.ones(12), "equal")
    has = own.sum(axis=1) > 0
    counts = np.where(has[:, None], own, fallback[None, :])
    return counts, ["own" if h else kind for h in has]


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
    """Per line x month 1-12: quarter, q_share, m_share, seasonal_share (Σ over months = 1), basis."""
    counts, basis = _basis(history_units(data, year, params.history_years))
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
        }
    )
    return out.astype({"line": "str", "basis": "str"})


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
