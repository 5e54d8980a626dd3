"""The column-wise xlsx writer: real workbooks that openpyxl, pandas and Excel read back exactly."""

from __future__ import annotations

import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from isal import isal_zlib
from python_calamine import CalamineWorkbook

from kaplan.report.xlsx import (
    COMPRESS_LEVEL,
    MAX_TEXT,
    SHEET_LEVEL,
    Sheet,
    column_letter,
    sheet_xml_parts,
    style_index,
    write_xlsx,
)


def _sheet(frame: pd.DataFrame, kinds: list[str]) -> Sheet:
    return Sheet("data", list(frame.columns), [frame[c] for c in frame.columns], kinds, [10.0] * len(kinds))


def _read(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path)["data"]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_types_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "name": ["北京市公安局", None, "a & <b>"],
            "units": [3, 0, -7],
            "share": [0.25, float("nan"), 1e-7],
            "day": pd.to_datetime(["2026-06-20", None, "2024-02-29"]),
            "flag": [True, False, True],
        }
    )
    path = write_xlsx(tmp_path / "t.xlsx", [_sheet(frame, ["text", "int", "share", "date", "bool"])])
    rows = _read(path)
    assert rows[0] == ["name", "units", "share", "day", "flag"]
    assert rows[1] == ["北京市公安局", 3, 0.25, datetime(2026, 6, 20), True]
    assert rows[2] == [None, 0, None, None, False]
    assert rows[3] == ["a & <b>", -7, 1e-7, datetime(2024, 2, 29), True]
    book = openpyxl.load_workbook(path)
    assert book["data"].freeze_panes == "A2"
    assert book["data"]["C2"].number_format == "0.0%"


def test_control_characters_escape_lookalikes_and_long_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": ["a\x01b", "keep _x0041_ literal", "x" * (MAX_TEXT + 10), "tab\there"]})
    rows = _read(write_xlsx(tmp_path / "c.xlsx", [_sheet(frame, ["text"])]))
    assert rows[1][0] == "a_x0001_b"  # Excel decodes the escape back to the control character
    assert rows[2][0] == "keep _x005F_x0041_ literal"  # and this one back to the literal text
    assert len(rows[3][0]) == MAX_TEXT
    assert rows[4][0] == "tab\there"


@pytest.mark.parametrize(
    ("text", "xml"),
    [("a & b", "a &amp; b"), ("x<y", "x&lt;y"), ("x>y", "x&gt;y"), ("_x0041_", "_x005F_x0041_"),
     ("a\x0bb", "a_x000B_b"), ("a\x1fb", "a_x001F_b"), ("a\ufffeb", "a_xFFFE_b"), ("a\uffffb", "a_xFFFF_b"),
     ("a\rb", "a_x000D_b"), ("_x", "_x"), ("plain 北京", "plain 北京")],
)  # fmt: skip
def test_a_column_with_one_character_to_escape_is_escaped(text: str, xml: str) -> None:
    """Each escaping pass runs when a single cell of the column needs it (the others are plain)."""
    column = pd.Series(["plain", text, "还是"])
    body = b"".join(bytes(part) for part in sheet_xml_parts(_sheet(pd.DataFrame({"t": column}), ["text"])))
    assert f'<c r="A3" s="{style_index("text")}" t="inlineStr"><is><t xml:space="preserve">{xml}</t>'.encode() in body


def test_formulas_never_appear(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": ["=1+1", "=HYPERLINK(\"http://x\")", "@A1", "+1"]})
    path = write_xlsx(tmp_path / "f.xlsx", [_sheet(frame, ["text"])])
    sheet = openpyxl.load_workbook(path)["data"]
    assert {sheet.cell(row=r, column=1).data_type for r in range(2, 6)} == {"s"}
    assert pd.read_excel(path, engine="calamine")["t"].tolist() == frame["t"].tolist()


def test_same_input_same_bytes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.5, 2.0]})
    one = write_xlsx(tmp_path / "1.xlsx", [_sheet(frame, ["text", "float"])]).read_bytes()
    two = write_xlsx(tmp_path / "2.xlsx", [_sheet(frame, ["text", "float"])]).read_bytes()
    assert one == two


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), min_size=1, max_size=8),
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=8),
)
def test_any_text_and_number_survive(tmp_path_factory, texts: list[str], numbers: list[float]) -> None:
    n = min(len(texts), len(numbers))
    frame = pd.DataFrame({"t": texts[:n], "n": numbers[:n]})
    path = write_xlsx(tmp_path_factory.mktemp("h") / "h.xlsx", [_sheet(frame, ["text", "float"])])
    rows = _read(path)[1:]
    for (text, number), (got_text, got_number) in zip(zip(frame["t"], frame["n"], strict=True), rows, strict=True):
        assert got_number == number
        if text and "\r" not in text and not any(ord(c) < 32 and c not in "\t\n" for c in text) and "_x" not in text:
            assert got_text == text


def test_a_printed_sheet_has_its_title_block_rows_styles_and_print_setup(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["a", "b", "sum"], "units": [1, 2, 3], "share": [0.5, 0.1, 0.2]})
    sheet = Sheet("p", ["name", "units", "share"], [frame[c] for c in frame.columns], ["text", "int", "share"],
                  [10.0] * 3, heading="Heading", title=(("Region", "=R1"), ("Month", "2026-06")),
                  row_kinds=pd.Series(["", "", "total"]), alerts=[None, None, pd.Series([False, True, False])],
                  footer=("note", "", "sign here"), freeze_columns=1, autofilter=False, page_header="hdr")  # fmt: skip
    assert sheet.header_row == 5  # heading, two title rows, a blank row
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "p.xlsx", [sheet]))
    ws = book["p"]
    assert [ws["A1"].value, ws["A2"].value, ws["B2"].value, ws["B3"].value] == ["Heading", "Region", "=R1", "2026-06"]
    assert ws["B2"].data_type == "s"  # a title value is text, never a formula
    assert [c.value for c in ws[5]] == ["name", "units", "share"]
    assert [ws["A6"].value, ws["B8"].value] == ["a", 3]
    assert ws.freeze_panes == "B6" and ws.print_title_rows == "$5:$5" and ws.auto_filter.ref is None
    assert ws["B8"].font.b and ws["B8"].fill.fgColor.rgb == "FFD9D9D9" and not ws["B6"].font.b
    assert ws["C7"].fill.fgColor.rgb == "FFFFC7CE" and ws["C7"].number_format == "0.0%"
    assert ws["C6"].fill.fill_type is None
    assert [ws["A10"].value, ws["A11"].value, ws["A12"].value] == ["note", None, "sign here"]
    assert ws.oddHeader.left.text == "hdr" and ws.page_setup.orientation == "landscape"


TRICKY = ["_x0041_", "_X004a_", "_x005F_", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "北京市公安局", "&amp;", "<t>",
          "\r", "\r\n", "\x00", "\x1f", "\t", " ", "]]>", "\u2028", "😀"]  # fmt: skip
# any character but surrogates and the two non-characters U+FFFE, U+FFFF (readers keep those as _xFFFE_)
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff")
ANY_TEXT = st.lists(st.one_of(st.text(CHARACTERS, max_size=12), st.sampled_from(TRICKY)), max_size=4).map("".join)


def _calamine(path: Path, rows: int) -> list[str]:
    """Column A below the header as Excel reads it (``_xHHHH_`` decoded), '' for a blank cell."""
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("data").to_python()
    values = [row[0] for row in read[1:]]
    return values + [""] * (rows - len(values))


@settings(max_examples=60, deadline=None)
@given(st.lists(ANY_TEXT, min_size=1, max_size=12), st.sampled_from(["str", "object"]))
def test_any_text_reads_back_exactly(tmp_path_factory, texts: list[str], dtype: str) -> None:
    # control characters, _xHHHH_ lookalikes, formulas, CJK: what a reader decodes is the text given
    frame = pd.DataFrame({"t": pd.Series(texts, dtype=dtype)})
    path = write_xlsx(tmp_path_factory.mktemp("a") / "a.xlsx", [_sheet(frame, ["text"])])
    assert _calamine(path, len(texts)) == texts
    sheet = openpyxl.load_workbook(path)["data"]
    assert {sheet.cell(row=r, column=1).data_type for r in range(2, len(texts) + 2)} <= {"s", "n"}  # n: blank


def test_text_held_by_arrow_or_as_objects_writes_the_same_bytes(tmp_path: Path) -> None:
    texts = ["a & b", None, "", "=1+1", "x\x01", "_x0041_", "北京"] * 3
    held = pd.concat([pd.Series(texts[:10], dtype="str"), pd.Series(texts[10:], dtype="str")], ignore_index=True)
    assert held.array._pa_array.num_chunks == 2  # arrow holds the column in two pieces
    arrow = pd.DataFrame({"t": held, "n": range(21)})
    objects = pd.DataFrame({"t": pd.Series(texts, dtype="object"), "n": range(21)})
    one = write_xlsx(tmp_path / "1.xlsx", [_sheet(arrow, ["text", "int"])]).read_bytes()
    two = write_xlsx(tmp_path / "2.xlsx", [_sheet(objects, ["text", "int"])]).read_bytes()
    assert one == two
    assert _calamine(tmp_path / "1.xlsx", 21)[:7] == ["a & b", "", "", "=1+1", "x\x01", "_x0041_", "北京"]


def test_rows_in_several_chunks_keep_their_cells_and_styles() -> None:
    frame = pd.DataFrame({"t": ["a", None, "c", "d", "e"], "n": [1.5, float("inf"), 3.0, None, 5.0]})
    sheet = Sheet("data", ["t", "n"], [frame["t"], frame["n"]], ["text", "float"], [10.0, 10.0],
                  row_kinds=pd.Series(["", "", "subtotal", "", "total"]),
                  alerts=[None, pd.Series([False, False, False, True, True])])  # fmt: skip
    whole = b"".join(bytes(part) for part in sheet_xml_parts(sheet))
    chunked = b"".join(bytes(part) for part in sheet_xml_parts(sheet, chunk_rows=2))
    assert whole == chunked
    xml = whole.decode("utf-8")
    assert '<c r="B4" s="' + str(style_index("float", "subtotal")) + '"><v>3</v></c>' in xml
    assert '<c r="B6" s="' + str(style_index("float", "alert")) + '"><v>5</v></c>' in xml
    assert '<row r="3"></row>' in xml  # a row of blank cells: no cell at all
    assert '<c r="A5" s="' + str(style_index("text")) + '" t="inlineStr">' in xml


def test_sheet_members_are_deflated_by_isal_at_the_writers_level(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": ["lead"] * 1000})
    path = write_xlsx(tmp_path / "z.xlsx", [_sheet(frame, ["text"])])
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
        data = archive.read(member)  # inflated by zlib and checked against the CRC
    by_isal = _deflated_size(isal_zlib.compressobj(SHEET_LEVEL, isal_zlib.DEFLATED, -15), data)
    by_zlib = _deflated_size(zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15), data)
    assert by_isal != by_zlib  # the two deflaters can be told apart on this sheet
    assert member.compress_size == by_isal


def _deflated_size(compressor: object, data: bytes) -> int:
    return len(compressor.compress(data) + compressor.flush())
