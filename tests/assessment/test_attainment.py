"""Per-person attainment and the seed's per-capita targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.assessment.attainment import (
    ATTAINMENT_COLUMNS,
    attainment_table,
    even_split,
    per_capita_table,
    per_capita_targets,
    ytd_targets_from_annual,
)
from kaplan.core.errors import KaplanError
from kaplan.core.facts import sales_facts, staff_scope
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
    ytd = ytd_targets_from_annual(t.annual_targets, "2026-06")
    # D1: 120*6//12 + 13*6//12 = 60 + 6 = 66; D2: 12; D3: 0
    assert dict(zip(ytd["dealer_id"], ytd["target"], strict=True)) == {"D1": 66, "D2": 12, "D3": 0}
    out = attainment_table(t.staff, staff_scope(t), sales_facts(t), "2026-06", pd.Timestamp("2026-06-20"),
                           month_targets, ytd).set_index("staff_id")  # fmt: skip
    assert tuple(out.reset_index().columns) == ATTAINMENT_COLUMNS
    # the 21 June order of 100 units is after the as-of date
    # S1 (D1): mtd 6 of 10 -> 0.6; ytd 4 + 6 = 10 of 66
    assert out.loc["S1", ["month_target", "mtd", "ytd_target", "ytd"]].tolist() == [10, 6, 66, 10]
    assert out.loc["S1", "month_attainment"] == pytest.approx(0.6)
    assert out.loc["S1", "ytd_attainment"] == pytest.approx(10 / 66)
    # M1 (河北: D1, D2): mtd 6 + 3 = 9 of 15; R1 (all three): 11 of 15
    assert out.loc["M1", "month_attainment"] == pytest.approx(9 / 15)
    assert out.loc["R1", ["month_target", "mtd"]].tolist() == [15, 11]
    # S2 (D3): target 0 -> attainment blank, never inf
    assert out.loc["S2", "mtd"] == 2 and np.isnan(out.loc["S2", "month_attainment"])
    assert np.isnan(out.loc["S2", "ytd_attainment"])


def test_per_capita_table_per_region() -> None:
    t = fixture()
    table = per_capita_table(t.annual_targets, t.org, t.staff, 2026, 5).set_index("region")
    # team 120 + 13 + 24 + 0 = 157 over 4 people -> 39 a year, 39 // 5 = 7 a month
    assert table.loc["华北大区"].tolist() == [157, 4, 39, 7]


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
