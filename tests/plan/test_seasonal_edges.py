"""The seasonal cascade at the edges of its windows (docs/method.md §2.1): the plan as of January and
as of December, sales on the last day of M-1 and the first day of M, the first and last days of the
history window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_seasonal import HISTORY, PARAMS, _data, _line

from kaplan.plan.seasonal import issued_plan, plan_table, seasonal_shares

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
