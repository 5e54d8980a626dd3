"""The lead registry (信息报备): classes, channels, the six-stage funnel, stale leads, qualification.

All functions take the loaded leads (optionally enriched by :func:`lead_facts`) and an as-of date;
only leads reported on or before ``as_of`` exist at that date, the rest are ignored.

Definitions (docs/method.md §2.4):

- **Open lead**: stage is one of the six sales stages ``discover .. tender`` (not ``won``/``lost``).
- **Stage index** ``k``: discover 0, contact 1, analyse 2, position 3, commit 4, tender 5, won 6.
  Each sales stage mirrors a buyer's procurement stage (``schema.BUYER_STAGES``).
- **Reached stage k**: the registry holds only the current stage, so a lead has *reached* stage
  ``k`` when it is open or won and its stage index is ``>= k`` (won counts as having passed every
  stage). A lost lead's exit stage is unknown: it counts as having reached only the first stage
  (it was reported), so losses lower the first conversion step.
  ``reached(k) = #{open or won: index >= k} + [k = 0]·#lost``.
- **Stage-to-stage conversion** of stage ``k`` (0..5) = ``reached(k+1) / reached(k)``
  (``tender`` converts to ``won``); blank when ``reached(k) = 0``.
- **Days since tracked** (age in stage) = ``as_of − last_tracked`` in days (``reported_on`` when
  ``last_tracked`` is blank), never below 0. The funnel shows its median per open stage.
- **Stale**: an open lead with days since tracked ``> stale_days`` (exactly ``stale_days`` is not
  stale).
- **Win rate** per channel (or class) = ``won / (won + lost)`` over every lead reported up to
  ``as_of``; blank when nothing is closed.
  **Reported → won** = won / reported, over the leads reported in the window
  ``(as_of − window_months, as_of]``; blank when none was reported.
- **Qualified** (车辆采购预算: "worth investing?"): ``units >= min_units`` and
  ``budget / units >= min_budget_per_unit`` (``budget`` is the lead's total purchase budget) and
  ``expected_close <= as_of + max_months_to_close`` months. Three-valued: a blank budget makes
  the flag unknown (``<NA>``) unless another rule already fails, which makes it ``False``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaplan.core.params import Qualification
from kaplan.core.schema import BUYER_STAGES, OPEN_STAGES, STAGES
from kaplan.core.tables import Tables

STAGE_INDEX: dict[str, int] = {**{s: i for i, s in enumerate(OPEN_STAGES)}, "won": 6, "lost": -1}
FUNNEL_COLUMNS = ("stage", "buyer_stage", "leads", "units", "reached", "stage_conversion",
                  "median_days_since_tracked")  # fmt: skip
CONVERSION_COLUMNS = ("leads", "open", "won", "lost", "win_rate", "reported", "reported_won",
                      "reported_conversion")  # fmt: skip


def lead_facts(tables: Tables) -> pd.DataFrame:
    """Leads with ``region``, ``province``, ``dealer_name`` (dealer), ``line``, ``product_name`` (product),
    the customer's name, industry, segment and purchase method, and the owner's name."""
    leads = tables.leads
    org = tables.org.set_index("dealer_id")
    customers = tables.customers.set_index("customer_id")
    owners = tables.staff.set_index("staff_id")["name"]
    products = tables.products.set_index("product_id")
    return leads.assign(
        region=leads["dealer_id"].map(org["region"]),
        province=leads["dealer_id"].map(org["province"]),
        dealer_name=leads["dealer_id"].map(org["dealer_name"]),
        line=leads["product_id"].map(products["line"]),
        product_name=leads["product_id"].map(products["product_name"]),
        customer_name=leads["customer_id"].map(customers["customer_name"]),
        industry=leads["customer_id"].map(customers["industry"]),
        segment=leads["customer_id"].map(customers["segment"]),
        purchase_method=leads["customer_id"].map(customers["purchase_method"]),
        owner_name=leads["owner_id"].map(owners),
    )


def reported_by(leads: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The leads that exist at ``as_of`` (reported on or before it)."""
    return leads[leads["reported_on"] <= as_of]


def is_open(leads: pd.DataFrame) -> pd.Series:
    return leads["stage"].isin(OPEN_STAGES)


def is_overdue(leads: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """逾期未成交: open, with its expected close before ``as_of`` (docs/method.md §2.4)."""
    return is_open(leads) & (leads["expected_close"] < as_of.normalize())


def days_since_tracked(leads: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """``as_of − last_tracked`` in whole days (``reported_on`` when blank), floored at 0."""
    tracked = leads["last_tracked"].fillna(leads["reported_on"])
    return (as_of.normalize() - tracked).dt.days.clip(lower=0).astype("int64")


def is_stale(leads: pd.DataFrame, as_of: pd.Timestamp, stale_days: int) -> pd.Series:
    """Open and not tracked for more than ``stale_days`` days at ``as_of``."""
    return is_open(leads) & (days_since_tracked(leads, as_of) > stale_days)


def stale_leads(leads: pd.DataFrame, as_of: pd.Timestamp, stale_days: int) -> pd.DataFrame:
    """The stale open leads, longest untracked first (owner, customer, days since tracked)."""
    current = reported_by(leads, as_of)
    days = days_since_tracked(current, as_of)
    out = current.assign(days_since_tracked=days)[is_stale(current, as_of, stale_days)]
    columns = [c for c in ("lead_id", "region", "province", "owner_id", "owner_name", "customer_name",
                           "stage", "units", "last_tracked", "days_since_tracked") if c in out]  # fmt: skip
    return (out.sort_values(["days_since_tracked", "lead_id"], ascending=[False, True], kind="stable")
            [columns].reset_index(drop=True))  # fmt: skip


def last_saturday(as_of: pd.Timestamp) -> pd.Timestamp:
    """The Saturday before ``as_of`` (a week earlier when ``as_of`` is a Saturday): the weekly tracking day."""
    day = as_of.normalize()
    return day - pd.Timedelta(days=(day.weekday() - 5) % 7 or 7)


def stale_on(leads: pd.DataFrame, day: pd.Timestamp, stale_days: int) -> pd.Series:
    """Stale as far as the registry can tell on a past ``day``: reported by then, not closed by then (a
    closed lead's close day is its ``last_tracked``), last tracked on or before ``day`` and more than
    ``stale_days`` days before it. A lead tracked after ``day`` counts as not stale then (the registry
    keeps only the last tracking date)."""
    tracked = leads["last_tracked"].fillna(leads["reported_on"])
    alive = (leads["reported_on"] <= day) & (is_open(leads) | (tracked > day))
    return alive & (tracked <= day) & ((day.normalize() - tracked).dt.days > stale_days)


def stale_rollup(leads: pd.DataFrame, as_of: pd.Timestamp, stale_days: int, by: list[str]) -> pd.DataFrame:
    """Per ``by`` (e.g. owner, or region): stale leads and units at ``as_of``, stale leads on the last
    Saturday and the change, most stale first."""
    now = stale_on(leads, as_of, stale_days)
    before = stale_on(leads, last_saturday(as_of), stale_days)
    frame = leads[by].assign(stale=now.astype("int64"), stale_units=leads["units"].where(now, 0),
                             stale_last_saturday=before.astype("int64"))  # fmt: skip
    out = frame.groupby(by, dropna=False)[["stale", "stale_units", "stale_last_saturday"]].sum()
    out = out[(out["stale"] > 0) | (out["stale_last_saturday"] > 0)].astype("int64")
    out["stale_change"] = out["stale"] - out["stale_last_saturday"]
    return out.reset_index().sort_values(["stale", *by], ascending=[False, *[True] * len(by)],
                                         kind="stable").reset_index(drop=True)  # fmt: skip


def qualified(leads: pd.DataFrame, rule: Qualification, as_of: pd.Timestamp) -> pd.Series:
    """The three-valued "worth investing?" flag (pandas ``boolean``; ``<NA>`` = unknown budget)."""
    horizon = as_of.normalize() + pd.DateOffset(months=rule.max_months_to_close)
    certain = (leads["units"] >= rule.min_units) & (leads["expected_close"] <= horizon)
    per_unit = leads["budget"] / leads["units"]
    budget_ok = pd.array(per_unit >= rule.min_budget_per_unit, dtype="boolean")
    budget_ok[per_unit.isna().to_numpy()] = pd.NA
    return pd.Series(pd.array(certain, dtype="boolean") & budget_ok, index=leads.index, name="qualified")


def qualification_counts(leads: pd.DataFrame) -> pd.DataFrame:
    """Per open stage: leads and units qualified, not qualified and unknown (blank budget)."""
    flag = leads["qualified"]
    frame = pd.DataFrame(
        {
            "stage": pd.Categorical(leads["stage"], categories=OPEN_STAGES),
            "qualified": flag.fillna(False).astype("int64"),
            "not_qualified": (~flag.fillna(True)).astype("int64"),
            "unknown": flag.isna().astype("int64"),
            "qualified_units": leads["units"].where(flag.fillna(False), 0).astype("int64"),
        }
    )
    out = frame.groupby("stage", observed=False).sum().reset_index()
    out["stage"] = out["stage"].astype("str")
    return out


def reached_counts(stage: pd.Series) -> pd.Series:
    """``reached(k)`` for the six open stages and ``won`` (see the module docstring)."""
    index = stage.map(STAGE_INDEX).to_numpy(dtype="int64")
    at = np.bincount(index[index >= 0], minlength=7)
    reached = np.cumsum(at[::-1])[::-1]
    reached[0] += int((index == -1).sum())
    return pd.Series(reached, index=[*OPEN_STAGES, "won"], dtype="int64")


def funnel(leads: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per stage (six open stages, won, lost): leads and units now in it, reached, conversion."""
    current = reported_by(leads, as_of)
    grouped = current.groupby("stage", observed=True)
    counts = grouped.size().reindex(STAGES, fill_value=0).astype("int64")
    units = grouped["units"].sum().reindex(STAGES, fill_value=0).astype("int64")
    reached = reached_counts(current["stage"]).reindex(STAGES, fill_value=0)
    reached["lost"] = counts["lost"]
    following = reached.iloc[1:7].to_numpy(dtype="float64")
    base = reached.iloc[0:6].to_numpy(dtype="float64")
    conversion = np.full(len(STAGES), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion[:6] = np.where(base > 0, following / base, np.nan)
    open_rows = current[is_open(current)]
    ages = days_since_tracked(open_rows, as_of).groupby(open_rows["stage"]).median()
    return pd.DataFrame(
        {
            "stage": list(STAGES),
            "buyer_stage": [BUYER_STAGES[s] for s in STAGES],
            "leads": counts.to_numpy(),
            "units": units.to_numpy(),
            "reached": reached.to_numpy(),
            "stage_conversion": conversion,
            "median_days_since_tracked": ages.reindex(STAGES).astype("float64").to_numpy(),
        }
    )


def conversion_by(
    leads: pd.DataFrame, column: str, as_of: pd.Timestamp, window_months: int = 12
) -> pd.DataFrame:
    """Per value of ``column`` (``source`` or ``lead_class``): win rate and reported → won in the window."""
    current = reported_by(leads, as_of)
    start = as_of.normalize() - pd.DateOffset(months=window_months)
    in_window = current["reported_on"] > start
    frame = pd.DataFrame(
        {
            column: current[column],
            "leads": 1,
            "open": is_open(current).astype("int64"),
            "won": (current["stage"] == "won").astype("int64"),
            "lost": (current["stage"] == "lost").astype("int64"),
            "reported": in_window.astype("int64"),
            "reported_won": (in_window & (current["stage"] == "won")).astype("int64"),
        }
    )
    sums = frame.groupby(column, observed=True).sum()
    closed = (sums["won"] + sums["lost"]).astype("float64")
    sums["win_rate"] = (sums["won"] / closed).where(closed > 0)
    sums["reported_conversion"] = (sums["reported_won"] / sums["reported"].astype("float64")).where(
        sums["reported"] > 0
    )
    return sums[list(CONVERSION_COLUMNS)].reset_index()
