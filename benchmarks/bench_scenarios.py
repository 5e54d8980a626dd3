"""Weight scenarios (issue 7): the 12-month backtest data built once, the backtest of one weight set,
the suggested weights over the 0.05 simplex grid (231 weight sets), and the whole scenarios sheet."""

from __future__ import annotations

import numpy as np
from bench_allocate import MONTH
from common import Context, Result, median_time

from kaplan.core.params import Params
from kaplan.plan.scenarios import backtest_data, backtest_many, scenarios_sheet, simplex_grid, suggest


def run(ctx: Context) -> list[Result]:
    tables = ctx.tables
    params = Params()
    rows = f"{len(tables.sales):,} sales rows"
    bd = backtest_data(tables, MONTH)
    grid = simplex_grid(0.05)
    one = np.array([params.split_weights.as_tuple()])
    return [
        Result("backtest_data: 12 months of components, once", median_time(lambda: backtest_data(tables, MONTH)),
               5, rows),
        Result("backtest of one weight set (cached data)", median_time(lambda: backtest_many(bd, one), runs=50),
               50, ""),
        Result("all 231 grid weight sets (cached data)", median_time(lambda: backtest_many(bd, grid), runs=20),
               20, ""),
        Result("suggest: grid + current (cached data)",
               median_time(lambda: suggest(bd, params.split_weights), runs=20), 20, ""),
        Result("scenarios_sheet from scratch", median_time(lambda: scenarios_sheet(tables, MONTH, params), runs=3),
               3, "current, single components, suggested"),
    ]  # fmt: skip
