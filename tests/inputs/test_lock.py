"""The annual lock: versions, content hash, verification, the ``kaplan lock`` command."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kaplan
from kaplan.core.errors import LockError
from kaplan.core.tables import Tables
from kaplan.inputs import check
from kaplan.inputs.lock import content_hash, lock_targets, read_lock, verify_locks, versions, year_targets
from kaplan.run.cli import main

TARGETS = pd.DataFrame(
    {
        "year": [2026, 2026, 2026, 2025, 2026],
        "dealer_id": ["D2", "D1", "D1", "D1", "D3"],
        "line": ["work", "work", "command", "command", "conversion"],
        "units": [5, 12, 30, 999, 0],
    }
)


def test_lock_writes_a_version_with_copy_and_hash(tmp_path: Path) -> None:
    path = lock_targets(TARGETS, 2026, tmp_path, source="data")
    assert path == tmp_path / "2026" / "v1"
    meta = json.loads((path / "lock.json").read_text(encoding="utf-8"))
    assert (meta["year"], meta["rows"], meta["total_units"], meta["source"]) == (2026, 3, 47, "data")
    assert len(meta["sha256"]) == 64 and meta["locked_at"].endswith("+00:00")
    csv = pd.read_csv(path / "annual_targets.csv")
    # sorted by dealer and line; the 0-unit row and the other year are not part of the plan
    assert csv.values.tolist() == [[2026, "D1", "command", 30], [2026, "D1", "work", 12], [2026, "D2", "work", 5]]
    assert [p.name for p in (tmp_path / "2026").iterdir()] == ["v1"]  # no temporary folder left


def test_locking_again_keeps_the_earlier_version(tmp_path: Path) -> None:
    first = lock_targets(TARGETS, 2026, tmp_path)
    before = (first / "annual_targets.csv").read_bytes(), (first / "lock.json").read_bytes()
    changed = TARGETS.assign(units=[6, 12, 30, 999, 0])
    second = lock_targets(changed, 2026, tmp_path)
    assert second.name == "v2"
    assert ((first / "annual_targets.csv").read_bytes(), (first / "lock.json").read_bytes()) == before
    assert [p.name for p in versions(tmp_path, 2026)] == ["v1", "v2"]
    verify_locks(changed, tmp_path)  # the latest version counts
    with pytest.raises(LockError, match="D2 work: 6 -> 5"):
        verify_locks(TARGETS, tmp_path)


def test_versions_sort_numerically(tmp_path: Path) -> None:
    for n in (1, 2, 10, 9):
        (tmp_path / "2026" / f"v{n}").mkdir(parents=True)
    (tmp_path / "2026" / "notes").mkdir()
    assert [p.name for p in versions(tmp_path, 2026)] == ["v1", "v2", "v9", "v10"]


def test_locking_a_year_without_targets_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LockError, match=r"no annual targets .* for 2024"):
        lock_targets(TARGETS, 2024, tmp_path)
    assert not (tmp_path / "2024").exists() or not any((tmp_path / "2024").iterdir())


def test_verify_names_changed_added_and_removed_rows(tmp_path: Path) -> None:
    lock_targets(TARGETS, 2026, tmp_path)
    edited = pd.DataFrame(
        {
            "year": [2026, 2026, 2026],
            "dealer_id": ["D1", "D1", "D9"],
            "line": ["command", "work", "work"],
            "units": [31, 12, 4],
        }
    )
    with pytest.raises(LockError) as info:
        verify_locks(edited, tmp_path)
    message = str(info.value)
    assert "annual targets 2026 differ from the lock v1 (3 dealer x line)" in message
    assert "D1 command: 30 -> 31 (changed)" in message
    assert "D2 work: 5 -> 0 (removed)" in message
    assert "D9 work: 0 -> 4 (added)" in message
    assert "kaplan lock --year" in message


def test_verify_ignores_row_order_zero_rows_and_unlocked_years(tmp_path: Path) -> None:
    lock_targets(TARGETS, 2026, tmp_path)
    reordered = TARGETS.iloc[::-1].reset_index(drop=True)
    extra = pd.concat(
        [reordered, pd.DataFrame({"year": [2026, 2027], "dealer_id": ["D7", "D1"], "line": ["work", "work"],
                                  "units": [0, 50]})],
        ignore_index=True,
    )  # fmt: skip
    meta, _ = read_lock(tmp_path / "2026" / "v1")
    assert content_hash(year_targets(extra, 2026)) == meta["sha256"]
    verify_locks(extra, tmp_path)
    with pytest.raises(LockError, match=r"  - D7 work: 0 -> 1 \(added\)"):  # the same check sees a real change
        verify_locks(extra.assign(units=[*extra["units"][:-2], 1, 50]), tmp_path)
    verify_locks(TARGETS, tmp_path / "missing")  # no locks folder: nothing to check, nothing written
    assert not (tmp_path / "missing").exists()


def test_verify_caps_the_listing(tmp_path: Path) -> None:
    many = pd.DataFrame({"year": 2026, "dealer_id": [f"D{i:03d}" for i in range(80)], "line": "work", "units": 1})
    lock_targets(many, 2026, tmp_path)
    with pytest.raises(LockError, match=r"and 30 more") as info:
        verify_locks(many.assign(units=2), tmp_path)
    assert str(info.value).count("(changed)") == 50


def test_an_edited_lock_is_detected(tmp_path: Path) -> None:
    path = lock_targets(TARGETS, 2026, tmp_path)
    csv = path / "annual_targets.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",30", ",31"), encoding="utf-8")
    with pytest.raises(LockError, match="was edited"):
        read_lock(path)
    with pytest.raises(LockError, match="was edited"):
        verify_locks(TARGETS, tmp_path)


def test_a_reformatted_lock_csv_still_matches(tmp_path: Path) -> None:
    path = lock_targets(TARGETS, 2026, tmp_path)
    frame = pd.read_csv(path / "annual_targets.csv").iloc[::-1]
    frame.to_csv(path / "annual_targets.csv", index=False, lineterminator="\r\n")  # other order, CRLF
    meta, rows = read_lock(path)
    assert content_hash(rows) == meta["sha256"]


rows = st.lists(
    st.tuples(st.sampled_from(["D1", "D2", "D3", "D10"]), st.sampled_from(["command", "work"]), st.integers(0, 99)),
    min_size=1,
    max_size=8,
    unique_by=lambda r: r[:2],
)


@settings(max_examples=50, deadline=None)
@given(rows, st.randoms())
def test_hash_depends_on_content_not_order(table: list[tuple[str, str, int]], rnd: random.Random) -> None:
    frame = pd.DataFrame(table, columns=["dealer_id", "line", "units"]).assign(year=2026)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 1000))
    assert content_hash(year_targets(frame, 2026)) == content_hash(year_targets(shuffled, 2026))
    bumped = frame.assign(units=frame["units"] + (frame.index == 0))
    assert content_hash(year_targets(frame, 2026)) != content_hash(year_targets(bumped, 2026))


def _fake_load(targets: pd.DataFrame) -> Callable[..., Tables]:
    def load(path: object, locks: object = None) -> Tables:
        return Tables.from_frames(
            org=pd.DataFrame({"dealer_id": ["D1", "D2", "D3"], "dealer_name": "x", "province": "P", "region": "R"}),
            annual_targets=targets,
        )

    return load


def test_kaplan_lock_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(check, "load_tables", _fake_load(TARGETS))
    locks = tmp_path / "locks"
    assert main(["lock", "--year", "2026", "--data", str(tmp_path), "--locks", str(locks)]) == 0
    assert "locked" in capsys.readouterr().out
    assert (locks / "2026" / "v1" / "lock.json").exists()
    assert main(["lock", "--year", "2023", "--data", str(tmp_path), "--locks", str(locks)]) == 2
    assert "no annual targets" in capsys.readouterr().err
    assert not (locks / "2023").exists() or not any((locks / "2023").iterdir())


def test_lock_then_load_with_the_real_loader(small_dir: Path, tmp_path: Path) -> None:
    import shutil

    locks = tmp_path / "locks"
    assert main(["lock", "--year", "2026", "--data", str(small_dir), "--locks", str(locks)]) == 0
    kaplan.load(small_dir, locks=locks)  # unchanged data passes
    edited = tmp_path / "data"
    shutil.copytree(small_dir, edited)
    csv = edited / "annual_targets.csv"
    frame = pd.read_csv(csv, dtype=str)
    row = frame.index[frame["year"] == "2026"][0]
    old = int(frame.loc[row, "units"])
    frame.loc[row, "units"] = str(old + 5)
    frame.to_csv(csv, index=False)
    with pytest.raises(LockError, match=f"{frame.loc[row, 'dealer_id']} {frame.loc[row, 'line']}: {old} -> {old + 5}"):
        kaplan.load(edited, locks=locks)


def test_the_tenth_lock_is_the_one_checked(tmp_path: Path) -> None:
    for _ in range(9):
        lock_targets(TARGETS, 2026, tmp_path)
    changed = TARGETS.assign(units=[6, 12, 30, 999, 0])
    assert lock_targets(changed, 2026, tmp_path).name == "v10"
    verify_locks(changed, tmp_path)  # v10, not v9, is the latest
    with pytest.raises(LockError, match=r"differ from the lock v10 .*\n  - D2 work: 6 -> 5"):
        verify_locks(TARGETS, tmp_path)
