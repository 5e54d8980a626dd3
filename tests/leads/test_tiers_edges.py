"""Customer tiers at their edges (docs/method.md §2.4): the 95 % cut-off has the same float tolerance
as the 80 % one; the trailing 12 months at the end of February of a leap year."""

from __future__ import annotations

import numpy as np
import pandas as pd
from test_tiers import CUTS, values_frame

from kaplan.leads.tiers import assign_tiers, customer_values


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
