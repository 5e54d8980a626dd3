"""Year-to-date context of the issue workbook (docs/method.md §2.3): counts, ratios, laggards, subtotals."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.params import StatusThresholds
from kaplan.progress.ytd import with_subtotals, ytd_counts, ytd_ratios, ytd_time_progress

ORG = pd.DataFrame({"dealer_id": ["D1", "D2", "D3"], "dealer_name": ["甲", "乙", "丙"],
                    "province": ["江苏", "江苏", "浙江"], "region": ["华东大区"] * 3})  # fmt: skip
FACTS = pd.DataFrame(
    {
        "date": pd.to_datetime(["2025-12-31", "2026-01-05", "2026-05-31", "2026-05-01", "2026-06-01", "2026-05-10"]),
        "dealer_id": ["D1", "D1", "D1", "D2", "D1", "D3"],
        "units": [100, 30, 10, 9, 50, 10],
    }
)
ANNUAL = pd.DataFrame({"year": [2026, 2026, 2026, 2025], "dealer_id": ["D1", "D2", "D3", "D1"],
                       "line": "command", "units": [120, 60, 0, 999]})  # fmt: skip
LAST = pd.DataFrame({"dealer_id": ["D1", "D2", "D2", "D3"], "line": ["command", "command", "work", "work"],
                     "target": [10, 6, 4, 10]})  # fmt: skip


def test_counts_per_dealer_by_hand() -> None:
    # D1: 2026 plan 120; Jan-May sales 30 + 10 = 40 (2025-12-31 and June left out); May 10 of target 10
    # D2: plan 60; Jan-May 9; May 9 of target 6 + 4 = 10.  D3: plan 0; May 10 of 10
    counts = ytd_counts(FACTS, ANNUAL, LAST, "2026-06", ORG, "dealer")
    assert counts[["dealer_id", "annual_plan", "sales_to_prev_month", "last_month_target",
                   "last_month_actual"]].values.tolist() == [["D1", 120, 40, 10, 10], ["D2", 60, 9, 10, 9],
                                                             ["D3", 0, 10, 10, 10]]  # fmt: skip
    provinces = ytd_counts(FACTS, ANNUAL, LAST, "2026-06", ORG, "province")
    assert provinces[["province", "annual_plan", "sales_to_prev_month"]].values.tolist() == [
        ["江苏", 180, 49], ["浙江", 0, 10]]


def test_ratios_and_laggards_by_hand() -> None:
    # time progress at 31 May 2026: 151 / 365 = 41.37 %
    # D1 40 / 120 = 33.3 %: 8.0 points behind > 5 -> red; May 10 / 10 = 100 % -> not red
    # D2 9 / 60 = 15 % -> red; May 9 / 10 = 90 % -> red.  D3: no plan -> blank, not red; May 100 %
    counts = ytd_counts(FACTS, ANNUAL, LAST, "2026-06", ORG, "dealer")
    out = ytd_ratios(counts, "2026-06", StatusThresholds())
    assert out["ytd_time_progress"].iloc[0] == pytest.approx(151 / 365)
    assert out["ytd_progress"].tolist()[:2] == [pytest.approx(40 / 120), pytest.approx(0.15)]
    assert pd.isna(out["ytd_progress"].iloc[2])
    assert out["last_month_attainment"].tolist() == [1.0, 0.9, 1.0]
    assert out["flag_ytd_progress"].tolist() == [True, True, False]
    assert out["flag_last_month_attainment"].tolist() == [False, True, False]
    assert counts.equals(ytd_counts(FACTS, ANNUAL, LAST, "2026-06", ORG, "dealer"))  # input untouched


def test_the_laggard_edges_are_strict() -> None:
    # attainment exactly 95 % (1 - 0.05) is not behind; one unit less in 100 is
    frame = pd.DataFrame({"annual_plan": [0, 0], "sales_to_prev_month": [0, 0], "last_month_target": [100, 100],
                          "last_month_actual": [95, 94]})  # fmt: skip
    out = ytd_ratios(frame, "2026-06", StatusThresholds())
    assert out["flag_last_month_attainment"].tolist() == [False, True]


def test_january_has_no_year_behind_it() -> None:
    assert ytd_time_progress("2026-01") == 0.0
    assert ytd_time_progress("2026-02") == pytest.approx(31 / 365)
    assert ytd_time_progress("2024-03") == pytest.approx(60 / 366)


def test_subtotals_follow_their_province_and_the_total_comes_last() -> None:
    frame = pd.DataFrame({"region": "R", "province": ["江苏", "江苏", "浙江"], "dealer_id": ["D1", "D2", "D3"],
                          "command": [10, 6, 4], "total": [12, 6, 4]})  # fmt: skip
    out = with_subtotals(frame, ["command", "total"])
    assert out["row_kind"].tolist() == ["", "", "subtotal", "", "subtotal", "total"]
    assert out["command"].tolist() == [10, 6, 16, 4, 4, 20]
    assert out["province"].tolist()[:5] == ["江苏", "江苏", "江苏", "浙江", "浙江"]
    assert out["region"].tolist() == ["R"] * 6  # the same on every row summed: kept
    assert out["dealer_id"].isna().tolist() == [False, False, True, False, True, True]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 500), st.integers(0, 500)),
                min_size=1, max_size=12))  # fmt: skip
def test_every_subtotal_is_the_sum_of_its_rows(rows: list[tuple[str, int, int]]) -> None:
    frame = pd.DataFrame(rows, columns=["province", "x", "y"])
    out = with_subtotals(frame, ["x", "y"])
    units = out[out["row_kind"] == ""]
    for province, sub in out[out["row_kind"] == "subtotal"].set_index("province").iterrows():
        assert sub["x"] == units.loc[units["province"] == province, "x"].sum()
    total = out[out["row_kind"] == "total"].iloc[0]
    assert (total["x"], total["y"]) == (frame["x"].sum(), frame["y"].sum())
    assert out[out["row_kind"] == "subtotal"]["x"].sum() == total["x"]
