"""Offline HTML export: figures present, plotly.js once, no external script, style or font."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from kaplan.report.embed import PLOTLY_BUNDLE
from kaplan.report.export import notebook_html

pytestmark = pytest.mark.slow

CELLS = [
    'title: str = "<b>t</b>"',
    "from kaplan.report import context as report\nimport plotly.graph_objects as go\nimport pandas as pd",
    "report.show_figure(go.Figure(go.Bar(x=['a', 'b'], y=[1, 2]), layout={'title': title}))",
    "report.show_figure(go.Figure(go.Scatter(x=[1, 2], y=[3, 1])))",
    "import ipywidgets as w\nw.IntSlider(3)",
    "from IPython.display import HTML, display\n"
    "from kaplan.report.html import html_table\n"
    "display(HTML(html_table(pd.DataFrame({'customer_name': ['<script>alert(1)</script>']}))))",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_code_cell(c) for c in CELLS]
    nb.cells[0].metadata["tags"] = ["parameters"]
    source, target = folder / "in.ipynb", folder / "out.ipynb"
    nbformat.write(nb, str(source))
    pm.execute_notebook(str(source), str(target), kernel_name="python3", cwd=str(folder), progress_bar=False,
                        parameters={"title": "<img src=x onerror=alert(1)>"})
    return target


def test_every_figure_is_in_the_page_and_plotly_js_is_embedded_once(executed: Path) -> None:
    page = notebook_html(executed, "t")
    assert page.count('class="plotly-graph-div"') == 2
    assert page.count("partial bundle for kaplan") == 1  # the banner of the one inlined bundle
    assert page.count('kaplanFigure("kp-figure-') == 2
    # the vendored partial bundle and little else: no JupyterLab theme CSS, no full plotly.js
    assert PLOTLY_BUNDLE.stat().st_size < len(page.encode()) < PLOTLY_BUNDLE.stat().st_size + 60_000


def test_no_external_reference_and_no_code(executed: Path) -> None:
    page = notebook_html(executed, "t")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", page)
    assert "@import url(http" not in page
    # plotly.js itself names map-tile hosts in its code; only a browser with every host blocked proves that
    # nothing is fetched (tests/test_browser.py)
    assert "report.show_figure" not in page  # code cells hidden


def test_widgets_leave_no_empty_area_and_hostile_text_stays_text(executed: Path) -> None:
    page = notebook_html(executed, "t")
    assert "application/vnd.jupyter.widget-view+json" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
