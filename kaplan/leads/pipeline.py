"""Weighted pipeline against the month's target gap (docs/method.md §2.4), and the ``pipeline`` workbook.

For the reporting month ``M`` (``YYYY-MM``) at date ``as_of``:

- **Scored leads**: the leads reported on or before ``as_of`` (:func:`kaplan.leads.registry.lead_facts`),
  each with its stage probability, entry barrier and adjusted ``probability``
  (:mod:`kaplan.leads.scorecard`), ``weighted_units = units × probability`` (0 for won and lost leads:
  they are no longer pipeline), days since tracked, the stale and qualified flags, and
  ``close_month`` = the month of ``expected_close`` and the ``overdue`` flag (逾期未成交: open, expected
  close before ``as_of``).
- **Month target gap** per unit (region, or region × province) × line:
  ``gap = max(0, target − mtd)``, ``target`` the issued target of ``M`` (a frame passed in, e.g.
  ``month_targets(...).region``), ``mtd`` the units sold from the 1st of ``M`` through ``as_of``.
- **Coverage** = ``Σ weighted_units`` of the open, not overdue leads of that unit and line whose
  ``close_month`` is ``M``, divided by ``gap``; blank when ``gap = 0``.
- **Overdue roll-up** per owner or region: overdue leads, units, weighted units, earliest expected close.
- **Forecast**: open pipeline by region × line × close month (``M`` and later):
  ``units``, ``weighted_units``; ``target`` and ``coverage`` on the rows of month ``M`` only (every
  region × line with a target appears there, with 0 pipeline when it has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike, month_labels
from kaplan.core.params import Params
from kaplan.core.schema import OPEN_STAGES
from kaplan.core.tables import Tables
from kaplan.core.units import KEY_COLUMNS, Level
from kaplan.leads import registry as lead_rules
from kaplan.leads import tiers as tier_rules
from kaplan.leads.roles import role_coverage
from kaplan.leads.scorecard import lead_probabilities

LEAD_SHEET_COLUMNS = (
    "lead_id", "reported_on", "region", "province", "dealer_id", "owner_id", "owner_name",
    "customer_id", "customer_name", "tier", "lead_class", "source", "stage", "product_id", "line",
    "units", "budget", "expected_close", "close_month", "overdue", "last_tracked", "days_since_tracked",
    "stale", "qualified", "stage_probability", "barrier", "probability", "weighted_units", "notes",
)  # fmt: skip
FORECAST_COLUMNS = ("region", "line", "close_month", "units", "weighted_units", "target", "coverage")
FLAG_COLUMNS = ("overdue", "overdue_units", "stale")
COVERAGE_COLUMNS = ("target", "mtd", "gap", "units", "weighted_units", "coverage")


@dataclass(frozen=True)
class Pipeline:
    """The computed lead views of one month: scored leads, customer tiers, open leads with tier."""

    month: str
    as_of: pd.Timestamp
    leads: pd.DataFrame
    customers: pd.DataFrame
    open: pd.DataFrame


def overdue_rollup(open_leads: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per ``by`` (e.g. owner, or region): overdue leads, units, weighted units and the earliest expected
    close, most overdue units first (``open_leads`` with the ``overdue`` flag)."""
    late = open_leads[open_leads["overdue"]]
    grouped = late.groupby(by, dropna=False)
    out = pd.DataFrame({
        "overdue": grouped.size().astype("int64"),
        "overdue_units": grouped["units"].sum().astype("int64"),
        "overdue_weighted": grouped["weighted_units"].sum().astype("float64"),
        "earliest_close": grouped["expected_close"].min(),
    })  # fmt: skip
    return out.reset_index().sort_values(["overdue_units", *by], ascending=[False, *[True] * len(by)],
                                         kind="stable").reset_index(drop=True)  # fmt: skip


def scored_leads(tables: Tables, params: Params, month: MonthLike, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every lead reported by ``as_of`` with probability, weighted units and the flags."""
    leads = lead_rules.reported_by(lead_rules.lead_facts(tables), as_of)
    scores = lead_probabilities(leads, tables.lead_factors, params)
    open_mask = lead_rules.is_open(leads)
    weighted = (leads["units"] * scores["probability"]).where(open_mask, 0.0)
    return pd.concat([leads, scores], axis=1).assign(
        weighted_units=weighted.astype("float64"),
        close_month=month_labels(leads["expected_close"]).astype("str"),
        overdue=lead_rules.is_overdue(leads, as_of),
        days_since_tracked=lead_rules.days_since_tracked(leads, as_of),
        stale=lead_rules.is_stale(leads, as_of, params.stale_days),
        qualified=lead_rules.qualified(leads, params.qualification, as_of),
    )


def customer_tiers(tables: Tables, scored: pd.DataFrame, params: Params, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every customer ranked by value with its tier, name, industry and segment."""
    open_leads = scored[lead_rules.is_open(scored)]
    values = tier_rules.customer_values(tables.customers, tables.sales, open_leads, as_of)
    ranked = tier_rules.assign_tiers(values, params.tiers)
    info = tables.customers.set_index("customer_id")
    return ranked.assign(
        customer_name=ranked["customer_id"].map(info["customer_name"]),
        industry=ranked["customer_id"].map(info["industry"]),
        segment=ranked["customer_id"].map(info["segment"]),
    )[["rank", "customer_id", "customer_name", "industry", "segment", "tier", "bought_12m",
       "pipeline_weighted", "value", "cum_share"]]  # fmt: skip


def build(tables: Tables, params: Params, month: MonthLike, as_of: pd.Timestamp) -> Pipeline:
    """Scored leads, tiered customers and the open leads with their customer's tier."""
    scored = scored_leads(tables, params, month, as_of)
    customers = customer_tiers(tables, scored, params, as_of)
    open_leads = scored[lead_rules.is_open(scored)]
    tier = open_leads["customer_id"].map(customers.set_index("customer_id")["tier"])
    open_leads = open_leads.assign(tier=tier.fillna("potential").astype("str")).reset_index(drop=True)
    return Pipeline(str(Month.of(month)), as_of, scored.reset_index(drop=True), customers, open_leads)


def scorecard_by_stage(open_leads: pd.DataFrame) -> pd.DataFrame:
    """Per open stage: leads, units, the stage probability, the mean entry barrier, the mean adjusted
    probability and the weighted units, so the scorecard's effect on each stage reads at a glance."""
    stage = pd.Categorical(open_leads["stage"], categories=OPEN_STAGES)
    grouped = open_leads.groupby(stage, observed=False)
    out = pd.DataFrame(
        {
            "leads": grouped.size().astype("int64"),
            "units": grouped["units"].sum().astype("int64"),
            "stage_probability": grouped["stage_probability"].first().astype("float64"),
            "barrier": grouped["barrier"].mean().astype("float64"),
            "probability": grouped["probability"].mean().astype("float64"),
            "weighted_units": grouped["weighted_units"].sum().astype("float64"),
        }
    )
    return out.rename_axis("stage").reset_index().astype({"stage": "str"})


def month_to_date(facts: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp, keys: list[str]) -> pd.Series:
    """Units sold from the 1st of ``month`` through ``as_of`` by ``keys``."""
    window = facts[(facts["date"] >= Month.of(month).start) & (facts["date"] <= as_of)]
    return window.groupby(keys)["units"].sum()


def month_coverage(
    open_leads: pd.DataFrame,
    targets: pd.DataFrame,
    facts: pd.DataFrame,
    month: MonthLike,
    as_of: pd.Timestamp,
    level: str = "region",
) -> pd.DataFrame:
    """Per unit × line (``level`` region or province): target, mtd, gap, pipeline of ``M``, coverage."""
    keys = ["region", "line"] if level == "region" else ["region", "province", "line"]
    target = targets.groupby(keys)["target"].sum()
    in_month = open_leads[(open_leads["close_month"] == str(Month.of(month))) & ~open_leads["overdue"]]
    pipe = in_month.groupby(keys)[["units", "weighted_units"]].sum()
    index = target.index.union(pipe.index)
    out = pd.DataFrame(index=index)
    out["target"] = target.reindex(index).fillna(0).astype("int64")
    out["mtd"] = month_to_date(facts, month, as_of, keys).reindex(index).fillna(0).astype("int64")
    out["gap"] = (out["target"] - out["mtd"]).clip(lower=0).astype("int64")
    out["units"] = pipe["units"].reindex(index).fillna(0).astype("int64")
    out["weighted_units"] = pipe["weighted_units"].reindex(index).fillna(0.0).astype("float64")
    gap = out["gap"].astype("float64")
    out["coverage"] = (out["weighted_units"] / gap).where(gap > 0)
    return out.reset_index()[[*keys, *COVERAGE_COLUMNS]]


def coverage_with_totals(coverage: pd.DataFrame, lang: Lang = "zh") -> pd.DataFrame:
    """Region coverage for people: national rows per line and over all lines appended.

    A total row sums target, mtd, gap, units and weighted units of its rows; its gap is the sum of
    the regions' gaps (a region ahead of its target does not cover another's gap), its coverage
    ``Σ weighted_units / Σ gap``. The region cell reads "national" in ``lang``; ``row_kind``
    (``unit`` / ``national_total``) is for styling.
    """
    measures = list(COVERAGE_COLUMNS[:-1])
    per_line = coverage.groupby("line", sort=False)[measures].sum().reset_index()
    grand = per_line[measures].sum().to_frame().T.assign(line="all_lines")
    totals = pd.concat([per_line, grand], ignore_index=True).assign(region=label("national", lang))
    gap = totals["gap"].astype("float64")
    totals["coverage"] = (totals["weighted_units"].astype("float64") / gap).where(gap > 0)
    out = pd.concat([coverage.assign(row_kind="unit"), totals.assign(row_kind="national_total")],
                    ignore_index=True)  # fmt: skip
    for column in ("target", "mtd", "gap", "units"):
        out[column] = out[column].astype("int64")
    out["weighted_units"] = out["weighted_units"].astype("float64")
    return out[[*coverage.columns, "row_kind"]]


def forecast(
    open_leads: pd.DataFrame,
    region_targets: pd.DataFrame,
    facts: pd.DataFrame,
    month: MonthLike,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """The ``forecast`` sheet: region × line × close month from ``M`` on, target/coverage for ``M``."""
    this_month = str(Month.of(month))
    later = open_leads[(open_leads["close_month"] > this_month) & ~open_leads["overdue"]]
    keys = ["region", "line", "close_month"]
    future = later.groupby(keys)[["units", "weighted_units"]].sum().reset_index()
    current = month_coverage(open_leads, region_targets, facts, month, as_of).assign(close_month=this_month)
    out = pd.concat([current, future], ignore_index=True)
    out["units"] = out["units"].astype("int64")
    out["target"] = out["target"].astype("Int64")
    return out.sort_values(keys, kind="stable").reset_index(drop=True)[list(FORECAST_COLUMNS)]


def key_leads(open_leads: pd.DataFrame) -> pd.DataFrame:
    """Open leads of key customers."""
    return open_leads[open_leads["tier"] == "key"].reset_index(drop=True)


def key_lead_roles(open_leads: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Decision-role coverage of the open key leads, fewest roles covered first."""
    columns = ["lead_id", "customer_name", "owner_name", "stage", "units"]
    coverage = role_coverage(key_leads(open_leads)[columns], contacts)
    return coverage.sort_values(["roles_covered", "lead_id"], kind="stable").reset_index(drop=True)


def pipeline_sheets(open_leads: pd.DataFrame, forecast_frame: pd.DataFrame,
                    more: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The ``pipeline_YYYY-MM.xlsx`` sheets: ``leads`` (every open lead, overdue flagged), ``forecast``, then ``more``
    (sheet name -> frame: the won deals, customer views and the whole tables the page cuts)."""
    columns = [c for c in LEAD_SHEET_COLUMNS if c in open_leads]
    lead_sheet = open_leads.sort_values(["region", "province", "lead_id"], kind="stable")[columns]
    sheets = {"leads": lead_sheet.reset_index(drop=True), "forecast": forecast_frame.reset_index(drop=True)}
    return {**sheets, **{name: frame.reset_index(drop=True) for name, frame in (more or {}).items()}}


def coverage_by_region(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per region (sorted) of a :func:`month_coverage`: ``gap``, ``weighted_units`` and ``coverage``
    (``Σ weighted_units / Σ gap``, blank when the region has no gap)."""
    by_region = coverage.groupby("region", sort=True)[["gap", "weighted_units"]].sum()
    gap = by_region["gap"].astype("float64")
    by_region["coverage"] = (by_region["weighted_units"] / gap).where(gap > 0)
    return by_region.reset_index()


def unit_flags(open_leads: pd.DataFrame, level: Level) -> pd.DataFrame:
    """Per unit key of ``level`` x line: overdue leads, overdue units and stale leads among ``open_leads``."""
    keys = [*KEY_COLUMNS[level], "line"]
    flags = open_leads[keys].assign(overdue=open_leads["overdue"].astype("int64"),
                                    overdue_units=open_leads["units"].where(open_leads["overdue"], 0),
                                    stale=open_leads["stale"].astype("int64"))  # fmt: skip
    return flags.groupby(keys, as_index=False)[list(FLAG_COLUMNS)].sum()
