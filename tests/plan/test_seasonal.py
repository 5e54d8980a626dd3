"""Seasonal cascade, locked plan, actuals and rolling plan (docs/method.md §2.1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import annual_plan, issued_plan, plan_table, seasonal_shares

ORG = pd.DataFrame({"dealer_id": ["D1", "D2"], "dealer_name": ["甲", "乙"], "province": ["P1", "P2"],
                    "region": ["R1", "R1"]})  # fmt: skip
PRODUCTS = pd.DataFrame({"product_id": ["PC", "PW", "PV"], "product_name": ["a", "b", "c"],
                         "line": ["command", "work", "conversion"]})  # fmt: skip

# Two history years (2024, 2025) for plan year 2026; command:
#   2024: Jan 10, Apr 20, Jul 30, Oct 40     2025: Feb 10, May 20, Aug 30, Dec 40
#   pooled quarters Q1 20, Q2 40, Q3 60, Q4 80 of 200 -> .1 .2 .3 .4
#   quarter_adjustments {4: +25%}: .1 .2 .3 .5 -> /1.1 -> 1/11, 2/11, 3/11, 5/11
#   Q1 months Jan 10, Feb 10, Mar 0 -> .5 .5 0; month_adjustments {1: +100%} -> 1, .5, 0 -> 2/3, 1/3, 0
#   seasonal Jan = 1/11 · 2/3 = 2/33, Feb 1/33, Apr = May = 1/11, Jul = Aug = 3/22, Oct = Dec = 5/22
# conversion: 2025 Mar 100. work: no history -> all lines pooled:
#   Jan 10 Feb 10 Mar 100 Apr 20 May 20 Jul 30 Aug 30 Oct 40 Dec 40 (300)
#   quarters .4, 2/15, .2, 4/15; Q4 x 1.25 -> 1/3; sum 16/15 -> 6/16, 2/16, 3/16, 5/16
# 2023 is outside history_years = 2 and must not count.
HISTORY = [
    ("2024-01-15", "PC", 10), ("2024-04-15", "PC", 20), ("2024-07-15", "PC", 30), ("2024-10-15", "PC", 40),
    ("2025-02-15", "PC", 10), ("2025-05-15", "PC", 20), ("2025-08-15", "PC", 30), ("2025-12-15", "PC", 40),
    ("2025-03-15", "PV", 100), ("2023-06-15", "PC", 1000),
    # plan-year actuals: Jan 5 and Apr 30 command; May (month M) does not count as actual
    ("2026-01-03", "PC", 5), ("2026-04-30", "PC", 30), ("2026-05-02", "PC", 7),
]  # fmt: skip
PARAMS = params_from_mapping({"history_years": 2, "quarter_adjustments": {4: 0.25}, "month_adjustments": {1: 1.0}})


def _data(rows: list[tuple[str, str, int]], targets: dict[str, int] | None = None) -> Tables:
    sales = pd.DataFrame({"order_id": [f"o{i}" for i in range(len(rows))], "date": [r[0] for r in rows],
                          "dealer_id": "D1", "product_id": [r[1] for r in rows], "customer_id": "C",
                          "units": [r[2] for r in rows]})  # fmt: skip
    targets = targets or {}
    annual = pd.DataFrame({"year": 2026, "dealer_id": "D1", "line": list(targets), "units": list(targets.values())})
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=sales, annual_targets=annual)


def _line(frame: pd.DataFrame, line: str, column: str) -> list:
    return frame[frame["line"] == line][column].tolist()


def test_seasonal_shares_worked_example() -> None:
    out = seasonal_shares(_data(HISTORY), 2026, PARAMS)
    assert list(out.columns) == ["line", "month", "quarter", "q_share", "m_share", "seasonal_share", "basis"]
    assert len(out) == 36
    assert _line(out, "command", "q_share")[::3] == pytest.approx([1 / 11, 2 / 11, 3 / 11, 5 / 11])
    assert _line(out, "command", "m_share")[:3] == pytest.approx([2 / 3, 1 / 3, 0])
    expected = [2 / 33, 1 / 33, 0, 1 / 11, 1 / 11, 0, 3 / 22, 3 / 22, 0, 5 / 22, 0, 5 / 22]
    assert _line(out, "command", "seasonal_share") == pytest.approx(expected)
    assert _line(out, "work", "q_share")[::3] == pytest.approx([6 / 16, 2 / 16, 3 / 16, 5 / 16])
    # work's Q1 from pooled months Jan 10, Feb 10, Mar 100, Jan doubled: 20, 10, 100 of 130
    assert _line(out, "work", "m_share")[:3] == pytest.approx([2 / 13, 1 / 13, 10 / 13])
    assert set(_line(out, "command", "basis")) == {"own"}
    assert set(_line(out, "work", "basis")) == {"all_lines"}
    assert out.groupby("line")["seasonal_share"].sum().to_numpy() == pytest.approx(np.ones(3))


def test_no_history_at_all_means_equal_months() -> None:
    out = seasonal_shares(_data([("2026-01-03", "PC", 5)]), 2026, PARAMS.model_copy(update={"month_adjustments": {}}))
    command = _line(out, "command", "seasonal_share")
    # Q4 x 1.25: quarters 1, 1, 1, 1.25 of 4.25; months equal within the quarter
    assert command == pytest.approx([1 / 4.25 / 3] * 9 + [1.25 / 4.25 / 3] * 3)
    assert set(out["basis"]) == {"equal"}
    plain = seasonal_shares(_data([]), 2026, params_from_mapping({}))
    assert plain["seasonal_share"].tolist() == pytest.approx([1 / 12] * 36)


def test_plan_table_worked_example() -> None:
    data = _data(HISTORY, {"command": 110, "conversion": 0})
    plan = plan_table(data, "2026-05", PARAMS)
    assert list(plan.columns) == ["month", "line", "seasonal_share", "locked_plan", "actual", "rolling_plan",
                                  "issued"]  # fmt: skip
    assert plan["month"].tolist()[:3] == ["2026-01", "2026-02", "2026-03"]
    # locked: 110 x shares = 6.67, 3.33, 0, 10, 10, 0, 15, 15, 0, 25, 0, 25 -> floors 109, Jan gets the 1 left
    assert _line(plan, "command", "locked_plan") == [7, 3, 0, 10, 10, 0, 15, 15, 0, 25, 0, 25]
    # actual Jan 5, Apr 30 (the May sale is month M): gap 110 - 35 = 75 over May..Dec by
    # 2/22, 0, 3/22, 3/22, 0, 5/22, 0, 5/22 (of 18/22): 8.33 12.5 12.5 20.83 20.83 -> floors 72,
    # 3 left: Oct, Dec (.83), then Jul (.5, tie with Aug: same quota, earlier month)
    actual = _line(plan, "command", "actual")
    assert actual[:4] == [5, 0, 0, 30] and all(pd.isna(a) for a in actual[4:])
    rolling = _line(plan, "command", "rolling_plan")
    assert all(pd.isna(r) for r in rolling[:4])
    assert rolling[4:] == [8, 0, 13, 12, 0, 21, 0, 21]
    issued = _line(plan, "command", "issued")
    assert issued[4] == 8 and all(pd.isna(v) for i, v in enumerate(issued) if i != 4)
    assert issued_plan(plan, "2026-05").to_dict() == {"command": 8, "work": 0, "conversion": 0}
    locked = plan_table(data, "2026-05", PARAMS.model_copy(update={"rolling": False}))
    assert issued_plan(locked, "2026-05")["command"] == 10


def test_rolling_gap_is_zero_once_the_plan_is_exceeded() -> None:
    data = _data([*HISTORY, ("2026-02-01", "PC", 500)], {"command": 110})
    plan = plan_table(data, "2026-05", PARAMS)
    assert _line(plan, "command", "rolling_plan")[4:] == [0] * 8


def test_rolling_months_without_seasonal_weight_share_equally() -> None:
    # all history in Q1: from April on every seasonal share is 0, the gap is spread evenly
    data = _data([("2025-01-10", "PC", 10), ("2025-02-10", "PC", 10)], {"command": 18})
    plan = plan_table(data, "2026-04", params_from_mapping({}))
    assert _line(plan, "command", "rolling_plan")[3:] == [2] * 9
    assert sum(_line(plan, "command", "locked_plan")) == 18


def test_annual_plan_sums_dealers_of_the_year() -> None:
    annual = pd.DataFrame({"year": [2026, 2026, 2025], "dealer_id": ["D1", "D2", "D1"],
                           "line": ["work"] * 3, "units": [4, 5, 100]})  # fmt: skip
    data = Tables.from_frames(org=ORG, products=PRODUCTS, annual_targets=annual)
    assert annual_plan(data, 2026).to_dict() == {"command": 0, "work": 9, "conversion": 0}


month_units = st.lists(st.integers(0, 50), min_size=12, max_size=12)


@settings(max_examples=40, deadline=None)
@given(month_units, st.integers(0, 5000), st.integers(1, 12), st.dictionaries(st.integers(1, 4), st.floats(-0.9, 3)))
def test_locked_sums_to_annual_and_rolling_to_gap(units: list[int], annual: int, month: int, adj: dict) -> None:
    rows = [(f"2025-{m:02d}-10", "PW", u) for m, u in enumerate(units, start=1) if u]
    rows += [(f"2026-{m:02d}-10", "PW", u) for m, u in enumerate(units, start=1) if u and m < month]
    data = _data(rows, {"work": annual})
    params = params_from_mapping({"quarter_adjustments": adj})
    plan = plan_table(data, f"2026-{month:02d}", params)
    work = plan[plan["line"] == "work"]
    assert int(work["locked_plan"].sum()) == annual
    ytd = sum(u for m, u in enumerate(units, start=1) if m < month)
    assert int(work["rolling_plan"].sum()) == max(0, annual - ytd)
    assert int(work["actual"].sum()) == ytd
    assert (plan["locked_plan"] >= 0).all() and (plan["rolling_plan"].dropna() >= 0).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(2023, 2025), st.integers(1, 12), st.sampled_from(["PC", "PW", "PV"]),
                       st.integers(1, 99)), max_size=30),
    st.dictionaries(st.integers(1, 4), st.floats(-0.9, 3)),
    st.dictionaries(st.integers(1, 12), st.floats(-0.9, 3)),
)  # fmt: skip
def test_shares_are_distributions(rows: list[tuple[int, int, str, int]], adj_q: dict, adj_m: dict) -> None:
    data = _data([(f"{y}-{m:02d}-15", p, u) for y, m, p, u in rows])
    out = seasonal_shares(data, 2026, params_from_mapping({"quarter_adjustments": adj_q, "month_adjustments": adj_m}))
    assert out.groupby("line")["seasonal_share"].sum().to_numpy() == pytest.approx(np.ones(3))
    firsts = out[out["month"] % 3 == 1]
    assert firsts.groupby("line")["q_share"].sum().to_numpy() == pytest.approx(np.ones(3))
    within = out.groupby(["line", "quarter"])["m_share"].sum()
    assert within.to_numpy() == pytest.approx(np.ones(12))
    assert (out["seasonal_share"] >= 0).all()
