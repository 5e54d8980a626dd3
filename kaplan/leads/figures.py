"""Figures of the leads and customers (docs/method.md §2.4): they draw the frames the calculation modules compute.

- :func:`funnel_figure` and :func:`conversion_figure`: :func:`kaplan.leads.registry.funnel` and
  :func:`kaplan.leads.registry.conversion_by`;
- :func:`pyramid_figure`: :func:`kaplan.leads.tiers.pyramids`;
- :func:`coverage_figure`: :func:`kaplan.leads.pipeline.month_coverage` (region level).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kaplan.core.glossary import Lang, code_label, label
from kaplan.leads.pipeline import coverage_by_region

FUNNEL_COLOR = "#3f6fb5"
CONVERSION_COLORS = {"win_rate": "#3f6fb5", "reported_conversion": "#e0a800"}
GAP_COLOR, PIPELINE_COLOR = "#b0b7c3", "#3f6fb5"
TIER_COLORS = ["#c62828", "#e0a800", "#3f6fb5"]  # key, secondary, potential


def funnel_figure(frame: pd.DataFrame, lang: Lang = "zh") -> go.Figure:
    """The sales funnel (leads that reached each stage) with the buyer's stage beside each step."""
    rows = frame[frame["stage"] != "lost"]
    stages = [html.escape(code_label("stage", s, lang)) for s in rows["stage"]]
    buyer = [html.escape(label(b, lang)) for b in rows["buyer_stage"]]
    conversion = [
        "" if pd.isna(c) else f"{label('stage_conversion', lang)} {c:.0%}" for c in rows["stage_conversion"]
    ]
    fig = go.Figure(
        go.Funnel(
            y=stages,
            x=rows["reached"].tolist(),
            textinfo="value",
            customdata=np.column_stack([buyer, conversion]),
            hovertemplate="%{y} / %{customdata[0]}<br>%{x}<br>%{customdata[1]}<extra></extra>",
            marker={"color": FUNNEL_COLOR},
        )
    )
    for stage_label, buyer_label in zip(stages, buyer, strict=True):
        fig.add_annotation(x=1.02, xref="paper", y=stage_label, yref="y", text=buyer_label,
                           showarrow=False, xanchor="left")  # fmt: skip
    fig.add_annotation(x=1.02, xref="paper", y=1.06, yref="paper", showarrow=False, xanchor="left",
                       text=f"<b>{html.escape(label('buyer_stage', lang))}</b>")  # fmt: skip
    fig.update_layout(
        title=html.escape(f"{label('sales_funnel', lang)} / {label('buyer_stage', lang)}"),
        margin={"r": 190}, height=420,
    )  # fmt: skip
    return fig


def conversion_figure(frame: pd.DataFrame, column: str = "source", lang: Lang = "zh") -> go.Figure:
    """Win rate and reported → won per channel (or class), as grouped bars."""
    names = [html.escape(code_label(column, v, lang)) for v in frame[column]]
    fig = go.Figure()
    for measure, color in CONVERSION_COLORS.items():
        values = [None if pd.isna(v) else float(v) for v in frame[measure]]  # NaN is not valid JSON
        fig.add_bar(x=names, y=values, name=html.escape(label(measure, lang)),
                    marker_color=color, hovertemplate="%{x}<br>%{y:.1%}<extra></extra>")  # fmt: skip
    fig.update_layout(
        title=html.escape(label("conversion_rate", lang)), barmode="group", height=400,
        yaxis={"tickformat": ".0%", "title": html.escape(label("conversion_rate", lang))},
    )  # fmt: skip
    return fig


def coverage_figure(coverage: pd.DataFrame, lang: Lang = "zh") -> go.Figure:
    """Per region: the month's gap against the weighted pipeline closing in the month."""
    by_region = coverage_by_region(coverage)
    names = [html.escape(str(r)) for r in by_region["region"]]
    text = ["" if pd.isna(r) else f"{r:.0%}" for r in by_region["coverage"]]
    fig = go.Figure()
    fig.add_bar(x=names, y=by_region["gap"].tolist(), name=html.escape(label("gap", lang)),
                marker_color=GAP_COLOR, hovertemplate="%{x}<br>%{y:,}<extra></extra>")  # fmt: skip
    fig.add_bar(x=names, y=np.round(by_region["weighted_units"], 1).tolist(),
                name=html.escape(label("weighted_units", lang)), marker_color=PIPELINE_COLOR, text=text,
                textposition="outside", hovertemplate="%{x}<br>%{y:,}<br>%{text}<extra></extra>")  # fmt: skip
    fig.update_layout(
        title=html.escape(f"{label('coverage', lang)} ({label('region', lang)})"), barmode="group",
        height=420, yaxis={"title": html.escape(label("units", lang))},
    )  # fmt: skip
    return fig


def pyramid_figure(frame: pd.DataFrame, lang: Lang = "zh") -> go.Figure:
    """The seed's two pyramids side by side: customers per tier and value per tier."""
    names = [html.escape(label(t, lang)) for t in frame["tier"]]
    fig = make_subplots(
        rows=1, cols=2,
        subplot_titles=[html.escape(label("count_pyramid", lang)), html.escape(label("value_pyramid", lang))],
    )  # fmt: skip
    for col, (measure, share) in enumerate((("customers", "customer_share"), ("value", "value_share")), 1):
        fig.add_trace(
            go.Funnel(
                y=names, x=frame[measure].round(1).tolist(), name=html.escape(label(measure, lang)),
                text=[f"{s:.0%}" if pd.notna(s) else "" for s in frame[share]],
                textinfo="value+text", marker={"color": TIER_COLORS}, connector={"visible": False},
                hovertemplate="%{y}<br>%{x:,}<br>%{text}<extra></extra>",
            ),
            row=1, col=col,
        )  # fmt: skip
    fig.update_layout(title=html.escape(label("tier", lang)), showlegend=False, height=380)
    return fig
