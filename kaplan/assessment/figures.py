"""Figures of the month's assessment (docs/method.md §2.5): they draw what the calculation modules compute.

- :func:`kpi_figure`: the ``kpi`` table of :func:`kaplan.assessment.kpi.kpi_table`;
- :func:`schedule_figure`: each role's incentive bands (:func:`kaplan.assessment.incentive.band_labels`)
  and, when given, people's month attainment (:func:`kaplan.assessment.attainment.attainment_table`).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kaplan.assessment.incentive import ROLES, band_labels
from kaplan.core.glossary import Lang, code_label, label
from kaplan.core.params import Incentive
from kaplan.core.schema import KPI_ITEMS
from kaplan.core.style import PALETTE


def kpi_figure(table: pd.DataFrame, weights: dict[str, float], lang: Lang = "zh") -> go.Figure:
    """Each person's KPI score stacked by item, one bar per person, by role.

    Each item's part is ``weight x item score / Σ weights of the items due``, so a bar is as tall as the
    person's KPI score, also in a running month whose items not yet due are blank (no part).
    """
    ordered = table.sort_values(["role", "kpi_score"], ascending=[True, False], kind="stable")
    people = [html.escape(f"{name} ({code_label('role', role, lang)})")
              for name, role in zip(ordered["name"], ordered["role"], strict=True)]  # fmt: skip
    w = pd.Series(weights, dtype="float64").reindex(list(KPI_ITEMS)).fillna(0.0)
    due_weight = ordered[list(KPI_ITEMS)].notna().mul(w).sum(axis=1)
    due_weight = due_weight.where(due_weight > 0)
    fig = go.Figure()
    for item in KPI_ITEMS:
        if ordered[item].isna().all():
            continue  # not due for anybody yet
        fig.add_trace(
            go.Bar(
                x=people, y=ordered[item] * w[item] / due_weight, name=html.escape(label(item, lang)),
                hovertemplate="%{x}: %{y:.1f}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        barmode="stack",
        title=html.escape(label("kpi_score", lang)),
        yaxis={"title": html.escape(label("kpi_score", lang)), "range": [0, 100]},
        xaxis={"showticklabels": len(ordered) <= 60},
        template="plotly_white",
        legend={"orientation": "h"},
    )
    return fig


def schedule_figure(incentive: Incentive, lang: Lang = "zh", attainment: pd.DataFrame | None = None) -> go.Figure:
    """Step chart of each role's rate per unit (元) against attainment; people's attainments as ticks when given.

    ``attainment`` has ``role`` and ``month_attainment`` (:func:`kaplan.assessment.attainment.attainment_table`).
    """
    top = 1.5
    if attainment is not None and attainment["month_attainment"].notna().any():
        top = max(top, float(attainment["month_attainment"].max()) + 0.1)
    fig = go.Figure()
    for i, role in enumerate(ROLES):
        own = incentive.of(role)
        starts = [b.attainment_from for b in own.bands]
        rates = [b.rate for b in own.bands]
        colour = PALETTE[i % len(PALETTE)]
        name = html.escape(code_label("role", role, lang))
        fig.add_trace(
            go.Scatter(
                x=[*starts, max(top, starts[-1] + 0.3)], y=[*rates, rates[-1]], mode="lines+markers", line_shape="hv",
                name=name, line={"color": colour}, text=[html.escape(t) for t in [*band_labels(own.bands, lang), ""]],
                hovertemplate="%{text}: %{y:,.0f} 元<extra>" + name + "</extra>",
            )
        )  # fmt: skip
        if attainment is not None:
            values = attainment.loc[attainment["role"] == role, "month_attainment"].dropna().astype("float64")
            if len(values):
                fig.add_trace(
                    go.Scatter(
                        x=values, y=np.zeros(len(values)), mode="markers", showlegend=False,
                        marker={"symbol": "line-ns-open", "size": 14, "color": colour},
                        name=name, hovertemplate="%{x:.1%}<extra>" + name + "</extra>",
                    )
                )  # fmt: skip
    fig.update_layout(
        title=html.escape(label("incentive", lang)),
        xaxis={"title": html.escape(label("attainment", lang)), "tickformat": ".0%"},
        yaxis={"title": html.escape(label("rate", lang)), "rangemode": "tozero"},
        template="plotly_white",
    )
    return fig
