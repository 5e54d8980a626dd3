"""What the notebooks of one run compute once and share: a folder of pickles, one per result.

A monthly run executes its report notebooks in separate kernels over the same inputs (data folder,
parameters, as-of date, adjustment records). Each of them needs the month's sales facts, targets,
scored pipeline, landing forecast, progress boards and headline, and several need the issued targets
of earlier months; computed in every kernel these cost seconds each at national scale
(benchmarks/RESULTS.md, bench_run). The run hands every notebook the same ``shared_dir``
(docs/operations.md "Publishing"): the first kernel that needs a result computes it while holding that
result's lock and writes it atomically; a kernel needing it at the same time waits on the lock and
reads it back instead of computing it again. So that the kernels starting together do not wait on
one another, each first computes ahead (:func:`share_ahead`) every result that no kernel has
computed or is computing, in a fixed order: the work spreads over the kernels, and each result is
still computed once.

The folder lives inside the run's staging folder and is removed before the version is published, so
it is never part of a version; it is read only by the kernels of the run that wrote it. Blank
``shared_dir`` (JupyterLab, nbval, a notebook run by hand): everything is computed in the kernel.
Locks are POSIX advisory locks (``fcntl.flock``); results needing other shared results take their
locks inside their own, always in the order of their dependencies, so no two kernels wait on each
other.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
NAME = re.compile(r"[a-z0-9_-]+")
SUFFIX = ".pickle"


def shared(folder: Path | None, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, computed once per run: read from ``folder/<name>.pickle`` when a kernel of the run
    wrote it, else computed here and written there for the others. ``folder`` None: just ``compute()``."""
    if folder is None:
        return compute()
    if not NAME.fullmatch(name):
        raise ValueError(f"shared result name {name!r}: use lower-case letters, digits, '_' and '-'")
    path = folder / f"{name}{SUFFIX}"
    with _locked(folder / f"{name}.lock"):
        if path.exists():
            with path.open("rb") as file:
                return pickle.load(file)
        value = compute()
        _write(path, value)
        log.debug("shared %s computed", name)
        return value


def share_ahead(folder: Path | None, tasks: Mapping[str, Callable[[], object]]) -> list[str]:
    """Compute and write, in order, each of ``tasks`` (name -> compute) that is neither written nor being
    computed by another kernel (its lock is free); the names computed here. A task may read other shared
    results (they are awaited), never its own name. ``folder`` None: nothing."""
    if folder is None:
        return []
    done = []
    for name, compute in tasks.items():
        path = folder / f"{name}{SUFFIX}"
        if path.exists():
            continue
        with open(folder / f"{name}.lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another kernel is computing it
            try:
                if not path.exists():
                    _write(path, compute())
                    done.append(name)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    log.debug("computed ahead: %s", ", ".join(done))
    return done


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, value: object) -> None:
    """Write ``value`` to ``path`` whole or not at all: a temporary file renamed into place. Not fsynced
    (unlike :func:`kaplan.core.files.write_atomically`): the folder never outlives its run."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(temporary, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
