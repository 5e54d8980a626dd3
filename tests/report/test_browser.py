"""Every page of a published version, and the month index, in headless Chromium with every host blocked.

No network request leaves the page, the console has no error, every plotly figure is drawn (when
scrolled to: figures below the first screen draw when they come near it), each page is at most
1.5 MB (how fast its first screen draws is benchmarks/bench_pages.py), no raw Python text shows, every
sheet a page promises exists, and hostile names in the data are shown as text, never run. Needs
Debian's ``chromium``: `.ci/run` installs it; elsewhere the test is skipped when it is missing (but
never under CI).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import openpyxl
import pytest
from browsers import chromium

from kaplan.core.glossary import label

pytestmark = pytest.mark.slow

CHROMIUM = chromium()

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


MAX_BYTES = 1_500_000
RAW = ("PosixPath", "<object", "Traceback", "nan", "None")


def _visit(browser, page_path: Path) -> dict:
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri(), wait_until="load")
    # cells below the screen skip layout until reached (content-visibility); lay out all of them so
    # that scrolling lands on each figure and the whole text can be read
    page.add_style_tag(content=".jp-Cell { content-visibility: visible !important; }")
    figures = page.locator(".plotly-graph-div")
    count = figures.count()
    for i in range(count):
        figures.nth(i).scroll_into_view_if_needed()
        figures.nth(i).locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    drawn = page.locator(".plotly-graph-div .main-svg").count()
    xss = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
    text = page.inner_text("body")
    promised = page.eval_on_selector_all(".kp-more[data-workbook]",
                                         "els => els.map(e => [e.dataset.workbook, e.dataset.sheet])")
    page.close()
    return {"requests": requests, "errors": errors, "figures": count, "drawn": drawn, "xss": xss,
            "text": text, "promised": promised}  # fmt: skip


def _pages(published: Path) -> list[Path]:
    """The front page, the management month index, every audience's index, the national pages and the pages
    of one region."""
    region = sorted(published.glob("region-*"))[0]
    return [published.parent.parent / "index.html", published.parent.parent / "management" / "index.html",
            *sorted(published.glob("*/index.html")), *sorted((published / "management").glob("0*.html")),
            *(region / name for name in ("progress.html", "pipeline.html", "rectification.html"))]  # fmt: skip


def _has_figures(path: Path) -> bool:
    """Every report page has a figure, but the indexes and a region's rectification list."""
    return path.name not in ("index.html", "rectification.html")


@pytest.fixture(scope="module")
def visits(browser, published: Path) -> dict[Path, dict]:
    """What one visit of each page saw (every test reads these; no page is opened twice)."""
    return {path: _visit(browser, path) for path in _pages(published)}


def test_index_and_every_report_open_offline(visits: dict[Path, dict]) -> None:
    assert len(visits) >= 4
    for path, seen in visits.items():
        assert seen["requests"] == [], f"{path.name} asked the network for {seen['requests'][:3]}"
        assert seen["errors"] == [], f"{path.name} console errors: {seen['errors'][:3]}"
        assert seen["xss"] is None, f"{path.name} ran injected script"
        if _has_figures(path):
            assert seen["figures"] > 0, f"{path.name} has no figure"
            assert seen["drawn"] >= seen["figures"], f"{path.name}: {seen['drawn']} of {seen['figures']} drawn"


def test_pages_are_light(published: Path) -> None:
    """At most 1.5 MB a page; how fast the first screen draws is a budget of benchmarks/bench_pages.py."""
    sizes = {path.relative_to(published.parent.parent).as_posix(): path.stat().st_size for path in _pages(published)}
    assert {name: size for name, size in sizes.items() if size > MAX_BYTES} == {}


def test_no_page_shows_raw_python_text(visits: dict[Path, dict]) -> None:
    for path, seen in visits.items():
        found = [word for word in RAW if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", seen["text"])]
        assert found == [], f"{path.name} shows {found}"


def test_every_sheet_a_page_promises_exists(visits: dict[Path, dict], published: Path) -> None:
    promised = {(path.parent, *p) for path, seen in visits.items() for p in seen["promised"]}
    national = {p for p in promised if p[0] == published / "management"}
    assert len(national) >= 5  # the dealer targets, dealer progress, won deals, tenders, key customers, ...
    # a region's pages name the sheets of its own workbooks: every open lead of the region among them
    assert ("pipeline_2026-06.xlsx", label("sheet_leads", "zh")) in {p[1:] for p in promised - national}
    for folder, workbook, sheet in sorted(promised):
        book = openpyxl.load_workbook(folder / workbook, read_only=True)
        assert sheet in book.sheetnames, f"{folder.name}/{workbook} has no sheet {sheet!r} (it has {book.sheetnames})"


def test_hostile_names_show_as_text(visits: dict[Path, dict], published: Path) -> None:
    assert "<script>window.__xss=1</script>" in visits[published / "management" / "01_targets.html"]["text"]


PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def sealed(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The management progress page sealed with the default PBKDF2 rounds, as a run with ``audiences.encrypt`` does."""
    from kaplan.core.params import Audiences
    from kaplan.run.seal import Sealer

    page = (published / "management" / "02_progress.html").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("sealed") / "02_progress.html"
    path.write_text(Sealer.of(PASSPHRASE, Audiences().kdf_iterations, "zh").page(page, "进度看板"), encoding="utf-8")
    return path


def _unlock(browser, path: Path, passphrase: str, screenshot: Path | None = None) -> dict:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.fill("#kp-pass", passphrase)
    page.click("button[type=submit]")
    wrong = json.dumps(label("sealed_wrong", "zh"))
    page.wait_for_function(f"""() => document.querySelector(".plotly-graph-div") !== null ||
        (document.getElementById("kp-message") || {{}}).textContent === {wrong}""", timeout=60_000)
    figures = page.locator(".plotly-graph-div")
    for i in range(figures.count()):  # drawn when scrolled to, as on any page
        figures.nth(i).scroll_into_view_if_needed()
        figures.nth(i).locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    seen = {"text": page.inner_text("body"), "errors": errors, "figures": page.locator(".plotly-graph-div").count(),
            "drawn": page.locator(".plotly-graph-div .main-svg").count()}  # fmt: skip
    page.close()
    return seen


def test_an_encrypted_page_opens_with_its_passphrase_and_stays_closed_with_a_wrong_one(browser, sealed: Path) -> None:
    shots = os.environ.get("KAPLAN_SCREENSHOTS")
    right = _unlock(browser, sealed, PASSPHRASE, Path(shots) / "sealed-right.png" if shots else None)
    assert right["errors"] == [] and right["figures"] > 0 and right["drawn"] > 0
    assert "本月概览" in right["text"] and label("sealed_prompt", "zh") not in right["text"]
    wrong = _unlock(browser, sealed, "not the passphrase", Path(shots) / "sealed-wrong.png" if shots else None)
    assert label("sealed_wrong", "zh") in wrong["text"]
    assert wrong["figures"] == 0 and "本月概览" not in wrong["text"]
