"""Approval workflow: order of steps, refusals, late compilation, the file, the CLI."""

from __future__ import annotations

import contextlib
import itertools
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.assessment.workflow import (
    STATE_COLUMNS,
    STEPS,
    approvals_dir,
    check_month,
    compile_deadline,
    load_approvals,
    record,
    state_frame,
)
from kaplan.core.errors import KaplanError
from kaplan.core.months import Month
from kaplan.run import cli

MONTH = "2026-06"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+00:00")


def test_full_cycle_is_recorded_with_who_and_when(tmp_path: Path) -> None:
    record(MONTH, "compiled", "王汇总", tmp_path, at("2026-07-01"))
    record(MONTH, "reviewed", "李总监", tmp_path, at("2026-07-02"))
    state = record(MONTH, "approved", "张领导", tmp_path, at("2026-07-03"))
    assert state.state == "approved"
    data = json.loads((tmp_path / "2026-06.json").read_text(encoding="utf-8"))
    assert [(e["stage"], e["by"], e["at"]) for e in data["events"]] == [
        ("compiled", "王汇总", "2026-07-01T09:00:00+00:00"),
        ("reviewed", "李总监", "2026-07-02T09:00:00+00:00"),
        ("approved", "张领导", "2026-07-03T09:00:00+00:00"),
    ]
    frame = state_frame(load_approvals(MONTH, tmp_path))
    assert tuple(frame.columns) == STATE_COLUMNS
    assert frame["status"].tolist() == ["done", "done", "done"]
    assert frame["recorded_by"].tolist() == ["王汇总", "李总监", "张领导"]


def test_approving_an_unreviewed_month_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    record(MONTH, "compiled", "王汇总", tmp_path, at("2026-07-01"))
    before = (tmp_path / "2026-06.json").read_bytes()
    with pytest.raises(KaplanError, match="must be reviewed first"):
        record(MONTH, "approved", "张领导", tmp_path, at("2026-07-02"))
    assert (tmp_path / "2026-06.json").read_bytes() == before


def test_nothing_recorded_yet_cannot_be_reviewed_or_approved(tmp_path: Path) -> None:
    for stage in ("reviewed", "approved"):
        with pytest.raises(KaplanError, match="nothing recorded yet"):
            record(MONTH, stage, "someone", tmp_path, at("2026-07-01"))
    assert not (tmp_path / "2026-06.json").exists()
    assert state_frame(load_approvals(MONTH, tmp_path))["status"].tolist() == ["pending"] * 3


def test_nothing_changes_after_approval(tmp_path: Path) -> None:
    for stage in ("compiled", "reviewed", "approved"):
        record(MONTH, stage, "x", tmp_path, at("2026-07-01"))
    for stage in ("compiled", "reviewed", "approved"):
        with pytest.raises(KaplanError, match="already approved"):
            record(MONTH, stage, "y", tmp_path, at("2026-07-02"))


def test_blank_name_and_unknown_step_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KaplanError, match="--by"):
        record(MONTH, "compiled", "  ", tmp_path)
    with pytest.raises(KaplanError, match="unknown step"):
        record(MONTH, "signed", "x", tmp_path)


def test_compilation_deadline_is_the_2nd_of_next_month_and_late_is_noted(tmp_path: Path) -> None:
    assert compile_deadline("2026-06") == date(2026, 7, 2)
    assert compile_deadline("2026-12") == date(2027, 1, 2)
    on_time = record(MONTH, "compiled", "a", tmp_path / "a", at("2026-07-02"))
    assert on_time.events[-1].note == ""
    late = record(MONTH, "compiled", "a", tmp_path / "b", at("2026-07-05"))
    assert late.events[-1].note == "compiled 3 days late (due 2026-07-02)"
    one = record(MONTH, "compiled", "a", tmp_path / "c", at("2026-07-03"), deadline_day=2)
    assert one.events[-1].note == "compiled 1 day late (due 2026-07-02)"


def test_recompiling_after_review_needs_a_new_review(tmp_path: Path) -> None:
    record(MONTH, "compiled", "a", tmp_path, at("2026-07-01"))
    record(MONTH, "reviewed", "b", tmp_path, at("2026-07-01"))
    state = record(MONTH, "compiled", "a", tmp_path, at("2026-07-02"))
    assert "new review" in state.events[-1].note
    assert state_frame(state)["status"].tolist() == ["done", "pending", "pending"]
    with pytest.raises(KaplanError, match="must be reviewed first"):
        record(MONTH, "approved", "c", tmp_path, at("2026-07-02"))


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "2026-06.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(KaplanError, match="not a readable approvals file"):
        load_approvals(MONTH, tmp_path)


def test_concurrent_records_lose_no_event(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: record(MONTH, "compiled", f"p{i}", tmp_path, at("2026-07-01")), range(16)))
    assert len(load_approvals(MONTH, tmp_path).events) == 16
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_default_folder_is_beside_the_params(tmp_path: Path) -> None:
    assert approvals_dir(tmp_path / "mine.yaml") == tmp_path / "approvals"
    assert approvals_dir().name == "approvals" and approvals_dir().parent.name == "params"


def test_cli_approve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["approve", "--month", MONTH, "--by", "李总监", "--approvals", str(tmp_path)]
    assert cli.main([*args, "--stage", "reviewed"]) == 2
    assert "must be compiled first" in capsys.readouterr().err
    assert cli.main([*args, "--stage", "compiled"]) == 0
    assert cli.main([*args, "--stage", "reviewed"]) == 0
    assert "reviewed by 李总监" in capsys.readouterr().out
    assert load_approvals(MONTH, tmp_path).state == "reviewed"
    assert datetime.fromisoformat(load_approvals(MONTH, tmp_path).events[-1].at).tzinfo is not None


def test_refusal_names_the_next_allowed_step(tmp_path: Path) -> None:
    with pytest.raises(KaplanError, match="next step: kaplan approve --month 2026-06 --stage compiled"):
        record(MONTH, "approved", "x", tmp_path, at("2026-07-01"))
    record(MONTH, "compiled", "x", tmp_path, at("2026-07-01"))
    with pytest.raises(KaplanError, match="next step: kaplan approve --month 2026-06 --stage reviewed"):
        record(MONTH, "approved", "x", tmp_path, at("2026-07-01"))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(STEPS), max_size=8))
def test_any_sequence_of_attempts_keeps_the_order(attempts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for stage in attempts:
            with contextlib.suppress(KaplanError):
                record(MONTH, stage, "x", Path(folder), at("2026-07-01"))
        stages = [e.stage for e in load_approvals(MONTH, Path(folder)).events]
    for before, after in itertools.pairwise(stages):
        assert before != "approved"
        assert after != "reviewed" or before == "compiled"
        assert after != "approved" or before == "reviewed"
    assert not stages or stages[0] == "compiled"


@pytest.mark.parametrize("bad", ["2026-6", "2026-13", "June", "2026-06-01", ""])
def test_check_month_reads_a_month_and_refuses_anything_else(bad: str) -> None:
    assert check_month("2026-06") == check_month(Month(2026, 6)) == "2026-06"
    assert compile_deadline(Month(2026, 12), 2) == date(2027, 1, 2)
    with pytest.raises(KaplanError, match="YYYY-MM"):
        check_month(bad)


def test_cli_approve_keeps_approvals_beside_the_params_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "elsewhere" / "mine.yaml"
    params.parent.mkdir()
    params.write_text("kpi:\n  compile_deadline_day: 3\n", encoding="utf-8")
    args = ["approve", "--month", "2026-05", "--by", "王汇总", "--params", str(params), "--stage", "compiled"]
    assert cli.main(args) == 0
    assert load_approvals("2026-05", tmp_path / "elsewhere" / "approvals").state == "compiled"
    assert not (tmp_path / "params").exists()


def test_cli_approve_reports_a_bad_params_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "none.yaml")
    args = ["approve", "--month", "2026-05", "--by", "x", "--params", missing, "--stage", "compiled"]
    assert cli.main(args) == 2
    assert "none.yaml" in capsys.readouterr().err
    assert not (tmp_path / "approvals").exists()
