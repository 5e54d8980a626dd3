"""Seasonality backtest (docs/method.md §2.1): pooled against festival on the demo data and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import plan_table
from kaplan.plan.seasonality_backtest import BACKTEST_COLUMNS, backtest_years, seasonality_backtest, window_errors
from kaplan.plan.targets import month_targets, targets_sheets
from kaplan.sample.write import sample_tables


@pytest.fixture(scope="module")
def demo() -> Tables:
    return sample_tables("demo")


def test_window_errors_worked_example() -> None:
    # plan Jan 100, Feb 60, Mar-May 80 (Σ 400); actual 150, 50, 100 x 3 (Σ 500):
    # p = .25 .15 .2 .2 .2, a = .3 .1 .2 .2 .2 -> tvd .05, Jan .25/.3 - 1, Feb .15/.1 - 1
    tvd, jan, feb = window_errors(np.array([100, 60, 80, 80, 80.0]), np.array([150, 50, 100, 100, 100.0]))
    assert tvd == pytest.approx(0.05)
    assert jan == pytest.approx(-1 / 6)
    assert feb == pytest.approx(0.5)
    _, jan, feb = window_errors(np.array([1, 1.0]), np.array([0, 5.0]))
    assert np.isnan(jan) and feb == pytest.approx(-0.5)


def test_backtest_years_need_a_year_of_history_and_february(demo: Tables) -> None:
    # demo sales start in 2023: 2024, 2025 full years, 2026 up to May as of June
    assert backtest_years(demo, "2026-06") == [2024, 2025, 2026]
    assert backtest_years(demo, "2026-03") == [2024, 2025, 2026]  # January and February complete
    assert backtest_years(demo, "2026-02") == [2024, 2025]  # only January of 2026: not enough


def test_festival_beats_pooled_on_the_demo_data(demo: Tables) -> None:
    table = seasonality_backtest(demo, "2026-06", params_from_mapping({}))
    assert list(table.columns) == list(BACKTEST_COLUMNS)
    assert table["method"].tolist() == ["pooled"] * 4 + ["festival"] * 4
    assert table["year"].tolist() == ["2024", "2025", "2026", "mean"] * 2
    assert table["festival_date"].tolist()[:3] == ["2024-02-10", "2025-01-29", "2026-02-17"]
    assert table["months"].tolist() == [12, 12, 5, 3] * 2
    mean = table[table["year"] == "mean"].set_index("method")
    assert mean.loc["pooled", ["tvd", "jan_error", "feb_error"]].tolist() == pytest.approx(
        [0.048421, 0.264521, 0.443768], abs=1e-6)
    assert mean.loc["festival", ["tvd", "jan_error", "feb_error"]].tolist() == pytest.approx(
        [0.027209, 0.107879, 0.258635], abs=1e-6)
    for column in ("tvd", "jan_error", "feb_error"):
        assert mean.loc["festival", column] < mean.loc["pooled", column]
    # 2024 has only 2023 (festival in January) behind it: no year to copy, both methods agree
    rows = table.set_index(["method", "year"])
    assert rows.loc[("festival", "2024"), "tvd"] == rows.loc[("pooled", "2024"), "tvd"]
    assert rows.loc[("pooled", "2026"), "feb_error"] == pytest.approx(0.504550, abs=1e-6)
    assert rows.loc[("festival", "2026"), "feb_error"] == pytest.approx(0.105742, abs=1e-6)


def test_2026_locked_plan_moves_units_from_february_to_january(demo: Tables) -> None:
    def first_months(method: str) -> dict[str, dict[str, int]]:
        plan = plan_table(demo, "2026-06", params_from_mapping({"seasonality": {"method": method}}))
        return plan.groupby("month")[["locked_plan", "actual"]].sum().head(3).astype("int64").to_dict()

    pooled, festival = first_months("pooled"), first_months("festival")
    # the numbers: pooled asks 12,569 for January (actual 15,395) and 15,347 for February (9,524)
    assert pooled["locked_plan"] == {"2026-01": 12569, "2026-02": 15347, "2026-03": 18091}
    assert festival["locked_plan"] == {"2026-01": 16637, "2026-02": 11279, "2026-03": 18091}
    assert pooled["actual"] == festival["actual"] == {"2026-01": 15395, "2026-02": 9524, "2026-03": 17408}
    # the block moves, its size does not: 4,068 units from February to January
    assert festival["locked_plan"]["2026-01"] - pooled["locked_plan"]["2026-01"] == 4068
    assert pooled["locked_plan"]["2026-02"] - festival["locked_plan"]["2026-02"] == 4068


def test_targets_workbook_has_the_seasonality_sheet(demo: Tables) -> None:
    params = params_from_mapping({})
    mt = month_targets(demo, "2026-06", params)
    table = seasonality_backtest(demo, "2026-06", params)
    sheets = targets_sheets(mt, pd.DataFrame({"scenario": ["current"]}), table)
    assert list(sheets) == ["plan", "province", "dealer", "scenarios", "seasonality"]
    assert sheets["seasonality"].equals(table)
