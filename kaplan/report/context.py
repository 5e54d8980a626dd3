"""What notebooks call: build a report context from the papermill parameters, and show things.

A notebook's ``parameters`` cell holds literals only; everything derived is computed here::

    ctx = report.context(month, as_of, data_dir, params_file, language, output_dir)
    report.show_table(ctx, frame)
    report.show_figure(fig)
    report.save_workbook(ctx, "targets", sheets)
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import HTML, display

from kaplan.assessment.assess import Assessment
from kaplan.assessment.rectification import notices
from kaplan.core.facts import sales_facts
from kaplan.core.glossary import Lang, check_lang, label
from kaplan.core.memory import release_memory
from kaplan.core.months import Month, MonthLike, as_of_date
from kaplan.core.params import Params, load_params, locks_dir
from kaplan.core.tables import Tables
from kaplan.core.units import LEVELS
from kaplan.inputs.coverage import stale_data
from kaplan.inputs.database import is_database_url
from kaplan.inputs.loader import load_tables
from kaplan.leads import pipeline as lead_pipeline
from kaplan.leads.registry import lead_facts
from kaplan.plan import landing
from kaplan.plan.adjustments import Record, adjustment_records, apply_adjustments, issue_version
from kaplan.plan.seasonal import seasonal_shares
from kaplan.plan.targets import MonthTargets, month_targets
from kaplan.progress.board import board_with_totals, with_unit_columns
from kaplan.progress.ytd import ytd_counts
from kaplan.report.excel import Printed, safe_file_name, sheet_label, write_workbook
from kaplan.report.headline import Headline, headline, headline_sentences, region_headline
from kaplan.report.html import STYLE, html_headline, html_notes, html_table
from kaplan.report.issue import regional_packs
from kaplan.report.layout import HEADLINE_FILE, REGION_DIR, region_names
from kaplan.report.regions import Part, of_region, region_page, region_sheets
from kaplan.report.shared import share_ahead, shared
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
    params_file: str = ""
    shared_dir: Path | None = None  # where the run's notebooks share what they compute (kaplan.report.shared)
    seasonal_by_year: dict[int, pd.DataFrame] = field(default_factory=dict, repr=False)

    def label(self, term: str) -> str:
        return label(term, self.lang)

    def shared(self, name: str) -> Any:
        """The shared result ``name`` (:func:`shared_results`), computed once per run (:mod:`kaplan.report.shared`)."""
        return shared(self.shared_dir, name, shared_results(self)[name])

    def seasonal(self, year: int) -> pd.DataFrame:
        """The seasonal shares of ``year`` (:func:`kaplan.plan.seasonal.seasonal_shares`), computed once here:
        the issued targets of the months of one year share them."""
        if year not in self.seasonal_by_year:
            self.seasonal_by_year[year] = seasonal_shares(self.tables, year, self.params)
        return self.seasonal_by_year[year]

    @cached_property
    def facts(self) -> pd.DataFrame:
        return self.shared("facts")

    @cached_property
    def formula_targets(self) -> MonthTargets:
        """The month's targets as the formula splits them (docs/method.md §2.2), before any adjustment."""
        return self.shared(f"formula_targets-{self.month}")

    @cached_property
    def pipeline(self) -> lead_pipeline.Pipeline:
        """The scored leads, customer tiers and open leads as of the as-of date (docs/method.md §2.4)."""
        return self.shared("pipeline")

    @cached_property
    def landings(self) -> dict[str, pd.DataFrame]:
        """Where the month will land, per level (docs/method.md §2.3): :func:`kaplan.plan.landing.landing_by_level`."""
        return self.shared("landings")

    @cached_property
    def records(self) -> list[Record]:
        """The month's manual adjustment records, in order."""
        return adjustment_records(self.params_file, self.month)

    @cached_property
    def targets(self) -> MonthTargets:
        """The issued targets: the formula targets with the month's manual adjustments applied."""
        return apply_adjustments(self.formula_targets, self.records)[0]


def context(
    month: str,
    as_of: str = "",
    data_dir: str = "",
    params_file: str = "",
    language: str = "zh",
    output_dir: str = "",
    interactive: bool = True,
    shared_dir: str = "",
) -> Context:
    """Everything a report needs, from the notebook's parameters (blank means default; ``shared_dir``: the
    folder where the notebooks of a run share what they compute, :mod:`kaplan.report.shared`)."""
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
    ctx = Context(month, stamp, lang, tables, params, folder, out, interactive, params_file=params_file,
                  shared_dir=Path(shared_dir) if shared_dir else None)  # fmt: skip
    if share_ahead(ctx.shared_dir, shared_results(ctx)):
        release_memory()
    return ctx


def shared_results(ctx: Context) -> dict[str, Callable[[], object]]:
    """What the notebooks of a run compute once and share, by name, in the order a kernel computes them ahead
    (:func:`kaplan.report.shared.share_ahead`): the sales facts, the pipeline, the month's targets, the
    headline's parts. The issued targets of earlier months (:func:`issued_targets`) are shared too but not
    computed ahead: the notebook that needs them (the landing backtest's) computes them when it does, so
    that the longest notebook, which does not, is not kept from its own work (benchmarks/RESULTS.md)."""
    return {
        "facts": lambda: sales_facts(ctx.tables),
        "pipeline": lambda: lead_pipeline.build(ctx.tables, ctx.params, ctx.month, ctx.as_of),
        f"formula_targets-{ctx.month}": lambda: month_targets(ctx.tables, ctx.month, ctx.params),
        "lead_facts": lambda: lead_facts(ctx.tables),
        "landings": lambda: landing.landing_by_level(
            ctx.facts, ctx.pipeline.open, landing.lead_lines(ctx.tables.leads, ctx.tables.products), ctx.targets,
            ctx.tables.org, ctx.as_of, ctx.params.landing),
        **{f"board-{level}": partial(_board, ctx, level) for level in ("region", "dealer")},
        "headline": lambda: headline(
            ctx.targets.plan, progress_board(ctx, "region"), progress_board(ctx, "dealer"), ctx.shared("lead_facts"),
            ctx.month, ctx.as_of, int(ctx.landings["region"]["landing"].sum())),
        "board-province": partial(_board, ctx, "province"),
    }  # fmt: skip


def _board(ctx: Context, level: str) -> pd.DataFrame:
    return board_with_totals(ctx.facts, ctx.tables.annual_targets, getattr(ctx.targets, level), ctx.month, ctx.as_of,
                             level, params=ctx.params, org=ctx.tables.org)  # fmt: skip


def _issued(ctx: Context, month: str) -> MonthTargets:
    formula = month_targets(ctx.tables, month, ctx.params, seasonal=ctx.seasonal(Month.of(month).year))
    return apply_adjustments(formula, adjustment_records(ctx.params_file, month))[0]


def issued_targets(ctx: Context, month: MonthLike) -> MonthTargets:
    """The issued targets of any ``month``: its formula targets with its own manual adjustments."""
    month = str(Month.of(month))
    if month == ctx.month:
        return ctx.targets
    return shared(ctx.shared_dir, f"issued_targets-{month}", partial(_issued, ctx, month))


def issued_months(ctx: Context, months: list[str]) -> dict[str, MonthTargets]:
    """:func:`issued_targets` of each of ``months``."""
    return {m: issued_targets(ctx, m) for m in months}


def issue_packs(ctx: Context) -> dict[str, dict[str, Printed]]:
    """The regional issue workbooks of the month (:func:`kaplan.report.issue.regional_packs`)."""
    last = issued_targets(ctx, Month.of(ctx.month).previous).dealer
    context_of = {level: ytd_counts(ctx.facts, ctx.tables.annual_targets, last, ctx.month, ctx.tables.org, level)
                  for level in ("dealer", "province")}  # fmt: skip
    return regional_packs(ctx.targets, context_of["dealer"], context_of["province"], params=ctx.params,
                          lang=ctx.lang, version=issue_version(ctx.records), issued_on=ctx.as_of.date().isoformat())


def rectification_notices(ctx: Context, result: Assessment) -> dict[str, Printed]:
    """One printable rectification notice (整改通知) per region with lagging dealers, sheets ``notice:<region>``."""
    assessed = Month.of(result.month)
    sheets = {}
    for region, rows in notices(result.rectification).items():
        heading_text = f"{region} {assessed.label(ctx.lang)} {ctx.label('rectification_notice')}"
        title = ((ctx.label("region"), region), (ctx.label("assessed_month"), str(assessed)),
                 (ctx.label("as_of"), ctx.as_of.date().isoformat()))  # fmt: skip
        gap = f"{ctx.params.rectification.gap * 100:g}%"
        footer = (ctx.label("note_rectification").format(gap=gap, n=len(rows)), "", ctx.label("notice_sign_off"))
        sheets[f"notice:{region}"] = Printed(rows, heading=heading_text, title=title, footer=footer, freeze_columns=3)
    return sheets


def show_adjustments(ctx: Context) -> None:
    """The month's manual adjustments: formula and adjusted targets with who, when and why."""
    heading(ctx, "adjustments")
    table = ctx.targets.adjustments
    if table is None or table.empty:
        show_text(ctx, ctx.label("no_adjustments"))
    else:
        show_table(ctx, table)


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _configure_display() -> None:
    """Table display options and the report style. Figures are shown as their mime bundle
    (:func:`show_figure`), not through plotly's renderers, whose import pulls in nbformat and jsonschema:
    seconds in every kernel."""
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
    _display_html(html_headline(ctx.label("headline"), headline_sentences(month_headline(ctx), ctx.lang)))
    show_notes(ctx, list(ctx.tables.warnings))


def month_headline(ctx: Context) -> Headline:
    """The month's headline (:func:`kaplan.report.headline.headline`) with the national landing forecast: the sum
    of the regions' landing (docs/method.md §2.3)."""
    return ctx.shared("headline")


def save_headline(ctx: Context) -> None:
    """Write ``<output_dir>/headline.json``: the numbers the version's index and the month index show."""
    if ctx.output_dir is None:
        return
    body = month_headline(ctx).as_dict()
    (ctx.output_dir / HEADLINE_FILE).write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


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
    ctx: Context, frame: pd.DataFrame, caption_term: str | None = None, max_rows: int = 300,
    rest_in: tuple[str, str] | None = None,
) -> None:
    """An HTML table of at most ``max_rows`` rows; ``rest_in`` = (workbook, sheet) machine names
    (``("progress", "board_dealer")``) of the month's sheet holding every row, named under a cut table."""
    caption = f'<div class="kp-caption">{html.escape(ctx.label(caption_term))}</div>' if caption_term else ""
    where = None if rest_in is None else (workbook_name(ctx, rest_in[0]), sheet_label(rest_in[1], ctx.lang))
    _display_html(caption + html_table(frame, ctx.lang, max_rows=max_rows, rest_in=where))


def workbook_name(ctx: Context, name: str, month: MonthLike | None = None) -> str:
    """The file name of the month's workbook ``name``: ``<name>_<month>.xlsx``."""
    return f"{name}_{Month.of(month or ctx.month)}.xlsx"


def show_notes(ctx: Context, lines: list[str]) -> None:
    if lines:
        _display_html(html_notes(lines))


def show_figure(fig: go.Figure) -> None:
    """Show a plotly figure as its mime bundle: JupyterLab draws it, the export embeds it."""
    display({"application/vnd.plotly.v1+json": fig.to_plotly_json()}, raw=True)


def progress_board(ctx: Context, level: str) -> pd.DataFrame:
    """The progress board of ``level`` (region, province or dealer) with total rows."""
    return ctx.shared(f"board-{level}")


def landing_tables(ctx: Context) -> dict[str, pd.DataFrame]:
    """Where the month will land, per level (:attr:`Context.landings`, computed once per report)."""
    return ctx.landings


def landing_backtest(ctx: Context) -> pd.DataFrame:
    """The landing forecast's backtest over the 12 months before the month, against their issued targets."""
    months = [str(Month.of(ctx.month) - k) for k in range(landing.BACKTEST_MONTHS, 0, -1)]
    history = landing.lead_lines(ctx.tables.leads, ctx.tables.products)
    return landing.backtest(ctx.facts, history, issued_months(ctx, months), ctx.tables.org, ctx.month,
                            ctx.params.landing)  # fmt: skip


def progress_boards(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The progress board of each level with total rows, its landing (``tables``: :func:`landing_tables`)
    and the overdue and stale open leads of each row."""
    boards = {}
    for level in LEVELS:
        board = with_unit_columns(progress_board(ctx, level), tables[level], landing.BOARD_COLUMNS)
        board = landing.landing_columns(board, ctx.as_of)
        flags = lead_pipeline.unit_flags(ctx.pipeline.open, level)
        boards[level] = with_unit_columns(board, flags, lead_pipeline.FLAG_COLUMNS)
    return boards


def save_workbooks(ctx: Context, folder: str, books: dict[str, dict[str, pd.DataFrame | Printed]]) -> None:
    """Write ``<output_dir>/<folder>/<name>.xlsx`` for every workbook of ``books``."""
    if ctx.output_dir is None:
        return
    target = ctx.output_dir / folder
    target.mkdir(parents=True, exist_ok=True)
    for name, sheets in books.items():
        write_workbook(target / f"{name}.xlsx", sheets, ctx.lang)


def save_workbook(
    ctx: Context, name: str, sheets: dict[str, pd.DataFrame | Printed], month: MonthLike | None = None
) -> None:
    """Write ``<output_dir>/<name>_<month>.xlsx`` when the run asked for workbooks.

    ``month`` names the month the workbook covers (default the run's month; the assessment: the
    assessed month).
    """
    if ctx.output_dir is None:
        return
    path = ctx.output_dir / workbook_name(ctx, name, month)
    write_workbook(path, sheets, ctx.lang)
    log.info("wrote %s", path)
    release_memory()  # the workbook's XML, before the next large step


def region_headlines(ctx: Context, boards: dict[str, pd.DataFrame], landings: dict[str, pd.DataFrame]
                     ) -> dict[str, Headline]:  # fmt: skip
    """The headline of every region (:func:`kaplan.report.headline.region_headline`) from its rows of the boards
    (:func:`progress_boards`), of the leads and of the landing forecast."""
    leads = ctx.pipeline.leads  # the lead facts with their scores, computed once per report
    out = {}
    for region in region_names(ctx.tables.org):
        landing_units = int(of_region(landings["region"], region)["landing"].sum())
        out[region] = region_headline(of_region(boards["region"], region), of_region(boards["dealer"], region),
                                      leads[leads["region"] == region], ctx.month, ctx.as_of, landing_units,
                                      region=region)  # fmt: skip
    return out


def save_region_pages(ctx: Context, name: str, title_term: str, parts: list[Part],
                      headlines: dict[str, Headline] | None = None,
                      month: MonthLike | None = None) -> None:  # fmt: skip
    """Write, per region, ``<output_dir>/regions/<region>/<name>.html`` and ``<name>_<month>.xlsx`` from that
    region's rows only (:mod:`kaplan.report.regions`), and its ``headline.json`` when ``headlines`` are given."""
    if ctx.output_dir is None:
        return
    facts = f"{ctx.label('month')}: {Month.of(month or ctx.month)} · {ctx.label('as_of')}: {ctx.as_of.date()}"
    for region in region_names(ctx.tables.org):
        folder = ctx.output_dir / REGION_DIR / safe_file_name(region)
        folder.mkdir(parents=True, exist_ok=True)
        own = None if headlines is None else headlines[region]
        sentences = None if own is None else headline_sentences(own, ctx.lang)
        sheets = region_sheets(parts, region)
        book = workbook_name(ctx, name, month) if sheets else ""
        page = region_page(f"{region} {ctx.label(title_term)}", facts, sentences, parts, region, ctx.lang, book)
        (folder / f"{name}.html").write_text(page, encoding="utf-8")
        if sheets:
            write_workbook(folder / book, sheets, ctx.lang)
        if own is not None:
            body = json.dumps(own.as_dict(), ensure_ascii=False, indent=1) + "\n"
            (folder / HEADLINE_FILE).write_text(body, encoding="utf-8")
