"""Kernels started ahead of the notebooks and reused: ready with kaplan imported, each notebook a new session,
never left running."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import papermill as pm
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from kaplan.run.cli import main
from kaplan.run.engine import ENGINE
from kaplan.run.kernels import ReadyKernels

pytestmark = pytest.mark.slow


def kernel_processes() -> list[psutil.Process]:
    """This process's kernel children."""
    return [p for p in psutil.Process(os.getpid()).children(recursive=True)
            if "ipykernel_launcher" in " ".join(p.cmdline())]  # fmt: skip


def notebook(path: Path, source: str) -> Path:
    """A one-cell notebook for the report kernel."""
    kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(new_notebook(cells=[new_code_cell(source)], metadata={"kernelspec": kernelspec}), path)
    return path


def executed_cell(source: Path, target: Path, kernel) -> nbformat.NotebookNode:
    pm.execute_notebook(str(source), str(target), kernel_name="python3", progress_bar=False, engine_name=ENGINE,
                        km=kernel)  # fmt: skip
    return nbformat.read(target, as_version=4).cells[0]


def test_a_ready_kernel_runs_a_notebook_from_count_1_with_kaplan_imported(tmp_path: Path) -> None:
    code = "import os, sys\nprint('kaplan.report.context' in sys.modules, os.getcwd())"
    source = notebook(tmp_path / "in.ipynb", code)
    with ReadyKernels(1, tmp_path) as kernels:
        kernel = kernels.take()
        assert kernels.take() is None
        done = executed_cell(source, tmp_path / "out.ipynb", kernel)
        assert kernel.is_alive()  # left to its owner: handed back or shut down
    assert done.execution_count == 1  # the warm-up counted nothing
    assert [o["text"] for o in done.outputs] == [f"True {tmp_path}\n"]
    assert not kernel.is_alive()
    assert kernel_processes() == []


def test_a_kernel_handed_back_runs_the_next_notebook_as_a_new_session(tmp_path: Path) -> None:
    first = notebook(tmp_path / "first.ipynb", "leftover = 41\nprint(leftover + 1)")
    second = notebook(tmp_path / "second.ipynb", "import sys\nprint('leftover' in dir(), 'kaplan' in sys.modules, Out)")
    with ReadyKernels(1, tmp_path) as kernels:
        kernel = kernels.take()
        assert [o["text"] for o in executed_cell(first, tmp_path / "1.ipynb", kernel).outputs] == ["42\n"]
        kernels.give_back(kernel)
        again = kernels.take()
        assert again is kernel
        assert [p.pid for p in kernel_processes()] == [kernel.provisioner.pid]  # no second kernel started
        done = executed_cell(second, tmp_path / "2.ipynb", again)
    assert done.execution_count == 1  # counted from 1 again
    assert [o["text"] for o in done.outputs] == ["False True {}\n"]  # no variable, no output kept; modules kept
    assert kernel_processes() == []


def test_a_kernel_that_died_is_not_handed_out_again(tmp_path: Path) -> None:
    with ReadyKernels(1, tmp_path) as kernels:
        kernel = kernels.take()
        psutil.Process(kernel.provisioner.pid).kill()
        psutil.Process(kernel.provisioner.pid).wait(timeout=10)
        kernels.give_back(kernel)
        assert kernels.take() is None
    assert kernel_processes() == []


def test_every_kernel_is_shut_down_on_close_taken_or_not(tmp_path: Path) -> None:
    with ReadyKernels(2, tmp_path) as kernels:
        taken = kernels.take()
        assert len(kernel_processes()) == 2
    assert not taken.is_alive()
    assert kernel_processes() == []


def test_a_run_stopped_by_bad_input_leaves_no_kernel(hostile_dir: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "data"
    shutil.copytree(hostile_dir, broken)
    (broken / "org.csv").write_text("region,province\n", encoding="utf-8")
    code = main(["run", "--month", "2026-06", "--data", str(broken), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "org" in capsys.readouterr().err
    assert kernel_processes() == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))
