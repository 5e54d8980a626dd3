"""What notebooks call: build a report context from the papermill parameters, and show things.

A notebook's ``parameters`` cell holds literals only; everything derived is computed here::

    ctx = report.context(month, as_of, data_dir, params_file, language, output_dir)
    report.show_table(ctx, frame)
    report.show_figure(fig)
    report.save_workbook(ctx, "targets", sheets)
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import plotly.io as pio
from IPython.display import HTML, display

from kaplan.core.facts import sales_facts
from kaplan.core.glossary import Lang, check_lang, label
from kaplan.core.months import Month, MonthLike, as_of_date
from kaplan.core.params import Params, load_params, locks_dir
from kaplan.core.tables import Tables
from kaplan.inputs.coverage import stale_data
from kaplan.inputs.database import is_database_url
from kaplan.inputs.loader import load_tables
from kaplan.plan.targets import MonthTargets, month_targets
from kaplan.progress.board import board_with_totals
from kaplan.report.excel import write_workbook
from kaplan.report.html import STYLE, html_notes, html_table
from kaplan.sample.write import data_folder

if TYPE_CHECKING:
    import plotly.graph_objects as go

log = logging.getLogger(__name__)


def resolve_as_of(tables: Tables, month: MonthLike, as_of: object = None) -> pd.Timestamp:
    """The as-of date: given (must lie in the month), else the last date with sales in the month."""
    return as_of_date(tables.sales["date"], month, as_of)


@dataclass
class Context:
    month: str
    as_of: pd.Timestamp
    lang: Lang
    tables: Tables
    params: Params
    data_dir: Path | str
    output_dir: Path | None = None
    interactive: bool = True
    notes: list[str] = field(default_factory=list)

    def label(self, term: str) -> str:
        return label(term, self.lang)

    @cached_property
    def facts(self) -> pd.DataFrame:
        return sales_facts(self.tables)

    @cached_property
    def targets(self) -> MonthTargets:
        return month_targets(self.tables, self.month, self.params)


def context(
    month: str,
    as_of: str = "",
    data_dir: str = "",
    params_file: str = "",
    language: str = "zh",
    output_dir: str = "",
    interactive: bool = True,
) -> Context:
    """Everything a report needs, from the notebook's parameters (blank means default)."""
    lang = check_lang(language)
    month = str(Month.of(month))
    params = load_params(params_file or None, month)
    folder = data_dir if is_database_url(data_dir) else data_folder(data_dir)
    tables = load_tables(folder, locks=_existing(locks_dir(params_file or None)), database=params.database)
    stamp = resolve_as_of(tables, month, as_of or None)
    out = Path(output_dir) if output_dir else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    _configure_display()
    return Context(month, stamp, lang, tables, params, folder, out, interactive)


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _configure_display() -> None:
    pio.renderers.default = "plotly_mimetype"
    pd.set_option("display.max_columns", 40)
    _display_html(f"<style>{STYLE}</style>")


def _display_html(fragment: str) -> None:
    display(HTML(fragment))


def title(ctx: Context, term: str, assessed: str | None = None) -> None:
    """The page title and what it is about: month, as-of date, data (and the assessed month when given)."""
    facts = f"{ctx.label('month')}: {ctx.month} · {ctx.label('as_of')}: {ctx.as_of.date()}"
    if assessed:
        running = Month.of(assessed) == Month.of(ctx.month) and ctx.as_of < Month.of(assessed).end
        facts = f"{ctx.label('assessed_month')}: {assessed}" + (f" ({ctx.label('in_progress')})" if running else "")
        facts += f" · {ctx.label('month')}: {ctx.month} · {ctx.label('as_of')}: {ctx.as_of.date()}"
    if ctx.tables.data_hash:
        facts += f" · {ctx.label('data_hash')}: {ctx.tables.data_hash}"
    _display_html(f"<h1>{html.escape(ctx.label(term))}</h1><p>{html.escape(facts)}</p>" + stale_banner(ctx))
    show_notes(ctx, list(ctx.tables.warnings))


def stale_banner(ctx: Context) -> str:
    """The headline warning of stale data (docs/method.md §2.3), or nothing when the data are fresh."""
    stale = stale_data(ctx.tables.sales["date"], ctx.month, ctx.params.stale_data_days)
    if stale is None:
        return ""
    text = ctx.label("note_stale_data").format(last=stale.last_sale, days=stale.days, month=ctx.month,
                                                limit=stale.limit)  # fmt: skip
    return f'<p class="kp-stale" role="alert">{html.escape(text)}</p>'


def heading(ctx: Context, term: str, level: int = 2) -> None:
    _display_html(f"<h{level}>{html.escape(ctx.label(term))}</h{level}>")


def show_text(ctx: Context, text: str) -> None:
    _display_html(f"<p>{html.escape(text)}</p>")


def show_table(
    ctx: Context, frame: pd.DataFrame, caption_term: str | None = None, max_rows: int = 300
) -> None:
    caption = f'<div class="kp-caption">{html.escape(ctx.label(caption_term))}</div>' if caption_term else ""
    _display_html(caption + html_table(frame, ctx.lang, max_rows=max_rows))


def show_notes(ctx: Context, lines: list[str]) -> None:
    if lines:
        _display_html(html_notes(lines))


def show_figure(fig: go.Figure) -> None:
    """Show a plotly figure as its mime bundle: JupyterLab draws it, the export embeds it."""
    display({"application/vnd.plotly.v1+json": fig.to_plotly_json()}, raw=True)


def progress_board(ctx: Context, level: str) -> pd.DataFrame:
    """The progress board of ``level`` (region, province or dealer) with total rows."""
    return board_with_totals(
        ctx.facts, ctx.tables.annual_targets, getattr(ctx.targets, level), ctx.month, ctx.as_of, level,
        params=ctx.params, org=ctx.tables.org,
    )


def save_workbooks(ctx: Context, folder: str, books: dict[str, dict[str, pd.DataFrame]]) -> list[Path]:
    """Write ``<output_dir>/<folder>/<name>.xlsx`` for every workbook of ``books``."""
    if ctx.output_dir is None:
        return []
    target = ctx.output_dir / folder
    target.mkdir(parents=True, exist_ok=True)
    return [write_workbook(target / f"{name}.xlsx", sheets, ctx.lang) for name, sheets in books.items()]


def save_workbook(
    ctx: Context, name: str, sheets: dict[str, pd.DataFrame], month: MonthLike | None = None
) -> Path | None:
    """Write ``<output_dir>/<name>_<month>.xlsx`` when the run asked for workbooks.

    ``month`` names the month the workbook covers (default the run's month; the assessment: the
    assessed month).
    """
    if ctx.output_dir is None:
        return None
    path = ctx.output_dir / f"{name}_{Month.of(month or ctx.month)}.xlsx"
    write_workbook(path, sheets, ctx.lang)
    log.info("wrote %s", path)
    return path
