"""Shared fixtures: a small synthetic data set generated once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

import kaplan
from kaplan.core.tables import Tables

# no per-example time limit: property tests assert values, never timings (a loaded machine is slow)
settings.register_profile("kaplan", deadline=None)
# `make mutate` runs each mutant against the tests that reach it: fewer examples, no example database
settings.register_profile("mutate", deadline=None, max_examples=25, database=None)
settings.load_profile(os.environ.get("KAPLAN_HYPOTHESIS_PROFILE", "kaplan"))


def pytest_configure(config: pytest.Config) -> None:
    """Keep the test run's caches (validated tables, demo data) out of the user's cache folder: one per
    process of the run (each worker of ``pytest -n``, see docs/testing.md), so no test sees another's entries."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    os.environ["KAPLAN_CACHE_DIR"] = tempfile.mkdtemp(prefix=f"kaplan-test-cache-{worker}-")


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``small`` sample data set (CSV), generated once; treat it as read-only."""
    from kaplan.sample.write import write_sample

    folder = tmp_path_factory.mktemp("small") / "data"
    write_sample(folder, scale="small", seed=7)
    return folder


@pytest.fixture(scope="session")
def small_tables(small_dir: Path) -> Tables:
    return kaplan.load(small_dir)


HOSTILE_NAME = '<img src=x onerror="window.__xss=1">'
HOSTILE_SCRIPT = "<script>window.__xss=1</script>"


@pytest.fixture(scope="session")
def hostile_dir(small_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small data set with HTML and formula injections in names and notes."""
    import shutil

    import pandas as pd

    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(small_dir, folder)
    customers = pd.read_csv(folder / "customers.csv", dtype=str, keep_default_na=False)
    customers.loc[customers.index[:3], "customer_name"] = [HOSTILE_NAME, HOSTILE_SCRIPT, "=HYPERLINK(\"x\",\"y\")"]
    customers.to_csv(folder / "customers.csv", index=False)
    org = pd.read_csv(folder / "org.csv", dtype=str, keep_default_na=False)
    org.loc[org.index[0], "dealer_name"] = HOSTILE_SCRIPT
    org.loc[org.index[1], "dealer_name"] = "=1+1"
    org.to_csv(folder / "org.csv", index=False)
    return folder


@pytest.fixture(scope="session")
def published(hostile_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real monthly run (papermill, export, publish) of the hostile small data set."""
    from kaplan.run.month import run_month

    out = tmp_path_factory.mktemp("outputs")
    return run_month("2026-06", "2026-06-20", data_dir=hostile_dir, out_dir=out, lang="zh")


# --- a real PostgreSQL server, started and stopped by the test session -------------------------

POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as the ``postgres`` system user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_url() -> object:
    """The URL of a PostgreSQL server of its own (unix socket in a temporary folder, a free port).

    Debian's ``postgresql`` package provides initdb and pg_ctl (CI installs it, see .ci/run); without
    them the tests that need a server are skipped, naming what is missing.
    """
    import pwd
    import shutil
    import socket
    import subprocess

    if not POSTGRES_BINARIES:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
                    "apt-get install postgresql (CI installs it)")
    bin_dir = POSTGRES_BINARIES[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="kaplan-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = folder / "data"
    run = lambda *args: subprocess.run(_as_server_user([str(bin_dir / args[0]), *args[1:]]),  # noqa: E731
                                       check=True, capture_output=True, text=True)  # fmt: skip
    run("initdb", "-D", str(data), "-A", "trust", "-U", "kaplan", "-E", "UTF8", "--no-locale")
    run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o",
        f"-p {port} -k {folder} -c listen_addresses=''", "start")  # fmt: skip
    try:
        yield f"postgresql://kaplan@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
