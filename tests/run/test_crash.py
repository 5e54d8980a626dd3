"""A run killed (SIGKILL) while its notebooks run leaves no version and nothing that trips the next run.

The kill at each step of the publish itself is in test_atomic_writes.py (in process, a forked child
killed at the step); this is the one real kill of a whole ``kaplan run``, kernels included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stub_notebooks import HOLD, STARTED

from kaplan.run.publish import verify_version, versions

pytestmark = pytest.mark.slow

RUN = "from kaplan.run.month import run_month; import sys; run_month('2026-06', '2026-06-20', sys.argv[1], " \
      "out_dir=sys.argv[2], notebook_dir=sys.argv[3])"  # fmt: skip


def _start(data: Path, out: Path, notebooks: Path, hold: bool) -> subprocess.Popen:
    env = {**os.environ, HOLD: "1"} if hold else {k: v for k, v in os.environ.items() if k != HOLD}
    return subprocess.Popen([sys.executable, "-c", RUN, str(data), str(out), str(notebooks)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


def test_a_run_killed_while_its_notebook_runs_publishes_nothing_and_the_next_run_publishes_v1(
    small_dir: Path, stub_notebooks: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    month = out / "2026-06"
    killed = _start(small_dir, out, stub_notebooks, hold=True)
    deadline = time.monotonic() + 300
    while not list(month.glob(f".staging-*/{STARTED}")):
        assert killed.poll() is None, killed.stderr.read().decode()
        assert time.monotonic() < deadline, "the notebook never started"
        time.sleep(0.1)
    os.killpg(killed.pid, signal.SIGKILL)  # the run and its kernel
    killed.wait(timeout=60)
    staged = [p.name for p in month.iterdir()]
    assert versions(month) == [] and len(staged) == 1 and staged[0].startswith(".staging-")
    assert not (out / "index.html").exists()
    done = _start(small_dir, out, stub_notebooks, hold=False)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()
    assert [p.name for p in month.iterdir()] == ["v1"]  # the killed run's staging folder is gone
    verify_version(month / "v1")
    index = (out / "management" / "index.html").read_text(encoding="utf-8")
    assert 'href="../2026-06/v1/management/index.html"' in index
