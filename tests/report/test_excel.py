"""Excel for people: headers in the language, nothing from the input becomes a formula."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.glossary import code_labels
from kaplan.report.excel import (
    FIELD_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    column_width,
    display_width,
    safe_file_name,
    safe_sheet_name,
    sheet_label,
    shown_text,
    write_workbook,
)

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", "=1+1"]


def test_hostile_strings_are_written_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"customer_name": HOSTILE, "units": range(len(HOSTILE))})
    path = write_workbook(tmp_path / "t.xlsx", {"leads": frame}, "en")
    sheet = openpyxl.load_workbook(path)["Open leads"]
    values = [sheet.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    # openpyxl leaves the XML escape of a carriage return (_x000D_) as it is; Excel shows a CR
    assert [c.value.replace("_x000D_", "\r") for c in values] == HOSTILE
    assert {c.data_type for c in values} == {"s"}
    assert [sheet.cell(row=i + 2, column=2).value for i in range(len(HOSTILE))] == list(range(len(HOSTILE)))


def test_headers_follow_the_language_and_codes_are_translated(tmp_path: Path) -> None:
    frame = pd.DataFrame({"line": ["command", "work"], "target": [3, 4], "composite": [0.25, 0.75]})
    zh = openpyxl.load_workbook(write_workbook(tmp_path / "zh.xlsx", {"province": frame}, "zh"))["省区目标"]
    en = openpyxl.load_workbook(write_workbook(tmp_path / "en.xlsx", {"province": frame}, "en"))["Province targets"]
    assert [c.value for c in zh[1]] == ["产品", "目标", "综合比重"]
    assert [c.value for c in en[1]] == ["Line", "Target", "Composite share"]
    assert zh["A2"].value == "指挥车"
    assert zh.freeze_panes == "A2"
    assert zh["C2"].number_format == "0.0%"


def test_blank_and_infinite_numbers_are_empty_cells(tmp_path: Path) -> None:
    frame = pd.DataFrame({"coverage": [float("nan"), float("inf"), 0.5]})
    sheet = openpyxl.load_workbook(write_workbook(tmp_path / "b.xlsx", {"s": frame}))["s"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == [None, None, 0.5]


def test_sheet_names_are_made_valid_and_unique() -> None:
    assert safe_sheet_name("a/b:c*?[]") == "a_b_c____"
    long = "x" * 40
    assert len(safe_sheet_name(long)) == 31
    assert safe_sheet_name(long, [long[:31]]) != long[:31]


@given(st.text(min_size=1, max_size=60))
def test_safe_names_never_contain_path_separators(name: str) -> None:
    cleaned = safe_file_name(name)
    assert "/" not in cleaned and "\\" not in cleaned and "\x00" not in cleaned
    assert cleaned not in ("", ".", "..")
    sheet = safe_sheet_name(name)
    assert 1 <= len(sheet) <= 31 and not set(sheet) & set("[]:*?/\\'")


def test_sheet_names_flags_and_money_read_in_the_language(tmp_path: Path) -> None:
    frame = pd.DataFrame({"staff_id": ["S1", "S2"], "stale": [True, False], "payout": [12345.0, 0.0],
                          "scenario": ["suggested", "mine"]})  # fmt: skip
    zh = openpyxl.load_workbook(write_workbook(tmp_path / "zh.xlsx", {"incentive": frame, "notice:华东大区": frame}))
    assert zh.sheetnames == ["阶梯式激励", "整改通知 华东大区"]
    sheet = zh["阶梯式激励"]
    assert [sheet["B2"].value, sheet["B3"].value] == ["是", "否"]  # never TRUE / FALSE
    assert sheet["C2"].value == 12345 and sheet["C2"].number_format == '#,##0" 元"'
    assert [sheet["D2"].value, sheet["D3"].value] == ["建议权重", "mine"]  # a code is shown as its label
    en = openpyxl.load_workbook(write_workbook(tmp_path / "en.xlsx", {"incentive": frame}, "en"))["Incentive"]
    assert [en["B2"].value, en["B3"].value] == ["Yes", "No"]
    assert sheet_label("seasonality_of_a_colleague") == "seasonality_of_a_colleague"  # no term: the machine name


def test_widths_come_from_what_is_shown_and_headers_are_never_cut() -> None:
    # 重点大客户关系维系跟踪表: 12 CJK characters = 24 columns; a 0.0 % share shows 5 characters, not 22
    assert display_width("重点大客户关系维系跟踪表") == 24
    assert column_width("重点大客户关系维系跟踪表", pd.Series([91.5]), "float") == 26
    assert column_width("年度锁定计划", pd.Series([1 / 3, 0.123456789012]), "share") == 14  # header 12 + 2
    assert column_width("x", pd.Series([0.123456789012]), "share") == 7  # "12.3%" + 2
    assert column_width("x", pd.Series([1234567]), "int") == 11  # "1,234,567" + 2
    assert column_width("x", pd.Series(["y" * 300]), "text") == 50  # long text capped
    assert column_width("整改要求", pd.Series(["", ""]), "text") == 24  # a blank field to fill in by hand


def test_code_labels_translate_each_code_and_keep_the_rest() -> None:
    text = pd.Series(["command", None, "work", "command", "no such code"], index=[4, 3, 2, 1, 0], name="line",
                     dtype="str")  # fmt: skip
    labelled = code_labels(text, "line")
    assert labelled.dtype == text.dtype and labelled.index.tolist() == [4, 3, 2, 1, 0] and labelled.name == "line"
    assert labelled.fillna("blank").tolist() == ["指挥车", "blank", "作业车", "指挥车", "no such code"]
    assert code_labels(pd.Series([None, None], dtype="str"), "line").dtype == "str"  # all blank: still text
    mixed = code_labels(pd.Series(["work", 3, None, 2.5], dtype="object"), "line", "en")
    assert mixed.tolist() == ["Work vehicles", 3, None, 2.5]  # a value that is not text stays as it is
    assert code_labels(pd.Series(["command"], dtype="category"), "line").tolist() == ["指挥车"]


def test_flags_read_yes_no_and_a_missing_flag_is_blank(tmp_path: Path) -> None:
    frame = pd.DataFrame({"stale": pd.Series([True, None, False], dtype="boolean"), "overdue": [False, True, True]})
    sheet = openpyxl.load_workbook(write_workbook(tmp_path / "f.xlsx", {"s": frame}, "en"))["s"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [["Yes", "No"], [None, "Yes"],
                                                                             ["No", "Yes"]]  # fmt: skip
    assert column_width("x", pd.Series([pd.NaT, pd.Timestamp("2026-06-20")]), "date") == 12  # yyyy-mm-dd + 2
    assert column_width("x", pd.Series([None, float("inf")], dtype="float64"), "int") == 6  # nothing shown
    assert column_width("x", pd.Series([pd.NA, 12345], dtype="Int64"), "money") == 11  # "12,345 元": 9 + 2
    assert column_width("x", pd.Series(["北京", None, 7], dtype="object"), "text") == 6  # 北京: 4 + 2
    assert column_width("x", pd.Series(["北" * 30, "y" * 47]), "text") == 50  # 60 columns, capped
    assert column_width("x", pd.Series(["y" * 47]), "text") == 49


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=80)), max_size=30), st.sampled_from(["text", "int", "share"]))
def test_a_column_is_as_wide_as_its_widest_shown_value_counted_cell_by_cell(values: list, kind: str) -> None:
    series = pd.Series(values if kind == "text" else [len(v or "") * 997.3 for v in values], dtype="object")
    shown = shown_text(series, kind).tolist()
    longest = max([0, *(display_width(t[: int(MAX_WIDTH)]) for t in shown)])
    expected = min(longest + 2, MAX_WIDTH) if longest else (FIELD_WIDTH if len(series) and kind == "text" else 0.0)
    assert column_width("h", series, kind) == max(display_width("h") + 2, expected, MIN_WIDTH)
