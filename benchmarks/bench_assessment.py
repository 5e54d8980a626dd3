"""Assessment (docs/method.md §2.5) of 2026-05, the closed month the run of 2026-06 assesses, as of 2026-06-20
at national scale: 400 staff, 2,000 dealers, ~1 M sales rows. Cases: the issued dealer targets of
January..May from the target engine (what the notebook asks for: year-to-date targets and the
rectification look-back), then with those targets given: the KPI table, attainment, the rectification
list, the whole ``assess`` (incentive per role included) and the workbook."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from common import Context, Result, median_time, traced_peak

from kaplan.assessment import assess as assessment
from kaplan.assessment import attainment, kpi, rectification
from kaplan.core.facts import sales_facts, staff_scope
from kaplan.core.params import Params
from kaplan.report.excel import write_workbook

MONTH = "2026-05"  # the run of June assesses May, the last closed month
AS_OF = pd.Timestamp("2026-06-20")


def run(ctx: Context) -> list[Result]:
    tables = ctx.tables
    note = f"{len(tables.sales):,} sales rows, {len(tables.staff)} staff"
    params: Params = ctx.params
    facts = sales_facts(tables)
    months = assessment.months_needed(MONTH, params.rectification.lookback_months)
    results = []

    def issue() -> pd.DataFrame:
        return assessment.issued_dealer_targets(tables, months, params)

    issued = issue()
    results.append(Result(f"issued dealer targets, {len(months)} months", median_time(issue, runs=3), 3, note))
    month_issued = issued[issued["month"] == MONTH]
    prior, _ = assessment.prior_targets(issued, tables.annual_targets, MONTH)
    scope = staff_scope(tables)
    cases = {
        "kpi_table": lambda: kpi.kpi_table(tables.staff, tables.kpi_submissions, MONTH, params.kpi, AS_OF),
        "attainment_table": lambda: attainment.attainment_table(
            tables.staff, scope, facts, MONTH, AS_OF, month_issued, prior
        ),
        "rectification_list": lambda: rectification.rectification_list(
            tables.org, tables.staff, facts, issued, MONTH, pd.Timestamp("2026-05-31"), params.rectification.gap
        ),
        "assess (targets given)": lambda: assessment.assess(tables, MONTH, AS_OF, params, issued, facts=facts),
    }
    for name, fn in cases.items():
        results.append(Result(name, median_time(fn), 5, note))
    result = assessment.assess(tables, MONTH, AS_OF, params, issued, facts=facts)
    sheets = assessment.assessment_sheets(result)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "assessment.xlsx"
        seconds = median_time(lambda: write_workbook(path, sheets, "zh"), runs=3)
        rows = sum(len(s) for s in sheets.values())
        results.append(Result("write assessment workbook", seconds, 3, f"{rows:,} rows in {len(sheets)} sheets"))
    peak = traced_peak(lambda: assessment.assess(tables, MONTH, AS_OF, params, issued, facts=facts))
    results.append(Result("assess (traced)", 0.0, 1, "peak Python allocations only", peak_mb=peak))
    return results
