"""Check tables read as text (:mod:`kaplan.inputs.reading`) against the contracts of :mod:`kaplan.core.schema`.

Everything is gathered in one pass over all tables; nothing stops at the first problem.

Clean-ups that cannot change what a planner meant are applied and reported as warnings:

- surrounding spaces (including the full-width space) in headers and cells are removed;
- a header may be the column's machine name or its label in the glossary, in Chinese or English
  (the headers kaplan's own workbooks carry: ``经销商代码`` or ``Dealer code`` for ``dealer_id``);
- in id, code, number, date and month cells, full-width digits, letters and punctuation are
  mapped to ASCII by Unicode NFKC (``'１２'`` -> ``'12'``); text (names) is left as written;
- rows whose every cell is blank are dropped;
- a column the contract does not know is ignored (named with the closest expected header).

Everything else is a :class:`~kaplan.core.errors.Problem` on the cell, with the row a spreadsheet shows:

- headers: a missing column, the same header twice (also ``units`` next to ``units.1``);
- kinds: ``int`` must match ``[+-]?[0-9]+`` (so ``'1,200'`` and ``'12.5'`` are refused),
  ``float`` must be a finite number without separators, ``date`` must be a real ``YYYY-MM-DD``
  (``'2024-02-30'``, ``'2024/03/01'`` and Excel serials are refused), ``month`` ``YYYY-MM``;
- required cells not blank;
- with pandera (``lazy=True``) on the converted columns: numbers within the contract's ``min`` /
  ``max`` (``exclusive_min``: strictly above), codes in the contract's list (a cell that could not
  be converted is reported once, by its conversion, and not checked again);
- keys unique (each repeat names the key values and the row of the first occurrence);
- references: every non-blank id must exist in the referenced table;
- a table with no rows, unless the contract allows it.

pandera is imported by the two functions that use it: a notebook kernel, which reads validated
tables from the cache, does not pay its import.
"""

from __future__ import annotations

import difflib
import itertools
import logging
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from kaplan.core.errors import InputError, Problem, problem_key
from kaplan.core.glossary import LANGS, label
from kaplan.core.schema import TABLES, Column, Table
from kaplan.core.tables import isin, pa_array, typed
from kaplan.inputs.reading import RawTable, column_letters

if TYPE_CHECKING:
    import pandera.pandas as pa

log = logging.getLogger(__name__)

LISTED_PER_COLUMN = 20  # problems listed per table column in a message; the error keeps them all
ROWS_IN_WARNING = 5

_INT = r"[+-]?[0-9]{1,15}"
_THOUSANDS = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
_DECIMAL = r"[+-]?[0-9]*\.[0-9]+|[+-]?[0-9]+\.[0-9]*"
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_SERIAL = r"[0-9]{1,6}(\.[0-9]+)?"
_MONTH = r"[0-9]{4}-(0[1-9]|1[0-2])"
FIRST_DATE, LAST_DATE = "1900-01-01", "2199-12-31"
_NORMALISED_KINDS = ("id", "code", "int", "float", "date", "month")


@dataclass
class Checked:
    """The outcome of validating every table: typed frames (by spreadsheet row), problems, warnings."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    text: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


# --- headers ---------------------------------------------------------------------------------


def named_columns(spec: Table, raw: RawTable) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    """The raw cells under the contract's column names, with header problems and warnings.

    Headers are compared after NFKC and trimming, with the machine name or a glossary label of each
    column (:func:`header_names`). A missing optional column is added blank; of a duplicated header
    the first column is used; unknown columns are dropped.
    """
    assert raw.frame is not None
    cleaned = [unicodedata.normalize("NFKC", h).strip() for h in raw.headers]
    names = header_names(spec.name)
    positions: dict[str, list[int]] = {}
    for i, header in enumerate(cleaned):
        base = _mangled_base(header, spec, cleaned)
        positions.setdefault(names.get(base.casefold(), base), []).append(i)
    out = {}
    for column in spec.columns:
        if column.name in positions:
            out[column.name] = raw.frame[positions[column.name][0]].fillna("").astype("str")
        elif column.optional_column:
            out[column.name] = pd.Series("", index=raw.frame.index, dtype="str")
    missing = _missing_columns(spec, positions, raw)
    below = _header_below(spec, raw) if missing else None
    if below is not None:
        missing = [Problem(spec.name, below, None, f"expected the header in row {raw.header_row}, found it in row "
                                                   f"{below}: delete the lines above the header")]  # fmt: skip
    problems = _duplicate_headers(spec, positions, raw.header_row) + missing
    warnings = _header_cleanups(spec.name, raw, cleaned) + _unknown_columns(spec, positions)
    return pd.DataFrame(out, index=raw.frame.index), problems, warnings


@cache
def header_names(table: str) -> dict[str, str]:
    """Every header accepted for a column of ``table`` (casefolded) -> the column's machine name.

    A column is headed by its machine name (``dealer_id``) or its glossary label in any language
    (``经销商代码``, ``Dealer code``): the headers of kaplan's own workbooks read back as input.
    """
    names: dict[str, str] = {}
    for column in TABLES[table].columns:
        for text in (column.name, *(label(column.name, lang) for lang in LANGS)):
            names.setdefault(unicodedata.normalize("NFKC", text).strip().casefold(), column.name)
    return names


def closest_header(table: str, header: str) -> tuple[str, str] | None:
    """(the accepted header most like ``header``, its column), or None when none is close (ratio < 0.6)."""
    spellings = {
        text: column.name
        for column in TABLES[table].columns
        for text in (column.name, *(label(column.name, lang) for lang in LANGS))
    }
    match = difflib.get_close_matches(header, list(spellings), n=1, cutoff=0.6)
    return (match[0], spellings[match[0]]) if match else None


def _duplicate_headers(spec: Table, positions: Mapping[str, list[int]], header_row: int) -> list[Problem]:
    return [
        Problem(
            spec.name,
            header_row,
            header,
            f"expected one column headed {header!r}, found {len(where)} "
            f"(columns {' and '.join(column_letters(i + 1) for i in where)}): delete or rename the extra one",
        )
        for header, where in positions.items()
        if len(where) > 1 and header in spec.column_names
    ]


def _missing_columns(spec: Table, positions: Mapping[str, list[int]], raw: RawTable) -> list[Problem]:
    unknown = [h for h in positions if h not in spec.column_names]
    problems = []
    for column in spec.columns:
        if column.name in positions or column.optional_column:
            continue
        near = [h for h in unknown if (closest_header(spec.name, h) or ("", ""))[1] == column.name]
        hint = f" (header {near[0]!r} looks like it: correct it)" if near else ""
        problems.append(Problem(spec.name, None, column.name, f"{raw.missing_column(column.name)}{hint}"))
    return problems


def _header_below(spec: Table, raw: RawTable, rows: int = 20) -> int | None:
    """The row among the first ``rows`` below the header that heads every required column, if one does:
    a title or notes above the header of a CSV (docs/data.md "Files": the header in row 1)."""
    assert raw.frame is not None
    names = header_names(spec.name)
    required = {c.name for c in spec.columns if not c.optional_column}
    for number, cells in raw.frame.head(rows).iterrows():
        headed = {names.get(unicodedata.normalize("NFKC", str(c)).strip().casefold()) for c in cells}
        if required <= headed:
            return int(number)
    return None


def _header_cleanups(table: str, raw: RawTable, cleaned: list[str]) -> list[Problem]:
    return [
        Problem(
            table,
            raw.header_row,
            column_letters(i + 1),
            f"header {original!r} read as {new!r} (spaces or full-width characters removed)",
        )
        for i, (original, new) in enumerate(zip(raw.headers, cleaned, strict=True))
        if original != new
    ]


def _unknown_columns(spec: Table, positions: Mapping[str, list[int]]) -> list[Problem]:
    extra = [h for h in positions if h not in spec.column_names]
    if not extra:
        return []
    names = ", ".join(_with_closest(spec.name, h) for h in extra)
    return [Problem(spec.name, None, None, f"column(s) {names} are not part of the {spec.name} table and were ignored")]


def _with_closest(table: str, header: str) -> str:
    near = closest_header(table, header)
    return f"{header!r} (closest expected: {near[0]!r})" if near else repr(header)


def _mangled_base(header: str, spec: Table, headers: list[str]) -> str:
    """``units`` for ``units.1`` when ``units`` is a contract column present too (pandas' renaming)."""
    base, dot, suffix = header.rpartition(".")
    if dot and suffix.isdigit() and base in spec.column_names and base in headers:
        return base
    return header


# --- cells -----------------------------------------------------------------------------------


def cleaned_cells(spec: Table, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Cells without surrounding spaces, NFKC-normalised where the kind allows, blank rows dropped."""
    out = {}
    warnings = []
    for column in spec.columns:
        if column.name not in frame:
            continue
        out[column.name], spaced, wide = _cleaned_column(frame[column.name], column.kind in _NORMALISED_KINDS)
        warnings += _cleanup_warning(spec.name, column.name, wide, "in full-width characters converted to ASCII")
        warnings += _cleanup_warning(spec.name, column.name, spaced, "with surrounding spaces trimmed")
    cleaned = pd.DataFrame(out, index=frame.index)
    blank = (cleaned == "").all(axis=1) if out else pd.Series(False, index=frame.index)
    if blank.any():
        rows = _rows_text(blank)
        warnings.append(Problem(spec.name, None, None, f"{int(blank.sum())} blank row(s) dropped ({rows})"))
    return cleaned.loc[~blank], warnings


def _cleaned_column(values: pd.Series, normalise: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(trimmed and, if asked, NFKC-normalised cells, cells that had spaces, cells NFKC changed)."""
    stripped = values.str.strip()
    spaced = stripped != values
    wide = ~stripped.str.isascii() if normalise else pd.Series(False, index=values.index)
    if not wide.any():
        return stripped, spaced, wide
    normal = stripped.where(~wide, stripped[wide].str.normalize("NFKC").str.strip())
    return normal, spaced, normal != stripped


def _cleanup_warning(table: str, column: str, mask: pd.Series, what: str) -> list[Problem]:
    if not mask.any():
        return []
    return [Problem(table, None, column, f"{int(mask.sum())} cell(s) {what} ({_rows_text(mask)})")]


def _rows_text(mask: pd.Series) -> str:
    rows = mask.index[mask.to_numpy()]
    shown = ", ".join(str(r) for r in rows[:ROWS_IN_WARNING])
    more = f" and {len(rows) - ROWS_IN_WARNING} more" if len(rows) > ROWS_IN_WARNING else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


# --- kinds -----------------------------------------------------------------------------------


def converted(spec: Table, text: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Each column in its contract kind (blank or unconvertible cells missing) and the cells refused."""
    out = {}
    problems: list[Problem] = []
    for column in spec.columns:
        if column.name not in text:
            continue
        values, bad = _convert(column, text[column.name])
        if column.required:
            bad = pd.concat([bad, _blank_required(text[column.name])]).sort_index()
        out[column.name] = values
        problems.extend(_cell_problems(spec.name, column.name, bad))
    return pd.DataFrame(out, index=text.index), problems


def _convert(column: Column, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The column converted, and the refused cells' messages (a Series indexed by row)."""
    blank = text == ""
    if column.kind == "int":
        return _integers(text, blank)
    if column.kind == "float":
        return _numbers(text, blank)
    if column.kind == "date":
        return _dates(text, blank)
    values = text.where(~blank)
    if column.kind == "month":
        ok = text.str.fullmatch(_MONTH) | blank
        return values.where(ok), _expected("a month as YYYY-MM", text[~ok])
    return values, pd.Series([], dtype="str")


def _blank_required(text: pd.Series) -> pd.Series:
    blank = text.index[(text == "").to_numpy()]
    return pd.Series("expected a value, found an empty cell", index=blank, dtype="str")


def _integers(text: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series]:
    whole = text.str.fullmatch(_INT)
    parsed = pc.cast(pa_array(text.where(whole)), pyarrow.float64())
    values = pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    bad = text[~whole & ~blank]
    thousands = bad.str.fullmatch(_THOUSANDS)
    decimal = bad.str.fullmatch(_DECIMAL)
    messages = pd.Series("expected a whole number, found " + _quoted(bad), index=bad.index, dtype="str")
    messages = messages.where(~decimal, messages + " (a decimal)")
    messages = messages.where(~thousands, messages + " (remove the thousands separator)")
    return values.astype("float64"), messages


def _numbers(text: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series]:
    values = pd.to_numeric(text.where(~blank), errors="coerce").astype("float64")
    ok = blank | np.isfinite(values)
    bad = text[~ok]
    messages = pd.Series("expected a number, found " + _quoted(bad), index=bad.index, dtype="str")
    thousands = bad.str.fullmatch(_THOUSANDS)
    messages = messages.where(~thousands, messages + " (remove the thousands separator)")
    return values.where(ok), messages


def _dates(text: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates by their distinct texts (a sales column has ~1,000 distinct dates in 1 M rows)."""
    codes, uniques = pd.factorize(text)
    unique = pd.Series(uniques, dtype="str")
    shaped = unique.str.fullmatch(_ISO_DATE)
    parsed = pd.to_datetime(unique.where(shaped), format="%Y-%m-%d", errors="coerce")
    in_range = parsed.between(pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE))
    quoted = _quoted(unique)
    message = np.select(
        [(unique == "") | in_range, shaped & parsed.notna(), shaped, unique.str.fullmatch(_SERIAL)],
        [
            "",
            f"expected a date from {FIRST_DATE} to {LAST_DATE}, found " + quoted,
            "expected a real date YYYY-MM-DD, found " + quoted + " (no such day)",
            "expected a date as YYYY-MM-DD, found "
            + quoted
            + " (an Excel serial number: format the column as a date or YYYY-MM-DD text)",
        ],
        default="expected a date as YYYY-MM-DD, found " + quoted,
    )[codes]
    values = pd.Series(parsed.where(in_range).astype("datetime64[ns]").to_numpy()[codes], index=text.index)
    bad = message != ""
    return values, pd.Series(message[bad], index=text.index[bad], dtype="str")


def _quoted(values: pd.Series) -> pd.Series:
    """``repr`` of each text, computed once per distinct text."""
    codes, uniques = pd.factorize(values)
    quoted = np.array([repr(u) for u in uniques.tolist()], dtype=object)
    return pd.Series(quoted[codes], index=values.index, dtype="str")


def _expected(what: str, bad: pd.Series) -> pd.Series:
    return pd.Series(f"expected {what}, found " + _quoted(bad), index=bad.index, dtype="str")


def _cell_problems(table: str, column: str, messages: pd.Series) -> list[Problem]:
    rows, texts = messages.index.tolist(), messages.tolist()
    return [Problem(table, int(row), column, message) for row, message in zip(rows, texts, strict=True)]


# --- pandera: required, ranges, codes --------------------------------------------------------


def range_text(column: Column) -> str:
    """The contract's bounds in words: ``> 0``, ``>= 0``, ``from 1 to 5``."""
    low, high = column.min, column.max
    fmt = "{:g}".format
    if low is not None and high is not None and not column.exclusive_min:
        return f"from {fmt(low)} to {fmt(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'>' if column.exclusive_min else '>='} {fmt(low)}")
    if high is not None:
        parts.append(f"<= {fmt(high)}")
    return " and ".join(parts)


@cache
def pandera_schema(name: str) -> pa.DataFrameSchema:
    """The per-column checks of table ``name`` (values already converted to their kind)."""
    import pandera.pandas as pa

    spec = TABLES[name]
    columns = {}
    for column in spec.columns:
        checks = []
        number = "a whole number" if column.kind == "int" else "a number"
        bound = f"expected {number} {range_text(column)}"
        if column.min is not None:
            low = pa.Check.gt if column.exclusive_min else pa.Check.ge
            checks.append(low(column.min, error=bound))
        if column.max is not None:
            checks.append(pa.Check.le(column.max, error=bound))
        if column.codes:
            checks.append(pa.Check.isin(column.codes, error=f"expected one of {', '.join(column.codes)}"))
        columns[column.name] = pa.Column(None, checks=checks, nullable=True, required=False)
    return pa.DataFrameSchema(columns, name=name)


def pandera_problems(spec: Table, values: pd.DataFrame, text: pd.DataFrame) -> list[Problem]:
    """Range and code failures of the converted ``values`` (missing cells are not checked here)."""
    import pandera.pandas as pa

    try:
        pandera_schema(spec.name).validate(_codes_as_categories(spec, values), lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    cases = cases[cases["index"].notna() & cases["column"].isin(list(values.columns))]
    return [
        Problem(spec.name, int(row), str(column), f"{check}, found {text.at[int(row), str(column)]!r}")
        for column, row, check in zip(cases["column"], cases["index"], cases["check"], strict=True)
    ]


def _codes_as_categories(spec: Table, values: pd.DataFrame) -> pd.DataFrame:
    """Code columns as categoricals, so the code-list check tests each distinct value once."""
    codes = [c.name for c in spec.columns if c.codes and c.name in values]
    return values.astype(dict.fromkeys(codes, "category")) if codes else values


# --- keys and references ---------------------------------------------------------------------


def duplicate_key_problems(spec: Table, text: pd.DataFrame) -> list[Problem]:
    """One problem per repeated key, naming its values and the row of the first occurrence."""
    key = list(spec.key)
    if not set(key) <= set(text.columns) or text.empty:
        return []
    keys = text[key]
    if len(key) == 1 and len(pc.unique(pa_array(keys[key[0]]))) == len(keys):
        return []
    complete = (keys != "").all(axis=1)
    repeated = keys.duplicated(keep=False) & complete
    if not repeated.any():
        return []
    sub = keys[repeated]
    first = pd.Series(sub.index, index=sub.index).groupby([sub[k] for k in key], sort=False).transform("min")
    later = first[first.index != first.to_numpy()]
    label = "+".join(key)
    problems = []
    for row, first_row in later.items():
        values = ", ".join(f"{k} {sub.at[row, k]!r}" for k in key)
        problems.append(
            Problem(
                spec.name,
                int(row),
                label,
                f"expected a unique key, found {values} again (first in row {first_row}): keep one row per key",
            )
        )
    return problems


def reference_problems(spec: Table, text: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Ids of ``spec`` not found in the table they refer to.

    Skipped when that table is unreadable, lacks the column, or has no rows although it must have
    some: its own problem names the cause, and every id would otherwise be listed as unknown.
    """
    problems = []
    own = text.get(spec.name)
    if own is None:
        return []
    for ref in spec.references:
        target = text.get(ref.table)
        (column,), (target_column,) = ref.columns, ref.target_columns
        if target is None or column not in own or target_column not in target:
            continue
        if target.empty and not TABLES[ref.table].may_be_empty:
            continue
        values = own[column]
        unknown = values[(values != "") & ~isin(values, target[target_column])]
        problems.extend(
            Problem(
                spec.name,
                int(row),
                column,
                f"expected a {target_column} listed in {ref.table}, found {value!r}: "
                f"add it to {ref.table} or correct it",
            )
            for row, value in unknown.items()
        )
    return problems


# --- one table, all tables -------------------------------------------------------------------


Outcome = tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem], list[Problem]]


def check_table(spec: Table, raw: RawTable) -> Outcome:
    """(converted values, cleaned text, problems, warnings) of one table read as text."""
    problems, warnings = list(raw.problems), list(raw.warnings)
    if raw.frame is None:
        return None, None, problems, warnings
    named, header_problems, header_warnings = named_columns(spec, raw)
    problems += header_problems
    warnings += header_warnings
    text, cleanup_warnings = cleaned_cells(spec, named)
    warnings += cleanup_warnings
    if text.empty and not spec.may_be_empty:
        problems.append(
            Problem(spec.name, None, None, "expected at least one row below the header, found none: fill in the table")
        )
    values, cell_problems = converted(spec, text)
    read_cells = {(p.row, p.column) for p in problems if p.row}
    problems += [p for p in cell_problems if (p.row, p.column) not in read_cells]
    problems += pandera_problems(spec, values, text)
    problems += duplicate_key_problems(spec, text)
    return values, text, problems, warnings


def check_tables(raws: Mapping[str, RawTable | None], over: Callable = map) -> Checked:
    """Validate every table read; ``None`` stands for a table with no file (empty when allowed).

    ``over`` maps the check of one table over the tables read: ``map``, or a thread pool's ``map`` to check
    several at once (arrow releases the GIL); problems come in the order of ``raws`` either way.
    """
    checked = Checked()
    read = [name for name, raw in raws.items() if raw is not None]
    outcomes = dict(zip(read, over(lambda name: check_table(TABLES[name], raws[name]), read), strict=True))
    for name, raw in raws.items():
        spec = TABLES[name]
        if raw is None:
            checked.frames[name] = _empty(spec)
            checked.text[name] = pd.DataFrame({c: pd.Series(dtype="str") for c in spec.column_names})
            continue
        values, text, problems, warnings = outcomes[name]
        checked.problems += problems
        checked.warnings += warnings
        if values is not None and text is not None:
            checked.frames[name] = values
            checked.text[name] = text
    for name in raws:
        checked.problems += reference_problems(TABLES[name], checked.text)
    return checked


def final_frame(name: str, values: pd.DataFrame) -> pd.DataFrame:
    """A converted frame without problems in the loaded dtypes, indexed 0..n-1."""
    spec = TABLES[name]
    out = {}
    for column in spec.columns:
        series = values[column.name].reset_index(drop=True)
        if column.kind == "int":
            series = series.astype("int64")
        elif column.kind == "date":
            series = series.astype("datetime64[ns]")
        elif column.kind == "float":
            series = series.astype("float64")
        else:
            series = series.astype("str")
        out[column.name] = series
    return pd.DataFrame(out, index=pd.RangeIndex(len(values)))


def _empty(spec: Table) -> pd.DataFrame:
    return typed(spec.name, pd.DataFrame(columns=list(spec.column_names)))


# --- the message -----------------------------------------------------------------------------


def problem_report(problems: Iterable[Problem], locations: Mapping[str, str]) -> str:
    """Problems grouped by table (its file named once), at most ``LISTED_PER_COLUMN`` per column."""
    return _report(sorted(set(problems), key=lambda p: (p.table, p.row or 0, p.column or "", p.message)), locations)


def _report(ordered: list[Problem], locations: Mapping[str, str]) -> str:
    count = len(ordered)
    lines = [
        f"{count} problem{'s' if count != 1 else ''} in the input data (fix them in the named file and run again):"
    ]
    for table, group in itertools.groupby(ordered, key=lambda p: p.table):
        lines.append(f"{table} ({locations[table]}):" if table in locations else f"{table}:")
        lines += _capped(list(group))
    return "\n".join(lines)


def _capped(problems: list[Problem]) -> list[str]:
    """Listing lines of one table's problems: table-wide ones all, cell ones up to the cap per column."""
    lines = []
    per_column: dict[str | None, int] = {}
    for problem in problems:
        seen = per_column[problem.column] = per_column.get(problem.column, 0) + 1
        if problem.row is None or seen <= LISTED_PER_COLUMN:
            lines.append(f"  - {problem}")
    lines += [
        f"  ... and {n - LISTED_PER_COLUMN} more in column {column}"
        for column, n in per_column.items()
        if n > LISTED_PER_COLUMN and column is not None
    ]
    return lines


def input_error(problems: list[Problem], warnings: list[Problem], locations: Mapping[str, str]) -> InputError:
    """One :class:`InputError` holding every problem, its message capped per column."""
    unique = sorted(set(problems), key=problem_key)
    return InputError(unique, warnings, message=_report(unique, locations))
