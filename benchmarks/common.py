"""Shared pieces of the benchmarks: the national data set, timing, results."""

from __future__ import annotations

import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".benchmarks"


@dataclass
class Result:
    name: str
    median_s: float
    runs: int
    note: str = ""
    peak_mb: float | None = None


@dataclass
class Context:
    scale: str = "national"
    seed: int = 7
    results: list[Result] = field(default_factory=list)

    @cached_property
    def data_dir(self) -> Path:
        from kaplan.sample.write import generator_fingerprint, write_sample

        folder = CACHE / f"{self.scale}-seed{self.seed}-{generator_fingerprint()}"
        if not (folder / ".complete").exists():
            started = time.perf_counter()
            write_sample(folder, scale=self.scale, seed=self.seed)
            (folder / ".complete").write_text(f"{time.perf_counter() - started:.1f}\n")
        return folder

    def data_dir_as(self, fmt: str) -> Path:
        """The same national sample written as ``fmt`` (``xlsx``: about 10 minutes, once)."""
        from kaplan.sample.write import generator_fingerprint, write_sample

        if fmt == "csv":
            return self.data_dir
        folder = CACHE / f"{self.scale}-seed{self.seed}-{generator_fingerprint()}-{fmt}"
        if not (folder / ".complete").exists():
            started = time.perf_counter()
            write_sample(folder, scale=self.scale, seed=self.seed, fmt=fmt)
            (folder / ".complete").write_text(f"{time.perf_counter() - started:.1f}\n")
        return folder

    @cached_property
    def tables(self):
        import kaplan

        return kaplan.load(self.data_dir)

    @cached_property
    def params(self):
        from kaplan.core.params import load_params

        return load_params()


def median_time(fn: Callable[[], object], runs: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def traced_peak(fn: Callable[[], object]) -> float:
    """Peak Python allocations of one call, MB (numpy and pandas buffers included)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, Python {platform.python_version()}"
