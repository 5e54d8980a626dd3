"""The month cascade's frames at their edges (docs/method.md §2.1, §2.2): the pipeline column and its
stage probabilities, the warnings' index, the run's log line, the seasonal warnings, the wide tables by
line and the national row, extra sheets with an index of their own."""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pandas as pd
import pytest
from test_composite import LEADS
from test_seasonal import _data
from test_targets import ORG, PARAMS, PRODUCTS, SALES, TARGETS

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import seasonal_shares
from kaplan.plan.targets import (
    SHEET_COLUMNS,
    month_targets,
    region_summary,
    region_targets,
    seasonal_warnings,
    sheet_columns,
    targets_by_line,
    targets_sheets,
)

# two command leads closing in April 2026, reported in March: D1a (P1) at stage commit, D2 (P2) won
PIPELINE_LEADS = LEADS.iloc[:2].assign(
    dealer_id=["D1a", "D2"], stage=["commit", "won"], units=[10, 10], product_id="PC",
    reported_on=pd.to_datetime(["2026-03-15", "2026-03-15"]),
    expected_close=pd.to_datetime(["2026-04-20", "2026-04-20"]),
)  # fmt: skip
WITH_PIPELINE = (0.2, 0.1, 0.2, 0.5)


def _month_data(leads: pd.DataFrame | None = None) -> Tables:
    frames = {} if leads is None else {"leads": leads}
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS, **frames)


def test_sheet_columns_put_the_pipeline_before_the_composite_on_province_and_dealer_only() -> None:
    assert sheet_columns("plan", True) == list(SHEET_COLUMNS["plan"])
    assert sheet_columns("province", False) == list(SHEET_COLUMNS["province"])
    assert sheet_columns("province", True)[4:9] == ["s_trailing3", "s_last_month", "s_annual", "s_pipeline",
                                                    "composite"]  # fmt: skip
    assert sheet_columns("dealer", True)[-3:] == ["s_pipeline", "composite", "target"]


@pytest.mark.parametrize(("probabilities", "p1"), [({}, 7 / 17), ({"commit": 1.0}, 0.5)])
def test_a_pipeline_weight_of_one_half_shows_the_pipeline_weighted_by_the_params_probabilities(
    probabilities: dict[str, float], p1: float
) -> None:
    # weighted pipeline: P1 10 x commit (0.7 or 1.0), P2 10 x won 1.0 -> P1 7/17 or 1/2 of command's
    params = params_from_mapping({"stage_probabilities": probabilities})
    mt = month_targets(_month_data(PIPELINE_LEADS), "2026-04", params, weights=WITH_PIPELINE)
    command = mt.province[mt.province["line"] == "command"]
    assert command["s_pipeline"].tolist() == pytest.approx([p1, 1 - p1, 0.0])
    assert list(mt.province.columns) == sheet_columns("province", True)
    assert list(mt.dealer.columns) == sheet_columns("dealer", True)
    sheets = targets_sheets(mt)
    assert list(sheets["province"].columns) == sheet_columns("province", True)


def test_warnings_follow_the_weights_given_and_are_numbered_from_0() -> None:
    # annual only (0, 0, 1): work has annual targets in P1 and P2, so no component is dropped at
    # province level; conversion has none and is split equally
    mt = month_targets(_month_data(), "2026-04", PARAMS, weights=(0, 0, 1))
    pd.testing.assert_index_equal(mt.warnings.index, pd.RangeIndex(len(mt.warnings)))
    province = mt.warnings[mt.warnings["level"] == "province"]
    assert province[["line", "component", "issue"]].values.tolist() == [["conversion", "", "equal_split"]]
    dealer = mt.warnings[mt.warnings["level"] == "dealer"]
    assert set(dealer["issue"]) == {"equal_split"}


def test_the_month_is_logged_with_its_counts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kaplan.plan.targets")
    mt = month_targets(_month_data(), "2026-04", PARAMS)
    messages = [r.getMessage() for r in caplog.records if r.name == "kaplan.plan.targets"]
    assert messages == [f"targets 2026-04: 3 provinces, 5 dealers, {len(mt.warnings)} warnings"]


def test_seasonal_warnings_one_row_per_line_and_issue() -> None:
    # festival method, history 2025 only (festival 01-29) for 2026 (02-17): command has its own
    # history, the other lines fall back to all lines; no line finds a year of February's festival
    seasonal = seasonal_shares(_data([("2025-01-10", "PC", 30), ("2025-02-10", "PC", 10)]), 2026,
                               params_from_mapping({"history_years": 2}))  # fmt: skip
    out = seasonal_warnings(seasonal)
    assert list(out.columns) == ["level", "province", "line", "component", "issue"]
    assert out.values.tolist() == [
        ["seasonal", "", "work", "", "seasonal_all_lines"],
        ["seasonal", "", "conversion", "", "seasonal_all_lines"],
        ["seasonal", "", "command", "", "seasonal_no_same_festival_month"],
        ["seasonal", "", "work", "", "seasonal_no_same_festival_month"],
        ["seasonal", "", "conversion", "", "seasonal_no_same_festival_month"],
    ]
    assert out.dtypes.astype(str).tolist() == ["str"] * 5


DEALERS = pd.DataFrame(
    [("2026-04", "R1", "P2", "D2", "乙", "work", 3), ("2026-04", "R1", "P2", "D2", "乙", "command", 5),
     ("2026-04", "R1", "P1", "D1", "甲", "command", 7)],
    columns=["month", "region", "province", "dealer_id", "dealer_name", "line", "target"],
)  # fmt: skip


def test_targets_by_line_keeps_the_units_order_and_puts_0_for_a_missing_line() -> None:
    out = targets_by_line(DEALERS)
    assert list(out.columns) == ["month", "region", "province", "dealer_id", "dealer_name", "work", "command", "total"]
    assert out.values.tolist() == [
        ["2026-04", "R1", "P2", "D2", "乙", 3, 5, 8],
        ["2026-04", "R1", "P1", "D1", "甲", 0, 7, 7],
    ]
    assert out[["work", "command", "total"]].dtypes.tolist() == [np.dtype("int64")] * 3
    provinces = targets_by_line(DEALERS, "province")
    assert provinces.values.tolist() == [["2026-04", "R1", "P2", 3, 5, 8], ["2026-04", "R1", "P1", 0, 7, 7]]


def test_region_summary_adds_the_national_row_in_the_language_asked() -> None:
    regions = pd.DataFrame({"month": "2026-04", "region": ["R2", "R2", "R1"], "line": ["command", "work", "command"],
                            "target": [14, 2, 87]})  # fmt: skip
    out = region_summary(regions)
    assert list(out.columns) == ["month", "region", "command", "work", "total", "row_kind"]
    assert out.values.tolist() == [
        ["2026-04", "R2", 14, 2, 16, "unit"],
        ["2026-04", "R1", 87, 0, 87, "unit"],
        ["2026-04", "全国", 101, 2, 103, "national_total"],
    ]
    pd.testing.assert_index_equal(out.index, pd.RangeIndex(3))
    assert out[["command", "work", "total"]].dtypes.tolist() == [np.dtype("int64")] * 3
    one = region_summary(regions[regions["region"] == "R1"], "en")
    assert one.values.tolist() == [["2026-04", "R1", 87, 87, "unit"], ["2026-04", "National", 87, 87, "national_total"]]


def test_extra_sheets_are_numbered_from_0_whatever_their_index() -> None:
    mt = month_targets(_month_data(), "2026-04", PARAMS)
    extra = pd.DataFrame({"value": [1, 2]}, index=[5, 7])
    adjusted = dataclasses.replace(mt, adjustments=extra)
    sheets = targets_sheets(adjusted, scenarios=extra, seasonality=extra)
    assert list(sheets) == ["plan", "province", "dealer", "scenarios", "seasonality", "adjustments"]
    for name in ("scenarios", "seasonality", "adjustments"):
        assert list(sheets[name].columns) == ["value"]
        pd.testing.assert_index_equal(sheets[name].index, pd.RangeIndex(2))
    assert "adjustments" not in targets_sheets(dataclasses.replace(mt, adjustments=extra.iloc[:0]))


def test_region_summary_of_no_region_is_a_national_row_of_zeros_without_a_month() -> None:
    regions = pd.DataFrame({"month": pd.Series([], dtype="str"), "region": pd.Series([], dtype="str"),
                            "line": pd.Series([], dtype="str"), "target": pd.Series([], dtype="int64")})  # fmt: skip
    assert region_summary(regions, "en").values.tolist() == [["", "National", 0, "national_total"]]


def test_targets_by_line_adds_up_the_dealers_of_a_province() -> None:
    two = pd.concat([DEALERS, DEALERS.iloc[[2]].assign(dealer_id="D3", dealer_name="丙", target=2)], ignore_index=True)
    provinces = targets_by_line(two, "province")
    assert provinces.values.tolist() == [["2026-04", "R1", "P2", 3, 5, 8], ["2026-04", "R1", "P1", 0, 9, 9]]


def test_region_targets_keep_the_order_the_provinces_come_in() -> None:
    # regions and lines out of alphabetical order: the sums keep the order of the province rows
    provinces = pd.DataFrame(
        [("2026-04", "R2", "P3", "work", 4), ("2026-04", "R2", "P3", "command", 6), ("2026-04", "R2", "P4", "work", 1),
         ("2026-04", "R1", "P1", "work", 2), ("2026-04", "R1", "P1", "command", 3)],
        columns=["month", "region", "province", "line", "target"],
    )  # fmt: skip
    assert region_targets(provinces).values.tolist() == [
        ["2026-04", "R2", "work", 5], ["2026-04", "R2", "command", 6],
        ["2026-04", "R1", "work", 2], ["2026-04", "R1", "command", 3],
    ]  # fmt: skip


def test_the_params_split_weights_are_used_when_no_weights_are_given() -> None:
    annual_only = params_from_mapping({"split_weights": {"trailing3": 0, "last_month": 0, "annual": 1}})
    by_params = month_targets(_month_data(), "2026-04", annual_only)
    given = month_targets(_month_data(), "2026-04", PARAMS, weights=(0, 0, 1))
    default = month_targets(_month_data(), "2026-04", PARAMS)
    pd.testing.assert_frame_equal(by_params.dealer, given.dealer)
    assert not by_params.dealer["target"].equals(default.dealer["target"])
