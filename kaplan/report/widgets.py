"""The weight sliders of the targets notebook (docs/method.md §2.2) and their static equivalent.

In JupyterLab :func:`weight_explorer` shows four sliders (the seed's three weights and the pipeline),
a line and a level selector, each move re-splitting both levels with :class:`kaplan.plan.live.LiveSplit`;
under papermill
(``interactive=False``) only the scenario explorer is shown: the scenario weight sets with their
backtest error, and a plotly figure with its own slider that works in the static HTML with no kernel.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import display

from kaplan.core.glossary import code_label, label
from kaplan.plan.figures import change_figure, scenario_figure, scenario_label
from kaplan.plan.live import LiveSplit, scenario_targets
from kaplan.report import context as report
from kaplan.report.context import Context


def weight_explorer(ctx: Context, scenarios: pd.DataFrame) -> None:
    """The scenario explorer (works in the static HTML), and sliders in a live JupyterLab session.

    ``scenarios`` is :func:`kaplan.plan.scenarios.scenarios_sheet`: current, single components,
    suggested and the planner's own weight sets, with their backtest error.
    """
    live = LiveSplit.build(ctx.tables, ctx.month, ctx.targets, ctx.params.stage_probabilities)
    shown = scenarios.assign(scenario=scenarios["scenario"].map(lambda n: scenario_label(n, ctx.lang)))
    report.show_table(ctx, shown)
    table = scenario_targets(live, scenarios)
    report.show_figure(scenario_figure(table, ctx.lang))
    if ctx.interactive:
        _widgets(ctx, live)


def _widgets(ctx: Context, live: LiveSplit) -> w.VBox:
    current = ctx.params.split_weights
    sliders = {
        name: w.FloatSlider(value=value, min=0.0, max=1.0, step=0.05, description=label(name, ctx.lang),
                            style={"description_width": "10em"}, layout={"width": "32em"})
        for name, value in (("trailing3", current.trailing3), ("last_month", current.last_month),
                            ("annual", current.annual), ("pipeline", current.pipeline))
    }
    lines = sorted(set(live.comps["province"].frame["line"]))
    line = w.Dropdown(
        options=[(code_label("line", x, ctx.lang), x) for x in lines], description=label("line", ctx.lang)
    )
    level = w.ToggleButtons(options=[(label("province", ctx.lang), "province"), (label("dealer", ctx.lang), "dealer")])
    out = w.Output()

    def redraw(*_: object) -> None:
        raw = np.array([s.value for s in sliders.values()])
        weights = raw / raw.sum() if raw.sum() > 0 else np.array([1 / 3] * 3 + [0.0])
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
