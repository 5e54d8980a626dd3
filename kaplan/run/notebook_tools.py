"""Keep committed notebooks clean: ``python -m kaplan.run.notebook_tools strip|check-stripped FOLDER``.

Committed notebooks carry no outputs, no execution counts and no widget state (`make strip`;
`make lint` fails on a notebook that still has them).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import nbformat

log = logging.getLogger(__name__)


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with outputs, execution counts and widget state removed."""
    out = nbformat.from_dict(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    out.metadata.pop("widgets", None)
    out.metadata.pop("papermill", None)
    return out


def is_stripped(nb: nbformat.NotebookNode) -> bool:
    return nb == stripped(nb)


def notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if len(argv) != 2 or argv[0] not in ("strip", "check-stripped"):
        log.error("usage: python -m kaplan.run.notebook_tools strip|check-stripped FOLDER")
        return 2
    command, folder = argv[0], Path(argv[1])
    dirty = []
    for path in notebooks(folder):
        nb = nbformat.read(str(path), as_version=4)
        if is_stripped(nb):
            continue
        if command == "strip":
            nbformat.write(stripped(nb), str(path))
            log.info("stripped %s", path)
        else:
            dirty.append(path)
    for path in dirty:
        log.error("%s has outputs or execution counts: run `make strip`", path)
    return 1 if dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
