"""The scenario explorer of the targets notebook (docs/method.md §2.2).

The scenario weight sets with their backtest error, and a plotly figure with its own slider that works
in the static HTML with no kernel. The live sliders are the tuning panel (:mod:`kaplan.report.tuning`,
``notebooks/05_tuning.ipynb``); in JupyterLab (``interactive=True``) the targets notebook points
there at its top.
"""

from __future__ import annotations

import pandas as pd

from kaplan.plan.figures import scenario_figure, scenario_label
from kaplan.plan.live import LiveSplit, scenario_targets
from kaplan.report import context as report
from kaplan.report.context import Context


def weight_explorer(ctx: Context, scenarios: pd.DataFrame) -> None:
    """The scenario explorer: it works in the static HTML, with no kernel.

    ``scenarios`` is :func:`kaplan.plan.scenarios.scenarios_sheet`: current, single components,
    suggested and the planner's own weight sets, with their backtest error.
    """
    live = LiveSplit.build(ctx.tables, ctx.month, ctx.targets, ctx.params.stage_probabilities)
    shown = scenarios.assign(scenario=scenarios["scenario"].map(lambda n: scenario_label(n, ctx.lang)))
    report.show_table(ctx, shown)
    table = scenario_targets(live, scenarios)
    report.show_figure(scenario_figure(table, ctx.lang))


def tuning_pointer(ctx: Context) -> None:
    """In a live session (``interactive``), where the weight sliders are: the tuning notebook."""
    if ctx.interactive:
        report.show_text(ctx, ctx.label("tuning_elsewhere"))
