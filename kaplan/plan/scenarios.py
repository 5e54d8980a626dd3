"""Weight scenarios: a backtest of split weights and the suggested weights (docs/method.md §2.2).

**Backtest of a weight set w for month M.** For each of the 12 months m = M-12 .. M-1, the province
composite ``c(p, l; m)`` that w would have issued for m (docs/method.md §2.2 with m's own history: T3 over
m-3..m-1, L1 = m-1, A = annual targets of year(m), P = the weighted pipeline of the leads reported
before m and expected to close in m, weighted by their stage today, the same drop-and-renormalise and
equal-split rules), against the actual province shares of m's sales ``a(p, l; m) = units(p, l, m) / Σ_p units``::

    tvd(l, m)   = ½ · Σ_p |c(p, l; m) − a(p, l; m)|          (total variation distance, 0..1)
    backtest(w) = mean of tvd(l, m) over the (month, line) pairs whose line sold anything in m

(NaN when no line sold in any of the 12 months.)

**Suggested weights**: the weight set with the lowest backtest over the simplex grid of the four
components ``{(i, j, k, n−i−j−k)/n}``, ``n = round(1/step)`` (1,771 points at step 0.05), plus the
params' own weights (so the suggestion is never worse than the current weights); ties (to 1e-12) go
to the earlier grid point: trailing3 ascending, then last_month, then annual ascending. When no lead
falls in any backtest month the grid keeps the pipeline weight at 0 (with no pipeline anywhere a
pipeline weight would only mean the equal split).

Everything is computed from one pass over the sales of M-15 .. M-1 (and one over the leads) into dense
province x line x month arrays; every weight set is then a few numpy operations (:func:`backtest_many`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaplan.core.facts import line_units, sales_between
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params, StageProbabilities
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables
from kaplan.plan.composite import COMPONENTS, WeightsLike, blended, weighted_pipeline, weights_tuple

log = logging.getLogger(__name__)

BACKTEST_MONTHS = 12
SCENARIO_COLUMNS = ("scenario", *COMPONENTS, "backtest_tvd")
SINGLE_COMPONENTS = {
    "trailing3_only": (1.0, 0.0, 0.0, 0.0),
    "last_month_only": (0.0, 1.0, 0.0, 0.0),
    "annual_only": (0.0, 0.0, 1.0, 0.0),
    "pipeline_only": (0.0, 0.0, 0.0, 1.0),
}
_TIE = 12


@dataclass(frozen=True)
class BacktestData:
    """Component shares and actual shares of the 12 backtest months, province x line x month.

    ``shares``: (4, provinces, lines, 12); ``present``: (4, lines, 12), the component's sum > 0;
    ``actual``: (provinces, lines, 12) actual shares; ``sold``: (lines, 12) units sold.
    """

    month: str
    months: tuple[str, ...]
    provinces: pd.DataFrame
    shares: np.ndarray
    present: np.ndarray
    actual: np.ndarray
    sold: np.ndarray


@dataclass(frozen=True)
class Suggestion:
    trailing3: float
    last_month: float
    annual: float
    pipeline: float
    backtest_tvd: float

    @property
    def weights(self) -> tuple[float, float, float, float]:
        return (self.trailing3, self.last_month, self.annual, self.pipeline)


def _province_units(data: Tables, first: Month, end: Month, provinces: pd.DataFrame) -> np.ndarray:
    """Units per province x line x month index (0 = ``first``) for the months ``first`` .. ``end`` - 1."""
    n_months = end - first
    window = sales_between(data, first.start, end.start)
    period = (window["date"].dt.year - first.year) * 12 + window["date"].dt.month - first.number
    units = line_units(data, window, {"dealer_id": window["dealer_id"], "period": period})
    return _dense(data, units, provinces, n_months)


def _dense(data: Tables, units: pd.Series, provinces: pd.DataFrame, n_months: int) -> np.ndarray:
    """``units`` indexed by dealer_id, line, period added up into a province x line x period array."""
    province_of = data.org.set_index("dealer_id")["province"]
    index = units.index
    p = pd.Index(provinces["province"]).get_indexer(province_of.reindex(index.get_level_values("dealer_id")))
    line = pd.Index(list(LINES)).get_indexer(index.get_level_values("line"))
    t = index.get_level_values("period").to_numpy(dtype="int64")
    keep = (p >= 0) & (line >= 0)
    out = np.zeros((len(provinces), len(LINES), n_months), dtype="float64")
    np.add.at(out, (p[keep], line[keep], t[keep]), units.to_numpy(dtype="float64")[keep])
    return out


def _annual_by_month(data: Tables, provinces: pd.DataFrame, years: np.ndarray) -> np.ndarray:
    """Annual target units per province x line x backtest month (the year of each month)."""
    targets = data.annual_targets.assign(province=data.annual_targets["dealer_id"].map(
        data.org.set_index("dealer_id")["province"]))  # fmt: skip
    table = targets.groupby(["province", "line", "year"])["units"].sum()
    grid = pd.MultiIndex.from_product([provinces["province"], list(LINES), years])
    values = table.reindex(grid, fill_value=0).to_numpy(dtype="float64")
    return values.reshape(len(provinces), len(LINES), len(years))


def _shares(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares over provinces (axis 0) and whether the total is positive, per line x month."""
    totals = values.sum(axis=0)
    present = totals > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(present[None], values / totals[None], 0.0), present


def backtest_data(data: Tables, month: MonthLike, probabilities: StageProbabilities | None = None) -> BacktestData:
    """Everything the backtest of ``month`` needs, from one pass over 15 months of sales and one over the leads.

    ``probabilities``: the params' stage probabilities (default: their defaults), for the pipeline.
    """
    m = Month.of(month)
    stage = StageProbabilities() if probabilities is None else probabilities
    first = m - (BACKTEST_MONTHS + 3)
    provinces = (data.org[["region", "province"]].drop_duplicates()
                 .sort_values(["region", "province"], kind="stable").reset_index(drop=True))  # fmt: skip
    units = _province_units(data, first, m, provinces)
    cumulative = np.concatenate([np.zeros((*units.shape[:2], 1)), units.cumsum(axis=2)], axis=2)
    t = np.arange(3, 3 + BACKTEST_MONTHS)
    trailing3 = cumulative[:, :, t] - cumulative[:, :, t - 3]
    last_month = units[:, :, t - 1]
    actual_units = units[:, :, t]
    months = [first + 3 + k for k in range(BACKTEST_MONTHS)]
    years = np.array([backtest_month.year for backtest_month in months])
    annual = _annual_by_month(data, provinces, years)
    pipeline = _dense(data, weighted_pipeline(data, first + 3, m, stage), provinces, BACKTEST_MONTHS)
    parts = [_shares(x) for x in (trailing3, last_month, annual, pipeline)]
    actual, _ = _shares(actual_units)
    return BacktestData(
        month=str(m),
        months=tuple(str(backtest_month) for backtest_month in months),
        provinces=provinces,
        shares=np.stack([s for s, _ in parts]),
        present=np.stack([p for _, p in parts]),
        actual=actual,
        sold=actual_units.sum(axis=0),
    )


def composites(bd: BacktestData, weights: np.ndarray) -> np.ndarray:
    """Province composites for K weight sets (K x 4, or K x 3 with pipeline 0): (K, provinces, lines, 12)."""
    present = bd.present[:, None].astype("float64")  # the same for every province
    w = np.atleast_2d(np.asarray(weights, dtype="float64"))
    w = np.pad(w, ((0, 0), (0, len(COMPONENTS) - w.shape[1])))
    return blended(bd.shares, present, w, 1.0 / bd.shares.shape[1])


def tvd_many(bd: BacktestData, weights: np.ndarray) -> np.ndarray:
    """TVD per weight set, line and month: (K, lines, 12)."""
    return 0.5 * np.abs(composites(bd, weights) - bd.actual[None]).sum(axis=1)


def backtest_many(bd: BacktestData, weights: np.ndarray) -> np.ndarray:
    """The backtest error of each of K weight sets (K x 4 array): (K,), NaN when nothing sold."""
    sold = bd.sold > 0
    if not sold.any():
        return np.full(len(weights), np.nan)
    return tvd_many(bd, weights)[:, sold].mean(axis=1)


def backtest(data: Tables, month: str, weights: WeightsLike | None) -> float:
    """Mean TVD of ``weights``' province composites vs actual shares over the 12 months before M."""
    w = np.array([weights_tuple(weights)])
    return float(backtest_many(backtest_data(data, month), w)[0])


def backtest_detail(data: Tables, month: str, weights: WeightsLike | None) -> pd.DataFrame:
    """Per backtest month x line: ``month``, ``line``, ``units`` sold, ``tvd`` (NaN when none sold)."""
    bd = backtest_data(data, month)
    tvd = tvd_many(bd, np.array([weights_tuple(weights)]))[0]
    out = pd.DataFrame(
        {
            "month": np.tile(np.array(bd.months), len(LINES)),
            "line": np.repeat(list(LINES), len(bd.months)),
            "units": bd.sold.reshape(-1).astype("int64"),
            "tvd": np.where(bd.sold > 0, tvd, np.nan).reshape(-1),
        }
    )
    return out.astype({"month": "str", "line": "str"}).sort_values(["month", "line"], kind="stable",
                                                                    key=_line_order).reset_index(drop=True)


def _line_order(column: pd.Series) -> pd.Series:
    return column.map({line: i for i, line in enumerate(LINES)}) if column.name == "line" else column


def simplex_grid(step: float = 0.05) -> np.ndarray:
    """Every (trailing3, last_month, annual, pipeline) on the grid of ``step`` that sums to 1: (K, 4).

    Ordered trailing3, then last_month, then annual ascending; K = C(n+3, 3) for n = 1/step.
    """
    n = round(1 / step)
    if n < 1 or abs(n * step - 1) > 1e-9:
        raise ValueError(f"step must divide 1 evenly (0.05, 0.1, 0.25, ...), got {step}")
    i, j, k = np.meshgrid(np.arange(n + 1), np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = i + j + k <= n
    return np.stack([i[keep], j[keep], k[keep], n - i[keep] - j[keep] - k[keep]], axis=1) / n


def suggest(bd: BacktestData, current: WeightsLike | None, step: float = 0.05) -> Suggestion:
    """The lowest-backtest weight set of the grid and ``current`` (normalised to sum 1)."""
    now = np.array(weights_tuple(current))
    grid = simplex_grid(step)
    if not bd.present[-1].any():  # no lead in any backtest month: a pipeline weight would only split equally
        grid = grid[grid[:, -1] == 0]
    candidates = np.vstack([grid, now / now.sum()])
    errors = backtest_many(bd, candidates)
    best = len(candidates) - 1 if np.isnan(errors).all() else int(np.nanargmin(np.round(errors, _TIE)))
    w = candidates[best]
    return Suggestion(float(w[0]), float(w[1]), float(w[2]), float(w[3]), float(errors[best]))


def suggested_weights(data: Tables, month: str, step: float = 0.05, current: WeightsLike | None = None,
                      probabilities: StageProbabilities | None = None) -> Suggestion:  # fmt: skip
    """The suggested weights for ``month`` (see the module docstring) and their backtest error."""
    return suggest(backtest_data(data, month, probabilities), current, step)


def scenarios_sheet(data: Tables, month: str, params: Params, step: float = 0.05) -> pd.DataFrame:
    """The ``scenarios`` sheet: current, the single components, suggested, then params.scenarios."""
    bd = backtest_data(data, month, params.stage_probabilities)
    suggestion = suggest(bd, params.split_weights, step)
    rows = [("current", *params.split_weights.as_tuple())]
    rows += [(name, *w) for name, w in SINGLE_COMPONENTS.items()]
    rows.append(("suggested", *suggestion.weights))
    rows += [(s.name, *s.as_tuple()) for s in params.scenarios]
    out = pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS[:-1]))
    out["backtest_tvd"] = backtest_many(bd, out[list(COMPONENTS)].to_numpy(dtype="float64"))
    log.info("scenarios %s: suggested %s, tvd %.4f", month, suggestion.weights, suggestion.backtest_tvd)
    return out.astype({"scenario": "str"})
