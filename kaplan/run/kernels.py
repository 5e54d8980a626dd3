"""Kernels started while the run validates its inputs (docs/operations.md "Publishing").

A report kernel spends its first seconds starting Python and ipykernel and importing pandas, plotly
and kaplan, work that needs nothing of the month. The run starts the kernels of the notebooks it
executes first (one per worker) as soon as it knows where they run, and has them import kaplan's
report context while the run itself reads and validates the inputs on the other core; papermill then
executes each notebook on its ready kernel (:class:`ReadyKernelEngine`) and shuts it down at the end,
as it does the kernels it starts itself.

The import runs silently: it adds no execution count and no output to the notebook, and a notebook
imports what it needs again in its own first cell (already loaded, so at no cost). A kernel started
for a run that then stops on bad input is shut down unused.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager
from nbformat import NotebookNode
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

log = logging.getLogger(__name__)

ENGINE = "kaplan_ready_kernel"
KERNEL = "python3"
WARM_UP = "import kaplan.report.context"
START_TIMEOUT_S = 60


class ReadyKernelEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel already started (``km``), shut down when the notebook ends."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man: NotebookExecutionManager, kernel_name: str, **kwargs: Any
    ) -> NotebookNode:
        """Execute ``nb_man``'s notebook as papermill's own engine does, on the kernel ``kwargs["km"]``."""
        renamed = {"start_timeout": "startup_timeout", "execution_timeout": "timeout"}
        options = {renamed.get(k, k): v for k, v in kwargs.items() if k != "input_path"}
        options.setdefault("startup_timeout", START_TIMEOUT_S)
        client = PapermillNotebookClient(nb_man, kernel_name=kernel_name, log=log, **options)
        # nbclient leaves running a kernel it did not start; this one is the notebook's alone
        return client.execute(cleanup_kc=True)


papermill_engines.register(ENGINE, ReadyKernelEngine)


def ready_kernel(workdir: Path) -> KernelManager:
    """A report kernel started in ``workdir`` with kaplan's report context imported."""
    manager = KernelManager(kernel_name=KERNEL)
    manager.start_kernel(cwd=str(workdir))
    client = manager.client()  # a blocking client, for the warm-up
    client.start_channels()
    try:
        client.wait_for_ready(timeout=START_TIMEOUT_S)
        request = client.execute(WARM_UP, silent=True, store_history=False)
        reply = client.get_shell_msg(timeout=START_TIMEOUT_S)
        if reply["parent_header"].get("msg_id") != request or reply["content"]["status"] != "ok":
            log.warning("a kernel's warm-up did not finish: %s", reply["content"].get("evalue", reply["content"]))
    except BaseException:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        raise
    client.stop_channels()
    # nbclient drives the kernel from its own event loop: it needs the asynchronous client
    manager.client_class = "jupyter_client.asynchronous.AsyncKernelClient"
    return manager


class ReadyKernels:
    """``count`` report kernels being started in the background; each taken once, the rest shut down on close."""

    def __init__(self, count: int, workdir: Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(count, 1), thread_name_prefix="kernel")
        self._waiting: list[Future[KernelManager]] = [self._pool.submit(ready_kernel, workdir) for _ in range(count)]

    def take(self) -> KernelManager | None:
        """A started kernel (waiting for its warm-up to finish), or None when all are taken."""
        try:
            future = self._waiting.pop()
        except IndexError:
            return None
        return future.result()

    def close(self) -> None:
        """Shut down every kernel not taken (those being started, once started)."""
        waiting, self._waiting = self._waiting, []
        for future in waiting:
            try:
                future.result().shutdown_kernel(now=True)
            except Exception as exc:  # a kernel that failed to start has nothing to shut down
                log.debug("an unused kernel: %s", exc)
        self._pool.shutdown(wait=True)

    def __enter__(self) -> ReadyKernels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
