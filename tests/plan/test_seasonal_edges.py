"""The seasonal cascade at the edges of its windows (docs/method.md §2.1): the plan as of January and
as of December, sales on the last day of M-1 and the first day of M, the first and last days of the
history window."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest
from test_seasonal import FESTIVAL, HISTORY, PARAMS, _data, _line

from kaplan.core.facts import sales_between
from kaplan.core.params import params_from_mapping
from kaplan.plan.seasonal import (
    annual_plan,
    festival_counts,
    issued_plan,
    monthly_units,
    plan_table,
    seasonal_shares,
    shares_from_counts,
)

EDGES = [*HISTORY, ("2026-11-30", "PC", 3), ("2026-12-01", "PC", 100)]


def test_as_of_january_rolling_is_the_locked_plan() -> None:
    plan = plan_table(_data(EDGES, {"command": 110}), "2026-01", PARAMS)
    locked = _line(plan, "command", "locked_plan")
    assert locked == [7, 3, 0, 10, 10, 0, 15, 15, 0, 25, 0, 25]
    assert _line(plan, "command", "rolling_plan") == locked
    assert all(pd.isna(a) for a in _line(plan, "command", "actual"))
    assert issued_plan(plan, "2026-01")["command"] == 7


def test_as_of_december_the_gap_counts_every_sale_up_to_the_last_day_of_november() -> None:
    plan = plan_table(_data(EDGES, {"command": 110}), "2026-12", PARAMS)
    # actual: Jan 5, Apr 30, May 7, Nov 3 (30 November counts, 1 December is month M): 45
    actual = _line(plan, "command", "actual")
    assert actual[:11] == [5, 0, 0, 30, 7, 0, 0, 0, 0, 0, 3] and pd.isna(actual[11])
    rolling = _line(plan, "command", "rolling_plan")
    assert all(pd.isna(r) for r in rolling[:11]) and rolling[11] == 110 - 45
    assert issued_plan(plan, "2026-12")["command"] == 65
    locked = plan_table(_data(EDGES, {"command": 110}), "2026-12", PARAMS.model_copy(update={"rolling": False}))
    assert issued_plan(locked, "2026-12")["command"] == 25


@pytest.mark.parametrize(("day", "counts"), [("2023-12-31", False), ("2024-01-01", True), ("2025-12-31", True),
                                             ("2026-01-01", False)])  # fmt: skip
def test_history_window_is_the_calendar_years_before_the_plan_year(day: str, counts: bool) -> None:
    # history_years = 2 for plan year 2026: 1 January 2024 .. 31 December 2025
    base = seasonal_shares(_data(HISTORY), 2026, PARAMS)
    more = seasonal_shares(_data([*HISTORY, (day, "PC", 500)]), 2026, PARAMS)
    same = bool(np.allclose(_line(base, "command", "seasonal_share"), _line(more, "command", "seasonal_share")))
    assert same is not counts


# --------------------------------------------------------------------------- two lines sold in the plan year

TWO_LINES = _data([*HISTORY, ("2026-02-10", "PW", 4)], {"command": 110, "work": 20})


def test_monthly_units_is_lines_by_calendar_months_of_whole_units() -> None:
    window = sales_between(TWO_LINES, pd.Timestamp(2026, 1, 1), pd.Timestamp(2026, 5, 1))
    table = monthly_units(TWO_LINES, window)
    assert table.index.tolist() == ["command", "work", "conversion"] and table.columns.tolist() == list(range(1, 13))
    assert table.to_numpy().tolist() == [[5, 0, 0, 30, *[0] * 8], [0, 4, *[0] * 10], [0] * 12]
    assert table.dtypes.tolist() == [np.dtype("int64")] * 12
    none = monthly_units(TWO_LINES, window.iloc[:0])
    assert none.to_numpy().tolist() == [[0] * 12] * 3 and none.dtypes.tolist() == [np.dtype("int64")] * 12


def test_each_line_has_its_own_actuals_and_gap() -> None:
    plan = plan_table(TWO_LINES, "2026-05", PARAMS)
    assert _line(plan, "work", "actual")[:4] == [0, 4, 0, 0]
    assert _line(plan, "command", "actual")[:4] == [5, 0, 0, 30]
    # command: gap 110 - 35 = 75 as in the worked example; work: 20 - 4 = 16 over May..Dec by the
    # all-lines shares 1/16, 0, 3/32, 3/32, 0, 5/32, 0, 5/32 (of 9/16): 1.78 2.67 2.67 4.44 4.44 -> 2 3 3 4 4
    assert _line(plan, "command", "rolling_plan")[4:] == [8, 0, 13, 12, 0, 21, 0, 21]
    assert _line(plan, "work", "rolling_plan")[4:] == [2, 0, 3, 3, 0, 4, 0, 4]
    assert issued_plan(plan, "2026-05").to_dict() == {"command": 8, "work": 2, "conversion": 0}
    assert plan.dtypes.astype(str).tolist() == ["str", "str", "float64", "int64", "Int64", "Int64", "Int64"]


def test_the_plan_is_logged_with_its_annual_plan_and_gap(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="kaplan.plan.seasonal")
    plan_table(TWO_LINES, "2026-05", PARAMS)
    messages = [r.getMessage() for r in caplog.records if r.name == "kaplan.plan.seasonal"]
    assert messages == [
        "plan 2026-05: annual {'command': 110, 'work': 20, 'conversion': 0}, gap {'command': 75, 'work': 16, "
        "'conversion': 0}"
    ]


def test_the_plan_follows_the_shares_it_is_given_row_by_row() -> None:
    # shares that put all of command in December, listed month by month instead of line by line
    shares = seasonal_shares(TWO_LINES, 2026, PARAMS)
    command = shares["line"] == "command"
    shares.loc[command, "seasonal_share"] = np.where(shares.loc[command, "month"] == 12, 1.0, 0.0)
    shares = shares.sort_values(["month", "line"], kind="stable", key=lambda c: c.map(
        {"command": 0, "work": 1, "conversion": 2}) if c.name == "line" else c)  # fmt: skip
    plan = plan_table(TWO_LINES, "2026-05", PARAMS, shares)
    assert plan["line"].tolist()[:3] == ["command", "work", "conversion"]
    assert plan["month"].tolist()[:4] == ["2026-01", "2026-01", "2026-01", "2026-02"]
    assert _line(plan, "command", "locked_plan") == [0] * 11 + [110]
    assert _line(plan, "command", "actual")[:4] == [5, 0, 0, 30]
    assert _line(plan, "work", "actual")[:4] == [0, 4, 0, 0]
    assert _line(plan, "command", "rolling_plan")[4:] == [0] * 7 + [75]


def test_issued_plan_of_a_month_not_issued_or_a_missing_line_is_zero() -> None:
    plan = plan_table(TWO_LINES, "2026-05", PARAMS)
    june = issued_plan(plan, "2026-06")  # the plan as of May issues May only
    assert june.to_dict() == {"command": 0, "work": 0, "conversion": 0} and june.dtype == "int64"
    without_work = plan[plan["line"] != "work"].iloc[::-1]
    may = issued_plan(without_work, "2026-05")
    assert may.index.tolist() == ["command", "work", "conversion"] and may.tolist() == [8, 0, 0]
    assert may.dtype == "int64"


def test_annual_plan_and_shares_keep_their_integer_columns() -> None:
    assert annual_plan(TWO_LINES, 2026).dtype == "int64"
    shares = seasonal_shares(TWO_LINES, 2026, PARAMS)
    assert shares[["month", "quarter"]].dtypes.tolist() == [np.dtype("int64")] * 2
    assert shares["quarter"].tolist()[:12] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]


# --------------------------------------------------------------------------- one unit, and nothing at all


def test_one_unit_of_history_is_a_history() -> None:
    # the whole history is one unit sold in January 2024 (festival 02-10, like 2026's 02-17):
    # command's own, every other line's by all lines; the block of 1 goes to January; Q1 has 1 unit
    out = seasonal_shares(_data([("2024-01-15", "PC", 1)]), 2026, params_from_mapping({"history_years": 2}))
    for line in ("command", "work", "conversion"):
        assert _line(out, line, "seasonal_share") == pytest.approx([1.0] + [0.0] * 11)
        assert _line(out, line, "m_share")[:3] == pytest.approx([1.0, 0.0, 0.0])
        assert set(_line(out, line, "jan_feb_split")) == {"festival"}
    assert _line(out, "command", "basis")[0] == "own"
    assert _line(out, "work", "basis")[0] == "all_lines"


def test_a_line_without_history_and_no_year_of_the_festival_month_is_flagged() -> None:
    # history 2025 only (festival 01-29), plan 2026 (02-17): work takes all lines' pooled split
    out = seasonal_shares(_data([("2025-01-10", "PC", 30), ("2025-02-10", "PC", 10)]), 2026, FESTIVAL)
    assert set(_line(out, "work", "basis")) == {"all_lines"}
    assert set(_line(out, "work", "jan_feb_split")) == {"no_same_festival_month"}
    assert set(_line(out, "command", "jan_feb_split")) == {"no_same_festival_month"}


def test_festival_counts_row_by_row_and_without_numpy_warnings() -> None:
    # history 2024 (festival 02-10, as 2026) and 2025 (01-29); January/February per row:
    #   row 0: 2024 6/4, 2025 1/9 -> block 20 split 6:4 -> 12/8
    #   row 1: 2024 0/0, 2025 3/7 -> no 2024 sale: pooled 3/7, not carried (0/0 without a warning)
    #   row 2: 2024 1/0, 2025 2/2 -> block 5 all to January
    by_year = np.zeros((3, 2, 12))
    by_year[:, 0, :2] = [[6, 4], [0, 0], [1, 0]]
    by_year[:, 1, :2] = [[1, 9], [3, 7], [2, 2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts, carried = festival_counts(by_year, [2024, 2025], 2026)
    assert counts[:, :2].tolist() == [[12.0, 8.0], [3.0, 7.0], [5.0, 0.0]]
    assert carried.tolist() == [True, False, True]


def test_shares_from_zero_counts_keep_zero_quarters_without_numpy_warnings() -> None:
    counts = np.zeros((2, 12))
    counts[1, 3] = 4.0  # April only
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q_share, m_share = shares_from_counts(counts, params_from_mapping({}))
    assert q_share.tolist() == [[0.0] * 12, [0.0] * 3 + [1.0] * 3 + [0.0] * 6]
    assert m_share == pytest.approx(np.array([[1 / 3] * 12, [1 / 3] * 3 + [1, 0, 0] + [1 / 3] * 6]))


def test_festival_split_is_per_line_and_pooled_without_any_history() -> None:
    # command sold in January 2025 only (festival 01-29), work in January 2024 (02-10, as 2026's 02-17):
    # all lines together carry the festival split, command's own history does not
    out = seasonal_shares(_data([("2025-01-10", "PC", 30), ("2024-01-10", "PW", 5)]), 2026, FESTIVAL)
    assert set(_line(out, "command", "jan_feb_split")) == {"no_same_festival_month"}
    assert set(_line(out, "work", "jan_feb_split")) == {"festival"}
    assert set(_line(out, "conversion", "jan_feb_split")) == {"festival"}
    nothing = seasonal_shares(_data([]), 2026, FESTIVAL)
    assert set(nothing["jan_feb_split"]) == {"pooled"} and set(nothing["basis"]) == {"equal"}
