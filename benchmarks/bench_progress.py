"""Progress board (docs/method.md §2.3) of 2026-06 as of 2026-06-20 on ~1 M sales rows, at region, province and
dealer level (board only, then with total rows). Month targets are the annual targets / 12 per dealer,
summed up the levels."""

from __future__ import annotations

import os
from collections.abc import Callable

import pandas as pd
from common import Context, Result, median_time, traced_peak

from kaplan.core.facts import sales_facts
from kaplan.core.months import default_as_of
from kaplan.core.params import Params
from kaplan.core.units import LEVELS
from kaplan.progress import board as progress

MONTH = "2026-06"
AS_OF = "2026-06-20"


def month_targets(annual: pd.DataFrame, org: pd.DataFrame) -> dict[str, pd.DataFrame]:
    dealer = annual[annual["year"] == 2026].merge(org, on="dealer_id").assign(target=lambda f: f["units"] // 12)
    return {
        "dealer": dealer[["region", "province", "dealer_id", "dealer_name", "line", "target"]],
        "province": dealer.groupby(["region", "province", "line"], as_index=False)["target"].sum(),
        "region": dealer.groupby(["region", "line"], as_index=False)["target"].sum(),
    }


def run(ctx: Context) -> list[Result]:
    tables = ctx.tables
    facts, annual, org = sales_facts(tables), tables.annual_targets, tables.org
    params: Params = ctx.params
    targets = month_targets(annual, org)
    note = f"{len(facts):,} sales rows, load average {os.getloadavg()[0]:.1f} at start"
    results = [Result("default_as_of", median_time(lambda: default_as_of(facts["date"], MONTH)), 5, note)]
    for level in LEVELS:
        for make in (progress.board, progress.board_with_totals):

            def call(make: Callable[..., pd.DataFrame] = make, level: str = level) -> pd.DataFrame:
                return make(facts, annual, targets[level], MONTH, AS_OF, level, params=params, org=org)

            rows = len(call())
            results.append(Result(f"{make.__name__} {level}", median_time(call), 5, f"{rows:,} rows; {note}",
                                  traced_peak(call)))
    return results
