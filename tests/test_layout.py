"""The house rules of the package layout (docs/operations.md, "Layout"): imports point down only.

core <- inputs, sample <- plan, progress, leads <- assessment <- report <- run. A module may import
its own package and packages of a lower rank; the top-level ``kaplan`` package (``load``,
``__version__``) and the ``kaplan.allocate`` re-exports of the first release's API sit outside.
No function imports kaplan's own modules, except where a comment names the cycle it breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kaplan"
RANK = {"core": 0, "inputs": 1, "sample": 1, "plan": 2, "progress": 2, "leads": 2, "assessment": 3, "report": 4,
        "run": 5}  # fmt: skip
NAMED_CYCLES = {"kaplan/__init__.py"}
# import inside functions on purpose, for the run's start (benchmarks/RESULTS.md, run budget history): the command
# line imports a command's modules when it runs (`kaplan run` starts its kernels first), and the run imports
# papermill and nbconvert once the inputs are valid
DEFERRED = {"kaplan/run/cli.py", "kaplan/run/month.py"}


def _modules() -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(PACKAGE.parent).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(PACKAGE.rglob("*.py"))]  # fmt: skip


def _package(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "kaplan" and parts[1] in RANK else None


def test_every_package_has_a_rank() -> None:
    found = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert found == set(RANK)


def test_imports_point_down() -> None:
    upward = []
    for path, tree in _modules():
        own = _package(path.removesuffix(".py").replace("/", "."))
        if own is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                target = _package(node.module)
                if target and target != own and RANK[target] >= RANK[own]:
                    upward.append(f"{path}: {own} imports {node.module}")
    assert upward == []


def test_no_function_imports_kaplan_modules() -> None:
    hidden = []
    for path, tree in _modules():
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                module = getattr(node, "module", None) or ""
                names = [a.name for a in getattr(node, "names", [])] if isinstance(node, ast.Import) else []
                if module.startswith("kaplan") or any(n.startswith("kaplan") for n in names):
                    hidden.append(f"{path}:{node.lineno}")
    assert [h for h in hidden if h.split(":")[0] not in NAMED_CYCLES | DEFERRED] == []


def test_the_first_release_api_still_works() -> None:
    from kaplan import allocate, load

    assert allocate.apportion(7, [0.5, 0.3, 0.2, 0]).tolist() == [4, 2, 1, 0]
    assert callable(allocate.composite_shares) and callable(load)
