"""Progress board at its edges (docs/method.md §2.3): the notes of blank divisions, the added unit
columns of the landing, the windows' first and last days, the status at its thresholds, the totals'
order and the refusals, each with exact values worked by hand on the fixture of test_board."""

from __future__ import annotations

import pandas as pd
import pytest
from test_board import ANNUAL, FACTS, ORG, PARAMS, PROVINCE_TARGETS, province_totals, region_board

from kaplan.core.errors import KaplanError
from kaplan.core.params import params_from_mapping
from kaplan.progress import board as progress

# thresholds +-0.2: 华北 command (gap 3/8 - 1/2 = -0.125) is on track here, behind by default
WIDE = params_from_mapping({"status": {"ahead": 0.2, "behind": -0.2}})


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
