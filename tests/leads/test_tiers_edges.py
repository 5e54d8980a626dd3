"""Customer tiers at their edges (docs/method.md §2.4): the 95 % cut-off has the same float tolerance
as the 80 % one; the trailing 12 months at the end of February of a leap year."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from test_tiers import CUTS, tiers_of, values_frame

from kaplan.leads.tiers import assign_tiers, customer_values, pyramids


def test_float_sums_landing_on_the_secondary_cutoff() -> None:
    # forty customers of 0.11 (total 4.4): 32 of them make exactly 80 %, 38 exactly 95 %. In floating
    # point the 38 add up to 4.179999999999999 < 0.95 · 4.4 = 4.18: the tolerance still closes the
    # secondary tier there, so the 39th customer is potential
    values = values_frame({f"C{i:02d}": 0.11 for i in range(40)})
    assert float(np.cumsum(values["value"])[37]) < 0.95 * float(values["value"].sum())
    got = assign_tiers(values, CUTS)
    assert got["tier"].tolist() == ["key"] * 32 + ["secondary"] * 6 + ["potential"] * 2


def test_trailing_twelve_months_of_29_february() -> None:
    # as of 2024-02-29 the window is 2023-02-28 (excluded) .. 2024-02-29 (included)
    customers = pd.DataFrame({"customer_id": ["C1"]})
    days = pd.to_datetime(["2023-02-28", "2023-03-01", "2024-02-29", "2024-03-01"])
    sales = pd.DataFrame({"customer_id": "C1", "units": [1, 10, 100, 1000], "date": days})
    no_leads = pd.DataFrame({"customer_id": pd.Series([], dtype="str"),
                             "weighted_units": pd.Series([], dtype="float64")})  # fmt: skip
    got = customer_values(customers, sales, no_leads, pd.Timestamp("2024-02-29"))
    assert got["bought_12m"].tolist() == [110]
    assert got["value"].tolist() == [110.0]


@pytest.mark.parametrize(
    ("a", "b", "tier_b"),
    [(799_999_999, 200_000_001, "secondary"),  # A is 1 unit short of 80 %: within the tolerance, key closes
     (799_999_998, 200_000_002, "key")],  # 2 units short: B is still needed to reach 80 %
)  # fmt: skip
def test_the_tolerance_edge_of_the_key_cutoff(a: int, b: int, tier_b: str) -> None:
    """§2.4 Customer tiers: "a relative tolerance of 1e-9 of V". With V = 10^9 units the tolerance is
    exactly 1 unit, so a prefix of 80 % · V − 1 = 799,999,999 lands on the cut-off (closes key)."""
    got = assign_tiers(values_frame({"A": a, "B": b}), CUTS)
    assert tiers_of(got) == {"A": "key", "B": tier_b}


@pytest.mark.parametrize(
    ("a", "b", "tier_b"),
    [(949_999_999, 50_000_001, "potential"),  # 1 unit short of 95 %: within the tolerance, secondary closes
     (949_999_998, 50_000_002, "secondary")],
)  # fmt: skip
def test_the_tolerance_edge_of_the_secondary_cutoff(a: int, b: int, tier_b: str) -> None:
    """§2.4 Customer tiers, the 95 % cut-off at V = 10^9 (tolerance 1 unit): A alone is key (nothing
    ranks above it), B's prefix 949,999,999 is on the cut-off, 949,999,998 below it."""
    got = assign_tiers(values_frame({"A": a, "B": b}), CUTS)
    assert tiers_of(got) == {"A": "key", "B": tier_b}


def test_cumulative_share_of_a_total_below_one_unit() -> None:
    """§2.4 Customer tiers: the cumulative share is cumulative value / V for any V > 0, here V = 1.0
    (pipeline values: 0.5, 0.25, 0.25 weighted units)."""
    got = assign_tiers(values_frame({"A": 0.5, "B": 0.25, "C": 0.25}), CUTS)
    assert got["cum_share"].tolist() == [0.5, 0.75, 1.0]
    assert got["tier"].tolist() == ["key", "key", "key"]  # before: 0, 0.5, 0.75, all below 0.8


def test_ranked_table_columns_and_index() -> None:
    """assign_tiers returns a new table, rows in rank order 0..n-1, its own columns and the three added."""
    values = values_frame({"B": 30, "A": 70}).set_axis([10, 11])
    got = assign_tiers(values, CUTS)
    assert got.columns.tolist() == ["customer_id", "value", "rank", "cum_share", "tier"]
    assert got.index.tolist() == [0, 1]
    assert got["rank"].dtype == "int64" and got["rank"].tolist() == [1, 2]
    assert values.index.tolist() == [10, 11] and values["customer_id"].tolist() == ["B", "A"]


def test_zero_total_gives_blank_shares_without_a_warning() -> None:
    """§2.4 Customer tiers: everyone is potential when V = 0; the shares are blank (NaN), and numpy
    does not warn about 0 / 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiered = assign_tiers(values_frame({"A": 0, "B": 0, "C": 0}), CUTS)
        got = pyramids(tiered)
    assert tiered["tier"].tolist() == ["potential"] * 3
    assert tiered["cum_share"].isna().all()
    assert got["customers"].tolist() == [0, 0, 3]
    assert got["customer_share"].tolist() == [0.0, 0.0, 1.0]
    assert got["value"].tolist() == [0.0, 0.0, 0.0]
    assert got["value_share"].dtype == "float64" and got["value_share"].isna().all()


def test_pyramids_of_no_customer() -> None:
    """Pyramids of an empty tier table: three rows of 0 customers and 0 value, the shares blank."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = pyramids(assign_tiers(values_frame({}), CUTS))
    assert got["tier"].tolist() == ["key", "secondary", "potential"]
    assert got["customers"].tolist() == [0, 0, 0] and got["value"].tolist() == [0.0, 0.0, 0.0]
    for share in ("customer_share", "value_share"):
        assert got[share].dtype == "float64" and got[share].isna().all()


def test_pyramids_with_empty_tiers() -> None:
    """§2.4 Customer tiers, pyramids: a single customer is key (before = 0 < 0.8 · V); the secondary and
    potential tiers are there with 0 customers (integers) and 0 value."""
    got = pyramids(assign_tiers(values_frame({"A": 12}), CUTS))
    assert got["customers"].dtype == "int64" and got["customers"].tolist() == [1, 0, 0]
    assert got["value"].tolist() == [12.0, 0.0, 0.0]
    assert got["customer_share"].tolist() == [1.0, 0.0, 0.0]
    assert got["value_share"].tolist() == [1.0, 0.0, 0.0]


def test_customer_values_column_types() -> None:
    """§2.4 Customer tiers: units bought are integers (vehicle units), the weighted pipeline a float,
    also for a customer without any sale or lead."""
    customers = pd.DataFrame({"customer_id": ["C1", "C2"]})
    sales = pd.DataFrame({"customer_id": ["C1"], "units": [3], "date": pd.to_datetime(["2026-05-01"])})
    leads = pd.DataFrame({"customer_id": ["C1"], "weighted_units": [0.5]})
    got = customer_values(customers, sales, leads, pd.Timestamp("2026-06-20"))
    assert got["bought_12m"].dtype == "int64" and got["bought_12m"].tolist() == [3, 0]
    assert got["pipeline_weighted"].dtype == "float64" and got["pipeline_weighted"].tolist() == [0.5, 0.0]
    assert got["value"].tolist() == [3.5, 0.0]
