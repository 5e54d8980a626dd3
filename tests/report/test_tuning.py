"""The tuning panel (notebooks/05_tuning.ipynb): sliders, one recomputation per release, Save, every row."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.errors import ParamsError
from kaplan.core.glossary import TERMS
from kaplan.core.params import (
    Params,
    SplitWeights,
    load_params,
    save_split_weights,
    split_weights_problem,
)
from kaplan.plan.figures import change_figure
from kaplan.plan.targets import month_targets
from kaplan.report import context as report
from kaplan.report import tuning

MONTH = "2026-06"
AT = datetime.fromisoformat("2026-06-28T17:05:00+08:00")
ALL_ZERO = "weights trailing3, last_month, annual and pipeline are all 0: give at least one a positive weight"


@pytest.fixture
def params_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "params"
    monkeypatch.setenv("KAPLAN_PARAMS_DIR", str(folder))
    return folder


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list:
    shown: list = []
    monkeypatch.setattr(report, "show_figure", shown.append)
    return shown


@pytest.fixture
def panel(small_dir: Path, params_dir: Path, figures: list) -> tuning.TuningPanel:
    ctx = report.context(MONTH, "2026-06-20", str(small_dir), language="zh")
    return tuning.TuningPanel(ctx, tuning.tuning_months(MONTH))


def test_opens_on_the_saved_weights_with_shares_and_a_hint_to_move_a_slider(panel, figures) -> None:
    assert panel.raw_weights == {"trailing3": 0.4, "last_month": 0.3, "annual": 0.3, "pipeline": 0.0}
    assert [panel.shares[n].value for n in panel.sliders] == ["<b>40%</b>", "<b>30%</b>", "<b>30%</b>", "<b>0%</b>"]
    assert panel.recomputations == 1
    assert (panel.split["change"] == 0).all()
    assert figures[-1].layout.annotations[0].text == TERMS["move_a_slider"][0]
    assert all(not s.continuous_update and not s.readout for s in panel.sliders.values())
    assert panel.month.options == ("2026-05", "2026-06", "2026-07")


def test_a_release_recomputes_once_and_equals_the_batch_split(panel, small_tables) -> None:
    panel.level.value = "dealer"
    before = panel.recomputations
    panel.sliders["trailing3"].value = 1.0  # a drag's release: one value message
    assert panel.recomputations == before + 1
    assert [panel.shares[n].value for n in panel.sliders] == ["<b>62%</b>", "<b>19%</b>", "<b>19%</b>", "<b>0%</b>"]
    batch = month_targets(small_tables, MONTH, Params(), weights=(1.0, 0.3, 0.3)).dealer
    batch = batch[batch["line"] == panel.line.value]
    assert np.array_equal(panel.split["target"].to_numpy(), batch["target"].to_numpy())
    assert panel.split["change"].sum() == 0


def test_a_whole_weight_set_is_one_recomputation_and_the_table_none(panel) -> None:
    before = panel.recomputations
    panel.use["suggested"].click()
    assert panel.recomputations == before + 1
    assert tuple(panel.raw_weights.values()) == pytest.approx(panel.state.suggestion.weights)
    panel.filter.value = "a"
    panel.sort.value = "target"
    panel.ascending.value = True
    assert panel.recomputations == before + 1


def test_the_dealer_view_lists_every_dealer_of_a_province_and_line(panel, small_tables) -> None:
    panel.level.value = "dealer"
    province = small_tables.org["province"].value_counts().index[0]
    panel.province.value = province
    dealers = small_tables.org[small_tables.org["province"] == province]
    assert sorted(panel.split["dealer_id"]) == sorted(dealers["dealer_id"])
    assert panel.table.value.count("<tr>") == len(dealers) + 1  # header row
    assert TERMS["rows_shown"][0].format(shown=len(dealers), total=len(dealers)) in panel.table.value


def test_all_zero_weights_are_refused_with_the_message_of_the_params_file(panel, params_dir) -> None:
    panel.set_weights(dict.fromkeys(panel.sliders, 0.0))
    assert split_weights_problem(panel.raw_weights) == ALL_ZERO
    assert panel.status.value == f'<p style="color:#b42318" role="status">{TERMS["weights_refused"][0]}: {ALL_ZERO}</p>'
    assert panel.save_button.disabled
    panel.save(AT)
    assert not params_dir.exists()
    params_dir.mkdir()
    (params_dir / f"{MONTH}.yaml").write_text(
        "split_weights: {trailing3: 0, last_month: 0, annual: 0, pipeline: 0}\n")
    with pytest.raises(ParamsError, match=ALL_ZERO):
        load_params(None, MONTH)


def test_save_writes_the_month_file_that_the_next_run_reads(panel, params_dir, small_tables) -> None:
    params_dir.mkdir()
    path = params_dir / f"{MONTH}.yaml"
    path.write_text("# June: tender season\nstale_days: 5  # field reports come late\n", encoding="utf-8")
    panel.set_weights({"trailing3": 0.5, "last_month": 0.25, "annual": 0.25, "pipeline": 0.0})
    panel.by.value = "张总监"
    panel.save(AT)
    text = path.read_text(encoding="utf-8")
    assert text == ("# June: tender season\nstale_days: 5  # field reports come late\n"
                    "# split_weights saved by 张总监 at 2026-06-28T17:05:00+08:00\n"
                    "split_weights:\n  trailing3: 0.5\n  last_month: 0.25\n  annual: 0.25\n  pipeline: 0.0\n")
    assert TERMS["saved_to"][0].format(month=MONTH, path=path.resolve()) in panel.status.value
    params = load_params(None, MONTH)
    assert params.split_weights == SplitWeights(trailing3=0.5, last_month=0.25, annual=0.25)
    assert params.stale_days == 5
    issued = month_targets(small_tables, MONTH, params).province
    issued = issued[issued["line"] == panel.line.value]
    assert np.array_equal(issued["target"].to_numpy(), panel.split["target"].to_numpy())
    assert panel.state.params.split_weights == params.split_weights  # the saved row of the errors table
    assert [p.name for p in params_dir.iterdir()] == [path.name]  # no temporary file left


def test_an_approved_month_is_saved_only_when_confirmed(panel, params_dir) -> None:
    approvals = params_dir / "approvals"
    approvals.mkdir(parents=True)
    events = [{"stage": s, "by": "x", "at": "2026-07-01T09:00:00+08:00", "note": ""}
              for s in ("compiled", "reviewed", "approved")]  # fmt: skip
    (approvals / f"{MONTH}.json").write_text(json.dumps({"month": MONTH, "events": events}), encoding="utf-8")
    panel.states.clear()
    panel.choose_month(MONTH)
    panel.sliders["annual"].value = 0.6
    panel.save(AT)
    assert TERMS["save_refused_approved"][0].format(month=MONTH) in panel.status.value
    assert not (params_dir / f"{MONTH}.yaml").exists()
    panel.confirm.value = True
    panel.save(AT)
    assert load_params(None, MONTH).split_weights.annual == 0.6


def test_every_label_of_the_panel_comes_from_the_glossary(panel) -> None:
    words = {text for pair in TERMS.values() for text in pair}

    def texts(widget: w.Widget) -> list[str]:
        out = [getattr(widget, "description", "")]
        if isinstance(widget, w.Dropdown | w.ToggleButtons) and widget is not panel.province:
            labels = [o[0] if isinstance(o, tuple) else o for o in widget.options]
            out += [str(x) for x in labels if not str(x).startswith("20")]  # months read as months
        for child in getattr(widget, "children", ()):
            out += texts(child)
        return [t for t in out if t]

    shown = texts(panel.widget())
    assert len(shown) > 20
    assert [t for t in shown if t not in words] == []
    assert panel.province.options[0][0] == TERMS["all_provinces"][0]


def test_the_table_filters_and_sorts_all_rows() -> None:
    split = pd.DataFrame({"province": ["北京", "北京", "河北"], "dealer_id": ["D1", "D2", "D3"],
                          "dealer_name": ["远景", "万方", "远景唐山"], "line": "work", "issued": [5, 3, 2],
                          "target": [4, 5, 1], "change": [-1, 2, -1]})  # fmt: skip
    assert tuning.shown_rows(split, "dealer", "", "change", False)["dealer_id"].tolist() == ["D2", "D1", "D3"]
    assert tuning.shown_rows(split, "dealer", "远景", "target", True)["dealer_id"].tolist() == ["D3", "D1"]
    assert tuning.shown_rows(split, "dealer", "d2", "name", True)["dealer_id"].tolist() == ["D2"]


def test_the_change_chart_shows_the_largest_moves_as_horizontal_bars() -> None:
    n = 240
    split = pd.DataFrame({"province": "北京", "dealer_id": [f"D{i:03d}" for i in range(n)],
                          "dealer_name": [f"经销商{i}" for i in range(n)], "change": np.arange(n) - 100})  # fmt: skip
    fig = change_figure(split, "dealer_name", "en", n=15)
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.x) == [*range(-100, -85), *range(125, 140)]
    assert bar.y[0] == "经销商0 (D000)" and bar.y[-1] == "经销商239 (D239)"
    assert fig.layout.height == 22 * 30 + 120
    assert fig.layout.title.text.endswith("the 30 largest of 239 changes (240 units)")
    still = change_figure(split.assign(change=0), "dealer_name", "en")
    assert still.data == () and still.layout.annotations[0].text == TERMS["move_a_slider"][1]


@given(st.lists(st.floats(0, 1), min_size=4, max_size=4).filter(lambda v: sum(v) > 0))
def test_normalised_shares_sum_to_one(values: list[float]) -> None:
    shares = tuning.normalised(dict(zip("abcd", values, strict=True)))
    assert sum(shares.values()) == pytest.approx(1.0)
    assert tuning.normalised(dict.fromkeys("abcd", 0.0)) == dict.fromkeys("abcd", 0.0)


def test_saving_keeps_other_keys_comments_and_earlier_saves(tmp_path: Path) -> None:
    path = tmp_path / "2026-07.yaml"
    path.write_text("split_weights:  # July\n  trailing3: 0.2  # tenders\n  annual: 0.8\nrolling: false\n")
    save_split_weights(path, SplitWeights(trailing3=0.1, last_month=0.2, annual=0.7), "李", AT)
    save_split_weights(path, SplitWeights(trailing3=0.3, last_month=0.3, annual=0.4), "王", AT)
    text = path.read_text()
    assert "# split_weights saved by 李 at 2026-06-28T17:05:00+08:00\n" in text
    assert "# split_weights saved by 王 at 2026-06-28T17:05:00+08:00\n" in text
    assert "trailing3: 0.3  # tenders" in text and "rolling: false" in text
    assert yaml.safe_load(text) == {"split_weights": {"trailing3": 0.3, "annual": 0.4, "last_month": 0.3,
                                                      "pipeline": 0.0}, "rolling": False}  # fmt: skip
    new = tmp_path / "new" / "2026-08.yaml"
    save_split_weights(new, SplitWeights(), "李", AT)
    assert yaml.safe_load(new.read_text())["split_weights"] == SplitWeights().model_dump()


def test_a_file_that_does_not_parse_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "2026-07.yaml"
    path.write_text("split_weights: [unclosed\n")
    with pytest.raises(ParamsError, match="not valid YAML"):
        save_split_weights(path, SplitWeights(), "李", AT)
    assert path.read_text() == "split_weights: [unclosed\n"
    path.write_text("- a list\n")
    with pytest.raises(ParamsError, match="top level must be a mapping"):
        save_split_weights(path, SplitWeights(), "李", AT)
