"""Every page of a published version in headless Chromium with every host blocked.

No network request leaves the page, the console has no error, every plotly figure is drawn and
hostile names in the data are shown as text, never run. Needs Debian's ``chromium``: `.ci/run`
installs it; elsewhere the test is skipped when it is missing (but never under CI).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-headless-shell")
if not CHROMIUM and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium for the browser tests: apt-get install chromium")
if not CHROMIUM:
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

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


def _visit(browser, page_path: Path) -> dict:
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri(), wait_until="load")
    figures = page.locator(".plotly-graph-div").count()
    if figures:
        page.wait_for_function(
            "n => document.querySelectorAll('.plotly-graph-div .main-svg').length >= n", arg=figures, timeout=30_000
        )
    drawn = page.locator(".plotly-graph-div .main-svg").count()
    xss = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
    text = page.inner_text("body")
    page.close()
    return {"requests": requests, "errors": errors, "figures": figures, "drawn": drawn, "xss": xss, "text": text}


def test_index_and_every_report_open_offline(browser, published: Path) -> None:
    pages = [published / "index.html", *sorted(published.glob("0*.html"))]
    assert len(pages) >= 3
    for path in pages:
        seen = _visit(browser, path)
        assert seen["requests"] == [], f"{path.name} asked the network for {seen['requests'][:3]}"
        assert seen["errors"] == [], f"{path.name} console errors: {seen['errors'][:3]}"
        assert seen["xss"] is None, f"{path.name} ran injected script"
        if path.name != "index.html":
            assert seen["figures"] > 0, f"{path.name} has no figure"
            assert seen["drawn"] >= seen["figures"], f"{path.name}: {seen['drawn']} of {seen['figures']} drawn"


def test_hostile_names_show_as_text(browser, published: Path) -> None:
    seen = _visit(browser, published / "01_targets.html")
    assert "<script>window.__xss=1</script>" in seen["text"]
