"""The ``kaplan`` command line: help for every option, clear refusals, ``--month auto`` on a fixed clock,
exit codes (docs/operations.md "Exit codes")."""

from __future__ import annotations

import argparse
import shutil
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from inputcases import CLEAN

from kaplan.core.months import as_of_date
from kaplan.run import kernels as kernels_module
from kaplan.run import month as month_module
from kaplan.run.cli import main, parser


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # no params/ of a checkout


def no_kernels(count: int, workdir: Path) -> nullcontext:
    """Instead of :class:`kaplan.run.kernels.ReadyKernels` where ``run_month`` is replaced: no kernel started."""
    return nullcontext()


def _subcommands(top: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_of_every_command_has_a_help_line() -> None:
    top = parser()
    commands = _subcommands(top)
    assert set(commands) == {"init", "sample", "check", "lock", "run", "verify", "approve", "adjust"}
    missing = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, command in [("kaplan", top), *commands.items()]
        for action in command._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction) and not (action.help or "").strip()
    ]
    assert missing == []


def test_out_naming_a_file_is_refused_with_exit_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "report.txt"
    out.write_text("not a folder", encoding="utf-8")
    assert main(["run", "--month", "2026-02", "--data", str(CLEAN), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kaplan run: --out {out} is a file, not a folder: give the folder to publish into")
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_out_below_a_file_is_refused_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "outputs"
    blocker.write_text("", encoding="utf-8")
    assert main(["run", "--month", "2026-02", "--data", str(CLEAN), "--out", str(blocker / "x")]) == 2
    assert f"--out {blocker} is a file, not a folder (in --out {blocker / 'x'})" in capsys.readouterr().err


def test_a_month_without_annual_targets_is_refused_with_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    assert main(["run", "--month", "2027-01", "--data", str(CLEAN), "--out", str(out)]) == 4
    err = capsys.readouterr().err
    assert "kaplan run: the data do not cover month 2027-01 (nothing was written):" in err
    assert "  - no annual targets for 2027 (the data have 2026): add the year's rows to annual_targets" in err
    assert not out.exists()


def test_month_auto_runs_the_months_of_the_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    ran: list[str] = []

    def fake_run(month: str, **_: object) -> Path:
        ran.append(month)
        version = tmp_path / month / "v1"
        (version / "management").mkdir(parents=True, exist_ok=True)
        return version

    monkeypatch.setattr(month_module, "run_month", fake_run)
    monkeypatch.setattr(kernels_module, "ReadyKernels", no_kernels)
    assert main(["run", "--month", "auto", "--data", str(CLEAN)], today=lambda: date(2026, 7, 2)) == 0
    assert ran == ["2026-06", "2026-07"]
    ran.clear()
    assert main(["run", "--month", "auto", "--data", str(CLEAN)], today=lambda: date(2026, 7, 3)) == 0
    assert ran == ["2026-07"]
    assert capsys.readouterr().out.count("published") == 3


def test_month_auto_reads_the_closing_days_from_the_parameters(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "default.yaml").write_text("kpi:\n  compile_deadline_day: 5\n", encoding="utf-8")
    ran: list[str] = []
    monkeypatch.setattr(month_module, "run_month", lambda month, **_: ran.append(month) or tmp_path)
    monkeypatch.setattr(kernels_module, "ReadyKernels", no_kernels)
    assert main(["run", "--month", "auto"], today=lambda: date(2026, 7, 5)) == 0
    assert ran == ["2026-06", "2026-07"]


def test_a_month_that_is_neither_yyyy_mm_nor_auto_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", "--month", "today"])
    assert caught.value.code == 2
    assert "expected a month as YYYY-MM, found 'today'" in capsys.readouterr().err


def test_annual_targets_that_differ_from_the_lock_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "data"
    shutil.copytree(CLEAN, data)
    assert main(["lock", "--year", "2026", "--data", str(data)]) == 0
    targets = data / "annual_targets.csv"
    text = targets.read_text(encoding="utf-8")
    targets.write_text(text.replace("command,40", "command,45"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--data", str(data)]) == 3
    assert "D1 command: 40 -> 45 (changed)" in capsys.readouterr().err


@pytest.mark.parametrize(("month", "as_of"), [("2026-02", "2026-03-01"), ("2026-02", "2026-01-31"),
                                              ("2026-01", "2025-12-31"), ("2026-12", "2027-01-01")])  # fmt: skip
def test_an_as_of_outside_the_month_by_one_day_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture, month: str, as_of: str
) -> None:
    out = tmp_path / "out"
    assert main(["run", "--month", month, "--as-of", as_of, "--data", str(CLEAN), "--out", str(out)]) == 2
    assert f"as-of date {as_of} is not in month {month}: give a date of {month}" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("month", "first", "last"), [("2026-01", "2026-01-01", "2026-01-31"),
                                                      ("2026-02", "2026-02-01", "2026-02-28"),
                                                      ("2028-02", "2028-02-01", "2028-02-29"),
                                                      ("2026-12", "2026-12-01", "2026-12-31")])  # fmt: skip
def test_the_first_and_the_last_day_of_a_month_are_its_as_of_dates(month: str, first: str, last: str) -> None:
    sales = pd.Series(pd.to_datetime(["2026-01-15"]))
    assert as_of_date(sales, month, first) == pd.Timestamp(first)
    assert as_of_date(sales, month, last) == pd.Timestamp(last)
    assert as_of_date(sales, month, f"{last} 23:59:59") == pd.Timestamp(last)  # a time of the day counts as its day


def test_the_default_as_of_at_the_turn_of_the_year() -> None:
    """The last date with sales in the month; a month without sales: its last day when sales follow it, else
    its first day (docs/method.md §2.3)."""
    sales = pd.Series(pd.to_datetime(["2026-12-01", "2026-12-31 18:30", "2027-01-01"], format="ISO8601"))
    assert as_of_date(sales, "2026-12") == pd.Timestamp("2026-12-31")
    assert as_of_date(sales, "2027-01") == pd.Timestamp("2027-01-01")
    assert as_of_date(sales[:2], "2027-01") == pd.Timestamp("2027-01-01")  # just begun: its first day
    assert as_of_date(sales[2:], "2026-11") == pd.Timestamp("2026-11-30")  # over: its last day
