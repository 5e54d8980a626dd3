"""Memory handed back to the system between the steps of a run (benchmarks/RESULTS.md, bench_run)."""

from __future__ import annotations

import functools
from collections.abc import Callable


def release_memory() -> None:
    """Hand freed memory back to the system: the allocators' free lists (arrow's pool and glibc's heap).

    Validation of a national folder leaves ~500 MB there before the notebook kernels start; a kernel
    that computed the run's shared results (:mod:`kaplan.report.shared`) leaves the intermediate frames.
    No garbage collection here: the frames are freed when their last reference goes (a full collection
    cost ~70 ms a call at national scale and found next to nothing); a kernel handed back to the run
    collects once, when its namespace is cleared (:mod:`kaplan.run.kernels`).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, looked up once (finding the C library runs ``ldconfig``); None elsewhere."""
    import ctypes
    import ctypes.util

    libc = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
