"""Customer views (docs/method.md §2.7): won deals, customer types, sales by attribute, tenders, industries."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.leads.customers import (
    customer_types,
    pipeline_by_industry,
    sales_by,
    tender_calendar,
    window_units,
    won_deals,
)

AS_OF = pd.Timestamp("2026-06-20")


def lead_rows(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["lead_id", "stage", "reported_on", "expected_close", "units"])
    for column in ("reported_on", "expected_close"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.assign(customer_name=frame["lead_id"] + "客户", industry="taxi", segment="industry",
                        purchase_method="tender", line="command", dealer_name="甲", owner_name="张")  # fmt: skip


def test_won_deals_are_the_won_leads_closed_from_the_first_through_the_as_of_date() -> None:
    leads = lead_rows([
        ("W1", "won", "2026-05-01", "2026-06-01", 5),  # first day: in
        ("W2", "won", "2026-05-01", "2026-06-20", 3),  # the as-of date: in
        ("W3", "won", "2026-05-01", "2026-06-21", 3),  # after as_of: out
        ("W4", "won", "2026-05-01", "2026-05-31", 3),  # last month: out
        ("W5", "won", "2026-06-21", "2026-06-10", 3),  # reported after as_of: out
        ("W6", "tender", "2026-05-01", "2026-06-10", 3),  # open: out
        ("W7", "lost", "2026-05-01", "2026-06-10", 3),  # lost: out
        ("W0", "won", "2026-05-01", "2026-06-20", 9),  # same day as W2: by lead_id
    ])  # fmt: skip
    out = won_deals(leads, "2026-06", AS_OF)
    assert out["lead_id"].tolist() == ["W1", "W0", "W2"]
    assert out.columns[:8].tolist() == ["close_date", "customer_name", "industry", "segment", "purchase_method",
                                        "line", "units", "dealer_name"]  # fmt: skip
    assert out["close_date"].tolist() == [pd.Timestamp("2026-06-01"), AS_OF, AS_OF]


def test_the_tender_calendar_starts_on_the_first_and_runs_by_date() -> None:
    leads = lead_rows([
        ("T1", "tender", "2026-06-01", "2026-08-01", 9),
        ("T2", "tender", "2026-06-01", "2026-06-01", 2),  # the first: in
        ("T3", "tender", "2026-06-01", "2026-05-31", 9),  # before the month: out (overdue)
        ("T4", "tender", "2026-06-01", "2026-06-01", 7),  # same day, more units: first
        ("T5", "commit", "2026-06-01", "2026-06-05", 9),
        ("T6", "tender", "2026-06-21", "2026-06-25", 9),  # reported after as_of
    ])  # fmt: skip
    assert tender_calendar(leads, "2026-06", AS_OF)["lead_id"].tolist() == ["T4", "T2", "T1"]


def test_customer_types_follow_segment_then_twelve_months_of_units() -> None:
    customers = pd.DataFrame({"customer_id": ["I", "E", "G3", "G2", "GOLD", "GNEW"],
                              "segment": ["industry", "enterprise", "government", "government", "government",
                                          "government"]})  # fmt: skip
    sales = pd.DataFrame({
        "customer_id": ["G3", "G3", "G2", "GOLD", "GNEW", "GNEW"],
        "date": pd.to_datetime(["2026-05-02", "2026-06-20", "2026-06-01", "2025-06-20", "2025-06-21", "2026-06-21"]),
        "units": [2, 1, 2, 5, 3, 9],
    })  # fmt: skip
    kinds = customer_types(customers, sales, AS_OF, min_units=3)
    # GOLD bought on 2025-06-20, outside (d - 12 months, d]; GNEW's 3 units of 2025-06-21 are inside,
    # its 9 after d are not
    assert kinds.to_dict() == {"I": "industry", "E": "large_enterprise", "G3": "small_batch", "G2": "other",
                               "GOLD": "other", "GNEW": "small_batch"}  # fmt: skip
    assert customer_types(customers, sales, AS_OF, min_units=4)["GNEW"] == "other"


def facts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "units"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_sales_by_attribute_this_year_and_last() -> None:
    attribute = pd.Series({"A": "tender", "B": "agreement", "C": "tender"}, name="purchase_method")
    sold = facts([
        ("A", "2026-06-01", 5), ("A", "2026-06-21", 100),  # after as_of: not counted
        ("B", "2026-03-01", 7), ("C", "2026-06-20", 1),
        ("A", "2025-06-20", 2), ("B", "2025-06-21", 50),  # last year: through 2025-06-20 only
        ("A", "2025-01-01", 4),
    ])  # fmt: skip
    out = sales_by(sold, attribute, "2026-06", AS_OF)
    assert out["purchase_method"].tolist() == ["agreement", "tender", "total"]  # most units this year first
    rows = out.set_index("purchase_method")
    assert rows.loc["tender", ["mtd", "last_year_mtd", "ytd", "last_year_ytd"]].tolist() == [6, 2, 6, 6]
    assert rows.loc["agreement", ["mtd", "ytd", "last_year_ytd"]].tolist() == [0, 7, 0]
    assert np.isnan(rows.loc["agreement", "yoy_growth"])  # nothing sold last year: blank
    assert rows.loc["tender", "yoy_growth"] == 0.0
    assert rows.loc["total", ["mtd", "ytd", "last_year_ytd"]].tolist() == [6, 13, 6]
    assert rows.loc["tender", "ytd_share"] == 6 / 13 and rows.loc["total", "ytd_share"] == 1.0
    assert out["row_kind"].tolist() == ["unit", "unit", "national_total"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCD"), st.integers(0, 900), st.integers(1, 50)), max_size=40))
def test_sales_by_adds_up_to_the_total_row(rows: list[tuple[str, int, int]]) -> None:
    attribute = pd.Series({"A": "x", "B": "y", "C": "x", "D": "z"}, name="industry")
    sold = facts([(c, pd.Timestamp("2025-01-01") + pd.Timedelta(days=d), u) for c, d, u in rows])
    out = sales_by(sold, attribute, "2026-06", AS_OF)
    units, total = out[out["row_kind"] == "unit"], out[out["row_kind"] == "national_total"].iloc[0]
    for column in ("mtd", "last_year_mtd", "ytd", "last_year_ytd"):
        assert units[column].sum() == total[column]
    assert set(units["industry"]) == {"x", "y", "z"}


def test_units_per_customer_are_summed_once_for_every_attribute() -> None:
    sold = facts([("A", "2026-06-01", 5), ("B", "2026-03-01", 7), ("E", "2026-06-02", 40), ("A", "2025-06-20", 2)])
    units = window_units(sold, "2026-06", AS_OF)
    assert units.loc["A"].tolist() == [5, 2, 5, 2] and units.loc["E"].tolist() == [40, 0, 40, 0]
    for attribute in (pd.Series({"A": "x", "B": "y"}, name="industry"),
                      pd.Series({"A": "tender", "B": "tender", "C": "agreement"}, name="purchase_method")):  # fmt: skip
        given = sales_by(sold, attribute, "2026-06", AS_OF, units)
        pd.testing.assert_frame_equal(given, sales_by(sold, attribute, "2026-06", AS_OF))
        assert given["ytd"].iloc[-1] == 12  # customer E, without the attribute, is in no row


def test_open_pipeline_by_industry() -> None:
    open_leads = pd.DataFrame({"stage": ["commit", "tender", "discover", "won"], "industry": ["taxi", "taxi", "health",
                               "health"], "units": [4, 6, 20, 9], "weighted_units": [2.0, 5.1, 1.0, 0.0],
                               "close_month": ["2026-06", "2026-07", "2026-06", "2026-06"]})  # fmt: skip
    out = pipeline_by_industry(open_leads, "2026-06")
    assert out.to_dict("records") == [
        {"industry": "health", "leads": 1, "units": 20, "weighted_units": 1.0, "units_due": 20},
        {"industry": "taxi", "leads": 2, "units": 10, "weighted_units": 7.1, "units_due": 4},
    ]
