"""Load an input folder: find each table's file, read it as text, validate, cache.

``load_tables(path)`` is what :func:`kaplan.load` calls:

1. each table ``NAME`` must have exactly one of ``NAME.csv`` / ``NAME.xlsx`` / ``NAME.parquet``;
   a table whose contract allows it to be empty may have no file (it is then empty, with a warning);
2. every file is hashed (sha256); the cache key is
   ``sha256(CACHE_FORMAT, kaplan version, sha256 of the loading code, repr of the schema,
   table -> (file name, file hash))``;
3. on a cache hit the validated tables are read back from Arrow files, skipping parsing and checks;
4. otherwise every table is read (:mod:`kaplan.inputs.reading`) and checked (:mod:`kaplan.inputs.validate`) in
   one pass, two tables at a time (threads), and all problems are raised together as one
   :class:`~kaplan.core.errors.InputError`;
   clean tables are written to the cache atomically (a temporary folder renamed into place);
5. with ``locks``, :func:`kaplan.inputs.lock.verify_locks` checks the annual targets (hit or miss).

A database URL instead of a folder (``postgresql://…``, ``sqlite:///…``) is read by
:mod:`kaplan.inputs.database` and validated the same way, every time (reading it is what tells
whether it changed). :func:`database_snapshot` stores such validated tables as a folder of Parquet
files with their cache entry, so the notebooks of a run all read the same data even while the
database changes.

Cache folder: ``$KAPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/kaplan``, else ``~/.cache/kaplan``;
tables live under ``tables/<key>/``; the ``CACHE_ENTRIES`` most recently used are kept. A cache
that cannot be read or written is only logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from kaplan import __version__
from kaplan.core.errors import InputError, Problem
from kaplan.core.files import cache_root, sha256_file, source_hash
from kaplan.core.params import Database
from kaplan.core.schema import TABLE_NAMES, TABLES
from kaplan.core.tables import Tables, typed
from kaplan.inputs.database import is_database_url, keyed_problems, read_database
from kaplan.inputs.lock import verify_locks
from kaplan.inputs.reading import SUFFIXES, RawTable, read_table, table_files
from kaplan.inputs.validate import check_tables, final_frame, input_error

log = logging.getLogger(__name__)

CACHE_FORMAT = "2"
# validated tables are cached as uncompressed Arrow IPC (Feather) files: the national set reads back in
# 0.15 s instead of parquet's 0.55 s (each notebook of a run reads it) and writes in 0.14 s instead of
# 0.65 s, for 137 MB on disk instead of 16 MB (benchmarks/RESULTS.md, run budget history)
CACHE_SUFFIX = ".arrow"
CACHE_ENTRIES = 8  # validated data sets kept; the least recently used beyond this are removed
# tables read and checked at once: arrow's parsing and compute release the GIL (national folder: 4.0 s -> 3.0 s)
THREADS = 2


def load_tables(
    path: Path | str, locks: Path | None = None, use_cache: bool = True, database: Database | None = None
) -> Tables:
    """The validated tables of input folder or database URL ``path`` (see the module docstring).

    ``database``: the ``database`` section of the parameters (table and column names), for a URL.
    """
    if is_database_url(path):
        tables = database_tables(str(path), database or Database())
    else:
        tables = folder_tables(Path(path), use_cache)
    if locks is not None:
        verify_locks(tables.annual_targets, locks)
    return tables


def folder_tables(path: Path, use_cache: bool = True) -> Tables:
    files, problems, warnings = located_files(path)
    hashes = file_hashes(files)
    key = cache_key(files, hashes)
    readable = len(hashes) == sum(file is not None for file in files.values())
    tables = cached_tables(key) if use_cache and readable and not problems else None
    if tables is None:
        tables = validated_tables(files, hashes, problems, warnings)
        if use_cache:
            store_tables(key, tables)
    else:
        log.info("tables of %s read from the cache (%s)", path, key[:12])
    return tables


def database_tables(url: str, database: Database) -> Tables:
    """The validated tables of a database; problems name the table, the row's key and the column."""
    raws, hashes, problems, warnings = read_database(url, database)
    return checked_tables(raws, hashes, problems, warnings)


def database_snapshot(tables: Tables) -> Path:
    """A folder of Parquet files holding ``tables``, with its cache entry: what a run's notebooks read.

    The folder is named by the tables' content hashes, so the same data give the same folder.
    """
    name = hashlib.sha256(json.dumps(dict(tables.hashes), sort_keys=True).encode()).hexdigest()[:24]
    base = cache_root() / "snapshots"
    folder = base / name
    if not folder.is_dir():
        temporary = base / f".tmp-{name}-{uuid.uuid4().hex}"
        temporary.mkdir(parents=True)
        try:
            for table, frame in tables:
                frame.to_parquet(temporary / f"{table}.parquet", index=False)
            temporary.rename(folder)
        except OSError:
            if not folder.is_dir():
                raise
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        prune_cache(base)
    files: dict[str, Path | None] = {table: folder / f"{table}.parquet" for table in TABLE_NAMES}
    store_tables(cache_key(files, file_hashes(files)), tables)
    return folder


def file_hashes(files: dict[str, Path | None]) -> dict[str, str]:
    """sha256 of each table's file; a file that cannot be read has none (reading it reports why)."""
    hashes = {}
    for name, file in files.items():
        try:
            hashes[name] = sha256_file(file) if file is not None else None
        except OSError as exc:
            log.debug("cannot hash %s: %s", file, exc)
    return {name: digest for name, digest in hashes.items() if digest is not None}


def located_files(path: Path) -> tuple[dict[str, Path | None], list[Problem], list[Problem]]:
    """The one file of each table (``None`` for an allowed absent table), with problems and warnings."""
    if not path.is_dir():
        raise InputError(
            [Problem("input", None, None, f"{path} is not a folder: give the folder that holds the tables")]
        )
    found = table_files(path, TABLE_NAMES)
    files: dict[str, Path | None] = {}
    problems, warnings = [], []
    for name, candidates in found.items():
        if len(candidates) > 1:
            names = ", ".join(p.name for p in candidates)
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"expected one file for the table, found {len(candidates)} ({names}): keep only the one to use",
                )
            )
        elif candidates:
            files[name] = candidates[0]
        elif TABLES[name].may_be_empty:
            files[name] = None
            warnings.append(Problem(name, None, None, "no file: the table is taken as empty"))
        else:
            options = " or ".join(f"{name}{suffix}" for suffix in SUFFIXES)
            problems.append(Problem(name, None, None, f"expected a file {options} in {path}, found none"))
    return files, problems, warnings


def validated_tables(
    files: dict[str, Path | None], hashes: dict[str, str], problems: list[Problem], warnings: list[Problem]
) -> Tables:
    """Read and check every file, two tables at a time; raise one InputError with every problem, or return
    the tables."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        read = pool.map(lambda item: read_table(*item) if item[1] is not None else None, files.items())
        raws: dict[str, RawTable | None] = dict(zip(files, read, strict=True))
        return checked_tables(raws, hashes, problems, warnings, pool.map)


def checked_tables(
    raws: dict[str, RawTable | None], hashes: dict[str, str], problems: list[Problem], warnings: list[Problem],
    over: Callable = map,
) -> Tables:
    """Check every table read (mapped ``over`` them, :func:`kaplan.inputs.validate.check_tables`); raise one
    InputError with every problem, or return the tables."""
    checked = check_tables(raws, over)
    all_problems = keyed_problems(problems + checked.problems, raws)
    all_warnings = keyed_problems(warnings + checked.warnings, raws)
    if all_problems:
        locations = {name: raw.location for name, raw in raws.items() if raw is not None}
        raise input_error(all_problems, all_warnings, locations)
    if all_warnings:
        log.info("input: %d clean-up(s) applied, listed in Tables.warnings", len(all_warnings))
    frames = {name: final_frame(name, checked.frames[name]) for name in TABLE_NAMES}
    return Tables(**frames, hashes=dict(hashes), warnings=tuple(str(w) for w in all_warnings))


# --- cache -----------------------------------------------------------------------------------


def cache_key(files: dict[str, Path | None], hashes: dict[str, str]) -> str:
    described = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "code": _code_hash(),
        "schema": repr(TABLES),
        "files": {name: [file.name if file else None, hashes.get(name)] for name, file in sorted(files.items())},
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


LOADING_MODULES = ("kaplan.inputs.reading", "kaplan.inputs.validate", "kaplan.inputs.loader", "kaplan.core.tables",
                   "kaplan.core.schema", "kaplan.core.glossary")  # fmt: skip


def _code_hash() -> str:
    """sha256 of the modules that read, check and type the tables: a code change misses the cache."""
    return source_hash(LOADING_MODULES)


def cached_tables(key: str) -> Tables | None:
    folder = cache_root() / "tables" / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        frames = {name: typed(name, pd.read_feather(folder / f"{name}{CACHE_SUFFIX}")) for name in TABLE_NAMES}
        os.utime(folder)  # most recently used, for pruning
    except (OSError, ValueError) as exc:
        if folder.exists():
            log.debug("cache %s unreadable: %s", folder, exc)
        return None
    return Tables(**frames, hashes=meta["hashes"], warnings=tuple(meta["warnings"]))


def store_tables(key: str, tables: Tables) -> None:
    """Write ``tables`` under the cache key, atomically; failures are only logged."""
    base = cache_root() / "tables"
    temporary = base / f".tmp-{key[:16]}-{uuid.uuid4().hex}"
    try:
        temporary.mkdir(parents=True)
        for name, frame in tables:
            frame.to_feather(temporary / f"{name}{CACHE_SUFFIX}", compression="uncompressed")
        meta = {"hashes": dict(tables.hashes), "warnings": list(tables.warnings)}
        (temporary / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        temporary.rename(base / key)
        prune_cache(base)
    except OSError as exc:
        log.debug("tables not cached in %s: %s", base, exc)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def prune_cache(base: Path, keep: int = CACHE_ENTRIES) -> None:
    """Remove all but the ``keep`` most recently used cache entries (temporary folders are left alone)."""
    entries = sorted(
        (p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in entries[keep:]:
        shutil.rmtree(stale, ignore_errors=True)
