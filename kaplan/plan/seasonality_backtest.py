"""Backtest of the seasonality methods (docs/method.md §2.1): locked plan shares against actual shares.

For each backtest year Y and each method (``pooled``, ``festival``), the locked plan of Y is built
exactly as the cascade builds it (:func:`kaplan.plan.seasonal.seasonal_shares` with that method,
then apportioned per line) and summed over lines: ``plan(m)``; ``actual(m)`` = units sold in m.
The compared window is months ``1 .. K``: K = 12 for a year before year(M), else the last complete
month before M. Shares are taken within the window::

    p(m) = plan(m) / Σ_{k<=K} plan(k)        a(m) = actual(m) / Σ_{k<=K} actual(k)
    tvd  = ½ · Σ_{m<=K} |p(m) − a(m)|        (total variation distance, 0..1)
    jan_error = p(1)/a(1) − 1,  feb_error = p(2)/a(2) − 1   (signed; blank when a(m) = 0)

Backtest years: those after the first year with sales, up to year(M), with K >= 2 and a positive
annual plan. A ``mean`` row per method holds the mean tvd and the mean absolute errors.

Worked example: plan year 2026 as of 2026-06 (K = 5), locked plan Jan 100, Feb 60, Mar-May 80 each
(Σ 400), actual Jan 150, Feb 50, Mar-May 100 each (Σ 500): p = .25 .15 .2 .2 .2, a = .3 .1 .2 .2 .2,
tvd = ½(.05 + .05) = 0.05, jan_error = .25/.3 − 1 = −0.1667, feb_error = .15/.1 − 1 = +0.5.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion_groups
from kaplan.core.calendar import spring_festival
from kaplan.core.facts import sales_between
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params, Seasonality
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import annual_plan, monthly_units, seasonal_shares

log = logging.getLogger(__name__)

METHODS = ("pooled", "festival")
BACKTEST_COLUMNS = ("method", "year", "festival_date", "months", "tvd", "jan_error", "feb_error")
MEAN_ROW = "mean"


def backtest_years(data: Tables, month: MonthLike) -> list[int]:
    """Years after the first year with sales up to year(M) whose window has at least two months."""
    m = Month.of(month)
    if data.sales.empty:
        return []
    first = int(pd.Timestamp(data.sales["date"].min()).year)
    return [y for y in range(first + 1, m.year + 1) if _window(y, m) >= 2]


def _window(year: int, month: Month) -> int:
    return 12 if year < month.year else month.number - 1


def window_errors(plan: np.ndarray, actual: np.ndarray) -> tuple[float, float, float]:
    """``(tvd, jan_error, feb_error)`` of monthly plan and actual units over the same window."""
    p = plan / plan.sum() if plan.sum() > 0 else np.full(len(plan), np.nan)
    a = actual / actual.sum() if actual.sum() > 0 else np.full(len(actual), np.nan)
    tvd = float(0.5 * np.abs(p - a).sum())
    errors = [float(p[k] / a[k] - 1) if a[k] > 0 else float("nan") for k in (0, 1)]
    return tvd, errors[0], errors[1]


def locked_plan_months(data: Tables, year: int, params: Params) -> np.ndarray:
    """The locked plan of ``year`` per calendar month, summed over lines (12 integers)."""
    shares = seasonal_shares(data, year, params)
    locked = apportion_groups(annual_plan(data, year), shares["seasonal_share"], shares["line"])
    return locked.groupby(shares["month"].to_numpy()).sum().reindex(range(1, 13), fill_value=0).to_numpy()


def seasonality_backtest(data: Tables, month: MonthLike, params: Params) -> pd.DataFrame:
    """The ``seasonality`` sheet: one row per method x backtest year, then a ``mean`` row per method."""
    m = Month.of(month)
    rows = []
    for method in METHODS:
        p = params.model_copy(update={"seasonality": Seasonality(method=method)})
        results = []
        for year in backtest_years(data, m):
            k = _window(year, m)
            plan = locked_plan_months(data, year, p)[:k].astype("float64")
            if plan.sum() <= 0:
                continue
            sold = monthly_units(data, sales_between(data, pd.Timestamp(year, 1, 1), Month(year, k).next.start))
            actual = sold.sum(axis=0).to_numpy(dtype="float64")[:k]
            tvd, jan, feb = window_errors(plan, actual)
            results.append((method, str(year), str(spring_festival(year).date()), k, tvd, jan, feb))
        rows += results
        if results:
            frame = np.array([r[4:] for r in results], dtype="float64")
            rows.append((method, MEAN_ROW, "", len(results), float(np.nanmean(frame[:, 0])),
                         float(np.nanmean(np.abs(frame[:, 1]))), float(np.nanmean(np.abs(frame[:, 2])))))
    out = pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS))
    out = out.astype({"method": "str", "year": "str", "festival_date": "str", "months": "int64", "tvd": "float64",
                      "jan_error": "float64", "feb_error": "float64"})
    log.info("seasonality backtest %s: %d rows", m, len(out))
    return out
