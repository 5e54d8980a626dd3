"""One calendar month, the unit the whole plan is issued in (docs/method.md §2.1).

Every month that enters kaplan (the ``--month`` option, a notebook parameter, a ``month`` column)
is read by :meth:`Month.of`; everything derived from it (first and last day, the month before, the
quarter, the year's start, how many days) comes from here, never from slicing a string::

    >>> m = Month.of("2026-06")
    >>> str(m), m.start.date(), m.end.date(), str(m.previous), m.quarter, m.days
    ('2026-06', datetime.date(2026, 6, 1), datetime.date(2026, 6, 30), '2026-05', 2, 30)

Months order and subtract like numbers of months: ``Month.of("2026-06") - Month.of("2025-12") == 6``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from kaplan.core.errors import KaplanError

_TEXT = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class MonthError(KaplanError, ValueError):
    """A month that is not ``YYYY-MM``."""


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month: ``year`` and ``number`` (1-12)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not (1 <= self.number <= 12 and 1 <= self.year <= 9999):
            raise MonthError(f"month {self.year}-{self.number:02d} does not exist: give a month 01-12")

    @classmethod
    def of(cls, value: Month | str | date | pd.Timestamp) -> Month:
        """The month of ``value``: a Month, ``YYYY-MM`` text, or any date inside the month."""
        if isinstance(value, Month):
            return value
        if isinstance(value, datetime | date):  # pd.Timestamp is a datetime
            return cls(value.year, value.month)
        match = _TEXT.fullmatch(str(value).strip()) if isinstance(value, str) else None
        if match is None:
            raise MonthError(f"month {value!r} is not a month: write it as YYYY-MM, e.g. 2026-06")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def first_of(cls, year: int) -> Month:
        """January of ``year``."""
        return cls(year, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    def __add__(self, months: int) -> Month:
        index = self.year * 12 + self.number - 1 + int(months)
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, other: Month | int) -> Month | int:  # type: ignore[override]
        """``month - k`` is the month k earlier; ``month - other`` the number of months between them."""
        if isinstance(other, Month):
            return (self.year - other.year) * 12 + self.number - other.number
        return self + (-int(other))

    @property
    def previous(self) -> Month:
        return self + (-1)

    @property
    def next(self) -> Month:
        return self + 1

    @property
    def quarter(self) -> int:
        return (self.number - 1) // 3 + 1

    @property
    def start(self) -> pd.Timestamp:
        """The first day, 00:00."""
        return pd.Timestamp(self.year, self.number, 1)

    @property
    def stop(self) -> pd.Timestamp:
        """The first day of the next month: the exclusive end of this one."""
        return self.next.start

    @property
    def end(self) -> pd.Timestamp:
        """The last day, 00:00."""
        return self.stop - pd.Timedelta(days=1)

    @property
    def days(self) -> int:
        return int(self.start.days_in_month)

    @property
    def year_start(self) -> pd.Timestamp:
        """1 January of the month's year."""
        return pd.Timestamp(self.year, 1, 1)

    def contains(self, day: pd.Timestamp | date) -> bool:
        """Whether ``day`` lies in this month."""
        return Month.of(day) == self

    def since(self, first: Month) -> list[Month]:
        """Every month from ``first`` through this one, oldest first (empty when ``first`` is later)."""
        return [first + k for k in range(self - first + 1)]

    def year_to_date(self) -> list[Month]:
        """January through this month."""
        return self.since(Month.first_of(self.year))

    def label(self, lang: str = "zh") -> str:
        """How a person writes it: ``2026年6月`` or ``Jun 2026``."""
        return f"{self.year}年{self.number}月" if lang == "zh" else self.start.strftime("%b %Y")


MonthLike = Month | str | date | pd.Timestamp


def same_day_last_year(day: pd.Timestamp) -> pd.Timestamp:
    """``day``'s month and day one year earlier; Feb 29 becomes Feb 28."""
    if day.month == 2 and day.day == 29:
        return pd.Timestamp(year=day.year - 1, month=2, day=28)
    return pd.Timestamp(year=day.year - 1, month=day.month, day=day.day)


def default_as_of(dates: pd.Series, month: MonthLike) -> pd.Timestamp:
    """The day a month is reported as of when none is given (docs/method.md §2.3).

    The last date with sales in the month. A month without sales: its last day when there are
    sales after it (the month is over), else its first day when there are sales before it (the
    month has just begun). KaplanError when there are no sales in, before or after it.
    """
    m = Month.of(month)
    inside = dates[(dates >= m.start) & (dates < m.stop)]
    if len(inside):
        return inside.max().normalize()
    if (dates >= m.stop).any():
        return m.end
    if (dates < m.start).any():
        return m.start
    raise KaplanError(
        f"no sales in or before month {m}: the progress board needs sales data; "
        "check the data folder or give the month to report"
    )


def checked_as_of(as_of: object, month: MonthLike) -> pd.Timestamp:
    """``as_of`` as a day inside ``month``; KaplanError when it is not a date of that month."""
    m = Month.of(month)
    try:
        day = pd.Timestamp(as_of).normalize()  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise KaplanError(f"as-of date {as_of!r} is not a date: write it as YYYY-MM-DD") from None
    if pd.isna(day) or not m.contains(day):
        raise KaplanError(f"as-of date {day.date()} is not in month {m}: give a date of {m}")
    return day


def as_of_date(dates: pd.Series, month: MonthLike, given: object = None) -> pd.Timestamp:
    """The as-of date of a report: ``given`` (checked to lie in the month), else :func:`default_as_of`."""
    return checked_as_of(given, month) if given else default_as_of(dates, month)


def month_parts(labels: pd.Series) -> pd.DataFrame:
    """``year``, ``number`` and ``quarter`` of each ``YYYY-MM`` label (each distinct label read once)."""
    months = {text: Month.of(text) for text in labels.unique()}
    return pd.DataFrame(
        {
            "year": labels.map(lambda text: months[text].year).astype("int64"),
            "number": labels.map(lambda text: months[text].number).astype("int64"),
            "quarter": labels.map(lambda text: months[text].quarter).astype("int64"),
        },
        index=labels.index,
    )


def month_labels(dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` of every date of a datetime column (NaT stays missing)."""
    return dates.dt.strftime("%Y-%m")
