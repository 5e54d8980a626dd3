"""`kaplan run` at national scale: wall time, peak memory of the whole process tree, where time goes.

Runs the real command in a subprocess (papermill kernels included), three rounds of two runs: `cold`, with an
empty table cache (full read and validation of the CSV files), and `warm`, the same data again (validated
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

ROUNDS = 3  # the machine's speed varies from minute to minute: one run says little


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
    """ROUNDS rounds of a cold run (a new, empty table cache) then a warm one; the median of each, with the
    range, the steps of the median run and the largest peak."""
    walls: dict[str, list[tuple[float, float, dict]]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(ROUNDS):
            cache, out = Path(tmp) / f"cache{round_}", Path(tmp) / "out"
            for name in walls:
                walls[name].append(timed_run(ctx.data_dir, out, cache))
                wall, peak, _ = walls[name][-1]
                print(f"round {round_ + 1} {name}: {wall:.1f}s, peak {peak:.0f} MB", flush=True)
    results = []
    for name, runs in walls.items():
        ordered = sorted(runs, key=lambda r: r[0])
        wall, _, timings = ordered[len(ordered) // 2]
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
        spread = f"{ordered[0][0]:.1f}-{ordered[-1][0]:.1f} s over {len(runs)} runs; the median run: {steps}"
        results.append(Result(f"kaplan run, {name} cache", wall, len(runs), spread, max(r[1] for r in runs)))
    return results
