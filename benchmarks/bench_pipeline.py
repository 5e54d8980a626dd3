"""Lead and customer computations (DESIGN §2.4) of 2026-06 as of 2026-06-20 at national size: 200 k leads
with their scorecard factors and decision-role contacts, ~1 M sales rows. ``build`` scores every lead
(stage probability, scorecard, weighted units, stale and qualified flags) and tiers every customer; the
``whole pipeline`` case is everything the pipeline notebook computes (build, funnel, conversion by channel
and class, pyramids, stale list, region and province coverage, forecast, key-lead roles, sheets). Uses the
national sample when ``kaplan.sample`` is there, else synthetic tables of the same size (said in the note)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
from common import Context, Result, median_time

from kaplan import leads, pipeline, tiers
from kaplan.facts import sales_facts
from kaplan.params import Params
from kaplan.schema import DECISION_ROLES, FACTORS, LEAD_CLASSES, LINES, SOURCES, STAGES
from kaplan.tables import Tables

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


def synthetic(seed: int = 7) -> Tables:
    """National-size tables: 2,000 dealers, 40 products, 20 k customers, 1 M sales, 200 k leads."""
    rng = np.random.default_rng(seed)
    dealers, products, customers, sales_rows, lead_rows = 2_000, 40, 20_000, 1_000_000, 200_000
    province = rng.integers(0, 31, dealers)
    dealer_ids = np.array([f"D{i:05d}" for i in range(dealers)], dtype=object)
    product_ids = np.array([f"P{i:02d}" for i in range(products)], dtype=object)
    customer_ids = np.array([f"C{i:06d}" for i in range(customers)], dtype=object)
    staff_ids = np.array([f"S{i:04d}" for i in range(400)], dtype=object)
    org = pd.DataFrame({"dealer_id": dealer_ids, "dealer_name": [f"经销商{i}" for i in range(dealers)],
                        "province": [f"省{p:02d}" for p in province], "region": [f"大区{p % 8}" for p in province]})
    staff = pd.DataFrame({"staff_id": staff_ids, "name": [f"员工{i}" for i in range(400)],
                          "role": "dealer_specialist", "region": "大区0", "province": "省00",
                          "dealer_id": dealer_ids[:400]})
    product = pd.DataFrame({"product_id": product_ids, "product_name": product_ids,
                            "line": np.array(LINES, dtype=object)[np.arange(products) % len(LINES)]})
    customer = pd.DataFrame({"customer_id": customer_ids, "customer_name": [f"客户{i}" for i in range(customers)],
                             "industry": "taxi", "segment": "government", "purchase_method": "tender"})
    days = pd.date_range("2023-01-01", AS_OF, freq="D")
    sales = pd.DataFrame({
        "order_id": [f"O{i:07d}" for i in range(sales_rows)],
        "date": days[rng.integers(0, len(days), sales_rows)],
        "dealer_id": dealer_ids[rng.integers(0, dealers, sales_rows)],
        "product_id": product_ids[rng.integers(0, products, sales_rows)],
        "customer_id": customer_ids[rng.zipf(1.6, sales_rows) % customers],
        "units": rng.integers(1, 30, sales_rows),
    })
    reported = days[-540:][rng.integers(0, 540, lead_rows)]
    lead_ids = np.array([f"L{i:06d}" for i in range(lead_rows)], dtype=object)
    lead = pd.DataFrame({
        "lead_id": lead_ids, "reported_on": reported,
        "dealer_id": dealer_ids[rng.integers(0, dealers, lead_rows)],
        "owner_id": staff_ids[rng.integers(0, 400, lead_rows)],
        "customer_id": customer_ids[rng.integers(0, customers, lead_rows)],
        "lead_class": np.array(LEAD_CLASSES, dtype=object)[rng.integers(0, 3, lead_rows)],
        "source": np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), lead_rows)],
        "stage": np.array(STAGES, dtype=object)[rng.integers(0, len(STAGES), lead_rows)],
        "product_id": product_ids[rng.integers(0, products, lead_rows)],
        "units": rng.integers(1, 80, lead_rows),
        "budget": np.where(rng.random(lead_rows) < 0.2, np.nan, rng.integers(1, 500, lead_rows) * 10_000.0),
        "expected_close": reported + pd.to_timedelta(rng.integers(0, 365, lead_rows), unit="D"),
        "last_tracked": reported + pd.to_timedelta(rng.integers(0, 30, lead_rows), unit="D"),
        "notes": "",
    })
    lead["last_tracked"] = lead["last_tracked"].where(lead["last_tracked"] <= AS_OF, AS_OF)
    per_lead = 8
    factor_lead = np.repeat(lead_ids, per_lead)
    factor_pick = np.argsort(rng.random((lead_rows, len(FACTORS))), axis=1)[:, :per_lead].ravel()
    factors = pd.DataFrame({"lead_id": factor_lead, "factor": np.array(FACTORS, dtype=object)[factor_pick],
                            "score": rng.integers(1, 6, lead_rows * per_lead)})
    contact_rows = lead_rows * 3
    contacts = pd.DataFrame({
        "lead_id": lead_ids[rng.integers(0, lead_rows, contact_rows)],
        "role": np.array(DECISION_ROLES, dtype=object)[rng.integers(0, 5, contact_rows)],
        "name": [f"联系人{i}" for i in range(contact_rows)],
        "attitude": np.array(("support", "neutral", "oppose"), dtype=object)[rng.integers(0, 3, contact_rows)],
    }).drop_duplicates(["lead_id", "role", "name"])
    return Tables.from_frames(org=org, staff=staff, products=product, customers=customer, sales=sales,
                              leads=lead, lead_factors=factors, lead_contacts=contacts)  # fmt: skip


def inputs(ctx: Context) -> tuple[Tables, str]:
    try:
        import kaplan.sample  # noqa: F401
    except ImportError:
        return synthetic(ctx.seed), "synthetic tables (no kaplan.sample)"
    return ctx.tables, "national sample"


def region_targets(facts: pd.DataFrame, level: str) -> pd.DataFrame:
    """A month target per unit x line: last year's June sales of the unit (stand-in for the engine)."""
    keys = ["region", "line"] if level == "region" else ["region", "province", "line"]
    june = facts[(facts["year"] == 2025) & (facts["month"] == 6)]
    return june.groupby(keys, as_index=False)["units"].sum().rename(columns={"units": "target"})


def whole(tables: Tables, params: Params, facts: pd.DataFrame, targets: dict[str, pd.DataFrame]) -> None:
    view = pipeline.build(tables, params, MONTH, AS_OF)
    leads.funnel(view.leads, AS_OF)
    leads.conversion_by(view.leads, "source", AS_OF, params.conversion_window_months)
    leads.conversion_by(view.leads, "lead_class", AS_OF, params.conversion_window_months)
    tiers.pyramids(view.customers)
    leads.stale_leads(view.leads, AS_OF, params.stale_days)
    pipeline.month_coverage(view.open, targets["region"], facts, MONTH, AS_OF)
    pipeline.uncovered(pipeline.month_coverage(view.open, targets["province"], facts, MONTH, AS_OF, "province"))
    pipeline.key_lead_roles(view.open, tables.lead_contacts)
    pipeline.pipeline_sheets(view.open, pipeline.forecast(view.open, targets["region"], facts, MONTH, AS_OF))


def run(ctx: Context) -> list[Result]:
    tables, source = inputs(ctx)
    params = ctx.params if isinstance(ctx.params, Params) else Params()
    facts = sales_facts(tables)
    targets = {level: region_targets(facts, level) for level in ("region", "province")}
    view = pipeline.build(tables, params, MONTH, AS_OF)
    note = (f"{len(tables.leads):,} leads ({len(view.open):,} open), {len(tables.lead_factors):,} factor scores, "
            f"{len(tables.lead_contacts):,} contacts, {len(tables.sales):,} sales; {source}")  # fmt: skip
    cases: list[tuple[str, Callable[[], object]]] = [
        ("build (scored leads + customer tiers)", lambda: pipeline.build(tables, params, MONTH, AS_OF)),
        ("funnel", lambda: leads.funnel(view.leads, AS_OF)),
        ("conversion by channel", lambda: leads.conversion_by(view.leads, "source", AS_OF)),
        ("stale list", lambda: leads.stale_leads(view.leads, AS_OF, params.stale_days)),
        ("province coverage", lambda: pipeline.month_coverage(view.open, targets["province"], facts, MONTH, AS_OF,
                                                             "province")),
        ("forecast", lambda: pipeline.forecast(view.open, targets["region"], facts, MONTH, AS_OF)),
        ("key-lead roles", lambda: pipeline.key_lead_roles(view.open, tables.lead_contacts)),
        ("whole pipeline", lambda: whole(tables, params, facts, targets)),
    ]
    results = []
    for name, fn in cases:
        runs = 3 if name in ("build (scored leads + customer tiers)", "whole pipeline") else 5
        peak = traced_peak(fn) if name == "whole pipeline" else None
        results.append(Result(name, median_time(fn, runs=runs), runs, note if name == "whole pipeline" else "", peak))
    return results


def traced_peak(fn: Callable[[], object]) -> float:
    """Peak Python allocations of one call, MB (numpy and pandas buffers included)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
