"""The vendored plotly.js partial bundle: the right version, its licence, every trace type kaplan draws."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.offline
import pytest

from kaplan.core.errors import PublishError
from kaplan.report.embed import BUNDLED_TRACES, PLOTLY_BUNDLE, checked_trace_types, figure_html

VENDOR = PLOTLY_BUNDLE.parent
PACKAGE = Path(__file__).resolve().parents[2] / "kaplan"


def test_the_bundle_is_the_plotly_js_that_plotly_py_was_built_for() -> None:
    banner = PLOTLY_BUNDLE.read_text(encoding="utf-8")[:300]
    assert f"plotly.js v{plotly.offline.get_plotlyjs_version()} partial bundle" in banner
    assert PLOTLY_BUNDLE.stat().st_size < 1_300_000  # the full plotly.js is 4.8 MB


def test_the_licences_travel_with_the_bundle() -> None:
    assert (VENDOR / "LICENSE-plotly.js.txt").read_text(encoding="utf-8").startswith("MIT License")
    assert "MIT" in (VENDOR / "plotly-kaplan.min.js.LEGAL.txt").read_text(encoding="utf-8")
    assert "Licensed under the MIT license" in PLOTLY_BUNDLE.read_text(encoding="utf-8")[:300]
    assert "--traces" not in (VENDOR / "build-plotly.sh").read_text(encoding="utf-8")  # the script names them itself


def test_every_trace_type_kaplan_draws_is_in_the_bundle() -> None:
    used = set()
    for path in PACKAGE.rglob("figures.py"):
        used |= {name.lower() for name in re.findall(r"\bgo\.([A-Z][a-z]+)\(", path.read_text(encoding="utf-8"))}
    used -= {"figure", "frame"}
    assert used and used <= BUNDLED_TRACES, f"{sorted(used - BUNDLED_TRACES)} are not in the bundle"


def test_a_figure_the_bundle_cannot_draw_stops_the_export() -> None:
    assert checked_trace_types({"data": [{"type": "bar"}, {}]}) == {"bar", "scatter"}
    with pytest.raises(PublishError, match=r"\['pie'\] are not in plotly-kaplan.min.js"):
        checked_trace_types({"data": [{"type": "pie"}]})


def test_figure_json_cannot_close_its_script() -> None:
    hostile = "</script><script>window.__xss=1</script>"
    text = figure_html({"data": [{"type": "bar", "x": [hostile], "y": [1]}], "layout": {"height": 320}}, "kp-figure-1")
    assert "window.__xss" in text and "</script><script>window" not in text
    assert text.count("</script>") == 2  # the JSON's own and the drawing call's
    assert 'style="height:320px;width:100%"' in text and 'kaplanFigure("kp-figure-1")' in text
