"""Memory handed back to the system between the steps of a run (benchmarks/RESULTS.md, bench_run)."""

from __future__ import annotations


def release_memory() -> None:
    """Hand freed memory back to the system: the allocators' free lists (arrow's pool and glibc's heap).

    Validation of a national folder leaves ~500 MB there before the notebook kernels start; a kernel
    that computed the run's shared results (:mod:`kaplan.report.shared`) leaves the intermediate frames.
    """
    import ctypes
    import ctypes.util
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim is not None:
            trim(0)
