"""The project's own house rules: environment files in step, defaults file = model, clean notebooks."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

from kaplan.core.params import DEFAULT_FILE, Params, load_params
from kaplan.run.month import NOTEBOOK_DIR

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    return {_name(r): r.replace(" ", "") for r in reqs}


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or _name(item) in ("python", "pip"):
                continue
            out[_name(item)] = item.replace(" ", "")
    return out


def test_environment_yml_names_the_same_packages_and_bounds_as_pyproject() -> None:
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_yml_installs_the_project_itself() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert "-e ." in pip
    assert "python=3.11" in env["dependencies"]


def test_default_params_file_equals_the_model_defaults() -> None:
    assert load_params(DEFAULT_FILE) == Params()
    assert set(yaml.safe_load(DEFAULT_FILE.read_text())) == set(Params.model_fields)


def _nbstripout_verify(paths: list[Path]) -> subprocess.CompletedProcess:
    stripper = Path(sys.executable).parent / "nbstripout"
    return subprocess.run([str(stripper), "--verify", "--extra-keys", "metadata.papermill cell.metadata.papermill",
                           *map(str, paths)], capture_output=True, text=True)  # fmt: skip


def test_committed_notebooks_are_stripped() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01_targets.ipynb", "02_progress.ipynb", "03_pipeline.ipynb",
                                           "04_assessment.ipynb", "05_tuning.ipynb"]  # fmt: skip
    result = _nbstripout_verify(NOTEBOOKS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_committed_notebooks_carry_the_metadata_jupyterlab_writes() -> None:
    for path in NOTEBOOKS:
        meta = nbformat.read(str(path), as_version=4).metadata
        assert meta.kernelspec == {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
        assert meta.language_info == {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                      "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                      "pygments_lexer": "ipython3", "version": "3.11.7"}, path.name  # fmt: skip


def test_the_strip_check_catches_an_output(tmp_path: Path) -> None:
    nb = nbformat.read(str(NOTEBOOKS[0]), as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="left over")]
    dirty = tmp_path / "dirty.ipynb"
    nbformat.write(nb, str(dirty))
    result = _nbstripout_verify([dirty])
    assert result.returncode == 1 and "dirty.ipynb" in result.stdout


def test_notebook_parameters_cells_hold_literals_only() -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(str(path), as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1, f"{path.name}: one cell tagged parameters"
        for node in ast.parse(cells[0].source).body:
            assert isinstance(node, ast.AnnAssign), f"{path.name}: annotated assignments only"
            assert isinstance(node.value, ast.Constant), f"{path.name}: {ast.unparse(node)} is not a literal"
        assert nb.metadata["kernelspec"]["name"] == "python3"


def _installed_by(requirements: set[str]) -> set[str]:
    """The distributions ``requirements`` install, their own requirements included (normalised names)."""
    import importlib.metadata as md

    seen: set[str] = set()
    todo = list(requirements)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        todo += [_name(r) for r in needs if "extra ==" not in r]
    return {n.replace(".", "-") for n in seen}


def test_every_package_the_code_imports_is_installed_by_the_declared_dependencies() -> None:
    """What a wheel installed elsewhere needs: a package imported only through a development extra would go
    unseen in this environment."""
    import importlib.metadata as md

    runtime = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    installed = _installed_by(runtime)
    dists = md.packages_distributions()
    imported: dict[str, set[str]] = {}
    for path in sorted((ROOT / "kaplan").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                names = [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "kaplan":
                    imported.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    missing = {top: sorted(where) for top, where in imported.items()
               if not {_name(d).replace(".", "-") for d in dists.get(top, [])} & installed}  # fmt: skip
    assert missing == {}
    assert {"pandas", "papermill", "plotly", "IPython"} <= set(imported)  # the scan sees the imports
