"""Landing forecast (docs/method.md §2.3) of 2026-06 as of 2026-06-20 at national size: ~1 M sales rows,
200 k leads, 2,000 dealers x 3 lines. ``landing_by_level`` is what a report adds to ``kaplan run`` for the
landing (the month's forecast and its range from the same day of the 12 months before); the backtest (12
months x day 10 and 20) is measured with the issued targets given, and the issued targets of those 12
months separately (the target engine's cost)."""

from __future__ import annotations

import pandas as pd
from common import Context, Result, median_time, traced_peak

from kaplan.core.facts import sales_facts
from kaplan.core.months import Month
from kaplan.core.params import Params
from kaplan.leads import pipeline
from kaplan.plan import landing
from kaplan.plan.targets import month_targets

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


def run(ctx: Context) -> list[Result]:
    tables = ctx.tables
    params: Params = ctx.params
    facts = sales_facts(tables)
    view = pipeline.build(tables, params, MONTH, AS_OF)
    targets = month_targets(tables, MONTH, params)
    history = landing.lead_lines(tables.leads, tables.products)
    months = [str(Month.of(MONTH) - k) for k in range(landing.BACKTEST_MONTHS, 0, -1)]
    issued = {m: month_targets(tables, m, params) for m in months}
    note = f"{len(facts):,} sales rows, {len(tables.leads):,} leads, {tables.org['dealer_id'].nunique():,} dealers"

    def forecast() -> dict[str, pd.DataFrame]:
        return landing.landing_by_level(facts, view.open, history, targets, tables.org, AS_OF, params.landing)

    def backtest() -> pd.DataFrame:
        return landing.backtest(facts, history, issued, tables.org, MONTH, params.landing)

    rows = sum(len(t) for t in forecast().values())
    return [
        Result("landing_by_level (3 levels, with range)", median_time(forecast, runs=3), 3,
               f"{rows:,} rows; {note}", traced_peak(forecast)),
        Result("backtest, issued targets given (12 months x 2 days)", median_time(backtest, runs=3), 3, note),
        Result("issued targets of the 12 months (target engine)",
               median_time(lambda: [month_targets(tables, m, params) for m in months], runs=1), 1, note),
    ]  # fmt: skip
