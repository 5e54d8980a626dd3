"""Kernels started ahead of the notebooks: ready with kaplan imported, invisible in the notebook, never left running."""

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
from kaplan.run.kernels import ENGINE, ReadyKernels

pytestmark = pytest.mark.slow


def kernel_processes() -> list[psutil.Process]:
    """This process's kernel children."""
    return [p for p in psutil.Process(os.getpid()).children(recursive=True)
            if "ipykernel_launcher" in " ".join(p.cmdline())]  # fmt: skip


def test_a_ready_kernel_runs_a_notebook_from_count_1_with_kaplan_imported_then_stops(tmp_path: Path) -> None:
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    cell = new_code_cell("import os, sys\nprint('kaplan.report.context' in sys.modules, os.getcwd())")
    kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(new_notebook(cells=[cell], metadata={"kernelspec": kernelspec}), source)
    with ReadyKernels(1, tmp_path) as kernels:
        kernel = kernels.take()
        assert kernels.take() is None
        pm.execute_notebook(str(source), str(target), kernel_name="python3", progress_bar=False, engine_name=ENGINE,
                            km=kernel)  # fmt: skip
    done = nbformat.read(target, as_version=4).cells[0]
    assert done.execution_count == 1  # the warm-up counted nothing
    assert [o["text"] for o in done.outputs] == [f"True {tmp_path}\n"]
    assert not kernel.is_alive()
    assert kernel_processes() == []


def test_kernels_not_taken_are_shut_down(tmp_path: Path) -> None:
    with ReadyKernels(2, tmp_path) as kernels:
        taken = kernels.take()
        assert len(kernel_processes()) == 2
    assert [p.pid for p in kernel_processes()] == [taken.provisioner.pid]
    taken.shutdown_kernel(now=True)
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
