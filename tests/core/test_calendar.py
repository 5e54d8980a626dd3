"""The Chinese calendar: festival dates (lunardate), working days (chinese-calendar); docs/method.md §2.1, §2.3."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from kaplan.core import calendar
from kaplan.core.calendar import (
    WORKING_CALENDAR_YEARS,
    annual_time_progress_parts,
    festival_month,
    is_working_day,
    month_working_days,
    spring_festival,
    time_progress_parts,
)


@pytest.mark.parametrize(("year", "day"), [(2023, "2023-01-22"), (2024, "2024-02-10"), (2025, "2025-01-29"),
                                           (2026, "2026-02-17"), (2027, "2027-02-06")])  # fmt: skip
def test_five_known_festival_dates(year: int, day: str) -> None:
    assert spring_festival(year) == pd.Timestamp(day)


def test_festival_dates_2000_to_2050_come_from_the_library() -> None:
    dates = [spring_festival(y) for y in range(2000, 2051)]
    assert all(pd.Timestamp(d.year, 1, 21) <= d <= pd.Timestamp(d.year, 2, 20) for d in dates)
    assert dates[0] == pd.Timestamp("2000-02-05") and dates[-1] == pd.Timestamp("2050-01-23")
    assert [festival_month(y) for y in (2023, 2024, 2025, 2026, 2027, 2028)] == [1, 2, 1, 2, 2, 1]


def test_festival_dates_outside_1900_2099_are_refused() -> None:
    assert spring_festival(1900) == pd.Timestamp("1900-01-31")
    assert spring_festival(2099) == pd.Timestamp("2099-01-21")
    with pytest.raises(ValueError, match="1900-2099, not for 2100"):
        spring_festival(2100)
    with pytest.raises(ValueError, match="not for 1899"):
        spring_festival(1899)


def test_working_days_of_a_month_with_a_shifted_working_saturday() -> None:
    # May 2023: Labour Day holiday 29 April - 3 May, Saturday 6 May worked (调休).
    # Working days: 4, 5, 6 (Sat), 8-12, 15-19, 22-26, 29-31 = 2 + 1 + 5 + 5 + 5 + 3 = 21
    days = month_working_days(2023, 5)
    assert days == (4, 5, 6, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 26, 29, 30, 31)
    assert is_working_day(pd.Timestamp("2023-05-06")) and not is_working_day(pd.Timestamp("2023-05-13"))
    assert not is_working_day(pd.Timestamp("2023-05-02"))
    # as of Saturday 6 May: 3 of 21 by working days, 6 of 31 by calendar days
    assert time_progress_parts(pd.Timestamp("2023-05-06"), "working_days") == (3, 21)
    assert time_progress_parts(pd.Timestamp("2023-05-05"), "working_days") == (2, 21)
    assert time_progress_parts(pd.Timestamp("2023-05-06"), "calendar") == (6, 31)
    # before the first working day of the month: 0 elapsed
    assert time_progress_parts(pd.Timestamp("2023-05-03"), "working_days") == (0, 21)


def test_february_2024_festival_month_worked_example() -> None:
    # holiday 10-17 Feb, Sundays 4 and 18 Feb worked: 18 working days (docs/method.md §2.3)
    assert len(month_working_days(2024, 2)) == 18
    assert time_progress_parts(pd.Timestamp("2024-02-09"), "working_days") == (8, 18)
    assert time_progress_parts(pd.Timestamp("2024-02-18"), "working_days") == (9, 18)
    assert time_progress_parts(pd.Timestamp("2024-02-29"), "working_days") == (18, 18)


def test_annual_parts_add_up_the_months() -> None:
    day = pd.Timestamp("2023-05-06")
    elapsed, total = annual_time_progress_parts(day, "working_days")
    assert total == sum(len(month_working_days(2023, m)) for m in range(1, 13))
    assert elapsed == sum(len(month_working_days(2023, m)) for m in range(1, 5)) + 3
    assert annual_time_progress_parts(pd.Timestamp("2024-02-29"), "calendar") == (60, 366)
    assert annual_time_progress_parts(pd.Timestamp("2024-12-31"), "working_days")[0] == \
        annual_time_progress_parts(pd.Timestamp("2024-12-31"), "working_days")[1]


def test_beyond_the_published_years_monday_to_friday_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    last = WORKING_CALENDAR_YEARS.stop - 1
    assert WORKING_CALENDAR_YEARS.start == 2004 and last >= 2026
    assert calendar.working_calendar_known(last) and not calendar.working_calendar_known(last + 1)
    year = last + 1
    calendar._warn_unknown.cache_clear()
    calendar._month_working_days.cache_clear()
    with caplog.at_level(logging.WARNING, logger="kaplan.core.calendar"):
        days = month_working_days(year, 3)
    expected = tuple(d for d in range(1, 32) if pd.Timestamp(year, 3, d).weekday() < 5)
    assert days == expected
    assert f"working days of {year}: the official calendar is known for 2004-{last} only" in caplog.text
