"""`kaplan run` at national scale: wall time, peak memory of the whole process tree, where time goes.

Runs the real command in a subprocess (papermill kernels included), three rounds of two runs: `cold`, with an
empty table cache (full read and validation of the CSV files), and `warm`, the same data again (validated
tables come from the cache, as on every run after the first). Memory is the peak of the sum of the
proportional set sizes of the command and all its children (the memory the run takes from the machine: a
library page the three processes share counted once), sampled every 50 ms; the notes give the peak of
the sum of their resident sets too (each shared page counted in every process). Budget: <= 30 s, <= 2 GB.

How memory is sampled without slowing the run: a process's proportional size is only in
``/proc/<pid>/smaps_rollup``, whose read walks all the process's pages under its memory-map lock; read
20 times a second for each process it made the run 2-4 s slower (interleaved runs, RESULTS.md). So
every 50 ms the sampler reads the cheap counters of ``/proc/<pid>/status`` (resident size and its
anonymous part, which is the process's own: the kernels are started by exec, nothing is shared by
fork), and once a second the proportional size of the mapped files (the libraries the processes
share) from ``smaps_rollup``: proportional size = anonymous pages + that share of the files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from common import ROOT, Context, Result

ROUNDS = 3  # the machine's speed varies from minute to minute: one run says little


FILE_EVERY = 20  # samples between two reads of the files' proportional sizes (every second)


@dataclass
class TreeMemory:
    """The memory of a process and its children, sampled: see the module's docstring."""

    process: psutil.Process
    files: dict[int, int] = field(default_factory=dict)  # pid -> proportional size of its mapped files, bytes
    samples: int = 0

    def sample(self) -> tuple[int, int]:
        """The sums of the resident and of the proportional set sizes of the tree, in bytes."""
        refresh = self.samples % FILE_EVERY == 0
        self.samples += 1
        rss = pss = 0
        for p in [self.process, *self.process.children(recursive=True)]:
            try:
                resident, anonymous = status_sizes(p.pid)
                if refresh or p.pid not in self.files:
                    self.files[p.pid] = file_share(p.pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
            rss += resident
            pss += anonymous + self.files[p.pid]
        return rss, pss


def status_sizes(pid: int) -> tuple[int, int]:
    """The resident size of process ``pid`` and its anonymous part, in bytes (``/proc/<pid>/status``)."""
    sizes = dict.fromkeys(("VmRSS:", "RssAnon:"), 0)
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key = line.split(maxsplit=1)[0]
            if key in sizes:
                sizes[key] = int(line.split()[1]) * 1024
    return sizes["VmRSS:"], sizes["RssAnon:"]


def file_share(pid: int) -> int:
    """The proportional size of the files and shared memory process ``pid`` maps, in bytes (``smaps_rollup``)."""
    share = 0
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith(("Pss_File:", "Pss_Shmem:")):
                share += int(line.split()[1]) * 1024
    return share


def timed_run(data: Path, out: Path, cache: Path) -> tuple[float, float, float, dict]:
    env = {**os.environ, "KAPLAN_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "kaplan", "run", "--month", "2026-06", "--data", str(data), "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = TreeMemory(psutil.Process(process.pid))
    peak_rss = peak_pss = 0
    while process.poll() is None:
        try:
            rss, pss = watcher.sample()
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
