"""The planner's live weight tuning (docs/method.md §2.2): the split re-computed for any weights.

:class:`LiveSplit` computes the T3 / L1 / A / P components of both levels once; :meth:`LiveSplit.split`
then re-blends them for a weight set and re-apportions the issued parents exactly with the same
cascade as the monthly run (:func:`kaplan.plan.targets.split_targets`) -- a few numpy operations,
so a slider move costs milliseconds at national scale. The sliders themselves are
:mod:`kaplan.report.widgets`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kaplan.core.params import StageProbabilities
from kaplan.core.tables import Tables
from kaplan.core.units import UNIT_COLUMNS
from kaplan.plan.composite import Components, components, composite
from kaplan.plan.targets import MonthTargets, split_targets

log = logging.getLogger(__name__)


@dataclass
class LiveSplit:
    """Cached components and the issued split of one month, ready to re-blend."""

    targets: MonthTargets
    comps: dict[str, Components]
    issued: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, data: Tables, month: str, targets: MonthTargets,
              probabilities: StageProbabilities | None = None) -> LiveSplit:  # fmt: skip
        """``probabilities``: the params' stage probabilities, for the pipeline component."""
        comps = {level: components(data, month, level, probabilities) for level in ("province", "dealer")}
        live = cls(targets, comps)
        for level, comp in comps.items():
            issued = getattr(targets, level)
            keys = [*list(UNIT_COLUMNS[level]), "line"]
            aligned = comp.frame[keys].merge(issued[[*keys, "target"]], on=keys, how="left")
            live.issued[level] = aligned["target"].fillna(0).to_numpy(dtype="int64")
        return live

    def line_plan(self) -> pd.Series:
        """The month's issued national plan per line (what the province split divides)."""
        return self.targets.province.groupby("line", sort=False)["target"].sum()

    def targets_for(self, weights: Sequence[float]) -> dict[str, np.ndarray]:
        """Province and dealer targets under ``weights``: the cascade of §2.2, exact at both levels."""
        provinces, dealers = split_targets(self.comps["province"], self.comps["dealer"], self.line_plan(), weights)
        return {"province": provinces["target"].to_numpy(), "dealer": dealers["target"].to_numpy()}

    def split(self, level: str, weights: Sequence[float], line: str | None = None) -> pd.DataFrame:
        """Units, issued target, target under ``weights`` and the change, for one level (and line)."""
        comp = self.comps[level]
        out = comp.frame[["month", *list(UNIT_COLUMNS[level]), "line"]].copy()
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
        split = live.split("province", (row.trailing3, row.last_month, row.annual, row.pipeline))
        columns[row.scenario] = split.groupby("province", sort=False)["target"].sum()
    return pd.DataFrame(columns)
