"""Tables read from a database: SQLite files and a real PostgreSQL server (started by the session)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from inputcases import CLEAN

from kaplan.core.errors import InputError
from kaplan.core.params import Database, params_from_mapping
from kaplan.core.schema import TABLE_NAMES, TABLES
from kaplan.inputs.database import is_database_url, redacted
from kaplan.inputs.loader import database_snapshot, load_tables
from kaplan.sample.write import write_database


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def in_key_order(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame.sort_values(list(TABLES[name].key), kind="stable").reset_index(drop=True)


def assert_same_tables(a: object, b: object) -> None:
    """Equal tables, row for row in key order (a database has no row order of its own: it is read by key)."""
    for name in TABLE_NAMES:
        left, right = in_key_order(getattr(a, name), name), in_key_order(getattr(b, name), name)
        pd.testing.assert_frame_equal(left, right, check_dtype=True, obj=name)


def test_database_urls_are_told_from_folders() -> None:
    assert is_database_url("postgresql://u@h/db")
    assert is_database_url("sqlite:///data.db")
    assert not is_database_url("data")
    assert not is_database_url("C:\\data")
    assert not is_database_url(Path("sqlite:/x"))


def test_the_password_never_shows() -> None:
    assert redacted("postgresql://planner:secret@dms:5432/sales") == "postgresql://planner:***@dms:5432/sales"


def test_sqlite_round_trip_gives_the_tables_of_the_files(tmp_path: Path) -> None:
    files = load_tables(CLEAN)
    url = sqlite_url(tmp_path / "data.sqlite")
    write_database(url, files)
    from_db = load_tables(url)
    assert_same_tables(from_db, files)
    assert from_db.warnings == ()
    assert set(from_db.hashes) == set(TABLE_NAMES)


def test_names_map_through_the_database_parameters(tmp_path: Path) -> None:
    files = load_tables(CLEAN)
    path = tmp_path / "dms.sqlite"
    write_database(sqlite_url(path), files)
    with sa.create_engine(sqlite_url(path)).begin() as connection:
        connection.execute(sa.text("ALTER TABLE sales RENAME TO dms_orders"))
        connection.execute(sa.text("ALTER TABLE dms_orders RENAME COLUMN units TO qty"))
    database = params_from_mapping({"database": {"tables": {"sales": "dms_orders"},
                                                 "columns": {"sales": {"units": "qty"}}}}).database
    assert_same_tables(load_tables(sqlite_url(path), database=database), files)
    unmapped = load_tables(sqlite_url(path))  # sales may be empty: its absence is a warning
    assert unmapped.sales.empty
    assert unmapped.warnings == (f"sales: no table sales in {sqlite_url(path)}: the table is taken as empty",)


def test_an_unmapped_column_names_the_parameter_to_set(tmp_path: Path) -> None:
    files = load_tables(CLEAN)
    path = tmp_path / "dms.sqlite"
    write_database(sqlite_url(path), files)
    with sa.create_engine(sqlite_url(path)).begin() as connection:
        connection.execute(sa.text("ALTER TABLE sales RENAME COLUMN units TO qty"))
    database = Database(columns={"sales": {"units": "quantity"}})
    with pytest.raises(InputError) as caught:
        load_tables(sqlite_url(path), database=database)
    assert [str(p) for p in caught.value.problems] == [
        "sales, units: expected a column 'quantity' (mapped from 'units') in database table sales, found none: "
        "add it, or map the column that holds it in the parameters (database.columns.sales.units)"
    ]


def test_unknown_tables_and_columns_in_the_parameters_are_refused() -> None:
    with pytest.raises(Exception, match=r"tables.sale: no such kaplan table.*columns.sales.qty: no such column"):
        Database(tables={"sale": "x"}, columns={"sales": {"qty": "x"}})


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "typo.sqlite"
    with pytest.raises(InputError, match="no such SQLite file"):
        load_tables(sqlite_url(path))
    assert not path.exists()


def test_a_snapshot_reads_back_as_the_same_tables_from_the_cache(tmp_path: Path) -> None:
    files = load_tables(CLEAN)
    url = sqlite_url(tmp_path / "data.sqlite")
    write_database(url, files)
    from_db = load_tables(url)
    folder = database_snapshot(from_db)
    again = load_tables(folder)
    assert_same_tables(again, files)
    assert again.data_hash == from_db.data_hash  # the cache entry keeps the database's content hashes
    assert database_snapshot(from_db) == folder


def test_postgresql_round_trip_with_problems_named_by_key(postgres_url: str) -> None:
    files = load_tables(CLEAN)
    write_database(postgres_url, files)
    assert_same_tables(load_tables(postgres_url), files)
    with sa.create_engine(postgres_url).begin() as connection:
        connection.execute(sa.text("UPDATE sales SET units = 0 WHERE order_id = 'O2'"))
        connection.execute(sa.text("ALTER TABLE products DROP COLUMN line"))
    with pytest.raises(InputError) as caught:
        load_tables(postgres_url)
    assert [str(p) for p in caught.value.problems] == [
        "products, line: expected a column 'line' in database table products, found none: add it, or map the "
        "column that holds it in the parameters (database.columns.products.line)",
        "sales, key order_id 'O2', units: expected a whole number > 0, found '0'",
    ]
    assert f"sales (database table sales of {redacted(postgres_url)}):" in str(caught.value).splitlines()
