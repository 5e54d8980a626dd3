"""Customer analysis scorecard (客户分析策略, §3.2): factors → entry-barrier score → adjusted probability.

Each lead may have scores ``s ∈ {1..5}`` for the factors of three groups (``schema.FACTOR_GROUPS``:
public 对公策略, private 对私策略, hidden 隐性策略); 5 is most favourable to us, 3 is neutral.
With the group weights ``w_g`` of ``params.scorecard`` (public, private, hidden) and its
``max_adjustment = a ∈ [0, 1]``:

- group score ``m_g`` = mean of the lead's scored factors of group ``g``; a group with no scored
  factor counts as neutral, ``m_g = 3``;
- **entry barrier** (进入壁垒) ``b = Σ_g w_g·(3 − m_g)/2 / Σ_g w_g``, in ``[−1, 1]``:
  ``+1`` every factor scored 1 (hardest to enter), ``0`` neutral, ``−1`` every factor scored 5;
  a lead without any factor scores has ``b = 0``;
- **adjusted probability** from the stage probability ``p`` (``params.stage_probabilities``),
  with the ease ``e = −b``:

      p' = p + a·e·min(p, 1 − p)

  A favourable scorecard moves ``p`` up, an unfavourable one down, by at most ``a`` times the
  distance to the nearer end, so the stage stays the main driver (an early-stage lead cannot jump
  to a late-stage probability) and ``p'`` stays in ``[0, 1]``: for ``e ≥ 0``,
  ``p' ≤ p + (1 − p) = 1``; for ``e < 0``, ``p' ≥ p − p = 0``. ``p'`` is monotone in each factor
  score; a neutral scorecard (``b = 0``: all factors 3, or no factors) leaves ``p`` unchanged,
  and so do ``p = 0`` (lost) and ``p = 1`` (won).

Example: position (``p = 0.40``), ``a = 0.5``, every factor 5 (``e = 1``) gives
``0.40 + 0.5·0.40 = 0.60``; every factor 1 gives ``0.20``. Tender (``0.85``): ``0.925`` / ``0.775``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaplan.core.params import Params, Scorecard
from kaplan.core.schema import FACTOR_GROUPS, FACTORS

GROUPS = tuple(FACTOR_GROUPS)
FACTOR_GROUP: dict[str, str] = {f: g for g, factors in FACTOR_GROUPS.items() for f in factors}
# group number (position in GROUPS) of each factor, in the order of schema.FACTORS
FACTOR_GROUP_INDEX = np.array([GROUPS.index(FACTOR_GROUP[f]) for f in FACTORS], dtype="int64")
NEUTRAL = 3.0


def group_scores(factors: pd.DataFrame) -> pd.DataFrame:
    """Mean factor score per lead (index ``lead_id``) and group (columns public, private, hidden).

    A group without any scored factor is NaN here (it counts as neutral in :func:`barrier_scores`).
    """
    factor_codes = pd.Categorical(factors["factor"], categories=FACTORS).codes
    factors = factors[factor_codes >= 0]  # a factor outside the schema scores nothing
    factor_codes = factor_codes[factor_codes >= 0]
    leads, lead_ids = pd.factorize(factors["lead_id"], sort=True)
    group = FACTOR_GROUP_INDEX[factor_codes]
    cells = leads * len(GROUPS) + group
    size = len(lead_ids) * len(GROUPS)
    sums = np.bincount(cells, weights=factors["score"].to_numpy(dtype="float64"), minlength=size)
    counts = np.bincount(cells, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan).reshape(len(lead_ids), len(GROUPS))
    return pd.DataFrame(means, index=pd.Index(lead_ids, name="lead_id"), columns=list(GROUPS))


def barrier_scores(factors: pd.DataFrame, weights: Scorecard) -> pd.Series:
    """Entry barrier ``b ∈ [−1, 1]`` per lead with at least one factor score (index ``lead_id``)."""
    means = group_scores(factors).fillna(NEUTRAL)
    w = np.array([getattr(weights, g) for g in GROUPS], dtype="float64")
    barrier = ((NEUTRAL - means.to_numpy()) / 2.0) @ w / w.sum()
    return pd.Series(np.clip(barrier, -1.0, 1.0), index=means.index, name="barrier")


def adjusted_probability(probability: pd.Series, barrier: pd.Series, max_adjustment: float) -> pd.Series:
    """``p'`` of the module docstring, element by element (same index as ``probability``)."""
    p = probability.to_numpy(dtype="float64")
    ease = -np.clip(barrier.to_numpy(dtype="float64"), -1.0, 1.0)
    out = p + max_adjustment * ease * np.minimum(p, 1.0 - p)
    return pd.Series(np.clip(out, 0.0, 1.0), index=probability.index, name="probability")


def stage_probability(stage: pd.Series, params: Params) -> pd.Series:
    """The stage probability of ``params.stage_probabilities`` for each stage code."""
    table = params.stage_probabilities.model_dump()
    return stage.map(table).astype("float64").rename("stage_probability")


def lead_probabilities(leads: pd.DataFrame, factors: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Per lead (same index as ``leads``): ``stage_probability``, ``barrier`` and ``probability``."""
    barrier_by_lead = barrier_scores(factors, params.scorecard)
    barrier = leads["lead_id"].map(barrier_by_lead).fillna(0.0).astype("float64")
    p = stage_probability(leads["stage"], params)
    return pd.DataFrame(
        {
            "stage_probability": p,
            "barrier": barrier,
            "probability": adjusted_probability(p, barrier, params.scorecard.max_adjustment),
        },
        index=leads.index,
    )
