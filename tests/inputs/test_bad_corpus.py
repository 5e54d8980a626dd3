"""The committed corpus of broken inputs (``tests/fixtures/bad``), run through ``kaplan check``.

Each case is the clean minimal set with the case's files laid over it (and ``remove.txt``'s
files deleted). A case with ``expected.txt`` must exit 2 listing exactly its problem lines (no more: one defect
must not drown in follow-on lines); a case with ``warnings.txt`` must load (exit 0) listing exactly
its warnings. Nothing in the
data folder may change, and no traceback may be shown. ``bomb_*`` cases (and an oversized zip
entry built here) must be refused within a time bound and with bounded memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import sqlite3
import sys
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from inputcases import CLEAN, problem_lines

from kaplan.run.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD = FIXTURES / "bad"
CASE_NAMES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
CONTROL_FILES = {"expected.txt", "warnings.txt", "remove.txt", "database.sql"}
DATABASE = "data.sqlite"  # a case with database.sql is read from this SQLite file in its folder
BOMB_PEAK_BYTES = 100 * 2**20

sys.path.insert(0, str(FIXTURES))
import make_bad  # noqa: E402


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def applied(case: Path, tmp_path: Path) -> Path:
    """A copy of the clean set with ``case`` applied."""
    folder = tmp_path / "data"
    shutil.copytree(CLEAN, folder)
    for name in _lines(case / "remove.txt"):
        (folder / name).unlink()
    for file in case.iterdir():
        if file.name not in CONTROL_FILES:
            shutil.copyfile(file, folder / file.name)
    if (case / "database.sql").exists():
        as_sqlite(folder, (case / "database.sql").read_text(encoding="utf-8"))
    return folder


def data_argument(folder: Path) -> str:
    """What ``--data`` names for a case: its folder, or (run from the folder) its SQLite database."""
    return f"sqlite:///{DATABASE}" if (folder / DATABASE).exists() else str(folder)


def as_sqlite(folder: Path, statements: str) -> None:
    """The CSV tables of ``folder`` as text columns of ``folder/data.sqlite`` (blank cells NULL), then
    ``statements`` run on it; the CSV files are removed."""
    connection = sqlite3.connect(folder / DATABASE)
    try:
        for path in sorted(folder.glob("*.csv")):
            header, *rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
            columns = ", ".join(f'"{c}" TEXT' for c in header)
            connection.execute(f'CREATE TABLE "{path.stem}" ({columns})')
            marks = ", ".join("?" for _ in header)
            connection.executemany(f'INSERT INTO "{path.stem}" VALUES ({marks})',
                                   [[v if v != "" else None for v in row] for row in rows])
            path.unlink()
        connection.executescript(statements)
        connection.commit()
    finally:
        connection.close()


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def checked(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``kaplan check`` on ``folder``."""
    here = Path.cwd()
    os.chdir(folder)
    try:
        code = main(["check", "--data", data_argument(folder)])
    finally:
        os.chdir(here)
    out, err = capsys.readouterr()
    return code, out, err


def refusal_peak(folder: Path, capsys: pytest.CaptureFixture[str]) -> int:
    """Peak traced bytes of refusing ``folder`` (a bomb must be refused before it is unpacked).

    Wall-clock budgets live in the benchmarks (this machine is shared); that no sheet row is read
    before the refusal is asserted in tests/inputs/test_reading.py.
    """
    tracemalloc.start()
    try:
        assert main(["check", "--data", str(folder)]) == 2
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    capsys.readouterr()
    return peak


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_gives_its_exact_message_and_changes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = BAD / name
    folder = applied(case, tmp_path)
    before = hashes(folder)
    code, out, err = checked(folder, capsys)
    assert "Traceback" not in out + err
    if (case / "warnings.txt").exists():
        assert code == 0, err
        assert sorted(problem_lines(out)) == sorted(_lines(case / "warnings.txt"))
    else:
        expected = _lines(case / "expected.txt")
        assert expected, f"{name} lists no expected problem"
        assert code == 2
        assert sorted(problem_lines(err)) == sorted(expected)
    if name.startswith("bomb_"):
        assert refusal_peak(folder, capsys) < BOMB_PEAK_BYTES
    assert hashes(folder) == before


def test_xlsx_cases_name_their_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = applied(BAD / "formula_without_cached_value", tmp_path)
    _, _, err = checked(folder, capsys)
    assert f"sales (file {folder / 'sales.xlsx'}, sheet sales):" in err.splitlines()


def test_oversized_zip_entry_is_refused_quickly_with_bounded_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = applied(BAD / "bomb_entity_expansion", tmp_path)  # any org.xlsx case: org.csv removed
    book = io.BytesIO()
    make_bad.as_xlsx("org").save(book)
    path = folder / "org.xlsx"
    path.write_bytes(book.getvalue())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (200 << 20))
    assert path.stat().st_size < 1 << 20
    before = hashes(folder)
    code, _, err = checked(folder, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert "org: part xl/media/padding.bin unpacks 1,0" in err
    assert "times its stored size (a zip bomb?): save the table again from Excel or as CSV UTF-8" in err
    assert refusal_peak(folder, capsys) < BOMB_PEAK_BYTES
    assert hashes(folder) == before


def test_corpus_has_at_least_25_cases_each_with_one_outcome() -> None:
    assert len(CASE_NAMES) >= 25
    for name in CASE_NAMES:
        outcomes = {"expected.txt", "warnings.txt"} & {p.name for p in (BAD / name).iterdir()}
        assert len(outcomes) == 1, name


def test_the_corpus_covers_every_kind_the_hardening_issue_lists() -> None:
    kinds = [
        "formula_without_cached_value",
        "merged_header_cells",
        "hidden_sheet_and_named_sheet",
        "duplicate_headers",
        "trailing_spaces_in_headers",
        "numbers_stored_as_text_xlsx",
        "full_width_digits",
        "thousands_separator",
        "decimal_in_int_column",
        "text_in_number_column",
        "negative_units",
        "zero_units",
        "mixed_date_types_xlsx",
        "impossible_date",
        "gbk_encoded_csv",
        "bom_csv",
        "blank_rows",
        "wrong_declared_dimension_xlsx",
        "unknown_dealer",
        "unknown_product",
        "unknown_customer_on_lead",
        "duplicate_key",
        "missing_column",
        "unknown_code",
        "missing_required_value",
        "empty_required_table",
        "two_files_for_one_table",
        "ragged_csv_line",
        "bomb_cell_at_xfd1048576",
        "bomb_entity_expansion",
    ]
    assert set(kinds) <= set(CASE_NAMES)


def _xlsx_cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        out = {}
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            out[sheet.title] = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        return out
    finally:
        book.close()


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_make_bad_regenerates_the_committed_corpus(tmp_path: Path) -> None:
    out = tmp_path / "bad"
    make_bad.write_corpus(out)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    committed = sorted(str(p.relative_to(BAD)) for p in BAD.rglob("*") if p.is_file())
    assert files == committed
    for relative in files:
        new, old = out / relative, BAD / relative
        if not zipfile.is_zipfile(old):
            assert new.read_bytes() == old.read_bytes(), relative
        elif relative.startswith("bomb_"):  # openpyxl must not open these: compare the unzipped parts
            assert _zip_parts(new) == _zip_parts(old), relative
        else:
            assert _xlsx_cells(new) == _xlsx_cells(old), relative
