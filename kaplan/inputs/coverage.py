"""Does the data cover the month to run? (docs/method.md §2.3, "Data coverage of a month run").

Checked after validation, before anything is written:

- sales: at least one sale on or before the month's last day (the split of month M rests on the
  sales before M, the progress board on those in M);
- annual targets: rows for the month's year (the cascade spreads them over the months);
- freshness: the newest sale at most ``stale_data_days`` days before the month's first day. Stale
  data is a warning shown in every report's headline, or a refusal with ``stale_data_refuse``.

The running month when the clock says so (``kaplan run --month auto``) is :func:`auto_months`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kaplan.core.errors import KaplanError
from kaplan.core.months import Month, MonthLike


class CoverageError(KaplanError):
    """The data do not cover the month (no sales, no annual targets, stale data refused): exit code 4.

    Usually the export or the database has not been brought up to date yet: a scheduled job can
    retry later.
    """

    exit_code = 4


@dataclass(frozen=True)
class Staleness:
    """The newest sale, how many days before the month's first day it lies, and the limit."""

    last_sale: date
    days: int
    limit: int


def stale_data(sales_dates: pd.Series, month: MonthLike, limit: int) -> Staleness | None:
    """The staleness of the sales for ``month``, or None when the newest sale is recent enough.

    Stale when ``month.start - newest sale > limit`` days. Worked example: newest sale 2026-05-31,
    month 2026-07 (starts 2026-07-01): 31 days; with the default limit 31 that is fresh, with 30 stale.
    """
    if sales_dates.empty:
        return None
    newest = pd.Timestamp(sales_dates.max()).normalize()
    days = (Month.of(month).start - newest).days
    return Staleness(newest.date(), days, limit) if days > limit else None


def coverage_problems(sales_dates: pd.Series, target_years: pd.Series, month: MonthLike) -> list[str]:
    """Why the data cannot make the month's reports: no sales up to it, no annual targets of its year."""
    m = Month.of(month)
    problems = []
    if not (sales_dates <= m.end).any():
        first = f" (the sales begin on {pd.Timestamp(sales_dates.min()).date()})" if len(sales_dates) else ""
        problems.append(
            f"no sales on or before {m.end.date()}{first}: month {m} cannot be split or tracked; "
            "check the data source or give a month the sales cover"
        )
    if not (target_years == m.year).any():
        years = sorted(int(y) for y in target_years.unique())
        have = f" (the data have {', '.join(map(str, years))})" if years else ""
        problems.append(
            f"no annual targets for {m.year}{have}: add the year's rows to annual_targets before running {m}"
        )
    return problems


def check_coverage(
    sales_dates: pd.Series, target_years: pd.Series, month: MonthLike, stale_days: int, refuse_stale: bool
) -> Staleness | None:
    """Raise :class:`CoverageError` with every reason the month cannot run; else its staleness (or None)."""
    problems = coverage_problems(sales_dates, target_years, month)
    stale = stale_data(sales_dates, month, stale_days)
    if stale is not None and refuse_stale:
        problems.append(
            f"stale data: the newest sale is of {stale.last_sale}, {stale.days} days before {Month.of(month)} began "
            f"(stale_data_days = {stale.limit}, stale_data_refuse = true): bring the data up to date and run again"
        )
    if problems:
        raise CoverageError(f"the data do not cover month {Month.of(month)} (nothing was written):\n"
                            + "\n".join(f"  - {p}" for p in problems))  # fmt: skip
    return stale


def auto_months(today: date, closing_days: int) -> list[str]:
    """The months ``kaplan run --month auto`` publishes on ``today``, in order.

    The running month; on days 1 .. ``closing_days`` (``kpi.compile_deadline_day``, the seed's
    1st–2nd) first the month just closed as well, so its final view is published on time. Worked
    example with closing_days 2: 2026-07-01 and 2026-07-02 -> [2026-06, 2026-07]; 2026-07-03 -> [2026-07].
    """
    running = Month.of(today)
    return [str(running.previous), str(running)] if today.day <= closing_days else [str(running)]
