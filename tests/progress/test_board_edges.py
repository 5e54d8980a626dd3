"""Progress board at its edges (docs/method.md §2.3): the notes of blank divisions, the added unit
columns of the landing, the windows' first and last days, the status at its thresholds, the totals'
order and the refusals, each with exact values worked by hand on the fixture of test_board."""

from __future__ import annotations

import pandas as pd
import pytest
from test_board import (
    ANNUAL,
    FACTS,
    ORG,
    PARAMS,
    PROVINCE_TARGETS,
    REGION_TARGETS,
    YEAR_PROGRESS,
    make_facts,
    province_totals,
    region_board,
)

from kaplan.core.errors import KaplanError
from kaplan.core.params import params_from_mapping
from kaplan.progress import board as progress

NAN = float("nan")
# thresholds +-0.2: 华北 command (gap 3/8 - 1/2 = -0.125) is on track here, behind by default
WIDE = params_from_mapping({"status": {"ahead": 0.2, "behind": -0.2}})


# --- sales windows -------------------------------------------------------------------------------

# one dealer (D1, 华北 command), units as powers of two so that each sum names its sales
EDGE_SALES = [
    ("a", "2024-12-31", "D1", "P1", 1),  # before Jan 1 of last year: nowhere
    ("b", "2025-01-01", "D1", "P1", 2),  # last year same period (its first day)
    ("c", "2025-06-15", "D1", "P1", 4),  # last year same period (its last day)
    ("d", "2025-06-16", "D1", "P1", 8),  # after the same day last year: nowhere
    ("e", "2025-12-31", "D1", "P1", 16),  # nowhere
    ("f", "2026-01-01", "D1", "P1", 32),  # sales to previous month (its first day)
    ("g", "2026-05-31", "D1", "P1", 64),  # sales to previous month (its last day)
    ("h", "2026-06-01", "D1", "P1", 128),  # mtd (its first day)
    ("i", "2026-06-14", "D1", "P1", 256),  # mtd, the day before as_of
    ("j", "2026-06-15", "D1", "P1", 512),  # mtd and day sales
    ("k", "2026-06-16", "D1", "P1", 1024),  # after as_of: nowhere
]


def test_each_window_from_its_first_to_its_last_day() -> None:
    frame = progress.board(make_facts(EDGE_SALES), ANNUAL, None, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    row = frame.iloc[0]
    assert (row["region"], row["line"]) == ("华北大区", "command")
    got = [row[c] for c in ("last_year_same_period", "sales_to_prev_month", "mtd", "day_sales")]
    assert got == [2 + 4, 32 + 64, 128 + 256 + 512, 512]
    assert frame.iloc[1:][["last_year_same_period", "sales_to_prev_month", "mtd", "day_sales"]].eq(0).all().all()


def test_sales_windows_masks() -> None:
    facts = make_facts(EDGE_SALES).sort_values("date", ignore_index=True)
    masks = progress.sales_windows(facts, pd.Timestamp("2026-06-15"))
    assert {name: [facts["order_id"][i] for i in mask.nonzero()[0]] for name, mask in masks.items()} == {
        "sales_to_prev_month": ["f", "g"],
        "mtd": ["h", "i", "j"],
        "day_sales": ["j"],
        "last_year_same_period": ["b", "c"],
    }


# --- notes ---------------------------------------------------------------------------------------


def test_notes_read_chinese_by_default() -> None:
    assert progress.board_notes(region_board()) == [
        "年度计划进度 (年度计划 = 0, 3 行): 分母为0，留空",
        "去年同期增长 (去年同期销量 = 0, 4 行): 分母为0，留空",
        "月度进度, 状态 (月度计划 = 0, 3 行): 分母为0，留空",
    ]


def test_notes_skip_a_column_without_blanks_and_go_on() -> None:
    # the three rows with an annual plan: no blank annual progress, one blank growth (华东 work)
    frame = region_board()
    planned = frame[frame["annual_plan"] > 0]
    assert progress.board_notes(planned, "en") == [
        "Growth vs last year (Same period last year = 0, 1 rows): denominator is 0: left blank"
    ]


def test_notes_of_a_frame_without_a_ratio_column() -> None:
    frame = region_board().drop(columns=["annual_progress", "yoy_growth"])
    assert progress.board_notes(frame, "en") == [
        "Month progress, Status (Month plan = 0, 3 rows): denominator is 0: left blank"
    ]


# --- unit columns --------------------------------------------------------------------------------


def test_unit_columns_are_whole_numbers() -> None:
    table = pd.DataFrame({"region": ["华北大区"], "province": ["河北"], "line": ["command"], "landing": [7]})
    got = progress.with_unit_columns(province_totals(), table, ["landing"])
    assert got["landing"].dtype == "int64"
    assert got["landing"].tolist() == [7, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 7]


# --- labels and sheets ---------------------------------------------------------------------------


def test_total_labels_read_chinese_by_default() -> None:
    frame = progress.with_total_labels(province_totals())
    assert frame.loc[6, ["region", "province"]].tolist() == ["华北大区", "合计"]
    assert frame.loc[15, ["region", "province", "line"]].tolist() == ["全国", "合计", "command"]


def test_total_labels_refuse_a_board_without_totals() -> None:
    with pytest.raises(KaplanError) as refused:
        progress.with_total_labels(region_board())
    assert str(refused.value) == "the total labels need a board with total rows: use board_with_totals"


def test_progress_sheet_reads_chinese_by_default() -> None:
    sheet = progress.progress_sheets(progress.with_totals(region_board(), PARAMS))["board"]
    assert sheet["region"].tolist() == ["华北大区"] * 3 + ["华东大区"] * 3 + ["全国"] * 4


def test_progress_sheet_refuses_a_board_without_totals() -> None:
    with pytest.raises(KaplanError) as refused:
        progress.progress_sheets([region_board()])
    assert str(refused.value) == "the progress sheet needs a board with total rows: use board_with_totals"


# --- region rows ---------------------------------------------------------------------------------


def _statuses(frame: pd.DataFrame) -> list[str]:
    """The status column with a blank as ""."""
    return frame["status"].fillna("").tolist()


def test_region_rows_of_a_region_board_are_its_rows_with_their_status() -> None:
    # the board's own status under +-0.2, not one recomputed under the default +-0.05
    frame = progress.with_totals(region_board(params=WIDE), WIDE)
    rows = progress.region_rows(frame)
    pd.testing.assert_frame_equal(rows, region_board(params=WIDE))
    assert _statuses(rows) == ["on_track", "behind", "", "", "on_track", ""]


def _province_board(params: object, totals: bool) -> pd.DataFrame:
    make = progress.board_with_totals if totals else progress.board
    return make(FACTS, ANNUAL, PROVINCE_TARGETS, "2026-06", "2026-06-15", "province", params=params, org=ORG)


def test_region_rows_of_a_province_board_are_its_region_totals() -> None:
    rows = progress.region_rows(_province_board(WIDE, totals=True))
    pd.testing.assert_frame_equal(rows, region_board(params=WIDE))
    assert _statuses(rows) == ["on_track", "behind", "", "", "on_track", ""]


def test_region_rows_recomputed_with_the_given_thresholds() -> None:
    frame = _province_board(WIDE, totals=False)
    assert _statuses(progress.region_rows(frame, WIDE)) == ["on_track", "behind", "", "", "on_track", ""]
    assert _statuses(progress.region_rows(frame)) == ["behind", "behind", "", "", "on_track", ""]


# --- totals --------------------------------------------------------------------------------------


def test_board_with_totals_is_a_region_board_by_default() -> None:
    got = progress.board_with_totals(FACTS, ANNUAL, REGION_TARGETS, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    pd.testing.assert_frame_equal(got, progress.with_totals(region_board(), PARAMS))
    assert list(got.columns[:2]) == ["region", "line"]


def test_totals_twice_are_refused_word_for_word() -> None:
    message = "this board already has total rows: add totals to a board without them"
    assert _refusal(progress.with_totals, province_totals(), PARAMS) == message


def test_total_rows_of_a_province_board_numbered_from_0() -> None:
    units = _province_board(PARAMS, totals=False).assign(row_kind="unit")
    totals = progress.total_rows(units, PARAMS.status)
    # 2 regions x 3 lines, 3 lines, all lines
    assert totals.index.tolist() == list(range(10))
    assert totals["row_kind"].tolist() == ["region_total"] * 6 + ["national_total"] * 4
    assert totals["line"].tolist() == ["command", "work", "conversion"] * 3 + ["all_lines"]
    assert totals["mtd"].tolist() == [3, 0, 0, 0, 5, 0, 3, 5, 0, 8]
    assert totals["mtd"].dtype == "int64"


# --- refusals and warnings -----------------------------------------------------------------------


def _refusal(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(KaplanError) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(refused.value)


def _region_board_of(targets: pd.DataFrame, facts: pd.DataFrame = FACTS, org: pd.DataFrame = ORG) -> pd.DataFrame:
    return progress.board(facts, ANNUAL, targets, "2026-06", "2026-06-15", params=PARAMS, org=org)


def test_unknown_level_names_the_levels() -> None:
    assert _refusal(region_board, level="city") == "unknown board level 'city': use one of region, province, dealer"
    assert [progress.checked_level(level) for level in ("region", "province", "dealer")] == list(progress.LEVELS)


def test_an_empty_org_is_refused() -> None:
    message = "org has no dealers: the progress board needs the organisation table"
    assert _refusal(region_board, org=ORG.iloc[0:0]) == message


def test_month_target_refusals_say_what_to_give() -> None:
    assert _refusal(progress.board, FACTS, ANNUAL, REGION_TARGETS, "2026-06", "2026-06-15", "province",
                    params=PARAMS, org=ORG) == (
        "month targets lack column(s) ['province']: a province board needs ['region', 'province', 'line', 'target']"
    )  # fmt: skip
    assert _refusal(_region_board_of, REGION_TARGETS.drop(columns="target")) == (
        "month targets lack column(s) ['target']: a region board needs ['region', 'line', 'target']"
    )
    twice = pd.concat([REGION_TARGETS, REGION_TARGETS.iloc[[1, 0]]], ignore_index=True)
    assert _refusal(_region_board_of, twice) == (
        "month targets have 2 duplicate region x line row(s), e.g. {'region': '华北大区', 'line': 'work'}: "
        "give one target per region and line"
    )


@pytest.mark.parametrize("bad", [-1, None, "x", 2.5])
def test_month_targets_must_be_whole_units_of_at_least_0(bad: object) -> None:
    targets = REGION_TARGETS.assign(target=pd.Series([8, bad, 10], dtype=object))
    message = "month targets must be whole vehicle units >= 0: check the target column"
    assert _refusal(_region_board_of, targets) == message


def test_month_targets_of_0_and_whole_floats_are_taken() -> None:
    frame = _region_board_of(REGION_TARGETS.assign(target=[8.0, 0.0, 10.0]))
    assert frame["month_plan"].tolist() == [8, 0, 0, 0, 10, 0]
    assert frame["month_plan"].dtype == "int64"
    assert frame["status"].fillna("").tolist() == ["behind", "", "", "", "on_track", ""]


def test_month_targets_off_the_board_are_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    elsewhere = pd.DataFrame({"region": ["华南大区", "西北大区"], "line": ["work", "work"], "target": [3, 4]})
    targets = pd.concat([REGION_TARGETS, elsewhere], ignore_index=True)
    with caplog.at_level("WARNING", logger="kaplan.progress.board"):
        frame = _region_board_of(targets)
    pd.testing.assert_frame_equal(frame, region_board())
    assert [r.getMessage() for r in caplog.records] == [
        "progress: 2 month target row(s) name a region or line not on the board; ignored"
    ]


def test_no_warning_when_every_sale_and_target_is_on_the_board(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="kaplan.progress.board"):
        region_board()
    assert caplog.records == []


def test_sales_off_the_board_are_counted_in_the_warning(caplog: pytest.LogCaptureFixture) -> None:
    stray = FACTS.iloc[[-2, -3]].assign(dealer_id="D9")
    with caplog.at_level("WARNING", logger="kaplan.progress.board"):
        frame = _region_board_of(REGION_TARGETS, facts=pd.concat([FACTS, stray], ignore_index=True))
    pd.testing.assert_frame_equal(frame, region_board())
    assert [r.getMessage() for r in caplog.records] == [
        "progress: 2 sales row(s) have a dealer not in org or no line; left out"
    ]


# --- ratios and status ---------------------------------------------------------------------------


def test_with_ratios_keeps_the_index_and_divides_by_1() -> None:
    # counts in any column order, on an index that is not 0..n-1, a row_kind marker kept last
    counts = pd.DataFrame(
        {
            "row_kind": ["unit", "unit"],
            "mtd": [1, 1],
            "region": ["X", "Y"],
            "line": ["command", "work"],
            "annual_plan": [1, 4],
            "sales_to_prev_month": [0, 1],
            "last_year_same_period": [1, 0],
            "month_plan": [1, 0],
            "day_sales": [0, 1],
        },
        index=[10, 20],
    )
    got = progress.with_ratios(counts, 0.5, 0.25, PARAMS.status)
    expected = pd.DataFrame(
        {
            "region": ["X", "Y"],
            "line": ["command", "work"],
            "annual_plan": [1, 4],
            "sales_to_prev_month": [0, 1],
            "annual_progress": [1.0, 0.5],  # 1/1, (1+1)/4
            "last_year_same_period": [1, 0],
            "yoy_growth": [0.0, NAN],  # 1/1 - 1, blank
            "month_plan": [1, 0],
            "day_sales": [0, 1],
            "mtd": [1, 1],
            "month_progress": [1.0, NAN],
            "time_progress": [0.5, 0.5],
            "annual_time_progress": [0.25, 0.25],
            "status": pd.Series(["ahead", NAN], index=[10, 20], dtype="str"),  # gap 0.5 > 0.05
            "row_kind": ["unit", "unit"],
        },
        index=[10, 20],
    )
    pd.testing.assert_frame_equal(got, expected)


def test_status_gap_is_rounded_to_9_decimals() -> None:
    # time progress 0.5, ahead above +0.05: a gap of 0.05 + 3e-10 rounds to the edge (on track),
    # 0.05 + 6e-10 rounds to 0.050000001 (ahead); likewise below -0.05
    month_progress = pd.Series([0.5500000003, 0.5500000006, 0.4499999997, 0.4499999994], index=[3, 1, 4, 1])
    got = progress.status_codes(month_progress, pd.Series(0.5, index=month_progress.index), PARAMS.status)
    assert got.index.tolist() == [3, 1, 4, 1]
    assert got.tolist() == ["on_track", "ahead", "on_track", "behind"]
    assert got.dtype == "str"


def test_positions_of_mixed_values_fall_back_to_the_index() -> None:
    keys = pd.Series(["D1", "D2"])
    found = progress.positions(pd.Series(["D2", "D1", None]), keys)
    assert found.tolist() == [1, 0, -1]
    assert found.dtype == "int64"
    # arrow refuses a str after an int (ArrowInvalid) and an int after a str (ArrowTypeError)
    assert progress.positions(pd.Series([1, "D2", "D9"], dtype=object), keys).tolist() == [-1, 1, -1]
    assert progress.positions(pd.Series(["D1", 1], dtype=object), keys).tolist() == [0, -1]


# --- units, lines and one-row boards ---------------------------------------------------------------


def test_board_level_is_read_from_the_columns() -> None:
    dealer = progress.board(FACTS, ANNUAL, None, "2026-06", "2026-06-15", "dealer", params=PARAMS, org=ORG)
    province = progress.board(FACTS, ANNUAL, PROVINCE_TARGETS, "2026-06", "2026-06-15", "province", params=PARAMS,
                              org=ORG)  # fmt: skip
    assert [progress.board_level(f) for f in (region_board(), province, dealer)] == ["region", "province", "dealer"]
    assert list(progress.progress_sheets([progress.with_totals(dealer, PARAMS)], "zh")) == ["board_dealer"]


def test_a_sale_without_a_line_is_left_out_not_counted_in_a_neighbouring_cell(
        caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    # D4 is the second region's dealer: its cells follow 华北's; a sale of no line must land in none of them
    lineless = FACTS.iloc[[-1]].assign(dealer_id="D4", line=None, date=pd.Timestamp("2026-06-02"), units=64)
    with caplog.at_level("WARNING", logger="kaplan.progress.board"):
        frame = progress.board(pd.concat([FACTS, lineless], ignore_index=True), ANNUAL, REGION_TARGETS, "2026-06",
                               "2026-06-15", params=PARAMS, org=ORG)  # fmt: skip
    pd.testing.assert_frame_equal(frame, region_board())
    assert "1 sales row(s) have a dealer not in org or no line; left out" in caplog.text


def test_totals_of_a_one_row_board_repeat_its_row() -> None:
    one = region_board().iloc[[0]].reset_index(drop=True)  # 华北 command alone, as a board cut to one row
    totals = progress.with_totals(one, PARAMS)
    assert totals["row_kind"].tolist() == ["unit", "national_total", "national_total"]
    assert totals["line"].tolist() == ["command", "command", "all_lines"]
    for column in ("annual_plan", "sales_to_prev_month", "last_year_same_period", "month_plan", "day_sales", "mtd"):
        assert totals[column].tolist() == [one.at[0, column]] * 3, column
    assert totals["time_progress"].tolist() == [0.5] * 3
    assert totals["annual_time_progress"].tolist() == [YEAR_PROGRESS] * 3
    assert totals["status"].tolist() == ["behind"] * 3


def test_two_month_targets_for_one_unit_and_line_are_refused_even_when_they_differ() -> None:
    second = REGION_TARGETS.iloc[:1].assign(target=9)  # 华北 command given 8, then 9
    with pytest.raises(KaplanError, match=r"1 duplicate region x line row\(s\), e.g. \{'region': '华北大区', "
                                          r"'line': 'command'\}: give one target per region and line"):  # fmt: skip
        progress.board(FACTS, ANNUAL, pd.concat([REGION_TARGETS, second], ignore_index=True), "2026-06",
                       "2026-06-15", params=PARAMS, org=ORG)  # fmt: skip


def _model_x_sale(day: str, dealer: str = "D4", units: int = 64) -> pd.DataFrame:
    return FACTS.iloc[[-1]].assign(dealer_id=dealer, line="model_x", date=pd.Timestamp(day), units=units)


def test_a_line_sold_only_outside_the_windows_gets_no_rows() -> None:
    # before Jan 1 of last year, and the day after the as-of day: neither is read, nor is their line shown
    stray = pd.concat([FACTS, _model_x_sale("2024-12-31"), _model_x_sale("2026-06-16")], ignore_index=True)
    frame = progress.board(stray, ANNUAL, REGION_TARGETS, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    pd.testing.assert_frame_equal(frame, region_board())


def test_a_line_outside_the_schema_sold_or_planned_gets_its_own_rows() -> None:
    sold = pd.concat([FACTS, _model_x_sale("2026-06-03")], ignore_index=True)
    planned = pd.concat([ANNUAL, pd.DataFrame({"year": [2026], "dealer_id": ["D1"], "line": ["model_y"],
                                               "units": [6]})], ignore_index=True)  # fmt: skip
    frame = progress.board(sold, planned, REGION_TARGETS, "2026-06", "2026-06-15", params=PARAMS, org=ORG)
    assert frame["line"].tolist()[:5] == ["command", "work", "conversion", "model_x", "model_y"]
    rows = frame.set_index(["region", "line"])
    assert (rows.at[("华东大区", "model_x"), "mtd"], rows.at[("华北大区", "model_x"), "mtd"]) == (64, 0)
    assert (rows.at[("华北大区", "model_y"), "annual_plan"], rows.at[("华东大区", "model_y"), "annual_plan"]) == (6, 0)
