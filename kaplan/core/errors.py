"""One exception family. Every message says what is wrong and how to fix it.

The CLI turns any :class:`KaplanError` into its message on stderr and exit code 2;
anything else is a bug and is allowed to show a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class KaplanError(Exception):
    """Base of every error the workbook raises on purpose (bad input, bad params, ...)."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one cell of an input table.

    ``row`` is the row a spreadsheet shows (the header is row 1); ``None`` when the problem is
    about the whole table or a whole column. A table read from a database names the row by its key
    (``key order_id 'O1'``), shown instead of the row number (which then only orders the problems).
    """

    table: str
    row: int | None
    column: str | None
    message: str
    sheet: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts = [self.table]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.key is not None:
            parts.append(self.key)
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        return f"{', '.join(parts)}: {self.message}"


def _listing(header: str, lines: Iterable[object], limit: int = 200) -> str:
    items = [str(line) for line in lines]
    shown = items[:limit]
    more = len(items) - len(shown)
    tail = [f"... and {more} more"] if more > 0 else []
    return "\n".join([header, *(f"  - {line}" for line in shown), *tail])


class InputError(KaplanError):
    """The input tables have problems; all of them are listed together."""

    def __init__(
        self, problems: Iterable[Problem], warnings: Iterable[Problem] = (), message: str | None = None
    ) -> None:
        """``problems`` are sorted and de-duplicated here, unless ``message`` is given: then the
        caller passes them ready (sorted, unique) with the message it built for them."""
        self.problems = list(problems) if message is not None else sorted(set(problems), key=problem_key)
        self.warnings = list(warnings)
        if message is None:
            count = len(self.problems)
            header = (
                f"{count} problem{'s' if count != 1 else ''} in the input data "
                "(fix them in the named file and run again):"
            )
            message = _listing(header, self.problems)
        super().__init__(message)


def problem_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.table, problem.row or 0, problem.column or "", problem.message)


class ParamsError(KaplanError):
    """The parameters file has problems; all of them are listed together."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        header = f"{len(self.problems)} problem(s) in parameters {source} (edit the file and run again):"
        super().__init__(_listing(header, self.problems))


class LockError(KaplanError):
    """A lock cannot be made or read, or the annual targets differ from the locked annual plan."""


class LockChangedError(LockError):
    """The annual targets differ from the locked annual plan: exit code 3 (docs/operations.md "Exit codes")."""

    exit_code = 3


class PublishError(KaplanError):
    """A monthly run could not be published (nothing was published)."""


class AllocationError(KaplanError, ValueError):
    """Weights that cannot be apportioned (negative, NaN, or all zero with a positive total)."""
