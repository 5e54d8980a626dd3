"""A small, fast .xlsx writer: whole columns turned into SpreadsheetML at once.

XlsxWriter and openpyxl write cell by cell in Python: about 10 s per million cells here, too slow
for the national pipeline sheet (84 k open leads x 28 columns). This writer builds each column's
cell XML with vectorised string operations and zips the parts (deterministic: fixed timestamps).
Text held by arrow (the ``str`` dtype) is used without a copy to Python objects, each escaping pass
runs only when some cell needs it, and the next rows are built while the last ones are compressed.
Sheets are deflated by ISA-L (the ``isal`` package), four times faster than zlib at the same size.

Safety by construction: text is always an inline string (``t="inlineStr"``), XML-escaped, with
characters XML forbids encoded as ``_xHHHH_``; nothing is ever written as a formula, so a cell
``=HYPERLINK(...)`` stays text. Text longer than Excel's 32,767 characters is cut, with a warning.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from isal import isal_zlib

log = logging.getLogger(__name__)

MAX_TEXT = 32_767
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")  # CR too: XML would fold it
_FORBIDDEN_RE2 = r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x{fffe}\x{ffff}]"  # the same set, in RE2 syntax
_ESCAPE_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ANY_TO_ESCAPE_RE2 = r"[&<>\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x{fffe}\x{ffff}]|_x"  # what any pass below changes
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# deflate level 1: on the national lead sheet (170 MB of XML) 2.5x faster than the default 6, the file 28 % larger
COMPRESS_LEVEL = 1
# sheets are deflated by ISA-L (``isal``) at its level 1: the same sheet 1.01 s -> 0.24 s of CPU, 21.1 MB
# instead of zlib's 20.9 MB; any zip reader inflates it like any other deflate stream
SHEET_LEVEL = 1

# cell styles: a few fixed ones, then every number kind in every row variant (index into cellXfs)
FIXED_STYLES = {"default": 0, "header": 1, "heading": 2, "label": 3}
KINDS = ("general", "int", "float", "share", "date", "text", "money", "bool")
KIND_ALIASES = {"year": "general"}  # a calendar year: a number in General format (2026, not 2,026)
NUMBER_FORMATS = {"general": 0, "int": 3, "float": 4, "share": 164, "date": 165, "text": 49, "money": 166,
                  "bool": 0}  # fmt: skip
# row variants: ordinary rows, subtotal rows, total rows, and cells flagged as lagging (red)
VARIANTS = ("plain", "subtotal", "total", "alert")
_VARIANT_LOOK = {"plain": (0, 0), "subtotal": (1, 3), "total": (1, 4), "alert": (3, 5)}  # (fontId, fillId)
STYLE_INDEX = {**FIXED_STYLES, **{k: len(FIXED_STYLES) + i for i, k in enumerate(KINDS)}}
MONEY_FORMAT = '#,##0" 元"'


def style_index(kind: str, variant: str = "plain") -> int:
    """The cellXfs index of a cell of ``kind`` (int, share, money, ...) in row ``variant``."""
    kind = KIND_ALIASES.get(kind, kind)
    k = KINDS.index(kind) if kind in KINDS else 0
    return len(FIXED_STYLES) + VARIANTS.index(variant) * len(KINDS) + k


def _styles_xml() -> str:
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
        'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>',
        '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    ]
    for variant in VARIANTS:
        font, fill = _VARIANT_LOOK[variant]
        for kind in KINDS:
            xfs.append(f'<xf numFmtId="{NUMBER_FORMATS[kind]}" fontId="{font}" fillId="{fill}" borderId="0" '
                       'xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>')  # fmt: skip
    plain = "".join(f'<fill><patternFill patternType="{p}"/></fill>' for p in ("none", "gray125"))
    solid = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor indexed="64"/></patternFill></fill>'
        for rgb in ("FFDDE6F0", "FFF2F2F2", "FFD9D9D9", "FFFFC7CE")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/>'
        '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/>'
        f'<numFmt numFmtId="166" formatCode="{_attr(MONEY_FORMAT)}"/></numFmts>'
        '<fonts count="4"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="14"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/></font></fonts>'
        f'<fills count="6">{plain}{solid}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>\n"
    )


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: its name, header texts, and columns with their display kind.

    The optional parts make a sheet for print (docs/operations.md §4): a ``heading`` and a ``title``
    block of (label, value) rows above the header, a ``row_kinds`` marker per data row (``subtotal``
    and ``total`` rows bold on a grey fill), ``alerts`` (per column, a boolean mask of cells filled
    red), ``footer`` lines below the data, ``freeze_columns`` frozen beside the frozen header, and a
    ``page_header`` printed at the top of every page. Every sheet prints on A4 landscape, one page
    wide, with its header row repeated on each page.
    """

    name: str
    headers: Sequence[str]
    columns: Sequence[pd.Series]
    kinds: Sequence[str]  # int, float, share, money, date, text, bool, year (a number in General format)
    widths: Sequence[float]
    heading: str = ""
    title: Sequence[tuple[str, str]] = ()
    row_kinds: pd.Series | None = None  # per data row: "" (plain), "subtotal" or "total"
    alerts: Sequence[pd.Series | None] = ()  # per column: None, or True where the cell is flagged
    footer: Sequence[str] = ()
    freeze_columns: int = 0
    autofilter: bool = True
    page_header: str = ""

    @property
    def header_row(self) -> int:
        """The 1-based row of the column headers: 1, or below the heading, the title block and a blank row."""
        top = (1 if self.heading else 0) + len(self.title)
        return top + 2 if top else 1


def column_letter(index: int) -> str:
    """``0 -> A``, ``25 -> Z``, ``26 -> AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _strings(values: pd.Series) -> pa.Array:
    """Text cells as an arrow string array, null for a blank ('' or missing) cell.

    A column already held by arrow (the ``str`` dtype) is used as it is, without a copy to Python objects.
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        array = pa.array(values.array)  # an array, or a chunked array when pandas holds several chunks
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    else:
        array = pa.array(values.astype("object").where(values.notna(), None), type=pa.string(), from_pandas=True)
    array = pc.cast(array, pa.string())
    return pc.if_else(pc.equal(array, ""), None, array)


def _contains(values: pa.Array, text: str) -> bool:
    return bool(pc.any(pc.match_substring(values, text)).as_py())


def escaped_text(values: pa.Array) -> pa.Array:
    """XML-safe text: ``& < >`` escaped, forbidden characters as ``_xHHHH_``, cut at 32,767.

    Each pass runs only when some cell needs it: one regular expression tells whether any does, then a
    plain substring search which.
    """
    if len(values) and (pc.max(pc.binary_length(values)).as_py() or 0) > MAX_TEXT:  # bytes: at least as many
        too_long = pc.greater(pc.utf8_length(values), MAX_TEXT)
        if pc.any(too_long).as_py():
            log.warning("%d text cell(s) longer than %d characters were cut", pc.sum(too_long).as_py(), MAX_TEXT)
            values = pc.utf8_slice_codeunits(values, 0, MAX_TEXT)
    if not pc.any(pc.match_substring_regex(values, _ANY_TO_ESCAPE_RE2)).as_py():
        return values  # the usual column: one pass tells that no cell needs any of the passes below
    if _contains(values, "_x"):
        values = pc.replace_substring_regex(values, _ESCAPE_LOOKALIKE.pattern, r"_x005F_\1")
    bad = pc.match_substring_regex(values, _FORBIDDEN_RE2)
    if pc.any(bad).as_py():  # rare: encode the few cells one by one
        python = values.to_pylist()
        for i in np.flatnonzero(bad.fill_null(False).to_numpy(zero_copy_only=False)):
            python[i] = _FORBIDDEN.sub(lambda m: f"_x{ord(m.group(0)):04X}_", python[i])
        values = pa.array(python, type=pa.string())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if _contains(values, char):
            values = pc.replace_substring(values, char, entity)
    return values


def _number_text(values: pd.Series) -> pa.Array:
    """Numbers as XML text (shortest round-trip form), null for blank, NaN and inf."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(numbers)
    return pc.cast(pa.array(np.where(finite, numbers, 0.0), mask=~finite), pa.string())


def _values(series: pd.Series, kind: str) -> tuple[str, pa.Array, str]:
    """The cell XML around the value (type attribute on), and the value of every cell of one column
    (null for a blank cell)."""
    if kind == "text":
        return ' t="inlineStr"><is><t xml:space="preserve">', escaped_text(_strings(series)), "</t></is></c>"
    if kind == "bool":
        blank = series.isna().to_numpy()
        flags = np.where(series.fillna(False).astype(bool).to_numpy(), "1", "0")
        return ' t="b"><v>', pa.array(flags, mask=blank), "</v></c>"
    if kind == "date":
        stamps = pd.to_datetime(series, errors="coerce")
        days = (stamps.to_numpy().astype("datetime64[D]") - EXCEL_EPOCH).astype("int64")
        return "><v>", pc.cast(pa.array(days, mask=stamps.isna().to_numpy()), pa.string()), "</v></c>"
    return "><v>", _number_text(series), "</v></c>"


def column_cells(series: pd.Series, kind: str, letter: str, rows: pa.Array, styles: pa.Array | str | None = None
                 ) -> pa.Array:  # fmt: skip
    """The ``<c>`` element of every cell of one column (null for a blank cell).

    ``styles``: the cellXfs index of each cell as text, or one for all (default: the plain style of ``kind``).
    """
    style = styles if styles is not None else str(style_index(kind))
    opening, content, closing = _values(series, kind)
    return pc.binary_join_element_wise('<c r="', letter, rows, '" s="', style, '"', opening, content, closing, "")


def _variant_codes(sheet: Sheet, start: int, stop: int) -> np.ndarray | None:
    """Per data row of ``start .. stop - 1``: the index of its variant (plain, subtotal, total) in VARIANTS;
    None when every row is plain."""
    if sheet.row_kinds is None:
        return None
    kinds = sheet.row_kinds.iloc[start:stop].fillna("").astype("str").to_numpy()
    return np.select([kinds == "subtotal", kinds == "total"], [1, 2], default=0)


def _column_styles(sheet: Sheet, j: int, variants: np.ndarray | None, start: int, stop: int) -> pa.Array | str:
    """The cellXfs index of every cell of column ``j`` in rows ``start .. stop - 1`` as text (one text when
    every cell has the same)."""
    kind = KIND_ALIASES.get(sheet.kinds[j], sheet.kinds[j])
    base = len(FIXED_STYLES) + (KINDS.index(kind) if kind in KINDS else 0)
    alert = sheet.alerts[j] if j < len(sheet.alerts) else None
    if alert is None and variants is None:
        return str(base)
    codes = variants if variants is not None else np.zeros(stop - start, dtype="int64")
    if alert is not None:
        flagged = alert.iloc[start:stop].fillna(False).astype(bool).to_numpy()
        codes = np.where(flagged, VARIANTS.index("alert"), codes)
    texts = pa.array([str(base + v * len(KINDS)) for v in range(len(VARIANTS))])
    return pc.take(texts, pa.array(codes))


def _joined(text: pa.Array) -> pa.Buffer:
    """The UTF-8 bytes of every text of a string array without nulls, one after the other."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=len(text) + 1, offset=4 * text.offset)
    return text.buffers()[2][int(offsets[0]) : int(offsets[-1])]


def _rows_xml(sheet: Sheet, start: int, stop: int) -> pa.Buffer:
    """``<row>`` elements of data rows ``start`` .. ``stop - 1`` (0-based, header excluded), as UTF-8."""
    first = sheet.header_row + 1
    rows = pc.cast(pa.array(np.arange(start + first, stop + first)), pa.string())
    letters = [column_letter(j) for j in range(len(sheet.headers))]
    variants = _variant_codes(sheet, start, stop)
    cells = [
        column_cells(series.iloc[start:stop], kind, letter, rows, _column_styles(sheet, j, variants, start, stop))
        for j, (series, kind, letter) in enumerate(zip(sheet.columns, sheet.kinds, letters, strict=True))
    ]
    row_xml = pc.binary_join_element_wise(
        '<row r="', rows, '">', *cells, "</row>", "", null_handling="replace", null_replacement=""
    )
    return _joined(row_xml)


def _text_cell(ref: str, text: str, style: int) -> str:
    escaped = escaped_text(pa.array([text], type=pa.string()))[0].as_py()
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>'


def _top_rows(sheet: Sheet) -> str:
    """The heading and the title block (label in A, value in B) above the header row."""
    rows, r = [], 1
    if sheet.heading:
        rows.append(f'<row r="1">{_text_cell("A1", sheet.heading, FIXED_STYLES["heading"])}</row>')
        r = 2
    for label, value in sheet.title:
        cells = _text_cell(f"A{r}", label, FIXED_STYLES["label"]) + _text_cell(f"B{r}", value, style_index("text"))
        rows.append(f'<row r="{r}">{cells}</row>')
        r += 1
    return "".join(rows)


def _footer_rows(sheet: Sheet, after: int) -> str:
    """The footer lines, one per row in column A, after a blank row below row ``after``."""
    return "".join(f'<row r="{after + 2 + i}">{_text_cell(f"A{after + 2 + i}", line, style_index("text"))}</row>'
                   for i, line in enumerate(sheet.footer) if line)  # fmt: skip


def _pane(sheet: Sheet) -> str:
    rows, columns = sheet.header_row, sheet.freeze_columns
    top_left = f"{column_letter(columns)}{rows + 1}"
    x_split = f'xSplit="{columns}" ' if columns else ""
    active = "bottomRight" if columns else "bottomLeft"
    return f'<pane {x_split}ySplit="{rows}" topLeftCell="{top_left}" activePane="{active}" state="frozen"/>'


def _page_xml(sheet: Sheet) -> str:
    """Print setup: gridlines, margins, A4 landscape one page wide, a page header and page numbers."""
    header = f"<oddHeader>&amp;L{_attr(sheet.page_header)}</oddHeader>" if sheet.page_header else ""
    return (
        '<printOptions gridLines="1"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f'<headerFooter>{header}<oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter>'
    )


def sheet_xml_parts(sheet: Sheet, chunk_rows: int = 5_000) -> Iterator[bytes | pa.Buffer]:
    """The worksheet XML in UTF-8 pieces, ``chunk_rows`` data rows at a time (bounded memory: the national lead
    sheet holds ~100 MB less at 5,000 rows than at 20,000, for ~10 % more time, benchmarks/RESULTS.md)."""
    n_rows = len(sheet.columns[0]) if sheet.columns else 0
    h = sheet.header_row
    letters = [column_letter(j) for j in range(len(sheet.headers))]
    headers = escaped_text(pa.array([str(x) for x in sheet.headers], type=pa.string())).to_pylist()
    header_cells = "".join(
        f'<c r="{letter}{h}" t="inlineStr" s="{FIXED_STYLES["header"]}"><is><t xml:space="preserve">{text}</t></is></c>'
        for letter, text in zip(letters, headers, strict=True)
    )
    cols = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{w:.1f}" customWidth="1"/>' for j, w in enumerate(sheet.widths)
    )
    last_data = h + n_rows
    last_row = last_data + (len(sheet.footer) + 1 if sheet.footer else 0)
    last_column = letters[-1] if letters else "A"
    if sheet.title and last_column == "A":
        last_column = "B"
    table = f"A{h}:{letters[-1]}{max(last_data, h + 1)}" if letters else f"A{h}"
    yield "".join(
        [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="A1:{last_column}{max(last_row, h + 1)}"/>',
            f'<sheetViews><sheetView workbookViewId="0">{_pane(sheet)}</sheetView></sheetViews>',
            f"<cols>{cols}</cols>" if cols else "",
            f'<sheetData>{_top_rows(sheet)}<row r="{h}">{header_cells}</row>',
        ]
    ).encode("utf-8")
    for start in range(0, n_rows, chunk_rows):
        yield _rows_xml(sheet, start, min(start + chunk_rows, n_rows))
    yield (
        _footer_rows(sheet, last_data)
        + "</sheetData>"
        + (f'<autoFilter ref="{table}"/>' if letters and sheet.autofilter else "")
        + _page_xml(sheet)
        + "</worksheet>"
    ).encode("utf-8")


def _quoted(name: str) -> str:
    """A sheet name quoted for a defined name (sheet names never hold a single quote)."""
    return "'" + name.replace("'", "''") + "'"


def _workbook_parts(sheets: Sequence[Sheet]) -> dict[str, str]:
    names = [s.name for s in sheets]
    listed = "".join(f'<sheet name="{_attr(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    titles = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
        f"{_attr(_quoted(s.name))}!${s.header_row}:${s.header_row}</definedName>"
        for i, s in enumerate(sheets)
    )
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
        f"<sheets>{listed}</sheets>" + (f"<definedNames>{titles}</definedNames>" if titles else "") + "</workbook>",
        "xl/_rels/workbook.xml.rels": head
        + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        "xl/styles.xml": _styles_xml(),
    }


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` as one .xlsx file (same input, same bytes)."""
    parts = _workbook_parts(sheets)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), text, compress_type=zipfile.ZIP_DEFLATED,
                             compresslevel=COMPRESS_LEVEL)  # fmt: skip
        for i, sheet in enumerate(sheets, 1):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # a member opened from a ZipInfo takes the level of the ZipInfo, not of the archive (the
            # attribute is ``compress_level`` from Python 3.13, which keeps this name as an alias)
            info._compresslevel = COMPRESS_LEVEL
            with archive.open(info, "w", force_zip64=True) as member:
                # zipfile has no hook for another deflate implementation: the member's compressor is
                # swapped before its first byte (zipfile still writes the CRC, sizes and headers)
                member._compressor = isal_zlib.compressobj(SHEET_LEVEL, isal_zlib.DEFLATED, -15)
                for part in _built_ahead(sheet_xml_parts(sheet)):
                    member.write(part)
    return path


def _built_ahead(parts: Iterator[bytes | pa.Buffer]) -> Iterator[bytes | pa.Buffer]:
    """``parts`` in order, the next one built in a second thread while the caller compresses this one
    (arrow and zlib both release the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(next, parts, None)
        while (part := ahead.result()) is not None:
            ahead = pool.submit(next, parts, None)
            yield part
