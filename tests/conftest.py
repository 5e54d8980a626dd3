"""Shared fixtures: a small synthetic data set generated once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import kaplan
from kaplan.core.tables import Tables


def pytest_configure(config: pytest.Config) -> None:
    """Keep the test run's caches (validated tables, demo data) out of the user's cache folder."""
    os.environ.setdefault("KAPLAN_CACHE_DIR", tempfile.mkdtemp(prefix="kaplan-test-cache-"))


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
