"""A run killed at any moment leaves no partial version and nothing that trips the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaplan.run.publish import verify_version, versions

pytestmark = pytest.mark.slow


def _start(data: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "kaplan", "run", "--month", "2026-06", "--as-of", "2026-06-20",
               "--data", str(data), "--out", str(out)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _kill_after(process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


@pytest.mark.parametrize("seconds", [0.5, 4.0, 9.0, 14.0])
def test_killed_run_leaves_only_whole_versions_and_the_next_run_publishes(
    small_dir: Path, tmp_path: Path, seconds: float
) -> None:
    out = tmp_path / "out"
    _kill_after(_start(small_dir, out), seconds)
    month = out / "2026-06"
    for number in versions(month):
        verify_version(month / f"v{number}")  # whatever was published is whole
    done = _start(small_dir, out)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()
    published = versions(month)
    assert published and published[-1] == len(published)
    verify_version(month / f"v{published[-1]}")
    assert [p.name for p in month.iterdir() if p.name.startswith(".staging")] == []
