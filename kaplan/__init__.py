"""kaplan: key-account sales planning workbook for vehicle makers.

Public API: :func:`load` (read and validate an input folder), :mod:`kaplan.plan.composite`
(``apportion``, ``composite_shares``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kaplan.core.tables import Tables


def load(path: str | Path, locks: str | Path | None = None) -> Tables:
    """Read and validate the input folder ``path`` (docs/data.md) and return its tables.

    ``path`` may also be a database URL (``postgresql://…``, ``sqlite:///…``; docs/data.md
    "Databases"), read with the contract's table and column names.

    Every problem is gathered in one pass and raised together as :class:`kaplan.core.errors.InputError`.
    With ``locks`` (a folder of annual locks, ``params/locks``), annual targets of a locked year
    must equal the lock, or :class:`kaplan.core.errors.LockError` names what changed.
    """
    # imported here, not at the top: every kaplan module imports this package (for __version__),
    # so a top-level import of the loader would be a cycle
    from kaplan.inputs.loader import load_tables

    return load_tables(path if isinstance(path, str) else Path(path), locks=Path(locks) if locks else None)


__all__ = ["__version__", "load"]
