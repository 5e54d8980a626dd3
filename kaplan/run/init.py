"""``kaplan init DIR``: a deployment folder that ``kaplan run`` works in (docs/operations.md).

A deployment is any folder with::

    params/default.yaml   the parameters, a commented copy of the packaged defaults to edit
    data/README.md        which tables go into data/ and their columns (from the schema)
    outputs/              where ``kaplan run`` publishes months

``kaplan run``, ``check``, ``lock`` and ``approve`` started in that folder read ``params/`` there
(month overrides, annual locks, approvals). Existing files are never overwritten: running
``kaplan init`` again only adds what is missing.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from kaplan.core.errors import KaplanError
from kaplan.core.params import DEFAULT_FILE
from kaplan.core.schema import TABLES, Column, Table

log = logging.getLogger(__name__)


def _column_line(column: Column) -> str:
    rule = "required" if column.required else "may be blank"
    if column.codes:
        rule += "; one of " + ", ".join(column.codes)
    if column.min is not None:
        rule += f"; {'>' if column.exclusive_min else '>='} {column.min:g}"
    if column.max is not None:
        rule += f"; <= {column.max:g}"
    return f"| `{column.name}` | {column.kind} | {rule} |"


def _table_section(table: Table) -> str:
    lines = [f"## {table.name}", "", f"Key: {', '.join(table.key)}.", ""]
    lines += ["| column | kind | rule |", "|---|---|---|", *map(_column_line, table.columns), ""]
    return "\n".join(lines)


def data_readme() -> str:
    """The ``data/README.md`` of a deployment: every input table and its columns."""
    head = [
        "# Input tables",
        "",
        "Put one file per table here: `NAME.csv` (UTF-8), `NAME.xlsx` (first sheet, or a sheet named",
        "NAME) or `NAME.parquet`. Headers are the column names below; dates are YYYY-MM-DD; codes are",
        "the English codes listed. `kaplan check --data data` lists every problem at once.",
        "",
    ]
    return "\n".join(head + [_table_section(t) for t in TABLES.values()])


def init_deployment(folder: Path) -> list[Path]:
    """Create what is missing of a deployment in ``folder``; the paths created, in order."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise KaplanError(f"{folder} is a file: give a folder (new or existing) to kaplan init")
    wanted: list[tuple[Path, str | Path | None]] = [
        (folder / "params" / "default.yaml", DEFAULT_FILE),
        (folder / "data" / "README.md", data_readme()),
        (folder / "outputs", None),
    ]
    created = []
    for path, content in wanted:
        if path.exists():
            log.info("%s exists: kept as it is", path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir()
        elif isinstance(content, Path):
            shutil.copyfile(content, path)
        else:
            path.write_text(content, encoding="utf-8")
        created.append(path)
    return created
