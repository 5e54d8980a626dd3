"""``kaplan check``: a summary when clean; exit 2 naming table, row and column otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from inputcases import clean_copy, edit

from kaplan.core.errors import InputError, ParamsError
from kaplan.inputs.check import CheckError, check_folder
from kaplan.run.cli import main

NEGATIVE_UNITS = "sales, row 3, units: expected a whole number > 0, found '-12'"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))


def _bad_params(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("split_weights:\n  trailing3: -1\nstale_dayz: 3\n", encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_clean_folder_gives_a_summary(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,１２")
    report = check_folder(folder, None)
    lines = report.splitlines()
    assert lines[0] == f"{folder}: 10 table files, no problems"
    assert "  sales                     3 rows" in lines
    assert "1 warning(s) (clean-ups applied, nothing to fix):" in lines
    assert "  - sales, units: 1 cell(s) in full-width characters converted to ASCII (row 3)" in lines
    assert lines[-1].startswith("parameters ") and lines[-1].endswith(": no problems")


def test_data_problems_raise_input_error(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,-12")
    with pytest.raises(InputError) as caught:
        check_folder(folder, None)
    assert f"  - {NEGATIVE_UNITS}" in str(caught.value).splitlines()


def test_params_problems_raise_params_error(tmp_path: Path) -> None:
    with pytest.raises(ParamsError) as caught:
        check_folder(clean_copy(tmp_path), str(_bad_params(tmp_path)))
    assert "split_weights.trailing3" in str(caught.value)


def test_data_and_params_problems_are_reported_together(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,-12")
    with pytest.raises(CheckError) as caught:
        check_folder(folder, str(_bad_params(tmp_path)))
    message = str(caught.value)
    assert f"  - {NEGATIVE_UNITS}" in message.splitlines()
    assert "split_weights.trailing3" in message
    assert "stale_dayz: unknown parameter" in message


def test_cli_exit_2_names_table_row_and_column_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = clean_copy(tmp_path)
    edit(folder, "sales", "C2,12", "C2,-12")
    before = _snapshot(folder)
    assert main(["check", "--data", str(folder)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"  - {NEGATIVE_UNITS}" in captured.err.splitlines()
    assert "Traceback" not in captured.err
    assert _snapshot(folder) == before
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.parquet"))


def test_cli_clean_folder_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data", str(clean_copy(tmp_path))]) == 0
    assert "10 table files, no problems" in capsys.readouterr().out


def test_cli_missing_folder_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_cli_as_a_process_on_an_xlsx_bomb(tmp_path: Path) -> None:
    import openpyxl
    from inputcases import to_xlsx

    folder = clean_copy(tmp_path)
    path = to_xlsx(folder, "org")
    book = openpyxl.load_workbook(path)
    book["org"]["XFD1048576"] = "x"
    book.save(path)
    edit(folder, "sales", "C2,12", "C2,-12")
    env = {**os.environ, "KAPLAN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "kaplan", "check", "--data", str(folder)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"  - {NEGATIVE_UNITS}" in done.stderr.splitlines()
    assert "  - org: the sheet declares cells up to XFD1048576" in done.stderr
