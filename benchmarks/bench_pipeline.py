"""Lead and customer computations (docs/method.md §2.4) of 2026-06 as of 2026-06-20 at national size: 200 k leads
with their scorecard factors and decision-role contacts, ~1 M sales rows. ``build`` scores every lead
(stage probability, scorecard, weighted units, stale and qualified flags) and tiers every customer; the
``whole pipeline`` case is everything the pipeline notebook computes (build, funnel, conversion by channel
and class, pyramids, stale and overdue roll-ups, region coverage, forecast, key-lead roles, sheets)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from common import Context, Result, median_time, traced_peak

from kaplan.core.facts import sales_facts
from kaplan.core.params import Params
from kaplan.core.tables import Tables
from kaplan.leads import pipeline, tiers
from kaplan.leads import registry as leads

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


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
    leads.stale_rollup(view.leads, AS_OF, params.stale_days, ["region", "owner_id", "owner_name"])
    pipeline.overdue_rollup(view.open, ["region", "owner_id", "owner_name"])
    pipeline.month_coverage(view.open, targets["region"], facts, MONTH, AS_OF)
    pipeline.key_lead_roles(view.open, tables.lead_contacts)
    pipeline.pipeline_sheets(view.open, pipeline.forecast(view.open, targets["region"], facts, MONTH, AS_OF))


def run(ctx: Context) -> list[Result]:
    tables = ctx.tables
    params: Params = ctx.params
    facts = sales_facts(tables)
    targets = {level: region_targets(facts, level) for level in ("region", "province")}
    view = pipeline.build(tables, params, MONTH, AS_OF)
    note = (f"{len(tables.leads):,} leads ({len(view.open):,} open), {len(tables.lead_factors):,} factor scores, "
            f"{len(tables.lead_contacts):,} contacts, {len(tables.sales):,} sales")  # fmt: skip
    cases: list[tuple[str, Callable[[], object]]] = [
        ("build (scored leads + customer tiers)", lambda: pipeline.build(tables, params, MONTH, AS_OF)),
        ("funnel", lambda: leads.funnel(view.leads, AS_OF)),
        ("conversion by channel", lambda: leads.conversion_by(view.leads, "source", AS_OF)),
        ("stale roll-up per owner", lambda: leads.stale_rollup(view.leads, AS_OF, params.stale_days,
                                                              ["region", "owner_id", "owner_name"])),
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
