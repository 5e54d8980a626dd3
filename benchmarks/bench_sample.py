"""Sample generator (``kaplan sample``): drawing the national data set (2,000 dealers, 40 products,
~1 M orders, 200 k leads, 400 staff), writing it as CSV and parquet, and the demo data set as xlsx.
One run each (generation is deterministic); file sizes in the notes. Budget: national CSV well under
a minute on 2 cores."""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from common import Context, Result

from kaplan.sample.write import document_date, sample_tables, write_tables

UNTIL = date(2026, 6, 20)


def _size(folder: Path) -> str:
    total = sum(p.stat().st_size for p in folder.iterdir())
    biggest = max(folder.iterdir(), key=lambda p: p.stat().st_size)
    return f"{total / 2**20:,.1f} MB in all, {biggest.name} {biggest.stat().st_size / 2**20:,.1f} MB"


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def run(ctx: Context) -> list[Result]:
    until = UNTIL
    results = []
    seconds, tables = _timed(lambda: sample_tables("national", seed=ctx.seed, until=until))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    counts = f"{len(tables.sales):,} orders, {len(tables.leads):,} leads, {len(tables.staff):,} staff"
    note = f"{counts}; peak memory is the process's peak resident size"
    results.append(Result("draw national tables", seconds, 1, note, peak_mb=peak))
    scratch = Path(tempfile.mkdtemp(prefix="bench-sample-"))
    try:
        for fmt in ("csv", "parquet"):
            folder = scratch / fmt
            seconds, _ = _timed(lambda f=folder, x=fmt: write_tables(f, tables, x, document_date(until)))
            results.append(Result(f"write national {fmt}", seconds, 1, _size(folder)))
        demo = sample_tables("demo", seed=ctx.seed, until=until)
        folder = scratch / "xlsx"
        seconds, _ = _timed(lambda: write_tables(folder, demo, "xlsx", document_date(until)))
        results.append(Result("write demo xlsx", seconds, 1, f"{len(demo.sales):,} orders; " + _size(folder)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results
