"""Every write that promises atomicity, failed at each of its steps (tests/faults.py).

For each write and each step: once with an error raised there (the code's clean-up runs), once
killed there in a forked child (no clean-up). Afterwards no partial state is visible: the previous
state is intact, a new version or file is either whole or absent, and the next write succeeds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from faults import KILLED, killed_at, raised_at, steps

from kaplan.assessment.workflow import Event, load_approvals, record
from kaplan.core.files import write_atomically
from kaplan.core.params import SplitWeights, save_split_weights
from kaplan.core.tables import Tables
from kaplan.inputs.loader import cached_tables, store_tables
from kaplan.inputs.lock import lock_targets, read_lock, verify_locks
from kaplan.inputs.lock import versions as lock_versions
from kaplan.plan.adjustments import Record, record_from_json
from kaplan.run.adjust import write_record
from kaplan.run.index import front_index_html, month_index_html, write_month_index
from kaplan.run.publish import publish, staging_dir, verify_version, versions, write_manifest

MODES = ("raised", "killed")


def _fail(mode: str, step: int, action: Callable[[], object]) -> None:
    """Fail ``action`` at ``step``: raised (the error reaches the caller, or is logged) or killed."""
    if mode == "killed":
        assert killed_at(step, action) == KILLED
    else:
        raised_at(step, action)


def _every_step(setup: Callable[[Path], Callable[[], object]], tmp_path: Path) -> list[tuple[int, Path]]:
    """(step, a fresh folder prepared by ``setup``) for every step of the action ``setup`` returns."""
    count = len(steps(setup(tmp_path / "count")))
    assert count > 0
    return [(k, tmp_path / f"step{k}") for k in range(1, count + 1)]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- publish of a month version (kaplan.run.publish) ---------------------------------------------------


def _finalize(path: Path, version: str) -> None:
    (path / "index.html").write_text(f"<p>{version}</p>", encoding="utf-8")
    write_manifest(path, {"version": version})


def _publish(month_dir: Path, text: str) -> Path:
    staging = staging_dir(month_dir)
    (staging / "report.html").write_text(text * 1000, encoding="utf-8")
    (staging / "sub").mkdir()
    (staging / "sub" / "a.xlsx").write_bytes(b"xlsx " + text.encode() * 1000)
    return publish(staging, month_dir, _finalize)


def _published_month(folder: Path) -> Callable[[], object]:
    month = folder / "2026-06"
    _publish(month, "first")
    return lambda: _publish(month, "second")


@pytest.mark.parametrize("mode", MODES)
def test_a_month_version_is_all_there_or_not_there(tmp_path: Path, mode: str) -> None:
    for step, folder in _every_step(_published_month, tmp_path):
        action = _published_month(folder)
        month = folder / "2026-06"
        v1 = _tree(month / "v1")
        _fail(mode, step, action)
        seen = versions(month)
        assert seen in ([1], [1, 2]), (step, seen)
        for number in seen:
            verify_version(month / f"v{number}")  # whatever is visible as a version is whole
        assert _tree(month / "v1") == v1, step
        assert sorted(p.name for p in month.iterdir() if not p.name.startswith(".")) == [f"v{n}" for n in seen]
        after = _publish(month, "third")
        assert after.name == f"v{seen[-1] + 1}", step
        verify_version(after)
        assert (after / "index.html").read_text(encoding="utf-8") == f"<p>{after.name}</p>"
        if mode == "killed":  # the dead run's staging folder went with the next run
            assert list(month.glob(".staging-*")) == [], step


# --- the annual lock (kaplan.inputs.lock) --------------------------------------------------------------

TARGETS = pd.DataFrame({"year": [2026] * 3, "dealer_id": ["D1", "D1", "D2"], "line": ["command", "work", "work"],
                        "units": [30, 12, 5]})  # fmt: skip
CHANGED = TARGETS.assign(units=[31, 12, 5])


def _locked_year(folder: Path) -> Callable[[], object]:
    lock_targets(TARGETS, 2026, folder)
    return lambda: lock_targets(CHANGED, 2026, folder)


@pytest.mark.parametrize("mode", MODES)
def test_a_lock_version_is_all_there_or_not_there(tmp_path: Path, mode: str) -> None:
    for step, folder in _every_step(_locked_year, tmp_path):
        action = _locked_year(folder)
        v1 = _tree(folder / "2026" / "v1")
        _fail(mode, step, action)
        seen = [p.name for p in lock_versions(folder, 2026)]
        assert seen in (["v1"], ["v1", "v2"]), (step, seen)
        for version in lock_versions(folder, 2026):
            read_lock(version)  # whole: its rows match its hash
        assert _tree(folder / "2026" / "v1") == v1, step
        verify_locks(CHANGED if seen == ["v1", "v2"] else TARGETS, folder)  # the data still check
        again = lock_targets(CHANGED, 2026, folder)
        assert again.name == f"v{len(seen) + 1}", step
        verify_locks(CHANGED, folder)


# --- approvals (kaplan.assessment.workflow) ------------------------------------------------------------

AT = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def _compiled(folder: Path) -> Callable[[], object]:
    record("2026-06", "compiled", "王专员", folder, at=AT)
    return lambda: record("2026-06", "reviewed", "李总监", folder, at=AT)


@pytest.mark.parametrize("mode", MODES)
def test_an_approval_is_recorded_whole_or_not_at_all(tmp_path: Path, mode: str) -> None:
    compiled = Event("compiled", "王专员", AT.isoformat(timespec="seconds"))
    reviewed = Event("reviewed", "李总监", AT.isoformat(timespec="seconds"))
    for step, folder in _every_step(_compiled, tmp_path):
        action = _compiled(folder)
        _fail(mode, step, action)
        events = load_approvals("2026-06", folder).events  # a readable file
        assert events in ((compiled,), (compiled, reviewed)), (step, events)
        if len(events) == 1:
            action()
        record("2026-06", "approved", "赵领导", folder, at=AT)
        assert [e.stage for e in load_approvals("2026-06", folder).events] == ["compiled", "reviewed", "approved"]
        assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["2026-06.json"], step


# --- manual adjustments (kaplan.run.adjust.write_record) -----------------------------------------------

RECORD = Record("2026-06", "张总监", "2026-06-21T09:00:00+08:00", "招标确定由乙承接", "edit.xlsx", "ab",
                ({"dealer_id": "D1", "line": "command", "before": 10, "target": 5, "rebalanced": False},))  # fmt: skip


def _one_record(folder: Path) -> Callable[[], object]:
    write_record(folder, RECORD)
    return lambda: write_record(folder, RECORD)


def _records(folder: Path) -> list[Record]:
    return [record_from_json(p.read_text(encoding="utf-8"), p.name) for p in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("mode", MODES)
def test_an_adjustment_record_is_whole_or_absent(tmp_path: Path, mode: str) -> None:
    for step, folder in _every_step(_one_record, tmp_path):
        action = _one_record(folder)
        _fail(mode, step, action)
        names = [r.name for r in _records(folder)]  # each record reads and matches its hash
        assert names in (["0001.json"], ["0001.json", "0002.json"]), (step, names)
        assert write_record(folder, RECORD).name == f"{len(names) + 1:04d}.json"
        assert [r.name for r in _records(folder)] == [f"{n:04d}.json" for n in range(1, len(names) + 2)]
        if mode == "raised":
            assert [p.name for p in folder.iterdir() if p.suffix != ".json"] == [], step


# --- the month index outputs/index.html (kaplan.run.index) ---------------------------------------------


def _one_version(out: Path) -> Callable[[], object]:
    version = out / "2026-06" / "v1"
    (version / "management").mkdir(parents=True)
    (version / "manifest.json").write_text(json.dumps({"month": "2026-06", "as_of": "2026-06-20",
                                                       "created_at": "2026-06-20T08:00:00+00:00"}))  # fmt: skip
    (version / "management" / "index.html").write_text("<p>v1</p>", encoding="utf-8")
    (out / "management").mkdir()
    for page in (out / "index.html", out / "management" / "index.html"):
        page.write_text("old page", encoding="utf-8")
    return lambda: write_month_index(out, "zh")


@pytest.mark.parametrize("mode", MODES)
def test_the_month_index_is_the_old_page_or_the_new_one(tmp_path: Path, mode: str) -> None:
    """The front page and each audience's month index: each the old page or the new one, never a part."""
    for step, out in _every_step(_one_version, tmp_path):
        action = _one_version(out)
        pages = {out / "index.html": front_index_html(out, "zh", [("management", "management")]),
                 out / "management" / "index.html": month_index_html(out, "zh", "management", "management")}
        _fail(mode, step, action)
        for path, page in pages.items():
            assert path.read_text(encoding="utf-8") in ("old page", page), step
        write_month_index(out, "zh")
        assert {path: path.read_text(encoding="utf-8") for path in pages} == pages
        if mode == "raised":
            assert sorted(p.name for p in out.iterdir()) == ["2026-06", "index.html", "management"], step
            assert sorted(p.name for p in (out / "management").iterdir()) == ["index.html"], step


# --- the validated-table cache (kaplan.inputs.loader) --------------------------------------------------


def _tables() -> Tables:
    org = pd.DataFrame({"dealer_id": ["D1", "D2"], "dealer_name": ["甲", "乙"], "province": ["江苏", "浙江"],
                        "region": ["华东大区", "华东大区"]})  # fmt: skip
    return Tables.from_frames(org=org)


def _same(read: Tables | None, written: Tables) -> bool:
    return read is not None and all(
        read_frame.equals(frame) for (_, read_frame), (_, frame) in zip(read, written, strict=True)
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_cache_entry_is_whole_or_absent(tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tables, key = _tables(), "k" * 64

    def cache(folder: Path) -> Callable[[], object]:
        monkeypatch.setenv("KAPLAN_CACHE_DIR", str(folder))
        return lambda: store_tables(key, tables)

    for step, folder in _every_step(cache, tmp_path):
        action = cache(folder)
        _fail(mode, step, action)
        hit = cached_tables(key)
        assert hit is None or _same(hit, tables), step
        entries = sorted(p.name for p in (folder / "tables").iterdir() if not p.name.startswith("."))
        assert entries == ([] if hit is None else [key]), step
        store_tables(key, tables)
        assert _same(cached_tables(key), tables), step


# --- files replaced whole: write_atomically, the params Save (kaplan.core) ------------------------------

OLD_PARAMS = "# June\nrolling: true\nsplit_weights:\n  trailing3: 0.4\n  last_month: 0.3\n  annual: 0.3\n"


def _params_file(folder: Path) -> Callable[[], object]:
    folder.mkdir(parents=True)
    path = folder / "2026-06.yaml"
    path.write_text(OLD_PARAMS, encoding="utf-8")
    return lambda: save_split_weights(path, SplitWeights(trailing3=0.5, last_month=0.2), "张三", AT)


@pytest.mark.parametrize("mode", MODES)
def test_a_params_save_leaves_the_old_file_or_the_new_one(tmp_path: Path, mode: str) -> None:
    expected = tmp_path / "expected"
    _params_file(expected)()
    new = (expected / "2026-06.yaml").read_text(encoding="utf-8")
    assert "  trailing3: 0.5" in new.splitlines() and "# June" in new.splitlines()
    for step, folder in _every_step(_params_file, tmp_path):
        action = _params_file(folder)
        _fail(mode, step, action)
        assert (folder / "2026-06.yaml").read_text(encoding="utf-8") in (OLD_PARAMS, new), step
        action()
        assert (folder / "2026-06.yaml").read_text(encoding="utf-8") == new
        if mode == "raised":
            assert [p.name for p in folder.iterdir()] == ["2026-06.yaml"], step


def test_write_atomically_never_leaves_half_a_file(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("old", encoding="utf-8")
    text = "新" * 100_000
    for step in range(1, len(steps(lambda: write_atomically(path, text))) + 1):
        path.write_text("old", encoding="utf-8")
        for mode in MODES:
            _fail(mode, step, lambda: write_atomically(path, text))
            assert path.read_text(encoding="utf-8") in ("old", text), (step, mode)
    write_atomically(path, text)
    assert path.read_text(encoding="utf-8") == text


def test_a_crash_is_injected_at_every_kind_of_step(tmp_path: Path) -> None:
    """The injection sees what the writes do: writes, fsyncs, renames, links (a copy would show as copyfile)."""
    assert set(steps(_published_month(tmp_path / "p"))) >= {"write", "rename", "fsync"}
    assert set(steps(_locked_year(tmp_path / "l"))) >= {"write", "rename", "fsync"}
    assert set(steps(_one_record(tmp_path / "a"))) >= {"write", "link", "fsync"}
    assert set(steps(_params_file(tmp_path / "s"))) >= {"write", "replace", "fsync"}
    source = tmp_path / "copy-me"
    source.write_text("x")
    assert steps(lambda: shutil.copy(source, tmp_path / "copied")) == ["copyfile"]
