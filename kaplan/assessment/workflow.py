"""The monthly assessment's approval workflow (docs/method.md §2.5; the seed: 下月月初1日2日前汇总，
大客户管理部门总监审核、大客户分管领导批准上报).

Each month moves through three steps, in order::

    compiled  (汇总, by the key-account department)  ->  reviewed (审核, by the director)
              ->  approved (批准, by the leader)

Every step is recorded with who and when in ``<params folder>/approvals/YYYY-MM.json``::

    {"month": "2026-06", "events": [{"stage": "compiled", "by": "...", "at": "ISO time", "note": ""}, ...]}

Rules (anything else is refused with a :class:`~kaplan.core.errors.KaplanError` and changes nothing):

- ``compiled`` may be recorded at any time before approval; compiling again after a review
  starts a new cycle (the new numbers need a new review), noted on the event;
- ``reviewed`` only directly after ``compiled``; ``approved`` only directly after ``reviewed``;
- nothing is recorded after ``approved``.

Compilation is due by day ``params.kpi.compile_deadline_day`` (default 2) of the next month, by
the calendar date where it is recorded (times are stored in local time with their UTC offset); a
later one is recorded with a note saying how many days late it was.

The file is rewritten atomically (a temporary file in the same folder, fsynced, then
``os.replace``) under an exclusive lock, so two people recording at once never lose an event.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from kaplan.core.errors import KaplanError
from kaplan.core.files import write_atomically
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import params_folder

log = logging.getLogger(__name__)

STEPS = ("compiled", "reviewed", "approved")
STATE_COLUMNS = ("state", "status", "recorded_by", "recorded_at", "note")


@dataclass(frozen=True)
class Event:
    stage: str
    by: str
    at: str  # ISO 8601 time with offset
    note: str = ""


@dataclass(frozen=True)
class Approvals:
    month: str
    events: tuple[Event, ...] = ()

    @property
    def state(self) -> str | None:
        """The last step recorded, ``None`` when nothing was."""
        return self.events[-1].stage if self.events else None

    def current_cycle(self) -> tuple[Event, ...]:
        """The events since the last ``compiled`` (all of them when never compiled)."""
        starts = [i for i, e in enumerate(self.events) if e.stage == "compiled"]
        return self.events[starts[-1] :] if starts else self.events


def approvals_dir(params_file: str | Path | None = None) -> Path:
    """``approvals/`` beside the params file (default ``params/approvals``)."""
    return params_folder(params_file) / "approvals"


def approvals_file(month: str, directory: Path) -> Path:
    return Path(directory) / f"{month}.json"


def check_month(month: MonthLike) -> str:
    """``month`` as ``YYYY-MM`` text; :class:`~kaplan.core.months.MonthError` (a KaplanError) when it is no month."""
    return str(Month.of(month))


def load_approvals(month: str, directory: Path | None = None) -> Approvals:
    """The recorded steps of ``month`` (none when the file does not exist yet)."""
    path = approvals_file(check_month(month), directory or approvals_dir())
    if not path.exists():
        return Approvals(month)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        events = tuple(Event(**e) for e in data["events"])
    except (ValueError, KeyError, TypeError) as exc:
        raise KaplanError(
            f"{path} is not a readable approvals file ({exc}): restore it from a backup or fix its JSON"
        ) from None
    return Approvals(month, events)


def compile_deadline(month: str, day: int = 2) -> date:
    """Day ``day`` of the month after ``month``: when the assessment must be compiled."""
    following = Month.of(month).next
    return date(following.year, following.number, day)


def late_note(month: str, at: datetime, day: int) -> str:
    """``compiled N days late (due YYYY-MM-DD)`` when ``at`` is after the deadline, else blank."""
    deadline = compile_deadline(month, day)
    late = (at.date() - deadline).days
    return f"compiled {late} day{'s' if late != 1 else ''} late (due {deadline.isoformat()})" if late > 0 else ""


def next_event(approvals: Approvals, stage: str, by: str, at: datetime, deadline_day: int = 2) -> Event:
    """The event recording ``stage``, or a :class:`KaplanError` saying why it is not allowed now."""
    month, state = approvals.month, approvals.state
    if stage not in STEPS:
        raise KaplanError(f"unknown step {stage!r}: use one of {', '.join(STEPS)}")
    if not by or not by.strip():
        raise KaplanError("say who records the step: give --by NAME")
    if state == "approved":
        last = approvals.events[-1]
        raise KaplanError(f"{month} was already approved by {last.by} at {last.at}: nothing can change after approval")
    required = {"reviewed": "compiled", "approved": "reviewed"}.get(stage)
    if required and state != required:
        found = state or "nothing recorded yet"
        following = STEPS[STEPS.index(state) + 1] if state else STEPS[0]
        raise KaplanError(
            f"cannot record {stage} for {month}: it must be {required} first (state: {found}); "
            f"next step: kaplan approve --month {month} --stage {following} --by NAME"
        )
    notes = []
    if stage == "compiled":
        notes.append(late_note(month, at, deadline_day))
        if state == "reviewed":
            notes.append("compiled again after the review: needs a new review")
    return Event(stage, by.strip(), at.isoformat(timespec="seconds"), "; ".join(n for n in notes if n))


@contextlib.contextmanager
def locked(directory: Path, month: str) -> Iterator[None]:
    """An exclusive lock on the month's approvals (released on exit)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f".{month}.lock", "a") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - platforms without fcntl: no cross-process lock
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def record(month: str, stage: str, by: str, directory: Path | None = None, at: datetime | None = None,
           deadline_day: int = 2) -> Approvals:  # fmt: skip
    """Record ``stage`` of ``month`` by ``by`` (at ``at``, default now in local time); the new state."""
    directory = Path(directory) if directory else approvals_dir()
    when = at or datetime.now().astimezone()
    with locked(directory, check_month(month)):
        current = load_approvals(month, directory)
        event = next_event(current, stage, by, when, deadline_day)
        updated = Approvals(month, (*current.events, event))
        payload = {"month": month, "events": [asdict(e) for e in updated.events]}
        write_atomically(approvals_file(month, directory), json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    log.info("%s: %s by %s%s", month, stage, event.by, f" ({event.note})" if event.note else "")
    return updated


def state_frame(approvals: Approvals) -> pd.DataFrame:
    """One row per step of the current cycle: state (the step), status (done/pending), by, at, note."""
    latest = {e.stage: e for e in approvals.current_cycle()}
    rows = []
    for step in STEPS:
        event = latest.get(step)
        rows.append(
            {
                "state": step,
                "status": "done" if event else "pending",
                "recorded_by": event.by if event else "",
                "recorded_at": event.at if event else "",
                "note": event.note if event else "",
            }
        )
    return pd.DataFrame(rows, columns=list(STATE_COLUMNS)).astype("str")
