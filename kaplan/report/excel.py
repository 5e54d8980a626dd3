"""Excel workbooks for people: translated headers, frozen header row, widths, number formats.

Every text cell is written as an inline string by :mod:`kaplan.report.xlsx`, so nothing from the input
can become a formula, a link or a number. Sheet names are made safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from kaplan.core.glossary import Lang, label, with_code_labels
from kaplan.report.xlsx import Sheet, write_xlsx

# columns whose values are codes to translate for people (machine codes stay in machine columns)
CODE_COLUMNS = ("line", "stage", "lead_class", "source", "tier", "status", "role", "item", "base", "period",
                "segment", "industry", "purchase_method", "attitude", "state", "method", "year")  # fmt: skip
# numbers shown as percentages: ratios by the ending of their machine name (``rate`` alone is money)
SHARE_SUFFIXES = ("share", "progress", "growth", "composite", "coverage", "attainment", "probability",
                  "conversion", "_rate", "tvd", "_error", "attainment_from", "attainment_to")  # fmt: skip
# whole numbers that are calendar years: shown without a thousands separator
YEAR_COLUMNS = ("year",)
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


def _display(frame: pd.DataFrame, lang: Lang, translate_codes: bool) -> pd.DataFrame:
    return with_code_labels(frame, CODE_COLUMNS, lang) if translate_codes else frame.copy()


def write_workbook(
    path: Path,
    sheets: Mapping[str, pd.DataFrame],
    lang: Lang = "zh",
    translate_codes: bool = True,
) -> Path:
    """Write ``sheets`` (machine sheet name -> frame with machine column names) to ``path``.

    Sheet names stay the machine names of docs/operations.md §4 (``plan``, ``province``, ...), headers are in
    ``lang``, code values are translated unless ``translate_codes`` is False. Header row frozen,
    auto-filter on, widths from the content, numbers formatted by column (units, shares, dates).
    """
    taken: list[str] = []
    built = []
    for name, frame in sheets.items():
        sheet_name = safe_sheet_name(name, taken)
        taken.append(sheet_name)
        display = _display(frame, lang, translate_codes)
        columns = list(frame.columns)
        headers = [label(str(c), lang) for c in columns]
        built.append(
            Sheet(
                name=sheet_name,
                headers=headers,
                columns=[display[c] for c in columns],
                kinds=[_column_format(str(c), frame[c]) for c in columns],
                widths=[_width(h, display[c]) for h, c in zip(headers, columns, strict=True)],
            )
        )
    return write_xlsx(Path(path), built)


def _column_format(column: str, series: pd.Series) -> str:
    if column in YEAR_COLUMNS and pd.api.types.is_integer_dtype(series):
        return "year"  # General number format: 2026, not 2,026
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "share" if is_share(column) else "float"
    return "text"


def _width(header: str, series: pd.Series) -> float:
    sample = series.head(200).map(lambda v: "" if v is None else str(v))
    longest = max([len(header), *sample.map(_display_width)], default=8)
    return float(min(max(longest + 2, 8), 60))


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
