"""Crash injection for the writes that promise atomicity (docs: "a version is all there or not there").

A write is a sequence of file-system steps: a ``write`` to a file opened for writing, an ``fsync``,
a ``rename`` / ``replace`` / ``link``, a file copy. :func:`steps` counts them for an action;
:func:`raised_at` fails the k-th step with an ``OSError`` (the code's own clean-up runs, as after a
full disk); :func:`killed_at` runs the action in a forked child that ends with ``os._exit`` at the
k-th step (no clean-up, no ``finally``: a SIGKILL or a power cut at that moment). A failing write
step first writes half of its data, as a crash in the middle of a write would.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

KILLED = 137

_real_open = builtins.open
_real = {"fsync": os.fsync, "rename": os.rename, "replace": os.replace, "link": os.link}
_real_copyfile = shutil.copyfile


class InjectedCrash(OSError):
    """The failure injected at a step (an OSError: the code handles it like a real I/O error)."""

    def __init__(self, step: int, name: str) -> None:
        super().__init__(errno.EIO, f"injected crash at step {step} ({name})")


class _Counter:
    def __init__(self, fail_at: int | None, kill: bool) -> None:
        self.fail_at, self.kill, self.names = fail_at, kill, []

    def step(self, name: str, half: Callable[[], None] | None = None) -> None:
        self.names.append(name)
        if len(self.names) != self.fail_at:
            return
        if half is not None:
            half()
        if self.kill:
            os._exit(KILLED)
        raise InjectedCrash(len(self.names), name)


class _Writer:
    """A file opened for writing whose every ``write`` is a step."""

    def __init__(self, handle: Any, counter: _Counter) -> None:
        self._handle, self._counter = handle, counter

    def write(self, data: Any) -> int:
        def half() -> None:
            self._handle.write(data[: len(data) // 2])
            self._handle.flush()

        self._counter.step("write", half)
        return self._handle.write(data)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._handle)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextlib.contextmanager
def _injected(counter: _Counter) -> Iterator[None]:
    def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = _real_open(file, mode, *args, **kwargs)
        return _Writer(handle, counter) if any(c in mode for c in "wax+") else handle

    def wrapped(name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counter.step(name)
            return _real[name](*args, **kwargs)

        return call

    def copyfile(*args: Any, **kwargs: Any) -> Any:
        counter.step("copyfile")
        return _real_copyfile(*args, **kwargs)

    saved = builtins.open, io.open, shutil.copyfile, *(getattr(os, n) for n in _real)
    builtins.open = io.open = opener
    shutil.copyfile = copyfile
    for name in _real:
        setattr(os, name, wrapped(name))
    try:
        yield
    finally:
        builtins.open, io.open, shutil.copyfile = saved[:3]
        for name, original in zip(_real, saved[3:], strict=True):
            setattr(os, name, original)


def steps(action: Callable[[], object]) -> list[str]:
    """The names of the file-system steps ``action`` takes (it runs once, nothing fails)."""
    counter = _Counter(None, kill=False)
    with _injected(counter):
        action()
    return counter.names


def raised_at(step: int, action: Callable[[], object]) -> Exception | None:
    """Run ``action`` with step ``step`` failing; the exception it let out (None when it logged it)."""
    counter = _Counter(step, kill=False)
    try:
        with _injected(counter):
            action()
    except Exception as exc:  # the injected crash, or the project's own error raised from it
        return exc
    finally:
        assert len(counter.names) >= step, f"the action took only {len(counter.names)} steps"
    return None


def killed_at(step: int, action: Callable[[], object]) -> int:
    """Run ``action`` in a forked child killed at step ``step``; the child's exit code (``KILLED``)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            with _injected(_Counter(step, kill=True)):
                action()
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
