"""Customer tiers (分级开发, §3): value ranking, key / secondary / potential, the two pyramids.

- **Customer value** ``v`` = units the customer bought in the trailing 12 months, i.e. sales with
  ``as_of − 12 months < date ≤ as_of``, plus its weighted open pipeline
  ``Σ units × adjusted probability`` over its open leads (:mod:`kaplan.leads.scorecard`).
- **Ranking**: value descending, ties by ``customer_id`` ascending; rank 1 is the most valuable.
  ``before_i`` = the total value of the customers ranked above ``i``; ``V`` = total value.
- **Tiers** with the cut-offs ``key`` (0.80) and ``secondary`` (0.95) of ``params.tiers``:
  key is the smallest top set whose value reaches ``key·V``, i.e. customer ``i`` is key when
  ``before_i < key·V``; secondary when not key and ``before_i < secondary·V``; the rest are
  potential. A customer with ``v = 0`` is always potential (so is everyone when ``V = 0``).
  Comparisons allow a relative tolerance of 1e-9 of ``V`` so that a prefix landing exactly on a
  cut-off (80 % of the value) closes the tier despite floating-point sums.
- **Pyramids** (大客户数量金字塔 / 大客户价值金字塔): per tier, the number of customers and their value,
  each with its share of the total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaplan.core.params import Tiers

TIERS = ("key", "secondary", "potential")
TOLERANCE = 1e-9
VALUE_COLUMNS = ("customer_id", "bought_12m", "pipeline_weighted", "value")


def customer_values(
    customers: pd.DataFrame, sales: pd.DataFrame, open_leads: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Every customer's ``bought_12m``, ``pipeline_weighted`` and ``value`` (``open_leads`` needs
    ``customer_id`` and ``weighted_units``)."""
    start = as_of.normalize() - pd.DateOffset(months=12)
    recent = sales[(sales["date"] > start) & (sales["date"] <= as_of)]
    bought = recent.groupby("customer_id")["units"].sum()
    pipeline = open_leads.groupby("customer_id")["weighted_units"].sum()
    ids = customers["customer_id"]
    out = pd.DataFrame(
        {
            "customer_id": ids.to_numpy(),
            "bought_12m": ids.map(bought).fillna(0).astype("int64").to_numpy(),
            "pipeline_weighted": ids.map(pipeline).fillna(0.0).astype("float64").to_numpy(),
        }
    )
    out["value"] = out["bought_12m"] + out["pipeline_weighted"]
    return out


def assign_tiers(values: pd.DataFrame, cutoffs: Tiers) -> pd.DataFrame:
    """``values`` (``customer_id``, ``value``) ranked, with ``rank``, ``cum_share`` and ``tier``."""
    ranked = values.sort_values(["value", "customer_id"], ascending=[False, True], kind="stable")
    value = ranked["value"].to_numpy(dtype="float64")
    total = float(value.sum())
    cumulative = np.cumsum(value)
    before = cumulative - value
    tolerance = TOLERANCE * total
    tier = np.where(
        before < cutoffs.key * total - tolerance,
        "key",
        np.where(before < cutoffs.secondary * total - tolerance, "secondary", "potential"),
    )
    tier = np.where(value > 0, tier, "potential")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, cumulative / total, np.nan)
    return ranked.assign(
        rank=np.arange(1, len(ranked) + 1, dtype="int64"),
        cum_share=share,
        tier=pd.Series(tier, index=ranked.index, dtype="str"),
    ).reset_index(drop=True)


def pyramids(tiered: pd.DataFrame) -> pd.DataFrame:
    """Per tier: ``customers``, ``customer_share``, ``value``, ``value_share`` (key first)."""
    grouped = tiered.groupby("tier")
    customers = grouped.size().reindex(list(TIERS), fill_value=0).astype("int64")
    value = grouped["value"].sum().reindex(list(TIERS), fill_value=0.0).astype("float64")
    n, v = customers.sum(), value.sum()
    return pd.DataFrame(
        {
            "tier": list(TIERS),
            "customers": customers.to_numpy(),
            "customer_share": customers.to_numpy() / n if n else np.full(3, np.nan),
            "value": value.to_numpy(),
            "value_share": value.to_numpy() / v if v else np.full(3, np.nan),
        }
    )
