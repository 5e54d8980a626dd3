"""The Chinese calendar: Spring Festival dates and official working days (docs/method.md §2.1, §2.3).

- :func:`spring_festival` -- the first day of the Spring Festival (春节, lunar 1/1) of any year
  1900-2099, from the ``lunardate`` library (no hand-typed table).
- :func:`is_working_day` -- the official working calendar (工作日) from the ``chinese-calendar``
  library: Monday-Friday minus the public holidays, plus the shifted working weekends (调休). The
  library covers the years the State Council has published (:data:`WORKING_CALENDAR_YEARS`);
  for a year beyond them the working days are Monday-Friday with no holidays, and a warning is
  logged once per year (:func:`working_calendar_known` tells which case applies).
- :func:`time_progress_parts` -- the elapsed and total days behind the time progress (时间进度)
  of a day, counted in calendar days or in working days.

Worked example (docs/method.md §2.3): February 2024 has 29 days; the festival holiday ran from
10 to 17 February and Sunday 4 and Sunday 18 February were worked (调休). Its working days are
1, 2, 4, 5, 6, 7, 8, 9, 18, 19, 20, 21, 22, 23, 26, 27, 28, 29: 18 days. As of 9 February the
working-day time progress is 8/18 = 0.444 (calendar: 9/29 = 0.310).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache
from typing import Literal

import chinese_calendar
import pandas as pd
from lunardate import LunarDate

log = logging.getLogger(__name__)

Basis = Literal["calendar", "working_days"]
FESTIVAL_YEARS = range(1900, 2100)


def _covered_years() -> range:
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(day.year for day in known), max(day.year for day in known) + 1)


WORKING_CALENDAR_YEARS: range = _covered_years()


@cache
def spring_festival(year: int) -> pd.Timestamp:
    """The first day of the Spring Festival (lunar new year's day) of ``year``, 1900-2099."""
    if year not in FESTIVAL_YEARS:
        raise ValueError(f"Spring Festival dates are known for {FESTIVAL_YEARS.start}-{FESTIVAL_YEARS.stop - 1},"
                         f" not for {year}")
    return pd.Timestamp(LunarDate(year, 1, 1).to_solar_date())


def festival_month(year: int) -> int:
    """The calendar month (1 or 2) of ``year``'s Spring Festival."""
    return spring_festival(year).month


def working_calendar_known(year: int) -> bool:
    """Whether the official working calendar of ``year`` (holidays and 调休) is in the library."""
    return year in WORKING_CALENDAR_YEARS


@cache
def _warn_unknown(year: int) -> None:
    log.warning("working days of %d: the official calendar is known for %d-%d only; counting Monday-Friday"
                " without holidays", year, WORKING_CALENDAR_YEARS.start, WORKING_CALENDAR_YEARS.stop - 1)


def is_working_day(day: dt.date | pd.Timestamp) -> bool:
    """Official working day; Monday-Friday (with a logged warning) for a year the library does not know."""
    date = pd.Timestamp(day).date()
    if working_calendar_known(date.year):
        return bool(chinese_calendar.is_workday(date))
    _warn_unknown(date.year)
    return date.weekday() < 5


@cache
def _month_working_days(year: int, month: int) -> tuple[int, ...]:
    days = pd.Timestamp(year, month, 1).days_in_month
    return tuple(d for d in range(1, days + 1) if is_working_day(dt.date(year, month, d)))


def month_working_days(year: int, month: int) -> tuple[int, ...]:
    """The days of the month (1-31) that are working days."""
    return _month_working_days(year, month)


def working_days_through(day: pd.Timestamp) -> int:
    """Working days of ``day``'s month from its 1st through ``day`` (inclusive)."""
    return sum(1 for d in month_working_days(day.year, day.month) if d <= day.day)


def time_progress_parts(day: pd.Timestamp, basis: Basis = "calendar") -> tuple[int, int]:
    """``(elapsed, total)`` days of ``day``'s month behind its time progress ``elapsed / total``.

    ``calendar``: (day-of-month, days in the month). ``working_days``: (working days from the 1st
    through ``day``, working days in the month).
    """
    day = pd.Timestamp(day)
    if basis == "working_days":
        return working_days_through(day), len(month_working_days(day.year, day.month))
    return day.day, day.days_in_month


def annual_time_progress_parts(day: pd.Timestamp, basis: Basis = "calendar") -> tuple[int, int]:
    """``(elapsed, total)`` days of ``day``'s year: calendar days or working days (Jan 1 .. ``day`` inclusive)."""
    day = pd.Timestamp(day)
    if basis == "working_days":
        before = sum(len(month_working_days(day.year, m)) for m in range(1, day.month))
        total = before + sum(len(month_working_days(day.year, m)) for m in range(day.month, 13))
        return before + working_days_through(day), total
    return day.day_of_year, 366 if day.is_leap_year else 365
