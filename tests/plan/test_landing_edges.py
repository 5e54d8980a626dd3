"""Edges of the landing forecast (docs/method.md §2.3 "Landing forecast"): each rule by a worked example
and both sides of every window, threshold and cut-off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frames import lead_history as history
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.params import Landing
from kaplan.plan import landing
from kaplan.plan.targets import MonthTargets

AS_OF = pd.Timestamp("2026-03-20")  # March 2026: 22 working days, 15 through the 20th, 7 left
# January 2026 has 21 working days, February 16, December 2025 23
ORG = pd.DataFrame(
    {"dealer_id": ["D1", "D2", "D3"], "dealer_name": ["甲", "乙", "丙"], "province": ["河北", "河北", "广东"],
     "region": ["华北大区", "华北大区", "华南大区"]}
)  # fmt: skip
LINES = ("command", "work", "conversion")
# cells of ORG: D1 command 0, work 1, conversion 2; D2 3, 4, 5; D3 6, 7, 8


def sales(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Sales facts from (date, dealer, line, units)."""
    frame = pd.DataFrame(rows, columns=["date", "dealer_id", "line", "units"])
    return frame.assign(
        date=pd.to_datetime(frame["date"]).astype("datetime64[ns]"), units=frame["units"].astype("int64")
    )


def known(facts: pd.DataFrame, leads: pd.DataFrame | None = None, org: pd.DataFrame = ORG) -> landing.Known:
    return landing.known(facts, history() if leads is None else leads, landing.landing_cells(org))


def cell(values: np.ndarray, dealer: str, line: str) -> float:
    """The value of one (dealer, line) cell of a per-cell array over ORG."""
    return float(values[ORG["dealer_id"].tolist().index(dealer) * len(LINES) + LINES.index(line)])


# --- the grid ------------------------------------------------------------------------------------

# D1 appears twice; D3's province 山西 comes between 河北's dealers; an index that is not 0..n-1
SPREAD_ORG = pd.DataFrame(
    {"dealer_id": ["D1", "D2", "D3", "D1", "D4"], "dealer_name": ["甲", "乙", "丙", "甲", "丁"],
     "province": ["河北", "广东", "山西", "河北", "河北"],
     "region": ["华北大区", "华南大区", "华北大区", "华北大区", "华北大区"],
     "extra": [1, 2, 3, 4, 5]},
    index=[10, 11, 12, 13, 14],
)  # fmt: skip


def test_landing_cells_grid_with_interleaved_provinces() -> None:
    cells = landing.landing_cells(SPREAD_ORG, ("x", "y"))
    frame = cells.frame
    assert list(frame.columns) == ["region", "province", "dealer_id", "dealer_name", "line"]
    assert frame.index.tolist() == list(range(8))
    assert frame["dealer_id"].tolist() == ["D1", "D1", "D2", "D2", "D3", "D3", "D4", "D4"]
    assert frame["dealer_name"].tolist() == ["甲", "甲", "乙", "乙", "丙", "丙", "丁", "丁"]
    assert frame["line"].tolist() == ["x", "y"] * 4
    assert str(frame["line"].dtype) == "str"
    assert cells.dealers.tolist() == ["D1", "D2", "D3", "D4"]
    assert cells.lines.tolist() == ["x", "y"]
    # province x line in order of first appearance: 河北 x, 河北 y, 广东 x, 广东 y, 山西 x, 山西 y
    np.testing.assert_array_equal(cells.province_of, [0, 1, 2, 3, 4, 5, 0, 1])
    np.testing.assert_array_equal(cells.region_of, [0, 1, 2, 3, 0, 1])
    province = cells.rows["province"]
    assert list(province.columns) == ["region", "province", "line"]
    assert province.index.tolist() == list(range(6))
    assert province.values.tolist() == [
        ["华北大区", "河北", "x"], ["华北大区", "河北", "y"], ["华南大区", "广东", "x"],
        ["华南大区", "广东", "y"], ["华北大区", "山西", "x"], ["华北大区", "山西", "y"],
    ]  # fmt: skip
    region = cells.rows["region"]
    assert list(region.columns) == ["region", "line"]
    assert region.index.tolist() == list(range(4))
    assert region.values.tolist() == [["华北大区", "x"], ["华北大区", "y"], ["华南大区", "x"], ["华南大区", "y"]]
    assert cells.rows["dealer"] is frame
    np.testing.assert_array_equal(cells.row_of("dealer"), np.arange(8))
    np.testing.assert_array_equal(cells.row_of("province"), [0, 1, 2, 3, 4, 5, 0, 1])
    np.testing.assert_array_equal(cells.row_of("region"), [0, 1, 2, 3, 0, 1, 0, 1])


def test_landing_cells_default_lines() -> None:
    cells = landing.landing_cells(ORG)
    assert cells.lines.tolist() == list(LINES)
    assert cells.frame["line"].tolist() == list(LINES) * 3
    assert len(cells.rows["region"]) == 6 and len(cells.rows["province"]) == 6


def test_positions_absent_and_blank_values() -> None:
    keys = pd.Index(["a", "b", "c"])
    got = landing._positions(pd.Series(["c", "a", None, "z", "b", "a"]), keys)
    np.testing.assert_array_equal(got, [2, 0, -1, -1, 1, 0])
    blank = landing._positions(pd.Series([None, None], dtype=object), keys)
    assert blank.tolist() == [-1, -1]
    assert landing._positions(pd.Series([], dtype=object), keys).tolist() == []


def test_codes_need_both_the_dealer_and_the_line() -> None:
    cells = landing.landing_cells(SPREAD_ORG, ("x", "y"))
    dealers = pd.Series(["D3", "D9", "D2", "D9", "D1", None, "D4"])
    lines = pd.Series(["y", "x", "z", "y", "x", "x", "y"])
    np.testing.assert_array_equal(cells.codes(dealers, lines), [5, -1, -1, -1, 0, -1, 7])


def test_cell_sums_keep_cell_0_drop_unknown_and_cover_every_cell() -> None:
    cells = landing.landing_cells(SPREAD_ORG, ("x", "y"))
    got = cells.sums(
        pd.Series(["D1", "D9", "D2", "D1"]), pd.Series(["x", "x", "y", "x"]), np.array([2.0, 5.0, 3.0, 4.0])
    )
    assert got.dtype == np.float64
    assert got.tolist() == [6.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0]


# --- what is known -------------------------------------------------------------------------------


def test_known_sorts_sales_by_day_stably_and_reads_leads() -> None:
    days = ["2026-03-05", "2026-03-01", "2026-03-05", "2026-02-27", "2026-03-01"] * 5
    dealers = ["D1", "D2", "D3", "D2", "D1"] * 5
    units = list(range(1, 26))
    facts = sales([(d, k, "work", u) for d, k, u in zip(days, dealers, units, strict=True)])
    leads = history([("D2", "command", 12, "won", "2026-01-05", "2026-02-10", "2026-02-12"),
                     ("D3", "work", 9, "lost", "2026-01-06", "2026-02-11", "2026-02-13"),
                     ("D9", "work", 30, "commit", "2026-01-07", "2026-02-12", "2026-03-14")])  # fmt: skip
    data = known(facts, leads)
    order = np.argsort(np.array(days, dtype="datetime64[D]"), kind="stable")
    np.testing.assert_array_equal(data.sale_units, np.array(units, dtype="float64")[order])
    assert data.sale_units.dtype == np.float64
    np.testing.assert_array_equal(data.sale_day, np.array(days, dtype="datetime64[D]")[order])
    assert data.sale_day.dtype == np.dtype("datetime64[D]")
    np.testing.assert_array_equal(data.sale_cell, np.array([cell_no(k, "work") for k in dealers])[order])
    np.testing.assert_array_equal(data.lead_cell, [3, 7, -1])
    np.testing.assert_array_equal(data.lead_units, [12.0, 9.0, 30.0])
    assert data.lead_units.dtype == np.float64
    np.testing.assert_array_equal(
        data.reported, np.array(["2026-01-05", "2026-01-06", "2026-01-07"], dtype="datetime64[D]")
    )
    np.testing.assert_array_equal(
        data.closed_on, np.array(["2026-02-10", "2026-02-11", "2262-01-01"], dtype="datetime64[D]")
    )
    assert data.closed_on.dtype == np.dtype("datetime64[D]")
    np.testing.assert_array_equal(data.won, [True, False, False])
    np.testing.assert_array_equal(
        data.expected, np.array(["2026-02-12", "2026-02-13", "2026-03-14"], dtype="datetime64[D]")
    )
    assert data.cells.dealers.tolist() == ["D1", "D2", "D3"]


def cell_no(dealer: str, line: str) -> int:
    return ORG["dealer_id"].tolist().index(dealer) * len(LINES) + LINES.index(line)


def test_known_days_drop_the_time_of_day() -> None:
    facts = pd.DataFrame({"date": pd.to_datetime(["2026-03-20 18:30", "2026-03-19 23:59"]), "dealer_id": "D1",
                          "line": "work", "units": [3, 4]})  # fmt: skip
    data = known(facts)
    np.testing.assert_array_equal(data.sale_day, np.array(["2026-03-19", "2026-03-20"], dtype="datetime64[D]"))
    mtd, _ = landing.sold(data, pd.Timestamp("2026-03-20"), pd.Timestamp("2026-03-20"), 10)
    assert cell(mtd, "D1", "work") == 3.0
    mtd, _ = landing.sold(data, pd.Timestamp("2026-03-19 12:00"), pd.Timestamp("2026-03-19 06:00"), 10)
    assert cell(mtd, "D1", "work") == 4.0


def test_known_sums_keep_cell_0() -> None:
    data = known(sales([]))
    got = data.sums(np.array([0, -1, 8, 0]), np.array([1.5, 7.0, 2.0, 1.0]))
    assert got.dtype == np.float64
    assert got.tolist() == [2.5, 0, 0, 0, 0, 0, 0, 0, 2.0]
    assert data.sums(np.array([0]), np.array([1.0])).tolist() == [1.0] + [0.0] * 8


# --- sold, the run-rate and the unannounced tenders ----------------------------------------------


def test_sold_includes_the_first_and_the_last_day_only() -> None:
    facts = sales([("2026-02-28", "D1", "command", 1), ("2026-03-01", "D1", "command", 2),
                   ("2026-03-20", "D1", "command", 4), ("2026-03-21", "D1", "command", 8),
                   ("2026-03-10", "D1", "command", 10), ("2026-03-11", "D1", "command", 9),
                   ("2026-03-12", "D9", "command", 3), ("2026-03-12", "D2", "other", 3)])  # fmt: skip
    every, ordinary = landing.sold(known(facts), pd.Timestamp("2026-03-01"), AS_OF, 10)
    assert cell(every, "D1", "command") == 2 + 4 + 10 + 9
    assert cell(ordinary, "D1", "command") == 2 + 4 + 9  # 10 units is lumpy: below the threshold only
    assert every.sum() == 25 and ordinary.sum() == 15


def test_working_days_left_and_run_rate() -> None:
    assert landing.working_days_left(pd.Timestamp("2026-03-02")) == (1, 21)
    assert landing.working_days_left(pd.Timestamp("2026-03-31")) == (22, 0)
    got = landing.run_rate_rest(np.array([30.0, 0.0, 3.0]), AS_OF)
    np.testing.assert_allclose(got, [30 / 15 * 7, 0.0, 3 / 15 * 7])
    holiday = pd.Timestamp("2026-10-01")  # no working day elapsed yet: 0, the shape of the input
    np.testing.assert_array_equal(landing.run_rate_rest(np.array([5.0, 2.0]), holiday), [0.0, 0.0])


def unannounced_example() -> landing.Known:
    facts = sales([
        ("2025-12-31", "D1", "work", 50),  # before the two base months
        ("2026-01-01", "D1", "work", 30),  # first day of January: lumpy
        ("2026-02-28", "D1", "work", 20),  # last day of February: lumpy
        ("2026-02-10", "D1", "work", 5),  # ordinary
        ("2026-03-01", "D1", "work", 40),  # the month itself
        ("2026-02-11", "D2", "work", 3),  # ordinary only, and a won lead: floored at 0
    ])  # fmt: skip
    leads = history([
        ("D1", "work", 10, "won", "2025-12-01", "2026-01-01", "2026-01-01"),  # announced: 10 (at the threshold)
        ("D1", "work", 11, "won", "2025-12-01", "2025-12-31", "2025-12-31"),  # closed before January
        ("D1", "work", 12, "won", "2026-02-01", "2026-03-01", "2026-03-01"),  # closed in March
        ("D1", "work", 9, "won", "2026-01-01", "2026-02-01", "2026-02-01"),  # not lumpy
        ("D1", "work", 13, "lost", "2026-01-01", "2026-02-01", "2026-02-01"),  # lost
        ("D1", "work", 14, "commit", "2026-01-01", "2026-01-02", "2026-02-01"),  # open
        ("D2", "work", 15, "won", "2026-01-01", "2026-02-01", "2026-02-01"),
    ])  # fmt: skip
    return known(facts, leads)


def test_unannounced_rest_of_the_base_months() -> None:
    got = landing.unannounced_rest(unannounced_example(), AS_OF, Landing(base_months=2))
    # D1: lumpy 30 + 20 in January-February less the 10 announced = 40 over 21 + 16 working days, x 7 left
    assert cell(got, "D1", "work") == pytest.approx(40 / 37 * 7)
    assert cell(got, "D2", "work") == 0.0  # 0 lumpy - 15 announced: floored at 0
    assert got.sum() == pytest.approx(40 / 37 * 7)


def test_unannounced_rest_counts_the_lumpy_threshold_and_the_last_working_day() -> None:
    data = unannounced_example()
    got = landing.unannounced_rest(data, AS_OF, Landing(base_months=1, lumpy_units=6))
    # February only, lumpy from 6 units: 20 sold (the 5 are ordinary), less the 9-unit won lead: 11 / 16 x 7
    assert cell(got, "D1", "work") == pytest.approx(11 / 16 * 7)
    assert np.all(landing.unannounced_rest(data, pd.Timestamp("2026-03-31"), Landing(base_months=2)) == 0.0)


# --- the pipeline, now and on a past day ---------------------------------------------------------


def open_leads(rows: list[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    """Open leads from (dealer, line, units, expected close, probability)."""
    frame = pd.DataFrame(rows, columns=["dealer_id", "line", "units", "expected_close", "probability"])
    return frame.assign(expected_close=pd.to_datetime(frame["expected_close"]).astype("datetime64[ns]"))


def test_pipeline_rest_per_cell() -> None:
    cells = landing.landing_cells(ORG)
    leads = open_leads([("D1", "command", 10, "2026-03-20", 0.5), ("D1", "command", 20, "2026-03-31", 0.25),
                        ("D3", "conversion", 12, "2026-03-25", 0.5), ("D2", "work", 9, "2026-03-25", 1.0),
                        ("D2", "work", 30, "2026-03-19", 1.0), ("D2", "work", 30, "2026-04-01", 1.0),
                        ("D9", "work", 30, "2026-03-25", 1.0)])  # fmt: skip
    got = landing.pipeline_rest(leads, cells, AS_OF, 10)
    assert got.tolist() == [10.0, 0, 0, 0, 0, 0, 0, 0, 6.0]


def test_pipeline_rest_of_the_last_day_of_the_month() -> None:
    cells = landing.landing_cells(ORG)
    leads = open_leads([("D2", "work", 10, "2026-03-31", 0.5), ("D2", "work", 10, "2026-03-30", 0.5)])
    assert landing.pipeline_rest(leads, cells, pd.Timestamp("2026-03-31"), 10).sum() == 5.0


PAST_LEADS = [
    # (dealer, line, units, stage, reported_on, last_tracked, expected_close); the day is 20 March
    ("D1", "command", 10, "won", "2026-01-05", "2026-03-20", "2026-03-22"),  # won on the day: decided, not taken
    ("D1", "work", 20, "lost", "2026-03-01", "2026-03-10", "2026-03-15"),  # decided, lost
    ("D1", "work", 9, "won", "2026-02-01", "2026-03-01", "2026-03-02"),  # below the threshold: not decided
    ("D1", "work", 9, "lost", "2026-02-01", "2026-03-01", "2026-03-02"),
    ("D2", "command", 30, "commit", "2026-03-20", "2026-03-20", "2026-03-20"),  # reported and expected on the day
    ("D2", "work", 12, "commit", "2026-03-21", "2026-03-21", "2026-03-25"),  # reported after the day
    ("D2", "conversion", 14, "commit", "2026-03-01", "2026-03-01", "2026-03-31"),  # expected on the last day
    ("D3", "command", 16, "commit", "2026-03-01", "2026-03-01", "2026-04-01"),  # expected next month
    ("D3", "work", 18, "commit", "2026-03-01", "2026-03-01", "2026-03-19"),  # overdue
    ("D3", "conversion", 10, "commit", "2026-03-01", "2026-03-01", "2026-03-25"),  # at the threshold
    ("D3", "conversion", 9, "commit", "2026-03-01", "2026-03-01", "2026-03-25"),  # below it
    ("D1", "conversion", 22, "won", "2026-02-01", "2026-03-25", "2026-03-26"),  # won later: open on the day
]


def test_past_pipeline_rest_as_known_on_the_day() -> None:
    data = known(sales([]), history(PAST_LEADS))
    got = landing.past_pipeline_rest(data, AS_OF, 10)
    # lumpy leads closed by the 20th: the 10 won on the day and the 20 lost -> win rate 1/2
    assert got.tolist() == [0.0, 0.0, 11.0, 15.0, 0.0, 7.0, 0.0, 0.0, 5.0]


def test_past_pipeline_rest_without_a_decided_lead_is_0() -> None:
    rows = [r for r in PAST_LEADS if r[3] not in ("won", "lost") or r[2] < 10]
    data = known(sales([]), history(rows))
    assert landing.past_pipeline_rest(data, AS_OF, 10).tolist() == [0.0] * 9
    # a day before the first lead was decided, with leads open then
    data = known(sales([]), history(PAST_LEADS))
    assert landing.past_pipeline_rest(data, pd.Timestamp("2026-03-09"), 10).tolist() == [0.0] * 9


def test_past_pipeline_rest_all_won() -> None:
    rows = [*PAST_LEADS[:1], ("D3", "conversion", 10, "commit", "2026-03-01", "2026-03-01", "2026-03-25")]
    data = known(sales([]), history(rows))
    assert landing.past_pipeline_rest(data, AS_OF, 10).tolist() == [0.0] * 8 + [10.0]


# --- whole units ---------------------------------------------------------------------------------


def test_whole_rest_half_up_per_region_then_provinces_then_dealers() -> None:
    cells = landing.landing_cells(SPREAD_ORG, ("x", "y"))
    # cells: D1 x, D1 y, D2 x, D2 y, D3 x, D3 y, D4 x, D4 y; 华北 x = 河北 (D1, D4) + 山西 (D3)
    rest = np.array([0.3, -3.0, 2.4999999995, 2.4999999, 1.6, 0.0, 1.1, 0.0])
    got = landing.whole_rest(rest, cells)
    # 华北 x: 1.4 + 1.6 = 3 -> 河北 1 (quota 1.4), 山西 2 (1.6); 河北's unit to D4 (1.1 of 1.4)
    # 华北 y: a negative rest counts 0; 华南 x: 2.5 within 1e-9 rounds up, 华南 y: 2.4999999 down
    assert got.tolist() == [0, 0, 3, 2, 2, 0, 1, 0]
    assert got.dtype == np.int64


def test_whole_rest_of_nothing_is_nothing() -> None:
    cells = landing.landing_cells(ORG)
    assert landing.whole_rest(np.zeros(9), cells).tolist() == [0] * 9
    assert landing.whole_rest(np.full(9, 0.5), cells).tolist() == [1, 1, 1, 0, 0, 0, 1, 1, 1]


# --- the forecast per cell and the tables --------------------------------------------------------


def test_cell_forecast_adds_the_three_parts() -> None:
    facts = sales([("2026-02-28", "D1", "work", 7), ("2026-03-01", "D1", "work", 6), ("2026-03-20", "D1", "work", 9),
                   ("2026-03-21", "D1", "work", 5), ("2026-03-05", "D1", "work", 12),
                   ("2026-01-15", "D1", "work", 37)])  # fmt: skip
    pipeline = np.zeros(9)
    pipeline[cell_no("D1", "work")] = 4.0
    pipeline[cell_no("D3", "command")] = 2.6
    got = landing.cell_forecast(known(facts), pipeline, AS_OF, Landing(base_months=2))
    assert list(got.columns) == ["region", "province", "dealer_id", "dealer_name", "line", "mtd", "run_rate_rest",
                                 "pipeline_rest", "landing"]  # fmt: skip
    row = got.iloc[cell_no("D1", "work")]
    # mtd 6 + 9 + 12 = 27, ordinary 15: 15 / 15 x 7 = 7, plus 37 lumpy of January / 37 working days x 7 = 7
    assert row["mtd"] == 27
    assert row["run_rate_rest"] == pytest.approx(14.0)
    assert row["pipeline_rest"] == 4.0
    assert row["landing"] == 27 + 18
    assert got["landing"].tolist() == [0, 45, 0, 0, 0, 0, 3, 0, 0]
    assert got["mtd"].dtype == np.int64 and got["landing"].dtype == np.int64


def cell_frame() -> tuple[landing.Cells, pd.DataFrame]:
    cells = landing.landing_cells(ORG)
    frame = cells.frame.assign(
        target=np.array([5, 0, 0, 7, 0, 0, 0, 0, 1]),
        mtd=np.array([1, 2, 0, 3, 0, 0, 0, 0, 4]),
        actual=np.array([2, 3, 0, 4, 0, 0, 0, 0, 5]),
        run_rate_rest=np.array([0.5, 0.25, 0, 1.0, 0, 0, 0, 0, 2.0]),
        pipeline_rest=np.array([1.5, 0, 0, 0.5, 0, 0, 0, 0, 0.0]),
        landing=np.array([3, 4, 0, 5, 0, 0, 0, 0, 6]),
        run_rate=np.array([1.5, 2.5, 0, 3.5, 0, 0, 0, 0, 4.5]),
    )
    return cells, frame


def test_at_level_sums_cells_whole_columns_as_int() -> None:
    cells, frame = cell_frame()
    got = landing.at_level(frame, cells, "province")
    assert list(got.columns) == ["region", "province", "line", "target", "mtd", "actual", "run_rate_rest",
                                 "pipeline_rest", "landing", "run_rate"]  # fmt: skip
    assert got[["province", "line"]].values.tolist() == [
        ["河北", "command"], ["河北", "work"], ["河北", "conversion"],
        ["广东", "command"], ["广东", "work"], ["广东", "conversion"],
    ]  # fmt: skip
    assert got["target"].tolist() == [12, 0, 0, 0, 0, 1]
    assert got["mtd"].tolist() == [4, 2, 0, 0, 0, 4]
    assert got["actual"].tolist() == [6, 3, 0, 0, 0, 5]
    assert got["landing"].tolist() == [8, 4, 0, 0, 0, 6]
    assert got["run_rate_rest"].tolist() == [1.5, 0.25, 0, 0, 0, 2.0]
    assert got["pipeline_rest"].tolist() == [2.0, 0, 0, 0, 0, 0]
    assert got["run_rate"].tolist() == [5.0, 2.5, 0, 0, 0, 4.5]
    for column in ("target", "mtd", "actual", "landing"):
        assert got[column].dtype == np.int64, column
    for column in ("run_rate_rest", "pipeline_rest", "run_rate"):
        assert got[column].dtype == np.float64, column
    region = landing.at_level(frame.drop(columns=["target", "actual", "run_rate"]), cells, "region")
    assert list(region.columns) == ["region", "line", "mtd", "run_rate_rest", "pipeline_rest", "landing"]
    assert region["landing"].tolist() == [8, 4, 0, 0, 0, 6]
    dealer = landing.at_level(frame, cells, "dealer")
    assert dealer["landing"].tolist() == [3, 4, 0, 5, 0, 0, 0, 0, 6]
    assert dealer["mtd"].dtype == np.int64


def month_targets(dealer: dict[tuple[str, str], int]) -> MonthTargets:
    rows = [(d, line, t) for (d, line), t in dealer.items()]
    frame = pd.DataFrame(rows, columns=["dealer_id", "line", "target"]).merge(ORG, on="dealer_id")
    province = frame.groupby(["region", "province", "line"], as_index=False)["target"].sum()
    region = frame.groupby(["region", "line"], as_index=False)["target"].sum()
    return MonthTargets("2026-03", pd.DataFrame(), province, frame, region, pd.DataFrame())


def test_with_targets_sums_the_issued_rows_and_fills_0() -> None:
    cells, frame = cell_frame()
    rows = landing.at_level(frame.drop(columns=["target"]), cells, "dealer")
    issued = pd.DataFrame({"dealer_id": ["D1", "D1", "D3", "D9"], "line": ["work", "work", "command", "work"],
                           "target": [5, 6, 7, 8], "region": "x"})  # fmt: skip
    got = landing.with_targets(rows, issued, "dealer")
    assert got["target"].tolist() == [0, 11, 0, 0, 0, 0, 7, 0, 0]
    assert got["target"].dtype == np.int64
    assert list(got.columns) == [*rows.columns, "target"]
    assert got["dealer_id"].tolist() == rows["dealer_id"].tolist()
    none = landing.with_targets(rows, None, "dealer")
    assert none["target"].tolist() == [0] * 9 and none["target"].dtype == np.int64
    empty = landing.with_targets(rows, pd.DataFrame(), "dealer")
    assert empty["target"].tolist() == [0] * 9
    region = landing.with_targets(landing.at_level(frame.drop(columns=["target"]), cells, "region"),
                                  month_targets({("D1", "work"): 3, ("D2", "work"): 4}).region, "region")  # fmt: skip
    assert region["target"].tolist() == [0, 7, 0, 0, 0, 0]


def test_landing_table_range_with_the_float_tolerances() -> None:
    cells = landing.landing_cells(ORG)
    frame = cells.frame.assign(mtd=[2, 60, 0, 0, 0, 0, 0, 0, 9], run_rate_rest=0.5, pipeline_rest=0.25,
                               landing=[100, 100, 10, 0, 0, 0, 0, 0, 9])  # fmt: skip
    targets = month_targets({("D1", "command"): 90, ("D1", "work"): 100, ("D3", "conversion"): 5})
    got = landing.landing_table(frame, cells, "dealer", targets.dealer, AS_OF, (0.29, 1.1))
    assert list(got.columns) == ["region", "province", "dealer_id", "dealer_name", "line", *landing.LANDING_COLUMNS]
    # 100 x 0.29 = 28.999999999999996 -> 29; 100 x 1.1 = 110.00000000000001 -> 110; mtd 60 above 29
    assert got["landing_low"].tolist() == [29, 60, 2, 0, 0, 0, 0, 0, 9]
    assert got["landing_high"].tolist() == [110, 110, 11, 0, 0, 0, 0, 0, 10]
    assert got["landing_gap"].tolist() == [10, 0, 10, 0, 0, 0, 0, 0, 4]
    assert got["needed_per_day"].tolist() == [13, 6, 0, 0, 0, 0, 0, 0, 0]  # ⌈88 / 7⌉ = ⌈12.6⌉, ⌈40 / 7⌉ = ⌈5.7⌉
    assert got["target"].tolist() == [90, 100, 0, 0, 0, 0, 0, 0, 5]
    assert got["run_rate_rest"].tolist() == [0.5] * 9 and got["pipeline_rest"].tolist() == [0.25] * 9
    for column in ("target", "mtd", "landing", "landing_low", "landing_high", "landing_gap"):
        assert got[column].dtype == np.int64, column
    above = landing.landing_table(frame, cells, "dealer", targets.dealer, AS_OF, (1.2, 1.5))
    assert above["landing_low"].tolist() == [100, 100, 10, 0, 0, 0, 0, 0, 9]  # never above the landing
    below = landing.landing_table(frame, cells, "dealer", targets.dealer, AS_OF, (0.5, 0.8))
    assert below["landing_high"].tolist() == [100, 100, 10, 0, 0, 0, 0, 0, 9]  # never below it


def test_landing_table_on_the_last_working_day_needs_nothing_per_day() -> None:
    cells = landing.landing_cells(ORG)
    frame = cells.frame.assign(mtd=[2, 0, 0, 0, 0, 0, 0, 0, 0], run_rate_rest=0.0, pipeline_rest=0.0,
                               landing=[2, 0, 0, 0, 0, 0, 0, 0, 0])  # fmt: skip
    targets = month_targets({("D1", "command"): 5})
    got = landing.landing_table(frame, cells, "region", targets.region, pd.Timestamp("2026-03-31"), (0.5, 1.5))
    assert list(got.columns) == ["region", "line", *landing.LANDING_COLUMNS]
    assert got["target"].tolist() == [5, 0, 0, 0, 0, 0]
    assert got["needed_per_day"].isna().all()
    assert got["landing_gap"].tolist() == [-3, 0, 0, 0, 0, 0]


# --- history: the range and the backtest ---------------------------------------------------------


def test_lead_lines_from_the_product() -> None:
    leads = pd.DataFrame({"lead_id": [1, 2, 3], "product_id": ["P2", "P9", "P1"]})
    products = pd.DataFrame({"product_id": ["P1", "P2"], "line": ["work", "command"], "name": ["a", "b"]})
    got = landing.lead_lines(leads, products)
    assert list(got.columns) == ["lead_id", "product_id", "line"]
    assert got["line"].tolist()[::2] == ["command", "work"] and pd.isna(got["line"].iloc[1])
    assert "line" not in leads.columns


def test_past_days_default_twelve_months_and_short_months() -> None:
    days = landing.past_days("2026-03", 30)
    assert [d.date().isoformat() for d in days] == [
        "2025-03-30", "2025-04-30", "2025-05-30", "2025-06-30", "2025-07-30", "2025-08-30", "2025-09-30",
        "2025-10-30", "2025-11-30", "2025-12-30", "2026-01-30", "2026-02-28",
    ]  # fmt: skip
    assert [d.date().isoformat() for d in landing.past_days(pd.Timestamp("2026-01-15"), 1, months=2)] == [
        "2025-11-01", "2025-12-01"]  # fmt: skip


def test_past_cells_actual_is_the_whole_month_and_run_rate_the_plain_one() -> None:
    facts = sales([("2026-01-31", "D2", "work", 50), ("2026-02-02", "D2", "work", 4), ("2026-02-10", "D2", "work", 3),
                   ("2026-02-11", "D2", "work", 30), ("2026-02-28", "D2", "work", 5),
                   ("2026-03-01", "D2", "work", 60)])  # fmt: skip
    leads = history([("D2", "work", 20, "won", "2026-01-05", "2026-01-20", "2026-01-25"),  # win rate 1 on the day
                     ("D2", "work", 12, "commit", "2026-02-01", "2026-02-01", "2026-02-20")])  # fmt: skip
    got = landing.past_cells(known(facts, leads), pd.Timestamp("2026-02-10"), Landing(base_months=1))
    row = got.iloc[cell_no("D2", "work")]
    assert row["pipeline_rest"] == 12.0 and got["pipeline_rest"].sum() == 12.0
    assert row["actual"] == 4 + 3 + 30 + 5  # lumpy units too, through the last day of February
    assert got["actual"].dtype == np.int64
    assert row["mtd"] == 7
    assert row["run_rate"] == pytest.approx(7 / 10 * 28)
    assert got["actual"].sum() == 42 and got["run_rate"].sum() == pytest.approx(19.6)


def spread_history() -> tuple[landing.Cells, list[pd.DataFrame]]:
    cells = landing.landing_cells(ORG)

    def frame(values: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
        landed, actual = np.zeros(9, dtype="int64"), np.zeros(9, dtype="int64")
        for (dealer, line), (a, b) in values.items():
            landed[cell_no(dealer, line)], actual[cell_no(dealer, line)] = a, b
        return cells.frame.assign(landing=landed, actual=actual)

    first = frame(
        {("D1", "command"): (1, 3), ("D2", "command"): (1, 0), ("D3", "work"): (1, 2), ("D1", "work"): (0, 5)}
    )
    second = frame({("D1", "command"): (4, 2), ("D3", "conversion"): (10, 10)})
    return cells, [first, second]


def test_spread_quantiles_of_actual_over_landing_per_level() -> None:
    cells, history = spread_history()
    # region rows with a positive landing: 华北 command 3 / 2 and 2 / 4, 华南 work 2 / 1 (a landing of 1 counts),
    # 华南 conversion 10 / 10; 华北 work (landing 0) is left out. Sorted 0.5, 1, 1.5, 2
    assert landing.spread(history, cells, "region", (0.25, 0.75)) == pytest.approx((0.875, 1.625))
    assert landing.spread(history, cells, "region", (0.0, 1.0)) == (0.5, 2.0)
    # per dealer: 3 / 1, 0 / 1, 2 / 1, 2 / 4, 10 / 10
    assert landing.spread(history, cells, "dealer", (0.0, 1.0)) == (0.0, 3.0)
    low, high = landing.spread(history, cells, "dealer", (0.5, 0.5))
    assert (low, high) == (1.0, 1.0) and isinstance(low, float)


def test_spread_without_a_positive_landing_is_1() -> None:
    cells, history = spread_history()
    assert landing.spread([], cells, "region", (0.1, 0.9)) == (1.0, 1.0)
    nothing = [h.assign(landing=0) for h in history]
    assert landing.spread(nothing, cells, "province", (0.1, 0.9)) == (1.0, 1.0)


def test_errors_count_rows_with_an_actual_of_1_and_more() -> None:
    rows = pd.DataFrame({"actual": [1, 4, 0], "landing": [2, 3, 7], "run_rate": [1.0, 6.0, 2.0], "target": [0, 4, 1]})
    got = landing.errors(rows)
    assert list(got.columns) == ["method", "rows", "mape", "wape"]
    assert got["method"].tolist() == ["landing", "run_rate", "target"]
    assert got["rows"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(got["mape"], [(1 + 0.25) / 2, (0 + 0.5) / 2, (1 + 0) / 2])
    np.testing.assert_allclose(got["wape"], [2 / 5, 2 / 5, 1 / 5])
    none = landing.errors(rows.assign(actual=0))
    assert none["rows"].tolist() == [0, 0, 0]
    assert none["mape"].isna().all() and none["wape"].isna().all()


def test_backtest_labels_each_month_day_and_level() -> None:
    months = [str(m) for m in pd.period_range("2025-03", "2026-02", freq="M")]
    facts = sales([(f"{m}-03", "D1", "work", 4) for m in months] + [(f"{m}-20", "D1", "work", 6) for m in months])
    empty = pd.DataFrame()  # no region or province targets: 0 issued there
    issued = {m: MonthTargets(m, empty, empty, pd.DataFrame({"dealer_id": ["D1"], "line": ["work"], "target": [k]}),
                              empty, empty)
              for k, m in enumerate(months, start=5)}  # fmt: skip
    table = landing.backtest(facts, history(), issued, ORG, "2026-03", Landing(), days=(5,))
    assert list(table.columns) == ["month", "day", "unit_level", "method", "rows", "mape", "wape"]
    assert table.index.tolist() == list(range(12 * 3 * 3))
    assert table["month"].tolist() == [m for m in months for _ in range(9)]
    assert (table["day"] == 5).all()
    assert table["unit_level"].tolist()[:9] == ["region"] * 3 + ["province"] * 3 + ["dealer"] * 3
    assert table["method"].tolist()[:3] == ["landing", "run_rate", "target"]
    assert (table["rows"] == 1).all()
    dealer = table[table["unit_level"] == "dealer"].set_index(["month", "method"])
    # 10 sold each month; the plain run-rate 4 / 5 x the days of the month; the issued target 5, 6, ... 16
    days = [pd.Period(m).days_in_month for m in months]
    np.testing.assert_allclose(dealer.xs("run_rate", level="method")["mape"], [abs(4 / 5 * d - 10) / 10 for d in days])
    np.testing.assert_allclose(dealer.xs("target", level="method")["mape"], [abs(k - 10) / 10 for k in range(5, 17)])
    region = table[table["unit_level"] == "region"].set_index(["month", "method"])
    assert (region.xs("target", level="method")["mape"] == 1.0).all()
    np.testing.assert_allclose(table["wape"], table["mape"])


def test_backtest_summary_means_in_level_and_day_order() -> None:
    rows = []
    for level, day, method, mapes in [
        ("dealer", 20, "target", (0.5, 0.7)), ("dealer", 20, "landing", (0.2, 0.4)),
        ("dealer", 20, "run_rate", (0.4, 0.4)), ("region", 20, "landing", (0.1, 0.3)),
        ("region", 20, "run_rate", (0.1, 0.1)), ("region", 20, "target", (0.0, 0.2)),
        ("dealer", 10, "landing", (1.0, 2.0)), ("dealer", 10, "run_rate", (1.0, 1.0)),
        ("dealer", 10, "target", (3.0, 3.0)),
    ]:  # fmt: skip
        rows += [{"month": m, "day": day, "unit_level": level, "method": method, "rows": 1, "mape": v, "wape": v}
                 for m, v in zip(("2026-01", "2026-02"), mapes, strict=True)]  # fmt: skip
    got = landing.backtest_summary(pd.DataFrame(rows))
    assert list(got.columns) == ["unit_level", "day", "landing_mape", "run_rate_mape", "target_mape", "vs_run_rate"]
    assert got[["unit_level", "day"]].values.tolist() == [
        ["region", 10], ["region", 20], ["province", 10], ["province", 20], ["dealer", 10], ["dealer", 20]]  # fmt: skip
    np.testing.assert_allclose(got["landing_mape"], [np.nan, 0.2, np.nan, np.nan, 1.5, 0.3])
    np.testing.assert_allclose(got["run_rate_mape"], [np.nan, 0.1, np.nan, np.nan, 1.0, 0.4])
    np.testing.assert_allclose(got["target_mape"], [np.nan, 0.1, np.nan, np.nan, 3.0, 0.6])
    np.testing.assert_allclose(got["vs_run_rate"], [np.nan, 1.0, np.nan, np.nan, 0.5, -0.25])


# --- the provinces not covered and the board's columns -------------------------------------------


def test_uncovered_orders_by_coverage_then_the_larger_gap() -> None:
    table = pd.DataFrame({
        "region": "华北大区", "province": ["甲", "乙", "丙", "丁", "戊", "己", "庚"], "line": "work",
        "target": [100, 11, 10, 5, 30, 25, 100], "mtd": [60, 10, 10, 9, 25, 5, 60],
        "run_rate_rest": [8.0, 0.1, 3.0, 0.0, 0.0, 0.0, 20.0], "pipeline_rest": [2.5, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0],
        "landing": [71, 10, 13, 9, 25, 5, 80], "extra": 1,
    })  # fmt: skip
    got = landing.uncovered(table, 0.3)
    # gaps 40, 1, 0, 0 (negative), 5, 20, 40; coverage 10.5 / 40, 0.2 / 1, -, -, 0, 0, 20 / 40 = 0.5
    assert got["province"].tolist() == ["己", "戊", "乙", "甲"]
    assert got["gap"].tolist() == [20, 5, 1, 40]
    assert got["gap"].dtype == np.int64
    np.testing.assert_allclose(got["rest_coverage"], [0.0, 0.0, 0.2, 10.5 / 40])
    assert list(got.columns) == ["region", "province", "line", "target", "mtd", "gap", "run_rate_rest", "pipeline_rest",
                                 "landing", "rest_coverage"]  # fmt: skip
    assert got.index.tolist() == [0, 1, 2, 3]
    assert landing.uncovered(table, 0.2)["province"].tolist() == ["己", "戊"]  # 0.2 is not below 0.2


def test_landing_columns_with_and_without_working_days_left() -> None:
    board = pd.DataFrame({"month_plan": [60, 5, 3], "mtd": [42, 5, 9], "landing": [67, 5, 9]})
    got = landing.landing_columns(board, AS_OF)
    assert got["landing_gap"].tolist() == [7, 0, 6] and got["landing_gap"].dtype == np.int64
    assert got["needed_per_day"].tolist() == [3, 0, 0]  # ⌈18 / 7⌉
    assert list(got.columns) == ["month_plan", "mtd", "landing", "landing_gap", "needed_per_day"]
    last = landing.landing_columns(board, pd.Timestamp("2026-03-31"))
    assert last["needed_per_day"].isna().all()


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=20),
       st.integers(0, 23))  # fmt: skip
def test_units_per_working_day_is_one_rule_for_a_column_and_a_number(pairs: list[tuple[int, int]], days: int) -> None:
    target, mtd = pd.Series([t for t, _ in pairs]), pd.Series([m for _, m in pairs])
    got = landing.units_per_working_day(target, mtd, days)
    assert str(got.dtype) == "Int64" and got.index.equals(target.index)
    if days == 0:  # no working day left: blank, as the headline's None
        assert got.isna().all() and all(landing.units_per_working_day(t, m, 0) is None for t, m in pairs)
    else:  # the whole units that reach the target: ⌈gap / days⌉, never below 0
        expected = [-(-max(t - m, 0) // days) for t, m in pairs]
        assert got.tolist() == expected == [landing.units_per_working_day(t, m, days) for t, m in pairs]
        for units, (t, m) in zip(expected, pairs, strict=True):  # the fewest whole units a day that reach the gap
            gap = max(t - m, 0)
            assert (units - 1) * days < gap <= units * days if gap else units == 0
