"""Colours every page shares: the status of a progress row, lines, gains and losses.

One map, read by the HTML tables (:mod:`kaplan.report.html` writes it into the page's CSS) and by
every figure, so a status looks the same in a table and in a chart.
"""

from __future__ import annotations

STATUS_COLORS: dict[str, str] = {"ahead": "#1A7F37", "on_track": "#6B6F76", "behind": "#C62828"}
NO_STATUS_COLOR = "#BDBDBD"
PALETTE = ("#1f5fa8", "#e07b00", "#2e8b57", "#8e44ad", "#c62828", "#00838f")
GAIN_COLOR, LOSS_COLOR = "#2e8b57", "#c62828"


def status_color(status: object) -> str:
    """The colour of a status code; grey for a blank status (no plan)."""
    return STATUS_COLORS.get(status, NO_STATUS_COLOR) if isinstance(status, str) else NO_STATUS_COLOR


def status_css(selector: str = ".kp-table td") -> str:
    """CSS rules ``<selector>.status-<code>`` for every status, in the colours of the figures."""
    weight = {"ahead": "600", "on_track": "400", "behind": "600"}
    return "\n".join(
        f"{selector}.status-{code} {{ color: {color}; font-weight: {weight[code]}; }}"
        for code, color in STATUS_COLORS.items()
    )
