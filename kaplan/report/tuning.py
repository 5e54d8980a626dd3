"""The planner's tuning panel (docs/method.md §2.2, the tuning panel): ``notebooks/05_tuning.ipynb``.

Month, line, level and province selectors; four weight sliders, each with its normalised share;
the backtest error of the slider weights next to the saved, the suggested and the seed's default
weights; a Save button writing ``split_weights`` to ``params/YYYY-MM.yaml``; the change chart (the
largest gains and losses) and a sortable, filterable table of every province or dealer.

Sliders send their value when released (``continuous_update=False``): one drag is one
recomputation, never one per intermediate value. :attr:`TuningPanel.recomputations` counts them.
"""

from __future__ import annotations

import getpass
import html
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import display

from kaplan.assessment.workflow import approvals_dir, load_approvals
from kaplan.core.errors import KaplanError
from kaplan.core.glossary import code_label
from kaplan.core.months import Month
from kaplan.core.params import (
    Params,
    SplitWeights,
    load_params,
    month_params_file,
    save_split_weights,
    split_weights_problem,
)
from kaplan.plan.adjustments import adjustment_records, apply_adjustments
from kaplan.plan.composite import COMPONENTS
from kaplan.plan.figures import change_figure
from kaplan.plan.live import LiveSplit
from kaplan.plan.scenarios import BacktestData, Suggestion, backtest_data, backtest_many, suggest
from kaplan.plan.targets import month_targets
from kaplan.report import context as report
from kaplan.report.context import Context
from kaplan.report.html import html_table

log = logging.getLogger(__name__)

TABLE_COLUMNS = {"province": ["region", "province", "line", "issued", "target", "change"],
                 "dealer": ["province", "dealer_id", "dealer_name", "line", "issued", "target", "change"]}  # fmt: skip
SORT_COLUMNS = ("change", "target", "issued", "name")
SHOWN_NAMES = {"issued": "issued_target", "target": "slider_target", "change": "slider_change"}


@dataclass(frozen=True)
class MonthState:
    """What the panel needs of one month, computed once when the month is chosen."""

    month: str
    params: Params
    live: LiveSplit
    backtest: BacktestData
    suggestion: Suggestion
    approved: bool


def month_state(ctx: Context, month: str) -> MonthState:
    """The issued split of ``month`` under its own parameters, its backtest data and suggestion."""
    params = load_params(ctx.params_file or None, month)
    formula = month_targets(ctx.tables, month, params)
    issued = apply_adjustments(formula, adjustment_records(ctx.params_file, month))[0]
    live = LiveSplit.build(ctx.tables, month, issued, params.stage_probabilities)
    bd = backtest_data(ctx.tables, month, params.stage_probabilities)
    approvals = load_approvals(month, approvals_dir(ctx.params_file or None))
    return MonthState(month, params, live, bd, suggest(bd, params.split_weights), approvals.state == "approved")


def normalised(raw: dict[str, float]) -> dict[str, float]:
    """The weights as shares of their sum (docs/method.md §2.2); all 0 stays all 0."""
    total = sum(raw.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in raw.items()}


def shown_rows(split: pd.DataFrame, level: str, text: str, sort: str, ascending: bool) -> pd.DataFrame:
    """The table's rows: ``split`` filtered by ``text`` (in any name or code) and sorted, all rows kept."""
    frame = split[TABLE_COLUMNS[level]]
    if text.strip():
        names = frame.drop(columns=["issued", "target", "change"]).astype(str).agg(" ".join, axis=1)
        frame = frame[names.str.contains(text.strip(), case=False, regex=False)]
    key = ("province" if level == "province" else "dealer_name") if sort == "name" else sort
    return frame.sort_values(key, ascending=ascending, kind="stable").reset_index(drop=True)


class TuningPanel:
    """The widgets of the tuning panel and the one recomputation they share."""

    def __init__(self, ctx: Context, months: list[str]) -> None:
        self.ctx = ctx
        self.states: dict[str, MonthState] = {}
        self.recomputations = 0
        self.split = pd.DataFrame()
        self._holding = False
        t = ctx.label
        self.month = w.Dropdown(options=months, value=ctx.month, description=t("month"))
        self.level = w.ToggleButtons(options=[(t("province"), "province"), (t("dealer"), "dealer")],
                                     description=t("level"))  # fmt: skip
        self.line = w.Dropdown(description=t("line"))
        self.province = w.Dropdown(description=t("province"))
        self.sliders = {name: w.FloatSlider(min=0.0, max=1.0, step=0.05, description=t(name), readout=False,
                                            continuous_update=False, style={"description_width": "14em"},
                                            layout={"width": "34em"}) for name in COMPONENTS}  # fmt: skip
        self.shares = {name: w.HTML() for name in COMPONENTS}
        self.weights_table = w.HTML()
        self.use = {name: w.Button(description=t(f"use_{name}")) for name in ("saved", "suggested", "default")}
        self.by = w.Text(value=getpass.getuser(), description=t("saved_by"))
        self.confirm = w.Checkbox(value=False, description=t("confirm_approved"), indent=False)
        self.save_button = w.Button(description=t("save"), button_style="primary", icon="save")
        self.status = w.HTML()
        self.figure = w.Output()
        self.filter = w.Text(description=t("filter"), placeholder=t("filter_hint"))
        self.sort = w.Dropdown(options=[(t(SHOWN_NAMES.get(c, "unit_name")), c) for c in SORT_COLUMNS],
                               description=t("sort_by"))  # fmt: skip
        self.ascending = w.Checkbox(value=False, description=t("ascending"), indent=False)
        self.table = w.HTML()
        self.last_redraw_ms = 0.0
        self._wire()
        self.choose_month(ctx.month)

    # --- layout and events

    def _wire(self) -> None:
        for slider in self.sliders.values():
            slider.observe(self.redraw, names="value")
        for control in (self.line, self.province, self.level):
            control.observe(self.redraw, names="value")
        for control in (self.filter, self.sort, self.ascending):
            control.observe(self.show_table, names="value")
        self.month.observe(self._month_changed, names="value")
        self.use["saved"].on_click(lambda _: self.set_weights(self.state.params.split_weights.model_dump()))
        self.use["suggested"].on_click(lambda _: self.set_weights(dict(zip(COMPONENTS, self.state.suggestion.weights,
                                                                            strict=True))))  # fmt: skip
        self.use["default"].on_click(lambda _: self.set_weights(SplitWeights().model_dump()))
        self.save_button.on_click(lambda _: self.save())

    def widget(self) -> w.VBox:
        """The whole panel, top to bottom."""
        t = self.ctx.label
        sliders = [w.HBox([self.sliders[n], self.shares[n]]) for n in COMPONENTS]
        return w.VBox([
            w.HTML(f"<p>{html.escape(t('tuning_howto'))}</p>"),
            w.HBox([self.month, self.line]), w.HBox([self.level, self.province]),
            *sliders, w.HBox(list(self.use.values())), self.weights_table,
            w.HBox([self.by, self.confirm, self.save_button]), self.status,
            self.figure, w.HBox([self.filter, self.sort, self.ascending]), self.table,
        ])  # fmt: skip

    @property
    def state(self) -> MonthState:
        return self.states[self.month.value]

    @property
    def raw_weights(self) -> dict[str, float]:
        return {name: float(s.value) for name, s in self.sliders.items()}

    def _month_changed(self, change: dict) -> None:
        try:
            self.choose_month(change["new"])
        except KaplanError as exc:
            self.month.value = change["old"]
            self._say(str(exc), error=True)

    def choose_month(self, month: str) -> None:
        """Load ``month`` (once) and set the sliders to its saved weights."""
        if month not in self.states:
            self.states[month] = month_state(self.ctx, month)
        comps = self.state.live.comps["dealer"].frame
        lines = list(dict.fromkeys(comps["line"]))
        provinces = list(dict.fromkeys(comps["province"]))
        self._holding = True
        self.line.options = [(code_label("line", x, self.ctx.lang), x) for x in lines]
        self.line.value = self.line.value if self.line.value in lines else lines[0]
        self.province.options = [(self.ctx.label("all_provinces"), ""), *[(p, p) for p in provinces]]
        self._holding = False
        self.set_weights(self.state.params.split_weights.model_dump())

    def set_weights(self, values: dict[str, float]) -> None:
        """Move all four sliders at once: one recomputation."""
        self._holding = True
        for name, slider in self.sliders.items():
            slider.value = float(values[name])
        self._holding = False
        self.redraw()

    # --- the recomputation

    def redraw(self, *_: object) -> None:
        """Re-split for the slider weights and redraw the shares, errors, chart and table."""
        if self._holding:
            return
        started = time.perf_counter()
        raw = self.raw_weights
        shares = normalised(raw)
        for name, share in shares.items():
            self.shares[name].value = f"<b>{share:.0%}</b>"
        self.province.disabled = self.level.value == "province"
        problem = split_weights_problem(raw)
        if problem:
            self._say(f"{self.ctx.label('weights_refused')}: {problem}", error=True)
            self.save_button.disabled = True
            return
        self.save_button.disabled = False
        self.recomputations += 1
        self._say("")
        self.weights_table.value = self._weights_html(raw)
        split = self.state.live.split(self.level.value, tuple(raw.values()), self.line.value)
        if self.level.value == "dealer" and self.province.value:
            split = split[split["province"] == self.province.value]
        self.split = split
        unit = "province" if self.level.value == "province" else "dealer_name"
        with self.figure:
            self.figure.clear_output(wait=True)
            report.show_figure(change_figure(split, unit, self.ctx.lang))
        self.show_table()
        self.last_redraw_ms = (time.perf_counter() - started) * 1000
        log.info("tuning: recomputed %s in %.0f ms", shares, self.last_redraw_ms)

    def _weights_html(self, raw: dict[str, float]) -> str:
        """Slider, saved, suggested and default weights (as shares) with their backtest error."""
        rows = {"current": raw, "saved": self.state.params.split_weights.model_dump(),
                "suggested": dict(zip(COMPONENTS, self.state.suggestion.weights, strict=True)),
                "seed_default": SplitWeights().model_dump()}  # fmt: skip
        weights = np.array([[r[c] for c in COMPONENTS] for r in rows.values()], dtype="float64")
        errors = backtest_many(self.state.backtest, weights)
        frame = pd.DataFrame(weights / weights.sum(axis=1, keepdims=True), columns=list(COMPONENTS))
        frame.insert(0, "weights", [self.ctx.label(f"weights_{k}") for k in rows])
        frame["backtest_tvd"] = errors
        return html_table(frame, self.ctx.lang, translate_codes=False)

    def show_table(self, *_: object) -> None:
        """Every row of the split (filtered, sorted), in a scrolling box."""
        if self.split.empty:
            return
        rows = shown_rows(self.split, self.level.value, self.filter.value, self.sort.value, self.ascending.value)
        count = self.ctx.label("rows_shown").format(shown=len(rows), total=len(self.split))
        body = html_table(rows.rename(columns=SHOWN_NAMES), self.ctx.lang, max_rows=len(rows) + 1)
        self.table.value = (f"<p>{html.escape(count)}</p>"
                            f'<div style="max-height:28em;overflow:auto">{body}</div>')  # fmt: skip

    # --- saving

    def save(self, at: datetime | None = None) -> None:
        """Write the slider weights to ``params/YYYY-MM.yaml``; refused for an approved month unless confirmed."""
        raw = self.raw_weights
        problem = split_weights_problem(raw)
        if problem:
            self._say(f"{self.ctx.label('weights_refused')}: {problem}", error=True)
            return
        if self.state.approved and not self.confirm.value:
            self._say(self.ctx.label("save_refused_approved").format(month=self.state.month), error=True)
            return
        path = month_params_file(self.state.month, self.ctx.params_file or None)
        stamp = (at or datetime.now().astimezone()).isoformat(timespec="seconds")
        try:
            save_split_weights(path, SplitWeights(**raw), self.by.value.strip() or getpass.getuser(),
                               datetime.fromisoformat(stamp))  # fmt: skip
            params = load_params(self.ctx.params_file or None, self.state.month)
            self.states[self.state.month] = replace(self.state, params=params)
        except KaplanError as exc:
            self._say(str(exc), error=True)
            return
        self.weights_table.value = self._weights_html(raw)
        self._say(self.ctx.label("saved_to").format(path=path.resolve(), month=self.state.month))

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b42318" if error else "#067647"
        self.status.value = f'<p style="color:{colour}" role="status">{html.escape(text)}</p>' if text else ""


def tuning_months(month: str) -> list[str]:
    """The months the panel offers: the month before, the month, and the month after."""
    m = Month.of(month)
    return [str(m.previous), str(m), str(m.next)]


def tuning_panel(ctx: Context) -> TuningPanel:
    """Show the tuning panel (``notebooks/05_tuning.ipynb``); returns it for tests and the notebook."""
    panel = TuningPanel(ctx, tuning_months(ctx.month))
    display(panel.widget())
    return panel

