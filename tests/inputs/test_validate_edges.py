"""Edges of validation, one function at a time: exact messages, both sides of each documented limit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from inputcases import problem_lines

from kaplan.core.errors import InputError, Problem
from kaplan.core.schema import TABLES, Column
from kaplan.inputs.reading import RawTable
from kaplan.inputs.validate import (
    LISTED_PER_COLUMN,
    ROWS_IN_WARNING,
    check_table,
    check_tables,
    cleaned_cells,
    closest_header,
    converted,
    duplicate_key_problems,
    final_frame,
    header_names,
    input_error,
    named_columns,
    pandera_problems,
    pandera_schema,
    problem_report,
    range_text,
    reference_problems,
)


def _raw(name: str, headers: list[str], rows: list[list[str]], start: int = 2, header_row: int = 1) -> RawTable:
    """A table read as text: ``rows`` under ``headers``, numbered from ``start`` as a spreadsheet shows."""
    columns = {i: pd.Series([row[i] for row in rows], dtype="str") for i in range(len(headers))}
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(start, start + len(rows))
    return RawTable(name, Path(f"{name}.csv"), frame, headers=tuple(headers), header_row=header_row)


def _text(start: int = 2, **columns: list[str]) -> pd.DataFrame:
    """Cleaned text cells by column name, rows numbered from ``start``."""
    n = len(next(iter(columns.values())))
    index = pd.RangeIndex(start, start + n)
    return pd.DataFrame({k: pd.Series(v, dtype="str", index=index) for k, v in columns.items()}, index=index)


def _strings(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


# --- headers ---------------------------------------------------------------------------------


def test_headers_are_read_by_machine_name_or_label_in_any_case_and_width() -> None:
    raw = _raw("products", [" 产品代码", "Product", "ＬＩＮＥ"], [["P1", "车", "work"], [None, "b", "command"]])
    named, problems, warnings = named_columns(TABLES["products"], raw)
    assert problems == []
    assert named.to_dict("index") == {
        2: {"product_id": "P1", "product_name": "车", "line": "work"},
        3: {"product_id": "", "product_name": "b", "line": "command"},
    }
    assert named["product_id"].dtype == "str"
    assert _strings(warnings) == [
        "products, row 1, A: header ' 产品代码' read as '产品代码' (spaces or full-width characters removed)",
        "products, row 1, C: header 'ＬＩＮＥ' read as 'LINE' (spaces or full-width characters removed)",
    ]


def test_header_names_of_a_table() -> None:
    assert header_names("products") == {
        "product_id": "product_id",
        "产品代码": "product_id",
        "product code": "product_id",
        "product_name": "product_name",
        "产品名称": "product_name",
        "product": "product_name",
        "line": "line",
        "产品": "line",
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("linxxx", ("line", "line")),  # ratio 2·3/10 = 0.6: the cut-off itself
        ("linxxxx", None),  # 2·3/11 < 0.6
        ("product_nme", ("product_name", "product_name")),
        ("colour", None),
    ],
)
def test_closest_header_cuts_off_below_a_ratio_of_0_6(header: str, expected: tuple[str, str] | None) -> None:
    assert closest_header("products", header) == expected


def test_closest_header_gives_the_column_of_a_label_in_either_language() -> None:
    assert closest_header("products", "产品代") == ("产品代码", "product_id")
    assert closest_header("products", "Product cod") == ("Product code", "product_id")


def test_an_unknown_header_names_the_closest_spelling_not_the_column() -> None:
    raw = _raw("products", ["product_id", "产品代", "product_name", "line"], [["P1", "x", "a", "work"]])
    _, _, warnings = named_columns(TABLES["products"], raw)
    assert _strings(warnings) == [
        "products: column(s) '产品代' (closest expected: '产品代码') are not part of the products table "
        "and were ignored"
    ]


def test_a_missing_optional_column_is_added_blank() -> None:
    headers = [c.name for c in TABLES["leads"].columns if c.name != "notes"]
    row = ["L1", "2026-01-05", "D1", "S1", "C1", "direct", "directory", "discover", "P1", "2", "", "2026-06-30"]
    raw = _raw("leads", headers, [[*row, "2026-01-05"], [*row, "2026-01-06"]], start=4)
    named, problems, warnings = named_columns(TABLES["leads"], raw)
    assert problems == [] and warnings == []
    assert list(named.columns) == list(TABLES["leads"].column_names)
    assert named["notes"].tolist() == ["", ""]
    assert named["notes"].index.tolist() == [4, 5]
    assert named["notes"].dtype == "str"


@pytest.mark.parametrize("header_row", [1, 3])
def test_a_header_twice_uses_the_first_column_and_names_every_one(header_row: int) -> None:
    raw = _raw(
        "products",
        ["line", "product_id", "Line", "product_name", "产品"],
        [["work", "P1", "truck", "a", "x"]],
        start=header_row + 1,
        header_row=header_row,
    )
    named, problems, warnings = named_columns(TABLES["products"], raw)
    assert named.to_dict("records") == [{"product_id": "P1", "product_name": "a", "line": "work"}]
    assert problems == [
        Problem(
            "products",
            header_row,
            "line",
            "expected one column headed 'line', found 3 (columns A and C and E): delete or rename the extra one",
        )
    ]
    assert warnings == []


def test_an_unknown_header_twice_is_one_warning_and_no_problem() -> None:
    raw = _raw("products", ["product_id", "colour", "product_name", "line", "colour"], [["P1", "r", "a", "work", "g"]])
    named, problems, warnings = named_columns(TABLES["products"], raw)
    assert problems == []
    assert _strings(warnings) == [
        "products: column(s) 'colour' are not part of the products table and were ignored",
    ]
    assert list(named.columns) == ["product_id", "product_name", "line"]


def test_missing_columns_hint_at_the_header_that_looks_like_them() -> None:
    raw = _raw("products", ["prodct_name", "product_nme", "linxxxx", "product_id"], [["a", "b", "work", "P1"]])
    named, problems, warnings = named_columns(TABLES["products"], raw)
    assert _strings(problems) == [
        "products, product_name: expected a column headed 'product_name', found none: add it to the header row "
        "(header 'prodct_name' looks like it: correct it)",
        "products, line: expected a column headed 'line', found none: add it to the header row",
    ]
    assert _strings(warnings) == [
        "products: column(s) 'prodct_name' (closest expected: 'product_name'), 'product_nme' (closest expected: "
        "'product_name'), 'linxxxx' are not part of the products table and were ignored",
    ]
    assert list(named.columns) == ["product_id"]


def test_no_hint_from_a_header_that_looks_like_another_column() -> None:
    raw = _raw("products", ["product_nme", "line"], [["a", "work"]])
    _, problems, _ = named_columns(TABLES["products"], raw)
    assert _strings(problems) == [
        "products, product_id: expected a column headed 'product_id', found none: add it to the header row",
        "products, product_name: expected a column headed 'product_name', found none: add it to the header row "
        "(header 'product_nme' looks like it: correct it)",
    ]


def test_problems_list_duplicate_headers_before_missing_columns() -> None:
    raw = _raw("products", ["product_id", "product_id", "line"], [["P1", "P2", "work"]])
    _, problems, _ = named_columns(TABLES["products"], raw)
    assert _strings(problems) == [
        "products, row 1, product_id: expected one column headed 'product_id', found 2 (columns A and B): "
        "delete or rename the extra one",
        "products, product_name: expected a column headed 'product_name', found none: add it to the header row",
    ]


def test_warnings_list_header_cleanups_before_unknown_columns() -> None:
    raw = _raw("products", ["colour", "product_id ", "product_name", "line"], [["r", "P1", "a", "work"]])
    _, _, warnings = named_columns(TABLES["products"], raw)
    assert _strings(warnings) == [
        "products, row 1, B: header 'product_id ' read as 'product_id' (spaces or full-width characters removed)",
        "products: column(s) 'colour' are not part of the products table and were ignored",
    ]


def _title_above(header_at: int) -> RawTable:
    """A products CSV whose header is the ``header_at``-th row below a title line."""
    blank = ["", "", ""]
    rows = [blank] * (header_at - 1) + [[" ＰＲＯＤＵＣＴ_ＩＤ ", "Product", "产品"], ["P1", "a", "work"]]
    return _raw("products", ["Products 2026", "Unnamed: 1", "Unnamed: 2"], rows)


@pytest.mark.parametrize("header_at", [1, 2, 20])
def test_a_header_below_a_title_is_named_with_its_row(header_at: int) -> None:
    _, problems, _ = named_columns(TABLES["products"], _title_above(header_at))
    assert problems == [
        Problem(
            "products",
            header_at + 1,
            None,
            f"expected the header in row 1, found it in row {header_at + 1}: delete the lines above the header",
        )
    ]


def test_a_header_repeated_in_the_data_is_not_looked_for_when_the_header_is_complete() -> None:
    rows = [["P1", "a", "work"], ["product_id", "product_name", "line"]]
    _, problems, _ = named_columns(TABLES["products"], _raw("products", ["product_id", "product_name", "line"], rows))
    assert problems == []


def test_a_table_without_any_known_column_keeps_its_rows() -> None:
    raw = _raw("products", ["colour"], [["r"], ["g"]], start=3)
    named, _, _ = named_columns(TABLES["products"], raw)
    assert list(named.columns) == []
    assert named.index.tolist() == [3, 4]
    values, text, _, _ = check_table(TABLES["products"], raw)
    assert values is not None and text is not None
    assert values.index.tolist() == [3, 4] and text.index.tolist() == [3, 4]


def test_a_header_more_than_20_rows_below_is_not_looked_for() -> None:
    _, problems, _ = named_columns(TABLES["products"], _title_above(21))
    assert [p.column for p in problems] == ["product_id", "product_name", "line"]
    assert problems[0].message == "expected a column headed 'product_id', found none: add it to the header row"


def test_a_row_heading_only_some_required_columns_is_not_the_header() -> None:
    raw = _raw("products", ["Products 2026", "x", "y"], [["product_id", "product_name", ""], ["P1", "a", "work"]])
    _, problems, _ = named_columns(TABLES["products"], raw)
    assert [(p.row, p.column) for p in problems] == [(None, "product_id"), (None, "product_name"), (None, "line")]


def test_a_header_below_needs_only_the_required_columns() -> None:
    headers = [c.name for c in TABLES["leads"].columns if c.name != "notes"]
    raw = _raw("leads", ["Leads"] + [""] * (len(headers) - 1), [headers], start=5, header_row=4)
    _, problems, _ = named_columns(TABLES["leads"], raw)
    assert problems == [
        Problem("leads", 5, None, "expected the header in row 4, found it in row 5: delete the lines above the header")
    ]


@pytest.mark.parametrize(
    ("extra", "duplicate", "unknown"),
    [
        ("units.1", True, ""),
        ("units.12", True, ""),
        ("units.x", False, "'units.x' (closest expected: 'units')"),
        ("units.", False, "'units.' (closest expected: 'units')"),
        ("colour.1", False, "'colour.1'"),
    ],
)
def test_a_pandas_renamed_duplicate_counts_only_with_a_digit_suffix(extra: str, duplicate: bool, unknown: str) -> None:
    headers = ["order_id", "date", "dealer_id", "product_id", "customer_id", "units", extra]
    raw = _raw("sales", headers, [["O1", "2026-01-05", "D1", "P1", "C1", "3", "4"]])
    named, problems, warnings = named_columns(TABLES["sales"], raw)
    assert named["units"].tolist() == ["3"]
    expected = "expected one column headed 'units', found 2 (columns F and G): delete or rename the extra one"
    assert _strings(problems) == ([f"sales, row 1, units: {expected}"] if duplicate else [])
    ignored = [f"sales: column(s) {unknown} are not part of the sales table and were ignored"] if unknown else []
    assert _strings(warnings) == ignored


def test_a_renamed_header_without_its_base_is_unknown() -> None:
    headers = ["order_id", "date", "dealer_id", "product_id", "customer_id", "units.1"]
    raw = _raw("sales", headers, [["O1", "2026-01-05", "D1", "P1", "C1", "3"]])
    _, problems, warnings = named_columns(TABLES["sales"], raw)
    assert _strings(problems) == [
        "sales, units: expected a column headed 'units', found none: add it to the header row "
        "(header 'units.1' looks like it: correct it)"
    ]
    assert _strings(warnings) == [
        "sales: column(s) 'units.1' (closest expected: 'units') are not part of the sales table and were ignored"
    ]


def test_a_renamed_header_needs_its_base_spelled_as_the_machine_name() -> None:
    raw = _raw("products", ["product_id", "product_name", "LINE", "line.1"], [["P1", "a", "work", "x"]])
    named, problems, warnings = named_columns(TABLES["products"], raw)
    assert problems == []
    assert named["line"].tolist() == ["work"]
    assert _strings(warnings) == [
        "products: column(s) 'line.1' (closest expected: 'line') are not part of the products table and were ignored"
    ]


# --- cells -----------------------------------------------------------------------------------


def _customers(ids: list[str], names: list[str]) -> pd.DataFrame:
    n = len(ids)
    filled = ["" if not i and not m else v for i, m, v in zip(ids, names, ["taxi"] * n, strict=True)]
    return _text(
        customer_id=ids,
        customer_name=names,
        industry=filled,
        segment=["" if not f else "government" for f in filled],
        purchase_method=["" if not f else "tender" for f in filled],
    )


def test_ids_are_nfkc_normalised_and_names_are_left_as_written() -> None:
    frame = _customers(["Ｃ1", "é", " C3", "", "C\u30005", "¨"], ["ＡＢ", " 公司 ", "x", "", "y", "z"])
    cleaned, warnings = cleaned_cells(TABLES["customers"], frame)
    assert cleaned["customer_id"].to_dict() == {2: "C1", 3: "é", 4: "C3", 6: "C 5", 7: "\u0308"}
    assert cleaned["customer_name"].to_dict() == {2: "ＡＢ", 3: "公司", 4: "x", 6: "y", 7: "z"}
    assert _strings(warnings) == [
        "customers, customer_id: 3 cell(s) in full-width characters converted to ASCII (rows 2, 6, 7)",
        "customers, customer_id: 1 cell(s) with surrounding spaces trimmed (row 4)",
        "customers, customer_name: 1 cell(s) with surrounding spaces trimmed (row 3)",
        "customers: 1 blank row(s) dropped (row 5)",
    ]


def test_a_full_width_space_is_trimmed_not_converted() -> None:
    cleaned, warnings = cleaned_cells(TABLES["sales"], _text(units=["\u300012\u3000", "3"]))
    assert cleaned["units"].tolist() == ["12", "3"]
    assert _strings(warnings) == ["sales, units: 1 cell(s) with surrounding spaces trimmed (row 2)"]


def test_a_full_width_number_with_spaces_gets_both_warnings() -> None:
    cleaned, warnings = cleaned_cells(TABLES["sales"], _text(units=[" １２", "３"]))
    assert cleaned["units"].tolist() == ["12", "3"]
    assert _strings(warnings) == [
        "sales, units: 2 cell(s) in full-width characters converted to ASCII (rows 2, 3)",
        "sales, units: 1 cell(s) with surrounding spaces trimmed (row 2)",
    ]


@pytest.mark.parametrize(
    ("blank_rows", "shown"),
    [
        (1, "1 blank row(s) dropped (row 3)"),
        (ROWS_IN_WARNING, "5 blank row(s) dropped (rows 3, 4, 5, 6, 7)"),
        (ROWS_IN_WARNING + 1, "6 blank row(s) dropped (rows 3, 4, 5, 6, 7 and 1 more)"),
        (ROWS_IN_WARNING + 3, "8 blank row(s) dropped (rows 3, 4, 5, 6, 7 and 3 more)"),
    ],
)
def test_blank_rows_are_listed_up_to_five(blank_rows: int, shown: str) -> None:
    units = ["1"] + [" "] * blank_rows + ["2"]
    cleaned, warnings = cleaned_cells(TABLES["sales"], _text(order_id=["O1"] + [""] * blank_rows + ["O2"], units=units))
    assert cleaned.to_dict("index") == {
        2: {"order_id": "O1", "units": "1"},
        3 + blank_rows: {"order_id": "O2", "units": "2"},
    }
    assert _strings(warnings)[-1] == f"sales: {shown}"
    assert len(warnings) == 2


def test_a_row_with_one_cell_filled_is_kept() -> None:
    cleaned, warnings = cleaned_cells(TABLES["sales"], _text(order_id=["", "O2"], units=["4", ""]))
    assert cleaned.to_dict("index") == {2: {"order_id": "", "units": "4"}, 3: {"order_id": "O2", "units": ""}}
    assert warnings == []


def test_a_frame_without_contract_columns_keeps_its_rows() -> None:
    frame = pd.DataFrame({"colour": ["r", "g"]}, index=[2, 3])
    cleaned, warnings = cleaned_cells(TABLES["sales"], frame)
    assert cleaned.index.tolist() == [2, 3]
    assert list(cleaned.columns) == []
    assert warnings == []


# --- kinds -----------------------------------------------------------------------------------


def test_whole_numbers_and_their_messages() -> None:
    cells = ["2024", "1,200", "12.", ".5", "1,200.5", "1234567890123456", "123456789012345", "+7", "-0", "", "1e3"]
    text = _text(year=cells, dealer_id=["D1"] * len(cells), line=["work"] * len(cells), units=["1"] * len(cells))
    values, problems = converted(TABLES["annual_targets"], text)
    assert values["year"].dtype == "float64"
    assert values["year"].to_dict() == pytest.approx(
        {2: 2024.0, 3: np.nan, 4: np.nan, 5: np.nan, 6: np.nan, 7: np.nan, 8: 123456789012345.0, 9: 7.0, 10: 0.0,
         11: np.nan, 12: np.nan},
        nan_ok=True,
    )  # fmt: skip
    assert _strings(problems) == [
        "annual_targets, row 3, year: expected a whole number, found '1,200' (remove the thousands separator)",
        "annual_targets, row 4, year: expected a whole number, found '12.' (a decimal)",
        "annual_targets, row 5, year: expected a whole number, found '.5' (a decimal)",
        "annual_targets, row 6, year: expected a whole number, found '1,200.5' (remove the thousands separator)",
        "annual_targets, row 7, year: expected a whole number, found '1234567890123456'",
        "annual_targets, row 11, year: expected a value, found an empty cell",
        "annual_targets, row 12, year: expected a whole number, found '1e3'",
    ]


def test_numbers_and_their_messages() -> None:
    cells = ["1e3", "inf", "nan", "1,000", "1,000.5", "-2.5", "", "0x10", "7"]
    values, problems = converted(TABLES["leads"], _text(budget=cells))
    assert values["budget"].dtype == "float64"
    assert values["budget"].to_dict() == pytest.approx(
        {2: 1000.0, 3: np.nan, 4: np.nan, 5: np.nan, 6: np.nan, 7: -2.5, 8: np.nan, 9: np.nan, 10: 7.0}, nan_ok=True
    )
    assert _strings(problems) == [
        "leads, row 3, budget: expected a number, found 'inf'",
        "leads, row 4, budget: expected a number, found 'nan'",
        "leads, row 5, budget: expected a number, found '1,000' (remove the thousands separator)",
        "leads, row 6, budget: expected a number, found '1,000.5' (remove the thousands separator)",
        "leads, row 9, budget: expected a number, found '0x10'",
    ]


def test_dates_at_both_ends_of_the_range_and_their_messages() -> None:
    cells = ["1900-01-01", "2199-12-31", "1899-12-31", "2200-01-01", "45352.5", "1234567", "", "2024-02-29"]
    cells += ["2023-02-29", "2024-02-29", "1899-12-31"]
    values, problems = converted(TABLES["sales"], _text(date=cells))
    assert values["date"].dtype == "datetime64[ns]"
    assert values["date"].dt.strftime("%Y-%m-%d").fillna("-").to_dict() == {
        2: "1900-01-01", 3: "2199-12-31", 4: "-", 5: "-", 6: "-", 7: "-", 8: "-", 9: "2024-02-29", 10: "-",
        11: "2024-02-29", 12: "-",
    }  # fmt: skip
    assert _strings(problems) == [
        "sales, row 4, date: expected a date from 1900-01-01 to 2199-12-31, found '1899-12-31'",
        "sales, row 5, date: expected a date from 1900-01-01 to 2199-12-31, found '2200-01-01'",
        "sales, row 6, date: expected a date as YYYY-MM-DD, found '45352.5' "
        "(an Excel serial number: format the column as a date or YYYY-MM-DD text)",
        "sales, row 7, date: expected a date as YYYY-MM-DD, found '1234567'",
        "sales, row 8, date: expected a value, found an empty cell",
        "sales, row 10, date: expected a real date YYYY-MM-DD, found '2023-02-29' (no such day)",
        "sales, row 12, date: expected a date from 1900-01-01 to 2199-12-31, found '1899-12-31'",
    ]


def test_an_optional_blank_date_is_missing_without_a_problem() -> None:
    values, problems = converted(TABLES["kpi_submissions"], _text(submitted=["", "2026-02-03"]))
    assert problems == []
    assert values["submitted"].isna().tolist() == [True, False]


def test_months_from_01_to_12() -> None:
    values, problems = converted(
        TABLES["kpi_submissions"], _text(month=["2024-00", "2024-01", "2024-12", "2024-1", "", "2024-10"])
    )
    assert values["month"].fillna("-").tolist() == ["-", "2024-01", "2024-12", "-", "-", "2024-10"]
    assert _strings(problems) == [
        "kpi_submissions, row 2, month: expected a month as YYYY-MM, found '2024-00'",
        "kpi_submissions, row 5, month: expected a month as YYYY-MM, found '2024-1'",
        "kpi_submissions, row 6, month: expected a value, found an empty cell",
    ]


def test_ids_codes_and_text_are_kept_as_written_blank_as_missing() -> None:
    values, problems = converted(TABLES["staff"], _text(staff_id=["S1", ""], role=["boss", ""], province=["", "河北"]))
    assert values["staff_id"].fillna("-").tolist() == ["S1", "-"]
    assert values["role"].fillna("-").tolist() == ["boss", "-"]
    assert values["province"].fillna("-").tolist() == ["-", "河北"]
    assert _strings(problems) == [
        "staff, row 3, staff_id: expected a value, found an empty cell",
        "staff, row 3, role: expected a value, found an empty cell",
    ]


def test_a_blank_required_cell_is_listed_in_row_order_with_the_refused_ones() -> None:
    values, problems = converted(TABLES["sales"], _text(units=["x", "", "2.5", ""]))
    assert values["units"].isna().tolist() == [True, True, True, True]
    assert _strings(problems) == [
        "sales, row 2, units: expected a whole number, found 'x'",
        "sales, row 3, units: expected a value, found an empty cell",
        "sales, row 4, units: expected a whole number, found '2.5' (a decimal)",
        "sales, row 5, units: expected a value, found an empty cell",
    ]


# --- ranges and codes ------------------------------------------------------------------------


def test_range_text_of_every_shape() -> None:
    assert range_text(Column("u", "int", min=0, max=5, exclusive_min=True)) == "> 0 and <= 5"
    assert range_text(Column("u", "float", min=2.5)) == ">= 2.5"
    assert range_text(Column("u", "float", min=0.5, max=99.5)) == "from 0.5 to 99.5"
    assert range_text(Column("u", "float", max=1e7)) == "<= 1e+07"
    assert range_text(Column("u", "int")) == ""


def test_the_schema_messages_of_the_contracts() -> None:
    checks = {
        name: [c.error for c in column.checks] for name, column in pandera_schema("annual_targets").columns.items()
    }
    assert checks == {
        "year": ["expected a whole number from 2000 to 2100", "expected a whole number from 2000 to 2100"],
        "dealer_id": [],
        "line": ["expected one of command, work, conversion"],
        "units": ["expected a whole number >= 0"],
    }


def _checked(name: str, text: pd.DataFrame) -> list[str]:
    values, _ = converted(TABLES[name], text)
    return _strings(pandera_problems(TABLES[name], values, text))


def test_bounds_are_inclusive_except_an_exclusive_min() -> None:
    text = _text(
        year=["1999", "2000", "2100", "2101", "", "2000"],
        dealer_id=["D1"] * 6,
        line=["work", "truck", "", "command", "work", "Work"],
        units=["-1", "0", "5", "x", "", "3"],
    )
    assert _checked("annual_targets", text) == [
        "annual_targets, row 2, year: expected a whole number from 2000 to 2100, found '1999'",
        "annual_targets, row 5, year: expected a whole number from 2000 to 2100, found '2101'",
        "annual_targets, row 3, line: expected one of command, work, conversion, found 'truck'",
        "annual_targets, row 7, line: expected one of command, work, conversion, found 'Work'",
        "annual_targets, row 2, units: expected a whole number >= 0, found '-1'",
    ]
    assert _checked("sales", _text(units=["0", "1", "-3"])) == [
        "sales, row 2, units: expected a whole number > 0, found '0'",
        "sales, row 4, units: expected a whole number > 0, found '-3'",
    ]


def test_float_bounds_from_0_to_100() -> None:
    text = _text(quality=["-0.5", "0", "100", "100.5", ""], accuracy=["1", "2", "3", "4", "-1e-9"])
    assert _checked("kpi_submissions", text) == [
        "kpi_submissions, row 6, accuracy: expected a number from 0 to 100, found '-1e-9'",
        "kpi_submissions, row 2, quality: expected a number from 0 to 100, found '-0.5'",
        "kpi_submissions, row 5, quality: expected a number from 0 to 100, found '100.5'",
    ]


def test_a_table_without_its_code_columns_is_checked_on_the_others() -> None:
    assert _checked("annual_targets", _text(units=["-1", "2"])) == [
        "annual_targets, row 2, units: expected a whole number >= 0, found '-1'"
    ]


def test_values_within_the_contract_have_no_problem() -> None:
    assert _checked("products", _text(product_id=["P1"], product_name=["a"], line=["conversion"])) == []


# --- keys and references ---------------------------------------------------------------------


def test_each_repeat_of_a_key_names_the_first_row() -> None:
    text = _text(order_id=["O1", "O2", "O1", "O1", "O2", "O3"], units=["1"] * 6)
    assert _strings(duplicate_key_problems(TABLES["sales"], text)) == [
        "sales, row 4, order_id: expected a unique key, found order_id 'O1' again (first in row 2): "
        "keep one row per key",
        "sales, row 5, order_id: expected a unique key, found order_id 'O1' again (first in row 2): "
        "keep one row per key",
        "sales, row 6, order_id: expected a unique key, found order_id 'O2' again (first in row 3): "
        "keep one row per key",
    ]


def test_blank_keys_are_not_repeats() -> None:
    assert duplicate_key_problems(TABLES["sales"], _text(order_id=["", "O1", ""])) == []
    text = _text(year=["2026", "2026", "2026"], dealer_id=["", "", "D1"], line=["work", "work", "work"])
    assert duplicate_key_problems(TABLES["annual_targets"], text) == []


def test_a_blank_key_does_not_hide_a_repeat_in_other_rows() -> None:
    assert _strings(duplicate_key_problems(TABLES["sales"], _text(order_id=["O1", "", "O1", ""]))) == [
        "sales, row 4, order_id: expected a unique key, found order_id 'O1' again (first in row 2): "
        "keep one row per key",
    ]


def test_a_composite_key_repeats_only_when_every_part_does() -> None:
    text = _text(
        year=["2026", "2026", "2027", "2026"],
        dealer_id=["D1", "D1", "D1", "D1"],
        line=["work", "command", "work", "work"],
    )
    assert duplicate_key_problems(TABLES["annual_targets"], text) == [
        Problem(
            "annual_targets",
            5,
            "year+dealer_id+line",
            "expected a unique key, found year '2026', dealer_id 'D1', line 'work' again (first in row 2): "
            "keep one row per key",
        )
    ]


def test_no_key_check_without_the_key_columns_or_rows() -> None:
    assert duplicate_key_problems(TABLES["annual_targets"], _text(year=["2026", "2026"], line=["work", "work"])) == []
    empty = pd.DataFrame({"order_id": pd.Series([], dtype="str")})
    assert duplicate_key_problems(TABLES["sales"], empty) == []


def test_unique_keys_have_no_problem() -> None:
    assert duplicate_key_problems(TABLES["sales"], _text(order_id=["O1", "O2", "o1"])) == []
    text = _text(lead_id=["L1", "L1", "L2"], factor=["cost", "power", "cost"])
    assert duplicate_key_problems(TABLES["lead_factors"], text) == []


def _org(*ids: str) -> pd.DataFrame:
    return _text(dealer_id=list(ids), dealer_name=["x"] * len(ids))


def test_unknown_ids_are_named_blank_ones_are_not() -> None:
    text = {
        "org": _org("D1", "D2"),
        "staff": _text(start=5, staff_id=["S1", "S2", "S3", "S4"], dealer_id=["D2", "", "D3", "d1"]),
    }
    assert reference_problems(TABLES["staff"], text) == [
        Problem("staff", 7, "dealer_id", "expected a dealer_id listed in org, found 'D3': add it to org or correct it"),
        Problem("staff", 8, "dealer_id", "expected a dealer_id listed in org, found 'd1': add it to org or correct it"),
    ]


def test_a_reference_to_another_column_name() -> None:
    text = {"staff": _text(staff_id=["S1"]), "leads": _text(owner_id=["S1", "S2"], dealer_id=["", ""])}
    assert _strings(reference_problems(TABLES["leads"], text)) == [
        "leads, row 3, owner_id: expected a staff_id listed in staff, found 'S2': add it to staff or correct it"
    ]


def test_references_are_skipped_when_the_target_cannot_tell() -> None:
    staff = _text(staff_id=["S1"], dealer_id=["D9"])
    assert reference_problems(TABLES["staff"], {"staff": staff}) == []
    assert reference_problems(TABLES["staff"], {"staff": staff, "org": _text(dealer_name=["x"])}) == []
    assert reference_problems(TABLES["staff"], {"staff": _text(staff_id=["S1"]), "org": _org("D1")}) == []
    assert reference_problems(TABLES["staff"], {"org": _org("D1")}) == []
    empty_org = pd.DataFrame({"dealer_id": pd.Series([], dtype="str")})
    assert reference_problems(TABLES["staff"], {"staff": staff, "org": empty_org}) == []


def test_references_to_a_table_that_may_be_empty_are_checked() -> None:
    empty_leads = pd.DataFrame({"lead_id": pd.Series([], dtype="str")})
    factors = _text(lead_id=["L1", "L2"], factor=["cost", "cost"])
    assert _strings(reference_problems(TABLES["lead_factors"], {"lead_factors": factors, "leads": empty_leads})) == [
        "lead_factors, row 2, lead_id: expected a lead_id listed in leads, found 'L1': add it to leads or correct it",
        "lead_factors, row 3, lead_id: expected a lead_id listed in leads, found 'L2': add it to leads or correct it",
    ]


@pytest.mark.parametrize("org", [None, pd.DataFrame({"dealer_id": pd.Series([], dtype="str")})])
def test_a_reference_skipped_does_not_skip_the_next_ones(org: pd.DataFrame | None) -> None:
    text = {
        "products": _text(product_id=["P1"]),
        "sales": _text(order_id=["O1", "O2"], dealer_id=["D1", "D2"], product_id=["P2", "P1"]),
    }
    if org is not None:
        text["org"] = org
    assert _strings(reference_problems(TABLES["sales"], text)) == [
        "sales, row 2, product_id: expected a product_id listed in products, found 'P2': "
        "add it to products or correct it"
    ]


def test_every_reference_of_a_table_is_checked() -> None:
    text = {
        "org": _org("D1"),
        "products": _text(product_id=["P1"]),
        "customers": _text(customer_id=["C1"]),
        "sales": _text(
            order_id=["O1", "O2"], dealer_id=["D1", "D2"], product_id=["P2", "P1"], customer_id=["C1", "C3"]
        ),
    }
    assert [(p.row, p.column) for p in reference_problems(TABLES["sales"], text)] == [
        (3, "dealer_id"),
        (2, "product_id"),
        (3, "customer_id"),
    ]


# --- one table, all tables -------------------------------------------------------------------

_SALES = ["order_id", "date", "dealer_id", "product_id", "customer_id", "units"]


def test_an_unreadable_table_keeps_its_reading_problems_and_warnings() -> None:
    read = Problem("sales", None, None, "the file cannot be read")
    note = Problem("sales", None, None, "a note")
    raw = RawTable("sales", Path("sales.csv"), None, problems=(read,), warnings=(note,))
    assert check_table(TABLES["sales"], raw) == (None, None, [read], [note])


def test_a_table_gathers_every_kind_of_problem_in_order() -> None:
    read = Problem("sales", 9, None, "a line with too many values")
    rows = [
        ["O1", "2026-01-05", "D1", "P1", "C1", "0"],
        ["O1", "2026-01-06", "D1", "P1", "C1", "x"],
        [" ", "", "", "", "", ""],
    ]
    raw = RawTable(
        "sales",
        Path("sales.csv"),
        _raw("sales", [*_SALES, "colour"], [[*r, "r"] for r in rows]).frame,
        headers=(*_SALES, "colour"),
        problems=(read,),
        warnings=(Problem("sales", None, None, "a note"),),
    )
    values, text, problems, warnings = check_table(TABLES["sales"], raw)
    assert _strings(problems) == [
        "sales, row 9: a line with too many values",
        "sales, row 3, units: expected a whole number, found 'x'",
        "sales, row 2, units: expected a whole number > 0, found '0'",
        "sales, row 3, order_id: expected a unique key, found order_id 'O1' again (first in row 2): "
        "keep one row per key",
    ]
    assert _strings(warnings) == [
        "sales: a note",
        "sales: column(s) 'colour' are not part of the sales table and were ignored",
        "sales, order_id: 1 cell(s) with surrounding spaces trimmed (row 4)",
        "sales: 1 blank row(s) dropped (row 4)",
    ]
    assert text is not None and values is not None
    assert text.index.tolist() == [2, 3]
    assert text["units"].tolist() == ["0", "x"]
    assert values["units"].fillna(-1).tolist() == [0.0, -1.0]
    assert values["date"].dt.day.tolist() == [5, 6]


def test_a_cell_already_named_by_reading_is_not_named_again() -> None:
    read = (Problem("sales", 3, "units", "an error formula"), Problem("sales", None, "units", "a column note"))
    rows = [["O1", "2026-01-05", "D1", "P1", "C1", "x"], ["O2", "2026-01-05", "D1", "P1", "C1", "y"]]
    raw = RawTable("sales", Path("sales.csv"), _raw("sales", _SALES, rows).frame, headers=tuple(_SALES), problems=read)
    _, _, problems, _ = check_table(TABLES["sales"], raw)
    assert _strings(problems) == [
        "sales, row 3, units: an error formula",
        "sales, units: a column note",
        "sales, row 2, units: expected a whole number, found 'x'",
    ]


def test_a_header_problem_comes_before_the_cells() -> None:
    raw = _raw("products", ["product_id", "line"], [["P1", "truck"]])
    values, _, problems, _ = check_table(TABLES["products"], raw)
    assert _strings(problems) == [
        "products, product_name: expected a column headed 'product_name', found none: add it to the header row",
        "products, row 2, line: expected one of command, work, conversion, found 'truck'",
    ]
    assert values is not None and list(values.columns) == ["product_id", "line"]


@pytest.mark.parametrize(("name", "allowed"), [("sales", True), ("org", False)])
def test_a_table_without_rows(name: str, allowed: bool) -> None:
    headers = list(TABLES[name].column_names)
    values, text, problems, _ = check_table(TABLES[name], _raw(name, headers, [[""] * len(headers)]))
    expected = [] if allowed else [f"{name}: expected at least one row below the header, found none: fill in the table"]
    assert _strings(problems) == expected
    assert values is not None and text is not None
    assert values.empty and text.empty
    assert list(text.columns) == headers


def test_check_tables_takes_a_missing_file_as_an_empty_table() -> None:
    checked = check_tables({"sales": None})
    assert checked.problems == [] and checked.warnings == []
    assert checked.frames["sales"].empty
    assert checked.frames["sales"].dtypes.astype(str).to_dict() == {
        "order_id": "str",
        "date": "datetime64[ns]",
        "dealer_id": "str",
        "product_id": "str",
        "customer_id": "str",
        "units": "int64",
    }
    assert checked.text["sales"].empty
    assert list(checked.text["sales"].columns) == _SALES
    assert set(checked.text["sales"].dtypes.astype(str)) == {"str"}


def test_check_tables_gathers_the_warnings_and_problems_of_every_table() -> None:
    org = _raw("org", [" dealer_id", "dealer_name", "province", "region"], [["D1", "x", "河北", "华北"]])
    products = _raw("products", ["product_id", "product_name", "line"], [["P1", "a", "truck"]])
    customers = _raw("customers", ["customer_id"], [["C1"]])
    checked = check_tables({"sales": None, "org": org, "products": products, "customers": customers})
    assert _strings(checked.warnings) == [
        "org, row 1, A: header ' dealer_id' read as 'dealer_id' (spaces or full-width characters removed)"
    ]
    assert [(p.table, p.row, p.column) for p in checked.problems] == [
        ("products", 2, "line"),
        ("customers", None, "customer_name"),
        ("customers", None, "industry"),
        ("customers", None, "segment"),
        ("customers", None, "purchase_method"),
    ]
    assert list(checked.frames) == ["sales", "org", "products", "customers"]
    assert list(checked.text) == ["sales", "org", "products", "customers"]


def test_check_tables_keeps_no_frame_of_an_unreadable_table() -> None:
    read = Problem("org", None, None, "the file cannot be read")
    checked = check_tables({"org": RawTable("org", Path("org.csv"), None, problems=(read,))})
    assert checked.problems == [read]
    assert checked.frames == {} and checked.text == {}


def test_check_tables_checks_references_after_every_table() -> None:
    staff = _raw(
        "staff",
        ["staff_id", "name", "role", "region", "province", "dealer_id"],
        [["S1", "a", "regional_manager", "华北", "", "D9"], ["S2", "b", "boss", "华北", "", "D1"]],
    )
    org = _raw("org", ["dealer_id", "dealer_name", "province", "region"], [["D1", "x", "河北", "华北"]])
    checked = check_tables({"staff": staff, "org": org})
    assert _strings(checked.problems) == [
        "staff, row 3, role: expected one of regional_director, regional_manager, dealer_specialist, found 'boss'",
        "staff, row 2, dealer_id: expected a dealer_id listed in org, found 'D9': add it to org or correct it",
    ]
    assert checked.warnings == []
    assert checked.frames["org"]["dealer_id"].tolist() == ["D1"]
    assert checked.text["staff"]["dealer_id"].tolist() == ["D9", "D1"]
    assert checked.frames["staff"]["province"].isna().tolist() == [True, True]


def test_check_tables_refuses_a_map_that_loses_a_table_s_check() -> None:
    org = _raw("org", ["dealer_id", "dealer_name", "province", "region"], [["D1", "x", "河北", "华北"]])
    products = _raw("products", ["product_id", "product_name", "line"], [["P1", "a", "truck"]])
    raws = {"org": org, "products": products}
    # a thread pool's map that returned one check fewer would leave a table unchecked: it stops here instead
    with pytest.raises(ValueError, match="zip"):
        check_tables(raws, over=lambda check, names: map(check, names[:-1]))
    both = check_tables(raws, over=lambda check, names: list(map(check, names)))
    assert list(both.frames) == ["org", "products"]


def test_final_frame_has_the_loaded_dtypes_and_a_fresh_index() -> None:
    values, problems = converted(
        TABLES["leads"],
        _text(
            start=4,
            **{c.name: [v] * 2 for c, v in zip(TABLES["leads"].columns, _LEAD_ROW, strict=True)},
        ),
    )
    assert problems == []
    frame = final_frame("leads", values)
    assert frame.index.equals(pd.RangeIndex(2))
    assert frame.dtypes.astype(str).to_dict() == {
        "lead_id": "str",
        "reported_on": "datetime64[ns]",
        "dealer_id": "str",
        "owner_id": "str",
        "customer_id": "str",
        "lead_class": "str",
        "source": "str",
        "stage": "str",
        "product_id": "str",
        "units": "int64",
        "budget": "float64",
        "expected_close": "datetime64[ns]",
        "last_tracked": "datetime64[ns]",
        "notes": "str",
    }
    assert frame.loc[1, "units"] == 2
    assert frame.loc[1, "budget"] == 2500.5
    assert frame.loc[1, "notes"] == "call back"
    assert frame.loc[0, "expected_close"] == pd.Timestamp("2026-06-30")


_LEAD_ROW = ["L1", "2026-01-05", "D1", "S1", "C1", "direct", "directory", "discover", "P1", "2", "2500.5"]
_LEAD_ROW += ["2026-06-30", "2026-01-06", "call back"]


# --- the message -----------------------------------------------------------------------------


def test_one_problem_is_singular_and_a_table_without_location_is_named_alone() -> None:
    assert problem_report([Problem("org", None, None, "c")] * 2, {"sales": "file s.csv"}).splitlines() == [
        "1 problem in the input data (fix them in the named file and run again):",
        "org:",
        "  - org: c",
    ]


def test_no_problem_reads_zero_problems() -> None:
    assert problem_report([], {}) == "0 problems in the input data (fix them in the named file and run again):"


def test_the_report_orders_by_table_row_column_and_message() -> None:
    problems = [
        Problem("sales", 3, "units", "b"),
        Problem("sales", 3, "units", "a"),
        Problem("sales", 3, "date", "z"),
        Problem("sales", None, "units", "y"),
        Problem("sales", 2, None, "x"),
        Problem("sales", None, None, "w"),
        Problem("org", 5, "region", "v"),
    ]
    assert problem_report(problems, {"org": "file o.csv", "sales": "file s.csv"}).splitlines() == [
        "7 problems in the input data (fix them in the named file and run again):",
        "org (file o.csv):",
        "  - org, row 5, region: v",
        "sales (file s.csv):",
        "  - sales: w",
        "  - sales, units: y",
        "  - sales, row 2: x",
        "  - sales, row 3, date: z",
        "  - sales, row 3, units: a",
        "  - sales, row 3, units: b",
    ]


def test_the_report_puts_a_table_wide_problem_before_the_header_row() -> None:
    problems = [
        Problem("sales", 2, "G", "an extra value"),
        Problem("sales", 1, "date", "h"),
        Problem("sales", None, "units", "c"),
        Problem("sales", None, "G", "d"),
        Problem("sales", None, None, "t"),
    ]
    assert problem_lines(problem_report(problems, {})) == [
        "sales: t",
        "sales, G: d",
        "sales, units: c",
        "sales, row 1, date: h",
        "sales, row 2, G: an extra value",
    ]


@pytest.mark.parametrize("count", [LISTED_PER_COLUMN, LISTED_PER_COLUMN + 1, LISTED_PER_COLUMN + 7])
def test_the_listing_cap_per_column(count: int) -> None:
    problems = [Problem("sales", row, "units", "bad") for row in range(2, 2 + count)]
    problems += [Problem("sales", row, "date", "bad") for row in range(2, 5)]
    lines = problem_report(problems, {}).splitlines()
    assert lines[0] == f"{count + 3} problems in the input data (fix them in the named file and run again):"
    assert lines[1] == "sales:"
    listed = [f"  - sales, row {r}, units: bad" for r in range(2, 2 + min(count, LISTED_PER_COLUMN))]
    assert [line for line in lines if line.endswith("units: bad")] == listed
    assert [line for line in lines if line.endswith("date: bad")] == [
        f"  - sales, row {r}, date: bad" for r in (2, 3, 4)
    ]
    more = [f"  ... and {count - LISTED_PER_COLUMN} more in column units"] if count > LISTED_PER_COLUMN else []
    assert [line for line in lines if line.startswith("  ...")] == more
    assert len(lines) == 2 + min(count, LISTED_PER_COLUMN) + 3 + len(more)


def test_the_cap_counts_each_table_on_its_own() -> None:
    problems = [Problem(t, row, "units", "bad") for t in ("sales", "annual_targets") for row in range(2, 17)]
    lines = problem_report(problems, {}).splitlines()
    assert len([line for line in lines if line.startswith("  - ")]) == 30
    assert not any(line.startswith("  ...") for line in lines)


def test_problems_of_a_whole_table_are_all_listed() -> None:
    problems = [Problem("sales", None, None, f"note {i:02}") for i in range(LISTED_PER_COLUMN + 5)]
    lines = problem_report(problems, {}).splitlines()
    assert lines[2:] == [f"  - sales: note {i:02}" for i in range(LISTED_PER_COLUMN + 5)]


def test_problems_of_a_whole_column_are_all_listed() -> None:
    problems = [Problem("sales", None, "units", f"note {i:02}") for i in range(LISTED_PER_COLUMN + 2)]
    lines = problem_report(problems, {}).splitlines()
    assert lines[2:-1] == [f"  - sales, units: note {i:02}" for i in range(LISTED_PER_COLUMN + 2)]
    assert lines[-1] == "  ... and 2 more in column units"


def test_input_error_holds_every_problem_sorted_once_and_the_warnings() -> None:
    b, a = Problem("sales", 3, "units", "b"), Problem("sales", 2, "units", "a")
    warning = Problem("sales", None, None, "w")
    rows = [Problem("org", row, "region", "r") for row in range(2, 2 + LISTED_PER_COLUMN + 1)]
    error = input_error([b, a, b, *rows], [warning, warning], {"sales": "file s.csv"})
    assert isinstance(error, InputError)
    assert error.problems == [*rows, a, b]
    assert error.warnings == [warning, warning]
    assert str(error).splitlines() == [
        "23 problems in the input data (fix them in the named file and run again):",
        "org:",
        *[f"  - org, row {row}, region: r" for row in range(2, 2 + LISTED_PER_COLUMN)],
        "  ... and 1 more in column region",
        "sales (file s.csv):",
        "  - sales, row 2, units: a",
        "  - sales, row 3, units: b",
    ]


def test_input_error_puts_table_and_column_problems_before_the_rows() -> None:
    problems = [
        Problem("sales", 3, "units", "b"),
        Problem("sales", None, "units", "c"),
        Problem("sales", None, None, "t"),
    ]
    error = input_error(problems, [], {})
    assert error.problems == [problems[2], problems[1], problems[0]]
    assert problem_lines(str(error)) == ["sales: t", "sales, units: c", "sales, row 3, units: b"]
