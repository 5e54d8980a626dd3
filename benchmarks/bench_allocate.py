"""Target engine (issue 3): dealer-level components once, a re-blend for a new weight set (what a slider
calls; budget: cheaper than one groupby-sum over the whole sales table), and the whole month cascade."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from common import Context, Result, median_time

from kaplan.allocate import blend, components, composite_shares
from kaplan.evaluation import quarterly_attainment
from kaplan.params import Params
from kaplan.seasonal import plan_table
from kaplan.tables import Tables
from kaplan.targets import month_targets

log = logging.getLogger(__name__)

MONTH = "2026-06"


def synthetic_tables(dealers: int = 2000, products: int = 40, orders: int = 1_000_000, seed: int = 7) -> Tables:
    """A national-sized data set for when the sample generator is not available."""
    rng = np.random.default_rng(seed)
    provinces = np.array([f"省{i:02d}" for i in range(31)])
    province_of = provinces[rng.integers(0, 31, dealers)]
    region_of_province = {p: f"大区{i % 8}" for i, p in enumerate(provinces)}
    org = pd.DataFrame({"dealer_id": [f"D{i:04d}" for i in range(dealers)], "dealer_name": "经销商",
                        "province": province_of, "region": [region_of_province[p] for p in province_of]})
    prods = pd.DataFrame({"product_id": [f"P{i:02d}" for i in range(products)], "product_name": "车型",
                          "line": np.array(["command", "work", "conversion"])[np.arange(products) % 3]})
    days = pd.date_range("2023-01-01", "2026-06-20").to_numpy()
    sales = pd.DataFrame({"order_id": np.char.add("o", np.arange(orders).astype(str)),
                          "date": days[rng.integers(0, len(days), orders)],
                          "dealer_id": org["dealer_id"].to_numpy()[rng.integers(0, dealers, orders)],
                          "product_id": prods["product_id"].to_numpy()[rng.integers(0, products, orders)],
                          "customer_id": "C1", "units": rng.integers(1, 30, orders)})
    grid = pd.MultiIndex.from_product([[2026], org["dealer_id"], ["command", "work", "conversion"]],
                                      names=["year", "dealer_id", "line"]).to_frame(index=False)
    targets = grid.assign(units=rng.integers(0, 400, len(grid)))
    return Tables.from_frames(org=org, products=prods, sales=sales, annual_targets=targets)  # fmt: skip


def _tables(ctx: Context) -> tuple[Tables, str]:
    try:
        return ctx.tables, "national sample"
    except ImportError as exc:  # the sample generator or loader is not there yet
        log.warning("national sample unavailable (%s): using a synthetic data set of the same size", exc)
        return synthetic_tables(), "synthetic national-size data"


def run(ctx: Context) -> list[Result]:
    tables, source = _tables(ctx)
    params = Params()
    rows = f"{len(tables.sales):,} sales rows, {len(tables.org):,} dealers, {source}"
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
