"""Executed notebook -> one self-contained HTML page that opens offline.

nbconvert's defaults drop plotly figures (their mime type has no HTML renderer) and pull
require.js, MathJax, mermaid and the widget manager from CDNs, which hang on a closed intranet. Here each plotly output
becomes ``plotly.io.to_html`` HTML (no MathJax), widget outputs are dropped (static reports carry
their own tables and figures), and a template extending ``lab`` empties the CDN blocks. Code cells
are hidden.

plotly.js is inlined once per page, before the first figure, and each figure drawn when it comes
near the screen (:mod:`kaplan.report.embed`); a figure with a trace type the vendored bundle cannot
draw fails the export rather than drawing blank.

nbconvert's ``HTMLExporter`` re-reads every page it renders with BeautifulSoup's pure-Python parser
to give images an ``alt`` text and output areas a ``tabindex``: measured on the national month, that
pass (parse, two CSS selects, re-serialise of pages of up to 5 MB, plotly.js included) cost more
than the rendering itself. :class:`PageExporter` renders the template without it: the reports hold
no images, and the scrollable output areas get their ``tabindex`` from one regular expression. One
exporter serves every page (its templates compile once), one page at a time.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from kaplan.report.embed import checked_trace_types, figure_html, plotly_script

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
_EXPORTING = threading.Lock()
OUTPUT_AREA = re.compile(r'<div class="([^"<>]*\bjp-OutputArea-output\b[^"<>]*)"')


class PlotlyToHtml(Preprocessor):
    """Turn plotly mime outputs into static HTML, embedding plotly.js once per page, before the first figure."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        number = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_MIME in data:
                    data.pop(WIDGET_MIME)
                    if not set(data) - {"text/plain"}:
                        continue
                if PLOTLY_MIME in data:
                    fig = data.pop(PLOTLY_MIME)
                    checked_trace_types(fig)
                    data.pop("text/plain", None)
                    number += 1
                    script = plotly_script() if number == 1 else ""
                    data["text/html"] = script + figure_html(fig, f"kp-figure-{number}")
                kept.append(output)
            cell.outputs = kept
        nb.metadata.pop("widgets", None)
        return nb, resources


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its BeautifulSoup pass (see the module docstring)."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: object) -> tuple[str, dict]:
        """The page of ``nb``: ``HTMLExporter``'s filters and template, each output area focusable."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter(
            "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        )
        resources = self._init_resources(resources)
        widgets = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("filter_data_type", widgets)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return OUTPUT_AREA.sub(r'<div tabindex="0" class="\1"', html), resources


@functools.cache
def html_exporter() -> PageExporter:
    """The one exporter of this process (its templates compile on first use)."""
    exporter = PageExporter(
        template_name="kaplan_html",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(PlotlyToHtml, enabled=True)
    return exporter


def ready_exporter() -> PageExporter:
    """:func:`html_exporter` with its templates compiled: a run calls it while its kernels finish starting."""
    exporter = html_exporter()
    exporter.template  # noqa: B018 (the property loads and compiles the templates once)
    return exporter


def notebook_html(notebook: Path, title: str) -> str:
    """The HTML page of an executed notebook (papermill's error banner and parameters hidden)."""
    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    nb.cells = [c for c in nb.cells if not _hidden(c)]
    with _EXPORTING:  # one exporter, its filters registered per page: one page at a time
        body, _ = html_exporter().from_notebook_node(nb)
    return body


def _hidden(cell: NotebookNode) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & {"parameters", "injected-parameters", "remove-cell"})
