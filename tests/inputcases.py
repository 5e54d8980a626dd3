"""Helpers for the input tests: copies of the clean minimal data set with one defect each."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import openpyxl

CLEAN = Path(__file__).resolve().parent / "fixtures" / "clean"


def clean_copy(tmp_path: Path) -> Path:
    """A writable copy of ``tests/fixtures/clean``."""
    folder = tmp_path / "data"
    shutil.copytree(CLEAN, folder)
    return folder


def edit(folder: Path, table: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``table``'s CSV by ``new``."""
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def csv_rows(folder: Path, table: str) -> list[list[str]]:
    import csv

    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], title: str = "Sheet1") -> openpyxl.Workbook:
    """A one-sheet workbook with ``rows`` from A1 (saved; returned for further edits)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return book


def to_xlsx(folder: Path, table: str, title: str | None = None) -> Path:
    """Replace ``table``'s CSV by an xlsx with the same cells (all text); the new path."""
    rows = csv_rows(folder, table)
    (folder / f"{table}.csv").unlink()
    path = folder / f"{table}.xlsx"
    write_xlsx(path, rows, title or table)
    return path


def load_problems(folder: Path) -> list[str]:
    """The problem lines ``kaplan.load`` raises for ``folder`` (it must raise)."""
    import pytest

    from kaplan.core.errors import InputError
    from kaplan.inputs.loader import load_tables

    with pytest.raises(InputError) as caught:
        load_tables(folder)
    return problem_lines(str(caught.value))


def problem_lines(message: str) -> list[str]:
    """The ``- table, row N, column: ...`` lines of an error message, without the bullet."""
    return [line.strip()[2:] for line in message.splitlines() if line.strip().startswith("- ")]
