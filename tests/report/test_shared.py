"""What the notebooks of a run compute once (kaplan.report.shared): once per run, whole or not at all."""

from __future__ import annotations

import multiprocessing
import pickle
import time
from pathlib import Path

import pandas as pd
import pytest
from faults import KILLED, killed_at, raised_at, steps

from kaplan.report import context as report
from kaplan.report.shared import SUFFIX, share_ahead, shared

FRAME = pd.DataFrame({"region": ["华东大区", "华北大区"], "units": [3705, 2014]})


def _counted(log: Path) -> pd.DataFrame:
    with log.open("a") as file:
        file.write("computed\n")
    return FRAME


def test_without_a_folder_every_call_computes(tmp_path: Path) -> None:
    log = tmp_path / "log"
    first = shared(None, "board-region", lambda: _counted(log))
    second = shared(None, "board-region", lambda: _counted(log))
    assert log.read_text() == "computed\n" * 2
    pd.testing.assert_frame_equal(first, second)
    assert list(tmp_path.iterdir()) == [log]  # nothing written


def test_with_a_folder_the_second_call_reads_what_the_first_computed(tmp_path: Path) -> None:
    log = tmp_path / "log"
    folder = tmp_path / "shared"
    folder.mkdir()
    first = shared(folder, "board-region", lambda: _counted(log))
    second = shared(folder, "board-region", lambda: _counted(log))
    other = shared(folder, "board-dealer", lambda: _counted(log))
    assert log.read_text() == "computed\n" * 2  # once per name
    pd.testing.assert_frame_equal(second, FRAME)
    pd.testing.assert_frame_equal(first, other)
    assert sorted(p.name for p in folder.iterdir()) == [
        "board-dealer.lock", f"board-dealer{SUFFIX}", "board-region.lock", f"board-region{SUFFIX}"]  # fmt: skip


def test_a_name_outside_the_allowed_characters_is_refused(tmp_path: Path) -> None:
    for name in ("../escape", "Board", "a b", ""):
        with pytest.raises(ValueError, match="lower-case letters"):
            shared(tmp_path, name, lambda: 1)
    assert list(tmp_path.iterdir()) == []


def _slow_kernel(folder: Path, log: Path, result: Path) -> None:
    def compute() -> pd.DataFrame:
        time.sleep(0.5)  # long enough for the other processes to ask for the same result meanwhile
        return _counted(log)

    result.write_bytes(pickle.dumps(shared(folder, "landings", compute)))


def test_kernels_asking_at_the_same_time_compute_once_and_read_the_same(tmp_path: Path) -> None:
    folder, log = tmp_path / "shared", tmp_path / "log"
    folder.mkdir()
    fork = multiprocessing.get_context("fork")
    kernels = [fork.Process(target=_slow_kernel, args=(folder, log, tmp_path / f"r{i}")) for i in range(3)]
    for kernel in kernels:
        kernel.start()
    for kernel in kernels:
        kernel.join(60)
    assert [k.exitcode for k in kernels] == [0, 0, 0]
    assert log.read_text() == "computed\n"
    for i in range(3):
        pd.testing.assert_frame_equal(pickle.loads((tmp_path / f"r{i}").read_bytes()), FRAME)


@pytest.mark.parametrize("mode", ["raised", "killed"])
def test_a_write_failed_at_any_step_leaves_nothing_half_written(tmp_path: Path, mode: str) -> None:
    probe = tmp_path / "probe"
    probe.mkdir()
    names = steps(lambda: shared(probe, "facts", lambda: FRAME))
    assert {"write", "replace"} <= set(names)
    for step in range(1, len(names) + 1):
        folder = tmp_path / f"{mode}-{step}"
        folder.mkdir()
        if mode == "killed":
            assert killed_at(step, lambda: shared(folder, "facts", lambda: FRAME)) == KILLED  # noqa: B023
        else:
            raised_at(step, lambda: shared(folder, "facts", lambda: FRAME))  # noqa: B023
        # a killed write may leave its hidden temporary file (the run removes the folder): never a result
        leftovers = sorted(p.name for p in folder.iterdir() if p.name != "facts.lock" and not p.name.startswith("."))
        assert leftovers in ([], [f"facts{SUFFIX}"]), (step, leftovers)
        if leftovers and mode == "raised":
            pytest.fail(f"step {step} raised but a result was left")
        log = tmp_path / f"log-{mode}-{step}"
        again = shared(folder, "facts", lambda: _counted(log))  # noqa: B023
        pd.testing.assert_frame_equal(again, FRAME)
        assert log.exists() == (not leftovers)  # recomputed exactly when no whole result was left


def test_notebooks_of_a_run_compute_the_months_targets_once(small_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    calls: list[str] = []
    real = report.month_targets

    def counted(tables: object, month: object, params: object, **given: object) -> object:
        calls.append(str(month))
        return real(tables, month, params, **given)

    years: list[int] = []
    real_shares = report.seasonal_shares

    def counted_shares(tables: object, year: int, params: object) -> object:
        years.append(year)
        return real_shares(tables, year, params)

    monkeypatch.setattr(report, "month_targets", counted)
    monkeypatch.setattr(report, "seasonal_shares", counted_shares)
    folder = tmp_path / "shared"
    folder.mkdir()
    first = report.context("2026-06", "2026-06-20", str(small_dir), shared_dir=str(folder))
    # the first kernel computed ahead the month's targets, not those of the months before
    assert calls == ["2026-06"]
    assert {p.name for p in folder.glob(f"*{SUFFIX}")} == {
        "facts.pickle", "pipeline.pickle", "formula_targets-2026-06.pickle", "lead_facts.pickle", "landings.pickle",
        "board-region.pickle", "board-dealer.pickle", "headline.pickle", "board-province.pickle"}  # fmt: skip
    before = [f"2025-{m:02d}" for m in range(6, 13)] + [f"2026-{m:02d}" for m in range(1, 6)]
    issued = report.issued_months(first, before)  # the landing backtest's: computed when asked, and shared
    assert calls == ["2026-06", *before]
    assert years == [2025, 2026]  # the seasonal shares of a year once, for all its months
    assert {f"issued_targets-{m}.pickle" for m in before} <= {p.name for p in folder.glob(f"*{SUFFIX}")}
    second = report.context("2026-06", "2026-06-20", str(small_dir), shared_dir=str(folder))
    pd.testing.assert_frame_equal(first.targets.dealer, second.targets.dealer)
    pd.testing.assert_frame_equal(issued["2026-05"].dealer, report.issued_targets(second, "2026-05").dealer)
    assert report.month_headline(first) == report.month_headline(second)
    assert len(calls) == 13  # the second kernel read everything
    alone = report.context("2026-06", "2026-06-20", str(small_dir))
    pd.testing.assert_frame_equal(alone.targets.dealer, second.targets.dealer)
    pd.testing.assert_frame_equal(report.issued_targets(alone, "2026-05").dealer,
                                  report.issued_targets(second, "2026-05").dealer)  # fmt: skip
    assert calls[13:] == ["2026-06", "2026-05"]  # without a folder: computed here, when asked


def _busy(folder: Path, name: str, ready: Path, release: Path) -> None:
    """Hold ``name``'s lock (another kernel computing it) until ``release`` exists."""
    def compute() -> int:
        ready.touch()
        while not release.exists():
            time.sleep(0.01)
        return 7

    shared(folder, name, compute)


def test_computing_ahead_skips_what_another_kernel_is_computing_and_what_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    shared(folder, "facts", lambda: 1)
    ready, release = tmp_path / "ready", tmp_path / "release"
    other = multiprocessing.get_context("fork").Process(target=_busy, args=(folder, "pipeline", ready, release))
    other.start()
    while not ready.exists():
        time.sleep(0.01)
    done = share_ahead(folder, {"facts": lambda: 2, "pipeline": lambda: 3, "landings": lambda: 4})
    release.touch()
    other.join(30)
    assert done == ["landings"]
    assert [shared(folder, n, lambda: 0) for n in ("facts", "pipeline", "landings")] == [1, 7, 4]
    assert share_ahead(None, {"facts": lambda: 2}) == []
