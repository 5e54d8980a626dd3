"""Versioned, atomic publishing of a month: ``outputs/YYYY-MM/vN``.

A run builds everything in a staging folder beside the versions (same file system), fsyncs it,
then renames the folder into place under the next free ``vN``. A rename onto an existing version
fails, so two runs at once publish two whole versions; an earlier version is never touched, and a
published version is made read-only. A run killed before the rename leaves only a staging folder,
which the next run removes once its owner process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from kaplan.core.errors import KaplanError, PublishError
from kaplan.core.files import fsync_dir, sha256_file

log = logging.getLogger(__name__)

VERSION = re.compile(r"^v(\d+)$")
STAGING_PREFIX = ".staging-"
MANIFEST = "manifest.json"


def versions(month_dir: Path) -> list[int]:
    """Published version numbers of a month folder, ascending."""
    if not month_dir.is_dir():
        return []
    found = (VERSION.match(p.name) for p in month_dir.iterdir() if p.is_dir())
    return sorted(int(m.group(1)) for m in found if m)


def next_version(month_dir: Path) -> int:
    return (versions(month_dir) or [0])[-1] + 1


def staging_dir(month_dir: Path) -> Path:
    """A fresh staging folder owned by this process (its pid is in the name)."""
    month_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned_staging(month_dir)
    path = month_dir / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned_staging(month_dir: Path) -> None:
    """Remove staging folders whose process is gone (a run that was killed)."""
    for path in month_dir.glob(f"{STAGING_PREFIX}*"):
        pid_text = path.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)):
            log.info("removing abandoned staging folder %s", path.name)
            _make_writable(path)
            shutil.rmtree(path, ignore_errors=True)


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` except the manifest, by relative POSIX path."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel != MANIFEST:
            out[rel] = sha256_file(path)
    return out


def _fsync_tree(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        if path.is_file() or path.is_dir():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _make_read_only(folder: Path) -> None:
    for path in folder.rglob("*"):
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    folder.chmod(folder.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def publish(staging: Path, month_dir: Path, finalize: Callable[[Path, str], None]) -> Path:
    """Rename ``staging`` into place as the next free version and return its path.

    ``finalize(staging, "vN")`` writes the files that name the version (index, manifest) just before
    each attempt; if another run takes that number first, it runs again with the next one.
    """
    for _ in range(1000):
        name = f"v{next_version(month_dir)}"
        finalize(staging, name)
        _fsync_tree(staging)
        target = month_dir / name
        try:
            os.rename(staging, target)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                log.info("%s was taken by another run, trying the next version", name)
                continue
            raise PublishError(f"could not publish {target}: {exc}") from exc
        fsync_dir(month_dir)
        _make_read_only(target)
        log.info("published %s", target)
        return target
    raise PublishError(f"no free version number in {month_dir}")


def write_manifest(folder: Path, manifest: dict) -> Path:
    """Write ``manifest.json`` with the hashes of every other file in ``folder``."""
    body = {**manifest, "outputs": file_hashes(folder)}
    path = folder / MANIFEST
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def verify_version(folder: Path) -> None:
    """Check a published version against its manifest; raise naming every difference."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise KaplanError(f"{folder} has no {MANIFEST}: it is not a published version")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        recorded = manifest["outputs"]
    except (ValueError, KeyError) as exc:
        raise KaplanError(f"{manifest_path} is not a valid manifest ({exc})") from None
    actual = file_hashes(folder)
    audiences = manifest.get("audiences")  # a version published by audience names each file's audience
    problems = [] if audiences is None else [f"no audience: {p}" for p in sorted(set(recorded) - set(audiences))]
    problems += [f"missing: {p}" for p in sorted(set(recorded) - set(actual))]
    problems += [f"not in the manifest: {p}" for p in sorted(set(actual) - set(recorded))]
    problems += [f"changed: {p}" for p in sorted(set(recorded) & set(actual)) if recorded[p] != actual[p]]
    if problems:
        raise KaplanError(f"{folder} differs from its manifest:\n" + "\n".join(f"  - {p}" for p in problems))
