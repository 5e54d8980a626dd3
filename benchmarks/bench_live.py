"""The planner's slider at national scale (issue 7): one move re-blends cached components and
re-apportions both levels exactly (`LiveSplit.split`); budget: well under a second. Also the one-off
cost of building the cache and the scenarios sheet (backtest over 12 months, 0.05 grid)."""

from __future__ import annotations

from common import Context, Result, median_time

from kaplan.plan.live import LiveSplit, scenario_targets
from kaplan.plan.scenarios import scenarios_sheet
from kaplan.plan.targets import month_targets

MONTH = "2026-06"


def run(ctx: Context) -> list[Result]:
    tables, params = ctx.tables, ctx.params
    issued = month_targets(tables, MONTH, params)
    build = median_time(lambda: LiveSplit.build(tables, MONTH, issued), runs=3)
    live = LiveSplit.build(tables, MONTH, issued)
    weights = iter([(0.1 + i % 7 * 0.1, 0.3, 0.2 + i % 3 * 0.1) for i in range(1000)])
    move_dealer = median_time(lambda: live.split("dealer", next(weights)), runs=20)
    move_province = median_time(lambda: live.split("province", next(weights), line="work"), runs=20)
    sheet = median_time(lambda: scenarios_sheet(tables, MONTH, params), runs=3)
    table = scenarios_sheet(tables, MONTH, params)
    explorer = median_time(lambda: scenario_targets(live, table), runs=3)
    rows = len(live.comps["dealer"].frame)
    return [
        Result("LiveSplit.build (once per session)", build, 3, "components of both levels + issued split"),
        Result("slider move, dealer level", move_dealer, 20, f"{rows:,} dealer x line rows, both levels re-split"),
        Result("slider move, province level, one line", move_province, 20, ""),
        Result("scenarios_sheet (backtest + suggested weights)", sheet, 3, f"{len(table)} scenarios"),
        Result("scenario explorer targets", explorer, 3, "province targets under every scenario"),
    ]
