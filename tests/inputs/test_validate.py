"""One defect per case in a copy of the clean minimal set; each names its exact table, row and column."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings
from inputcases import clean_copy, edit, load_problems, problem_lines

from kaplan.core.errors import InputError, Problem
from kaplan.core.schema import TABLES, Column
from kaplan.inputs.loader import load_tables
from kaplan.inputs.reading import RawTable
from kaplan.inputs.validate import (
    LISTED_PER_COLUMN,
    check_table,
    converted,
    problem_report,
    range_text,
)
from kaplan.run.cli import main


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))


Edit = Callable[[Path], None]


def _edit(table: str, old: str, new: str) -> Edit:
    return lambda folder: edit(folder, table, old, new)


def _drop_column(table: str, column: str) -> Edit:
    def apply(folder: Path) -> None:
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        frame.drop(columns=[column]).to_csv(folder / f"{table}.csv", index=False)

    return apply


def _header_only(table: str) -> Edit:
    def apply(folder: Path) -> None:
        path = folder / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

    return apply


CASES: dict[str, tuple[Edit, str]] = {
    "negative_units": (
        _edit("sales", "C2,12", "C2,-12"),
        "sales, row 3, units: expected a whole number > 0, found '-12'",
    ),
    "zero_units": (
        _edit("sales", "C2,1\n", "C2,0\n"),
        "sales, row 4, units: expected a whole number > 0, found '0'",
    ),
    "text_in_number": (
        _edit("sales", "C1,3", "C1,three"),
        "sales, row 2, units: expected a whole number, found 'three'",
    ),
    "thousands_separator": (
        _edit("annual_targets", "command,40", 'command,"1,200"'),
        "annual_targets, row 2, units: expected a whole number, found '1,200' (remove the thousands separator)",
    ),
    "decimal_in_int": (
        _edit("lead_factors", "relationships,3", "relationships,3.5"),
        "lead_factors, row 3, score: expected a whole number, found '3.5' (a decimal)",
    ),
    "score_out_of_range": (
        _edit("lead_factors", "cost,4", "cost,6"),
        "lead_factors, row 2, score: expected a whole number from 1 to 5, found '6'",
    ),
    "text_in_float": (
        _edit("leads", "10,2500000", "10,lots"),
        "leads, row 2, budget: expected a number, found 'lots'",
    ),
    "negative_target": (
        _edit("annual_targets", "D2,work,30", "D2,work,-30"),
        "annual_targets, row 4, units: expected a whole number >= 0, found '-30'",
    ),
    "unknown_dealer": (
        _edit("sales", "O2,2026-02-10,D2", "O2,2026-02-10,D9"),
        "sales, row 3, dealer_id: expected a dealer_id listed in org, found 'D9': add it to org or correct it",
    ),
    "unknown_product": (
        _edit("leads", "contact,P2", "contact,P7"),
        "leads, row 3, product_id: expected a product_id listed in products, found 'P7': "
        "add it to products or correct it",
    ),
    "unknown_owner": (
        _edit("leads", "D2,S2", "D2,S9"),
        "leads, row 3, owner_id: expected a staff_id listed in staff, found 'S9': add it to staff or correct it",
    ),
    "duplicate_key": (
        _edit("sales", "O3,", "O1,"),
        "sales, row 4, order_id: expected a unique key, found order_id 'O1' again (first in row 2): "
        "keep one row per key",
    ),
    "duplicate_composite_key": (
        _edit("annual_targets", "D2,work", "D1,work"),
        "annual_targets, row 4, year+dealer_id+line: expected a unique key, found year '2026', "
        "dealer_id 'D1', line 'work' again (first in row 3): keep one row per key",
    ),
    "impossible_date": (
        _edit("sales", "2026-02-10", "2024-02-30"),
        "sales, row 3, date: expected a real date YYYY-MM-DD, found '2024-02-30' (no such day)",
    ),
    "slash_date": (
        _edit("sales", "2026-02-10", "2024/03/01"),
        "sales, row 3, date: expected a date as YYYY-MM-DD, found '2024/03/01'",
    ),
    "excel_serial_date": (
        _edit("sales", "2026-02-10", "45352"),
        "sales, row 3, date: expected a date as YYYY-MM-DD, found '45352' "
        "(an Excel serial number: format the column as a date or YYYY-MM-DD text)",
    ),
    "bad_month": (
        _edit("kpi_submissions", "S3,2026-02,deal_stats", "S3,2026-13,deal_stats"),
        "kpi_submissions, row 3, month: expected a month as YYYY-MM, found '2026-13'",
    ),
    "missing_column": (
        _drop_column("products", "line"),
        "products, line: expected a column headed 'line', found none: add it to the header row",
    ),
    "duplicate_header": (
        lambda folder: (folder / "org.csv").write_text(
            "dealer_id,dealer_name,province,region,province\nD1,a,河北,华北大区,河北\nD2,b,山西,华北大区,山西\n",
            encoding="utf-8",
        ),
        "org, row 1, province: expected one column headed 'province', found 2 (columns C and E): "
        "delete or rename the extra one",
    ),
    "pandas_renamed_duplicate_header": (
        _edit("sales", "customer_id,units", "customer_id,units,units.1"),
        "sales, row 1, units: expected one column headed 'units', found 2 (columns F and G): "
        "delete or rename the extra one",
    ),
    "unknown_code": (
        _edit("products", "B,work", "B,truck"),
        "products, row 3, line: expected one of command, work, conversion, found 'truck'",
    ),
    "missing_required_value": (
        _edit("customers", "C2,出租车公司", "C2,"),
        "customers, row 3, customer_name: expected a value, found an empty cell",
    ),
    "empty_required_table": (
        _header_only("org"),
        "org: expected at least one row below the header, found none: fill in the table",
    ),
    "wrong_value_count": (
        _edit("products", "P2,作业车B,work", "P2,作业车B,work,extra"),
        "products, row 3: expected 3 values as in the header, found 4: check the separators and quotes of this line",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_defect_is_named_by_table_row_and_column(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apply, expected = CASES[case]
    folder = clean_copy(tmp_path)
    apply(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert main(["check", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert expected in problem_lines(err)
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_every_problem_of_every_table_comes_in_one_error(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    for case in ("negative_units", "unknown_code", "missing_required_value", "bad_month"):
        CASES[case][0](folder)
    lines = load_problems(folder)
    assert [CASES[c][1] for c in ("missing_required_value", "bad_month", "unknown_code", "negative_units")] == lines


def test_missing_required_table_file_is_named(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    (folder / "customers.csv").unlink()
    lines = load_problems(folder)
    assert (
        f"customers: expected a file customers.csv or customers.xlsx or customers.parquet in {folder}, found none"
    ) in lines


def test_missing_optional_table_is_empty_with_a_warning(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    (folder / "lead_contacts.csv").unlink()
    tables = load_tables(folder)
    assert tables.lead_contacts.empty
    assert list(tables.lead_contacts.columns) == list(TABLES["lead_contacts"].column_names)
    assert "lead_contacts: no file: the table is taken as empty" in tables.warnings


def test_full_width_digits_are_accepted_with_a_warning(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,１２")
    tables = load_tables(folder)
    assert tables.sales["units"].tolist() == [3, 12, 1]
    assert "sales, units: 1 cell(s) in full-width characters converted to ASCII (row 3)" in tables.warnings


def test_surrounding_spaces_are_trimmed_with_a_warning(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "org", "dealer_id,dealer_name,province,region", " dealer_id,dealer_name,province ,region")
    edit(folder, "org", "D2,晋中汽车", "D2 ,晋中汽车 ")
    tables = load_tables(folder)
    assert tables.org["dealer_id"].tolist() == ["D1", "D2"]
    assert tables.org["dealer_name"].tolist() == ["冀北汽车", "晋中汽车"]
    assert "org, row 1, C: header 'province ' read as 'province' (spaces or full-width characters removed)" in (
        tables.warnings
    )
    assert "org, dealer_id: 1 cell(s) with surrounding spaces trimmed (row 3)" in tables.warnings


def test_blank_rows_are_dropped_and_later_rows_keep_their_numbers(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "O2,", "\n,,,,,\nO2,")
    tables = load_tables(folder)
    assert tables.sales["order_id"].tolist() == ["O1", "O2", "O3"]
    assert "sales: 2 blank row(s) dropped (rows 3, 4)" in tables.warnings
    edit(folder, "sales", "C2,1\n", "C2,0\n")
    assert "sales, row 6, units: expected a whole number > 0, found '0'" in load_problems(folder)


def test_unknown_extra_column_is_a_warning(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "products", "product_name,line", "product_name,line,colour")
    tables = load_tables(folder)
    assert "products: column(s) 'colour' are not part of the products table and were ignored" in tables.warnings
    assert list(tables.products.columns) == ["product_id", "product_name", "line"]


def test_optional_blank_cells_are_missing_values(tmp_path: Path) -> None:
    tables = load_tables(clean_copy(tmp_path))
    assert tables.staff["province"].isna().tolist() == [True, False, False]
    assert pd.isna(tables.leads.loc[1, "budget"])


# --- the listing cap -------------------------------------------------------------------------


def test_listing_is_capped_per_column_but_the_error_keeps_every_problem(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    rows = "".join(f"X{i},2026-01-05,D1,P1,C1,-{i + 1}\n" for i in range(50))
    (folder / "sales.csv").write_text("order_id,date,dealer_id,product_id,customer_id,units\n" + rows, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_tables(folder)
    assert len(caught.value.problems) == 50
    message = str(caught.value)
    assert len(problem_lines(message)) == LISTED_PER_COLUMN
    assert f"  ... and {50 - LISTED_PER_COLUMN} more in column units" in message.splitlines()
    assert f"sales (file {folder / 'sales.csv'}):" in message.splitlines()


def test_report_names_each_file_once() -> None:
    problems = [Problem("sales", 3, "units", "a"), Problem("sales", 2, "date", "b"), Problem("org", None, None, "c")]
    report = problem_report(problems, {"sales": "file s.csv", "org": "file o.xlsx, sheet org"})
    assert report.splitlines() == [
        "3 problems in the input data (fix them in the named file and run again):",
        "org (file o.xlsx, sheet org):",
        "  - org: c",
        "sales (file s.csv):",
        "  - sales, row 2, date: b",
        "  - sales, row 3, units: a",
    ]


# --- properties ------------------------------------------------------------------------------


def _raw(name: str, columns: dict[str, list[str]]) -> RawTable:
    frame = pd.DataFrame({i: pd.Series(v, dtype="str") for i, v in enumerate(columns.values())})
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return RawTable(name, Path(f"{name}.csv"), frame, headers=tuple(columns))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(-20, 20).map(str), st.text(alphabet="0123456789+-., ab", max_size=6)),
        min_size=1,
        max_size=30,
    )
)
def test_every_bad_or_blank_score_is_reported_exactly_once(scores: list[str]) -> None:
    n = len(scores)
    raw = _raw("lead_factors", {"lead_id": [f"L{i}" for i in range(n)], "factor": ["cost"] * n, "score": scores})
    _, _, problems, _ = check_table(TABLES["lead_factors"], raw)
    cleaned = [s.strip() for s in scores]
    good = [re.fullmatch(r"[+-]?[0-9]+", c) is not None and 1 <= int(c) <= 5 for c in cleaned]
    expected = [i + 2 for i, ok in enumerate(good) if not ok]
    assert sorted(p.row for p in problems if p.column == "score") == expected
    assert all(p.column == "score" for p in problems)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)).map(lambda d: d.isoformat()), min_size=1, max_size=20)
)
def test_real_iso_dates_in_range_always_convert(dates: list[str]) -> None:
    text = pd.DataFrame({"date": pd.Series(dates, dtype="str", index=pd.RangeIndex(2, 2 + len(dates)))})
    spec = TABLES["sales"]
    values, problems = converted(spec, text)
    assert problems == []
    assert values["date"].dt.strftime("%Y-%m-%d").tolist() == dates


def test_range_text_of_the_contracts() -> None:
    assert range_text(Column("u", "int", min=0, exclusive_min=True)) == "> 0"
    assert range_text(Column("u", "int", min=0)) == ">= 0"
    assert range_text(Column("s", "int", min=1, max=5)) == "from 1 to 5"
    assert range_text(Column("s", "float", max=100)) == "<= 100"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1899-12-31", "expected a date from 1900-01-01 to 2199-12-31, found '1899-12-31'"),
        ("2024-13-01", "expected a real date YYYY-MM-DD, found '2024-13-01' (no such day)"),
        ("2024-3-1", "expected a date as YYYY-MM-DD, found '2024-3-1'"),
        ("2024-03-01 10:00:00", "expected a date as YYYY-MM-DD, found '2024-03-01 10:00:00'"),
    ],
)
def test_date_messages(value: str, message: str) -> None:
    text = pd.DataFrame({"date": pd.Series(["2024-01-01", value], dtype="str", index=[2, 3])})
    values, problems = converted(TABLES["sales"], text)
    assert problems == [Problem("sales", 3, "date", message)]
    assert values["date"].dtype == "datetime64[ns]"


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.sets(st.integers(0, n), max_size=5))
    )
)
def test_a_bad_cell_is_reported_on_the_line_a_spreadsheet_shows(case: tuple[int, int, set[int]]) -> None:
    import tempfile

    from kaplan.inputs.reading import read_table

    rows, bad_at, blanks_before = case
    lines = ["order_id,date,dealer_id,product_id,customer_id,units"]
    for i in range(rows):
        lines += [""] * (i in blanks_before) + [",,,,,"] * (i in blanks_before)
        lines.append(f"O{i},2026-01-05,D1,P1,C1,{'-1' if i == bad_at else '1'}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sales.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _, _, problems, _ = check_table(TABLES["sales"], read_table("sales", path))
    line_of_bad = next(n for n, line in enumerate(lines, start=1) if line.startswith(f"O{bad_at},"))
    assert [(p.row, p.column) for p in problems] == [(line_of_bad, "units")]


def test_text_next_to_a_negative_number_are_both_reported(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C1,3", "C1,abc")
    edit(folder, "sales", "C2,12", "C2,-3")
    assert load_problems(folder) == [
        "sales, row 2, units: expected a whole number, found 'abc'",
        "sales, row 3, units: expected a whole number > 0, found '-3'",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["sales", "org"]), st.integers(2, 200), st.sampled_from(["units", "date", None])),
        max_size=120,
    )
)
def test_listing_shows_at_most_the_cap_per_column_and_counts_the_rest(cells: list[tuple[str, int, str | None]]) -> None:
    problems = [Problem(t, None if c is None else r, c, "x") for t, r, c in cells]
    report = problem_report(problems, {})
    distinct = set(problems)
    shown = problem_lines(report)
    assert len(shown) == len(set(shown))
    for table in {p.table for p in distinct}:
        for column in {p.column for p in distinct if p.table == table and p.column}:
            total = sum(1 for p in distinct if p.table == table and p.column == column)
            listed = sum(1 for line in shown if line.startswith(f"{table}, row ") and line.endswith(f", {column}: x"))
            assert listed == min(total, LISTED_PER_COLUMN)
            more = f"  ... and {total - LISTED_PER_COLUMN} more in column {column}"
            assert (more in report.splitlines()) == (total > LISTED_PER_COLUMN)
    assert report.splitlines()[0].startswith(f"{len(distinct)} problem")
