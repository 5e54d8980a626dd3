"""Live weight tuning: the slider's split equals the batch cascade; the static report has no widgets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.params import Params, SplitWeights
from kaplan.core.tables import Tables
from kaplan.plan.figures import scenario_figure
from kaplan.plan.live import LiveSplit, scenario_targets
from kaplan.plan.scenarios import scenarios_sheet
from kaplan.plan.targets import month_targets

MONTH = "2026-06"


@pytest.fixture(scope="module")
def live(small_tables: Tables) -> LiveSplit:
    return LiveSplit.build(small_tables, MONTH, month_targets(small_tables, MONTH, Params()))


def test_issued_weights_reproduce_the_issued_split(live: LiveSplit) -> None:
    for level in ("province", "dealer"):
        split = live.split(level, Params().split_weights.as_tuple())
        assert (split["change"] == 0).all()


@settings(max_examples=15, deadline=None)
@given(st.tuples(*[st.integers(0, 20)] * 3).filter(lambda w: sum(w) > 0))
def test_live_split_equals_the_batch_cascade(live: LiveSplit, small_tables: Tables, raw: tuple[int, int, int]) -> None:
    weights = tuple(w / sum(raw) for w in raw)
    batch = month_targets(small_tables, MONTH, Params(), weights=SplitWeights(
        trailing3=weights[0], last_month=weights[1], annual=weights[2]))
    for level in ("province", "dealer"):
        split = live.split(level, weights)
        expected = getattr(batch, level)
        keys = ["province", "line"] if level == "province" else ["dealer_id", "line"]
        merged = split.merge(expected[[*keys, "target"]], on=keys, suffixes=("", "_batch"))
        assert len(merged) == len(split) == len(expected)
        assert (merged["target"] == merged["target_batch"]).all()
        assert split["change"].sum() == 0  # the parents do not move


def test_one_line_filter_keeps_only_that_line(live: LiveSplit) -> None:
    split = live.split("dealer", (0.2, 0.3, 0.5), line="work")
    assert set(split["line"]) == {"work"}


def test_scenario_explorer_has_a_frame_and_slider_step_per_scenario(live: LiveSplit, small_tables: Tables) -> None:
    sheet = scenarios_sheet(small_tables, MONTH, Params())
    table = scenario_targets(live, sheet)
    assert list(table.columns) == sheet["scenario"].tolist()
    assert (table.sum() == table["current"].sum()).all()  # every scenario splits the same plan
    fig = scenario_figure(table, "en")
    assert [f.name for f in fig.frames] == sheet["scenario"].tolist()
    assert len(fig.layout.sliders[0].steps) == len(sheet)
    current = table["current"].to_numpy()
    assert np.array_equal(np.asarray(fig.data[0].y), current)


@pytest.mark.slow
def test_published_report_holds_no_widget_only_output(published: Path) -> None:
    nb = json.loads((published / "analysts" / "notebooks" / "01_targets.ipynb").read_text(encoding="utf-8"))
    mimes = {m for c in nb["cells"] for o in c.get("outputs", []) for m in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" not in mimes
    assert "application/vnd.plotly.v1+json" in mimes
    page = (published / "management" / "01_targets.html").read_text(encoding="utf-8")
    assert "sliders" in page and "frames" in page
