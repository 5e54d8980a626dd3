"""`kaplan run` at national scale: wall time, peak memory of the whole process tree, where time goes.

Runs the real command in a subprocess (papermill kernels included) twice: `cold`, with an empty
table cache (full read and validation of the CSV files), and `warm`, the same data again (validated
tables come from the cache, as on every run after the first). Memory is the peak of the sum of the
resident sets of the command and all its children, sampled every 50 ms. Budget: <= 30 s, <= 2 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from common import ROOT, Context, Result


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def timed_run(data: Path, out: Path, cache: Path) -> tuple[float, float, dict]:
    env = {**os.environ, "KAPLAN_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "kaplan", "run", "--month", "2026-06", "--data", str(data), "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, tree_rss(watcher))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode:
        raise RuntimeError(stderr.decode()[-3000:])
    version = Path(stdout.decode().splitlines()[0].removeprefix("published ").strip())
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    return wall, peak / 2**20, manifest["timings_s"]


def run(ctx: Context) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out"
        for name in ("cold", "warm"):
            wall, peak, timings = timed_run(ctx.data_dir, out, cache)
            steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
            results.append(Result(f"kaplan run, {name} cache", wall, 1, steps, peak))
            print(f"{name}: {wall:.1f}s, peak {peak:.0f} MB; {steps}", flush=True)
    return results
