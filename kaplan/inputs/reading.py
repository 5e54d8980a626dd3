"""Find and read the input tables of a folder as text, exactly as a planner sees them.

A table ``NAME`` is one of ``NAME.csv``, ``NAME.xlsx`` or ``NAME.parquet`` in the input folder.
Every cell is read as text, so nothing is silently converted (``'00123'`` stays ``'00123'``):

- CSV: UTF-8 (a byte-order mark is dropped), read by pyarrow with every column as a string; an
  empty line stays an (all blank) row so row numbers match the spreadsheet. A file that is not
  UTF-8 but decodes as GB18030 (which contains GBK, the default of Excel's "CSV" on Chinese
  Windows) is read as such, with one warning; anything else is refused;
- xlsx: the sheet named ``NAME``, else the first visible sheet, read by calamine (Rust) after a
  safety check of the zip directory (:func:`xlsx_precheck`) and a bounded scan of the sheet's XML
  (:func:`scan_sheet`: extent, merged cells, whether it holds formulas); only a sheet with
  formulas is opened a second time, by openpyxl, to find the formula cells without a saved value.
  The header is the first non-empty row; datetime cells become ``YYYY-MM-DD`` (or
  ``YYYY-MM-DD HH:MM:SS`` when they carry a time), whole numbers their digits, other numbers their
  shortest repr (so an Excel serial date stored as a number reads ``'45352'`` and is named);
- parquet: pyarrow, every column turned to text the same way.

The result is a :class:`RawTable`: headers as written and a frame of ``str`` cells (``""`` for
blank) with positional column labels ``0..n-1``, indexed by the row a spreadsheet shows
(header = row 1 for CSV and parquet, the header's sheet row for xlsx). Problems found while
reading (not UTF-8, formulas without a saved value, merged cells, an unsafe xlsx) are returned
with it; :mod:`kaplan.inputs.validate` checks the content.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import python_calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from kaplan.core.errors import Problem

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook, SheetMetadata

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx", ".parquet")
BOM = b"\xef\xbb\xbf"

# xlsx safety limits (checked on the zip directory and a bounded scan, before any parsing)
MAX_UNCOMPRESSED_BYTES = 1 << 29  # 512 MiB of XML in total
MAX_COMPRESSION_RATIO = 200  # per entry larger than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1 << 20
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 1_000  # the widest table has 14 columns
MAX_CELLS = 30_000_000  # rows x columns of the sheet's extent
PROLOG_BYTES = 1 << 16  # how much of each XML entry is searched for entity declarations
SCAN_CHUNK = 1 << 22

# the reference of every cell (``r="B7"``) and row (``r="7"``); an unrelated attribute whose name
# ends in r can only raise the extent found, never hide a cell
_REF = re.compile(rb"r=[\"']([A-Z]{0,4})([0-9]{1,9})[\"']")
# a reference outside A1:Z999999 (two or more column letters, or a row number of seven digits or
# more): a sheet without one spans at most 26 x 999,999 cells, inside every limit above, so only a
# sheet with one needs its exact extent (a second pass); tests/inputs/test_reading.py pins the bound
_FAR_REF = re.compile(rb"r=[\"'](?:[A-Z]{2,4}[0-9]{1,9}|[A-Z]?[0-9]{7,9})[\"']")
NEAR_COLUMNS, NEAR_ROWS = 26, 999_999
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,4})?([0-9]{1,9})?:?([A-Z]{1,4})?([0-9]{1,9})?"')
_FORMULA = re.compile(rb"<f[\s>/]")
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,4})([0-9]{1,9}):([A-Z]{1,4})([0-9]{1,9})"')
_ENTITY = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class RawTable:
    """One input table as text. ``frame`` is ``None`` when the file could not be read at all."""

    name: str
    path: Path
    frame: pd.DataFrame | None
    headers: tuple[str, ...] = ()
    sheet: str | None = None
    header_row: int = 1
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def location(self) -> str:
        """Where the table was read from, as a person would name it."""
        return f"file {self.path}" + (f", sheet {self.sheet}" if self.sheet else "")

    def missing_column(self, column: str) -> str:
        """The problem of a contract column this table lacks."""
        return f"expected a column headed {column!r}, found none: add it to the header row"


def table_files(data_dir: Path, names: Iterable[str]) -> dict[str, list[Path]]:
    """For each table name, the files in ``data_dir`` that hold it (any supported suffix)."""
    present = {p.name.lower(): p for p in data_dir.iterdir() if p.is_file()}
    return {name: [present[f"{name}{suffix}"] for suffix in SUFFIXES if f"{name}{suffix}" in present] for name in names}


def read_table(name: str, path: Path) -> RawTable:
    """The table ``name`` read as text from ``path`` (csv, xlsx or parquet)."""
    readers = {".csv": read_csv_text, ".xlsx": read_xlsx_text, ".parquet": read_parquet_text}
    try:
        return readers[path.suffix.lower()](name, path)
    except OSError as exc:
        return _unreadable(
            name, path, f"the file cannot be read ({exc.strerror or exc}): check it exists and is not locked"
        )


def _unreadable(name: str, path: Path, message: str, sheet: str | None = None) -> RawTable:
    return RawTable(name, path, None, sheet=sheet, problems=(Problem(name, None, None, message),))


# --- CSV -------------------------------------------------------------------------------------


def read_csv_text(name: str, path: Path) -> RawTable:
    data = path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data[: 1 << 16].strip() and not data.strip():
        return RawTable(name, path, _text_frame([], 2), headers=())
    try:
        return _csv_from_utf8(name, path, data)
    except UnicodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        return _unreadable(name, path, _not_text_message(data, exc))
    warning = Problem(name, None, None, GB18030_WARNING)
    raw = _csv_from_utf8(name, path, text.encode("utf-8"))
    return dataclasses.replace(raw, warnings=(*raw.warnings, warning))


GB18030_WARNING = (
    "the file is not UTF-8: read as GBK/GB18030 (Excel's 'CSV' on Chinese Windows); "
    "save it as 'CSV UTF-8' to be sure every character is read as written"
)


BLANK_CSV_HEADER = (
    "expected the header (the column names) in row 1, found an empty line: delete the lines above the header"
)


def _csv_from_utf8(name: str, path: Path, data: bytes) -> RawTable:
    """The table of CSV bytes; raises :class:`UnicodeError` when they are not UTF-8."""
    headers = _csv_header(data)
    if headers is None:
        raise UnicodeError("header not UTF-8")
    if not any(h.strip() for h in headers):
        return RawTable(name, path, None, problems=(Problem(name, 1, None, BLANK_CSV_HEADER),))
    columns = [f"c{i}" for i in range(len(headers))]
    rejected: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        rejected.append(row.text)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=columns, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                ignore_empty_lines=False, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        data.decode("utf-8")  # raises UnicodeDecodeError when that was the cause
        return _unreadable(name, path, f"the file could not be read as CSV ({exc}): check its quotes")
    if rejected:
        return _csv_ragged(name, path, data)
    frame = table.to_pandas()
    frame.columns = range(len(headers))
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return RawTable(name, path, frame, headers=tuple(headers))


def _not_text_message(data: bytes, gb_error: UnicodeDecodeError) -> str:
    """Why bytes that are neither UTF-8 nor GB18030 are refused, naming the line of the first bad byte.

    The line is the one where the reading got further (UTF-8 or GB18030): that is the encoding the
    file was most likely meant to be in, and the bad byte there is the one to look at.
    """
    try:
        data.decode("utf-8")
        utf8_at = len(data)
    except UnicodeDecodeError as exc:
        utf8_at = exc.start
    at = max(utf8_at, gb_error.start)
    line = data[:at].count(b"\n") + 1
    return (
        f"the file is neither UTF-8 nor GBK/GB18030 text (first bad byte on line {line}): "
        "save it as 'CSV UTF-8' and run again"
    )


def _csv_ragged(name: str, path: Path, data: bytes) -> RawTable:
    """A CSV whose lines do not all have the header's number of values (slow path, exact rows).

    A short line is padded with blank cells; a line with more values than the header is a problem.
    """
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    headers = records[0]
    width = len(headers)
    problems = tuple(
        Problem(
            name,
            row,
            None,
            f"expected {width} values as in the header, found {len(values)}: "
            "check the separators and quotes of this line",
        )
        for row, values in enumerate(records[1:], start=2)
        if len(values) > width and any(v.strip() for v in values[width:])
    )
    body = [values[:width] + [""] * (width - len(values)) for values in records[1:]]
    frame = _text_frame(body, 2, width)
    return RawTable(name, path, frame, headers=tuple(headers), problems=problems)


def _csv_header(data: bytes) -> list[str] | None:
    """The header row (the first line), or None when it is not UTF-8."""
    end = data.find(b"\n")
    try:
        line = data[: end if end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    return next(csv.reader([line]), [])


def _text_frame(rows: list[list[str]], first_row: int, width: int = 0) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=range(width), dtype="str")
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


# --- xlsx ------------------------------------------------------------------------------------


def column_index(letters: bytes | str) -> int:
    """1-based column number of spreadsheet column letters (``A`` = 1, ``XFD`` = 16384)."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letters(index: int) -> str:
    """Spreadsheet letters of 1-based column ``index``."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_precheck(path: Path) -> list[str]:
    """Reasons to refuse ``path`` before parsing it: zip directory and XML prologs only.

    Rejects a file that is not a zip, whose entries would inflate beyond
    ``MAX_UNCOMPRESSED_BYTES`` in total or by more than ``MAX_COMPRESSION_RATIO`` each, or whose
    XML declares a DOCTYPE or entities (entity expansion).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            total = sum(entry.file_size for entry in entries)
            if total > MAX_UNCOMPRESSED_BYTES:
                return [
                    f"the file would unpack to {total / 2**20:,.0f} MiB (limit "
                    f"{MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MiB): save the table as CSV UTF-8 instead"
                ]
            for entry in entries:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if entry.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    return [
                        f"part {entry.filename} unpacks {ratio:,.0f} times its stored size "
                        "(a zip bomb?): save the table again from Excel or as CSV UTF-8"
                    ]
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as handle:
                        if _ENTITY.search(handle.read(PROLOG_BYTES)):
                            return [
                                f"part {entry.filename} declares XML entities (DOCTYPE), which "
                                "Excel never writes: save the table again from Excel or as CSV UTF-8"
                            ]
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"not a readable .xlsx file ({exc}): save it again from Excel as .xlsx"]
    return []


@dataclass(frozen=True)
class SheetScan:
    """What a bounded scan of a sheet's XML found (before any cell is parsed)."""

    max_row: int  # an upper bound: 999,999 when no reference is outside A1:Z999999
    max_column: int  # an upper bound: 26 likewise
    has_formulas: bool
    merged: tuple[tuple[int, int, int, int], ...]  # (first row, first col, last row, last col)


def scan_sheet(archive: zipfile.ZipFile, member: str) -> SheetScan | str:
    """The extent, formulas and merged ranges of a sheet, or why it is refused.

    The declared ``<dimension>`` is checked first, then the sheet's XML is streamed (bounded by the
    zip pre-check) looking for formulas, merged ranges and any reference outside A1:Z999999. Only a
    sheet holding such a far reference is scanned a second time, reference by reference, stopping
    as soon as a limit is passed (:func:`exact_extent`). This scan is what keeps a far stray cell
    from reaching calamine, which would allocate the whole rectangle up to it (a cell at XFD1048576
    asks for 512 GiB and aborts the process). One regex search per chunk instead of a match object
    per cell makes the scan of a national sales sheet (300 MB of XML) about four times faster.
    """
    has_formulas = far = False
    merged: list[tuple[int, int, int, int]] = []
    for index, block in enumerate(_blocks(archive, member)):
        if index == 0:
            refused = _declared_too_big(block)
            if refused:
                return refused
        far = far or bool(_FAR_REF.search(block))
        # plain substring tests first: a sheet without formulas or merges costs no regex pass
        has_formulas = has_formulas or (b"<f" in block and bool(_FORMULA.search(block)))
        if b"<mergeCell" in block:
            merged.extend(
                (int(r1), column_index(c1), int(r2), column_index(c2)) for c1, r1, c2, r2 in _MERGE.findall(block)
            )
    extent = exact_extent(archive, member) if far else (NEAR_ROWS, NEAR_COLUMNS)
    if isinstance(extent, str):
        return extent
    return SheetScan(*extent, has_formulas, tuple(dict.fromkeys(merged)))


def exact_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int] | str:
    """The largest row and column referenced in a sheet, or why it is refused as soon as a limit is passed."""
    max_row = max_col = 0
    for block in _blocks(archive, member):
        refs = _REF.findall(block)
        if refs:
            max_col = max(max_col, *(column_index(c) for c in {c for c, _ in refs}))
            max_row = max(max_row, *map(int, {r for _, r in refs}))
        refused = _extent_refused(max_row, max_col)
        if refused:
            return refused
    return max_row, max_col


def _blocks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes in chunks of ``SCAN_CHUNK``; a tag cut at a chunk's end is carried into the next."""
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(SCAN_CHUNK):
            block = tail + chunk
            yield block
            cut = block.rfind(b"<")
            tail = block[cut:] if cut >= 0 and len(block) - cut < 4096 else b""


def _declared_too_big(head: bytes) -> str | None:
    found = _DIMENSION.search(head[:PROLOG_BYTES])
    if not found:
        return None
    last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    if not (last_col and last_row):
        return None
    return _extent_refused(int(last_row), column_index(last_col), declared=True)


def _extent_refused(rows: int, columns: int, declared: bool = False) -> str | None:
    if rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS:
        return None
    how = "declares" if declared else "has"
    return (
        f"the sheet {how} cells up to {column_letters(columns)}{rows} ({rows:,} rows x {columns:,} "
        f"columns; limits {MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns, {MAX_CELLS:,} cells): "
        "delete the stray cells far outside the table, or save it as CSV UTF-8"
    )


def read_xlsx_text(name: str, path: Path) -> RawTable:
    refused = xlsx_precheck(path)
    if refused:
        return _unreadable(name, path, refused[0])
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine and the zip/XML readers raise many types for a damaged file
        return _unreadable(name, path, f"not a readable .xlsx file ({exc}): save it again from Excel")
    try:
        return _read_book(name, path, book, parts)
    except (DefusedXmlException, ParseError, ValueError, KeyError, zipfile.BadZipFile,
            python_calamine.CalamineError) as exc:  # fmt: skip
        return _unreadable(name, path, f"not a readable .xlsx file ({exc!r}): save it again from Excel")
    finally:
        book.close()


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the zip (``xl/worksheets/sheet1.xml``), from the workbook's relations."""
    book = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _pick_sheet(name: str, book: CalamineWorkbook) -> tuple[SheetMetadata | None, list[Problem]]:
    """The sheet named like the table (hidden or not), else the first visible sheet; with notes."""
    sheets = [m for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    visible = python_calamine.SheetVisibleEnum.Visible
    named = [m for m in sheets if m.name.strip().lower() == name]
    if named:
        hidden = named[0].visible != visible
        note = Problem(name, None, None, f"sheet {named[0].name} is hidden; it was read because of its name")
        return named[0], [note] if hidden else []
    shown = [m for m in sheets if m.visible == visible]
    if not shown:
        return None, []
    skipped = [m.name for m in sheets[: sheets.index(shown[0])]]
    note = Problem(name, None, None, f"hidden sheet(s) {', '.join(skipped)} skipped; read sheet {shown[0].name}")
    return shown[0], [note] if skipped else []


def _read_book(name: str, path: Path, book: CalamineWorkbook, parts: dict[str, str]) -> RawTable:
    meta, notes = _pick_sheet(name, book)
    if meta is None:
        return _unreadable(name, path, "the workbook has no visible sheet: unhide the sheet with the table")
    with zipfile.ZipFile(path) as archive:
        scan = scan_sheet(archive, parts[meta.name])
    if isinstance(scan, str):
        return _unreadable(name, path, scan, sheet=meta.name)
    formulas = _formula_cells(path, meta.name) if scan.has_formulas else []
    values = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
    header_at = next((i for i, row in enumerate(values) if any(v != "" for v in row)), None)
    if header_at is None:
        return RawTable(name, path, _text_frame([], 2), sheet=meta.name, warnings=tuple(notes))
    headers = _trimmed(tuple(_cell_text(v) for v in values[header_at]))
    first_row = header_at + 2
    # calamine ends at the last row holding a value: keep the rows of formula cells without one
    height = max(len(values) - header_at - 1, max((r for r, _ in formulas), default=0) - first_row + 1)
    columns = body_columns(values[header_at + 1 :], height)
    del values
    width = len(headers)
    columns += [[""] * height for _ in range(width - len(columns))]
    frame = pd.DataFrame(
        {i: pd.Series(pa.array(column, type=pa.string()), dtype="str") for i, column in enumerate(columns[:width])},
        columns=range(width),
    )
    frame.index = pd.RangeIndex(first_row, first_row + height)
    problems = _merge_problems(name, scan, headers) + _formula_problems(name, frame, headers, formulas)
    return RawTable(
        name,
        path,
        frame,
        headers=headers,
        sheet=meta.name,
        header_row=header_at + 1,
        problems=tuple(problems),
        warnings=tuple(notes + _stray_values(name, columns[width:], width, first_row)),
    )


def body_columns(rows: list[list[object]], height: int) -> list[list[str]]:
    """The cells below the header as text, column by column, each ``height`` long.

    Calamine gives a rectangle of Python values; each column is converted once per distinct value
    (a sales column of a million cells holds about a thousand distinct dates).
    """
    width = max(map(len, rows), default=0)
    if any(len(row) != width for row in rows):  # calamine gives a rectangle; pad anything else
        rows = [[*row, *[""] * (width - len(row))] for row in rows]
    grid = np.empty((len(rows), width), dtype=object)  # references to the cells, read column by column
    if rows and width:
        grid[:, :] = rows
    columns = [column_text(grid[:, j]) for j in range(grid.shape[1])]
    missing = height - len(rows)
    return [column + [""] * missing for column in columns] if missing > 0 else columns


def column_text(values: Sequence[object] | np.ndarray) -> list[str]:
    """A column of cell values as text (:func:`_cell_text`), each distinct value converted once."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return values.tolist() if isinstance(values, np.ndarray) else list(values)  # type: ignore[arg-type]
    if bool in kinds:  # True == 1 == 1.0: convert cell by cell
        return [_cell_text(v) for v in values]
    texts = {v: _cell_text(v) for v in set(values)}
    return list(map(texts.__getitem__, values))


def _trimmed(header: tuple[str, ...]) -> tuple[str, ...]:
    end = len(header)
    while end and not header[end - 1].strip():
        end -= 1
    return tuple(header[:end])


def _stray_values(name: str, beyond: list[list[str]], width: int, first_row: int) -> list[Problem]:
    """A warning naming the first row with a value right of the last headed column (``beyond``)."""
    at = min((next((i for i, v in enumerate(column) if v), None) for column in beyond), key=_none_last, default=None)
    if at is None:
        return []
    message = "values right of the last headed column were ignored: give them a header or delete them"
    return [Problem(name, first_row + at, column_letters(width + 1), message)]


def _none_last(value: int | None) -> float:
    return float("inf") if value is None else value


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _merge_problems(name: str, scan: SheetScan, headers: tuple[str, ...]) -> list[Problem]:
    return [
        Problem(
            name,
            r1,
            headers[c1 - 1] if c1 <= len(headers) else column_letters(c1),
            f"expected one value per cell, found merged cells {column_letters(c1)}{r1}:"
            f"{column_letters(c2)}{r2}: unmerge them and fill every cell",
        )
        for r1, c1, r2, c2 in scan.merged
    ]


def _formula_cells(path: Path, sheet: str) -> list[tuple[int, int]]:
    """(row, column) of every formula cell of ``sheet``, both 1-based (a second, formula-only pass)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = book[sheet]
        ws.reset_dimensions()
        return [(c.row, c.column) for row in ws.iter_rows() for c in row if getattr(c, "data_type", None) == "f"]
    finally:
        book.close()


def _formula_problems(
    name: str, frame: pd.DataFrame, headers: tuple[str, ...], cells: list[tuple[int, int]]
) -> list[Problem]:
    """Formula cells inside the table whose saved value is missing (they would read as blank)."""
    message = (
        "expected a value, found a formula without a saved value in {ref}: "
        "paste values (Paste Special > Values) or open and save the file in Excel"
    )
    return [
        Problem(name, row, headers[col - 1], message.format(ref=f"{column_letters(col)}{row}"))
        for row, col in cells
        if col <= len(headers) and row in frame.index and frame.at[row, col - 1] == ""
    ]


# --- parquet ---------------------------------------------------------------------------------


def read_parquet_text(name: str, path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        return _unreadable(name, path, f"not a readable parquet file ({exc})")
    headers = tuple(table.column_names)
    columns = {i: _arrow_text(table.column(i)) for i in range(len(headers))}
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(2, 2 + table.num_rows)
    return RawTable(name, path, frame, headers=headers)


def _arrow_text(column: pa.ChunkedArray) -> pd.Series:
    """A parquet column as text, formatted like :func:`_cell_text` formats a spreadsheet cell."""
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        values = pd.Series(column.to_pandas(), dtype="datetime64[ns]")
        with_time = values.notna() & (values != values.dt.normalize())
        text = values.dt.strftime("%Y-%m-%d").where(~with_time, values.dt.strftime("%Y-%m-%d %H:%M:%S"))
        return text.fillna("").astype("str")
    if pa.types.is_floating(kind):
        values = pd.Series(column.to_numpy(zero_copy_only=False), dtype="float64")
        whole = np.isfinite(values) & (values == np.round(values))
        text = values.astype("str").where(~whole, values.where(whole, 0).astype("int64").astype("str"))
        return text.where(values.notna(), "").astype("str")
    values = pd.Series(column.to_pandas())
    if pa.types.is_boolean(kind):
        values = values.map({True: "TRUE", False: "FALSE"})
    return values.astype("str").where(values.notna(), "").astype("str")
