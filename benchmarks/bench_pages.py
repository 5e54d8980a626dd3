"""The first screen of every published page (the front page, each audience's index, each national report,
one region's pages) in headless Chromium with every host blocked: the time from navigation until the page has
loaded and every figure on the first screen has its SVG, median of 3 visits. The demo month (the page size does
not grow with the data set: tables are cut, every row is in the workbooks). Budget: <= 1 s a page. Needs
Debian's ``chromium``.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from common import Context, Result

BUDGET_MS = 1_000
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip
# read in the page (no polling delay): loaded, and every figure on the screen has its SVG; false until then
FIRST_SCREEN = """() => document.readyState === "complete" && Array.from(document.querySelectorAll(".plotly-graph-div"))
  .filter(el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; })
  .every(el => el.querySelector(".main-svg") !== null) && performance.now()"""


def first_screen_ms(browser, path: Path) -> float:
    page = browser.new_page()
    page.goto(path.as_uri(), wait_until="load")
    ms = page.wait_for_function(FIRST_SCREEN, polling="raf").json_value()
    page.close()
    return ms


def run(ctx: Context) -> list[Result]:
    from playwright.sync_api import sync_playwright

    from kaplan.run.month import run_month

    executable = shutil.which("chromium") or shutil.which("chromium-headless-shell")
    if not executable:
        raise RuntimeError("the page benchmark needs Debian's chromium: apt-get install chromium")
    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        version = run_month("2026-06", out_dir=Path(tmp))
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        region = sorted(version.glob("region-*"))[0]
        pages = [version.parent.parent / "index.html", *sorted(version.glob("*/index.html")),
                 *sorted((version / "management").glob("0*.html")), *sorted(region.glob("*.html"))]
        for path in pages:
            times = [first_screen_ms(browser, path) for _ in range(3)]
            median = statistics.median(times)
            verdict = "within" if median <= BUDGET_MS else "OVER"
            results.append(Result(f"first screen of {path.relative_to(tmp)}", median / 1000, 3,
                                  f"{verdict} the {BUDGET_MS} ms budget; {path.stat().st_size:,} bytes"))  # fmt: skip
        browser.close()
    return results
