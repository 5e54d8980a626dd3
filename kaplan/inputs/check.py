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
from kaplan.core.params import load_params, locks_dir, params_file_in_use
from kaplan.core.tables import Tables
from kaplan.inputs.loader import load_tables
from kaplan.inputs.lock import lock_targets


class CheckError(KaplanError):
    """Both the data and the parameters have problems; the message lists both."""

    def __init__(self, data: InputError, params: ParamsError) -> None:
        self.data = data
        self.params = params
        super().__init__(f"{data}\n\n{params}")


def check_folder(data_dir: Path, params_file: str | None) -> str:
    """The summary of a clean folder and params; raises with every problem otherwise.

    Annual targets of a locked year are checked against the lock beside the params file
    (``<params folder>/locks``), as ``kaplan run`` does.
    """
    data_error: InputError | None = None
    params_error: ParamsError | None = None
    try:
        load_params(params_file)
    except ParamsError as exc:
        params_error = exc
    try:
        locks = locks_dir(params_file)
        tables = load_tables(Path(data_dir), locks=locks if locks.exists() else None)
    except InputError as exc:
        data_error = exc
    if data_error and params_error:
        raise CheckError(data_error, params_error)
    if data_error:
        raise data_error
    if params_error:
        raise params_error
    return summary(Path(data_dir), tables, str(params_file_in_use(params_file)))


def summary(data_dir: Path, tables: Tables, params_file: str) -> str:
    """What was checked: every table with its row count, the warnings, the params file."""
    width = max(len(name) for name, _ in tables)
    lines = [f"{data_dir}: {len(tables.hashes)} table files, no problems"]
    lines += [f"  {name:<{width}}  {len(frame):>10,} rows" for name, frame in tables]
    if tables.warnings:
        lines.append(f"{len(tables.warnings)} warning(s) (clean-ups applied, nothing to fix):")
        lines += [f"  - {warning}" for warning in tables.warnings]
    lines.append(f"parameters {params_file}: no problems")
    return "\n".join(lines)


def lock_year(year: int, data_dir: Path, locks: Path | None = None) -> Path:
    """``kaplan lock``: load and validate ``data_dir``, then lock its annual targets of ``year`` into
    ``locks`` (default: ``locks/`` of the deployment's params folder)."""
    tables = load_tables(Path(data_dir))
    return lock_targets(tables.annual_targets, year, Path(locks) if locks else locks_dir(), source=str(data_dir))
