"""Figures of the progress board (docs/method.md §2.3): they draw the frames :mod:`kaplan.progress.board` computes.

Status colours come from :mod:`kaplan.core.style`, so a status looks the same here as in the HTML table.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from kaplan.core.glossary import Lang, code_label, label
from kaplan.core.params import Params
from kaplan.core.style import STATUS_COLORS, status_color
from kaplan.progress.board import STATUSES, region_rows, yoy_by_region

YTD_COLOR, LAST_YEAR_COLOR, TIME_LINE_COLOR = "#1565C0", "#9E9E9E", "#424242"


def _escaped(values: pd.Series) -> list[str]:
    return [html.escape(str(v)) for v in values]


def signed_percent(value: float) -> str:
    """``+12.3%`` / ``-4.0%`` with one decimal, ``+0.0%`` for what rounds to zero, blank for NaN."""
    if pd.isna(value):
        return ""
    rounded = round(float(value), 3) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:+.1%}"


def yoy_figure(board_frame: pd.DataFrame, lang: Lang = "zh") -> go.Figure:
    """Per region, all lines: units this year to date (Jan 1 .. as_of) against the same period last year.

    ``board_frame`` is any board (:func:`kaplan.progress.board.board` or ``board_with_totals``); the
    bars are :func:`kaplan.progress.board.yoy_by_region`.
    """
    totals = yoy_by_region(board_frame)
    regions = _escaped(totals["region"])
    growth_text = [signed_percent(g) for g in totals["yoy_growth"]]
    fig = go.Figure(
        [
            go.Bar(name=label("ytd", lang), x=regions, y=totals["ytd"].tolist(), text=growth_text,
                   textposition="outside", marker_color=YTD_COLOR),
            go.Bar(name=label("last_year_same_period", lang), x=regions,
                   y=totals["last_year_same_period"].tolist(), marker_color=LAST_YEAR_COLOR),
        ]
    )  # fmt: skip
    fig.update_layout(
        title=label("yoy_chart", lang), barmode="group", yaxis_title=label("units", lang),
        xaxis_title=label("region", lang), legend_title_text="",
    )  # fmt: skip
    return fig


def time_vs_completion_figure(board_frame: pd.DataFrame, lang: Lang = "zh",
                              params: Params | None = None) -> go.Figure:  # fmt: skip
    """Month progress per region x line, coloured by status, against the time-progress line.

    One bar per region x line in board order (:func:`kaplan.progress.board.region_rows`; a row
    without a month plan has no bar); the legend names the status colours; the dashed line is the
    time progress of ``as_of``.
    """
    rows = region_rows(board_frame, params)
    regions = _escaped(rows["region"])
    lines = [html.escape(code_label("line", v, lang)) for v in rows["line"]]
    statuses = [html.escape(label(v, lang)) if isinstance(v, str) else "" for v in rows["status"]]
    fig = go.Figure(
        go.Bar(
            x=[regions, lines],
            y=rows["month_progress"].tolist(),
            marker_color=[status_color(v) for v in rows["status"]],
            customdata=statuses,
            text=[f"{v:.0%}" if pd.notna(v) else "" for v in rows["month_progress"]],
            textposition="outside",
            hovertemplate="%{x}<br>%{y:.1%}<br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    for status in STATUSES:
        fig.add_scatter(x=[None], y=[None], mode="markers", name=html.escape(label(status, lang)),
                        marker={"color": STATUS_COLORS[status], "symbol": "square", "size": 12})  # fmt: skip
    if len(rows):
        day_progress = float(rows["time_progress"].iloc[0])
        fig.add_hline(y=day_progress, line_dash="dash", line_color=TIME_LINE_COLOR)
        fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": TIME_LINE_COLOR, "dash": "dash"},
                        name=f"{html.escape(label('time_progress', lang))} {day_progress:.0%}")  # fmt: skip
    fig.update_layout(
        title=label("time_vs_completion", lang), yaxis_tickformat=".0%",
        yaxis_title=label("month_progress", lang), legend_title_text=label("status", lang),
    )  # fmt: skip
    return fig
