"""``kaplan adjust``: read a planner's corrections, check them, record them beside the params (docs/method.md §2.2).

The file (``--from``) is either

- an edited regional issue workbook ``issue/<region>.xlsx``: its first sheet with a dealer code
  column (the ``dealer`` sheet); the title block names the region, the month and the issue
  version; every dealer row's line columns are read, and each cell that differs from the issued
  target is a correction (subtotal and total rows, which have no dealer code, are not read); or
- a small adjustments sheet (.xlsx, first sheet, or .csv UTF-8) with the columns ``dealer_id``,
  ``line``, ``target`` (machine names or their zh / en labels; lines as codes or labels), or
  ``dealer_id`` and one column per line.

Checks and the record are :mod:`kaplan.plan.adjustments`; the record is written as the next
``<params folder>/adjustments/YYYY-MM/NNNN.json`` with a temporary file, fsync and ``os.link`` (which
never replaces an existing record), so a record is whole or absent and two people adjusting at once
get two numbers. Any problem: a message naming the rows and numbers, exit code 2, nothing written.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd

from kaplan.core.glossary import LANGS, label
from kaplan.core.months import Month
from kaplan.core.params import adjustments_dir, load_params, locks_dir
from kaplan.inputs.loader import load_tables
from kaplan.inputs.reading import xlsx_precheck
from kaplan.plan.adjustments import (
    AdjustmentError,
    Record,
    adjustment_records,
    apply_adjustments,
    checked_request,
    issue_version,
    new_record,
)
from kaplan.plan.targets import month_targets
from kaplan.sample.write import data_folder

log = logging.getLogger(__name__)

MAX_ROWS = 100_000


@dataclass(frozen=True)
class Request:
    """What a file asks for: rows (dealer_id, line, target, row) and, from a pack, its region, month, version."""

    rows: pd.DataFrame
    region: str | None = None
    month: str | None = None
    version: str | None = None


def _names(term: str) -> set[str]:
    return {term, *(label(term, lang) for lang in LANGS)}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(path: Path) -> list[tuple[int, list[object]]]:
    """(spreadsheet row number, cells) of the file's first sheet (or the CSV)."""
    if path.suffix.lower() == ".csv":
        try:
            frame = pd.read_csv(path, dtype=str, header=None, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise AdjustmentError(f"{path.name}: cannot be read as CSV UTF-8 ({exc})") from None
        return [(i + 1, list(row)) for i, row in enumerate(frame.itertuples(index=False))]
    if path.suffix.lower() != ".xlsx":
        raise AdjustmentError(f"{path.name}: give an .xlsx workbook (an edited issue workbook) or a .csv file")
    refused = xlsx_precheck(path)
    if refused:
        raise AdjustmentError(f"{path.name}: {refused[0]}")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise AdjustmentError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows = []
        for i, row in enumerate(sheet.iter_rows(values_only=True), 1):
            if i > MAX_ROWS:
                raise AdjustmentError(f"{path.name}: more than {MAX_ROWS:,} rows: not an adjustments sheet")
            rows.append((i, list(row)))
        return rows
    finally:
        book.close()


def read_request(path: Path, lines: list[str]) -> Request:
    """The corrections a file asks for (see the module's docstring); ``lines``: the month's line codes."""
    table = _table(path)
    dealer_names = _names("dealer_id")
    header_at = next((k for k, (_, cells) in enumerate(table) if dealer_names & {_text(c) for c in cells}), None)
    if header_at is None:
        raise AdjustmentError(f"{path.name}: no header with a dealer code column ({' / '.join(sorted(dealer_names))})")
    title = {_text(cells[0]): _text(cells[1]) for _, cells in table[:header_at] if len(cells) > 1}

    def titled(term: str) -> str | None:
        return next((title[k] for k in _names(term) if title.get(k)), None)

    header = [_text(c) for c in table[header_at][1]]
    column = {name: j for j, name in enumerate(header) if name}
    dealer_j = next(column[n] for n in dealer_names if n in column)
    line_of = {name: line for line in lines for name in _names(line)}
    wide = {column[n]: line_of[n] for n in column if n in line_of}
    line_j = next((column[n] for n in _names("line") if n in column), None)
    target_j = next((column[n] for t in ("target", "adjusted_target") for n in _names(t) if n in column), None)
    if not wide and (line_j is None or target_j is None):
        raise AdjustmentError(f"{path.name}: give the columns dealer_id, line, target, or one column per line "
                              f"({', '.join(label(line, 'zh') for line in lines)})")  # fmt: skip
    records = []
    for number, cells in table[header_at + 1:]:
        cells = cells + [None] * (len(header) - len(cells))
        dealer = _text(cells[dealer_j])
        if not dealer:
            continue  # a subtotal, a total, a note or a blank row
        if wide:
            records += [(dealer, line, _value(cells[j]), number) for j, line in wide.items()]
        else:
            line = _text(cells[line_j])
            records.append((dealer, line_of.get(line, line), _value(cells[target_j]), number))
    rows = pd.DataFrame(records, columns=["dealer_id", "line", "target", "row"])
    return Request(rows, titled("region"), titled("month"), titled("issue_version"))


def _value(cell: object) -> object:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return cell
    text = _text(cell)
    return text if text else "(blank)"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_record(folder: Path, record: Record) -> Path:
    """Write ``record`` as the next ``NNNN.json`` of ``folder``: temp file, fsync, ``os.link`` (never replaces)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".adjust-", suffix=".tmp", dir=folder)
    try:
        numbers = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()]
        number = max(numbers, default=0) + 1
        while True:
            name = f"{number:04d}.json"
            text = Record(**{**record.__dict__, "name": name}).to_json()
            with open(fd, "w", encoding="utf-8", closefd=False) as handle:
                handle.seek(0)
                handle.truncate()
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, folder / name)
            except FileExistsError:
                number += 1
                continue
            break
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return folder / name
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def adjust(month: str, source: Path, by: str, reason: str, data_dir: Path | None = None,
           params_file: Path | None = None, at: datetime | None = None) -> tuple[Path, Record]:  # fmt: skip
    """Check the corrections of ``source`` against the issued targets of ``month`` and record them."""
    month = str(Month.of(month))
    source = Path(source)
    if not source.is_file():
        raise AdjustmentError(f"{source}: no such file: give the edited issue workbook or adjustments sheet")
    params = load_params(params_file, month)
    locks = locks_dir(params_file)
    tables = load_tables(data_folder(data_dir), locks=locks if locks.exists() else None)
    formula = month_targets(tables, month, params)
    records = adjustment_records(params_file, month)
    issued, _ = apply_adjustments(formula, records)
    request = read_request(source, list(dict.fromkeys(issued.dealer["line"])))
    if request.month and request.month != month:
        raise AdjustmentError(f"{source.name} is the workbook of {request.month}, not of {month}: give --month "
                              f"{request.month} or the workbook of {month}")  # fmt: skip
    current = issue_version(records)
    if request.version and request.version != current:
        raise AdjustmentError(f"{source.name} shows issue version {request.version}, but {month} is at {current} "
                              "now: edit the workbook of the latest run, so no adjustment is undone")  # fmt: skip
    checked = checked_request(request.rows, issued.dealer, request.region, source=source.name)
    when = (at or datetime.now().astimezone()).isoformat(timespec="seconds")
    record = new_record(issued, records, checked, by=by, at=when, reason=reason, source=source.name,
                        source_sha256=file_hash(source), province_totals=params.issue.province_totals)  # fmt: skip
    apply_adjustments(formula, [*records, record])  # the whole month still adds up
    path = write_record(adjustments_dir(params_file) / month, record)
    log.info("recorded %s", path)
    return path, record
