"""Tiered incentive (阶梯式激励, docs/method.md §2.5): a per-unit rate in 元 that rises with attainment.

Every role (专员 ``dealer_specialist``, 区域经理 ``regional_manager``, 大区总监 ``regional_director``)
has its own entry in ``params.incentive``: ``base`` (which units it is paid on), ``bands`` and an
optional ``cap`` (元 per person per month). Bands are ascending by ``attainment_from`` (the first
starts at 0); band i is the **half-open** interval ``[from_i, from_{i+1})``, the last ``[from_n, ∞)``.

Units and attainment: ``U`` = the units the person is paid on in the assessed month (a specialist:
the dealer's units, ``base: own_dealers``; a manager or director: the province's or region's units,
``base: territory``, at the role's own override rates; ``base: none``: nothing), ``T`` the person's
issued target of the month, attainment ``a = U / T``.

Two modes (``params.incentive.mode``):

- ``marginal`` (超额累进, the default), like tax brackets: the k-th unit (k = 1..U) lifts attainment
  to k / T and is paid at the rate of the band k / T falls in::

      units_i = #{k in 1..U : from_i <= k / T < from_{i+1}}
      payout  = Σ_i units_i * rate_i

  so one more unit adds exactly the rate of the band it lands in: no cliff.
  Example, T = 10, bands 0 / 80 % 200 / 100 % 400 / 120 % 600, U = 13: units 1-7 at 0, 8-9 at
  200, 10-11 at 400, 12-13 at 600: 400 + 800 + 1,200 = 2,400 元.
- ``whole`` (全额累进): all U units at the rate of the band ``U / T`` reached: ``payout = U * rate``
  (U = 13 above: 13 * 600 = 7,800 元; U = 8: 1,600 元, U = 7: 0, the cliff at 80 %).

Then ``payout = min(payout_uncapped, cap)`` when the role has a cap. A person without a target
(T = 0, attainment blank) is in no band and earns 0; the notes say so.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kaplan.core.glossary import Lang, label
from kaplan.core.params import Incentive, IncentiveBand

log = logging.getLogger(__name__)

PAYOUT_COLUMNS = ("staff_id", "name", "role", "base", "month_target", "units_paid", "month_attainment", "band",
                  "rate", "payout_uncapped", "payout")  # fmt: skip
SUMMARY_COLUMNS = ("role", "base", "people", "units_paid", "payout", "yuan_per_unit")
ROLES = ("dealer_specialist", "regional_manager", "regional_director")  # the order reports list them in
TOLERANCE = 1e-9  # float noise in from_i * T when the product is a whole number (1.1 * 10 = 11.000000000000002)


def band_index(attainment: pd.Series, bands: Sequence[IncentiveBand]) -> pd.Series:
    """Index of the band each attainment falls in (half-open ``[from, next_from)``); -1 when blank."""
    starts = np.array([b.attainment_from for b in bands], dtype="float64")
    values = attainment.astype("float64").to_numpy()
    index = np.searchsorted(starts, values, side="right") - 1
    index = np.where(np.isnan(values), -1, index)
    return pd.Series(index.astype("int64"), index=attainment.index, name="band_index")


def percent(value: float) -> str:
    """0.8 -> ``80%``, 0.855 -> ``85.5%`` (no rounding that would make two band starts read alike)."""
    return f"{value * 100:g}%"


def band_labels(bands: Sequence[IncentiveBand], lang: Lang = "zh") -> list[str]:
    """Bands as business words: ``未达 80%``, ``80%–100% 达成``, ..., ``120% 及以上`` (en: below 80%, ...)."""
    starts = [b.attainment_from for b in bands]
    if len(starts) == 1:
        return [label("band_all", lang)]
    out = [label("band_below", lang).format(to=percent(starts[1]))]
    out += [label("band_between", lang).format(low=percent(a), high=percent(b))
            for a, b in itertools.pairwise(starts[1:])]  # fmt: skip
    return [*out, label("band_above", lang).format(low=percent(starts[-1]))]


def schedule(incentive: Incentive, lang: Lang = "zh") -> pd.DataFrame:
    """The schedule as a table: role, base, band, attainment_from, attainment_to (blank for the last), rate, cap."""
    frames = []
    for role in ROLES:
        own = incentive.of(role)
        starts = [b.attainment_from for b in own.bands]
        frames.append(
            pd.DataFrame(
                {
                    "role": role,
                    "base": own.base,
                    "band": band_labels(own.bands, lang),
                    "attainment_from": starts,
                    "attainment_to": [*starts[1:], np.nan],
                    "rate": [b.rate for b in own.bands],
                    "cap": np.nan if own.cap is None else own.cap,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).astype({"cap": "float64"})


def band_units(units: np.ndarray, targets: np.ndarray, bands: Sequence[IncentiveBand]) -> np.ndarray:
    """units_i per person (rows) and band (columns): how many of the person's units land in band i.

    The k-th unit lands in the band of ``k / T``: band i holds the k with
    ``ceil(from_i * T) <= k <= ceil(from_{i+1} * T) - 1`` (all k from 1 for the first band, up to U
    for the last). A person with T = 0 has no band: all zeros.
    """
    units = np.asarray(units, dtype="int64")
    targets = np.asarray(targets, dtype="float64")
    starts = np.array([b.attainment_from for b in bands], dtype="float64")
    first_k = np.ceil(np.outer(targets, starts) - TOLERANCE).astype("int64")  # first unit of each band
    first_k = np.maximum(first_k, 1)
    last_k = np.concatenate([first_k[:, 1:] - 1, units[:, None]], axis=1)  # last unit of each band
    counts = np.clip(np.minimum(last_k, units[:, None]) - first_k + 1, 0, None)
    return np.where((targets > 0)[:, None], counts, 0)


def reached(units: np.ndarray, targets: np.ndarray, bands: Sequence[IncentiveBand]) -> np.ndarray:
    """Index of the band ``U / T`` reached per person; -1 when T = 0."""
    targets = np.asarray(targets, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        attained = np.where(targets > 0, np.asarray(units, dtype="float64") / np.where(targets > 0, targets, 1.0),
                            np.nan)  # fmt: skip
    return band_index(pd.Series(attained), bands).to_numpy()


def payout_amounts(units: np.ndarray, targets: np.ndarray, bands: Sequence[IncentiveBand],
                   mode: str) -> np.ndarray:  # fmt: skip
    """Payout in 元 before any cap per person (module docstring), for ``mode`` marginal or whole."""
    units = np.asarray(units, dtype="int64")
    rates = np.array([b.rate for b in bands], dtype="float64")
    if mode == "marginal":
        return (band_units(units, targets, bands) @ rates).astype("float64")
    index = reached(units, targets, bands)
    return np.where(index >= 0, units * rates[np.maximum(index, 0)], 0.0)


def payouts(attainment: pd.DataFrame, incentive: Incentive, lang: Lang = "zh") -> pd.DataFrame:
    """The ``incentive`` sheet, one row per person of ``attainment`` (its order).

    ``attainment`` has ``staff_id, name, role, month_target, month_target_to_date, mtd,
    month_attainment`` (:func:`kaplan.assessment.attainment.attainment_table`); T is
    ``month_target_to_date``, the issued target itself for a closed month.
    """
    parts = []
    for role in ROLES:
        rows = attainment[attainment["role"] == role]
        own = incentive.of(role)
        paid = own.base != "none"
        units = rows["mtd"].to_numpy("int64") if paid else np.zeros(len(rows), dtype="int64")
        targets = rows["month_target_to_date"].to_numpy("int64")
        index = reached(units, targets, own.bands) if paid else np.full(len(rows), -1)
        inside = index >= 0
        safe = np.where(inside, index, 0)
        labels = np.array(band_labels(own.bands, lang), dtype=object)
        rates = np.array([b.rate for b in own.bands], dtype="float64")
        uncapped = payout_amounts(units, targets, own.bands, incentive.mode) if paid else np.zeros(len(rows))
        cap = np.inf if own.cap is None else own.cap
        parts.append(
            pd.DataFrame(
                {
                    "staff_id": rows["staff_id"], "name": rows["name"], "role": rows["role"], "base": own.base,
                    "month_target": rows["month_target"].astype("int64"), "units_paid": units,
                    "month_attainment": rows["month_attainment"],
                    "band": np.where(inside, labels[safe], ""), "rate": np.where(inside, rates[safe], 0.0),
                    "payout_uncapped": uncapped, "payout": np.minimum(uncapped, cap),
                },
                index=rows.index,
            )
        )  # fmt: skip
    out = pd.concat(parts).reindex(attainment.index)
    out = out.astype({"band": "str", "base": "str", "units_paid": "int64", "payout": "float64",
                      "payout_uncapped": "float64", "rate": "float64"})  # fmt: skip
    log.info("incentive (%s): %d people, total payout %.0f 元", incentive.mode, len(out), out["payout"].sum())
    return out[list(PAYOUT_COLUMNS)].reset_index(drop=True)


def role_summary(payout_table: pd.DataFrame, units_sold: int) -> pd.DataFrame:
    """Per role: base, people, units_paid, payout (元) and 元 per unit paid; a total row against units sold.

    The total row (``role`` = ``total``) has the month's national ``units_sold`` as its units and
    ``Σ payout / units_sold`` as its 元 per unit: the per-unit sanity figure of the whole scheme.
    """
    grouped = payout_table.groupby("role", sort=False).agg(
        base=("base", "first"), people=("staff_id", "size"), units_paid=("units_paid", "sum"), payout=("payout", "sum")
    )
    grouped = grouped.reindex([r for r in ROLES if r in grouped.index]).reset_index()
    total = pd.DataFrame(
        {"role": ["total"], "base": [""], "people": [int(grouped["people"].sum())], "units_paid": [int(units_sold)],
         "payout": [float(grouped["payout"].sum())]}
    )  # fmt: skip
    out = pd.concat([grouped, total], ignore_index=True)
    units = out["units_paid"].astype("float64")
    out["yuan_per_unit"] = out["payout"] / units.where(units > 0)
    out["row_kind"] = ["" for _ in grouped.index] + ["national_total"]
    return out.astype({"people": "int64", "units_paid": "int64", "payout": "float64"})[
        [*SUMMARY_COLUMNS, "row_kind"]
    ]


def capped(payout_table: pd.DataFrame) -> int:
    """How many people the cap held back (payout below payout_uncapped)."""
    return int((payout_table["payout"] < payout_table["payout_uncapped"]).sum())
