"""Where the month will land (月度落地预测, docs/method.md §2.3 "Landing forecast") and its backtest.

As of day ``d`` of month M, per dealer x line (then summed to provinces and regions)::

    mtd            = units sold from the 1st of M through d
    ordinary mtd   = the same, counting only orders of fewer than ``landing.lumpy_units`` units
    run_rate_rest  = ordinary mtd / working days elapsed through d x working days left after d
    pipeline_rest  = Σ units x p of the open leads of at least ``landing.lumpy_units`` units with
                     d <= expected_close <= the last day of M (overdue leads are left out)
    rest           = run_rate_rest + pipeline_rest, as whole units: rounded half up per region x
                     line, apportioned to provinces and then dealers by their own rests
    landing        = mtd + rest

Ordinary orders are extrapolated, lumpy orders (tenders) are not: the lumpy units already sold are
in ``mtd`` once, the lumpy units to come are the pipeline's, and a lead below the threshold is part
of the ordinary run-rate, so no unit is counted twice. ``landing_low`` / ``landing_high`` scale the
landing by the ``landing.range`` quantiles of actual / landing of the same level over the 12 months
before M at the same day of month (low never below mtd nor above the landing, high never below
it). ``needed_per_day`` = ⌈max(0, target - mtd) / working days left after d⌉ whole units (blank when no
working day is left; :func:`units_per_working_day`, the headline's pace too).

The backtest (:func:`backtest`) forecasts each of the 12 months before M as of day 10 and day 20
from what was known then (sales through that day; leads reported by then and not yet closed,
weighted by the win rate of the lumpy leads closed before that day, since the registry keeps no
stage history) and compares with the month's actual total, next to the plain run-rate
(mtd / d x days in the month) and the issued target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion_groups
from kaplan.core.calendar import month_working_days, time_progress_parts
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Landing
from kaplan.core.schema import LINES
from kaplan.core.units import KEY_COLUMNS, LEVELS, UNIT_COLUMNS, Level
from kaplan.plan.targets import MonthTargets

T = TypeVar("T", int, pd.Series)

LANDING_COLUMNS = ("target", "mtd", "run_rate_rest", "pipeline_rest", "landing", "landing_low", "landing_high",
                   "landing_gap", "needed_per_day")  # fmt: skip
BOARD_COLUMNS = ("landing", "landing_low", "landing_high")
BACKTEST_DAYS = (10, 20)
BACKTEST_MONTHS = 12
METHODS = ("landing", "run_rate", "target")
SUMMED = ("target", "mtd", "actual", "run_rate_rest", "pipeline_rest", "landing", "run_rate")


@dataclass(frozen=True)
class Cells:
    """Every dealer x line of ``org``: ``frame`` (region, province, dealer_id, dealer_name, line), row i = cell i."""

    frame: pd.DataFrame
    dealers: pd.Index
    lines: pd.Index
    province_of: np.ndarray  # cell -> its province x line
    region_of: np.ndarray  # province x line -> its region x line
    rows: dict[str, pd.DataFrame]  # per level: the unit columns and line of each level row

    def row_of(self, level: Level) -> np.ndarray:
        """For each cell, its row in ``rows[level]``."""
        if level == "dealer":
            return np.arange(len(self.frame))
        return self.province_of if level == "province" else self.region_of[self.province_of]

    def codes(self, dealer_ids: pd.Series, lines: pd.Series) -> np.ndarray:
        """The cell of each (dealer, line); -1 when the dealer or the line is not on the grid."""
        dealer = _positions(dealer_ids, self.dealers)
        line = _positions(lines, self.lines)
        return np.where((dealer >= 0) & (line >= 0), dealer * len(self.lines) + line, -1)

    def sums(self, dealer_ids: pd.Series, lines: pd.Series, values: np.ndarray) -> np.ndarray:
        """Σ ``values`` per cell (float)."""
        codes = self.codes(dealer_ids, lines)
        keep = codes >= 0
        return np.bincount(codes[keep], weights=values[keep], minlength=len(self.frame)).astype("float64")


def _positions(values: pd.Series, keys: pd.Index) -> np.ndarray:
    """Position of each of ``values`` in ``keys``, -1 where absent (factorised first: few distinct values)."""
    codes, uniques = pd.factorize(values)
    found = keys.get_indexer(uniques)
    return np.where(codes >= 0, found[np.maximum(codes, 0)], -1) if len(uniques) else np.full(len(values), -1)


def landing_cells(org: pd.DataFrame, lines: Sequence[str] = LINES) -> Cells:
    """The dealer x line grid of ``org`` (dealers in order of first appearance, lines in order)."""
    dealers = org.drop_duplicates("dealer_id")[list(UNIT_COLUMNS["dealer"])].reset_index(drop=True)
    frame = dealers.loc[dealers.index.repeat(len(lines))].reset_index(drop=True)
    frame["line"] = pd.Series(np.tile(np.array(lines, dtype=object), len(dealers)), dtype="str")
    province_of = pd.MultiIndex.from_frame(frame[["region", "province", "line"]]).factorize()[0]
    firsts = pd.Series(np.arange(len(frame))).groupby(province_of).first().to_numpy()
    region_of = pd.MultiIndex.from_frame(frame.loc[firsts, ["region", "line"]]).factorize()[0]
    region_firsts = pd.Series(firsts).groupby(region_of).first().to_numpy()
    rows = {"dealer": frame,
            "province": frame.loc[firsts, ["region", "province", "line"]].reset_index(drop=True),
            "region": frame.loc[region_firsts, ["region", "line"]].reset_index(drop=True)}  # fmt: skip
    return Cells(frame, pd.Index(dealers["dealer_id"]), pd.Index(lines), province_of, region_of, rows)


def working_days_left(as_of: pd.Timestamp) -> tuple[int, int]:
    """(working days elapsed through ``as_of``, working days left after it) in its month."""
    elapsed, total = time_progress_parts(as_of, "working_days")
    return elapsed, total - elapsed


def units_per_working_day(target: T, mtd: T, days_left: int) -> T | None:
    """⌈max(target − mtd, 0) / days_left⌉ whole units a working day (ints, or integer Series as ``Int64``);
    None, or a blank Series, when no working day is left (docs/method.md §2.3)."""
    gap = np.maximum(target - mtd, 0)
    if isinstance(gap, pd.Series):
        return (-(-gap // days_left)).astype("Int64") if days_left > 0 else pd.Series(pd.NA, gap.index, "Int64")
    return int(-(-gap // days_left)) if days_left > 0 else None


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _day(stamp: pd.Timestamp) -> np.datetime64:
    return np.datetime64(pd.Timestamp(stamp).date(), "D")


@dataclass(frozen=True)
class Known:
    """Sales (sorted by day) and leads as cell numbers and days, computed once for any number of as-of days.

    Leads: ``closed_on`` is the close day (``last_tracked``) of won and lost leads, the far future
    for open ones."""

    cells: Cells
    sale_cell: np.ndarray
    sale_day: np.ndarray
    sale_units: np.ndarray
    lead_cell: np.ndarray
    lead_units: np.ndarray
    reported: np.ndarray
    closed_on: np.ndarray
    won: np.ndarray
    expected: np.ndarray

    def sums(self, cell: np.ndarray, values: np.ndarray) -> np.ndarray:
        keep = cell >= 0
        return np.bincount(cell[keep], weights=values[keep], minlength=len(self.cells.frame)).astype("float64")


def known(facts: pd.DataFrame, leads: pd.DataFrame, cells: Cells) -> Known:
    """:class:`Known` from sales facts (date, dealer_id, line, units) and every lead with its line."""
    closed = leads["stage"].isin(("won", "lost")).to_numpy()
    far = np.datetime64("2262-01-01", "D")
    days = _days(facts["date"])
    order = np.argsort(days, kind="stable")
    return Known(
        cells=cells,
        sale_cell=cells.codes(facts["dealer_id"], facts["line"])[order],
        sale_day=days[order],
        sale_units=facts["units"].to_numpy(dtype="float64")[order],
        lead_cell=cells.codes(leads["dealer_id"], leads["line"]),
        lead_units=leads["units"].to_numpy(dtype="float64"),
        reported=_days(leads["reported_on"]),
        closed_on=np.where(closed, _days(leads["last_tracked"]), far),
        won=(leads["stage"] == "won").to_numpy(),
        expected=_days(leads["expected_close"]),
    )


def sold(data: Known, first: pd.Timestamp, last: pd.Timestamp, lumpy_units: int) -> tuple[np.ndarray, np.ndarray]:
    """(all units, units of orders below ``lumpy_units``) per cell sold from ``first`` through ``last``."""
    lo = np.searchsorted(data.sale_day, _day(first), side="left")
    hi = np.searchsorted(data.sale_day, _day(last), side="right")
    cell, units = data.sale_cell[lo:hi], data.sale_units[lo:hi]
    return data.sums(cell, units), data.sums(cell, np.where(units < lumpy_units, units, 0.0))


def run_rate_rest(ordinary_mtd: np.ndarray, as_of: pd.Timestamp) -> np.ndarray:
    """Ordinary units per elapsed working day times the working days left (0 before the first working day)."""
    elapsed, left = working_days_left(as_of)
    return ordinary_mtd / elapsed * left if elapsed else np.zeros_like(ordinary_mtd)


def unannounced_rest(data: Known, as_of: pd.Timestamp, params: Landing) -> np.ndarray:
    """Lumpy units that no won lead announced, per working day of the ``params.base_months`` months
    before ``as_of``'s month, times the working days left."""
    m = Month.of(as_of)
    first = m - params.base_months
    every, ordinary = sold(data, first.start, m.start - pd.Timedelta(days=1), params.lumpy_units)
    won = (data.won & (data.lead_units >= params.lumpy_units) & (data.closed_on >= _day(first.start))
           & (data.closed_on < _day(m.start)))  # fmt: skip
    announced = data.sums(data.lead_cell, np.where(won, data.lead_units, 0.0))
    days = sum(len(month_working_days(k.year, k.number)) for k in (first + i for i in range(params.base_months)))
    return np.maximum(every - ordinary - announced, 0.0) / days * working_days_left(as_of)[1]


def pipeline_rest(leads: pd.DataFrame, cells: Cells, as_of: pd.Timestamp, lumpy_units: int) -> np.ndarray:
    """Σ units x probability per cell of the open ``leads`` of at least ``lumpy_units`` units expected to
    close from ``as_of`` through the month's last day (``leads``: dealer_id, line, units, expected_close,
    probability; open leads only, so an overdue lead, expected before ``as_of``, is left out)."""
    close = leads["expected_close"]
    take = (leads["units"] >= lumpy_units) & (close >= as_of) & (close <= Month.of(as_of).end)
    chosen = leads[take]
    weighted = (chosen["units"] * chosen["probability"]).to_numpy(dtype="float64")
    return cells.sums(chosen["dealer_id"], chosen["line"], weighted)


def past_pipeline_rest(data: Known, day: pd.Timestamp, lumpy_units: int) -> np.ndarray:
    """:func:`pipeline_rest` as known on a past ``day``: the leads reported by then and not closed by then,
    weighted by the win rate of the leads of at least ``lumpy_units`` units closed by then."""
    today = _day(day)
    reported = data.reported <= today
    closed = data.closed_on <= today
    decided = reported & closed & (data.lead_units >= lumpy_units)
    rate = float((decided & data.won).sum() / decided.sum()) if decided.any() else 0.0
    take = (reported & ~closed & (data.lead_units >= lumpy_units) & (data.expected >= today)
            & (data.expected <= _day(Month.of(day).end)))  # fmt: skip
    return data.sums(data.lead_cell, np.where(take, data.lead_units * rate, 0.0))


def whole_rest(rest: np.ndarray, cells: Cells) -> np.ndarray:
    """``rest`` as whole units that add up: half up per region x line, apportioned to provinces, then dealers."""
    rest = np.maximum(rest, 0.0)
    province = np.bincount(cells.province_of, weights=rest)
    region = np.floor(np.bincount(cells.region_of, weights=province) + 0.5 + 1e-9)
    province_units = apportion_groups(pd.Series(region), pd.Series(province), pd.Series(cells.region_of))
    return apportion_groups(province_units, pd.Series(rest), pd.Series(cells.province_of)).to_numpy(dtype="int64")


def cell_forecast(data: Known, pipeline: np.ndarray, as_of: pd.Timestamp, params: Landing) -> pd.DataFrame:
    """Per cell: mtd, run_rate_rest, pipeline_rest and the landing as of ``as_of`` (module docstring)."""
    mtd, ordinary = sold(data, Month.of(as_of).start, as_of, params.lumpy_units)
    by_rate = run_rate_rest(ordinary, as_of) + unannounced_rest(data, as_of, params)
    landing = mtd.astype("int64") + whole_rest(by_rate + pipeline, data.cells)
    return data.cells.frame.assign(mtd=mtd.astype("int64"), run_rate_rest=by_rate, pipeline_rest=pipeline,
                                   landing=landing)  # fmt: skip


def at_level(frame: pd.DataFrame, cells: Cells, level: Level) -> pd.DataFrame:
    """Cell rows (a frame over ``cells``) summed to ``level`` x line, units in order of first appearance."""
    row = cells.row_of(level)
    units = cells.rows[level]
    sums = {c: np.bincount(row, weights=frame[c].to_numpy(dtype="float64"), minlength=len(units))
            for c in SUMMED if c in frame.columns}  # fmt: skip
    out = units.assign(**sums)
    whole = [c for c in ("target", "mtd", "actual", "landing") if c in sums]
    return out.astype({c: "int64" for c in whole})


def with_targets(frame: pd.DataFrame, targets: pd.DataFrame | None, level: Level) -> pd.DataFrame:
    """``frame`` with the issued ``target`` of each unit x line (0 where none)."""
    keys = [*KEY_COLUMNS[level], "line"]
    if targets is None or targets.empty:
        return frame.assign(target=0)
    issued = targets.groupby(keys, as_index=False)["target"].sum()
    out = frame.merge(issued, on=keys, how="left")
    out["target"] = out["target"].fillna(0).astype("int64")
    return out


def landing_table(cell_frame: pd.DataFrame, cells: Cells, level: Level, targets: pd.DataFrame | None,
                  as_of: pd.Timestamp, spread: tuple[float, float]) -> pd.DataFrame:  # fmt: skip
    """The landing of ``level`` x line: target, mtd, the two rests, landing, low, high, gap, needed per day."""
    rows = with_targets(at_level(cell_frame, cells, level), targets, level)
    low = np.minimum(rows["landing"], np.floor(rows["landing"] * spread[0] + 1e-9))
    low = np.maximum(rows["mtd"], low).astype("int64")
    high = np.maximum(rows["landing"], np.ceil(rows["landing"] * spread[1] - 1e-9)).astype("int64")
    out = rows.assign(
        landing_low=low,
        landing_high=high,
        landing_gap=(rows["landing"] - rows["target"]).astype("int64"),
        needed_per_day=units_per_working_day(rows["target"], rows["mtd"], working_days_left(as_of)[1]),
    )
    return out[[*UNIT_COLUMNS[level], "line", *LANDING_COLUMNS]]


# --- history: what was known on a past day ------------------------------------------------------


def lead_lines(leads: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """``leads`` with the ``line`` of their product."""
    return leads.assign(line=leads["product_id"].map(products.set_index("product_id")["line"]))


def past_days(month: MonthLike, day: int, months: int = BACKTEST_MONTHS) -> list[pd.Timestamp]:
    """Day ``day`` (or the last day when shorter) of each of the ``months`` months before ``month``."""
    m = Month.of(month)
    return [(m - k).start + pd.Timedelta(days=min(day, (m - k).days) - 1) for k in range(months, 0, -1)]


def past_cells(data: Known, day: pd.Timestamp, params: Landing) -> pd.DataFrame:
    """:func:`cell_forecast` as known on a past ``day``, with the month's ``actual`` total and the plain
    ``run_rate`` (mtd / day of month x days in the month)."""
    m = Month.of(day)
    frame = cell_forecast(data, past_pipeline_rest(data, day, params.lumpy_units), day, params)
    actual = sold(data, m.start, m.end, params.lumpy_units)[0]
    return frame.assign(actual=actual.astype("int64"), run_rate=frame["mtd"] / day.day * m.days)


def spread(history: Sequence[pd.DataFrame], cells: Cells, level: Level,
           quantiles: tuple[float, float]) -> tuple[float, float]:  # fmt: skip
    """The ``quantiles`` of actual / landing over the rows of ``level`` with a positive landing (1, 1 when none)."""
    row, n = cells.row_of(level), len(cells.rows[level])

    def summed(column: str) -> np.ndarray:
        return np.concatenate([np.bincount(row, weights=f[column].to_numpy(dtype="float64"), minlength=n)
                               for f in history] or [np.zeros(0)])  # fmt: skip

    landing, actual = summed("landing"), summed("actual")
    positive = landing > 0
    if not positive.any():
        return 1.0, 1.0
    low, high = np.quantile(actual[positive] / landing[positive], quantiles)
    return float(low), float(high)


def landing_by_level(
    facts: pd.DataFrame,
    open_leads: pd.DataFrame,
    lead_history: pd.DataFrame,
    targets: MonthTargets,
    org: pd.DataFrame,
    as_of: pd.Timestamp,
    params: Landing,
) -> dict[Level, pd.DataFrame]:
    """The landing table (:data:`LANDING_COLUMNS`) of each level as of ``as_of``.

    ``facts``: :func:`kaplan.core.facts.sales_facts`; ``open_leads``: the open leads with dealer_id, line,
    units, expected_close and their adjusted ``probability``; ``lead_history``: every lead with its line
    (:func:`lead_lines`), for the range; ``targets``: the issued targets of the month.
    """
    cells = landing_cells(org)
    data = known(facts, lead_history, cells)
    now = cell_forecast(data, pipeline_rest(open_leads, cells, as_of, params.lumpy_units), as_of, params)
    history = [past_cells(data, day, params) for day in past_days(as_of, as_of.day)]
    return {level: landing_table(now, cells, level, getattr(targets, level), as_of,
                                 spread(history, cells, level, params.range))
            for level in LEVELS}  # fmt: skip


# --- backtest ------------------------------------------------------------------------------------


def errors(rows: pd.DataFrame) -> pd.DataFrame:
    """Per method: ``rows`` (unit x line rows with a positive actual), ``mape`` and ``wape``."""
    sold = rows[rows["actual"] > 0]
    actual = sold["actual"].astype("float64")
    out = []
    for method in METHODS:
        miss = (sold[method].astype("float64") - actual).abs()
        mape = float((miss / actual).mean()) if len(sold) else np.nan
        wape = float(miss.sum() / actual.sum()) if len(sold) else np.nan
        out.append({"method": method, "rows": len(sold), "mape": mape, "wape": wape})
    return pd.DataFrame(out)


def backtest(
    facts: pd.DataFrame,
    lead_history: pd.DataFrame,
    issued: Mapping[str, MonthTargets],
    org: pd.DataFrame,
    month: MonthLike,
    params: Landing,
    days: Sequence[int] = BACKTEST_DAYS,
) -> pd.DataFrame:
    """Per past month x day x level x method: rows, MAPE and WAPE of the month's total (module docstring).

    ``issued`` maps each of the 12 months before ``month`` (``YYYY-MM``) to its issued targets.
    """
    cells = landing_cells(org)
    data = known(facts, lead_history, cells)
    parts = []
    for day_no in days:
        for day in past_days(month, day_no):
            frame = past_cells(data, day, params)
            for level in LEVELS:
                rows = with_targets(at_level(frame, cells, level), getattr(issued[str(Month.of(day))], level), level)
                parts.append(errors(rows).assign(month=str(Month.of(day)), day=day_no, unit_level=level))
    columns = ["month", "day", "unit_level", "method", "rows", "mape", "wape"]
    return pd.concat(parts, ignore_index=True)[columns]


def backtest_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per level x day: mean MAPE of each method over the months, and the landing's error against the
    plain run-rate's (``vs_run_rate`` = landing MAPE / run-rate MAPE - 1; below 0 is better)."""
    wide = table.pivot_table(index=["unit_level", "day"], columns="method", values="mape", aggfunc="mean",
                             sort=False)  # fmt: skip
    wide = wide.reindex(columns=list(METHODS))
    wide.columns = [f"{m}_mape" for m in METHODS]
    wide["vs_run_rate"] = wide["landing_mape"] / wide["run_rate_mape"] - 1.0
    order = pd.MultiIndex.from_product([LEVELS, sorted(table["day"].unique())], names=["unit_level", "day"])
    return wide.reindex(order).reset_index()


def uncovered(province_table: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Province x line rows whose expected rest (run-rate + pipeline) covers less than ``threshold`` of their
    gap ``max(0, target - mtd)``, lowest ``rest_coverage`` first (``province_table``: a landing table)."""
    gap = (province_table["target"] - province_table["mtd"]).clip(lower=0).astype("int64")
    rest = province_table["run_rate_rest"] + province_table["pipeline_rest"]
    coverage = (rest / gap.astype("float64")).where(gap > 0)
    out = province_table.assign(gap=gap, rest_coverage=coverage)
    out = out[(gap > 0) & (coverage < threshold)]
    columns = ["region", "province", "line", "target", "mtd", "gap", "run_rate_rest", "pipeline_rest", "landing",
               "rest_coverage"]  # fmt: skip
    order = out.sort_values(["rest_coverage", "gap"], ascending=[True, False], kind="stable")
    return order[columns].reset_index(drop=True)


def landing_columns(board: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """A progress board carrying ``landing`` with ``landing_gap`` = landing - month_plan and ``needed_per_day``
    = ⌈max(0, month_plan - mtd) / working days left after ``as_of``⌉ (:func:`units_per_working_day`)."""
    left = working_days_left(as_of)[1]
    return board.assign(landing_gap=(board["landing"] - board["month_plan"]).astype("int64"),
                        needed_per_day=units_per_working_day(board["month_plan"], board["mtd"], left))  # fmt: skip
