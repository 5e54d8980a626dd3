"""Targets for month M: national plan per line -> provinces -> dealers (docs/method.md §2.1, §2.2).

For each line ``l``::

    plan(l, M)          = issued plan of M (:func:`kaplan.plan.seasonal.plan_table`)
    target(p, l)        = apportion(plan(l, M), composite(·, l))(p)          over provinces p
    target(d, l)        = apportion(target(p, l), composite(· in p, l))(d)   over dealers d of p
    target(r, l)        = Σ_{p in r} target(p, l)                           regions

so dealers sum exactly to their province, provinces to the line's plan, regions to the national
plan. Composites are those of :mod:`kaplan.plan.composite` (province shares within the line, dealer shares
within their province and line). The raw sums are computed once at dealer level and added up to
provinces, so the sales are grouped only once.

The ``province`` and ``dealer`` sheets carry ``s_pipeline`` (before ``composite``) only when the
pipeline weight is above 0: with the default weight 0 the sheets are the seed's.

``warnings`` lists every dropped component and equal split (:func:`kaplan.plan.composite.dropped_components`)
and the lines whose seasonality fell back to all lines or to equal months (``level = seasonal``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from kaplan.core.apportion import apportion_groups
from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params
from kaplan.core.tables import Tables
from kaplan.plan.composite import (
    Components,
    WeightsLike,
    blend,
    components_from_sums,
    dropped_components,
    province_sums,
    unit_sums,
    weights_tuple,
)
from kaplan.plan.seasonal import issued_plan, plan_table, seasonal_shares

log = logging.getLogger(__name__)

SHEET_COLUMNS = {
    "plan": ("month", "line", "seasonal_share", "locked_plan", "actual", "rolling_plan", "issued"),
    "province": ("month", "region", "province", "line", "s_trailing3", "s_last_month", "s_annual",
                 "composite", "target"),
    "dealer": ("month", "region", "province", "dealer_id", "dealer_name", "line", "s_trailing3",
               "s_last_month", "s_annual", "composite", "target"),
}  # fmt: skip
PIPELINE_COLUMN = "s_pipeline"
REGION_COLUMNS = ("month", "region", "line", "target")
WARNING_COLUMNS = ("level", "province", "line", "component", "issue")


@dataclass(frozen=True)
class MonthTargets:
    """Everything issued for one month: the plan table, the three levels and the warnings.

    ``adjustments``: the manual adjustments applied to the dealer targets
    (:func:`kaplan.plan.adjustments.apply_adjustments`), ``None`` for the formula targets.
    """

    month: str
    plan: pd.DataFrame
    province: pd.DataFrame
    dealer: pd.DataFrame
    region: pd.DataFrame
    warnings: pd.DataFrame
    adjustments: pd.DataFrame | None = None


def province_targets(shares: pd.DataFrame, plan: pd.Series) -> pd.DataFrame:
    """Province shares with ``target``: each line's ``plan`` apportioned by composite."""
    target = apportion_groups(plan, shares["composite"], shares["line"])
    return shares.assign(target=target.to_numpy())


def dealer_targets(shares: pd.DataFrame, provinces: pd.DataFrame) -> pd.DataFrame:
    """Dealer shares with ``target``: each province x line target apportioned by composite."""
    totals = provinces.set_index(["province", "line"])["target"]
    target = apportion_groups(totals, shares["composite"], shares[["province", "line"]])
    return shares.assign(target=target.to_numpy())


def split_targets(
    province: Components, dealer: Components, plan: pd.Series, weights: WeightsLike | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Province and dealer targets under ``weights``: the line ``plan`` split down both levels.

    The one cascade of docs/method.md §2.2, used by the monthly run and by the live sliders.
    """
    provinces = province_targets(blend(province, weights), plan)
    return provinces, dealer_targets(blend(dealer, weights), provinces)


def region_targets(provinces: pd.DataFrame) -> pd.DataFrame:
    """Targets per month x region x line: sums of the region's provinces."""
    out = provinces.groupby(["month", "region", "line"], sort=False, as_index=False)["target"].sum()
    return out[list(REGION_COLUMNS)]


def seasonal_warnings(seasonal: pd.DataFrame) -> pd.DataFrame:
    """One row per line whose seasonality is not its own history, and one per line whose
    January/February split found no history year with the plan year's festival month."""
    fallback = seasonal[seasonal["basis"] != "own"].drop_duplicates("line")
    unsplit = seasonal[seasonal["jan_feb_split"] == "no_same_festival_month"].drop_duplicates("line")
    return pd.DataFrame(
        {
            "level": "seasonal",
            "province": "",
            "line": [*fallback["line"], *unsplit["line"]],
            "component": "",
            "issue": [*("seasonal_" + fallback["basis"]), *("seasonal_" + unsplit["jan_feb_split"])],
        }
    ).astype("str")


def sheet_columns(level: str, pipeline: bool) -> list[str]:
    """The ``level`` sheet's columns: :data:`SHEET_COLUMNS`, with ``s_pipeline`` if ``pipeline`` (its weight > 0)."""
    columns = list(SHEET_COLUMNS[level])
    if level in ("province", "dealer") and pipeline:
        columns.insert(columns.index("composite"), PIPELINE_COLUMN)
    return columns


def month_targets(
    data: Tables, month: MonthLike, params: Params, weights: WeightsLike | None = None,
    seasonal: pd.DataFrame | None = None,
) -> MonthTargets:  # fmt: skip
    """The whole cascade for ``month`` (YYYY-MM); ``weights`` default to ``params.split_weights``.

    ``seasonal``: the seasonal shares of the month's year when already computed (:func:`seasonal_shares`
    of the same data and params; the months of one year share them).
    """
    weights = params.split_weights if weights is None else weights
    month = str(Month.of(month))
    seasonal = seasonal_shares(data, Month.of(month).year, params) if seasonal is None else seasonal
    plan = plan_table(data, month, params, seasonal)
    sums = unit_sums(data, month, params.stage_probabilities)
    dealer_comp = components_from_sums(sums, month, "dealer")
    province_comp = components_from_sums(province_sums(sums), month, "province")
    pipeline = weights_tuple(weights)[3] > 0
    provinces, dealers = split_targets(province_comp, dealer_comp, issued_plan(plan, month), weights)
    warnings = pd.concat(
        [
            dropped_components(province_comp, weights),
            dropped_components(dealer_comp, weights),
            seasonal_warnings(seasonal),
        ],
        ignore_index=True,
    )
    log.info("targets %s: %d provinces, %d dealers, %d warnings", month,
             provinces["province"].nunique(), dealers["dealer_id"].nunique(), len(warnings))
    return MonthTargets(
        month=month,
        plan=plan,
        province=provinces[sheet_columns("province", pipeline)],
        dealer=dealers[sheet_columns("dealer", pipeline)],
        region=region_targets(provinces),
        warnings=warnings[list(WARNING_COLUMNS)],
    )


def targets_sheets(mt: MonthTargets, scenarios: pd.DataFrame | None = None,
                   seasonality: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The ``targets_YYYY-MM.xlsx`` sheets ``plan``, ``province``, ``dealer`` (docs/operations.md §4 columns).

    With ``scenarios`` (:func:`kaplan.plan.scenarios.scenarios_sheet`), a sheet ``scenarios``; with
    ``seasonality`` (:func:`kaplan.plan.seasonality_backtest.seasonality_backtest`), a sheet ``seasonality``.
    When the month has manual adjustments, a last sheet ``adjustments`` (formula and adjusted targets).
    """
    frames = {"plan": mt.plan, "province": mt.province, "dealer": mt.dealer}
    pipeline = PIPELINE_COLUMN in mt.province
    sheets = {name: frames[name][sheet_columns(name, pipeline)].reset_index(drop=True) for name in SHEET_COLUMNS}
    if scenarios is not None:
        sheets["scenarios"] = scenarios.reset_index(drop=True)
    if seasonality is not None:
        sheets["seasonality"] = seasonality.reset_index(drop=True)
    if mt.adjustments is not None and len(mt.adjustments):
        sheets["adjustments"] = mt.adjustments.reset_index(drop=True)
    return sheets


def targets_by_line(frame: pd.DataFrame, level: str = "dealer") -> pd.DataFrame:
    """One row per unit of ``level`` (dealer, province or region) with one target column per line and ``total``.

    ``frame``: the ``dealer``, ``province`` or ``region`` targets (one row per unit x line); units keep their order,
    lines the order they first appear in; a line a unit has no row for is 0. ``total`` is the sum of
    the unit's lines, so the columns of a region add up to its issued region target.
    """
    below = {"region": [], "province": ["province"], "dealer": ["province", "dealer_id", "dealer_name"]}[level]
    keys = ["month", "region", *below]
    lines = list(dict.fromkeys(frame["line"]))
    wide = frame.pivot_table(index=keys, columns="line", values="target", aggfunc="sum", sort=False, fill_value=0)
    wide = wide.reindex(columns=lines, fill_value=0).astype("int64")
    out = wide.reset_index()
    out.columns = [str(c) for c in out.columns]
    out["total"] = wide.sum(axis=1).to_numpy(dtype="int64")
    return out[[*keys, *lines, "total"]]


def region_summary(region: pd.DataFrame, lang: Lang = "zh") -> pd.DataFrame:
    """The region targets with one column per line and ``total``, then the national row (``row_kind``,
    its region cell reading "national" in ``lang``)."""
    wide = targets_by_line(region, "region").assign(row_kind="unit")
    sums = wide.drop(columns=["month", "region", "row_kind"]).sum().to_frame().T.astype("int64")
    national = sums.assign(month=wide["month"].iloc[0] if len(wide) else "", region=label("national", lang),
                           row_kind="national_total")  # fmt: skip
    return pd.concat([wide, national[wide.columns]], ignore_index=True)


__all__ = ["SHEET_COLUMNS", "MonthTargets", "month_targets", "region_summary", "targets_by_line", "targets_sheets"]
