"""HTML fragments for the reports: tables and notes, every cell escaped.

``DataFrame.to_html`` escapes but cannot style rows; ``Styler.to_html`` does not escape unless told
to for every axis. This module builds the table itself: each value formatted by its column's kind and passed
through :func:`html.escape`, so a customer called ``<script>`` shows as text.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kaplan.core.glossary import Lang, code_labels, label
from kaplan.core.style import LOSS_COLOR, status_css
from kaplan.report.excel import CODE_COLUMNS, YEAR_COLUMNS, is_share

STYLE = """
.kp-table { border-collapse: collapse; font-size: 13px; margin: 0.5em 0 1.5em; }
.kp-table th { background: #dde6f0; text-align: left; padding: 4px 8px; position: sticky; top: 0; }
.kp-table td { padding: 3px 8px; border-bottom: 1px solid #e5e8ec; white-space: nowrap; }
.kp-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.kp-table tr.region_total td { font-weight: 600; background: #f3f6f9; }
.kp-table tr.national_total td { font-weight: 700; background: #e8eef5; }
""" + status_css() + """
.kp-caption { font-weight: 600; margin-top: 1em; }
.kp-notes { color: #8a5a00; background: #fff8e6; border-left: 3px solid #e0a800; padding: 6px 10px; }
.kp-more { color: #6b6f76; font-size: 12px; }
.kp-headline { background: #f3f6f9; border-left: 4px solid #2f6fb0; padding: 6px 14px; margin: 0.6em 0 1.2em; }
.kp-headline h2 { font-size: 18px; margin: 0.3em 0; border: none; }
.kp-headline li { margin: 0.25em 0; line-height: 1.5; }
""" + f"""
.kp-stale {{ color: {LOSS_COLOR}; border: 2px solid {LOSS_COLOR}; font-weight: 700; padding: 8px 12px; }}
"""


def _formatter(column: str, series: pd.Series) -> Callable[[object], str]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return lambda v: "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")
    if pd.api.types.is_bool_dtype(series):
        return lambda v: "✓" if v else ""
    if pd.api.types.is_integer_dtype(series):
        if column in YEAR_COLUMNS:
            return lambda v: "" if pd.isna(v) else str(int(v))
        return lambda v: "" if pd.isna(v) else f"{int(v):,}"
    if pd.api.types.is_float_dtype(series):
        if is_share(column):
            return lambda v: "" if pd.isna(v) or np.isinf(v) else f"{v:.1%}"
        return lambda v: "" if pd.isna(v) or np.isinf(v) else f"{v:,.2f}"
    return lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _escaped(text: pd.Series) -> pa.Array:
    """``html.escape`` of every text (quotes included), as arrow strings: one pass per character that needs it."""
    values = pa.array(text.tolist(), type=pa.string())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        if pc.any(pc.match_substring(values, char)).as_py():
            values = pc.replace_substring(values, char, entity)
    return values


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def html_table(
    frame: pd.DataFrame,
    lang: Lang = "zh",
    max_rows: int = 500,
    translate_codes: bool = True,
    hidden: Iterable[str] = ("row_kind",),
    rest_in: tuple[str, str] | None = None,
) -> str:
    """An escaped HTML table with glossary headers; rows beyond ``max_rows`` are left out with a note.

    ``rest_in`` = (workbook file, sheet name) where every row stands: the note names it, and carries
    it as ``data-workbook`` / ``data-sheet`` so a test can check that the sheet exists.
    """
    hidden = set(hidden)
    columns = [c for c in frame.columns if c not in hidden]
    shown = frame.head(max_rows)
    cells = []
    for column in columns:
        series = shown[column]
        text = series.map(_formatter(column, frame[column])).astype(str)
        if translate_codes and column in CODE_COLUMNS:
            text = code_labels(series, column, lang).where(series.map(lambda v: isinstance(v, str)), "")
        if column == "status":
            opening = pa.array([f'<td class="status-{v}">' if isinstance(v, str) else "<td>" for v in series],
                               type=pa.string())  # fmt: skip
        else:
            opening = '<td class="num">' if _is_numeric(frame[column]) else "<td>"
        cells.append(pc.binary_join_element_wise(opening, _escaped(text), "</td>", ""))
    kinds = shown["row_kind"].astype(str).tolist() if "row_kind" in shown else [""] * len(shown)
    starts = pa.array([f'<tr class="{html.escape(k)}">' if k else "<tr>" for k in kinds], type=pa.string())
    rows = pc.binary_join_element_wise(starts, *cells, "</tr>", "") if len(shown) else pa.array([], pa.string())
    head = "".join(f"<th>{html.escape(label(str(c), lang))}</th>" for c in columns)
    more = ""
    if len(frame) > max_rows:
        more = more_rows_note(len(frame) - max_rows, lang, rest_in)
    body = "".join(rows.to_pylist())
    return f'<table class="kp-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def more_rows_note(rest: int, lang: Lang, rest_in: tuple[str, str] | None = None) -> str:
    """The note under a cut table: how many rows are left out and, when given, the sheet that holds them."""
    if rest_in is None:
        return f'<p class="kp-more">{html.escape(label("more_rows", lang).format(n=f"{rest:,}"))}</p>'
    book, sheet = rest_in
    return sheet_note(label("more_rows_in", lang).format(n=f"{rest:,}", book=book, sheet=sheet), book, sheet)


def rows_in_note(count: int, lang: Lang, book: str, sheet: str) -> str:
    """The note standing for rows a page leaves to a workbook: how many, and the sheet that holds them."""
    return sheet_note(label("rows_in", lang).format(n=f"{count:,}", book=book, sheet=sheet), book, sheet)


def sheet_note(text: str, book: str, sheet: str) -> str:
    """``text`` as a note naming a sheet, which it carries as ``data-workbook`` / ``data-sheet`` (a test opens it)."""
    return (f'<p class="kp-more" data-workbook="{html.escape(book, quote=True)}" '
            f'data-sheet="{html.escape(sheet, quote=True)}">{html.escape(text)}</p>')  # fmt: skip


def html_notes(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{html.escape(str(line))}</li>" for line in lines)
    return f'<div class="kp-notes"><ul>{items}</ul></div>' if items else ""


def html_headline(heading: str, sentences: Iterable[str]) -> str:
    """The headline box: a heading and one list item per sentence, escaped."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return f'<section class="kp-headline"><h2>{html.escape(heading)}</h2><ul>{items}</ul></section>'
