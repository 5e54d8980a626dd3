"""`kaplan run` at national scale: wall time, peak memory of the whole process tree, where time goes.

Runs the real command in a subprocess (papermill kernels included), three rounds of two runs: `cold`, with an
empty table cache (full read and validation of the CSV files), and `warm`, the same data again (validated
tables come from the cache, as on every run after the first). Memory is the peak of the sum of the
proportional set sizes of the command and all its children (the memory the run takes from the machine: a
library page the three processes share counted once), sampled every 50 ms; the notes give the peak of
the sum of their resident sets too (each shared page counted in every process). Budget: <= 30 s, <= 2 GB.
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


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """The sums of the resident and of the proportional set sizes of ``process`` and its children, in bytes.

    Resident sizes count a page shared by several processes (the libraries every kernel maps, arrow's
    among them) once per process; proportional sizes split it among them, so their sum is the memory the
    run takes from the machine."""
    rss = pss = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            rss += p.memory_info().rss
            pss += proportional_size(p.pid)
        except (psutil.NoSuchProcess, FileNotFoundError, ProcessLookupError):
            continue
    return rss, pss


def proportional_size(pid: int) -> int:
    """The proportional set size of process ``pid`` in bytes, from ``/proc/<pid>/smaps_rollup``."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def timed_run(data: Path, out: Path, cache: Path) -> tuple[float, float, float, dict]:
    env = {**os.environ, "KAPLAN_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "kaplan", "run", "--month", "2026-06", "--data", str(data), "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = psutil.Process(process.pid)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        try:
            rss, pss = tree_memory(watcher)
        except psutil.NoSuchProcess:
            break
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode:
        raise RuntimeError(stderr.decode()[-3000:])
    version = Path(stdout.decode().splitlines()[0].removeprefix("published ").strip())
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    return wall, peak_pss / 2**20, peak_rss / 2**20, manifest["timings_s"]


def run(ctx: Context) -> list[Result]:
    """ROUNDS rounds of a cold run (a new, empty table cache) then a warm one; the median of each, with the
    range, the steps of the median run and the largest peak."""
    walls: dict[str, list[tuple[float, float, float, dict]]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(ROUNDS):
            cache, out = Path(tmp) / f"cache{round_}", Path(tmp) / "out"
            for name in walls:
                walls[name].append(timed_run(ctx.data_dir, out, cache))
                wall, pss, rss, _ = walls[name][-1]
                print(f"round {round_ + 1} {name}: {wall:.1f}s, peak {pss:.0f} MB (resident sets {rss:.0f} MB)",
                      flush=True)  # fmt: skip
    results = []
    for name, runs in walls.items():
        ordered = sorted(runs, key=lambda r: r[0])
        wall, _, _, timings = ordered[len(ordered) // 2]
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
        spread = (f"{ordered[0][0]:.1f}-{ordered[-1][0]:.1f} s over {len(runs)} runs; peak of the resident sets "
                  f"{max(r[2] for r in runs):,.0f} MB; the median run: {steps}")  # fmt: skip
        results.append(Result(f"kaplan run, {name} cache", wall, len(runs), spread, max(r[1] for r in runs)))
    return results
