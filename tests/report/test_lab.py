"""The tuning notebook in a real JupyterLab, driven headless: open, save unchanged, run, slide, save, run the month.

The test starts its own JupyterLab server (a free port, a token, settings and workspaces in a
temporary folder) and stops it at the end. Needs Debian's ``chromium`` like the other browser tests.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from browsers import chromium

from kaplan.core.glossary import TERMS
from kaplan.run.month import NOTEBOOK_DIR

pytestmark = pytest.mark.slow

CHROMIUM = chromium()
JUPYTER = Path(sys.executable).parent / "jupyter-lab"
if not JUPYTER.exists():
    pytest.skip("JupyterLab is not installed: make install installs it with the dev extra", allow_module_level=True)

NOTEBOOK = "05_tuning.ipynb"
REDRAW = Path(os.environ.get("KAPLAN_LAB_TIMINGS", "")) if os.environ.get("KAPLAN_LAB_TIMINGS") else None


SHOTS = Path(os.environ["KAPLAN_LAB_SHOTS"]) if os.environ.get("KAPLAN_LAB_SHOTS") else None


# the time of the mouse release and of the last change to the panel (shares, errors, chart, table) after it
WATCH = """() => {
    window.__kp = {released: 0, last: 0};
    document.addEventListener('mouseup', () => { window.__kp.released = performance.now(); }, true);
    const root = document.querySelector('.widget-slider').closest('.jp-OutputArea');
    new MutationObserver(() => { window.__kp.last = performance.now(); })
        .observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(small_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server on a folder holding the tuning notebook (reading the small data set)."""
    root = tmp_path_factory.mktemp("lab")
    text = (NOTEBOOK_DIR / NOTEBOOK).read_text(encoding="utf-8")
    (root / NOTEBOOK).write_text(text.replace('data_dir: str = \\"\\"', f'data_dir: str = \\"{small_dir}\\"'),
                                 encoding="utf-8")  # fmt: skip
    (root / "committed").mkdir()
    for path in NOTEBOOK_DIR.glob("*.ipynb"):
        shutil.copy(path, root / "committed" / path.name)
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "KAPLAN_PARAMS_DIR": str(root / "params"), "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    server = subprocess.Popen(
        [str(JUPYTER), "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
         "--ServerApp.disable_check_xsrf=False", "--LabApp.expose_app_in_browser=True"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=open(root / "server.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((root / "server.log").read_text()) from None
                time.sleep(0.3)
        yield {"root": root, "url": url, "token": token, "env": env}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.errors = errors
        yield tab
        browser.close()


def _open(page, lab, name: str) -> None:
    """Open notebook ``name`` and wait for its kernel: the first by its address (JupyterLab loads), the next
    ones in the same JupyterLab by its open command, as a planner opens a file from the file browser."""
    if page.url.startswith(lab["url"]):
        page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")  # what was open before
        page.wait_for_selector(".jp-NotebookPanel", state="detached", timeout=30_000)
        page.evaluate("path => { window.__kernelStarting = false; window.jupyterapp.commands.execute("
                      "'docmanager:open', {path}); }", name)  # fmt: skip
    else:
        page.goto(f"{lab['url']}/lab/tree/{name}?reset&token={lab['token']}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    # the indicator reads idle before the kernel starts, then initializing, connecting, idle
    page.wait_for_function("""() => {
        const status = document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset?.status;
        if (status && status !== 'idle') window.__kernelStarting = true;
        return window.__kernelStarting === true && status === 'idle';
    }""", timeout=90_000, polling=50)


def _save(page, path: Path) -> None:
    """Save the open notebook with Ctrl+S and wait until ``path`` is written: changed, and whole (the server
    writes the file in place, so it is read until it parses)."""
    before = path.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.stat().st_mtime_ns != before:
            try:
                json.loads(path.read_text(encoding="utf-8"))
                return
            except ValueError:
                pass
        time.sleep(0.05)


def _run_all(page) -> None:
    """Run every cell from the first, as a planner does with Shift+Enter."""
    cells = page.locator(".jp-NotebookPanel .jp-Cell")
    cells.first.click()
    page.keyboard.press("Escape")
    for _ in range(cells.count()):
        page.keyboard.press("Shift+Enter")


def _run_code(page, code: str) -> str:
    """Append a cell after the last, run it, return its text output (the cell is not saved)."""
    cells = page.locator(".jp-NotebookPanel .jp-Cell")
    cells.last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    editor = page.locator(".jp-NotebookPanel .jp-Cell").last.locator(".cm-content")
    editor.click()
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    output = page.locator(".jp-NotebookPanel .jp-Cell").nth(cells.count() - 2).locator(".jp-OutputArea-output")
    output.first.wait_for(timeout=30_000)
    return output.first.inner_text().strip()


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")))
def test_committed_notebooks_survive_open_and_save_unchanged(page, lab, name: str) -> None:
    path = lab["root"] / "committed" / name
    before = path.stat().st_mtime_ns
    _open(page, lab, f"committed/{name}")
    _save(page, path)
    assert path.stat().st_mtime_ns > before  # really saved
    committed = json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8"))
    committed["metadata"]["language_info"]["version"] = platform.python_version()  # recorded: 3.11.7
    assert json.loads(path.read_text(encoding="utf-8")) == committed
    strip = Path(sys.executable).parent / "nbstripout"
    verify = subprocess.run([str(strip), "--verify", "--extra-keys", "metadata.papermill cell.metadata.papermill",
                             str(path)], capture_output=True, text=True)  # fmt: skip
    assert verify.returncode == 0, verify.stdout  # make lint passes after opening and saving


def test_tune_with_keyboard_and_mouse_then_save_and_run(page, lab, small_dir: Path) -> None:
    _open(page, lab, NOTEBOOK)
    _run_all(page)
    zh = {k: v[0] for k, v in TERMS.items()}
    try:
        page.wait_for_selector(f"text={zh['move_a_slider']}", state="attached", timeout=90_000)  # hint
    except Exception:
        if SHOTS:
            page.screenshot(path=str(SHOTS / "lab-failed.png"))
        raise
    if SHOTS:
        page.screenshot(path=str(SHOTS / "lab-opened.png"))
    sliders = page.locator(".widget-slider")
    assert sliders.count() == 4
    shares = page.locator(".widget-slider + .widget-html")  # the share beside each slider

    handle = sliders.nth(0).locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")  # trailing3 0.4 -> 0.5
    page.wait_for_function("() => document.querySelectorAll('.widget-slider + .widget-html')[0].innerText.trim()"
                           " === '45%'", timeout=30_000)  # 0.5 / 1.1  # fmt: skip
    assert page.locator(f"text={zh['move_a_slider']}").count() == 0
    before = int(_run_code(page, "print(panel.recomputations)"))
    page.evaluate(WATCH)

    sliders.nth(1).scroll_into_view_if_needed()
    track = sliders.nth(1).locator(".noUi-target").bounding_box()
    grip = sliders.nth(1).locator(".noUi-handle").bounding_box()
    x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    page.mouse.move(x, y)  # last_month's handle at 0.3
    page.mouse.down()
    end = track["x"] + track["width"] * 1.1  # past the end: 1.0
    for k in range(1, 31):
        page.mouse.move(x + (end - x) * k / 30, y)
        page.wait_for_timeout(15)
    page.mouse.up()
    page.wait_for_function("() => document.querySelectorAll('.widget-slider + .widget-html')[1].innerText.trim()"
                           " === '56%'", timeout=30_000)  # 1.0 / 1.8  # fmt: skip
    page.wait_for_timeout(2000)  # anything still to come would land here
    redraw_ms = page.evaluate("() => window.__kp.last - window.__kp.released")
    after, kernel_ms = map(int, _run_code(page, "print(panel.recomputations, round(panel.last_redraw_ms))").split())
    assert shares.nth(0).inner_text().strip() == "28%"  # 0.5 / 1.8
    assert after - before == 1  # a 30-step drag: one recomputation, on release
    if REDRAW:
        REDRAW.write_text(json.dumps({"drag_steps": 30, "recomputations": after - before, "kernel_ms": kernel_ms,
                                      "release_to_last_change_ms": round(redraw_ms)}))  # fmt: skip
    print(f"drag of 30 steps: {after - before} recomputation; page done {redraw_ms:.0f} ms after the release "
          f"(kernel {kernel_ms} ms)")

    if SHOTS:
        page.screenshot(path=str(SHOTS / "lab-moved.png"))
    page.locator("button.mod-primary", has_text=zh["save"]).click()
    saved_text = zh["saved_to"].split("{path}")[0].format(month="2026-06")
    page.wait_for_selector(f"p[role=status]:has-text('{saved_text}')", timeout=30_000)
    saved = yaml.safe_load((lab["root"] / "params" / "2026-06.yaml").read_text(encoding="utf-8"))
    assert saved == {"split_weights": {"trailing3": 0.5, "last_month": 1.0, "annual": 0.3, "pipeline": 0.0}}
    assert page.errors == []

    out = lab["root"] / "outputs"
    subprocess.run([str(Path(sys.executable).parent / "kaplan"), "run", "--month", "2026-06", "--data", str(small_dir),
                    "--out", str(out)], cwd=lab["root"], env=lab["env"], check=True, capture_output=True)  # fmt: skip
    manifest = json.loads((out / "2026-06" / "v1" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["params"]["split_weights"] == saved["split_weights"]
