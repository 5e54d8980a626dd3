import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.params import Tiers
from kaplan.leads.figures import pyramid_figure
from kaplan.leads.tiers import assign_tiers, customer_values, pyramids

CUTS = Tiers(key=0.80, secondary=0.95)


def values_frame(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(values), "value": list(values.values())}).astype(
        {"customer_id": "str", "value": "float64"}
    )


def tiers_of(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["customer_id"], frame["tier"], strict=True))


def test_customer_landing_exactly_on_80_percent_closes_the_key_tier() -> None:
    # total 100: A 50 (cum 50 %), B 30 (cum 80 % exactly: key), C 15 (cum 95 %: secondary),
    # D 4 (potential), E 1 (potential), Z 0 (potential)
    got = assign_tiers(values_frame({"D": 4, "A": 50, "C": 15, "B": 30, "E": 1, "Z": 0}), CUTS)
    assert got["customer_id"].tolist() == ["A", "B", "C", "D", "E", "Z"]
    assert got["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert tiers_of(got) == {"A": "key", "B": "key", "C": "secondary", "D": "potential",
                             "E": "potential", "Z": "potential"}  # fmt: skip
    np.testing.assert_allclose(got["cum_share"], [0.5, 0.8, 0.95, 0.99, 1.0, 1.0])


def test_just_below_80_percent_needs_the_next_customer() -> None:
    # A 50, B 29.9 (cum 79.9 %): C (15) is still key; D reaches 99.9 %... secondary
    got = assign_tiers(values_frame({"A": 50, "B": 29.9, "C": 15, "D": 5, "E": 0.1}), CUTS)
    assert tiers_of(got) == {"A": "key", "B": "key", "C": "key", "D": "secondary", "E": "potential"}


def test_float_sums_landing_on_the_cutoff() -> None:
    # ten customers of 0.1: eight of them add up to 0.7999999999999999 in floating point, which
    # still reaches 80 % of the total 1.0, so the ninth is not key
    got = assign_tiers(values_frame({f"C{i}": 0.1 for i in range(10)}), CUTS)
    assert got["tier"].tolist() == ["key"] * 8 + ["secondary"] * 2


def test_ties_broken_by_customer_id() -> None:
    got = assign_tiers(values_frame({"C2": 10, "C1": 10, "C3": 10, "C4": 10, "C5": 10}), CUTS)
    assert got["customer_id"].tolist() == ["C1", "C2", "C3", "C4", "C5"]
    assert got["tier"].tolist() == ["key", "key", "key", "key", "secondary"]


def test_all_zero_value_is_potential() -> None:
    got = assign_tiers(values_frame({"A": 0, "B": 0}), CUTS)
    assert got["tier"].tolist() == ["potential", "potential"]


def test_customer_values_trailing_twelve_months_plus_pipeline() -> None:
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"]})
    sales = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C1", "C2"],
            "date": pd.to_datetime(["2025-06-20", "2025-06-21", "2026-06-20", "2026-06-21"]),
            "units": [100, 7, 3, 50],
        }
    )
    open_leads = pd.DataFrame({"customer_id": ["C2", "C2", "C3"], "weighted_units": [1.5, 2.0, 0.25]})
    got = customer_values(customers, sales, open_leads, pd.Timestamp("2026-06-20")).set_index("customer_id")
    # C1: 2025-06-20 is exactly 12 months back: excluded; 7 + 3 = 10. C2: the sale after as_of is out.
    assert got["bought_12m"].tolist() == [10, 0, 0]
    assert got["pipeline_weighted"].tolist() == [0.0, 3.5, 0.25]
    assert got["value"].tolist() == [10.0, 3.5, 0.25]


def test_pyramids_hand_worked() -> None:
    tiered = assign_tiers(values_frame({"A": 50, "B": 30, "C": 15, "D": 4, "E": 1}), CUTS)
    got = pyramids(tiered).set_index("tier")
    assert got["customers"].tolist() == [2, 1, 2]
    assert got["value"].tolist() == [80.0, 15.0, 5.0]
    np.testing.assert_allclose(got["customer_share"], [0.4, 0.2, 0.4])
    np.testing.assert_allclose(got["value_share"], [0.8, 0.15, 0.05])
    fig = pyramid_figure(pyramids(tiered), "en")
    assert [list(t.x) for t in fig.data] == [[2, 1, 2], [80.0, 15.0, 5.0]]


@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), max_size=40),
    st.floats(0.05, 0.9),
    st.floats(0.0, 0.09),
)
def test_tier_properties(values: list[float], key: float, extra: float) -> None:
    cuts = Tiers(key=key, secondary=min(key + 0.01 + extra, 1.0))
    frame = values_frame({f"C{i:03d}": v for i, v in enumerate(values)})
    got = assign_tiers(frame, cuts)
    order = {"key": 0, "secondary": 1, "potential": 2}
    ranks = got["tier"].map(order).to_numpy()
    assert (np.diff(ranks) >= 0).all()  # tiers follow the ranking
    assert (got.loc[got["value"] == 0, "tier"] == "potential").all()
    total = got["value"].sum()
    key_value = got.loc[got["tier"] == "key", "value"].sum()
    if total > 0:
        # the key set reaches the cut-off, and without its last member it would not
        assert key_value >= cuts.key * total * (1 - 1e-9)
        keys = got[got["tier"] == "key"]
        if len(keys):
            assert key_value - keys["value"].iloc[-1] < cuts.key * total
    else:
        assert (got["tier"] == "potential").all()


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40))
def test_pyramids_add_up(values: list[float]) -> None:
    tiered = assign_tiers(values_frame({f"C{i:03d}": v for i, v in enumerate(values)}), CUTS)
    got = pyramids(tiered)
    assert got["tier"].tolist() == ["key", "secondary", "potential"]
    assert got["customers"].sum() == len(values)
    assert got["value"].sum() == pytest.approx(sum(values))
