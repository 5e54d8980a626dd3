"""Region pages: one region's progress, pipeline and rectification list, from that region's rows only.

Each region (audience ``region:<name>``, docs/operations.md §5) gets its own pages and workbooks,
built from frames filtered to its rows before anything is rendered: its tables, the JSON of its
figures and its workbook sheets hold no other region's dealer, customer or lead. Nothing is hidden
with CSS or JavaScript. The report notebooks call :func:`kaplan.report.context.save_region_pages`
with the frames they have already computed, so a region costs a filter and a write, not a second run.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from kaplan.core.glossary import Lang, label
from kaplan.leads.figures import coverage_figure, funnel_figure
from kaplan.leads.pipeline import LEAD_SHEET_COLUMNS, Pipeline
from kaplan.leads.registry import funnel
from kaplan.progress.figures import time_vs_completion_figure
from kaplan.report.embed import checked_trace_types, figure_html, plotly_script
from kaplan.report.excel import sheet_label
from kaplan.report.html import STYLE, html_headline, html_table, rows_in_note

PAGE_STYLE = "body{font-family:system-ui,sans-serif;margin:1em 2em;color:#1f2328}"


@dataclass(frozen=True)
class Part:
    """One section of a region page: a heading, the frame of every region (a ``region`` column), and
    optionally a figure drawn from the region's rows and the workbook sheet holding them."""

    term: str  # glossary term of the heading
    frame: pd.DataFrame
    figure: Callable[[pd.DataFrame], go.Figure] | None = None
    sheet: str = ""  # machine sheet name in the region's workbook; blank: page only
    table: bool = True  # False: the figure only
    max_rows: int = 300


def of_region(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    """The rows of ``frame`` belonging to ``region`` (national total rows dropped), index reset."""
    if "region" not in frame.columns:
        raise ValueError(f"a region part needs a region column; got {list(frame.columns)}")
    keep = frame["region"] == region
    if "row_kind" in frame.columns:
        keep &= frame["row_kind"].astype(str) != "national_total"
    return frame[keep.fillna(False).astype(bool)].reset_index(drop=True)


def with_region_of(frame: pd.DataFrame, key: str, regions: pd.Series) -> pd.DataFrame:
    """``frame`` with a ``region`` column looked up by ``key`` in ``regions`` (key -> region)."""
    return frame.assign(region=frame[key].map(regions))


def region_page(title: str, facts: str, headline: Iterable[str] | None, parts: Iterable[Part], region: str,
                lang: Lang, workbook: str = "") -> str:  # fmt: skip
    """A self-contained page of ``region``: title, facts, the region's headline, then each part's rows and figure.

    ``workbook``: the file name of the region's workbook (:func:`region_sheets`). A table cut at its part's
    ``max_rows`` then names the sheet holding every row, and a part for the workbook only (no table, no figure)
    says how many of the region's rows its sheet holds; without it such a part is left out of the page.
    """
    body = [f"<h1>{html.escape(title)}</h1><p>{html.escape(facts)}</p>"]
    if headline is not None:
        body.append(html_headline(label("headline", lang), headline))
    number = 0
    for part in parts:
        in_book = (workbook, sheet_label(part.sheet, lang)) if workbook and part.sheet else None
        if not part.table and part.figure is None and in_book is None:
            continue
        body.append(f"<h2>{html.escape(label(part.term, lang))}</h2>")
        rows = of_region(part.frame, region)
        if not part.table and part.figure is None:
            body.append(rows_in_note(len(rows), lang, *in_book))
            continue
        if part.table:
            body.append(html_table(rows, lang, max_rows=part.max_rows, rest_in=in_book))
        if part.figure is not None:
            figure = part.figure(rows).to_plotly_json()
            checked_trace_types(figure)
            number += 1
            body.append((plotly_script() if number == 1 else "") + figure_html(figure, f"kp-figure-{number}"))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{PAGE_STYLE}{STYLE}</style></head>\n<body>{''.join(body)}</body></html>\n")  # fmt: skip


def region_sheets(parts: Iterable[Part], region: str) -> dict[str, pd.DataFrame]:
    """The region's workbook: each part with a sheet name, its rows only."""
    return {p.sheet: of_region(p.frame, region) for p in parts if p.sheet}


def progress_parts(boards: dict[str, pd.DataFrame], landings: dict[str, pd.DataFrame], lang: Lang) -> list[Part]:
    """The region's progress page: its board per line (with the month against time figure), per province and per
    dealer (:func:`kaplan.report.context.progress_boards`), and its landing forecast per province."""
    return [
        Part("region", boards["region"], lambda rows: time_vs_completion_figure(rows, lang), sheet="board"),
        Part("province", boards["province"], sheet="board_province"),
        Part("dealer", boards["dealer"], sheet="board_dealer"),
        Part("landing_forecast", landings["province"], sheet="landing"),
    ]


def pipeline_parts(view: Pipeline, coverage: pd.DataFrame, tables: dict[str, pd.DataFrame], as_of: pd.Timestamp,
                   lang: Lang) -> list[Part]:  # fmt: skip
    """The region's pipeline page: coverage per line (with its figure), won deals, tenders, overdue and stale leads,
    its funnel, the roles of its key leads, and every open lead of the region in the workbook.

    ``view``: the month's :class:`kaplan.leads.pipeline.Pipeline`; ``coverage``:
    :func:`kaplan.leads.pipeline.month_coverage`; ``tables``: the page's frames by sheet name (``won_deals``,
    ``tenders``, ``overdue``, ``stale_leads``, ``decision_roles``).
    """
    leads, open_leads = view.leads, view.open
    lead_region = leads.set_index("lead_id")["region"]
    roles = with_region_of(tables["decision_roles"], "lead_id", lead_region)
    lead_sheet = open_leads[[c for c in LEAD_SHEET_COLUMNS if c in open_leads]]
    return [
        Part("coverage", coverage, lambda rows: coverage_figure(rows, lang), sheet="coverage"),
        Part("won_deals", tables["won_deals"], sheet="won_deals", max_rows=50),
        Part("tender_calendar", tables["tenders"], sheet="tenders", max_rows=50),
        Part("overdue_leads", tables["overdue"], sheet="overdue", max_rows=50),
        Part("stale_leads", tables["stale_leads"], sheet="stale_leads", max_rows=50),
        Part("sales_funnel", leads, lambda rows: funnel_figure(funnel(rows, as_of), lang), table=False),
        Part("decision_roles", roles, sheet="decision_roles", max_rows=50),
        Part("sheet_leads", lead_sheet, sheet="leads", table=False),
    ]


def rectification_parts(rectification: pd.DataFrame) -> list[Part]:
    """The region's rectification list (docs/method.md §2.5): its lagging dealers only."""
    return [Part("rectification", rectification, sheet="rectification")]
