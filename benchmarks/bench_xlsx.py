"""Excel workbooks (docs/operations.md §4) of 2026-06 as of 2026-06-20 at national size, written by
``write_workbook``: the pipeline workbook's ``leads`` and ``forecast`` sheets (every open lead of 200 k, as
notebook 03 writes them), then the progress workbook (the region, province and dealer boards with total
rows, month targets the annual targets / 12 per dealer). ``code labels`` is the translation of the code
columns of the lead sheet alone; ``leads sheet XML`` the worksheet XML of the lead sheet, unzipped."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from bench_progress import month_targets
from common import Context, Result, median_time

from kaplan.core.facts import sales_facts
from kaplan.core.glossary import with_code_labels
from kaplan.core.params import Params
from kaplan.core.units import LEVELS
from kaplan.leads import pipeline
from kaplan.progress import board as progress
from kaplan.report.excel import CODE_COLUMNS, write_workbook
from kaplan.report.xlsx import Sheet, sheet_xml_parts

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


def pipeline_workbook(ctx: Context, facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The ``leads`` and ``forecast`` sheets of ``pipeline_2026-06.xlsx``."""
    params: Params = ctx.params
    view = pipeline.build(ctx.tables, params, MONTH, AS_OF)
    june = facts[(facts["year"] == 2025) & (facts["month"] == 6)]
    targets = june.groupby(["region", "line"], as_index=False)["units"].sum().rename(columns={"units": "target"})
    return pipeline.pipeline_sheets(view.open, pipeline.forecast(view.open, targets, facts, MONTH, AS_OF))


def progress_workbook(ctx: Context, facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The board sheets of ``progress_2026-06.xlsx``."""
    tables, params = ctx.tables, ctx.params
    targets = month_targets(tables.annual_targets, tables.org)
    boards = [progress.board_with_totals(facts, tables.annual_targets, targets[level], MONTH, AS_OF, level,
                                         params=params, org=tables.org) for level in LEVELS]  # fmt: skip
    return progress.progress_sheets(boards, "zh")


def lead_sheet(leads: pd.DataFrame) -> Sheet:
    """The lead sheet as the writer gets it, every column as text (what the XML step costs)."""
    columns = [leads[c].astype("string") for c in leads.columns]
    return Sheet("leads", list(leads.columns), columns, ["text"] * len(columns), [10.0] * len(columns))


def run(ctx: Context) -> list[Result]:
    facts = sales_facts(ctx.tables)
    books = {"pipeline": pipeline_workbook(ctx, facts), "progress": progress_workbook(ctx, facts)}
    leads = books["pipeline"]["leads"]
    results = [
        Result("code labels of the lead sheet", median_time(lambda: with_code_labels(leads, CODE_COLUMNS, "zh")), 5,
               f"{len(leads):,} open leads x {leads.shape[1]} columns"),
    ]
    sheet = lead_sheet(leads)
    seconds = median_time(lambda: sum(len(part) for part in sheet_xml_parts(sheet)), runs=3)
    results.append(Result("leads sheet XML (all text)", seconds, 3, f"{len(leads):,} rows"))
    with tempfile.TemporaryDirectory() as folder:
        for name, sheets in books.items():
            path = Path(folder) / f"{name}.xlsx"
            seconds = median_time(lambda path=path, sheets=sheets: write_workbook(path, sheets, "zh"), runs=3)
            rows = sum(len(s) for s in sheets.values())
            size = path.stat().st_size / 2**20
            results.append(Result(f"write {name} workbook", seconds, 3,
                                  f"{rows:,} rows in {len(sheets)} sheets, {size:.1f} MB"))
    return results
