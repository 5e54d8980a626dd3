"""The demo month published from a PostgreSQL database gives the numbers published from files.

sample -> database -> ``kaplan run --data postgresql://…`` -> every workbook value equal to the
golden copy of the demo month (``tests/fixtures/golden/demo-2026-06.json``, published from the CSV
files). The server is the session's own (tests/conftest.py ``postgres_url``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from golden import month_values

from kaplan.inputs.database import redacted
from kaplan.run.cli import main
from kaplan.sample.write import DEMO, sample_tables, write_database

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "demo-2026-06.json"


@pytest.mark.slow
def test_demo_month_from_postgresql_publishes_the_golden_numbers(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no params/ of a checkout: the packaged defaults, as the golden run
    write_database(postgres_url, sample_tables(DEMO["scale"], DEMO["seed"], DEMO["until"]))
    assert main(["run", "--month", "2026-06", "--data", postgres_url, "--out", str(tmp_path / "out")]) == 0
    version = tmp_path / "out" / "2026-06" / "v1"
    assert f"published {version}" in capsys.readouterr().out
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert month_values(version) == golden
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_dir"] == redacted(postgres_url)
    assert len(manifest["inputs"]) == 10
