"""Seasonal cascade, locked plan, actuals and rolling plan (docs/method.md §2.1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import annual_plan, festival_counts, issued_plan, plan_table, seasonal_shares

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
PARAMS = params_from_mapping({"history_years": 2, "quarter_adjustments": {4: 0.25}, "month_adjustments": {1: 1.0},
                              "seasonality": {"method": "pooled"}})


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
    assert list(out.columns) == ["line", "month", "quarter", "q_share", "m_share", "seasonal_share", "basis",
                                 "jan_feb_split"]
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


# --------------------------------------------------------------------------- festival method (§2.1)

FESTIVAL = PARAMS.model_copy(update={"seasonality": params_from_mapping({}).seasonality})


def test_festival_counts_worked_example() -> None:
    # Jan/Feb 2023 (festival 01-22) 40/60, 2024 (02-10) 70/30, 2025 (01-29) 50/50; plan 2026 (02-17):
    # block B = 300; only 2024 had its festival in February: u'(1) = 300 · 70/100 = 210, u'(2) = 90
    by_year = np.zeros((1, 3, 12))
    by_year[0, :, 0] = [40, 70, 50]
    by_year[0, :, 1] = [60, 30, 50]
    by_year[0, :, 2] = [5, 5, 5]
    counts, carried = festival_counts(by_year, [2023, 2024, 2025], 2026)
    assert counts[0, :3].tolist() == [210.0, 90.0, 15.0]
    assert carried.tolist() == [True]
    # plan 2027 (02-06): again only 2024 -> 210/90; plan 2028 (01-26): 2023 and 2025, 90/110 of 200 -> 135/165
    assert festival_counts(by_year, [2023, 2024, 2025], 2028)[0][0, :2].tolist() == [135.0, 165.0]


def test_festival_method_worked_example() -> None:
    # HISTORY with the festival method: 2024 (festival 02-10) is the only history year with 2026's
    # February festival; command sold Jan 10 / Feb 0 in it, so the pooled block 20 all goes to January:
    # Q1 counts 20, 0, 0; Jan doubled by month_adjustments -> m_share 1, 0, 0; seasonal Jan = 1/11, Feb 0.
    out = seasonal_shares(_data(HISTORY), 2026, FESTIVAL)
    assert _line(out, "command", "m_share")[:3] == pytest.approx([1, 0, 0])
    assert _line(out, "command", "seasonal_share")[:3] == pytest.approx([1 / 11, 0, 0])
    assert _line(out, "command", "q_share")[::3] == pytest.approx([1 / 11, 2 / 11, 3 / 11, 5 / 11])
    assert set(_line(out, "command", "jan_feb_split")) == {"festival"}
    assert set(_line(out, "conversion", "jan_feb_split")) == {"pooled"}  # no January/February history
    # work (all lines): Jan 10 in 2024 only -> 20, 0, 100 in Q1; Jan doubled: 40, 0, 100 of 140
    assert _line(out, "work", "m_share")[:3] == pytest.approx([2 / 7, 0, 5 / 7])
    plan = plan_table(_data(HISTORY, {"command": 110}), "2026-05", FESTIVAL)
    # 110 x (1/11, 0, 0, 1/11, ...) : the 3.33 of February now sits in January
    assert _line(plan, "command", "locked_plan") == [10, 0, 0, 10, 10, 0, 15, 15, 0, 25, 0, 25]


def test_festival_method_without_a_same_month_year_keeps_the_pooled_split() -> None:
    # history 2025 only (festival 01-29), plan 2026 (02-17): no year to copy, pooled split, flagged
    rows = [("2025-01-10", "PC", 30), ("2025-02-10", "PC", 10), ("2025-03-10", "PC", 60)]
    festival = seasonal_shares(_data(rows), 2026, FESTIVAL)
    pooled = seasonal_shares(_data(rows), 2026, PARAMS)
    assert _line(festival, "command", "seasonal_share") == _line(pooled, "command", "seasonal_share")
    assert set(_line(festival, "command", "jan_feb_split")) == {"no_same_festival_month"}
    assert set(_line(pooled, "command", "jan_feb_split")) == {"pooled"}


def test_pooled_method_ignores_the_festival() -> None:
    rows = [("2024-01-10", "PC", 30), ("2024-02-10", "PC", 10), ("2025-01-10", "PC", 5), ("2025-02-10", "PC", 55)]
    pooled = seasonal_shares(_data(rows), 2026, PARAMS.model_copy(update={"month_adjustments": {}}))
    assert _line(pooled, "command", "m_share")[:2] == pytest.approx([35 / 100, 65 / 100])
    festival = seasonal_shares(_data(rows), 2026, FESTIVAL.model_copy(update={"month_adjustments": {}}))
    assert _line(festival, "command", "m_share")[:2] == pytest.approx([3 / 4, 1 / 4])  # 2024's 30/10


year_units = st.lists(st.integers(0, 40), min_size=12, max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(year_units, min_size=3, max_size=3), st.integers(0, 5000), st.integers(1, 12),
       st.dictionaries(st.integers(1, 12), st.floats(-0.9, 3)))  # fmt: skip
def test_festival_locked_sums_to_annual_and_rolling_to_gap(years: list[list[int]], annual: int, month: int,
                                                           adj: dict) -> None:  # fmt: skip
    rows = [(f"{2023 + k}-{m:02d}-10", "PW", u) for k, units in enumerate(years)
            for m, u in enumerate(units, start=1) if u]  # fmt: skip
    rows += [(f"2026-{m:02d}-10", "PW", u) for m, u in enumerate(years[0], start=1) if u and m < month]
    data = _data(rows, {"work": annual})
    params = params_from_mapping({"month_adjustments": adj, "seasonality": {"method": "festival"}})
    shares = seasonal_shares(data, 2026, params)
    assert shares.groupby("line")["seasonal_share"].sum().to_numpy() == pytest.approx(np.ones(3))
    pooled = seasonal_shares(data, 2026, params.model_copy(update={"seasonality": PARAMS.seasonality}))
    # the quarters never move: the festival only re-splits January and February
    assert shares["q_share"].to_numpy() == pytest.approx(pooled["q_share"].to_numpy())
    plan = plan_table(data, f"2026-{month:02d}", params)
    work = plan[plan["line"] == "work"]
    assert int(work["locked_plan"].sum()) == annual
    ytd = sum(u for m, u in enumerate(years[0], start=1) if m < month)
    assert int(work["rolling_plan"].sum()) == max(0, annual - ytd)
    assert (plan["locked_plan"] >= 0).all() and (plan["rolling_plan"].dropna() >= 0).all()
