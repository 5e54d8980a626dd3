"""A stand-in report notebook for the tests of the run's machinery (publish, month index, concurrency).

It declares the real notebooks' parameters (and, if asked, records the month's headline from the
data), so a run with it validates, executes by papermill, exports, publishes and indexes like a real
one, in seconds instead of a minute. With ``KAPLAN_TEST_HOLD`` set in the environment it then marks
its output folder and waits, so a test can kill a run while its notebook runs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

HOLD = "KAPLAN_TEST_HOLD"
STARTED = "notebook-started"

PARAMETERS = ('month: str = "2026-06"\nas_of: str = ""\ndata_dir: str = ""\nparams_file: str = ""\n'
              'language: str = "zh"\noutput_dir: str = ""')  # fmt: skip
HEADLINE = ("from kaplan.report import context as report\n"
            "ctx = report.context(month, as_of, data_dir, params_file, language, output_dir)\n"
            "report.save_headline(ctx)\n")  # fmt: skip
BODY = ("import os, pathlib, time\n"
        f"if os.environ.get({HOLD!r}):\n"
        f"    pathlib.Path(output_dir, {STARTED!r}).write_text('')\n"
        "    time.sleep(600)")  # fmt: skip


def write_stub_notebook(folder: Path, headline: bool) -> Path:
    """``folder`` with one stand-in ``02_progress.ipynb`` in it (see the module's docstring), which
    records the month's headline when ``headline`` is true."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_code_cell(PARAMETERS), new_code_cell((HEADLINE if headline else "") + BODY)]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, str(folder / "02_progress.ipynb"))
    return folder
