"""Installed anywhere: the wheel in a fresh venv, ``kaplan init``, ``kaplan run`` of the demo month.

The published workbooks are compared, sheet by sheet and value by value, with the golden copy of
the demo month recorded before the package was split into domain packages
(``tests/fixtures/golden``, written by ``tests/golden.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import openpyxl
import pytest
from golden import month_values
from test_audiences import check_audiences, world_of

from kaplan.sample.write import data_folder

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "demo-2026-06.json"

pytestmark = pytest.mark.slow


# as on a planner's machine: Python writes the compiled modules it imports (a test environment may forbid it)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, env=ENV)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout, installed (not editable) into a new venv, then ``init`` and ``run``."""
    base = tmp_path_factory.mktemp("install")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(base / "dist"), str(ROOT)], base)
    wheel = next((base / "dist").glob("kaplan-*.whl"))
    venv.create(base / "venv", with_pip=True)
    python = base / "venv" / "bin" / "python"
    # --no-compile: pip's byte-compiling of every module of every dependency took 27 of the install's 70 s;
    # the first run compiles (and keeps, see ENV) only the modules it imports
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)], base)
    site = _run([str(python), "-c", "import kaplan; print(kaplan.__file__)"], base).stdout
    assert str(base / "venv") in site, "kaplan must be imported from the new venv, not from the checkout"
    kaplan = str(base / "venv" / "bin" / "kaplan")
    folder = base / "planning"
    _run([kaplan, "init", str(folder)], base)
    _run([kaplan, "run", "--month", "2026-06"], folder)
    return folder


def test_init_makes_a_deployment_folder(deployment: Path) -> None:
    params = (deployment / "params" / "default.yaml").read_text(encoding="utf-8")
    assert "split_weights:" in params and params.lstrip().startswith("#")
    readme = (deployment / "data" / "README.md").read_text(encoding="utf-8")
    assert "## sales" in readme and "`units`" in readme
    assert (deployment / "outputs").is_dir()


def test_the_published_index_opens_and_every_link_resolves(deployment: Path) -> None:
    version = deployment / "outputs" / "2026-06" / "v1"
    links = re.findall(r'href="([^"]+)"', (version / "management" / "index.html").read_text(encoding="utf-8"))
    assert "01_targets.html" in links and "targets_2026-06.xlsx" in links
    for folder in (p for p in version.iterdir() if p.is_dir()):
        links = re.findall(r'href="([^"]+)"', (folder / "index.html").read_text(encoding="utf-8"))
        assert [link for link in links if not (folder / link).resolve().is_file()] == [], folder.name
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == "2026-06" and manifest["as_of"] == "2026-06-20"


def test_each_audience_of_the_demo_month_holds_only_what_it_may_see(deployment: Path) -> None:
    check_audiences(deployment / "outputs" / "2026-06" / "v1", world_of(data_folder(None)))


def test_the_demo_month_publishes_the_golden_numbers(deployment: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = month_values(deployment / "outputs" / "2026-06" / "v1")
    assert sorted(now) == sorted(golden)
    changed = [f"{book} / {sheet}" for book, sheets in golden.items() for sheet, values in sheets.items()
               if now[book].get(sheet) != values]  # fmt: skip
    assert changed == []


def test_the_demo_month_names_few_uncovered_provinces_and_flags_overdue_leads(deployment: Path) -> None:
    version = deployment / "outputs" / "2026-06" / "v1" / "management"
    book = openpyxl.load_workbook(version / "pipeline_2026-06.xlsx", read_only=True)
    uncovered = list(book["未覆盖省区"].iter_rows(values_only=True))[1:]
    board = list(openpyxl.load_workbook(version / "progress_2026-06.xlsx", read_only=True)["省区进度"]
                 .iter_rows(values_only=True))[1:]  # fmt: skip
    province_lines = [row for row in board if row[1] not in ("合计", None) and row[0] != "全国"]
    assert 0 < len(uncovered) < len(province_lines) / 4
    header = next(book["在跟信息"].iter_rows(values_only=True))
    assert "逾期未成交" in header
    coverage = {row[0] for row in list(book["缺口覆盖"].iter_rows(values_only=True))[1:]}
    assert "全国" in coverage
