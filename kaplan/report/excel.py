"""Excel workbooks for people: sheet names, headers and codes in the report language, yes/no for flags,
frozen header row, widths from the display width, number formats, print setup (docs/operations.md §4).

Every text cell is written as an inline string by :mod:`kaplan.report.xlsx`, so nothing from the input
can become a formula, a link or a number. Sheet names are made safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kaplan.core.glossary import TERMS, Lang, label, with_code_labels
from kaplan.report.xlsx import Sheet, write_xlsx

# columns whose values are codes to translate for people (machine codes stay in machine columns)
CODE_COLUMNS = ("line", "stage", "lead_class", "source", "tier", "status", "role", "item", "base", "period",
                "segment", "industry", "purchase_method", "customer_type", "attitude", "state", "method",
                "year", "unit_level")  # fmt: skip
# codes of the report sheets translated besides CODE_COLUMNS: the scenario names of the scenarios sheet
LABEL_COLUMNS = ("scenario",)
# numbers shown as percentages: ratios by the ending of their machine name (``rate`` alone is money)
SHARE_SUFFIXES = ("share", "progress", "growth", "composite", "coverage", "attainment", "probability",
                  "conversion", "_rate", "tvd", "_error", "attainment_from", "attainment_to", "mape",
                  "wape")  # fmt: skip
# whole numbers that are calendar years: shown without a thousands separator
YEAR_COLUMNS = ("year",)
# numbers that are money, shown in 元 with thousands separators
MONEY_COLUMNS = ("base", "payout", "payout_uncapped", "rate", "cap", "yuan_per_unit", "budget")
# marker columns of a printed sheet: the row kind (subtotal, total) and per-column laggard flags
ROW_KIND = "row_kind"
FLAG_PREFIX = "flag_"
MAX_WIDTH = 50.0
MIN_WIDTH = 6.0
FIELD_WIDTH = 24.0  # a column left blank for the field to fill in by hand
_WIDE = re.compile("[^\x00-\u2e7f]")  # counted twice: CJK and full-width characters (U+2E80 on)
_WIDE_RE2 = r"[^\x{00}-\x{2e7f}]"  # the same, in RE2 syntax for arrow
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
_BAD_FILE_CHARS = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def safe_sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\'``, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip() or "sheet"
    base = base[:31]
    taken_lower = {t.lower() for t in taken}
    candidate, n = base, 2
    while candidate.lower() in taken_lower:
        suffix = f"~{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def safe_file_name(name: str) -> str:
    """A file-safe name (keeps Chinese): no path separators, control or reserved characters."""
    cleaned = _BAD_FILE_CHARS.sub("_", name).strip(" .")
    return cleaned[:100] or "unnamed"


def is_share(column: str) -> bool:
    return column.startswith("s_") or column.endswith(SHARE_SUFFIXES)


@dataclass(frozen=True)
class Printed:
    """A sheet laid out for print: the frame and what stands around it.

    ``frame`` may carry a ``row_kind`` column (``subtotal`` / ``total`` rows are bold on grey) and
    ``flag_<column>`` boolean columns (the cells of ``<column>`` flagged red); neither is shown.
    ``title`` rows are (label, value) pairs above the header; ``footer`` lines stand below the data.
    """

    frame: pd.DataFrame
    heading: str = ""
    title: tuple[tuple[str, str], ...] = ()
    footer: tuple[str, ...] = ()
    freeze_columns: int = 0
    headers: tuple[tuple[str, str], ...] = ()  # (column, header text) in place of the column's glossary label


def sheet_label(name: str, lang: Lang = "zh") -> str:
    """The sheet name a person reads for the machine sheet ``name`` (``plan`` -> 年度计划与月度下达).

    The glossary term ``sheet_<name>`` when there is one, else the term ``name``; a name
    ``base:qualifier`` reads as the label of ``base`` followed by the qualifier (a region's name).
    """
    base, _, qualifier = name.partition(":")
    term = f"sheet_{base}" if f"sheet_{base}" in TERMS else base
    text = label(term, lang)
    return f"{text} {qualifier}".strip() if qualifier else text


def _display(frame: pd.DataFrame, lang: Lang, translate_codes: bool) -> pd.DataFrame:
    out = with_code_labels(frame, (*CODE_COLUMNS, *LABEL_COLUMNS), lang) if translate_codes else frame.copy()
    yes, no = label("yes", lang), label("no", lang)
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            flags = out[column]
            words = np.where(flags.fillna(False).to_numpy(dtype=bool), yes, no)
            out[column] = pd.Series(words, index=flags.index, dtype="object").where(flags.notna())
    return out


def write_workbook(
    path: Path,
    sheets: Mapping[str, pd.DataFrame | Printed],
    lang: Lang = "zh",
    translate_codes: bool = True,
) -> Path:
    """Write ``sheets`` (machine sheet name -> frame with machine column names) to ``path``.

    Sheet names are the machine names of docs/operations.md §4 (``plan``, ``province``, ...) shown in
    ``lang`` (:func:`sheet_label`); headers are in ``lang``, code values are translated unless
    ``translate_codes`` is False, flags read yes/no (是/否). Header row frozen, auto-filter on (not on a
    printed sheet with subtotals), widths from the display width of header and values (a CJK
    character counts two), numbers formatted by column (units, shares, money in 元, dates), every
    sheet set up for A4 landscape, one page wide, the header row repeated on each page.
    """
    taken: list[str] = []
    built = []
    for name, given in sheets.items():
        printed = given if isinstance(given, Printed) else Printed(given)
        sheet_name = safe_sheet_name(sheet_label(name, lang), taken)
        taken.append(sheet_name)
        frame = printed.frame
        shown = [c for c in frame.columns if c != ROW_KIND and not str(c).startswith(FLAG_PREFIX)]
        display = _display(frame[shown], lang, translate_codes)
        own = dict(printed.headers)
        headers = [own.get(str(c), label(str(c), lang)) for c in shown]
        kinds = [_column_format(str(c), frame[c]) for c in shown]
        row_kinds = frame[ROW_KIND].reset_index(drop=True) if ROW_KIND in frame.columns else None
        alerts = [frame[f"{FLAG_PREFIX}{c}"].reset_index(drop=True) if f"{FLAG_PREFIX}{c}" in frame.columns else None
                  for c in shown]  # fmt: skip
        built.append(
            Sheet(
                name=sheet_name,
                headers=headers,
                columns=[display[c] for c in shown],
                kinds=kinds,
                widths=[column_width(h, display[c], k) for h, c, k in zip(headers, shown, kinds, strict=True)],
                heading=printed.heading,
                title=printed.title,
                row_kinds=row_kinds,
                alerts=alerts,
                footer=printed.footer,
                freeze_columns=printed.freeze_columns,
                autofilter=row_kinds is None,
                page_header=printed.heading or sheet_name,
            )
        )
    return write_xlsx(Path(path), built)


def _column_format(column: str, series: pd.Series) -> str:
    if column in YEAR_COLUMNS and pd.api.types.is_integer_dtype(series):
        return "year"  # General number format: 2026, not 2,026
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "text"  # shown as yes / no (是 / 否)
    if column in MONEY_COLUMNS and pd.api.types.is_numeric_dtype(series):
        return "money"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "share" if is_share(column) else "float"
    return "text"


def shown_text(series: pd.Series, kind: str) -> pd.Series:
    """The text a spreadsheet shows for each value of ``series`` in format ``kind`` (for widths)."""
    values = series.head(200)
    if kind in ("int", "float", "share", "money"):
        numbers = pd.to_numeric(values, errors="coerce").tolist()
        form = {"int": "{:,.0f}", "float": "{:,.2f}", "share": "{:.1%}", "money": "{:,.0f} 元"}[kind]
        texts = ["" if pd.isna(v) or v in (float("inf"), float("-inf")) else form.format(v) for v in numbers]
    elif kind == "date":
        texts = ["" if blank else "yyyy-mm-dd" for blank in values.isna().tolist()]
    else:
        texts = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values.tolist()]
    return pd.Series(texts, index=values.index, dtype="object")


def column_width(header: str, series: pd.Series, kind: str = "text") -> float:
    """Width of a column: the display width of its header and shown values (CJK counts two) + 2.

    Values are capped at ``MAX_WIDTH`` (long text wraps out of view), the header never: a header is
    always shown whole. A text column with rows but no value (a field to fill in by hand) is
    ``FIELD_WIDTH`` wide.
    """
    # a value is capped at MAX_WIDTH, so its first MAX_WIDTH characters tell its width
    texts = pc.utf8_slice_codeunits(pa.array(shown_text(series, kind).tolist(), type=pa.string()), 0, int(MAX_WIDTH))
    widths = pc.add(pc.utf8_length(texts), pc.count_substring_regex(texts, _WIDE_RE2))  # display_width of each
    longest_value = pc.max(widths).as_py() or 0
    if longest_value:
        value_width = min(longest_value + 2, MAX_WIDTH)
    else:
        value_width = FIELD_WIDTH if len(series) and kind == "text" else 0.0
    return float(max(display_width(header) + 2, value_width, MIN_WIDTH))


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: 2 for a wide (CJK, full-width) character, else 1."""
    return len(text) + len(_WIDE.findall(text))
