"""Versioned, atomic publishing: new folders only, whole versions, read-only, verifiable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kaplan.core.errors import KaplanError
from kaplan.run.cli import main
from kaplan.run.index import month_index_html, published_versions
from kaplan.run.publish import (
    MANIFEST,
    file_hashes,
    next_version,
    publish,
    remove_abandoned_staging,
    staging_dir,
    verify_version,
    versions,
    write_manifest,
)


def _stage(month_dir: Path, text: str) -> Path:
    staging = staging_dir(month_dir)
    (staging / "report.html").write_text(text)
    (staging / "sub").mkdir()
    (staging / "sub" / "a.xlsx").write_bytes(b"xlsx " + text.encode())
    return staging


def _finalize(path: Path, version: str) -> None:
    (path / "index.html").write_text(f"<p>{version}</p>")
    write_manifest(path, {"version": version})


def test_versions_count_up_and_earlier_ones_stay_byte_identical(tmp_path: Path) -> None:
    month = tmp_path / "2026-06"
    v1 = publish(_stage(month, "first"), month, _finalize)
    before = {p: p.read_bytes() for p in v1.rglob("*") if p.is_file()}
    v2 = publish(_stage(month, "second"), month, _finalize)
    assert (v1.name, v2.name) == ("v1", "v2")
    assert {p: p.read_bytes() for p in v1.rglob("*") if p.is_file()} == before
    assert (v2 / "index.html").read_text() == "<p>v2</p>"
    assert versions(month) == [1, 2] and next_version(month) == 3
    assert not list(month.glob(".staging-*"))


def test_published_version_is_read_only_and_verifies(tmp_path: Path) -> None:
    month = tmp_path / "2026-06"
    v1 = publish(_stage(month, "x"), month, _finalize)
    for path in [v1, *v1.rglob("*")]:
        assert not path.stat().st_mode & stat.S_IWUSR, path
    verify_version(v1)
    assert set(file_hashes(v1)) == {"index.html", "report.html", "sub/a.xlsx"}


def test_verify_names_a_changed_file(tmp_path: Path) -> None:
    month = tmp_path / "2026-06"
    v1 = publish(_stage(month, "x"), month, _finalize)
    target = v1 / "report.html"
    target.chmod(0o644)
    target.write_text("tampered")
    with pytest.raises(KaplanError, match=r"changed: report\.html"):
        verify_version(v1)


def test_verify_rejects_a_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(KaplanError, match=MANIFEST):
        verify_version(tmp_path)


def test_two_publishers_at_once_get_two_whole_versions(tmp_path: Path) -> None:
    month = tmp_path / "2026-06"
    stagings = [_stage(month, f"run{i}") for i in range(6)]
    barrier = threading.Barrier(len(stagings))
    published: list[Path] = []

    def go(staging: Path) -> None:
        barrier.wait()
        published.append(publish(staging, month, _finalize))

    threads = [threading.Thread(target=go, args=(s,)) for s in stagings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(p.name for p in published) == [f"v{i}" for i in range(1, 7)]
    for path in published:
        verify_version(path)
        assert (path / "index.html").read_text() == f"<p>{path.name}</p>"


def test_staging_of_a_killed_run_is_removed_and_never_counts(tmp_path: Path) -> None:
    month = tmp_path / "2026-06"
    month.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = month / f".staging-{dead.stdout.strip()}-deadbeef"
    abandoned.mkdir()
    (abandoned / "half.html").write_text("half")
    mine = month / f".staging-{os.getpid()}-cafe"
    mine.mkdir()
    remove_abandoned_staging(month)
    assert not abandoned.exists()
    assert mine.exists()
    assert versions(month) == [] and next_version(month) == 1


def test_v10_comes_after_v9_in_numbering_listing_index_and_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    month = tmp_path / "2026-06"
    for i in range(1, 10):
        publish(_stage(month, f"run{i}"), month, _finalize)
    assert next_version(month) == 10
    v10 = publish(_stage(month, "run10"), month, _finalize)
    assert v10.name == "v10" and (v10 / "index.html").read_text() == "<p>v10</p>"
    assert versions(month) == list(range(1, 11)) and next_version(month) == 11
    assert [number for _, number, _ in published_versions(tmp_path)] == list(range(10, 0, -1))
    page = month_index_html(tmp_path, "en")
    assert page.index('href="2026-06/v10/index.html"') < page.index('href="2026-06/v9/index.html"')
    assert main(["verify", str(v10)]) == 0
    (v10 / "report.html").chmod(0o644)
    (v10 / "report.html").write_text("tampered")
    capsys.readouterr()
    assert main(["verify", str(v10)]) != 0
    assert "changed: report.html" in capsys.readouterr().err
