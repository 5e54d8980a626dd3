"""Memory handed back between the steps of a run (kaplan.core.memory)."""

from __future__ import annotations

import ctypes.util
import gc

import pytest

from kaplan.core import memory


def test_the_c_library_is_looked_up_once_and_nothing_is_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[str] = []
    real = ctypes.util.find_library

    def counted(name: str) -> str | None:
        lookups.append(name)
        return real(name)

    monkeypatch.setattr(ctypes.util, "find_library", counted)
    monkeypatch.setattr(gc, "collect", lambda *a: pytest.fail("a full collection on every release"))
    memory._malloc_trim.cache_clear()
    try:
        for _ in range(3):
            memory.release_memory()
    finally:
        memory._malloc_trim.cache_clear()
    assert lookups == ["c"]
