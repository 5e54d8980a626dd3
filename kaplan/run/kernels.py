"""Kernels started while the run validates its inputs, and reused (docs/operations.md "Publishing").

A report kernel spends its first seconds starting Python and ipykernel and importing pandas, plotly
and kaplan, work that needs nothing of the month. ``kaplan run`` starts one kernel per worker before it
imports the rest of the run, and has them import kaplan's report context while the run itself reads and
validates the inputs; papermill then executes each notebook on a ready kernel
(:mod:`kaplan.run.engine`). When a notebook ends, its kernel is handed back (:meth:`ReadyKernels.give_back`):
its namespace is cleared as a new session (variables, outputs and the execution count; the imported
modules stay) and its freed memory returned to the system, and the worker's next notebook runs on
it, without a second start and import. Every kernel is shut down when the run ends.

The import and the reset run silently: they add no execution count and no output to a notebook, and
a notebook imports what it needs again in its own first cell (already loaded, so at no cost). A
kernel started for a run that then stops on bad input is shut down unused.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from jupyter_client.manager import KernelManager

log = logging.getLogger(__name__)

KERNEL = "python3"
WORKERS = 2  # notebooks run at once, one kernel each: the two cores of the machine the run is sized for
WARM_UP = "import kaplan.report.context"
# a new session: no variable, output or execution count of the notebook before; memory handed back
RESET = ('get_ipython().reset(new_session=True); __import__("gc").collect(); '
         '__import__("kaplan.core.memory", fromlist=["release_memory"]).release_memory()')
START_TIMEOUT_S = 60


def ready_kernel(workdir: Path) -> KernelManager:
    """A report kernel started in ``workdir`` with kaplan's report context imported."""
    manager = KernelManager(kernel_name=KERNEL)
    manager.start_kernel(cwd=str(workdir))
    try:
        silently(manager, WARM_UP, wait_ready=True)
    except BaseException:
        manager.shutdown_kernel(now=True)
        raise
    return manager


def silently(manager: KernelManager, code: str, wait_ready: bool = False) -> bool:
    """Run ``code`` on the kernel without output or execution count; whether it finished without error."""
    manager.client_class = "jupyter_client.blocking.BlockingKernelClient"
    client = manager.client()
    client.start_channels()
    try:
        if wait_ready:
            client.wait_for_ready(timeout=START_TIMEOUT_S)
        request = client.execute(code, silent=True, store_history=False)
        reply = client.get_shell_msg(timeout=START_TIMEOUT_S)
        done = reply["parent_header"].get("msg_id") == request and reply["content"]["status"] == "ok"
        if not done:
            log.warning("a kernel did not run %r: %s", code[:40], reply["content"].get("evalue", reply["content"]))
        return done
    finally:
        client.stop_channels()
        # nbclient drives the kernel from its own event loop: it needs the asynchronous client
        manager.client_class = "jupyter_client.asynchronous.AsyncKernelClient"


class ReadyKernels:
    """``count`` report kernels being started in the background, taken and handed back; all shut down on close."""

    def __init__(self, count: int, workdir: Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(count, 1), thread_name_prefix="kernel")
        self._waiting: list[Future[KernelManager]] = [self._pool.submit(ready_kernel, workdir) for _ in range(count)]
        self._free: list[KernelManager] = []
        self._taken: list[KernelManager] = []
        self._lock = threading.Lock()

    def take(self) -> KernelManager | None:
        """A kernel handed back, else a started one (waiting for its warm-up to finish); None when none is left."""
        with self._lock:
            if self._free:
                kernel = self._free.pop()
                self._taken.append(kernel)
                return kernel
            if not self._waiting:
                return None
            future = self._waiting.pop()
        kernel = future.result()
        with self._lock:
            self._taken.append(kernel)
        return kernel

    def give_back(self, kernel: KernelManager) -> None:
        """Reset ``kernel`` as a new session for the next notebook; a kernel that cannot be reset is shut down."""
        with self._lock:
            self._taken.remove(kernel)
        try:
            reusable = kernel.is_alive() and silently(kernel, RESET)
        except Exception as exc:  # a kernel that does not answer is not used again
            log.debug("a kernel could not be reset: %s", exc)
            reusable = False
        if not reusable:
            kernel.shutdown_kernel(now=True)
            return
        with self._lock:
            self._free.append(kernel)

    def close(self) -> None:
        """Shut down every kernel: handed back, still taken, or being started (once started)."""
        with self._lock:
            waiting, self._waiting = self._waiting, []
            started, self._free, self._taken = [*self._free, *self._taken], [], []
        for future in waiting:
            try:
                started.append(future.result())
            except Exception as exc:  # a kernel that failed to start has nothing to shut down
                log.debug("an unused kernel: %s", exc)
        for kernel in started:
            kernel.shutdown_kernel(now=True)
        self._pool.shutdown(wait=True)

    def __enter__(self) -> ReadyKernels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
