"""Fixtures of the run's tests: stand-in report notebooks (tests/run/stub_notebooks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from stub_notebooks import write_stub_notebook


@pytest.fixture(scope="session")
def headline_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook folder whose one notebook records the month's headline."""
    return write_stub_notebook(tmp_path_factory.mktemp("notebooks"), headline=True)


@pytest.fixture(scope="session")
def stub_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook folder whose one notebook only takes the parameters (and can be held, to be killed)."""
    return write_stub_notebook(tmp_path_factory.mktemp("notebooks"), headline=False)
