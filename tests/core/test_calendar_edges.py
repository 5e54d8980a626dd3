"""Time progress at the edges of a month and a year (docs/method.md §2.3): first and last days,
a common year beside a leap year."""

from __future__ import annotations

import pandas as pd
import pytest

from kaplan.core.calendar import annual_time_progress_parts, time_progress_parts


@pytest.mark.parametrize(
    ("day", "parts"),
    [
        ("2026-01-01", (1, 365)),  # first day of a common year
        ("2026-12-31", (365, 365)),  # its last day
        ("2026-03-01", (60, 365)),  # the day after a 28-day February
        ("2024-03-01", (61, 366)),  # the day after a 29-day February
        ("2024-12-31", (366, 366)),
    ],
)
def test_annual_calendar_parts_at_the_ends_of_a_year(day: str, parts: tuple[int, int]) -> None:
    assert annual_time_progress_parts(pd.Timestamp(day)) == parts
    assert annual_time_progress_parts(pd.Timestamp(day), "calendar") == parts


@pytest.mark.parametrize(
    ("day", "parts"),
    [("2026-02-01", (1, 28)), ("2026-02-28", (28, 28)), ("2024-02-29", (29, 29)), ("2026-12-31", (31, 31))],
)
def test_month_calendar_parts_on_the_first_and_last_day(day: str, parts: tuple[int, int]) -> None:
    assert time_progress_parts(pd.Timestamp(day)) == parts


def test_working_day_parts_on_the_first_and_last_day_of_2023() -> None:
    # 2023: 1-2 January holiday, first working day Tuesday 3 January; 29 December last working day.
    # 249 working days in 2023 (the State Council's calendar, weekends worked included)
    assert annual_time_progress_parts(pd.Timestamp("2023-01-01"), "working_days") == (0, 249)
    assert annual_time_progress_parts(pd.Timestamp("2023-01-03"), "working_days") == (1, 249)
    assert annual_time_progress_parts(pd.Timestamp("2023-12-31"), "working_days") == (249, 249)
