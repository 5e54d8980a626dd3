import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.params import Params, Scorecard
from kaplan.core.schema import FACTOR_GROUPS, FACTORS
from kaplan.leads.scorecard import adjusted_probability, barrier_scores, group_scores, lead_probabilities

WEIGHTS = Scorecard(public=0.5, private=0.3, hidden=0.2, max_adjustment=0.5)


def factors_frame(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lead_id", "factor", "score"]).astype(
        {"lead_id": "str", "factor": "str", "score": "int64"}
    )


def test_barrier_hand_worked() -> None:
    factors = factors_frame(
        [
            ("L1", "competitors", 1), ("L1", "cost", 2),  # public mean 1.5
            ("L1", "power", 5),  # private mean 5; hidden not scored (neutral 3)
            ("L2", "personality", 3),
        ]
    )  # fmt: skip
    means = group_scores(factors)
    assert means.loc["L1", "public"] == 1.5 and means.loc["L1", "private"] == 5
    assert np.isnan(means.loc["L1", "hidden"])
    barrier = barrier_scores(factors, WEIGHTS)
    # L1: (0.5*(3-1.5)/2 + 0.3*(3-5)/2 + 0.2*0) / 1.0 = 0.375 - 0.3 = 0.075
    assert barrier["L1"] == pytest.approx(0.075)
    assert barrier["L2"] == 0.0


def test_adjusted_probability_hand_worked() -> None:
    p = pd.Series([0.4, 0.4, 0.4, 0.85, 0.85, 0.05, 0.0, 1.0])
    b = pd.Series([1.0, -1.0, 0.5, -1.0, 1.0, -1.0, -1.0, 1.0])
    got = adjusted_probability(p, b, 0.5)
    # p + 0.5*e*min(p, 1-p), e = -b:
    # 0.4-0.5*0.4=0.2; 0.4+0.5*0.4=0.6; 0.4-0.25*0.4=0.3; 0.85+0.5*0.15=0.925; 0.85-0.075=0.775;
    # 0.05+0.5*0.05=0.075; lost stays 0 and won stays 1 whatever the scorecard
    np.testing.assert_allclose(got.to_numpy(), [0.2, 0.6, 0.3, 0.925, 0.775, 0.075, 0.0, 1.0])


def test_lead_probabilities_uses_stage_table_and_neutral_without_factors() -> None:
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "stage": ["position", "tender", "lost"]})
    factors = factors_frame([("L1", f, 1) for f in FACTORS])  # every factor 1: barrier 1
    got = lead_probabilities(leads, factors, Params())
    assert got["stage_probability"].tolist() == [0.40, 0.85, 0.0]
    assert got["barrier"].tolist() == [1.0, 0.0, 0.0]
    np.testing.assert_allclose(got["probability"].to_numpy(), [0.2, 0.85, 0.0])


def test_no_factors_at_all() -> None:
    leads = pd.DataFrame({"lead_id": ["L1"], "stage": ["commit"]})
    got = lead_probabilities(leads, factors_frame([]), Params())
    assert got["probability"].tolist() == [0.70]


probabilities = st.floats(0, 1, allow_nan=False)
scores = st.dictionaries(st.sampled_from(FACTORS), st.integers(1, 5), max_size=len(FACTORS))
weights = st.builds(
    Scorecard,
    public=st.floats(0, 5),
    private=st.floats(0, 5),
    hidden=st.floats(0.01, 5),
    max_adjustment=st.floats(0, 1),
)


@given(probabilities, scores, weights)
def test_probability_stays_in_unit_interval(p: float, scored: dict[str, int], w: Scorecard) -> None:
    factors = factors_frame([("L1", f, s) for f, s in scored.items()])
    barrier = barrier_scores(factors, w).reindex(["L1"]).fillna(0.0)
    assert ((barrier >= -1) & (barrier <= 1)).all()
    got = adjusted_probability(pd.Series([p], index=["L1"]), barrier, w.max_adjustment).iloc[0]
    assert 0.0 <= got <= 1.0


@given(probabilities, st.lists(st.sampled_from(FACTORS), unique=True), weights)
def test_neutral_scorecard_leaves_probability_unchanged(p: float, scored: list[str], w: Scorecard) -> None:
    factors = factors_frame([("L1", f, 3) for f in scored])
    barrier = barrier_scores(factors, w).reindex(["L1"]).fillna(0.0)
    got = adjusted_probability(pd.Series([p], index=["L1"]), barrier, w.max_adjustment).iloc[0]
    assert got == pytest.approx(p, abs=1e-12)


@given(probabilities, st.sampled_from(FACTORS), st.integers(1, 4), weights)
def test_a_better_score_never_lowers_probability(p: float, factor: str, s: int, w: Scorecard) -> None:
    low = barrier_scores(factors_frame([("L1", factor, s)]), w)
    high = barrier_scores(factors_frame([("L1", factor, s + 1)]), w)
    assert high["L1"] <= low["L1"]
    series = pd.Series([p], index=["L1"])
    assert (adjusted_probability(series, high, w.max_adjustment).iloc[0]
            >= adjusted_probability(series, low, w.max_adjustment).iloc[0] - 1e-12)  # fmt: skip


def test_groups_cover_every_factor_once() -> None:
    assert sorted(f for g in FACTOR_GROUPS.values() for f in g) == sorted(FACTORS)


@given(st.sampled_from([0.0, 1.0]), st.floats(-1, 1), st.floats(0, 1))
def test_settled_probabilities_never_move(p: float, barrier: float, a: float) -> None:
    got = adjusted_probability(pd.Series([p]), pd.Series([barrier]), a).iloc[0]
    assert got == p
