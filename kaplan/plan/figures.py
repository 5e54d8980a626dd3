"""Figures and notes of the target report (01): seasonal plan and the province split."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from kaplan.core.glossary import Lang, code_label, label

PALETTE = ("#1f5fa8", "#e07b00", "#2e8b57", "#8e44ad", "#c62828", "#00838f")


def plan_figure(plan: pd.DataFrame, lang: Lang) -> go.Figure:
    """Locked vs rolling plan per month, one pair of traces per line, actuals as markers."""
    fig = go.Figure()
    for i, (line, rows) in enumerate(plan.groupby("line", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        name = code_label("line", str(line), lang)
        fig.add_bar(x=rows["month"], y=rows["locked_plan"], name=f"{name} · {label('locked_plan', lang)}",
                    marker_color=color, opacity=0.45, offsetgroup=str(line))
        fig.add_scatter(x=rows["month"], y=rows["rolling_plan"], name=f"{name} · {label('rolling_plan', lang)}",
                        mode="lines+markers", line={"color": color})
        fig.add_scatter(x=rows["month"], y=rows["actual"], name=f"{name} · {label('actual', lang)}",
                        mode="markers", marker={"color": color, "symbol": "diamond", "size": 9})
    fig.update_layout(title=label("seasonal_share", lang), barmode="group", height=420,
                      yaxis_title=label("units", lang), legend={"orientation": "h", "y": -0.2})
    return fig


def province_target_figure(province: pd.DataFrame, lang: Lang) -> go.Figure:
    """Stacked bars: each province's target by line, provinces ordered by total."""
    order = province.groupby("province")["target"].sum().sort_values(ascending=False).index
    fig = go.Figure()
    for i, (line, rows) in enumerate(province.groupby("line", sort=False)):
        rows = rows.set_index("province").reindex(order)
        fig.add_bar(
            x=[html.escape(str(p)) for p in order],
            y=rows["target"],
            name=code_label("line", str(line), lang),
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(title=f"{label('province', lang)} · {label('target', lang)}", barmode="stack",
                      height=420, yaxis_title=label("units", lang))
    return fig


def split_notes(dropped: pd.DataFrame, lang: Lang) -> list[str]:
    """One sentence per dropped component or equal split (DESIGN §2.2: the report says so)."""
    notes = []
    for row in dropped.itertuples(index=False):
        parts = (str(row.province) if row.province else "", code_label("line", str(row.line), lang))
        where = " · ".join(part for part in parts if part)
        what = label(str(row.component), lang) if row.component else ""
        notes.append(f"{where}{' · ' + what if what else ''}: {label(str(row.issue), lang)}")
    return notes
