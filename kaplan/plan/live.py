"""The planner's live weight tuning (DESIGN §1, §2.2) and its static equivalent.

:class:`LiveSplit` computes the T3 / L1 / A components of both levels once; :meth:`LiveSplit.split`
then re-blends them for a weight set and re-apportions the issued parents exactly -- a few numpy
operations, so a slider move costs milliseconds at national scale. In JupyterLab
:func:`weight_explorer` shows three sliders, a line and a level selector; under papermill
(``interactive=False``) only the scenario explorer is shown: the scenario weight sets with their
backtest error, and a plotly figure with its own slider that works in the static HTML with no kernel.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kaplan.core.glossary import TERMS, Lang, code_label, label
from kaplan.plan.composite import Components, apportion_groups, components, composite

if TYPE_CHECKING:
    import ipywidgets

    from kaplan.core.tables import Tables
    from kaplan.plan.targets import MonthTargets
    from kaplan.report.context import Context

log = logging.getLogger(__name__)

UNIT = {"province": ["region", "province"], "dealer": ["region", "province", "dealer_id", "dealer_name"]}
PARENT = {"province": ["line"], "dealer": ["province", "line"]}


@dataclass
class LiveSplit:
    """Cached components and the issued split of one month, ready to re-blend."""

    targets: MonthTargets
    comps: dict[str, Components]
    issued: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, data: Tables, month: str, targets: MonthTargets) -> LiveSplit:
        comps = {level: components(data, month, level) for level in ("province", "dealer")}
        live = cls(targets, comps)
        for level, comp in comps.items():
            issued = getattr(targets, level)
            keys = [*UNIT[level], "line"]
            aligned = comp.frame[keys].merge(issued[[*keys, "target"]], on=keys, how="left")
            live.issued[level] = aligned["target"].fillna(0).to_numpy(dtype="int64")
        return live

    def line_plan(self) -> pd.Series:
        """The month's issued national plan per line (what the province split divides)."""
        return self.targets.province.groupby("line", sort=False)["target"].sum()

    def targets_for(self, weights: Sequence[float]) -> dict[str, np.ndarray]:
        """Province and dealer targets under ``weights``: the cascade of §2.2, exact at both levels."""
        province = self.comps["province"]
        p_target = apportion_groups(
            self.line_plan(), pd.Series(composite(province, weights)), province.frame["line"]
        ).to_numpy()
        parents = pd.Series(
            p_target, index=pd.MultiIndex.from_frame(province.frame[["province", "line"]])
        )
        dealer = self.comps["dealer"]
        d_target = apportion_groups(
            parents, pd.Series(composite(dealer, weights)), dealer.frame[["province", "line"]]
        ).to_numpy()
        return {"province": p_target, "dealer": d_target}

    def split(self, level: str, weights: Sequence[float], line: str | None = None) -> pd.DataFrame:
        """Units, issued target, target under ``weights`` and the change, for one level (and line)."""
        comp = self.comps[level]
        out = comp.frame[["month", *UNIT[level], "line"]].copy()
        out["composite"] = composite(comp, weights)
        out["issued"] = self.issued[level]
        out["target"] = self.targets_for(weights)[level]
        out["change"] = out["target"] - out["issued"]
        if line:
            out = out[out["line"] == line]
        return out


def scenario_targets(live: LiveSplit, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Province targets (all lines) under each scenario row: ``province`` x scenario columns."""
    columns = {}
    for row in scenarios.itertuples(index=False):
        split = live.split("province", (row.trailing3, row.last_month, row.annual))
        columns[row.scenario] = split.groupby("province", sort=False)["target"].sum()
    return pd.DataFrame(columns)


def scenario_figure(table: pd.DataFrame, lang: Lang) -> go.Figure:
    """Each province's target under each scenario, stepped through with plotly's own slider."""
    provinces = [html.escape(str(p)) for p in table.index]
    names = list(table.columns)
    first = names[0]
    fig = go.Figure(
        data=[go.Bar(x=provinces, y=table[first], name=label("target", lang), marker_color="#1f5fa8")],
        frames=[go.Frame(data=[go.Bar(x=provinces, y=table[n])], name=n) for n in names],
    )
    steps = [
        {"method": "animate", "label": scenario_label(n, lang),
         "args": [[n], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}]}
        for n in names
    ]  # fmt: skip
    fig.update_layout(
        title=f"{label('scenario', lang)} · {label('province', lang)} {label('target', lang)}",
        sliders=[{"steps": steps, "currentvalue": {"prefix": f"{label('scenario', lang)}: "}, "pad": {"t": 60}}],
        yaxis_title=label("units", lang),
        height=480,
    )
    return fig


def scenario_label(name: str, lang: Lang) -> str:
    """Glossary label of a built-in scenario; a planner's own scenario keeps its name."""
    return label(name, lang) if name in TERMS else html.escape(name)


def change_figure(split: pd.DataFrame, unit: str, lang: Lang) -> go.Figure:
    """Every unit's change against the issued split (bars), largest moves first."""
    ordered = split.reindex(split["change"].abs().sort_values(ascending=False).index).head(60)
    fig = go.Figure(go.Bar(x=[html.escape(str(u)) for u in ordered[unit]], y=ordered["change"],
                           marker_color=np.where(ordered["change"] >= 0, "#2e8b57", "#c62828")))
    fig.update_layout(title=label("change_vs_issued", lang), yaxis_title=label("units", lang), height=360)
    return fig


def weight_explorer(ctx: Context, scenarios: pd.DataFrame) -> None:
    """The scenario explorer (works in the static HTML), and sliders in a live JupyterLab session.

    ``scenarios`` is :func:`kaplan.plan.scenarios.scenarios_sheet`: current, single components,
    suggested and the planner's own weight sets, with their backtest error.
    """
    from kaplan.report import context as report

    live = LiveSplit.build(ctx.tables, ctx.month, ctx.targets)
    shown = scenarios.assign(scenario=scenarios["scenario"].map(lambda n: scenario_label(n, ctx.lang)))
    report.show_table(ctx, shown)
    table = scenario_targets(live, scenarios)
    report.show_figure(scenario_figure(table, ctx.lang))
    if ctx.interactive:
        _widgets(ctx, live)


def _widgets(ctx: Context, live: LiveSplit) -> ipywidgets.VBox:
    import ipywidgets as w
    from IPython.display import display

    from kaplan.report import context as report

    current = ctx.params.split_weights
    sliders = {
        name: w.FloatSlider(value=value, min=0.0, max=1.0, step=0.05, description=label(name, ctx.lang),
                            style={"description_width": "10em"}, layout={"width": "32em"})
        for name, value in (("trailing3", current.trailing3), ("last_month", current.last_month),
                            ("annual", current.annual))
    }
    lines = sorted(set(live.comps["province"].frame["line"]))
    line = w.Dropdown(
        options=[(code_label("line", x, ctx.lang), x) for x in lines], description=label("line", ctx.lang)
    )
    level = w.ToggleButtons(options=[(label("province", ctx.lang), "province"), (label("dealer", ctx.lang), "dealer")])
    out = w.Output()

    def redraw(*_: object) -> None:
        raw = np.array([s.value for s in sliders.values()])
        weights = raw / raw.sum() if raw.sum() > 0 else np.array([1 / 3] * 3)
        split = live.split(level.value, tuple(weights), line.value)
        unit = "province" if level.value == "province" else "dealer_name"
        with out:
            out.clear_output(wait=True)
            shown = zip(sliders, weights, strict=True)
            report.show_text(ctx, " · ".join(f"{label(n, ctx.lang)} {v:.0%}" for n, v in shown))
            report.show_figure(change_figure(split, unit, ctx.lang))
            report.show_table(ctx, split, max_rows=100)

    for control in (*sliders.values(), line, level):
        control.observe(redraw, names="value")
    box = w.VBox([*sliders.values(), line, level, out])
    display(box)
    redraw()
    return box
