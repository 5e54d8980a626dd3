"""papermill's engine ``kaplan_ready_kernel``: a notebook run on a kernel started ahead (:mod:`kaplan.run.kernels`)."""

from __future__ import annotations

import logging
from typing import Any

from nbformat import NotebookNode
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

from kaplan.run.kernels import START_TIMEOUT_S

log = logging.getLogger(__name__)

ENGINE = "kaplan_ready_kernel"


class ReadyKernelEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel already started (``km``), left running when the notebook ends."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man: NotebookExecutionManager, kernel_name: str, **kwargs: Any
    ) -> NotebookNode:
        """Execute ``nb_man``'s notebook as papermill's own engine does, on the kernel ``kwargs["km"]``."""
        renamed = {"start_timeout": "startup_timeout", "execution_timeout": "timeout"}
        options = {renamed.get(k, k): v for k, v in kwargs.items() if k != "input_path"}
        options.setdefault("startup_timeout", START_TIMEOUT_S)
        client = PapermillNotebookClient(nb_man, kernel_name=kernel_name, log=log, **options)
        try:
            return client.execute(cleanup_kc=False)  # the kernel is handed back, or shut down, by its owner
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


papermill_engines.register(ENGINE, ReadyKernelEngine)
