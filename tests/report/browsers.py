"""Debian's ``chromium`` for the browser tests: `.ci/run` installs it; elsewhere a test module that needs it
is skipped when it is missing (but never under CI)."""

from __future__ import annotations

import os
import shutil

import pytest


def chromium() -> str:
    """The chromium executable; skips the calling test module when there is none (an error under CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-headless-shell")
    if not found and os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser tests: apt-get install chromium")
    if not found:
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
    return found
