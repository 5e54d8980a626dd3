"""The landing forecast and its backtest (docs/method.md §2.3 "Landing forecast")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frames import lead_history as history
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.core.errors import ParamsError
from kaplan.core.params import Landing, Params, params_from_mapping
from kaplan.plan import landing
from kaplan.plan.targets import MonthTargets

AS_OF = pd.Timestamp("2026-03-20")  # March 2026: 22 working days, 15 through the 20th, 7 left
ORG = pd.DataFrame(
    {"dealer_id": ["D1", "D2", "D3"], "dealer_name": ["甲", "乙", "丙"], "province": ["河北", "河北", "广东"],
     "region": ["华北大区", "华北大区", "华南大区"]}
)  # fmt: skip
PARAMS = Landing()


def sales(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Sales facts from (date, dealer, line, units)."""
    frame = pd.DataFrame(rows, columns=["date", "dealer_id", "line", "units"])
    return frame.assign(date=pd.to_datetime(frame["date"]).astype("datetime64[ns]"))


def leads(rows: list[tuple[str, str, int, str, float]], **columns: object) -> pd.DataFrame:
    """Open leads from (dealer, line, units, expected close, probability)."""
    frame = pd.DataFrame(rows, columns=["dealer_id", "line", "units", "expected_close", "probability"])
    return frame.assign(expected_close=pd.to_datetime(frame["expected_close"]).astype("datetime64[ns]"), **columns)


def targets(dealer_targets: dict[tuple[str, str], int]) -> MonthTargets:
    rows = [(d, line, t) for (d, line), t in dealer_targets.items()]
    dealer = pd.DataFrame(rows, columns=["dealer_id", "line", "target"]).merge(ORG, on="dealer_id")
    province = dealer.groupby(["region", "province", "line"], as_index=False)["target"].sum()
    region = dealer.groupby(["region", "line"], as_index=False)["target"].sum()
    empty = pd.DataFrame()
    return MonthTargets("2026-03", empty, province, dealer, region, empty)


EXAMPLE_SALES = sales([("2026-03-02", "D1", "work", 8), ("2026-03-05", "D1", "work", 12),  # a tender
                       ("2026-03-11", "D1", "work", 9), ("2026-03-19", "D1", "work", 9),
                       ("2026-03-20", "D1", "work", 4),
                       ("2025-12-08", "D1", "work", 14), ("2026-01-20", "D1", "work", 10)])  # fmt: skip
EXAMPLE_OPEN = leads([("D1", "work", 10, "2026-03-26", 0.85), ("D1", "work", 20, "2026-03-18", 0.85)])


def example(sold: pd.DataFrame = EXAMPLE_SALES) -> dict[str, pd.DataFrame]:
    return landing.landing_by_level(sold, EXAMPLE_OPEN, history(), targets({("D1", "work"): 60}), ORG, AS_OF, PARAMS)


def test_march_2026_has_the_example_calendar() -> None:
    assert landing.working_days_left(AS_OF) == (15, 7)


def test_hand_worked_dealer_with_a_tender_and_an_overdue_lead() -> None:
    got = example()["dealer"].set_index(["dealer_id", "line"]).loc[("D1", "work")]
    # mtd 42 (ordinary 30 + a 12-unit tender); run-rate 30 / 15 x 7 = 14 plus the 24 unannounced lumpy
    # units of December-February (60 working days) x 7 = 2.8; pipeline 10 x 0.85 (the lead expected on
    # 18 March is overdue and left out): rest 25.3 -> 25, landing 67
    assert got["mtd"] == 42
    assert got["run_rate_rest"] == pytest.approx(16.8)
    assert got["pipeline_rest"] == pytest.approx(8.5)
    assert (got["landing"], got["target"], got["landing_gap"]) == (67, 60, 7)
    assert got["needed_per_day"] == 3  # ⌈18 / 7⌉ = ⌈2.57⌉ whole units a working day
    assert got["mtd"] <= got["landing_low"] <= got["landing"] <= got["landing_high"]


def test_hand_worked_without_the_tender_and_the_history() -> None:
    ordinary = EXAMPLE_SALES[EXAMPLE_SALES["date"] >= "2026-03-01"]
    ordinary = ordinary[ordinary["units"] < 10]
    got = example(ordinary)["dealer"].set_index(["dealer_id", "line"]).loc[("D1", "work")]
    # 30 / 15 x 7 = 14, + 8.5 = 22.5, half up -> 23: landing 30 + 23 = 53
    assert (got["mtd"], got["landing"]) == (30, 53)
    assert got["run_rate_rest"] == pytest.approx(14.0)


def test_every_level_sums_its_dealers_and_targets_are_issued_ones() -> None:
    tables = example()
    assert set(tables) == {"region", "province", "dealer"}
    assert list(tables["region"].columns) == ["region", "line", *landing.LANDING_COLUMNS]
    region = tables["region"].set_index(["region", "line"])
    assert region.loc[("华北大区", "work"), ["target", "mtd", "landing"]].tolist() == [60, 42, 67]
    assert region.loc[("华南大区", "work"), ["target", "mtd", "landing"]].tolist() == [0, 0, 0]
    for level in ("region", "province"):
        assert tables[level]["landing"].sum() == tables["dealer"]["landing"].sum()


@pytest.mark.parametrize(("units", "lumpy"), [(9, False), (10, True)])
def test_an_order_of_lumpy_units_is_not_extrapolated(units: int, lumpy: bool) -> None:
    sold = sales([("2026-03-10", "D1", "work", units)])
    got = landing.landing_by_level(sold, leads([]), history(), targets({}), ORG, AS_OF, PARAMS)["dealer"]
    rest = got.set_index(["dealer_id", "line"]).loc[("D1", "work"), "run_rate_rest"]
    assert rest == pytest.approx(0.0 if lumpy else units / 15 * 7)


@pytest.mark.parametrize(
    ("units", "close", "counted"),
    [(10, "2026-03-20", True), (10, "2026-03-31", True), (10, "2026-04-01", False), (10, "2026-03-19", False),
     (9, "2026-03-25", False)],
)  # fmt: skip
def test_pipeline_window_is_as_of_through_month_end_lumpy_only(units: int, close: str, counted: bool) -> None:
    cells = landing.landing_cells(ORG)
    got = landing.pipeline_rest(leads([("D2", "command", units, close, 0.5)]), cells, AS_OF, 10)
    assert got.sum() == pytest.approx(units * 0.5 if counted else 0.0)


def test_no_run_rate_before_the_first_working_day() -> None:
    holiday = pd.Timestamp("2026-10-01")  # National Day: no working day elapsed yet
    assert landing.working_days_left(holiday)[0] == 0
    np.testing.assert_array_equal(landing.run_rate_rest(np.array([5.0]), holiday), [0.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), min_size=9, max_size=9))
def test_whole_rest_adds_up_at_every_level(rest: list[float]) -> None:
    cells = landing.landing_cells(ORG)
    got = landing.whole_rest(np.array(rest), cells)
    frame = cells.frame.assign(rest=rest, whole=got)
    assert (got >= 0).all()
    for _, group in frame.groupby(["region", "line"]):
        assert group["whole"].sum() == np.floor(group["rest"].sum() + 0.5 + 1e-9)
    # no dealer moves more than one unit away from its own rest plus its share of the rounding
    assert (np.abs(got - np.array(rest)) < 2).all()


def test_past_pipeline_uses_what_was_known_that_day() -> None:
    leads_then = history([
        ("D1", "work", 20, "won", "2026-02-01", "2026-03-25", "2026-03-27"),  # open on the 20th, closes later
        ("D1", "work", 10, "lost", "2026-01-10", "2026-03-05", "2026-03-28"),  # closed before the 20th
        ("D1", "work", 30, "won", "2026-01-02", "2026-02-10", "2026-02-12"),  # closed before: a win
        ("D1", "work", 12, "commit", "2026-03-21", "2026-03-21", "2026-03-29"),  # reported after the 20th
        ("D1", "work", 15, "commit", "2026-03-01", "2026-03-01", "2026-04-03"),  # expected next month
    ])  # fmt: skip
    data = landing.known(sales([]), leads_then, landing.landing_cells(ORG))
    got = landing.past_pipeline_rest(data, AS_OF, 10)
    # win rate of the lumpy leads closed by the 20th: 1 won of 2 -> 20 x 0.5
    assert got.sum() == pytest.approx(10.0)


def test_past_days_clip_to_the_month_end() -> None:
    days = landing.past_days("2026-04", 31, months=3)
    assert [d.date().isoformat() for d in days] == ["2026-01-31", "2026-02-28", "2026-03-31"]


def test_errors_worked_example() -> None:
    rows = pd.DataFrame({"actual": [10, 20, 0], "landing": [12, 20, 5], "run_rate": [5.0, 30.0, 1.0],
                         "target": [10, 10, 0]})  # fmt: skip
    got = landing.errors(rows).set_index("method")
    # rows with a positive actual only: landing |2|/10, 0 -> MAPE 0.1, WAPE 2/30
    assert got.loc["landing", ["rows", "mape"]].tolist() == [2, pytest.approx(0.1)]
    assert got.loc["landing", "wape"] == pytest.approx(2 / 30)
    assert got.loc["run_rate", "mape"] == pytest.approx((0.5 + 0.5) / 2)
    assert got.loc["target", "wape"] == pytest.approx(10 / 30)


def test_backtest_table_and_summary() -> None:
    sold = sales([(f"2025-{m:02d}-{d:02d}", "D1", "work", 3) for m in range(3, 13) for d in (5, 15, 25)]
                 + [(f"2026-{m:02d}-{d:02d}", "D1", "work", 3) for m in (1, 2) for d in (5, 15, 25)])  # fmt: skip
    months = [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]
    issued = {m: targets({("D1", "work"): 9}) for m in months}
    table = landing.backtest(sold, history(), issued, ORG, "2026-03", PARAMS)
    assert len(table) == 12 * 2 * 3 * 3
    assert list(table.columns) == ["month", "day", "unit_level", "method", "rows", "mape", "wape"]
    assert (table["rows"] == 1).all()  # one unit x line sold each month
    target = table[table["method"] == "target"]
    assert (target["mape"] == 0).all()  # 9 issued, 9 sold
    summary = landing.backtest_summary(table)
    assert summary[["unit_level", "day"]].values.tolist() == [
        ["region", 10], ["region", 20], ["province", 10], ["province", 20], ["dealer", 10], ["dealer", 20]
    ]
    np.testing.assert_allclose(summary["vs_run_rate"], summary["landing_mape"] / summary["run_rate_mape"] - 1)


def test_uncovered_threshold_is_strict() -> None:
    table = pd.DataFrame({"region": "华北大区", "province": ["河北", "山西", "广东", "湖南"], "line": "work",
                          "target": [100, 100, 100, 10], "mtd": [60, 60, 60, 20],
                          "run_rate_rest": [8.4, 10.0, 30.0, 0.0], "pipeline_rest": [2.5, 2.0, 0.0, 0.0],
                          "landing": [71, 72, 90, 20]})  # fmt: skip
    got = landing.uncovered(table, 0.3)
    # 河北 10.9 / 40 = 0.2725 listed; 山西 12 / 40 = 0.3 exactly: not listed; 广东 0.75; 湖南 no gap
    assert got["province"].tolist() == ["河北"]
    assert got.loc[0, "gap"] == 40 and got.loc[0, "rest_coverage"] == pytest.approx(10.9 / 40)


def test_landing_columns_on_a_board() -> None:
    board = pd.DataFrame({"month_plan": [60, 0], "mtd": [42, 5], "landing": [67, 5]})
    got = landing.landing_columns(board, AS_OF)
    assert got["landing_gap"].tolist() == [7, 5]
    assert got["needed_per_day"].tolist() == [3, 0]  # ⌈18 / 7⌉; none needed once the target is met


def test_landing_params_are_checked() -> None:
    assert Params().landing == Landing(lumpy_units=10, base_months=3, range=(0.1, 0.9))
    with pytest.raises(ParamsError, match="low quantile"):
        params_from_mapping({"landing": {"range": [0.9, 0.1]}})
    with pytest.raises(ParamsError, match="lumpy_units"):
        params_from_mapping({"landing": {"lumpy_units": 0}})
