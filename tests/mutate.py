"""Mutation testing of the rule modules, one package at a time (docs/testing.md).

    python tests/mutate.py PKG            # mutmut on kaplan/PKG's rule modules, then the table
    python tests/mutate.py PKG.MODULE     # one rule module, e.g. plan.seasonal
    python tests/mutate.py PKG --report   # the table of the last run, running nothing

The rule modules are ``only_mutate`` of ``[tool.mutmut]`` in pyproject.toml. A scope runs in its own
folder ``mutants/<scope>/`` (a copy of kaplan/ and tests/ with a pyproject.toml of its own), so that
each package's mutants meet only that package's fast tests, ``tests/<package>/test_<module>*.py``, and
the results of one package survive a run of another; inside that folder ``mutmut results`` and
``mutmut show NAME`` work as usual. One worker: the machine's cores stay shared.

Equivalent mutants are listed with a reason in docs/testing.md ("Equivalent mutants"); the kill rate is
killed / (mutants - equivalent), a timeout counting as killed and "no tests" as survived.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "testing.md"
KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9, 37}
EQUIVALENT_ROW = re.compile(r"^\|\s*`(kaplan\.[\w.]+__mutmut_\d+)`\s*\|")


def _pyproject() -> str:
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def rule_modules(scope: str) -> list[str]:
    """The rule modules of ``scope`` (a package, ``package.module`` or ``all``) as paths."""
    paths = tomllib.loads(_pyproject())["tool"]["mutmut"]["only_mutate"]
    dotted = {p: p.removesuffix(".py").replace("/", ".").removeprefix("kaplan.") for p in paths}
    return paths if scope == "all" else [p for p in paths if scope in (dotted[p], dotted[p].split(".")[0])]


def own_tests(modules: list[str]) -> list[str]:
    """The test files of the modules: ``tests/<package>/test_<module>*.py``."""
    found = []
    for path in modules:
        package, module = Path(path).parent.name, Path(path).stem
        found += sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / package).glob(f"test_{module}*.py"))
    return found


def prepare(scope: str) -> Path:
    """``mutants/<scope>/`` with today's kaplan/ and tests/ (times kept: unchanged files are not re-mutated)."""
    folder = ROOT / "mutants" / scope
    for name in ("kaplan", "tests"):
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    modules = rule_modules(scope)
    text = _pyproject()
    start = text.index("\n[tool.mutmut]\n") + 1
    end = text.find("\n[", start)
    rest = text[end + 1 :] if end >= 0 else ""
    text = text[:start] + rest + "\n" + "\n".join([
        "[tool.mutmut]",
        'source_paths = ["kaplan/"]',
        f"only_mutate = {json.dumps(modules)}",
        'pytest_add_cli_args = ["-m", "not slow", "-p", "no:cacheprovider"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(own_tests(modules))}",
        "",
    ])  # fmt: skip
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    for path in modules:
        retest_survivors(folder / "mutants" / (path + ".meta"))
    return folder


def retest_survivors(meta: Path) -> None:
    """Forget the verdict of every mutant not killed last time, so that new tests get their chance
    (mutmut keeps a verdict until the function's code changes)."""
    if not meta.exists():
        return
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["exit_code_by_key"] = {k: v if v in KILLED else None for k, v in data["exit_code_by_key"].items()}
    meta.write_text(json.dumps(data, indent=4), encoding="utf-8")


def run_mutmut(scope: str) -> float:
    """Run mutmut on the mutants of ``scope`` with one worker; the wall time in seconds."""
    folder = prepare(scope)
    env = {**os.environ, "KAPLAN_HYPOTHESIS_PROFILE": "mutate"}
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", "1"], cwd=folder, env=env, check=True)
    return time.monotonic() - start


def module_results(scope: str, path: str) -> dict[str, int | None]:
    """Exit code per mutant of one module, from mutmut's meta file (empty before a run)."""
    meta = ROOT / "mutants" / scope / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def equivalent_mutants() -> set[str]:
    """Names of the mutants docs/testing.md lists as equivalent (first cell of a table row)."""
    if not DOC.exists():
        return set()
    return {m.group(1) for line in DOC.read_text(encoding="utf-8").splitlines() if (m := EQUIVALENT_ROW.match(line))}


def table(scope: str) -> tuple[list[str], list[str]]:
    """Markdown rows per module, and the survivors not listed as equivalent."""
    equivalent = equivalent_mutants()
    rows = ["| module | mutants | killed | survived | equivalent | kill rate |", "|---|---:|---:|---:|---:|---:|"]
    open_survivors = []
    for path in rule_modules(scope):
        everything = module_results(scope, path)
        results = {name: code for name, code in everything.items() if code is not None}
        if not results:
            rows.append(f"| {path} | {len(everything) or ''} | not run | | | |")
            continue
        killed = sum(code in KILLED for code in results.values())
        survivors = [name for name, code in results.items() if code not in KILLED]
        same = [name for name in survivors if name in equivalent]
        open_survivors += [name for name in survivors if name not in equivalent]
        judged = len(results) - len(same)
        rate = f"{100 * killed / judged:.1f} %" if judged else "n/a"
        unchecked = len(everything) - len(results)
        count = f"{len(results)} of {len(everything)} checked" if unchecked else str(len(results))
        rows.append(f"| {path} | {count} | {killed} | {len(survivors) - len(same)} | {len(same)} | {rate} |")
    return rows, open_survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scope", help="core, plan, progress, leads, assessment, inputs, PKG.MODULE or all")
    parser.add_argument("--report", action="store_true", help="print the table of the last run, run nothing")
    args = parser.parse_args()
    if not rule_modules(args.scope):
        parser.error(f"no rule module in {args.scope}: see [tool.mutmut] only_mutate in pyproject.toml")
    elapsed = None if args.report else run_mutmut(args.scope)
    rows, survivors = table(args.scope)
    print()
    print("\n".join(rows))
    if elapsed is not None:
        print(f"\n{args.scope}: {elapsed / 60:.1f} min")
    if survivors:
        print(f"\nsurvivors (kill each with a test, or list it as equivalent in docs/testing.md; "
              f"see one with: cd mutants/{args.scope} && mutmut show NAME):")  # fmt: skip
        print("\n".join(f"  {name}" for name in survivors))


if __name__ == "__main__":
    main()
