"""The tiered incentive at its edges (docs/method.md §2.5, Tiered incentive): the worked example of the
module docstring, a first band that pays, a band start whose product with T carries float noise, the
cliff of the whole mode, a person without a target, the order and types of the sheet, the summary's
total row and the cap count."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from test_incentive import BANDS, incentive, people

from kaplan.assessment.incentive import (
    PAYOUT_COLUMNS,
    band_index,
    band_labels,
    band_units,
    capped,
    payout_amounts,
    payouts,
    percent,
    reached,
    role_summary,
    schedule,
)
from kaplan.core.params import Incentive, IncentiveBand

PAYING_FIRST = (IncentiveBand(attainment_from=0.0, rate=1.0), IncentiveBand(attainment_from=0.5, rate=3.0))
NOISY = (IncentiveBand(attainment_from=0.0, rate=1.0), IncentiveBand(attainment_from=1.1, rate=10.0))


def test_a_blank_attainment_is_in_no_band_and_the_index_is_kept() -> None:
    got = band_index(pd.Series([np.nan, 0.8, 0.0], index=[5, 7, 9]), BANDS)
    assert got.tolist() == [-1, 1, 0]
    assert got.index.tolist() == [5, 7, 9] and got.name == "band_index" and got.dtype == np.int64


def test_percent_keeps_the_decimals_of_a_band_start() -> None:
    assert [percent(0.8), percent(1.0), percent(0.855)] == ["80%", "100%", "85.5%"]


def test_labels_of_one_and_two_bands() -> None:
    """§2.5: a single band is every attainment; two bands read below / and above their one start."""
    assert band_labels(BANDS[:1], "en") == ["all"] and band_labels(BANDS[:1], "zh") == ["全部"]
    assert band_labels(BANDS[:2], "en") == ["below 80%", "80% and above"]
    assert band_labels(BANDS[:2], "zh") == ["未达 80%", "80% 及以上"]


def test_reports_read_chinese_unless_told() -> None:
    """§2.5: the business words are 未达 80% / 80%–100% 达成 / ... by default."""
    assert band_labels(BANDS)[0] == "未达 80%" and schedule(Incentive())["band"].iloc[3] == "120% 及以上"
    assert payouts(mixed_team(), Incentive())["band"].tolist() == ["100%–120% 达成", "120% 及以上", "80%–100% 达成", ""]


def test_schedule_rows_of_a_one_band_role_without_cap() -> None:
    params = incentive(regional_manager={"cap": None, "bands": [{"attainment_from": 0, "rate": 7}]})
    table = schedule(params, "en")
    assert table.columns.tolist() == ["role", "base", "band", "attainment_from", "attainment_to", "rate", "cap"]
    assert table["role"].tolist() == ["dealer_specialist"] * 4 + ["regional_manager"] + ["regional_director"] * 4
    assert table.index.tolist() == list(range(9))
    manager = table.iloc[4]
    assert manager[["base", "band", "attainment_from", "rate"]].tolist() == ["territory", "all", 0.0, 7.0]
    assert np.isnan(manager["attainment_to"]) and np.isnan(manager["cap"])
    assert table["cap"].dtype == np.float64 and table["cap"].iloc[0] == 20_000.0
    assert table["base"].iloc[0] == "own_dealers" and schedule(params, "zh")["band"].iloc[4] == "全部"


def test_marginal_worked_example_of_the_module() -> None:
    """§2.5 Mode, marginal: T = 10, bands 0 / 80 % 200 / 100 % 400 / 120 % 600, U = 13: units 1-7 at 0,
    8-9 at 200, 10-11 at 400, 12-13 at 600: 400 + 800 + 1,200 = 2,400 元."""
    counts = band_units(np.array([13]), np.array([10]), BANDS)
    assert counts.tolist() == [[7, 2, 2, 2]] and counts.dtype == np.int64
    assert payout_amounts(np.array([13]), np.array([10]), BANDS, "marginal").tolist() == [2400.0]


def test_whole_mode_cliff_at_80_percent() -> None:
    """§2.5 Mode, whole: T = 10, U = 13 pays 13 x 600 = 7,800; U = 8 (80 %) 8 x 200 = 1,600; U = 7
    (70 %) 0, the cliff; no target (T = 0) pays 0."""
    got = payout_amounts(np.array([13, 8, 7, 5]), np.array([10, 10, 10, 0]), BANDS, "whole")
    assert got.tolist() == [7800.0, 1600.0, 0.0, 0.0]
    assert reached(np.array([13, 8, 7, 5]), np.array([10, 10, 10, 0]), BANDS).tolist() == [3, 1, 0, -1]


def test_a_first_band_that_pays_counts_the_first_unit() -> None:
    """§2.5: bands 0 / 50 % at 1 / 3 元, T = 4: unit 1 (25 %) at 1, units 2 and 3 (50 %, 75 %) at 3:
    U = 1 pays 1 元, U = 3 pays 1 + 6 = 7 元 (marginal); whole: U = 1 all at 1 = 1, U = 2 (50 %) 2 x 3 = 6."""
    assert band_units(np.array([1, 3]), np.array([4, 4]), PAYING_FIRST).tolist() == [[1, 0], [1, 2]]
    assert payout_amounts(np.array([1, 3]), np.array([4, 4]), PAYING_FIRST, "marginal").tolist() == [1.0, 7.0]
    assert payout_amounts(np.array([1, 2]), np.array([4, 4]), PAYING_FIRST, "whole").tolist() == [1.0, 6.0]


@pytest.mark.parametrize(("units", "counts", "paid"), [(10, [10, 0], 10.0), (11, [10, 1], 20.0)])
def test_a_band_start_at_a_whole_unit_despite_float_noise(units: int, counts: list[int], paid: float) -> None:
    """§2.5: the band from 110 % with T = 10 starts at unit 11 (1.1 x 10 = 11.000000000000002 in
    floats): unit 10 is the last at 1 元, unit 11 the first at 10 元."""
    assert band_units(np.array([units]), np.array([10]), NOISY).tolist() == [counts]
    assert payout_amounts(np.array([units]), np.array([10]), NOISY, "marginal").tolist() == [paid]


def test_attainment_exactly_100_percent_of_a_target_of_one() -> None:
    """§2.5: T = 1 and U = 1 is 100 %, the band from 100 % (whole: 1 x 400 元)."""
    assert reached(np.array([1]), np.array([1]), BANDS).tolist() == [2]
    assert payout_amounts(np.array([1]), np.array([1]), BANDS, "whole").tolist() == [400.0]


def test_units_read_as_floats_are_counted_as_whole_units() -> None:
    counts = band_units(np.array([13.0]), np.array([10]), BANDS)
    assert counts.tolist() == [[7, 2, 2, 2]] and counts.dtype == np.int64


def test_a_one_band_role_without_target_is_in_no_band() -> None:
    """§2.5: a manager whose only band is 0 % at 7 元 (label "all") pays 7 元 on each unit with a
    target, nothing without one."""
    team = people(["regional_manager", "regional_manager"], [10, 0], [3, 4])
    out = payouts(team, incentive(regional_manager={"bands": [{"attainment_from": 0, "rate": 7}]}), "en")
    assert out["band"].tolist() == ["all", ""] and out["rate"].tolist() == [7.0, 0.0]
    assert out["payout"].tolist() == [21.0, 0.0]


def test_no_target_puts_no_unit_in_any_band() -> None:
    """§2.5: a person without a target (T = 0) is in no band and earns 0, whatever they sold."""
    assert band_units(np.array([5]), np.array([0]), BANDS).tolist() == [[0, 0, 0, 0]]
    assert payout_amounts(np.array([5]), np.array([0]), PAYING_FIRST, "marginal").tolist() == [0.0]


def mixed_team() -> pd.DataFrame:
    frame = people(["regional_director", "dealer_specialist", "regional_manager", "dealer_specialist"],
                   [100, 10, 20, 0], [100, 13, 16, 3])  # fmt: skip
    frame.index = [10, 11, 12, 13]
    return frame


def test_the_sheet_keeps_the_order_of_the_people_and_its_types(caplog: pytest.LogCaptureFixture) -> None:
    """§2.5 with the default schedule, marginal: the director at 100 % of 100 (units 80-99 at 5, unit
    100 at 10) 110 元; the specialist at 13 of 10, 2,400 元 (the module's example); the manager at 16
    of 20 (80 %: unit 16 at 20) 20 元; a specialist without target 0. Total 2,530 元."""
    with caplog.at_level(logging.INFO, logger="kaplan.assessment.incentive"):
        out = payouts(mixed_team(), Incentive(), "en")
    assert tuple(out.columns) == PAYOUT_COLUMNS and out.index.tolist() == [0, 1, 2, 3]
    assert out["staff_id"].tolist() == ["S0", "S1", "S2", "S3"]
    assert out["base"].tolist() == ["territory", "own_dealers", "territory", "own_dealers"]
    assert out["month_target"].tolist() == [100, 10, 20, 0] and out["units_paid"].tolist() == [100, 13, 16, 3]
    assert out["band"].tolist() == ["100%–120% attained", "120% and above", "80%–100% attained", ""]
    assert out["rate"].tolist() == [10.0, 600.0, 20.0, 0.0]
    assert out["payout"].tolist() == [110.0, 2400.0, 20.0, 0.0] == out["payout_uncapped"].tolist()
    assert out["month_attainment"].tolist()[:3] == [1.0, 1.3, 0.8] and np.isnan(out["month_attainment"].iloc[3])
    assert {c: str(out[c].dtype) for c in ("month_target", "units_paid", "rate", "payout_uncapped", "payout")} == {
        "month_target": "int64", "units_paid": "int64", "rate": "float64", "payout_uncapped": "float64",
        "payout": "float64"}  # fmt: skip
    messages = [r.getMessage() for r in caplog.records if r.name == "kaplan.assessment.incentive"]
    assert messages == ["incentive (marginal): 4 people, total payout 2530 元"]


def test_summary_total_row_and_yuan_per_unit_at_one_and_zero_units() -> None:
    """§2.5: per role (in the report's order, only roles with people) people, units paid, payout and
    元 per unit paid; the total row has the units sold and Σ payout / units sold, blank without a sale."""
    table = pd.DataFrame(
        {"staff_id": ["D", "A", "B"], "role": ["regional_director", "dealer_specialist", "dealer_specialist"],
         "base": ["territory", "own_dealers", "own_dealers"], "units_paid": [1, 1, 3], "payout": [5.0, 200.0, 600.0]}
    )  # fmt: skip
    out = role_summary(table, units_sold=5)
    assert out.columns.tolist() == ["role", "base", "people", "units_paid", "payout", "yuan_per_unit", "row_kind"]
    assert out["role"].tolist() == ["dealer_specialist", "regional_director", "total"]
    assert out["base"].tolist() == ["own_dealers", "territory", ""]
    assert out["people"].tolist() == [2, 1, 3] and out["units_paid"].tolist() == [4, 1, 5]
    assert out["payout"].tolist() == [800.0, 5.0, 805.0] and out["yuan_per_unit"].tolist() == [200.0, 5.0, 161.0]
    assert out["row_kind"].tolist() == ["", "", "national_total"] and out.index.tolist() == [0, 1, 2]
    assert np.isnan(role_summary(table, units_sold=0)["yuan_per_unit"].iloc[-1])


def test_capped_counts_only_payouts_held_below_the_uncapped() -> None:
    table = pd.DataFrame({"payout": [4000.0, 4200.0, 0.0], "payout_uncapped": [4200.0, 4200.0, 0.0]})
    assert capped(table) == 1
