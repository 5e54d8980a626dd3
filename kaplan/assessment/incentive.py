"""Tiered incentive (阶梯式激励, docs/method.md §2.5): a per-unit rate that rises with attainment.

Bands come from ``params.incentive.bands``, ascending by ``attainment_from`` (the first starts at
0). Band i is the **half-open** interval ``[from_i, from_{i+1})``, the last one ``[from_n, ∞)``:
an attainment exactly at a band's start belongs to that band (with the defaults 0.8 pays 200 a
unit, 0.7999 pays 0).

The payout is the simple reading of the seed's "阶梯式激励": **all** units of the period at the
rate of the band the attainment falls in (not a marginal scheme where only units above a step earn
the higher rate)::

    band   = the i with from_i <= attainment < from_{i+1}
    payout = units * rate_i

where attainment is the person's month attainment and units the person's month-to-date units
(the sales of the dealers they answer for, :mod:`kaplan.assessment.attainment`): a director's payout is on the
region's units, a manager's on the province's, a specialist's on the dealer's.

A person without a target (attainment blank) is in no band and earns 0; the table says so.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kaplan.core.params import IncentiveBand

log = logging.getLogger(__name__)

PAYOUT_COLUMNS = ("staff_id", "name", "role", "month_target", "mtd", "month_attainment", "band", "rate", "payout")


def band_index(attainment: pd.Series, bands: Sequence[IncentiveBand]) -> pd.Series:
    """Index of the band each attainment falls in (half-open ``[from, next_from)``); -1 when blank."""
    starts = np.array([b.attainment_from for b in bands], dtype="float64")
    values = attainment.astype("float64").to_numpy()
    index = np.searchsorted(starts, values, side="right") - 1
    index = np.where(np.isnan(values), -1, index)
    return pd.Series(index.astype("int64"), index=attainment.index, name="band_index")


def band_labels(bands: Sequence[IncentiveBand]) -> list[str]:
    """``[0%, 80%)``, ``[80%, 100%)``, ..., ``≥ 120%``: the half-open ranges as people read them."""
    starts = [b.attainment_from for b in bands]
    out = [f"[{percent(a)}, {percent(b)})" for a, b in itertools.pairwise(starts)]
    return [*out, f"≥ {percent(starts[-1])}"]


def percent(value: float) -> str:
    """0.8 -> ``80%``, 0.855 -> ``85.5%`` (no rounding that would make two band starts read alike)."""
    return f"{value * 100:g}%"


def schedule(bands: Sequence[IncentiveBand]) -> pd.DataFrame:
    """The schedule as a table: band, attainment_from, attainment_to (blank for the last), rate."""
    starts = [b.attainment_from for b in bands]
    return pd.DataFrame(
        {
            "band": band_labels(bands),
            "attainment_from": starts,
            "attainment_to": [*starts[1:], np.nan],
            "rate": [b.rate for b in bands],
        }
    )


def payouts(attainment: pd.DataFrame, bands: Sequence[IncentiveBand]) -> pd.DataFrame:
    """The ``incentive`` sheet: per person the band of ``month_attainment``, its rate and ``mtd * rate``."""
    index = band_index(attainment["month_attainment"], bands)
    rates = np.array([b.rate for b in bands], dtype="float64")
    labels = np.array(band_labels(bands), dtype=object)
    inside = index.to_numpy() >= 0
    safe = np.where(inside, index.to_numpy(), 0)
    out = attainment[["staff_id", "name", "role", "month_target", "mtd", "month_attainment"]].copy()
    out["band"] = pd.Series(np.where(inside, labels[safe], ""), index=out.index, dtype="str")
    out["rate"] = np.where(inside, rates[safe], 0.0)
    out["payout"] = out["mtd"].astype("float64") * out["rate"]
    log.info("incentive: %d people, total payout %.0f", len(out), out["payout"].sum())
    return out[list(PAYOUT_COLUMNS)].reset_index(drop=True)
