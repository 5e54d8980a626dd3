"""Tiered incentive per role: marginal and whole modes, bases, the cap, the summary, the schedule chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaplan.assessment.figures import schedule_figure
from kaplan.assessment.incentive import (
    PAYOUT_COLUMNS,
    band_index,
    band_labels,
    band_units,
    payout_amounts,
    payouts,
    role_summary,
    schedule,
)
from kaplan.core.errors import ParamsError
from kaplan.core.params import Incentive, IncentiveBand, params_from_mapping

DEFAULT = Incentive()
BANDS = DEFAULT.dealer_specialist.bands  # [0, 0.8) 0; [0.8, 1.0) 200; [1.0, 1.2) 400; [1.2, inf) 600
NO_CAP = {"cap": None}


def incentive(mode: str = "marginal", **roles: dict) -> Incentive:
    return params_from_mapping({"incentive": {"mode": mode, **roles}}).incentive


@pytest.mark.parametrize(
    ("attainment", "band"),
    [(0.0, 0), (0.7999, 0), (0.8, 1), (0.95, 1), (1.0, 2), (1.1999, 2), (1.2, 3), (5.0, 3)],
)
def test_band_edges_belong_to_the_band_they_start(attainment: float, band: int) -> None:
    assert band_index(pd.Series([attainment]), BANDS).iloc[0] == band


def people(roles: list[str], targets: list[int], units: list[int]) -> pd.DataFrame:
    n = len(roles)
    frame = pd.DataFrame(
        {"staff_id": [f"S{i}" for i in range(n)], "name": "n", "role": roles, "month_target": targets,
         "month_target_to_date": targets, "mtd": units}
    )  # fmt: skip
    frame["month_attainment"] = frame["mtd"] / frame["month_target"].where(frame["month_target"] > 0)
    return frame


SPECIALISTS = people(["dealer_specialist"] * 4, [20, 20, 20, 0], [15, 19, 26, 7])


def test_marginal_worked_table_specialist_at_75_95_130_percent() -> None:
    # target 20: unit k is paid at the band of k / 20: units 1-15 below 80 % (k < 16) at 0,
    # 16-19 at 200, 20-23 at 400, 24 and up at 600
    #   75 % (15 units):  15 x 0                                  =      0 元
    #   95 % (19 units):  15 x 0 + 4 x 200                        =    800 元
    #  130 % (26 units):  15 x 0 + 4 x 200 + 4 x 400 + 3 x 600    =  4,200 元
    #  no target (7 units): no band                               =      0 元
    out = payouts(SPECIALISTS, incentive(dealer_specialist=NO_CAP), "en")
    assert tuple(out.columns) == PAYOUT_COLUMNS
    assert out["payout"].tolist() == [0.0, 800.0, 4200.0, 0.0]
    assert out["band"].tolist() == ["below 80%", "80%–100% attained", "120% and above", ""]
    assert out["rate"].tolist() == [0.0, 200.0, 600.0, 0.0]
    assert band_units(np.array([26]), np.array([20]), BANDS).tolist() == [[15, 4, 4, 3]]
    pd.testing.assert_frame_equal(SPECIALISTS, people(["dealer_specialist"] * 4, [20, 20, 20, 0], [15, 19, 26, 7]))


def test_whole_worked_table_specialist_at_75_95_130_percent() -> None:
    # all units at the band reached: 15 x 0 = 0; 19 x 200 = 3,800; 26 x 600 = 15,600; no target 0
    out = payouts(SPECIALISTS, incentive("whole", dealer_specialist=NO_CAP), "zh")
    assert out["payout"].tolist() == [0.0, 3800.0, 15600.0, 0.0]
    assert out["band"].tolist() == ["未达 80%", "80%–100% 达成", "120% 及以上", ""]


def test_manager_is_paid_on_the_team_at_the_override_rate() -> None:
    # three specialists with targets 20, 20, 20 selling 15, 19, 26: the manager's province sold 60 of 60
    # (100 %). Manager bands 0 / 80 % 20 / 100 % 40 / 120 % 60 元 per unit, marginal:
    # units 1-47 (k < 48) at 0, 48-59 at 20 = 240, unit 60 at 40 = 40: 280 元 on 60 units
    team = people(["dealer_specialist"] * 3 + ["regional_manager"], [20, 20, 20, 60], [15, 19, 26, 60])
    out = payouts(team, incentive(dealer_specialist=NO_CAP, regional_manager=NO_CAP), "en").set_index("staff_id")
    assert out.loc["S3", ["base", "units_paid", "payout"]].tolist() == ["territory", 60, 280.0]
    summary = role_summary(out.reset_index(), units_sold=60).set_index("role")
    # each role is paid on the same 60 vehicles once: specialists 5,000 元 (0 + 800 + 4,200), manager 280 元
    assert summary.loc["dealer_specialist", ["people", "units_paid", "payout"]].tolist() == [3, 60, 5000.0]
    assert summary.loc["regional_manager", ["people", "units_paid", "payout"]].tolist() == [1, 60, 280.0]
    # the sanity figure: 5,280 元 / 60 units sold = 88 元 per unit
    assert summary.loc["total", ["units_paid", "payout", "yuan_per_unit"]].tolist() == [60, 5280.0, 88.0]
    # whole mode: the manager gets all 60 units at 40 = 2,400 元
    whole = payouts(team, incentive("whole", regional_manager=NO_CAP), "en")
    assert whole["payout"].iloc[3] == 2400.0


def test_the_cap_holds_the_payout() -> None:
    # 130 % marginal pays 4,200 元: a cap of 4,000 pays 4,000; a cap of 4,200 (equal) and none pay 4,200
    for cap, paid in ((4000.0, 4000.0), (4200.0, 4200.0), (None, 4200.0)):
        out = payouts(SPECIALISTS, incentive(dealer_specialist={"cap": cap}), "en")
        assert out["payout"].iloc[2] == paid and out["payout_uncapped"].iloc[2] == 4200.0
    assert DEFAULT.dealer_specialist.cap == 20_000.0


def test_base_none_pays_nothing() -> None:
    out = payouts(SPECIALISTS, incentive(dealer_specialist={"base": "none"}), "en")
    assert out["payout"].tolist() == [0.0] * 4 and out["units_paid"].tolist() == [0] * 4
    assert out["band"].tolist() == [""] * 4


@pytest.mark.parametrize(
    ("roles", "message"),
    [({"dealer_specialist": {"base": "territory"}}, "a specialist has no territory"),
     ({"regional_manager": {"base": "own_dealers"}}, "regional_manager looks after no dealer of their own"),
     ({"regional_director": {"bands": [{"attainment_from": 0.1, "rate": 1}]}}, "the first band must start at 0"),
     ({"mode": "tax"}, "incentive.mode")],
)  # fmt: skip
def test_bad_incentive_params_are_refused(roles: dict, message: str) -> None:
    with pytest.raises(ParamsError, match=message):
        params_from_mapping({"incentive": roles})


def test_schedule_table_and_labels() -> None:
    table = schedule(DEFAULT, "en")
    specialist = table[table["role"] == "dealer_specialist"]
    assert specialist["rate"].tolist() == [0.0, 200.0, 400.0, 600.0]
    assert specialist["attainment_to"].tolist()[:3] == [0.8, 1.0, 1.2] and np.isnan(specialist["attainment_to"].iloc[3])
    assert table[table["role"] == "regional_director"]["rate"].tolist() == [0.0, 5.0, 10.0, 15.0]
    assert band_labels(BANDS, "en") == ["below 80%", "80%–100% attained", "100%–120% attained", "120% and above"]
    assert band_labels(BANDS, "zh")[-1] == "120% 及以上"


def test_schedule_figure_has_glossary_labels() -> None:
    fig = schedule_figure(DEFAULT, "en", people(["dealer_specialist", "regional_manager"], [10, 10], [5, 11]))
    assert fig.layout.title.text == "Tiered incentive"
    assert fig.layout.xaxis.title.text == "Attainment"
    assert list(fig.data[0].y) == [0.0, 200.0, 400.0, 600.0, 600.0]
    assert len(fig.data) == 3 + 2  # a step line per role, ticks for the two roles with people


starts = st.lists(st.floats(0.01, 3.0), max_size=5, unique=True).map(lambda s: [0.0, *sorted(s)])
rates = st.lists(st.floats(0.0, 1000.0), min_size=6, max_size=6).map(sorted)


@given(starts, st.lists(st.floats(0.0, 4.0), min_size=1, max_size=20))
def test_every_attainment_lands_in_exactly_the_half_open_band(froms: list[float], values: list[float]) -> None:
    bands = tuple(IncentiveBand(attainment_from=f, rate=100.0 * i) for i, f in enumerate(froms))
    index = band_index(pd.Series(values), bands)
    for value, i in zip(values, index, strict=True):
        assert froms[i] <= value
        assert i == len(froms) - 1 or value < froms[i + 1]


@given(starts, rates, st.integers(1, 60), st.integers(0, 150))
def test_marginal_has_no_cliff(froms: list[float], rate_list: list[float], target: int, units: int) -> None:
    bands = tuple(IncentiveBand(attainment_from=f, rate=r) for f, r in zip(froms, rate_list, strict=False))
    top = max(b.rate for b in bands)
    pay = payout_amounts(np.array([units, units + 1]), np.array([target, target]), bands, "marginal")
    # one more unit never lowers the payout and never adds more than the top rate
    assert 0.0 <= pay[1] - pay[0] <= top + 1e-6
    # and it adds exactly the rate of the band (units + 1) / target falls in
    landed = band_index(pd.Series([(units + 1) / target]), bands).iloc[0]
    assert pay[1] - pay[0] == pytest.approx(bands[landed].rate)


@given(starts, st.integers(1, 60), st.integers(0, 150))
def test_band_units_add_up_to_the_units(froms: list[float], target: int, units: int) -> None:
    bands = tuple(IncentiveBand(attainment_from=f, rate=1.0) for f in froms)
    counts = band_units(np.array([units]), np.array([target]), bands)
    assert counts.sum() == units and (counts >= 0).all()
    # brute force: unit k in the band of k / target
    expected = np.bincount(band_index(pd.Series(np.arange(1, units + 1) / target), bands), minlength=len(bands))
    assert counts[0].tolist() == expected.tolist()


@given(st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_rate_never_falls_as_attainment_rises(a: float, b: float) -> None:
    low, high = sorted((a, b))
    frame = people(["dealer_specialist", "dealer_specialist"], [100, 100], [round(low * 100), round(high * 100)])
    out = payouts(frame, DEFAULT)
    assert out["rate"].iloc[0] <= out["rate"].iloc[1]
    assert out["payout"].iloc[0] <= out["payout"].iloc[1]
