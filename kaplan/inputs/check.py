"""``kaplan check`` and ``kaplan lock``: the commands that read an input folder (docs/operations.md).

``kaplan check`` validates an input folder and the parameters and lists every problem.

Clean input gives a printable summary (each table, its file and row count, then the clean-ups
applied as warnings). Otherwise the problems are raised: data problems as
:class:`~kaplan.core.errors.InputError`, parameter problems as :class:`~kaplan.core.errors.ParamsError`,
and both together as one :class:`CheckError` whose message holds both lists. Nothing is written
when there is a problem.
"""

from __future__ import annotations

from pathlib import Path

from kaplan.core.errors import InputError, KaplanError, ParamsError
from kaplan.core.params import Database, load_params, locks_dir, params_file_in_use
from kaplan.core.tables import Tables
from kaplan.inputs.database import is_database_url, redacted
from kaplan.inputs.loader import load_tables
from kaplan.inputs.lock import lock_targets


class CheckError(KaplanError):
    """Both the data and the parameters have problems; the message lists both."""

    def __init__(self, data: InputError, params: ParamsError) -> None:
        self.data = data
        self.params = params
        super().__init__(f"{data}\n\n{params}")


def check_folder(data_dir: Path | str, params_file: str | None) -> str:
    """The summary of a clean folder (or database URL) and params; raises with every problem otherwise.

    Annual targets of a locked year are checked against the lock beside the params file
    (``<params folder>/locks``), as ``kaplan run`` does. A database is read with the parameters'
    ``database`` section (the defaults when the parameters themselves have problems).
    """
    data_error: InputError | None = None
    params_error: ParamsError | None = None
    database = Database()
    try:
        database = load_params(params_file).database
    except ParamsError as exc:
        params_error = exc
    source = str(data_dir) if is_database_url(str(data_dir)) else Path(data_dir)
    try:
        locks = locks_dir(params_file)
        tables = load_tables(source, locks=locks if locks.exists() else None, database=database)
    except InputError as exc:
        data_error = exc
    if data_error and params_error:
        raise CheckError(data_error, params_error)
    if data_error:
        raise data_error
    if params_error:
        raise params_error
    return summary(source, tables, str(params_file_in_use(params_file)))


def summary(data_dir: Path | str, tables: Tables, params_file: str) -> str:
    """What was checked: every table with its row count, the warnings, the params file."""
    width = max(len(name) for name, _ in tables)
    what = f"{redacted(data_dir)}: {len(tables.hashes)} tables" if isinstance(data_dir, str) else (
        f"{data_dir}: {len(tables.hashes)} table files")  # fmt: skip
    lines = [f"{what}, no problems"]
    lines += [f"  {name:<{width}}  {len(frame):>10,} rows" for name, frame in tables]
    if tables.warnings:
        lines.append(f"{len(tables.warnings)} warning(s) (clean-ups applied, nothing to fix):")
        lines += [f"  - {warning}" for warning in tables.warnings]
    lines.append(f"parameters {params_file}: no problems")
    return "\n".join(lines)


def lock_year(year: int, data_dir: Path | str, locks: Path | None = None) -> Path:
    """``kaplan lock``: load and validate ``data_dir`` (a folder or a database URL), then lock its annual
    targets of ``year`` into ``locks`` (default: ``locks/`` of the deployment's params folder)."""
    if is_database_url(str(data_dir)):
        tables = load_tables(str(data_dir), database=load_params().database)
        source = redacted(str(data_dir))
    else:
        tables = load_tables(Path(data_dir))
        source = str(data_dir)
    return lock_targets(tables.annual_targets, year, Path(locks) if locks else locks_dir(), source=source)
