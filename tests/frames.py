"""Builders for hand-written test tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def sales_frame(rows: Sequence[tuple[str, str, str, int]], customer_id: str = "C1") -> pd.DataFrame:
    """A ``sales`` table from ``(date, dealer_id, product_id, units)`` rows, order ids o0, o1, ..."""
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(rows))],
            "date": [r[0] for r in rows],
            "dealer_id": [r[1] for r in rows],
            "product_id": [r[2] for r in rows],
            "customer_id": customer_id,
            "units": [r[3] for r in rows],
        }
    )


def lead_history(rows: list[tuple[str, str, int, str, str, str, str]] = ()) -> pd.DataFrame:
    """Every lead from (dealer, line, units, stage, reported_on, last_tracked, expected_close)."""
    frame = pd.DataFrame(list(rows), columns=["dealer_id", "line", "units", "stage", "reported_on", "last_tracked",
                                              "expected_close"])  # fmt: skip
    for column in ("reported_on", "last_tracked", "expected_close"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame.astype({"units": "int64"})
