"""The annual lock (年度锁定, docs/method.md §2.1): a year's annual targets, frozen as a plan version.

Layout, under the locks folder (default ``params/locks``)::

    <locks>/<year>/v1/annual_targets.csv   the locked rows: year, dealer_id, line, units
    <locks>/<year>/v1/lock.json            year, sha256, locked_at (UTC), rows, total_units, source
    <locks>/<year>/v2/...                  a later plan version; earlier versions never change

A version folder is written completely under a temporary name and then renamed into place, so a
lock is either all there or not there. The **content hash** is the sha256 of the canonical text of
the year's rows with units > 0 (a row of 0 units and a missing row mean the same plan): one line
``dealer_id<TAB>line<TAB>units`` per row, sorted by dealer_id and line. It depends neither on row
order nor on how a CSV was formatted.

:func:`verify_locks` compares the data's targets of every locked year with the latest version and
raises :class:`~kaplan.core.errors.LockError` naming each changed dealer x line (old -> new units).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kaplan.core.errors import LockChangedError, LockError
from kaplan.core.files import fsync_dir

log = logging.getLogger(__name__)

CSV_NAME = "annual_targets.csv"
JSON_NAME = "lock.json"
LISTING_LIMIT = 50
_VERSION = re.compile(r"v(\d+)")


def year_targets(annual_targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """The canonical rows of ``year``: dealer_id, line, units (> 0), sorted, fresh index."""
    rows = annual_targets[(annual_targets["year"] == year) & (annual_targets["units"] > 0)]
    out = rows[["dealer_id", "line", "units"]].astype({"dealer_id": "str", "line": "str", "units": "int64"})
    return out.sort_values(["dealer_id", "line"], kind="stable").reset_index(drop=True)


def content_hash(rows: pd.DataFrame) -> str:
    """sha256 of the canonical text of ``rows`` (output of :func:`year_targets`)."""
    lines = rows["dealer_id"] + "\t" + rows["line"] + "\t" + rows["units"].astype("str") + "\n"
    text = lines.str.cat() if len(lines) else ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def versions(locks_dir: Path, year: int) -> list[Path]:
    """The version folders of ``year``, oldest first (v1, v2, ..., v10 in numeric order)."""
    folder = Path(locks_dir) / str(year)
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if p.is_dir() and (m := _VERSION.fullmatch(p.name))]
    return [p for _, p in sorted(found)]


def _write_version(locks_dir: Path, year: int, rows: pd.DataFrame, meta: dict[str, object]) -> Path:
    """Write the lock files into a temporary folder, then rename it to the next free vN."""
    folder = locks_dir / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    try:
        rows.assign(year=year)[["year", "dealer_id", "line", "units"]].to_csv(
            tmp / CSV_NAME, index=False, encoding="utf-8", lineterminator="\n"
        )
        (tmp / JSON_NAME).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for name in (CSV_NAME, JSON_NAME):
            with open(tmp / name, "rb") as handle:
                os.fsync(handle.fileno())
        existing = versions(locks_dir, year)
        number = int(existing[-1].name[1:]) + 1 if existing else 1
        while True:
            target = folder / f"v{number}"
            try:
                os.rename(tmp, target)  # fails onto a version taken by another lock: never a half or empty vN
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
                number += 1
                continue
            fsync_dir(folder)
            return target
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def lock_targets(annual_targets: pd.DataFrame, year: int, locks_dir: Path, source: str = "") -> Path:
    """Lock ``year`` of ``annual_targets`` as a new version under ``locks_dir``; its folder."""
    rows = year_targets(annual_targets, year)
    if rows.empty:
        raise LockError(
            f"no annual targets with units > 0 for {year}: add the year's rows to annual_targets "
            "(year, dealer_id, line, units) before locking it"
        )
    meta = {
        "year": int(year),
        "sha256": content_hash(rows),
        "locked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(rows),
        "total_units": int(rows["units"].sum()),
        "source": source,
    }
    path = _write_version(Path(locks_dir), int(year), rows, meta)
    log.info("locked %s: %d rows, %d units, %s", year, meta["rows"], meta["total_units"], path)
    return path


def read_lock(version: Path) -> tuple[dict[str, object], pd.DataFrame]:
    """The metadata and canonical rows of one lock version (the rows checked against the hash)."""
    try:
        meta = json.loads((version / JSON_NAME).read_text(encoding="utf-8"))
        rows = pd.read_csv(version / CSV_NAME, dtype={"dealer_id": "str", "line": "str"}, encoding="utf-8")
        rows = year_targets(rows.astype({"year": "int64", "units": "int64"}), int(meta["year"]))
    except (OSError, ValueError, KeyError) as exc:
        raise LockError(f"the lock {version} cannot be read ({exc}): restore it from version control") from None
    if content_hash(rows) != meta.get("sha256"):
        raise LockError(
            f"the lock {version} was edited: its rows no longer match its hash. Restore the folder from "
            "version control; to change a plan, lock a new version with `kaplan lock --year ...`"
        )
    return meta, rows


def differences(locked: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Every dealer x line whose units differ: dealer_id, line, locked, current (0 when absent)."""
    merged = locked.merge(current, on=["dealer_id", "line"], how="outer", suffixes=("_locked", "_current"))
    merged = merged.fillna({"units_locked": 0, "units_current": 0})
    changed = merged[merged["units_locked"] != merged["units_current"]]
    out = pd.DataFrame(
        {
            "dealer_id": changed["dealer_id"],
            "line": changed["line"],
            "locked": changed["units_locked"].astype("int64"),
            "current": changed["units_current"].astype("int64"),
        }
    )
    return out.sort_values(["dealer_id", "line"], kind="stable").reset_index(drop=True)


def _describe(year: int, version: Path, diff: pd.DataFrame) -> list[str]:
    lines = [f"annual targets {year} differ from the lock {version.name} ({len(diff)} dealer x line):"]
    for row in diff.head(LISTING_LIMIT).itertuples(index=False):
        what = "added" if row.locked == 0 else "removed" if row.current == 0 else "changed"
        lines.append(f"  - {row.dealer_id} {row.line}: {row.locked} -> {row.current} ({what})")
    if len(diff) > LISTING_LIMIT:
        lines.append(f"  ... and {len(diff) - LISTING_LIMIT} more")
    return lines


def verify_locks(annual_targets: pd.DataFrame, locks_dir: Path) -> None:
    """Raise :class:`LockChangedError` (exit code 3) unless every locked year's targets equal its latest lock
    version; :class:`LockError` when a lock cannot be read."""
    locks_dir = Path(locks_dir)
    if not locks_dir.is_dir():
        return
    problems: list[str] = []
    years = sorted(int(p.name) for p in locks_dir.iterdir() if p.is_dir() and p.name.isdigit())
    for year in years:
        found = versions(locks_dir, year)
        if not found:
            continue
        meta, locked = read_lock(found[-1])
        current = year_targets(annual_targets, year)
        if content_hash(current) == meta["sha256"]:
            continue
        problems.extend(_describe(year, found[-1], differences(locked, current)))
    if problems:
        raise LockChangedError(
            "\n".join(
                [
                    *problems,
                    "The annual plan is locked: restore the locked numbers in annual_targets, or lock a "
                    "new plan version with `kaplan lock --year YYYY --data DIR` (the old version is kept).",
                ]
            )
        )
