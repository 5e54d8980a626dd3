"""Attainment and per-capita targets at their edges (docs/method.md §2.5): the smallest allowed
inputs and the exact refusals, regions without staff or without targets, partial windows, the first
day of the month and of the year, and the floors of the year-to-date fallback."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import pytest
from test_attainment import fixture

from kaplan.assessment.attainment import (
    attainment_table,
    covered_days,
    even_split,
    per_capita_table,
    per_capita_targets,
    window_months,
    window_of,
    ytd_targets_from_annual,
)
from kaplan.core.errors import KaplanError
from kaplan.core.facts import sales_facts, staff_scope
from kaplan.core.tables import Tables


@pytest.mark.parametrize(
    ("team", "heads", "months", "expected"),
    [(0, 3, 5, (0, 0)),  # a team target of 0 is allowed (only a negative one is refused)
     (10, 1, 5, (10, 2)),  # one person carries the whole team target
     (24, 2, 1, (12, 12))],  # a one-month window: the month's target is the year's
)  # fmt: skip
def test_per_capita_at_the_smallest_allowed_inputs(team: int, heads: int, months: int,
                                                   expected: tuple[int, int]) -> None:  # fmt: skip
    """§2.5 Per-capita targets: per_person_year = team // headcount, per_person_month = that // months."""
    assert per_capita_targets(team, heads, months) == expected


@pytest.mark.parametrize(
    ("team", "heads", "months", "message"),
    [(-1, 3, 5, "team annual target -1 is negative: give a number of units >= 0"),
     (10, 0, 5, "headcount 0 must be at least 1 to share a team target"),
     (10, 3, 0, "a development window of 0 months is empty: give at least 1 month")],
)  # fmt: skip
def test_per_capita_refusals_say_what_to_give(team: int, heads: int, months: int, message: str) -> None:
    with pytest.raises(KaplanError) as refused:
        per_capita_targets(team, heads, months)
    assert str(refused.value) == message


def test_even_split_refusal_and_a_single_part() -> None:
    """§2.5 Per-capita targets: the exact split over one person is the whole target."""
    assert even_split(7, 1).tolist() == [7]
    with pytest.raises(KaplanError) as refused:
        even_split(5, 0)
    assert str(refused.value) == "cannot split 5 units over 0 parts: give at least 1 part"


def test_a_one_day_window_and_the_days_outside_it() -> None:
    """§2.5 Per-capita targets: the window's ends are both inclusive, so start = end is one day; a
    month outside the window has 0 covered days."""
    start, end = window_of(2023, date(2023, 8, 1), date(2023, 8, 1))
    assert start == end == pd.Timestamp("2023-08-01")
    assert covered_days("2023-08", start, end) == 1
    assert covered_days("2023-07", start, end) == 0 and covered_days("2023-09", start, end) == 0
    assert covered_days("2023-06", pd.Timestamp("2023-07-25"), pd.Timestamp("2023-12-31")) == 0


def test_a_window_without_a_whole_month_says_what_to_widen() -> None:
    with pytest.raises(KaplanError) as refused:
        window_months(pd.Timestamp("2023-07-02"), pd.Timestamp("2023-08-30"))
    assert str(refused.value) == ("the development window 2023-07-02..2023-08-30 holds no whole calendar month: "
                                  "widen per_capita.window_start / window_end")  # fmt: skip


def test_per_capita_table_of_a_window_ending_in_june() -> None:
    """§2.5 Per-capita targets: window 1 January - 30 June 2026 holds 6 whole months; the fixture's
    team of 157 units and 4 people: 39 a year, 39 // 6 = 6 a month; July is outside the window."""
    t = fixture()
    june = per_capita_table(t.annual_targets, t.org, t.staff, 2026, "2026-06", date(2026, 1, 1), date(2026, 6, 30))
    assert june.drop(columns="region").iloc[0].tolist() == [157, 4, 39, 6, 6, 6]
    july = per_capita_table(t.annual_targets, t.org, t.staff, 2026, "2026-07", None, date(2026, 6, 30))
    assert july.drop(columns="region").iloc[0].tolist() == [157, 4, 39, 6, 6, 0]


def test_per_capita_in_a_partly_covered_month_floors_the_monthly_whole() -> None:
    """§2.5 Per-capita targets, partial months: a window from 10 July 2026 counts August..December
    (5 months): 39 // 5 = 7 a month, and July (22 of 31 days) floor(7 · 22 / 31) = floor(4.97) = 4,
    from the whole monthly figure 7, never from 39 / 5 = 7.8 (which would give 5)."""
    t = fixture()
    table = per_capita_table(t.annual_targets, t.org, t.staff, 2026, "2026-07", date(2026, 7, 10), date(2026, 12, 31))
    assert table.drop(columns="region").iloc[0].tolist() == [157, 4, 39, 5, 7, 4]


def test_per_capita_table_of_regions_without_staff_or_without_targets() -> None:
    """§2.5 Per-capita targets: per_person_year is 0 without staff; a region whose staff has no
    annual target has team_annual 0; one person carries the whole team target."""
    org = pd.DataFrame({"dealer_id": ["D1", "D2", "D3"], "region": ["华北大区", "华东大区", "西南大区"]})
    staff = pd.DataFrame({"staff_id": ["R1", "R2", "R3"], "region": ["华北大区", "西南大区", "西南大区"]})
    annual = pd.DataFrame({"year": [2026, 2026, 2025], "dealer_id": ["D1", "D2", "D3"], "line": "command",
                           "units": [24, 50, 90]})  # fmt: skip
    got = per_capita_table(annual, org, staff, 2026, "2026-06").set_index("region")
    assert got.dtypes.eq("int64").all()
    assert got.loc["华北大区"].tolist() == [24, 1, 24, 12, 2, 2]  # 24 // 1 = 24, 24 // 12 = 2
    assert got.loc["华东大区"].tolist() == [50, 0, 0, 12, 0, 0]  # no staff
    assert got.loc["西南大区"].tolist() == [0, 2, 0, 12, 0, 0]  # only a 2025 target


@pytest.mark.parametrize(("month", "target"), [("2026-01", 0), ("2026-06", 10), ("2026-12", 22)])
def test_ytd_fallback_floors_each_line(month: str, target: int) -> None:
    """§2.5 Attainment, the fallback Σ_lines floor(units · m / 12): two lines of 11 units give
    2 · floor(11 / 12) = 0 after January (not floor(22 / 12) = 1) and 2 · floor(66 / 12) = 10 after
    June (not 11)."""
    annual = pd.DataFrame({"year": 2026, "dealer_id": "D1", "line": ["command", "work"], "units": [11, 11]})
    got = ytd_targets_from_annual(annual, month)
    assert got["target"].dtype == "int64" and got["target"].tolist() == [target]


def attainment_of(sales: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The fixture's staff for June 2026 (S1 answers for D1; S2's dealer is left out of the scope)."""
    base = fixture()
    t = Tables.from_frames(org=base.org, staff=base.staff, products=base.products, sales=sales)
    scope = staff_scope(t)
    month_targets = pd.DataFrame({"dealer_id": ["D1", "D3"], "target": [30, 9]})
    prior = pd.DataFrame({"dealer_id": ["D1", "D3"], "target": [50, 4]})
    return attainment_table(t.staff, scope[scope["staff_id"] != "S2"], sales_facts(t), "2026-06",
                            pd.Timestamp(as_of), month_targets, prior).set_index("staff_id")  # fmt: skip


def orders(dates: list[str], units: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"order_id": [f"o{i}" for i in range(len(dates))], "date": dates, "dealer_id": "D1",
                         "product_id": "P1", "customer_id": "C1", "units": units})  # fmt: skip


def test_the_first_day_of_the_month_and_of_the_year_count() -> None:
    """§2.5 Attainment: mtd counts from the 1st of M, ytd from 1 January, both through d: as of
    2026-06-20, 1 June counts in mtd (not 31 May), 1 January in ytd (not 31 December 2025)."""
    sales = orders(["2025-12-31", "2026-01-01", "2026-05-31", "2026-06-01", "2026-06-20", "2026-06-21"],
                   [1000, 100, 10, 1, 20, 300])  # fmt: skip
    s1 = attainment_of(sales, "2026-06-20").loc["S1"]
    # to date: ceil(30 · 20 / 30) = 20; mtd 1 + 20 = 21; ytd 100 + 10 + 21 = 131 of 50 + 20 = 70
    assert s1[["month_target", "month_target_to_date", "mtd", "ytd_target", "ytd"]].tolist() == [30, 20, 21, 70, 131]


def test_a_person_without_dealers_has_integer_zeros() -> None:
    """§2.5 Attainment: sums over an empty scope are 0 units (integers), the attainments blank."""
    out = attainment_of(orders(["2026-06-05"], [3]), "2026-06-30")
    columns = ["month_target", "month_target_to_date", "mtd", "ytd_target", "ytd"]
    assert out[columns].dtypes.eq("int64").all()
    assert out.loc["S2", columns].tolist() == [0, 0, 0, 0, 0]
    assert out.loc["S2", ["month_attainment", "ytd_attainment"]].isna().all()
    assert out.loc["S1", columns].tolist() == [30, 30, 3, 80, 3]


def test_attainment_logs_the_month_the_date_and_the_staff_count(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="kaplan.assessment.attainment"):
        attainment_of(orders(["2026-06-05"], [3]), "2026-06-20")
    messages = [r.getMessage() for r in caplog.records if r.name == "kaplan.assessment.attainment"]
    assert messages == ["attainment 2026-06 as of 2026-06-20: 4 staff"]
