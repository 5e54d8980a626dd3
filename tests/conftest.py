"""Shared fixtures: a small synthetic data set generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import kaplan
from kaplan.tables import Tables


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``small`` sample data set (CSV), generated once; treat it as read-only."""
    from kaplan.sample import write_sample

    folder = tmp_path_factory.mktemp("small") / "data"
    write_sample(folder, scale="small", seed=7)
    return folder


@pytest.fixture(scope="session")
def small_tables(small_dir: Path) -> Tables:
    return kaplan.load(small_dir)
