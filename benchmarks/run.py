"""Run every ``benchmarks/bench_*.py`` at national scale and write ``benchmarks/RESULTS.md``.

Each module defines ``run(ctx: Context) -> list[Result]``. ``python benchmarks/run.py NAME ...``
runs only the named modules (``allocate`` for ``bench_allocate.py``).
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Context, Result, machine

import kaplan

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if m.removeprefix("bench_") in names]
    ctx = Context()
    sections: list[tuple[str, str, list[Result]]] = []
    for name in modules:
        module = importlib.import_module(name)
        started = time.perf_counter()
        results = module.run(ctx)
        print(f"{name}: {time.perf_counter() - started:.1f}s", flush=True)
        sections.append((name, (module.__doc__ or "").strip(), results))
    write_results(sections)


def write_results(sections: list[tuple[str, str, list[Result]]]) -> None:
    path = HERE / "RESULTS.md"
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    blocks = _blocks(previous)
    for name, doc, results in sections:
        lines = [f"## {name}", "", doc, "", "| case | median | runs | peak memory | note |",
                 "|---|---:|---:|---:|---|"]
        for r in results:
            peak = f"{r.peak_mb:,.0f} MB" if r.peak_mb is not None else ""
            lines.append(f"| {r.name} | {_seconds(r.median_s)} | {r.runs} | {peak} | {r.note} |")
        lines.append(f"\nMeasured {date.today().isoformat()} on {machine()}, kaplan {kaplan.__version__}.\n")
        blocks[name] = "\n".join(lines)
    header = (
        "# Benchmark results\n\n`make bench` (all) or `.venv/bin/python benchmarks/run.py NAME` (one) "
        "at `national` scale: 2,000 dealers, 40 products, ~1 M orders, 200 k leads, 400 staff.\n"
        "Medians of several runs after a warm-up. Budgets live here, not in the unit tests.\n"
    )
    path.write_text(header + "\n" + "\n".join(blocks[k] for k in sorted(blocks)), encoding="utf-8")
    print(f"wrote {path}")


def _blocks(text: str) -> dict[str, str]:
    blocks: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            blocks[current] = line
        elif current:
            blocks[current] += "\n" + line
    return {k: v.rstrip() + "\n" for k, v in blocks.items()}


def _seconds(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


if __name__ == "__main__":
    main(sys.argv[1:])
