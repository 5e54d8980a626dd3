"""Reading files as text: CSV encodings, xlsx quirks and bombs, parquet, file discovery."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from inputcases import clean_copy, csv_rows, load_problems, to_xlsx, write_xlsx

from kaplan.core.errors import InputError
from kaplan.inputs import reading
from kaplan.inputs.loader import load_tables
from kaplan.inputs.reading import column_index, column_letters, read_table, xlsx_precheck


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))


def test_openpyxl_parses_xml_with_defusedxml() -> None:
    """openpyxl still opens a sheet that holds formulas (to find those without a saved value)."""
    assert openpyxl.DEFUSEDXML is True


# --- CSV -------------------------------------------------------------------------------------


def test_csv_cells_stay_text_exactly_as_written(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text('dealer_id,n\n00123,"a, b"\n12,\n', encoding="utf-8")
    raw = read_table("org", path)
    assert raw.headers == ("dealer_id", "n")
    assert raw.frame is not None
    assert raw.frame[0].tolist() == ["00123", "12"]
    assert raw.frame[1].tolist() == ["a, b", ""]
    assert raw.frame.index.tolist() == [2, 3]


def test_bom_csv_is_accepted(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = folder / "org.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    tables = load_tables(folder)
    assert tables.org["dealer_id"].tolist() == ["D1", "D2"]
    assert tables.warnings == ()


GB_WARNING = (
    "org: the file is not UTF-8: read as GBK/GB18030 (Excel's 'CSV' on Chinese Windows); "
    "save it as 'CSV UTF-8' to be sure every character is read as written"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_is_read_with_one_warning(tmp_path: Path, encoding: str) -> None:
    folder = clean_copy(tmp_path)
    path = folder / "org.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    tables = load_tables(folder)
    assert tables.org["dealer_name"].tolist() == ["冀北汽车", "晋中汽车"]
    assert tables.warnings == (GB_WARNING,)


def test_gb18030_only_characters_are_read(tmp_path: Path) -> None:
    """A character outside GBK (four bytes in GB18030) is read too: the file is decoded as GB18030."""
    path = tmp_path / "org.csv"
    path.write_bytes("dealer_id,dealer_name\nD1,𠀀汽车\n".encode("gb18030"))
    raw = read_table("org", path)
    assert raw.frame is not None
    assert raw.frame[1].tolist() == ["𠀀汽车"]
    assert [w.message for w in raw.warnings] == [GB_WARNING.removeprefix("org: ")]


@pytest.mark.parametrize(("header", "bad_line"), [("dealer_id", 3), ("经销商", 3)])
def test_neither_utf8_nor_gb18030_names_the_line_of_the_bad_byte(tmp_path: Path, header: str, bad_line: int) -> None:
    """GBK text with a byte no encoding allows (0xFF) on line 3: the line where GB18030 got stuck."""
    folder = clean_copy(tmp_path)
    path = folder / "org.csv"
    lines = path.read_text(encoding="utf-8").replace("dealer_id,", f"{header},", 1).splitlines(keepends=True)
    data = [line.encode("gbk") for line in lines]
    data[2] = data[2].replace(b",", b",\xff", 1)
    path.write_bytes(b"".join(data))
    with pytest.raises(InputError) as caught:
        load_tables(folder)
    assert (
        f"  - org: the file is neither UTF-8 nor GBK/GB18030 text (first bad byte on line {bad_line}): "
        "save it as 'CSV UTF-8' and run again"
    ) in str(caught.value).splitlines()


def test_mostly_utf8_with_a_bad_byte_names_the_utf8_line(tmp_path: Path) -> None:
    """UTF-8 text whose line 3 holds a lone 0xFF: UTF-8 read further than GB18030, so its line is named."""
    path = tmp_path / "org.csv"
    path.write_bytes("dealer_id,dealer_name\nD1,冀北汽车\nD2,晋中\xff\n".encode("utf-8", "surrogateescape"))
    path.write_bytes(path.read_bytes().replace(b"\xc3\xbf", b"\xff"))
    raw = read_table("org", path)
    assert raw.frame is None
    expected = "the file is neither UTF-8 nor GBK/GB18030 text (first bad byte on line 3)"
    assert raw.problems[0].message.startswith(expected)


def test_two_files_for_one_table(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    write_xlsx(folder / "org.xlsx", csv_rows(folder, "org"), "org")
    assert "org: expected one file for the table, found 2 (org.csv, org.xlsx): keep only the one to use" in (
        load_problems(folder)
    )


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder"):
        load_tables(tmp_path / "nowhere")


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_table_loads_like_its_csv(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    expected = load_tables(folder).sales
    to_xlsx(folder, "sales")
    pd.testing.assert_frame_equal(load_tables(folder).sales, expected)


def test_xlsx_number_and_date_cells_become_the_same_text(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    rows = csv_rows(folder, "sales")
    typed_rows = [rows[0]] + [[*r[:1], dt.date.fromisoformat(r[1]), *r[2:5], int(r[5])] for r in rows[1:]]
    (folder / "sales.csv").unlink()
    write_xlsx(folder / "sales.xlsx", typed_rows, "sales")
    tables = load_tables(folder)
    assert tables.sales["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05", "2026-02-10", "2026-03-02"]
    assert tables.sales["units"].tolist() == [3, 12, 1]


def test_xlsx_formula_without_a_saved_value(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "sales")
    book = openpyxl.load_workbook(path)
    book["sales"]["F3"] = "=6*2"
    book.save(path)
    assert (
        "sales, row 3, units: expected a value, found a formula without a saved value in F3: paste values "
        "(Paste Special > Values) or open and save the file in Excel"
    ) in load_problems(folder)


def test_xlsx_merged_cells(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    book = openpyxl.load_workbook(path)
    book["org"].merge_cells("D2:D3")
    book.save(path)
    lines = load_problems(folder)
    assert (
        "org, row 2, region: expected one value per cell, found merged cells D2:D3: unmerge them and fill every cell"
    ) in lines
    assert "org, row 3, region: expected a value, found an empty cell" in lines


def test_xlsx_named_sheet_is_chosen_over_a_hidden_first_sheet(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    rows = csv_rows(folder, "products")
    (folder / "products.csv").unlink()
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "old"
    hidden.append(["product_id", "product_name", "line"])
    hidden.append(["P1", "x", "truck"])
    hidden.sheet_state = "hidden"
    other = book.create_sheet("notes")
    other.append(["free text"])
    named = book.create_sheet("Products")
    for row in rows:
        named.append(row)
    book.save(folder / "products.xlsx")
    tables = load_tables(folder)
    assert tables.products["line"].tolist() == ["command", "work"]


def test_xlsx_first_visible_sheet_when_none_is_named(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    rows = csv_rows(folder, "products")
    (folder / "products.csv").unlink()
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "old"
    hidden.append(["junk"])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("Sheet1")
    for row in rows:
        sheet.append(row)
    book.save(folder / "products.xlsx")
    tables = load_tables(folder)
    assert tables.products["product_id"].tolist() == ["P1", "P2"]
    assert "products: hidden sheet(s) old skipped; read sheet Sheet1" in tables.warnings


def test_xlsx_values_right_of_the_header_are_ignored_with_a_warning(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    book = openpyxl.load_workbook(path)
    book["org"]["F3"] = "stray"
    book.save(path)
    tables = load_tables(folder)
    assert list(tables.org.columns) == ["dealer_id", "dealer_name", "province", "region"]
    assert (
        "org, row 3, E: values right of the last headed column were ignored: give them a header or delete them"
    ) in tables.warnings


def test_xlsx_wrong_declared_dimension_still_reads_every_row(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    rows = [["order_id", "date", "dealer_id", "product_id", "customer_id", "units"]]
    rows += [[f"O{i}", "2026-01-05", "D1", "P1", "C1", "1"] for i in range(500)]
    (folder / "sales.csv").unlink()
    path = folder / "sales.xlsx"
    write_xlsx(path, rows, "sales")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", _replaced(b'ref="A1:F501"', b'ref="A1:B2"'))
    assert len(load_tables(folder).sales) == 500


def test_xlsx_blank_rows_keep_sheet_row_numbers(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "sales")
    book = openpyxl.load_workbook(path)
    sheet = book["sales"]
    sheet.insert_rows(1, 2)  # the header is now on sheet row 3
    sheet.insert_rows(5)  # a blank row between the first and second order
    sheet["F7"] = "0"
    book.save(path)
    assert load_problems(folder) == ["sales, row 7, units: expected a whole number > 0, found '0'"]


def test_xlsx_mixed_date_types_in_one_column(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "sales")
    book = openpyxl.load_workbook(path)
    sheet = book["sales"]
    sheet["B2"] = dt.datetime(2026, 1, 5)
    sheet["B3"] = "2024/03/01"
    sheet["B4"] = 45352
    book.save(path)
    assert load_problems(folder) == [
        "sales, row 3, date: expected a date as YYYY-MM-DD, found '2024/03/01'",
        "sales, row 4, date: expected a date as YYYY-MM-DD, found '45352' "
        "(an Excel serial number: format the column as a date or YYYY-MM-DD text)",
    ]


# --- xlsx bombs: each refused in well under a second ------------------------------------------


def _rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info.filename, change(data) if info.filename == member else data)


def _replaced(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        assert old in xml, f"{old!r} not in the sheet"
        return xml.replace(old, new)

    return change


def _refused(folder: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_tables(folder)
    return str(caught.value)


def _refused_before_parsing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Refused by the zip and XML pre-checks, before any row is read: a bomb never gets to cost time.

    (Timing budgets live in the benchmarks; here the guarantee is that the parser is never called.)
    """

    real = reading.python_calamine

    class Unread:
        """The real workbook, except that reading a sheet's cells fails the test."""

        def __init__(self, book: object) -> None:
            self._book = book

        def __getattr__(self, attr: str) -> object:
            return getattr(self._book, attr)

        def get_sheet_by_name(self, *_args: object) -> None:
            raise AssertionError("the sheet's cells were read: the pre-check let it through")

    calamine = SimpleNamespace(**{k: getattr(real, k) for k in dir(real) if not k.startswith("_")})
    calamine.CalamineWorkbook = SimpleNamespace(from_path=lambda p: Unread(real.CalamineWorkbook.from_path(p)))
    monkeypatch.setattr(reading, "python_calamine", calamine)
    return _refused(folder)


def test_one_cell_at_xfd1048576_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    book = openpyxl.load_workbook(path)
    book["org"]["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 10_000
    assert "org: the sheet declares cells up to XFD1048576" in _refused_before_parsing(folder, monkeypatch)


def test_far_cell_hidden_by_a_small_declared_dimension_is_found_by_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    book = openpyxl.load_workbook(path)
    book["org"]["XFD1048576"] = "x"
    book.save(path)
    _rewrite_member(path, "xl/worksheets/sheet1.xml", _replaced(b'ref="A1:XFD1048576"', b'ref="A1:D3"'))
    assert "org: the sheet has cells up to XFD1048576" in _refused_before_parsing(folder, monkeypatch)


def test_a_sheet_within_a1_to_z999999_is_inside_every_limit() -> None:
    """The bound that lets the scan skip the exact extent of a sheet without a far reference."""
    assert reading.NEAR_COLUMNS == 26  # one column letter
    assert reading.NEAR_ROWS == 999_999  # six digits
    assert reading.NEAR_ROWS <= reading.MAX_ROWS
    assert reading.NEAR_COLUMNS <= reading.MAX_COLUMNS
    assert reading.NEAR_ROWS * reading.NEAR_COLUMNS <= reading.MAX_CELLS


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("A1048577", "org: the sheet has cells up to D1048577 (1,048,577 rows x 4 columns"),
        ("ALM2", "org: the sheet has cells up to ALM3 (3 rows x 1,001 columns"),
        ("AAA99999", "org: the sheet has cells up to AAA99999 (99,999 rows x 703 columns"),
    ],
)
def test_a_far_reference_anywhere_gets_the_exact_extent(
    ref: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows past Excel's limit, columns past 1,000, and 99,999 x 703 cells (past 30 M) are each refused."""
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", _replaced(b'<c r="A2"', f'<c r="{ref}"'.encode()))
    assert expected in _refused_before_parsing(folder, monkeypatch)


def test_a_wide_sheet_inside_the_limits_is_read(tmp_path: Path) -> None:
    """A reference past column Z takes the exact pass, which lets a sheet inside the limits through."""
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    book = openpyxl.load_workbook(path)
    book["org"]["AB2"] = "note"
    book.save(path)
    table = read_table("org", path)
    assert table.problems == ()
    assert [w.message for w in table.warnings] == [
        "values right of the last headed column were ignored: give them a header or delete them"
    ]


def test_oversized_zip_entry_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (40 << 20))
    message = _refused_before_parsing(folder, monkeypatch)
    assert "org: part xl/media/padding.bin unpacks" in message
    assert "times its stored size (a zip bomb?)" in message


def test_total_uncompressed_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert xlsx_precheck(path)[0].startswith("the file would unpack to")


ENTITIES = b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + ENTITIES + b"]>"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def test_entity_expansion_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda _: LAUGHS)
    message = _refused_before_parsing(folder, monkeypatch)
    assert "org: part xl/worksheets/sheet1.xml declares XML entities (DOCTYPE)" in message


def test_entities_past_the_prolog_check_are_still_refused_by_defusedxml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda _: LAUGHS)
    monkeypatch.setattr(reading, "PROLOG_BYTES", 8)
    assert openpyxl.DEFUSEDXML  # openpyxl parses through defusedxml, which refuses the entities
    assert "org: not a readable .xlsx file" in _refused(folder)


def test_not_a_zip(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    (folder / "org.csv").unlink()
    (folder / "org.xlsx").write_text("dealer_id\nD1\n")
    assert "org: not a readable .xlsx file" in load_problems(folder)[0]


# --- parquet ---------------------------------------------------------------------------------


def test_parquet_table_loads_like_its_csv(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    expected = load_tables(folder)
    for name in ("sales", "leads", "kpi_submissions"):
        frame = getattr(expected, name)
        (folder / f"{name}.csv").unlink()
        frame.to_parquet(folder / f"{name}.parquet")
    again = load_tables(folder)
    for name in ("sales", "leads", "kpi_submissions"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(expected, name))


def test_parquet_decimals_in_an_int_column_are_refused(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    sales = load_tables(folder).sales.assign(units=[3.0, 12.5, 1.0])
    (folder / "sales.csv").unlink()
    sales.to_parquet(folder / "sales.parquet")
    assert load_problems(folder) == ["sales, row 3, units: expected a whole number, found '12.5' (a decimal)"]


# --- helpers ---------------------------------------------------------------------------------


@given(st.integers(1, 16384))
def test_column_letters_round_trip(index: int) -> None:
    assert column_index(column_letters(index)) == index


def test_column_letters_examples() -> None:
    assert [column_letters(i) for i in (1, 26, 27, 52, 16384)] == ["A", "Z", "AA", "AZ", "XFD"]


def test_a_file_that_cannot_be_opened_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reading, "read_csv_text", locked)
    raw = read_table("org", tmp_path / "org.csv")
    assert raw.frame is None
    assert [str(p) for p in raw.problems] == [
        "org: the file cannot be read (Permission denied): check it exists and is not locked"
    ]


# --- where the header is, and names kept as written (docs/data.md "Files", "Clean-ups") -------------


def test_a_csv_with_an_empty_first_line_is_refused_naming_row_1(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = folder / "org.csv"
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_problems(folder) == [
        "org, row 1: expected the header (the column names) in row 1, found an empty line: delete the lines above "
        "the header"
    ]


def test_a_csv_with_a_title_above_the_header_is_refused_naming_the_header_s_row(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = folder / "customers.csv"
    path.write_text("客户清单 2026,,,,\n,,,,\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    problems = load_problems(folder)
    assert "customers, row 3: expected the header in row 1, found it in row 3: delete the lines above the header" \
        in problems  # fmt: skip
    assert [p for p in problems if "expected a column headed" in p] == []


def test_an_xlsx_header_below_a_title_block_is_read_from_its_own_row(tmp_path: Path) -> None:
    """The xlsx header is the first non-empty row; rows keep the sheet's numbers."""
    folder = clean_copy(tmp_path)
    expected = load_tables(folder).org
    rows = csv_rows(folder, "org")
    (folder / "org.csv").unlink()
    write_xlsx(folder / "org.xlsx", [[], [], *rows], "org")
    pd.testing.assert_frame_equal(load_tables(folder).org, expected)
    book = openpyxl.load_workbook(folder / "org.xlsx")
    book["org"]["A5"] = ""  # the dealer code of the second dealer, now on sheet row 5
    book.save(folder / "org.xlsx")
    assert "org, row 5, dealer_id: expected a value, found an empty cell" in load_problems(folder)


def test_names_are_kept_as_written_and_only_trimmed(tmp_path: Path) -> None:
    """Full-width characters and case stay in text cells (names); codes and numbers are normalised."""
    folder = clean_copy(tmp_path)
    org = (folder / "org.csv").read_text(encoding="utf-8").splitlines()
    org[1] = "Ｄ１,  ＡＢＣ汽车 Dealer ,河北,华北大区"
    (folder / "org.csv").write_text("\n".join(org) + "\n", encoding="utf-8")
    customers = (folder / "customers.csv").read_text(encoding="utf-8").splitlines()
    customers[1] = customers[1].replace("市公安局", "　ｓｈｉ 市公安局　")
    (folder / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    tables = load_tables(folder)
    assert tables.org["dealer_id"].iloc[0] == "D1"  # a code: full-width mapped to ASCII
    assert tables.org["dealer_name"].iloc[0] == "ＡＢＣ汽车 Dealer"  # a name: as written, spaces trimmed
    assert tables.customers["customer_name"].iloc[0] == "ｓｈｉ 市公安局"
    assert "org, dealer_id: 1 cell(s) in full-width characters converted to ASCII (row 2)" in tables.warnings
    assert [w for w in tables.warnings if "dealer_name" in w] == [
        "org, dealer_name: 1 cell(s) with surrounding spaces trimmed (row 2)"
    ]
