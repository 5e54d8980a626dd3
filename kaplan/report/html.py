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


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def html_table(
    frame: pd.DataFrame,
    lang: Lang = "zh",
    max_rows: int = 500,
    translate_codes: bool = True,
    hidden: Iterable[str] = ("row_kind",),
    in_workbook: bool = True,
) -> str:
    """An escaped HTML table with glossary headers; rows beyond ``max_rows`` are summarised, pointing to
    the Excel workbook only when ``in_workbook`` (the table is a sheet of it)."""
    hidden = set(hidden)
    columns = [c for c in frame.columns if c not in hidden]
    shown = frame.head(max_rows)
    kinds = shown["row_kind"].astype(str).tolist() if "row_kind" in shown else [""] * len(shown)
    cells_by_column = []
    for column in columns:
        series = shown[column]
        text = series.map(_formatter(column, frame[column])).astype(str)
        if translate_codes and column in CODE_COLUMNS:
            text = code_labels(series, column, lang).where(series.map(lambda v: isinstance(v, str)), "")
        escaped = [html.escape(t) for t in text]
        css = ["num"] * len(escaped) if _is_numeric(frame[column]) else [""] * len(escaped)
        if column == "status":
            css = [f"status-{v}" if isinstance(v, str) else "" for v in series]
        cells_by_column.append([(c, e) for c, e in zip(css, escaped, strict=True)])
    head = "".join(f"<th>{html.escape(label(str(c), lang))}</th>" for c in columns)
    rows = []
    for i, kind in enumerate(kinds):
        tds = "".join(
            f'<td class="{c}">{e}</td>' if c else f"<td>{e}</td>" for c, e in (col[i] for col in cells_by_column)
        )
        rows.append(f'<tr class="{html.escape(kind)}">{tds}</tr>' if kind else f"<tr>{tds}</tr>")
    more = ""
    if len(frame) > max_rows:
        rest = len(frame) - max_rows
        more_term = "more_rows" if in_workbook else "more_rows_not_shown"
        more = (
            f'<p class="kp-more">{html.escape(label(more_term, lang))}: {rest:,}</p>'
        )
    return f'<table class="kp-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


def html_notes(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{html.escape(str(line))}</li>" for line in lines)
    return f'<div class="kp-notes"><ul>{items}</ul></div>' if items else ""
