"""Progress board (DESIGN §2.3) of 2026-06 as of 2026-06-20 on ~1 M sales rows, at region, province and
dealer level (board only, then with total rows). Month targets are the annual targets / 12 per dealer,
summed up the levels. Uses the national sample when ``kaplan.sample`` is there, else synthetic facts of
the same size (said in the note)."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
from common import Context, Result, median_time

from kaplan import progress
from kaplan.params import Params
from kaplan.schema import LINES

MONTH = "2026-06"
AS_OF = "2026-06-20"


def synthetic(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Facts, annual targets and org of national size: 2,000 dealers, 31 provinces, 8 regions, 1 M sales."""
    rng = np.random.default_rng(seed)
    dealers = 2_000
    province = rng.integers(0, 31, dealers)
    org = pd.DataFrame(
        {
            "dealer_id": [f"D{i:05d}" for i in range(dealers)],
            "dealer_name": [f"经销商{i}" for i in range(dealers)],
            "province": [f"省{p:02d}" for p in province],
            "region": [f"大区{p % 8}" for p in province],
        }
    ).astype("str")
    rows = 1_000_000
    days = pd.date_range("2023-01-01", AS_OF, freq="D")
    pick = rng.integers(0, dealers, rows)
    facts = pd.DataFrame(
        {
            "order_id": pd.Series([f"O{i:07d}" for i in range(rows)], dtype="str"),
            "date": days[rng.integers(0, len(days), rows)].astype("datetime64[ns]"),
            "dealer_id": org["dealer_id"].to_numpy()[pick],
            "province": org["province"].to_numpy()[pick],
            "region": org["region"].to_numpy()[pick],
            "product_id": pd.Series([f"P{i:02d}" for i in rng.integers(0, 40, rows)], dtype="str"),
            "line": np.array(LINES, dtype=object)[rng.integers(0, len(LINES), rows)],
            "customer_id": "C1",
            "units": rng.integers(1, 30, rows).astype("int64"),
        }
    )
    for column in ("dealer_id", "province", "region", "line", "customer_id"):
        facts[column] = facts[column].astype("str")
    facts["year"] = facts["date"].dt.year.astype("int64")
    facts["month"] = facts["date"].dt.month.astype("int64")
    annual = pd.DataFrame(
        {
            "year": 2026,
            "dealer_id": np.repeat(org["dealer_id"].to_numpy(), len(LINES)),
            "line": np.tile(np.array(LINES, dtype=object), dealers),
            "units": rng.integers(0, 400, dealers * len(LINES)),
        }
    ).astype({"dealer_id": "str", "line": "str"})
    return facts, annual, org


def month_targets(annual: pd.DataFrame, org: pd.DataFrame) -> dict[str, pd.DataFrame]:
    dealer = annual[annual["year"] == 2026].merge(org, on="dealer_id").assign(target=lambda f: f["units"] // 12)
    return {
        "dealer": dealer[["region", "province", "dealer_id", "dealer_name", "line", "target"]],
        "province": dealer.groupby(["region", "province", "line"], as_index=False)["target"].sum(),
        "region": dealer.groupby(["region", "line"], as_index=False)["target"].sum(),
    }


def inputs(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str]:
    try:
        import kaplan.sample  # noqa: F401
    except ImportError:
        facts, annual, org = synthetic(ctx.seed)
        return facts, annual, org, "synthetic facts (no kaplan.sample)"
    from kaplan.facts import sales_facts

    tables = ctx.tables
    return sales_facts(tables), tables.annual_targets, tables.org, "national sample"


def run(ctx: Context) -> list[Result]:
    facts, annual, org, source = inputs(ctx)
    params = ctx.params if isinstance(ctx.params, Params) else Params()
    targets = month_targets(annual, org)
    note = f"{len(facts):,} sales rows, {source}, load average {os.getloadavg()[0]:.1f} at start"
    results = [Result("default_as_of", median_time(lambda: progress.default_as_of(facts, MONTH)), 5, note)]
    for level in progress.LEVELS:
        for make in (progress.board, progress.board_with_totals):

            def call(make: Callable[..., pd.DataFrame] = make, level: str = level) -> pd.DataFrame:
                return make(facts, annual, targets[level], MONTH, AS_OF, level, params=params, org=org)

            rows = len(call())
            results.append(Result(f"{make.__name__} {level}", median_time(call), 5, f"{rows:,} rows; {note}",
                                  traced_peak(call)))
    return results


def traced_peak(fn: Callable[[], object]) -> float:
    """Peak Python allocations of one call, MB (numpy and pandas buffers included)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
