"""Per-person attainment and the seed's per-capita targets."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.assessment.attainment import (
    ATTAINMENT_COLUMNS,
    PER_CAPITA_COLUMNS,
    attainment_table,
    covered_days,
    even_split,
    per_capita_table,
    per_capita_targets,
    window_months,
    window_of,
    ytd_targets_from_annual,
)
from kaplan.core.errors import KaplanError, ParamsError
from kaplan.core.facts import sales_facts, staff_scope
from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables


def test_seed_per_capita_example() -> None:
    # 2023 units for a team of 31 -> 65 a person a year; over the five-month window 65 / 5 = 13
    assert per_capita_targets(2023, 31, 5) == (65, 13)


def test_exact_split_of_the_seed_team_target() -> None:
    parts = even_split(2023, 31)
    # 2023 = 31 * 65 + 8: eight people get 66, twenty-three get 65
    assert parts.sum() == 2023
    assert (parts == 66).sum() == 8 and (parts == 65).sum() == 23
    assert parts.min() == per_capita_targets(2023, 31, 5)[0]


@pytest.mark.parametrize(("team", "heads", "months"), [(-1, 3, 5), (10, 0, 5), (10, 3, 0)])
def test_per_capita_refuses_impossible_inputs(team: int, heads: int, months: int) -> None:
    with pytest.raises(KaplanError):
        per_capita_targets(team, heads, months)


@given(st.integers(0, 10**6), st.integers(1, 500))
def test_even_split_is_exact_and_fair(total: int, parts: int) -> None:
    split = even_split(total, parts)
    assert split.sum() == total and len(split) == parts
    assert split.max() - split.min() <= 1
    assert (split >= total // parts).all()


def fixture() -> Tables:
    org = pd.DataFrame(
        {"dealer_id": ["D1", "D2", "D3"], "dealer_name": ["甲", "乙", "丙"],
         "province": ["河北", "河北", "山西"], "region": ["华北大区"] * 3}
    )  # fmt: skip
    staff = pd.DataFrame(
        {"staff_id": ["R1", "M1", "S1", "S2"], "name": ["总监", "经理", "专员一", "专员二"],
         "role": ["regional_director", "regional_manager", "dealer_specialist", "dealer_specialist"],
         "region": ["华北大区"] * 4, "province": [None, "河北", "河北", "山西"],
         "dealer_id": [None, None, "D1", "D3"]}
    )  # fmt: skip
    products = pd.DataFrame({"product_id": ["P1"], "product_name": ["车"], "line": ["command"]})
    sales = pd.DataFrame(
        {"order_id": ["o1", "o2", "o3", "o4", "o5"],
         "date": ["2026-02-10", "2026-06-03", "2026-06-20", "2026-06-21", "2026-06-05"],
         "dealer_id": ["D1", "D1", "D2", "D1", "D3"], "product_id": "P1", "customer_id": "C1",
         "units": [4, 6, 3, 100, 2]}
    )  # fmt: skip
    annual = pd.DataFrame(
        {"year": 2026, "dealer_id": ["D1", "D1", "D2", "D3"], "line": ["command", "work", "command", "command"],
         "units": [120, 13, 24, 0]}
    )  # fmt: skip
    return Tables.from_frames(org=org, staff=staff, products=products, sales=sales, annual_targets=annual)


def test_attainment_worked_example() -> None:
    t = fixture()
    month_targets = pd.DataFrame({"dealer_id": ["D1", "D1", "D2", "D3"], "target": [8, 2, 5, 0]})
    prior = ytd_targets_from_annual(t.annual_targets, "2026-05")
    # January..May: D1: 120*5//12 + 13*5//12 = 50 + 5 = 55; D2: 24*5//12 = 10; D3: 0
    assert dict(zip(prior["dealer_id"], prior["target"], strict=True)) == {"D1": 55, "D2": 10, "D3": 0}
    out = attainment_table(t.staff, staff_scope(t), sales_facts(t), "2026-06", pd.Timestamp("2026-06-20"),
                           month_targets, prior).set_index("staff_id")  # fmt: skip
    assert tuple(out.reset_index().columns) == ATTAINMENT_COLUMNS
    # June runs (day 20 of 30): the 21 June order of 100 units is after the as-of date.
    # S1 (D1): target 10, to date ceil(10 * 20 / 30) = 7; mtd 6 -> 6 / 7; ytd 4 + 6 = 10 of 55 + 7 = 62
    cols = ["month_target", "month_target_to_date", "mtd", "ytd_target", "ytd"]
    assert out.loc["S1", cols].tolist() == [10, 7, 6, 62, 10]
    assert out.loc["S1", "month_attainment"] == pytest.approx(6 / 7)
    assert out.loc["S1", "ytd_attainment"] == pytest.approx(10 / 62)
    assert out.loc["S1", "time_progress"] == pytest.approx(20 / 30)
    # M1 (河北: D1, D2): 6 + 3 = 9 of ceil(15 * 20 / 30) = 10; R1 (all three): 11 of 10
    assert out.loc["M1", "month_attainment"] == pytest.approx(9 / 10)
    assert out.loc["R1", ["month_target", "month_target_to_date", "mtd"]].tolist() == [15, 10, 11]
    # S2 (D3): target 0 -> attainment blank, never inf
    assert out.loc["S2", "mtd"] == 2 and np.isnan(out.loc["S2", "month_attainment"])
    assert np.isnan(out.loc["S2", "ytd_attainment"])


@pytest.mark.parametrize(
    ("as_of", "to_date", "mtd", "progress"),
    [("2026-06-29", 10, 106, 29 / 30),  # ceil(10 * 29 / 30) = ceil(9.67) = 10, the month still runs
     ("2026-06-30", 10, 106, 1.0),  # the last day: closed
     ("2026-07-20", 10, 106, 1.0),  # a later date: June counts in full, July's sales do not
     ("2026-06-02", 1, 0, 2 / 30)],  # ceil(10 * 2 / 30) = ceil(0.67) = 1
)  # fmt: skip
def test_a_closed_month_counts_in_full(as_of: str, to_date: int, mtd: int, progress: float) -> None:
    t = fixture()
    sales = pd.concat([t.sales, t.sales.iloc[[1]].assign(order_id="o6", date=pd.Timestamp("2026-07-02"))],
                      ignore_index=True)
    t = Tables.from_frames(org=t.org, staff=t.staff, products=t.products, sales=sales, annual_targets=t.annual_targets)
    month_targets = pd.DataFrame({"dealer_id": ["D1"], "target": [10]})
    prior = pd.DataFrame({"dealer_id": ["D1"], "target": [40]})
    out = attainment_table(t.staff, staff_scope(t), sales_facts(t), "2026-06", pd.Timestamp(as_of),
                           month_targets, prior).set_index("staff_id")  # fmt: skip
    s1 = out.loc["S1"]
    assert s1[["month_target_to_date", "mtd", "ytd_target"]].tolist() == [to_date, mtd, 40 + to_date]
    assert s1["time_progress"] == pytest.approx(progress)
    assert s1["ytd"] == 4 + mtd


def test_per_capita_table_per_region() -> None:
    t = fixture()
    table = per_capita_table(t.annual_targets, t.org, t.staff, 2026, "2026-06").set_index("region")
    assert tuple(table.reset_index().columns) == PER_CAPITA_COLUMNS
    # team 120 + 13 + 24 + 0 = 157 over 4 people -> 39 a year; the plan year: 12 months, 39 // 12 = 3
    assert table.loc["华北大区"].tolist() == [157, 4, 39, 12, 3, 3]
    seed_like = per_capita_table(t.annual_targets, t.org, t.staff, 2026, "2026-07", date(2026, 7, 25),
                                 date(2026, 12, 31)).set_index("region")  # fmt: skip
    # 25 July - 31 December: 5 whole months, 39 // 5 = 7 a month; July pro rata 7 * 7 // 31 = 1
    assert seed_like.loc["华北大区"].tolist() == [157, 4, 39, 5, 7, 1]
    before = per_capita_table(t.annual_targets, t.org, t.staff, 2026, "2026-06", date(2026, 7, 25), None)
    assert before["per_person_in_month"].tolist() == [0]  # June is outside the window


def test_seed_window_gives_thirteen_a_month() -> None:
    # the seed: 2023 units, 31 people, 2023-07-25..2023-12-31 -> 65 a year, 5 whole months, 13 a month
    start, end = window_of(2023, date(2023, 7, 25), date(2023, 12, 31))
    assert window_months(start, end) == 5
    assert per_capita_targets(2023, 31, window_months(start, end)) == (65, 13)
    # July: 7 of 31 days in the window -> floor(13 * 7 / 31) = 2
    assert covered_days("2023-07", start, end) == 7 and 13 * covered_days("2023-07", start, end) // 31 == 2


def test_full_year_divides_by_twelve() -> None:
    # a region's 5,776 units over 5 people: 1,155 a year, 1,155 // 12 = 96 a month (never // 5 = 231)
    start, end = window_of(2026, None, None)
    assert (start, end) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-12-31"))
    assert window_months(start, end) == 12
    assert per_capita_targets(5776, 5, window_months(start, end)) == (1155, 96)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [("2023-07-01", "2023-12-31", 6),  # July from its 1st: whole
     ("2023-07-02", "2023-12-31", 5),  # one day later: July is partial
     ("2023-08-01", "2023-12-30", 4),  # December one day short: partial
     ("2023-08-01", "2023-08-31", 1),
     ("2024-02-01", "2024-02-29", 1)],  # a leap February
)  # fmt: skip
def test_window_month_boundaries(start: str, end: str, months: int) -> None:
    assert window_months(pd.Timestamp(start), pd.Timestamp(end)) == months


def test_a_window_without_a_whole_month_is_refused() -> None:
    with pytest.raises(KaplanError, match="holds no whole calendar month"):
        window_months(pd.Timestamp("2023-07-02"), pd.Timestamp("2023-08-30"))
    with pytest.raises(KaplanError, match="ends before it starts"):
        window_of(2023, date(2023, 7, 2), date(2023, 7, 1))


def test_window_params_are_validated() -> None:
    with pytest.raises(ParamsError, match="window_end 2023-07-01 is before window_start 2023-07-02"):
        params_from_mapping({"per_capita": {"window_start": "2023-07-02", "window_end": "2023-07-01"}})
    window = params_from_mapping({"per_capita": {"window_start": "2023-07-25", "window_end": "2023-12-31"}}).per_capita
    assert (window.window_start, window.window_end) == (date(2023, 7, 25), date(2023, 12, 31))


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=5), st.integers(1, 12))
def test_ytd_fallback_reaches_the_annual_target_in_december(units: list[int], month: int) -> None:
    lines = [f"line{i}" for i in range(len(units))]
    annual = pd.DataFrame({"year": 2026, "dealer_id": "D1", "line": lines, "units": units})
    ytd = ytd_targets_from_annual(annual, f"2026-{month:02d}")["target"].iloc[0]
    assert ytd <= sum(units)
    if month == 12:
        assert ytd == sum(units)
    prev = ytd_targets_from_annual(annual, f"2026-{max(month - 1, 1):02d}")["target"].iloc[0]
    assert prev <= ytd


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["D1", "D2", "D3"]), st.integers(1, 30), st.integers(1, 20)), max_size=15),
       st.lists(st.integers(0, 40), min_size=3, max_size=3))  # fmt: skip
def test_each_person_adds_up_the_dealers_they_answer_for(orders: list[tuple[str, int, int]], goals: list[int]) -> None:
    base = fixture()
    sales = pd.DataFrame(
        {"order_id": [f"o{i}" for i in range(len(orders))], "date": [f"2026-06-{d:02d}" for _, d, _ in orders],
         "dealer_id": [o[0] for o in orders], "product_id": "P1", "customer_id": "C1", "units": [o[2] for o in orders]}
    )  # fmt: skip
    t = Tables.from_frames(org=base.org, staff=base.staff, products=base.products, sales=sales)
    targets = pd.DataFrame({"dealer_id": ["D1", "D2", "D3"], "target": goals})
    out = attainment_table(t.staff, staff_scope(t), sales_facts(t), "2026-06", pd.Timestamp("2026-06-30"),
                           targets, targets).set_index("staff_id")  # fmt: skip
    units = {d: sum(u for dd, _, u in orders if dd == d) for d in ("D1", "D2", "D3")}
    goal = dict(zip(["D1", "D2", "D3"], goals, strict=True))
    assert out.loc["S1", "mtd"] == units["D1"] and out.loc["S2", "mtd"] == units["D3"]
    assert out.loc["M1", "mtd"] == units["D1"] + units["D2"]  # 河北
    assert out.loc["R1", "mtd"] == sum(units.values()) and out.loc["R1", "month_target"] == sum(goals)
    assert out.loc["M1", "month_target"] == goal["D1"] + goal["D2"]
    attained = out["month_attainment"]
    assert ((attained >= 0) | attained.isna()).all()
    assert (attained.isna() == (out["month_target"] == 0)).all()
