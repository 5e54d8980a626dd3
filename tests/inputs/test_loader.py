"""Loading a folder: clean tables and dtypes, the cache, file hashes, locks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from inputcases import clean_copy, edit

import kaplan
from kaplan.core.errors import InputError, LockError
from kaplan.core.schema import DTYPES, TABLES
from kaplan.core.tables import Tables
from kaplan.inputs import loader
from kaplan.inputs.loader import cache_root, load_tables


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(folder))
    return folder


def _assert_same(a: Tables, b: Tables) -> None:
    for name, frame in a:
        pd.testing.assert_frame_equal(frame, b[name], check_exact=True)


def test_clean_minimal_set_loads_with_the_contract_dtypes(tmp_path: Path) -> None:
    tables = kaplan.load(clean_copy(tmp_path))
    for name, frame in tables:
        spec = TABLES[name]
        assert list(frame.columns) == list(spec.column_names)
        assert isinstance(frame.index, pd.RangeIndex)
        for column in spec.columns:
            assert str(frame[column.name].dtype) == DTYPES[column.kind], (name, column.name)
    assert tables.sales["units"].sum() == 16
    assert tables.sales["date"].tolist() == [pd.Timestamp(d) for d in ("2026-01-05", "2026-02-10", "2026-03-02")]
    assert tables.annual_targets.loc[0].to_dict() == {"year": 2026, "dealer_id": "D1", "line": "command", "units": 40}
    assert tables.warnings == ()


def test_hashes_are_the_sha256_of_each_file(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    tables = load_tables(folder)
    assert set(tables.hashes) == set(TABLES)
    assert tables.hashes["org"] == hashlib.sha256((folder / "org.csv").read_bytes()).hexdigest()
    assert len(tables.data_hash) == 12


def test_the_small_sample_loads(small_tables: Tables) -> None:
    assert len(small_tables.sales) > 1000
    assert small_tables.sales["units"].gt(0).all()
    assert small_tables.sales["dealer_id"].isin(small_tables.org["dealer_id"]).all()


# --- cache -----------------------------------------------------------------------------------


def test_cache_hit_returns_equal_tables_without_reading_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,１２")  # a warning, kept by the cache too
    first = load_tables(folder)
    assert len(list((cache_root() / "tables").iterdir())) == 1

    def no_reading(*_: object) -> None:
        raise AssertionError("a cache hit must not parse the files")

    monkeypatch.setattr(loader, "read_table", no_reading)
    second = load_tables(folder)
    _assert_same(first, second)
    assert second.warnings == first.warnings
    assert dict(second.hashes) == dict(first.hashes)


def test_a_changed_file_misses_the_cache(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    load_tables(folder)
    edit(folder, "sales", "C2,12", "C2,13")
    assert load_tables(folder).sales["units"].tolist() == [3, 13, 1]
    assert len(list((cache_root() / "tables").iterdir())) == 2


def test_bad_input_is_never_cached(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,-12")
    with pytest.raises(InputError):
        load_tables(folder)
    assert not (cache_root() / "tables").exists() or not any((cache_root() / "tables").iterdir())


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(blocker))
    assert len(load_tables(clean_copy(tmp_path)).org) == 2


def test_a_damaged_cache_entry_is_read_again_from_the_files(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    load_tables(folder)
    (entry,) = (cache_root() / "tables").iterdir()
    (entry / "sales.arrow").write_bytes(b"garbage")
    assert len(load_tables(folder).sales) == 3


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", "/x/k")
    assert cache_root() == Path("/x/k")
    monkeypatch.delenv("KAPLAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/xdg")
    assert cache_root() == Path("/x/xdg/kaplan")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == Path.home() / ".cache" / "kaplan"


# --- locks -----------------------------------------------------------------------------------


def test_locked_targets_are_verified_on_cache_miss_and_hit(tmp_path: Path) -> None:
    lock = pytest.importorskip("kaplan.inputs.lock")
    folder = clean_copy(tmp_path)
    locks = tmp_path / "locks"
    lock.lock_targets(load_tables(folder).annual_targets, 2026, locks, source=str(folder))
    assert len(kaplan.load(folder, locks=locks).annual_targets) == 3
    edit(folder, "annual_targets", "D2,work,30", "D2,work,31")
    with pytest.raises(LockError):
        kaplan.load(folder, locks=locks)
    with pytest.raises(LockError):
        kaplan.load(folder, locks=locks)  # now from the cache


def test_the_small_sample_loads_the_same_from_csv_and_parquet(small_dir: Path, tmp_path: Path) -> None:
    from kaplan.sample.write import write_sample

    folder = write_sample(tmp_path / "parquet", scale="small", seed=7, fmt="parquet")
    _assert_same(load_tables(small_dir), load_tables(folder))


def test_only_the_most_recently_used_entries_are_kept() -> None:
    import os

    base = cache_root() / "tables"
    base.mkdir(parents=True)
    for age, name in enumerate(["new", "middle", "old"]):
        (base / name).mkdir()
        os.utime(base / name, (1_000_000 - age * 1000,) * 2)
    (base / ".tmp-writing").mkdir()
    loader.prune_cache(base, keep=2)
    assert sorted(p.name for p in base.iterdir()) == [".tmp-writing", "middle", "new"]
