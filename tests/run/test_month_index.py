"""The month index ``outputs/index.html``: every month and version, newest first, rebuilt atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kaplan.run.index import month_index_html, workbook_text, write_month_index
from kaplan.run.month import run_month
from kaplan.run.publish import file_hashes


def fake_version(out: Path, month: str, version: int, issued: int | None,
                 audiences: tuple[str, ...] = ("field", "management")) -> Path:  # fmt: skip
    """A published version: its manifest, and per audience folder an index and (with ``issued``) a headline;
    no audiences: the layout before audiences, pages at the top."""
    folder = out / month / f"v{version}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"month": month, "as_of": f"{month}-20",
                                                      "created_at": f"2026-0{version}-01T00:00:00+00:00"}))  # fmt: skip
    for audience in audiences or ("",):
        (folder / audience).mkdir(exist_ok=True)
        (folder / audience / "index.html").write_text("<p>version</p>")
        if issued is not None:
            headline = {"month": month, "as_of": f"{month}-20", "issued": issued, "locked": issued, "rolling": issued,
                        "rolling_basis": True, "mtd": 1_234, "month_progress": 0.5, "time_progress": 2 / 3,
                        "working_days_left": 7, "per_working_day": 3, "laggards": [], "tenders": [], "landing": None}
            (folder / audience / "headline.json").write_text(json.dumps(headline))
    return folder


def linked(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


def test_the_month_index_lists_every_version_newest_first(tmp_path: Path) -> None:
    fake_version(tmp_path, "2026-05", 1, 17_000)
    fake_version(tmp_path, "2026-06", 1, 18_063)
    fake_version(tmp_path, "2026-06", 2, None)  # a version without a headline still shows
    fake_version(tmp_path, "2026-06", 10, 18_100)  # v10 after v2: versions compare as numbers
    (tmp_path / "2026-06" / ".staging-1-abc").mkdir()  # neither staging folders
    (tmp_path / "2026-07").mkdir()  # nor a month with nothing published
    page = month_index_html(tmp_path, "zh", "management")
    assert linked(page) == ["../2026-06/v10/management/index.html", "../2026-06/v2/management/index.html",
                            "../2026-06/v1/management/index.html", "../2026-05/v1/management/index.html"]  # fmt: skip
    assert "18,063" in page and "18,100" in page and "50.0%" in page and "66.7%" in page
    assert "各月报告" in page and "Reports by month" in month_index_html(tmp_path, "en", "management")


def test_each_audience_has_its_month_index_listing_only_its_versions(tmp_path: Path) -> None:
    legacy = fake_version(tmp_path, "2026-05", 1, 17_000, audiences=())  # before audiences: pages at the top
    (legacy / "issue").mkdir()  # a folder of a version without an index is no audience
    fake_version(tmp_path, "2026-06", 1, 18_063, ("field", "management", "region-华东大区"))
    fake_version(tmp_path, "2026-06", 2, 18_100, ("field", "management"))
    write_month_index(tmp_path, "zh", lambda folder: f"<{folder}>")
    region = (tmp_path / "region-华东大区" / "index.html").read_text(encoding="utf-8")
    assert linked(region) == ["../2026-06/v1/region-华东大区/index.html"]
    field = (tmp_path / "field" / "index.html").read_text(encoding="utf-8")
    assert linked(field) == ["../2026-06/v2/field/index.html", "../2026-06/v1/field/index.html"]
    front = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert linked(front) == ["field/index.html", "management/index.html", "region-华东大区/index.html",
                             "2026-05/v1/index.html"]  # fmt: skip
    assert "&lt;management&gt;" in front and "18,063" not in front  # no audience's numbers on the front page


def test_rebuilding_replaces_the_page_whole_and_never_touches_a_version(tmp_path: Path) -> None:
    version = fake_version(tmp_path, "2026-06", 1, 18_063)
    before = file_hashes(version)
    (tmp_path / "index.html").write_text("old")
    write_month_index(tmp_path, "zh")
    assert "field/index.html" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "../2026-06/v1/field/index.html" in (tmp_path / "field" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if "2026-06" not in p.parts) == [
        "field", "field/index.html", "index.html", "management", "management/index.html"]  # no temporary file left
    assert file_hashes(version) == before


def test_workbooks_are_named_by_what_they_hold() -> None:
    assert workbook_text("issue/华东大区.xlsx", "zh") == "华东大区 下达表"
    assert workbook_text("targets_2026-06.xlsx", "zh").startswith("目标分解表")
    assert workbook_text("assessment_2026-05.xlsx", "en").endswith("(2026-05)")
    assert workbook_text("own_2026-06.xlsx", "zh") == "own_2026-06.xlsx"  # an unknown workbook keeps its name


@pytest.mark.slow
def test_each_run_rebuilds_the_month_index_and_leaves_earlier_versions_alone(
    hostile_dir: Path, headline_notebooks: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    may = run_month("2026-05", data_dir=hostile_dir, out_dir=out, notebook_dir=headline_notebooks)
    first = file_hashes(may)
    index = out / "management" / "index.html"
    assert linked(index.read_text(encoding="utf-8")) == ["../2026-05/v1/management/index.html"]
    june = run_month("2026-06", data_dir=hostile_dir, out_dir=out, notebook_dir=headline_notebooks)
    page = index.read_text(encoding="utf-8")
    assert linked(page) == ["../2026-06/v1/management/index.html", "../2026-05/v1/management/index.html"]
    issued = json.loads((june / "management" / "headline.json").read_text(encoding="utf-8"))["issued"]
    row = page[page.index('href="../2026-06/v1/management/index.html"'):].split("</tr>")[0]
    assert f'<td class="num">{issued:,}</td>' in row
    assert file_hashes(may) == first  # the later run left the first version as it was
    version_index = (june / "management" / "index.html").read_text(encoding="utf-8")
    assert "../../../management/index.html" in linked(version_index)
    front = (out / "index.html").read_text(encoding="utf-8")
    assert linked(front) == ["field/index.html", "management/index.html", "analysts/index.html"]
