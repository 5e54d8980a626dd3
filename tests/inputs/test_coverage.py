"""Data coverage of a month run: sales up to the month, annual targets of its year, stale data,
and the months ``--month auto`` publishes (docs/method.md §2.3, "Data coverage of a month run")."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.months import Month
from kaplan.inputs.coverage import CoverageError, auto_months, check_coverage, coverage_problems, stale_data

SALES = pd.Series(pd.to_datetime(["2026-01-05", "2026-05-31"]))
YEARS = pd.Series([2026, 2026], dtype="int64")


def test_stale_boundary_is_exactly_the_limit() -> None:
    # newest sale 2026-05-31, July starts 2026-07-01: 31 days
    assert stale_data(SALES, "2026-07", 31) is None
    found = stale_data(SALES, "2026-07", 30)
    assert found is not None
    assert (found.last_sale, found.days, found.limit) == (date(2026, 5, 31), 31, 30)


def test_the_month_after_the_last_sale_is_fresh_with_limit_zero() -> None:
    assert stale_data(SALES, "2026-06", 0) is not None  # 2026-06-01 - 2026-05-31 = 1 day > 0
    assert stale_data(pd.Series(pd.to_datetime(["2026-06-01"])), "2026-06", 0) is None


def test_a_month_with_sales_before_and_targets_is_covered() -> None:
    assert coverage_problems(SALES, YEARS, "2026-07") == []


def test_no_sales_up_to_the_month_and_no_targets_of_its_year_are_both_named() -> None:
    assert coverage_problems(SALES, YEARS, "2025-12") == [
        "no sales on or before 2025-12-31 (the sales begin on 2026-01-05): month 2025-12 cannot be split or "
        "tracked; check the data source or give a month the sales cover",
        "no annual targets for 2025 (the data have 2026): add the year's rows to annual_targets before running "
        "2025-12",
    ]


def test_sales_on_the_months_last_day_cover_it() -> None:
    assert coverage_problems(pd.Series(pd.to_datetime(["2026-01-31"])), YEARS, "2026-01") == []
    assert coverage_problems(pd.Series(pd.to_datetime(["2026-02-01"])), YEARS, "2026-01")[0].startswith("no sales")


def test_stale_data_warn_by_default_and_refuse_when_asked() -> None:
    assert check_coverage(SALES, YEARS, "2026-12", 31, refuse_stale=False) == stale_data(SALES, "2026-12", 31)
    with pytest.raises(CoverageError) as caught:
        check_coverage(SALES, YEARS, "2026-12", 31, refuse_stale=True)
    assert caught.value.exit_code == 4
    assert str(caught.value) == (
        "the data do not cover month 2026-12 (nothing was written):\n"
        "  - stale data: the newest sale is of 2026-05-31, 184 days before 2026-12 began (stale_data_days = 31, "
        "stale_data_refuse = true): bring the data up to date and run again"
    )


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (date(2026, 7, 1), ["2026-06", "2026-07"]),
        (date(2026, 7, 2), ["2026-06", "2026-07"]),
        (date(2026, 7, 3), ["2026-07"]),
        (date(2026, 7, 31), ["2026-07"]),
        (date(2027, 1, 1), ["2026-12", "2027-01"]),
    ],
)
def test_auto_months_on_a_fixed_clock(today: date, months: list[str]) -> None:
    assert auto_months(today, closing_days=2) == months


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=1, max_value=28))
def test_auto_months_always_end_with_todays_month(today: date, closing_days: int) -> None:
    months = auto_months(today, closing_days)
    assert months[-1] == str(Month.of(today))
    assert len(months) == (2 if today.day <= closing_days else 1)
    if len(months) == 2:
        assert months[0] == str(Month.of(today - timedelta(days=today.day)))


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), st.integers(min_value=0, max_value=400))
def test_stale_exactly_when_the_gap_exceeds_the_limit(newest: date, limit: int) -> None:
    sales = pd.Series(pd.to_datetime([newest]))
    month = Month.of(newest).next
    gap = (month.start.date() - newest).days
    assert (stale_data(sales, month, limit) is not None) == (gap > limit)
