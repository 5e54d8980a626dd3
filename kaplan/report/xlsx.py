"""A small, fast .xlsx writer: whole columns turned into SpreadsheetML at once.

XlsxWriter and openpyxl write cell by cell in Python: about 10 s per million cells here, too slow
for the national pipeline sheet (84 k open leads x 28 columns). This writer builds each column's
cell XML with vectorised string operations and zips the parts (deterministic: fixed timestamps).

Safety by construction: text is always an inline string (``t="inlineStr"``), XML-escaped, with
characters XML forbids encoded as ``_xHHHH_``; nothing is ever written as a formula, so a cell
``=HYPERLINK(...)`` stays text. Text longer than Excel's 32,767 characters is cut, with a warning.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

MAX_TEXT = 32_767
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")  # CR too: XML would fold it
_FORBIDDEN_RE2 = r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x{fffe}\x{ffff}]"  # the same set, in RE2 syntax
_ESCAPE_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# cell styles (index into cellXfs of STYLES)
STYLE_INDEX = {"default": 0, "header": 1, "int": 2, "float": 3, "share": 4, "date": 5, "text": 6}

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/>
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">
<alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: its name, header texts, and columns with their display kind."""

    name: str
    headers: Sequence[str]
    columns: Sequence[pd.Series]
    kinds: Sequence[str]  # int, float, share, date, text, bool, year (a number in General format)
    widths: Sequence[float]


def column_letter(index: int) -> str:
    """``0 -> A``, ``25 -> Z``, ``26 -> AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _strings(values: pd.Series) -> pa.Array:
    """Text cells as an arrow string array ('' for blank)."""
    array = pa.array(values.astype("object").where(values.notna(), ""), type=pa.string(), from_pandas=True)
    return pc.fill_null(array, "")


def escaped_text(values: pa.Array) -> pa.Array:
    """XML-safe text: ``& < >`` escaped, forbidden characters as ``_xHHHH_``, cut at 32,767."""
    too_long = pc.greater(pc.utf8_length(values), MAX_TEXT)
    if pc.any(too_long).as_py():
        log.warning("%d text cell(s) longer than %d characters were cut", pc.sum(too_long).as_py(), MAX_TEXT)
        values = pc.utf8_slice_codeunits(values, 0, MAX_TEXT)
    values = pc.replace_substring_regex(values, _ESCAPE_LOOKALIKE.pattern, r"_x005F_\1")
    bad = pc.match_substring_regex(values, _FORBIDDEN_RE2)
    if pc.any(bad).as_py():  # rare: encode the few cells one by one
        python = values.to_pylist()
        for i in np.flatnonzero(bad.to_numpy(zero_copy_only=False)):
            python[i] = _FORBIDDEN.sub(lambda m: f"_x{ord(m.group(0)):04X}_", python[i])
        values = pa.array(python, type=pa.string())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, char, entity)
    return values


def _number_text(values: pd.Series) -> pa.Array:
    """Numbers as XML text (shortest round-trip form), '' for blank, NaN and inf."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(numbers)
    text = pc.cast(pa.array(np.where(finite, numbers, 0.0)), pa.string())
    return pc.if_else(pa.array(finite), text, "")


def column_cells(series: pd.Series, kind: str, letter: str, rows: pa.Array) -> pa.Array:
    """The ``<c>`` element of every cell of one column ('' for a blank cell)."""
    series = series.reset_index(drop=True)
    ref = pc.binary_join_element_wise(letter, rows, "")
    if kind == "text":
        raw = _strings(series)
        present = pc.not_equal(raw, "")
        cells = pc.binary_join_element_wise(
            '<c r="', ref, '" t="inlineStr"><is><t xml:space="preserve">', escaped_text(raw), "</t></is></c>", ""
        )
        return pc.if_else(present, cells, "")
    if kind == "bool":
        present = pa.array(series.notna().to_numpy())
        flags = pa.array(np.where(series.fillna(False).astype(bool).to_numpy(), "1", "0"))
        return pc.if_else(present, pc.binary_join_element_wise('<c r="', ref, '" t="b"><v>', flags, "</v></c>", ""), "")
    if kind == "date":
        stamps = pd.to_datetime(series, errors="coerce")
        present = pa.array(stamps.notna().to_numpy())
        days = (stamps.to_numpy().astype("datetime64[D]") - EXCEL_EPOCH).astype("int64")
        cells = pc.binary_join_element_wise(
            '<c r="', ref, f'" s="{STYLE_INDEX["date"]}"><v>', pc.cast(pa.array(days), pa.string()), "</v></c>", ""
        )
        return pc.if_else(present, cells, "")
    text = _number_text(series)
    style = STYLE_INDEX.get(kind, 0)
    cells = pc.binary_join_element_wise('<c r="', ref, f'" s="{style}"><v>', text, "</v></c>", "")
    return pc.if_else(pc.not_equal(text, ""), cells, "")


def _rows_xml(sheet: Sheet, start: int, stop: int) -> str:
    """``<row>`` elements of data rows ``start`` .. ``stop - 1`` (0-based, header excluded)."""
    rows = pa.array(np.arange(start + 2, stop + 2).astype(str))
    letters = [column_letter(j) for j in range(len(sheet.headers))]
    cells = [column_cells(series.iloc[start:stop], kind, letter, rows)
             for series, kind, letter in zip(sheet.columns, sheet.kinds, letters, strict=True)]  # fmt: skip
    row_xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "")
    return "".join(row_xml.to_numpy(zero_copy_only=False).tolist())


def sheet_xml_parts(sheet: Sheet, chunk_rows: int = 20_000) -> Iterator[str]:
    """The worksheet XML in pieces, ``chunk_rows`` data rows at a time (bounded memory)."""
    n_rows = len(sheet.columns[0]) if sheet.columns else 0
    letters = [column_letter(j) for j in range(len(sheet.headers))]
    headers = escaped_text(pa.array([str(h) for h in sheet.headers], type=pa.string())).to_pylist()
    header_cells = "".join(
        f'<c r="{letter}1" t="inlineStr" s="{STYLE_INDEX["header"]}"><is><t xml:space="preserve">{text}</t></is></c>'
        for letter, text in zip(letters, headers, strict=True)
    )
    cols = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{w:.1f}" customWidth="1"/>' for j, w in enumerate(sheet.widths)
    )
    last = f"{letters[-1]}{max(n_rows + 1, 2)}" if letters else "A1"
    pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    yield "".join(
        [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            f'<dimension ref="A1:{last}"/>',
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>',
            f"<cols>{cols}</cols>" if cols else "",
            f'<sheetData><row r="1">{header_cells}</row>',
        ]
    )
    for start in range(0, n_rows, chunk_rows):
        yield _rows_xml(sheet, start, min(start + chunk_rows, n_rows))
    yield "</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if letters else "") + "</worksheet>"


def _workbook_parts(names: Sequence[str]) -> dict[str, str]:
    sheets = "".join(f'<sheet name="{_attr(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    k = len(names) + 1
    rels += (
        f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/>'
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": head
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head
        + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": head
        + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        "xl/styles.xml": STYLES,
    }


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` as one .xlsx file (same input, same bytes)."""
    parts = _workbook_parts([s.name for s in sheets])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), text, compress_type=zipfile.ZIP_DEFLATED)
        for i, sheet in enumerate(sheets, 1):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                for part in sheet_xml_parts(sheet):
                    member.write(part.encode("utf-8"))
    return path
