"""Plotly figures embedded in a self-contained page: plotly.js once, then each figure as a placeholder
drawn when it comes near the screen (docs/operations.md §4).

Used by the notebook export (:mod:`kaplan.report.export`) and by the region pages
(:mod:`kaplan.report.regions`), which the notebook kernels write: this module imports neither
nbformat nor nbconvert, whose import (through jsonschema's format checkers) costs a kernel seconds.

plotly.js is the partial bundle kept in ``vendor/`` (plotly.js's core with scatter, plus bar and
funnel: the trace types kaplan draws; 1.15 MB against 4.8 MB for the full library; MIT, its licence
beside it; rebuilt by ``vendor/build-plotly.sh``). A figure with another trace type fails
(:func:`checked_trace_types`) rather than drawing blank.
"""

from __future__ import annotations

from pathlib import Path

from plotly.io.json import to_json_plotly

from kaplan.core.errors import PublishError

PLOTLY_BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-kaplan.min.js"
BUNDLED_TRACES = frozenset({"scatter", "bar", "funnel"})


def checked_trace_types(figure: dict) -> set[str]:
    """The trace types of a figure's JSON; PublishError naming any the vendored bundle cannot draw."""
    types = {trace.get("type", "scatter") for trace in figure.get("data", [])}
    missing = types - BUNDLED_TRACES
    if missing:
        raise PublishError(f"trace type(s) {sorted(missing)} are not in {PLOTLY_BUNDLE.name}: add them to "
                          "vendor/build-plotly.sh and BUNDLED_TRACES")  # fmt: skip
    return types


# Draws a figure when it comes near the screen, and runs plotly.js (kept as text until then) for the
# first one: the page shows its first screen without waiting for plotly.js or the figures further
# down (docs/operations.md §4).
FIGURE_LOADER = """
(function () {
  function plotly() {
    if (!window.Plotly) {
      var code = document.createElement("script");
      code.text = document.getElementById("kp-plotly-js").textContent;
      document.head.appendChild(code);
    }
    return window.Plotly;
  }
  function draw(el) {
    if (el.getAttribute("data-kp-drawn")) { return; }
    el.setAttribute("data-kp-drawn", "1");
    var spec = JSON.parse(document.getElementById(el.id + "-spec").textContent);
    plotly().newPlot(el, spec.data, spec.layout, spec.config);
  }
  var near = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) { near.unobserve(e.target); draw(e.target); } });
  }, {rootMargin: "100px"}) : null;
  window.kaplanFigure = function (id) {
    var el = document.getElementById(id);
    if (near) { near.observe(el); } else { draw(el); }
  };
})();
"""
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}
DEFAULT_HEIGHT = 450  # plotly.js's default figure height, px


def plotly_script() -> str:
    """The vendored plotly.js bundle (as text, run by the loader when the first figure is drawn) and the loader."""
    bundle = PLOTLY_BUNDLE.read_text(encoding="utf-8")
    return f'<script type="text/plain" id="kp-plotly-js">{bundle}</script><script>{FIGURE_LOADER}</script>'


def figure_html(figure: dict, element_id: str) -> str:
    """A figure's placeholder (sized as the figure), its JSON and the call that draws it when near the screen.

    The JSON has ``<``, ``>`` and ``/`` escaped as plotly.py's own ``to_html`` does, so no text of
    the data can close the script element.
    """
    spec = {"data": figure.get("data", []), "layout": figure.get("layout", {}), "config": FIGURE_CONFIG}
    text = to_json_plotly(spec).replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\u002f")
    height = int(figure.get("layout", {}).get("height") or DEFAULT_HEIGHT)
    return (f'<div class="plotly-graph-div" id="{element_id}" style="height:{height}px;width:100%"></div>'
            f'<script type="application/json" id="{element_id}-spec">{text}</script>'
            f'<script>kaplanFigure("{element_id}")</script>')  # fmt: skip
