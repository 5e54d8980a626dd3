"""Rectification list: who trails time progress by more than the gap, by how much, for how long."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.assessment.rectification import RECTIFICATION_COLUMNS, rectification_list
from kaplan.core.facts import sales_facts
from kaplan.core.tables import Tables

AS_OF = pd.Timestamp("2026-06-20")  # time progress 20 / 30


def org() -> pd.DataFrame:
    return pd.DataFrame(
        {"dealer_id": ["D1", "D2", "D3", "D4"], "dealer_name": ["一号", "二号", "三号", "四号"],
         "province": ["河北", "河北", "山西", "山西"], "region": ["华北大区"] * 4}
    )  # fmt: skip


def staff() -> pd.DataFrame:
    return pd.DataFrame(
        {"staff_id": ["M2", "M1", "R1"], "name": ["乙经理", "甲经理", "总监"],
         "role": ["regional_manager", "regional_manager", "regional_director"],
         "region": "华北大区", "province": ["河北", "河北", None], "dealer_id": None}
    )  # fmt: skip


def tables(orders: list[tuple[str, str, int]]) -> Tables:
    sales = pd.DataFrame(
        {"order_id": [f"o{i}" for i in range(len(orders))], "date": [o[0] for o in orders],
         "dealer_id": [o[1] for o in orders], "product_id": "P1", "customer_id": "C1",
         "units": [o[2] for o in orders]}
    )  # fmt: skip
    products = pd.DataFrame({"product_id": ["P1"], "product_name": ["车"], "line": ["command"]})
    return Tables.from_frames(org=org(), staff=staff(), products=products, sales=sales)


def targets(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["month", "dealer_id", "target"])


def test_worked_example() -> None:
    t = tables([
        ("2026-04-10", "D1", 10), ("2026-05-10", "D1", 7), ("2026-06-02", "D1", 6), ("2026-06-25", "D1", 50),
        ("2026-06-03", "D2", 7), ("2026-05-03", "D4", 9),
    ])  # fmt: skip
    issued = targets([
        ("2026-04", "D1", 10), ("2026-05", "D1", 10), ("2026-06", "D1", 20), ("2026-06", "D1", 10),
        ("2026-06", "D2", 15), ("2026-06", "D3", 0),
        ("2026-04", "D4", 5), ("2026-06", "D4", 9),
    ])  # fmt: skip
    out = rectification_list(t.org, t.staff, sales_facts(t), issued, "2026-06", AS_OF, gap=0.20)
    assert tuple(out.columns) == RECTIFICATION_COLUMNS
    # D1: target 20 + 10 = 30, mtd 6 (the 25 June order is after the as-of date): 2/3 - 0.2 > 0.2;
    #     gap ceil(30 * 20 / 30) - 6 = 14; May 7 of 10 trailed (0.3 > 0.2), April 10 of 10 did not -> 2
    # D2: 7 of 15 is 2/3 - 7/15 = 0.2 behind: exactly the gap, not listed
    # D3: no target, never listed
    # D4: 0 of 9: gap ceil(9 * 20 / 30) - 0 = 6; no May target given: the run stops -> 1
    assert out["dealer_id"].tolist() == ["D1", "D4"]
    d1, d4 = out.iloc[0], out.iloc[1]
    assert (d1["month_target"], d1["mtd"], d1["gap_units"], d1["months_trailing"]) == (30, 6, 14, 2)
    assert d1["month_progress"] == pytest.approx(0.2) and d1["time_progress"] == pytest.approx(2 / 3)
    assert (d4["month_target"], d4["mtd"], d4["gap_units"], d4["months_trailing"]) == (9, 0, 6, 1)
    assert d1["regional_manager"] == "甲经理、乙经理" and d4["regional_manager"] == ""
    assert (d1["region"], d1["province"], d1["dealer_name"]) == ("华北大区", "河北", "一号")


def test_three_months_in_a_row_and_later_months_ignored() -> None:
    t = tables([("2026-04-10", "D1", 1), ("2026-05-10", "D1", 1)])
    issued = targets([("2026-04", "D1", 10), ("2026-05", "D1", 10), ("2026-06", "D1", 10), ("2026-07", "D1", 10)])
    out = rectification_list(t.org, t.staff, sales_facts(t), issued, "2026-06", AS_OF, gap=0.20)
    assert out["months_trailing"].tolist() == [3]


def test_nothing_trailing_gives_an_empty_list_with_the_columns() -> None:
    t = tables([("2026-06-01", "D1", 30)])
    out = rectification_list(t.org, t.staff, sales_facts(t), targets([("2026-06", "D1", 30)]), "2026-06", AS_OF, 0.2)
    assert out.empty and tuple(out.columns) == RECTIFICATION_COLUMNS


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 60)), min_size=1, max_size=4),
       st.integers(1, 30), st.sampled_from([0.0, 0.1, 0.2, 0.5]))  # fmt: skip
def test_listed_exactly_when_behind_by_more_than_gap(rows: list[tuple[int, int]], day: int, gap: float) -> None:
    dealers = ["D1", "D2", "D3", "D4"][: len(rows)]
    orders = [("2026-06-01", d, mtd) for d, (_, mtd) in zip(dealers, rows, strict=True) if mtd > 0]
    t = tables(orders)
    issued = targets([("2026-06", d, target) for d, (target, _) in zip(dealers, rows, strict=True)])
    as_of = pd.Timestamp(f"2026-06-{day:02d}")
    out = rectification_list(t.org, t.staff, sales_facts(t), issued, "2026-06", as_of, gap).set_index("dealer_id")
    for d, (target, mtd) in zip(dealers, rows, strict=True):
        behind = target > 0 and day / 30 - mtd / target > gap + 1e-9
        assert (d in out.index) == behind
        if behind:
            assert out.loc[d, "gap_units"] >= 1 and out.loc[d, "months_trailing"] == 1
            assert out.loc[d, "mtd"] + out.loc[d, "gap_units"] >= target * day / 30


def test_working_day_basis_counts_official_working_days() -> None:
    # as of Saturday 20 June 2026: calendar 20/30 = 0.667; working days (19 June Dragon Boat off):
    # 1-5, 8-12, 15-18 = 14 of 21 = 0.667 as well; as of Thursday 18 June: 14/21 against 18/30 = 0.6.
    # D1 target 21, mtd 5: working-day gap ceil(21 * 14 / 21) - 5 = 9, calendar ceil(21 * 18 / 30) - 5 = 8
    t = tables([("2026-06-01", "D1", 5)])
    issued = targets([("2026-06", "D1", 21)])
    day = pd.Timestamp("2026-06-18")
    working = rectification_list(t.org, t.staff, sales_facts(t), issued, "2026-06", day, 0.2, "working_days")
    calendar = rectification_list(t.org, t.staff, sales_facts(t), issued, "2026-06", day, 0.2)
    assert working["time_progress"].tolist() == [14 / 21] and working["gap_units"].tolist() == [9]
    assert calendar["time_progress"].tolist() == [18 / 30] and calendar["gap_units"].tolist() == [8]
