"""Read the input tables from a database: ``--data postgresql://…`` or ``--data sqlite:///…``.

Any SQLAlchemy URL works whose driver is installed; kaplan ships PostgreSQL (psycopg 3) and SQLite.
Table and column names map through the ``database`` section of the parameters (defaults: the
contract's names, docs/data.md "Databases"). Each table is read whole, every column, ordered by its
key, and every value turned into the text a spreadsheet would show (dates ``YYYY-MM-DD``, whole
numbers their digits): the rows then go through exactly the validation of a file
(:mod:`kaplan.inputs.validate`). A problem names the database table, the row's key and the column
instead of a spreadsheet row (:func:`keyed_problems`).

The content hash of a table (what the cache and the manifest record) is computed from that text.
SQLAlchemy is imported by the functions that open a URL: a report kernel reading a folder does not
pay its import (~0.5 s).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pandas as pd
import pyarrow as pa

from kaplan.core.errors import InputError, Problem
from kaplan.core.params import Database
from kaplan.core.schema import TABLE_NAMES, TABLES
from kaplan.inputs.reading import RawTable, column_text

if TYPE_CHECKING:
    import sqlalchemy as sa

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_FIRST_IN_ROW = re.compile(r" \(first in row [0-9]+\)")


def is_database_url(source: object) -> bool:
    """Whether ``--data`` names a database (``scheme://…``) rather than a folder."""
    return isinstance(source, str) and bool(_URL.match(source))


def redacted(url: str) -> str:
    """The URL without its password, as it may be printed and recorded."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://…"


@dataclass(frozen=True)
class DatabaseTable(RawTable):
    """A table read from a database: frame indexed 1..n in key order; ``header_row`` 0."""

    url: str = ""
    db_table: str = ""
    db_columns: tuple[tuple[str, str], ...] = ()  # (kaplan column, database column) where they differ

    @property
    def location(self) -> str:
        return f"database table {self.db_table} of {self.url}"

    def missing_column(self, column: str) -> str:
        mapped = dict(self.db_columns).get(column, column)
        named = f"{mapped!r} (mapped from {column!r})" if mapped != column else repr(column)
        return (
            f"expected a column {named} in database table {self.db_table}, found none: add it, or map the "
            f"column that holds it in the parameters (database.columns.{self.name}.{column})"
        )

    def key_text(self, row: int) -> str:
        """``key order_id 'O1'`` for a row of the frame (its key cells as read)."""
        assert self.frame is not None
        key = [k for k in TABLES[self.name].key if k in self.headers]
        cells = ", ".join(f"{k} {self.frame.at[row, self.headers.index(k)]!r}" for k in key)
        return f"key {cells}" if cells else f"row {row}"


def read_database(
    url: str, database: Database
) -> tuple[dict[str, RawTable | None], dict[str, str], list[Problem], list[Problem]]:
    """(each table read as text, or None when absent and allowed; content hashes; problems; warnings)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    shown = redacted(url)
    missing = missing_sqlite_file(url)
    if missing:
        raise_unreadable(shown, f"no such SQLite file {missing}: check the path (sqlite:///relative or sqlite:////absolute)")
    raws: dict[str, RawTable | None] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    try:
        engine = sa.create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise_unreadable(shown, f"not a database URL kaplan can open ({exc})")
    schema = database.schema_name or None
    try:
        with engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names(schema=schema))
            for name in TABLE_NAMES:
                db_table = database.table(name)
                if db_table not in present:
                    found = _absent(name, db_table, shown)
                    (warnings if TABLES[name].may_be_empty else problems).append(found)
                    raws[name] = None
                    continue
                raws[name] = read_db_table(connection, name, db_table, schema, database, shown)
    except SQLAlchemyError as exc:
        raise_unreadable(shown, f"the database could not be read ({_reason(exc)})")
    finally:
        engine.dispose()
    hashes = {name: content_hash(raw) for name, raw in raws.items() if raw is not None}
    return raws, hashes, problems, warnings


def missing_sqlite_file(url: str) -> str | None:
    """The file of a ``sqlite://`` URL when it does not exist (SQLite would create it empty), else None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return None
    return None if Path(name).exists() else name


def _absent(name: str, db_table: str, shown: str) -> Problem:
    if TABLES[name].may_be_empty:
        return Problem(name, None, None, f"no table {db_table} in {shown}: the table is taken as empty")
    mapped = "" if db_table == name else f" (mapped from {name})"
    return Problem(
        name,
        None,
        None,
        f"expected a table {db_table}{mapped} in {shown}, found none: create it, or map the table that holds "
        f"{name} in the parameters (database.tables.{name})",
    )


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def raise_unreadable(shown: str, message: str) -> NoReturn:
    raise InputError([Problem("input", None, None, f"{shown}: {message}")])


def read_db_table(
    connection: sa.Connection, name: str, db_table: str, schema: str | None, database: Database, shown: str
) -> DatabaseTable:
    """Every column of ``db_table`` as text under its kaplan name, rows in key order (1..n)."""
    import sqlalchemy as sa

    db_names = [c["name"] for c in sa.inspect(connection).get_columns(db_table, schema=schema)]
    to_kaplan = {database.column(name, c): c for c in TABLES[name].column_names}
    headers = tuple(to_kaplan.get(c, c) for c in db_names)
    table = sa.table(db_table, *(sa.column(c) for c in db_names), schema=schema)
    order = [table.c[database.column(name, k)] for k in TABLES[name].key if database.column(name, k) in db_names]
    rows = connection.execute(sa.select(table).order_by(*order)).all()
    columns = [column_text(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in db_names]
    frame = pd.DataFrame(
        {i: pd.Series(pa.array(values, type=pa.string()), dtype="str") for i, values in enumerate(columns)},
        columns=range(len(db_names)),
    )
    frame.index = pd.RangeIndex(1, 1 + len(rows))
    mapped = tuple((k, d) for d, k in to_kaplan.items() if k != d)
    return DatabaseTable(name, Path(db_table), frame, headers=headers, header_row=0, url=shown, db_table=db_table,
                         db_columns=mapped)  # fmt: skip


def content_hash(raw: RawTable) -> str:
    """sha256 of a table's headers and text cells (what the file hash is for a file)."""
    assert raw.frame is not None
    digest = hashlib.sha256("\x1f".join(raw.headers).encode())
    digest.update(pd.util.hash_pandas_object(raw.frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def keyed_problems(problems: Iterable[Problem], raws: Mapping[str, RawTable | None]) -> list[Problem]:
    """Problems of database tables with the row's key in place of the row number.

    The header row (0) is the table itself; "first in row N" of a repeated key is dropped (the key
    is named).
    """
    out = []
    for problem in problems:
        raw = raws.get(problem.table)
        if not isinstance(raw, DatabaseTable) or problem.row is None:
            out.append(problem)
        elif problem.row == 0:
            out.append(replace(problem, row=None))
        else:
            message = _FIRST_IN_ROW.sub("", problem.message)
            out.append(replace(problem, message=message, key=raw.key_text(problem.row)))
    return out
