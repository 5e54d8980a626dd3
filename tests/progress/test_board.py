"""Progress board (docs/method.md §2.3): hand-computed examples on a tiny fixture, edges and properties."""

from __future__ import annotations

import json
import math
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kaplan.core.errors import KaplanError
from kaplan.core.facts import sales_facts
from kaplan.core.months import default_as_of
from kaplan.core.params import Params, params_from_mapping
from kaplan.core.style import STATUS_COLORS
from kaplan.core.tables import Tables
from kaplan.plan.targets import month_targets
from kaplan.progress import board as progress
from kaplan.progress import figures
from kaplan.report.excel import write_workbook

PARAMS = Params()

# 2 regions, 3 provinces, 4 dealers
ORG = pd.DataFrame(
    {
        "dealer_id": ["D1", "D2", "D3", "D4"],
        "dealer_name": ["甲", "乙", "丙", "丁"],
        "province": ["河北", "河北", "山西", "江苏"],
        "region": ["华北大区", "华北大区", "华北大区", "华东大区"],
    }
)
PRODUCTS = pd.DataFrame({"product_id": ["P1", "P2"], "product_name": ["a", "b"], "line": ["command", "work"]})
# board of 2026-06 as of 2026-06-15; the comment says which column each sale counts in
SALES = [
    ("s11", "2024-06-10", "D1", "P1", 8),  # two years back: nowhere
    ("s1", "2025-03-10", "D1", "P1", 4),  # last year same period
    ("s2", "2025-06-15", "D3", "P2", 2),  # last year same period (its last day)
    ("s3", "2025-06-16", "D1", "P1", 5),  # last year, after the same day: nowhere
    ("s4", "2025-12-20", "D4", "P1", 7),  # nowhere
    ("s5", "2026-01-05", "D1", "P1", 3),  # sales to previous month
    ("s12", "2026-02-10", "D3", "P2", 4),  # sales to previous month
    ("s6", "2026-05-31", "D2", "P1", 6),  # sales to previous month (its last day)
    ("s7", "2026-06-01", "D1", "P1", 2),  # mtd
    ("s8", "2026-06-15", "D2", "P1", 1),  # mtd and day
    ("s9", "2026-06-15", "D4", "P2", 5),  # mtd and day
    ("s10", "2026-06-16", "D3", "P2", 9),  # after as_of: nowhere
]
ANNUAL = pd.DataFrame(
    {
        "year": [2026, 2026, 2026, 2026, 2026, 2025],
        "dealer_id": ["D1", "D2", "D3", "D4", "D4", "D1"],
        "line": ["command", "command", "work", "command", "work", "command"],
        "units": [20, 10, 12, 0, 30, 99],
    }
)
REGION_TARGETS = pd.DataFrame(
    {"region": ["华北大区", "华北大区", "华东大区"], "line": ["command", "work", "work"], "target": [8, 2, 10]}
)
PROVINCE_TARGETS = pd.DataFrame(
    {
        "region": ["华北大区", "华北大区", "华东大区"],
        "province": ["河北", "山西", "江苏"],
        "line": ["command", "work", "work"],
        "target": [8, 2, 10],
    }
)
DAY_PROGRESS = 15 / 30
YEAR_PROGRESS = (31 + 28 + 31 + 30 + 31 + 15) / 365  # day 166 of 2026
COUNTS = ["annual_plan", "sales_to_prev_month", "last_year_same_period", "month_plan", "day_sales", "mtd"]
NAN = float("nan")


def make_facts(rows: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    sales = pd.DataFrame(rows, columns=["order_id", "date", "dealer_id", "product_id", "units"]).assign(
        customer_id="C1"
    )
    return sales_facts(Tables.from_frames(org=ORG, products=PRODUCTS, sales=sales))


FACTS = make_facts(SALES)


def region_board(**kwargs: object) -> pd.DataFrame:
    args = {"month": "2026-06", "as_of": "2026-06-15", "params": PARAMS, "org": ORG} | kwargs
    return progress.board(FACTS, ANNUAL, REGION_TARGETS, **args)  # type: ignore[arg-type]


def province_totals() -> pd.DataFrame:
    return progress.board_with_totals(
        FACTS, ANNUAL, PROVINCE_TARGETS, "2026-06", "2026-06-15", "province", params=PARAMS, org=ORG
    )


# --- worked examples -----------------------------------------------------------------------------


def test_region_board_every_column_by_hand() -> None:
    # 华北 command: plan 20+10; to May 3+6; last year 4 (s1); June 2+1, day 1 (s8); target 8
    #   annual progress (9+3)/30 = 0.4, growth 12/4-1 = 2, month 3/8 = 0.375, gap -0.125: behind
    # 华北 work: plan 12; to May 4; last year 2 (s2, its last day); June 0; target 2: 0/2 behind
    # 华东 command: nothing (s4 is after the same day last year), no plan: blanks
    # 华东 work: plan 30; June 5, day 5; last year 0 -> growth blank; 5/10 = 0.5, gap 0: on track
    # conversion: no sales and no plan anywhere
    expected = pd.DataFrame(
        {
            "region": ["华北大区"] * 3 + ["华东大区"] * 3,
            "line": ["command", "work", "conversion"] * 2,
            "annual_plan": [30, 12, 0, 0, 30, 0],
            "sales_to_prev_month": [9, 4, 0, 0, 0, 0],
            "annual_progress": [0.4, 4 / 12, NAN, NAN, 5 / 30, NAN],
            "last_year_same_period": [4, 2, 0, 0, 0, 0],
            "yoy_growth": [2.0, 1.0, NAN, NAN, NAN, NAN],
            "month_plan": [8, 2, 0, 0, 10, 0],
            "day_sales": [1, 0, 0, 0, 5, 0],
            "mtd": [3, 0, 0, 0, 5, 0],
            "month_progress": [0.375, 0.0, NAN, NAN, 0.5, NAN],
            "time_progress": [DAY_PROGRESS] * 6,
            "annual_time_progress": [YEAR_PROGRESS] * 6,
            "status": pd.Series(["behind", "behind", None, None, "on_track", None], dtype="str"),
        }
    )
    expected["region"] = expected["region"].astype("str")
    expected["line"] = expected["line"].astype("str")
    pd.testing.assert_frame_equal(region_board(), expected)


def test_board_dtypes_integer_counts_float_ratios() -> None:
    frame = region_board()
    assert all(frame[c].dtype == "int64" for c in COUNTS)
    assert all(frame[c].dtype == "float64" for c in ("annual_progress", "yoy_growth", "month_progress"))
    assert list(frame.columns) == ["region", "line", *progress.MEASURE_COLUMNS]


def test_province_board_with_totals_by_hand() -> None:
    frame = province_totals()
    assert frame["row_kind"].tolist() == ["unit"] * 6 + ["region_total"] * 3 + ["unit"] * 3 + [
        "region_total"
    ] * 3 + ["national_total"] * 4
    assert frame["province"].iloc[:6].tolist() == ["河北"] * 3 + ["山西"] * 3
    assert frame["province"].iloc[6:9].isna().all() and frame["region"].iloc[6:9].eq("华北大区").all()
    national = frame[frame["row_kind"] == "national_total"].set_index("line")
    assert national["region"].isna().all()
    # national work: plans 12+30, to May 4, last year 2, target 2+10, June 0+5, day 5
    work = national.loc["work"]
    assert [work[c] for c in COUNTS] == [42, 4, 2, 12, 5, 5]
    assert work["annual_progress"] == pytest.approx(9 / 42)
    assert work["yoy_growth"] == pytest.approx(9 / 2 - 1)
    # recomputed from the sums: 5/12, not the mean of 0/2 and 5/10 (0.25)
    assert work["month_progress"] == pytest.approx(5 / 12)
    assert work["status"] == "behind"
    # all lines: plans 30+42, to May 13, last year 6, target 20, June 8, day 6
    grand = national.loc["all_lines"]
    assert [grand[c] for c in COUNTS] == [72, 13, 6, 20, 6, 8]
    assert grand["annual_progress"] == pytest.approx(21 / 72)
    assert grand["yoy_growth"] == pytest.approx(21 / 6 - 1)
    assert grand["month_progress"] == pytest.approx(0.4)
    assert grand["status"] == "behind"
    # the 华东 total of work is its one province: 5/10 on track
    east = frame[(frame["row_kind"] == "region_total") & (frame["region"] == "华东大区")].set_index("line")
    assert east.loc["work", "status"] == "on_track"
    assert pd.isna(east.loc["command", "status"])


def test_region_totals_of_province_board_equal_region_board() -> None:
    totals = province_totals()
    regional = totals[totals["row_kind"] == "region_total"].drop(columns=["province", "row_kind"])
    pd.testing.assert_frame_equal(regional.reset_index(drop=True), region_board())


def test_region_board_totals_are_national_only() -> None:
    frame = progress.with_totals(region_board(), PARAMS)
    assert frame["row_kind"].tolist() == ["unit"] * 6 + ["national_total"] * 4
    assert frame["line"].tolist()[-4:] == ["command", "work", "conversion", "all_lines"]


def test_dealer_board_units_and_dealer_targets() -> None:
    targets = pd.DataFrame(
        {
            "region": ["华北大区", "华北大区"],
            "province": ["河北", "河北"],
            "dealer_id": ["D1", "D2"],
            "dealer_name": ["甲", "乙"],
            "line": ["command", "command"],
            "target": [5, 3],
        }
    )
    frame = progress.board(FACTS, ANNUAL, targets, "2026-06", "2026-06-15", "dealer", params=PARAMS, org=ORG)
    assert list(frame.columns[:5]) == ["region", "province", "dealer_id", "dealer_name", "line"]
    assert len(frame) == 4 * 3
    d1 = frame[(frame["dealer_id"] == "D1") & (frame["line"] == "command")].iloc[0]
    # D1 command: plan 20, to May 3 (s5), last year 4 (s1), June 2 (s7), target 5: 2/5 = 0.4, gap -0.1
    assert [d1[c] for c in COUNTS] == [20, 3, 4, 5, 0, 2]
    assert d1["month_progress"] == pytest.approx(0.4)
    assert d1["status"] == "behind"
    d2 = frame[(frame["dealer_id"] == "D2") & (frame["line"] == "command")].iloc[0]
    # D2 command: 1/3, gap 1/3 - 1/2 < -0.05
    assert (d2["mtd"], d2["day_sales"], d2["month_plan"]) == (1, 1, 3)


def test_zero_plan_gives_blank_and_a_note() -> None:
    frame = region_board()
    no_plan = frame["month_plan"] == 0
    assert frame.loc[no_plan, "month_progress"].isna().all()
    assert frame.loc[no_plan, "status"].isna().all()
    assert not np.isinf(frame.select_dtypes("float").to_numpy()).any()
    notes = progress.board_notes(frame, "en")
    assert notes == [
        "Annual progress (Annual plan = 0, 3 rows): denominator is 0: left blank",
        "Growth vs last year (Same period last year = 0, 4 rows): denominator is 0: left blank",
        "Month progress, Status (Month plan = 0, 3 rows): denominator is 0: left blank",
    ]
    assert progress.board_notes(frame, "zh")[2] == "月度进度, 状态 (月度计划 = 0, 3 行): 分母为0，留空"


def test_no_blank_no_note() -> None:
    frame = region_board()
    full = frame[frame["month_plan"] > 0].dropna(subset=["yoy_growth"])
    assert len(full) == 2
    assert progress.board_notes(full) == []


def test_missing_month_targets_mean_zero_plan() -> None:
    frame = progress.board(FACTS, ANNUAL, None, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    assert (frame["month_plan"] == 0).all()
    assert frame["status"].isna().all()


def test_a_line_outside_the_schema_gets_its_own_rows() -> None:
    targets = pd.concat(
        [REGION_TARGETS, pd.DataFrame({"region": ["华东大区"], "line": ["model_x"], "target": [4]})], ignore_index=True
    )
    frame = progress.board(FACTS, ANNUAL, targets, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    assert frame["line"].tolist()[:4] == ["command", "work", "conversion", "model_x"]
    east = frame[(frame["region"] == "华东大区") & (frame["line"] == "model_x")].iloc[0]
    assert (east["month_plan"], east["mtd"], east["month_progress"], east["status"]) == (4, 0, 0.0, "behind")


def test_sales_of_a_dealer_not_in_org_are_left_out_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    stray = pd.concat([FACTS, FACTS.iloc[[-1]].assign(dealer_id="D9", date=pd.Timestamp("2026-06-02"))])
    with caplog.at_level("WARNING", logger="kaplan.progress.board"):
        frame = progress.board(stray, ANNUAL, REGION_TARGETS, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    pd.testing.assert_frame_equal(frame, region_board())
    assert "1 sales row(s) have a dealer not in org" in caplog.text


# --- dates ---------------------------------------------------------------------------------------


def test_feb_29_as_of_compares_with_feb_28_last_year() -> None:
    facts = make_facts(
        [
            ("a", "2027-02-28", "D1", "P1", 3),  # last year same period (Feb 28 stands in for Feb 29)
            ("b", "2027-03-01", "D1", "P1", 50),  # after it
            ("c", "2028-01-31", "D1", "P1", 2),  # sales to previous month
            ("d", "2028-02-29", "D1", "P1", 4),  # mtd and day
        ]
    )
    assert progress.same_day_last_year(pd.Timestamp("2028-02-29")) == pd.Timestamp("2027-02-28")
    assert default_as_of(facts["date"], "2028-02") == pd.Timestamp("2028-02-29")
    frame = progress.board(facts, ANNUAL, None, "2028-02", None, params=PARAMS, org=ORG)
    row = frame[(frame["region"] == "华北大区") & (frame["line"] == "command")].iloc[0]
    assert (row["last_year_same_period"], row["sales_to_prev_month"], row["mtd"], row["day_sales"]) == (3, 2, 4, 4)
    assert row["yoy_growth"] == pytest.approx(6 / 3 - 1)
    assert row["time_progress"] == 1.0  # day 29 of 29
    assert row["annual_time_progress"] == pytest.approx(60 / 366)


def test_time_progress_in_a_common_and_a_leap_year() -> None:
    assert progress.time_progress(pd.Timestamp("2026-02-14")) == 0.5
    assert progress.annual_time_progress(pd.Timestamp("2026-12-31")) == 1.0
    assert progress.annual_time_progress(pd.Timestamp("2028-12-31")) == 1.0
    assert progress.annual_time_progress(pd.Timestamp("2028-03-01")) == 61 / 366


def test_default_as_of() -> None:
    assert default_as_of(FACTS["date"], "2026-06") == pd.Timestamp("2026-06-16")  # s10
    assert default_as_of(FACTS["date"], "2026-04") == pd.Timestamp("2026-04-30")  # no sales, later ones
    assert default_as_of(FACTS["date"], "2026-09") == pd.Timestamp("2026-09-01")  # no sales yet
    with pytest.raises(KaplanError, match="no sales in or before month 2020-01"):
        default_as_of(FACTS.iloc[0:0]["date"], "2020-01")


@pytest.mark.parametrize("month", ["2026-6", "2026-13", "June", "2026-06-01"])
def test_bad_month_is_refused(month: str) -> None:
    with pytest.raises(KaplanError, match="YYYY-MM"):
        region_board(month=month)


def test_as_of_outside_the_month_is_refused() -> None:
    with pytest.raises(KaplanError, match="not in month 2026-06"):
        region_board(as_of="2026-07-01")
    with pytest.raises(KaplanError, match="not a date"):
        region_board(as_of="someday")


# --- status --------------------------------------------------------------------------------------


def test_status_at_its_edges() -> None:
    # time progress 0.5 (day 15 of 30); thresholds +-0.05; both edges are on track
    month_progress = pd.Series([11 / 20, 0.5500001, 9 / 20, 0.4499999, 0.5, NAN])
    got = progress.status_codes(month_progress, pd.Series([0.5] * 6), PARAMS.status)
    assert got.tolist()[:5] == ["on_track", "ahead", "on_track", "behind", "on_track"]
    assert pd.isna(got.iloc[5])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(1, 400)), min_size=1, max_size=20),
    st.integers(min_value=1, max_value=31),
    st.sampled_from([(0.05, -0.05), (0.1, 0.0), (0.0, 0.0), (0.25, -0.1)]),
)
def test_status_matches_the_exact_rule(pairs: list[tuple[int, int]], day: int, edges: tuple[float, float]) -> None:
    # exact rational arithmetic: ahead iff mtd/plan - day/31 > ahead, behind iff < behind
    thresholds = params_from_mapping({"status": {"ahead": edges[0], "behind": edges[1]}}).status
    month_progress = pd.Series([mtd / plan for mtd, plan in pairs])
    got = progress.status_codes(month_progress, pd.Series([day / 31] * len(pairs)), thresholds).tolist()
    for (mtd, plan), status in zip(pairs, got, strict=True):
        gap = Fraction(mtd, plan) - Fraction(day, 31)
        ahead, behind = Fraction(str(edges[0])), Fraction(str(edges[1]))
        assert status == ("ahead" if gap > ahead else "behind" if gap < behind else "on_track")


def test_status_follows_params() -> None:
    wide = params_from_mapping({"status": {"ahead": 0.2, "behind": -0.2}})
    frame = region_board(params=wide)
    # 华北 command: gap -0.125 is within +-0.2 now
    assert frame["status"].iloc[0] == "on_track"
    assert frame["status"].iloc[1] == "behind"  # gap -0.5


# --- errors --------------------------------------------------------------------------------------


def test_unknown_level_is_refused() -> None:
    with pytest.raises(KaplanError, match="unknown board level 'city'"):
        region_board(level="city")


def test_duplicate_month_targets_are_refused() -> None:
    targets = pd.concat([REGION_TARGETS, REGION_TARGETS.iloc[:1]], ignore_index=True)
    with pytest.raises(KaplanError, match="duplicate region x line"):
        progress.board(FACTS, ANNUAL, targets, "2026-06", "2026-06-15", params=PARAMS, org=ORG)


def test_fractional_month_targets_are_refused() -> None:
    targets = REGION_TARGETS.assign(target=[8.5, 2, 10])
    with pytest.raises(KaplanError, match="whole vehicle units"):
        progress.board(FACTS, ANNUAL, targets, "2026-06", "2026-06-15", params=PARAMS, org=ORG)


def test_month_targets_without_key_columns_are_refused() -> None:
    with pytest.raises(KaplanError, match="lack column"):
        progress.board(FACTS, ANNUAL, REGION_TARGETS, "2026-06", "2026-06-15", "province", params=PARAMS, org=ORG)


def test_totals_twice_are_refused() -> None:
    with pytest.raises(KaplanError, match="already has total rows"):
        progress.with_totals(province_totals(), PARAMS)


def test_inputs_are_not_changed() -> None:
    facts, annual, targets, org = FACTS.copy(), ANNUAL.copy(), PROVINCE_TARGETS.copy(), ORG.copy()
    frame = progress.board(FACTS, ANNUAL, PROVINCE_TARGETS, "2026-06", "2026-06-15", "province",
                           params=PARAMS, org=ORG)
    before = frame.copy()
    progress.with_totals(frame, PARAMS)
    for got, want in ((FACTS, facts), (ANNUAL, annual), (PROVINCE_TARGETS, targets), (ORG, org), (frame, before)):
        pd.testing.assert_frame_equal(got, want)


# --- sheet and figures ---------------------------------------------------------------------------


def test_progress_sheet_reads_total_and_national() -> None:
    sheet = progress.progress_sheets(province_totals(), "zh")["board_province"]
    assert "row_kind" not in sheet.columns
    assert sheet.loc[6, ["region", "province"]].tolist() == ["华北大区", "合计"]
    assert sheet.loc[len(sheet) - 1, ["region", "province", "line"]].tolist() == ["全国", "合计", "all_lines"]
    region_sheet = progress.progress_sheets(progress.with_totals(region_board(), PARAMS), "en")["board"]
    assert region_sheet["region"].tolist()[-4:] == ["National"] * 4
    with pytest.raises(KaplanError, match="board_with_totals"):
        progress.progress_sheets(region_board())
    both = progress.progress_sheets([progress.with_totals(region_board(), PARAMS), province_totals()], "zh")
    assert list(both) == ["board", "board_province"]


def test_total_labels_keep_row_kind_for_styling() -> None:
    frame = progress.with_total_labels(province_totals(), "en")
    assert frame["row_kind"].tolist() == province_totals()["row_kind"].tolist()
    assert frame.loc[13, ["region", "province", "line"]].tolist() == ["华东大区", "Total", "work"]
    assert frame.loc[15, ["region", "province"]].tolist() == ["National", "Total"]
    assert frame.loc[0, ["region", "province"]].tolist() == ["华北大区", "河北"]


def test_progress_sheet_writes_to_excel(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "progress.xlsx", progress.progress_sheets(province_totals(), "zh"), "zh")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("大区", "省区", "产品", "年度计划")
    assert rows[-1][:4] == ("全国", "合计", "全部产品", 72)


def test_status_colors_cover_every_status() -> None:
    colors = STATUS_COLORS
    assert set(colors) == set(progress.STATUSES)
    assert len(set(colors.values())) == 3


def _hostile_board() -> pd.DataFrame:
    org = ORG.assign(region=ORG["region"].replace("华东大区", "<b>东</b>"))
    return progress.board(FACTS, ANNUAL, None, "2026-06", "2026-06-15", params=PARAMS, org=org)


def test_yoy_figure_numbers_and_escaping() -> None:
    fig = figures.yoy_figure(province_totals(), "en")
    this_year, last_year = fig.data
    assert list(this_year.x) == ["华北大区", "华东大区"]
    assert list(this_year.y) == [13 + 3, 5]  # to May + June, all lines
    assert list(last_year.y) == [6, 0]
    assert list(this_year.text) == ["+166.7%", ""]  # 16/6 - 1; no sales last year: blank
    assert fig.layout.title.text == "This year to date vs same period last year"
    text = json.dumps(figures.yoy_figure(_hostile_board()).to_plotly_json(), ensure_ascii=False)
    assert "<b>" not in text and "&lt;b&gt;东&lt;/b&gt;" in text


def test_yoy_by_region_sums_all_lines() -> None:
    got = progress.yoy_by_region(province_totals())
    assert got["region"].tolist() == ["华北大区", "华东大区"]
    assert got["ytd"].tolist() == [16, 5] and got["last_year_same_period"].tolist() == [6, 0]
    assert got["yoy_growth"].iloc[0] == pytest.approx(16 / 6 - 1) and np.isnan(got["yoy_growth"].iloc[1])


def test_signed_percent() -> None:
    assert [figures.signed_percent(v) for v in (0.1234, -0.04, -0.0001, 0.0, NAN)] == [
        "+12.3%", "-4.0%", "+0.0%", "+0.0%", ""
    ]


def test_time_vs_completion_figure_colours_and_time_line() -> None:
    fig = figures.time_vs_completion_figure(region_board(), "en")
    bars = fig.data[0]
    assert [list(level) for level in bars.x] == [
        ["华北大区"] * 3 + ["华东大区"] * 3,
        ["Command vehicles", "Work vehicles", "Conversion-factory vehicles"] * 2,
    ]
    colors = STATUS_COLORS
    assert list(bars.marker.color)[:2] == [colors["behind"]] * 2
    assert list(bars.marker.color)[4] == colors["on_track"]
    assert list(bars.text) == ["38%", "0%", "", "", "50%", ""]  # no plan: no bar and no 0%
    assert [d.name for d in fig.data[1:]] == ["Ahead", "On track", "Behind", "Time progress 50%"]
    assert fig.layout.shapes[0].y0 == DAY_PROGRESS
    text = json.dumps(figures.time_vs_completion_figure(_hostile_board()).to_plotly_json(), ensure_ascii=False)
    assert "<b>" not in text


def test_figures_from_a_province_board_without_totals_sum_its_rows() -> None:
    frame = progress.board(FACTS, ANNUAL, PROVINCE_TARGETS, "2026-06", "2026-06-15", "province",
                           params=PARAMS, org=ORG)
    rows = progress.region_rows(frame, PARAMS)
    pd.testing.assert_frame_equal(rows, region_board())


# --- properties ----------------------------------------------------------------------------------

DEALERS = ORG["dealer_id"].tolist()
SaleRow = tuple[date, str, str, int]
sale_rows = st.lists(
    st.tuples(
        st.dates(min_value=pd.Timestamp("2024-11-01").date(), max_value=pd.Timestamp("2026-07-31").date()),
        st.sampled_from(DEALERS),
        st.sampled_from(["P1", "P2"]),
        st.integers(min_value=1, max_value=40),
    ),
    max_size=40,
)
target_values = st.lists(st.integers(min_value=0, max_value=30), min_size=12, max_size=12)


def _random_board(rows: list[SaleRow], targets: list[int], day: int, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    facts = make_facts([(f"o{i}", str(d), dealer, product, units) for i, (d, dealer, product, units) in
                        enumerate(rows)])
    dealer_targets = pd.DataFrame(
        {
            "dealer_id": np.repeat(DEALERS, 3),
            "line": ["command", "work", "conversion"] * 4,
            "target": targets,
        }
    ).merge(ORG, on="dealer_id")
    keys = {"region": ["region"], "province": ["region", "province"], "dealer": ["dealer_id"]}[level]
    month_targets = dealer_targets.groupby([*keys, "line"], as_index=False)["target"].sum()
    annual = dealer_targets.assign(year=2026, units=dealer_targets["target"] * 12)
    frame = progress.board_with_totals(facts, annual, month_targets, "2026-06", f"2026-06-{day:02d}", level,
                                       params=PARAMS, org=ORG)
    return facts, frame


@settings(max_examples=60, deadline=None)
@given(sale_rows, target_values, st.integers(min_value=1, max_value=30), st.sampled_from(progress.LEVELS))
def test_properties(rows: list[SaleRow], targets: list[int], day: int, level: str) -> None:
    facts, frame = _random_board(rows, targets, day, level)
    as_of = pd.Timestamp(f"2026-06-{day:02d}")
    units = frame[frame["row_kind"] == "unit"]
    # mtd is exactly the sales of June 1 .. as_of, never more than the sales through as_of
    june = facts[(facts["date"] >= "2026-06-01") & (facts["date"] <= as_of)]["units"].sum()
    assert units["mtd"].sum() == june
    assert units["mtd"].sum() <= facts[facts["date"] <= as_of]["units"].sum()
    assert (units["day_sales"] <= units["mtd"]).all()
    assert units["day_sales"].sum() == facts[facts["date"] == as_of]["units"].sum()
    # totals: sums of the unit rows, per line and over all lines
    national = frame[frame["row_kind"] == "national_total"].set_index("line")
    for column in COUNTS:
        assert national.loc["all_lines", column] == units[column].sum()
        by_line = units.groupby("line")[column].sum()
        assert (national.loc[by_line.index, column] == by_line).all()
    if level != "region":
        regional = frame[frame["row_kind"] == "region_total"].set_index(["region", "line"])[COUNTS]
        sums = units.groupby(["region", "line"])[COUNTS].sum()
        pd.testing.assert_frame_equal(regional.loc[sums.index], sums)
    # ratios: never inf, blank exactly where the denominator is 0, recomputed from the row's own sums
    floats = frame[["annual_progress", "yoy_growth", "month_progress"]].to_numpy()
    assert not np.isinf(floats).any()
    for column, (denominator, _) in progress.BLANKABLE.items():
        assert (frame[column].isna() == (frame[denominator] == 0)).all()
    with_plan = frame[frame["month_plan"] > 0]
    assert np.allclose(with_plan["month_progress"], with_plan["mtd"] / with_plan["month_plan"])
    assert frame["status"].isna().tolist() == (frame["month_plan"] == 0).tolist()
    assert set(frame["status"].dropna()) <= set(progress.STATUSES)
    assert math.isclose(frame["time_progress"].iloc[0], day / 30)


# --- on the small sample data set ----------------------------------------------------------------


def test_levels_agree_on_the_small_sample(small_tables: Tables) -> None:
    facts = sales_facts(small_tables)
    month = "2026-06"
    as_of = default_as_of(facts["date"], month)
    issued = month_targets(small_tables, month, PARAMS)
    boards = {
        level: progress.board_with_totals(facts, small_tables.annual_targets, getattr(issued, level), month, as_of,
                                          level, params=PARAMS, org=small_tables.org)
        for level in progress.LEVELS
    }
    region = boards["region"][boards["region"]["row_kind"] == "unit"].drop(columns="row_kind")
    for level in ("province", "dealer"):
        totals = boards[level][boards[level]["row_kind"] == "region_total"]
        got = totals[["region", *progress.MEASURE_COLUMNS]].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, region.reset_index(drop=True)[got.columns.tolist()])
    national = boards["dealer"].set_index(["row_kind", "line"]).loc[("national_total", "all_lines")]
    in_month = facts[(facts["date"] >= "2026-06-01") & (facts["date"] <= as_of)]
    assert national["mtd"] == in_month["units"].sum() > 0
    assert national["month_plan"] == issued.dealer["target"].sum()


def test_working_day_time_progress_as_of_15_june_2026() -> None:
    # June 2026: Dragon Boat Festival Friday 19 June off; working days 1-5, 8-12, 15-18, 22-26, 29, 30
    # = 21; through Monday 15 June: 11 -> 11/21. Year: Jan..May 21+16+22+21+19 = 99, +11 = 110 of 248.
    params = params_from_mapping({"time_progress": {"basis": "working_days"}})
    frame = region_board(params=params)
    assert frame["time_progress"].tolist() == [11 / 21] * 6
    assert frame["annual_time_progress"].tolist() == [110 / 248] * 6
    # 华北 command month progress 3/8 = 0.375 against 0.5238: gap -0.149 -> behind; 华东 work 0.5: on track
    assert frame["status"].tolist()[:2] == ["behind", "behind"] and frame["status"].tolist()[4] == "on_track"
    assert region_board()["time_progress"].tolist() == [DAY_PROGRESS] * 6  # calendar stays the default


def test_unit_columns_fill_units_and_sum_totals() -> None:
    board = province_totals()
    table = pd.DataFrame({"region": ["华北大区", "华北大区"], "province": ["河北", "山西"], "line": ["command", "work"],
                          "landing": [7, 5]})  # fmt: skip
    got = progress.with_unit_columns(board, table, ["landing"])
    units = got[got["row_kind"] == "unit"].set_index(["province", "line"])
    assert units.loc[("河北", "command"), "landing"] == 7 and units.loc[("山西", "work"), "landing"] == 5
    assert units["landing"].sum() == 12
    regional = got[got["row_kind"] == "region_total"].set_index(["region", "line"])["landing"]
    assert regional[("华北大区", "command")] == 7 and regional[("华北大区", "work")] == 5
    national = got[got["row_kind"] == "national_total"].set_index("line")["landing"]
    assert national["all_lines"] == 12 and national["work"] == 5
    assert got.drop(columns="landing").equals(board)
