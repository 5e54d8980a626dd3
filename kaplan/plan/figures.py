"""Figures of the target report (01): seasonal plan, seasonality backtest, province split, weight scenarios."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kaplan.core.glossary import TERMS, Lang, code_label, label
from kaplan.core.style import GAIN_COLOR, LOSS_COLOR, PALETTE


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
    """One sentence per dropped component or equal split (docs/method.md §2.2: the report says so)."""
    notes = []
    for row in dropped.itertuples(index=False):
        parts = (str(row.province) if row.province else "", code_label("line", str(row.line), lang))
        where = " · ".join(part for part in parts if part)
        what = label(str(row.component), lang) if row.component else ""
        notes.append(f"{where}{' · ' + what if what else ''}: {label(str(row.issue), lang)}")
    return notes


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


CHANGE_BARS = 15  # gains and losses each in the change chart


def change_figure(split: pd.DataFrame, unit: str, lang: Lang, n: int = CHANGE_BARS) -> go.Figure:
    """The ``n`` largest gains and ``n`` largest losses against the issued split, as horizontal bars.

    Readable at any number of units (the table beside it lists them all); with no change at all the
    figure says to move a slider.
    """
    moved = split[split["change"] != 0]
    if moved.empty:
        return _hint_figure(label("move_a_slider", lang), label("change_vs_issued", lang))
    shown = pd.concat([moved.nsmallest(n, "change")[lambda f: f["change"] < 0],
                       moved.nlargest(n, "change")[lambda f: f["change"] > 0]]).sort_values("change", kind="stable")
    names = shown[unit].astype(str)
    if unit == "dealer_name" and "dealer_id" in shown:
        names = names + " (" + shown["dealer_id"].astype(str) + ")"
    fig = go.Figure(go.Bar(x=shown["change"], y=[html.escape(x) for x in names], orientation="h",
                           marker_color=np.where(shown["change"] >= 0, GAIN_COLOR, LOSS_COLOR)))
    heading = label("largest_changes", lang).format(shown=len(shown), moved=len(moved), units=len(split))
    fig.update_layout(title=f"{label('change_vs_issued', lang)}: {heading}", xaxis_title=label("units", lang),
                      yaxis={"automargin": True, "type": "category"}, height=max(260, 22 * len(shown) + 120))
    return fig


def _hint_figure(text: str, title: str) -> go.Figure:
    """An empty figure carrying one sentence in its middle."""
    fig = go.Figure()
    fig.add_annotation(text=html.escape(text, quote=False), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16})
    fig.update_layout(title=title, height=220, xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def seasonality_backtest_figure(backtest: pd.DataFrame, lang: Lang) -> go.Figure:
    """January and February errors of the locked plan's shares per backtest year, one bar per method."""
    years = backtest[backtest["year"] != "mean"]
    fig = go.Figure()
    for i, (method, rows) in enumerate(years.groupby("method", sort=False)):
        x = [f"{year} · {label(month, lang)}" for year in rows["year"] for month in ("jan_error", "feb_error")]
        y = rows[["jan_error", "feb_error"]].to_numpy().reshape(-1)
        fig.add_bar(x=x, y=y, name=label(str(method), lang), marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(title=label("seasonality_backtest", lang), barmode="group", height=380,
                      yaxis={"tickformat": ".0%", "title": label("seasonality_backtest", lang)})
    return fig
