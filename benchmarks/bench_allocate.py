"""Target engine (issue 3): dealer-level components once, a re-blend for a new weight set (what a slider
calls; budget: cheaper than one groupby-sum over the whole sales table), and the whole month cascade."""

from __future__ import annotations

import pandas as pd
from common import Context, Result, median_time

from kaplan.core.params import Params
from kaplan.plan.composite import blend, components, composite_shares
from kaplan.plan.evaluation import quarterly_attainment
from kaplan.plan.seasonal import plan_table
from kaplan.plan.targets import month_targets

MONTH = "2026-06"


def run(ctx: Context) -> list[Result]:
    tables = ctx.tables
    params = Params()
    rows = f"{len(tables.sales):,} sales rows, {len(tables.org):,} dealers"
    comp = components(tables, MONTH, "dealer")
    weights = [(0.4, 0.3, 0.3), (0.5, 0.25, 0.25), (0.2, 0.6, 0.2), (0.0, 0.0, 1.0)]
    state = {"i": 0}

    def reblend() -> pd.DataFrame:
        state["i"] += 1
        return blend(comp, weights[state["i"] % len(weights)])

    t_comp = median_time(lambda: components(tables, MONTH, "dealer"), runs=5)
    t_blend = median_time(reblend, runs=200, warmup=5)
    t_group = median_time(lambda: tables.sales.groupby(["dealer_id"])["units"].sum(), runs=10)
    t_shares = median_time(lambda: composite_shares(tables, MONTH, (0.4, 0.3, 0.3), "dealer"), runs=5)
    t_plan = median_time(lambda: plan_table(tables, MONTH, params), runs=5)
    t_cascade = median_time(lambda: month_targets(tables, MONTH, params), runs=3)
    t_eval = median_time(lambda: quarterly_attainment(tables, 2026, level="staff", params=params), runs=3)
    ratio = t_blend / t_group
    verdict = "within budget" if ratio < 1 else "OVER BUDGET"
    return [
        Result("components, dealer level (first call)", t_comp, 5, f"{len(comp.frame):,} dealer x line rows; {rows}"),
        Result("blend: new weight set, dealer level", t_blend, 200,
               f"{ratio:.1%} of one groupby-sum over the sales table: {verdict}"),
        Result("sales.groupby(['dealer_id'])['units'].sum() (reference)", t_group, 10, rows),
        Result("composite_shares(level='dealer') from scratch", t_shares, 5, ""),
        Result("plan_table (seasonal, locked, rolling)", t_plan, 5, ""),
        Result("month_targets: whole cascade for a month", t_cascade, 3, "plan -> provinces -> dealers, regions"),
        Result("quarterly_attainment(level='staff')", t_eval, 3, ""),
    ]  # fmt: skip
