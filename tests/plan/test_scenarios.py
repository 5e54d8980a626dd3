"""Backtest of split weights, suggested weights, the scenarios sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frames import sales_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.composite import COMPONENTS, composite_shares
from kaplan.plan.scenarios import (
    backtest,
    backtest_data,
    backtest_detail,
    composites,
    scenarios_sheet,
    simplex_grid,
    suggested_weights,
)

# Month M = 2026-04: the backtest covers 2025-04 .. 2026-03. One line (command), two provinces.
# Sales: 2026-01 P1 10; 2026-02 P1 5, P2 5; 2026-03 P2 10. Annual targets 2026: P1 30, P2 10 (sa .75/.25).
#   Jan: T3 (Oct-Dec) 0 and L1 (Dec) 0 are dropped: c = sa = (.75, .25); actual (1, 0): tvd .25
#   Feb: s3 (1, 0), s1 (1, 0), sa (.75, .25): c = .4 + .3 + .225 = .925; actual (.5, .5): tvd .425
#   Mar: s3 (.75, .25), s1 (.5, .5), sa (.75, .25): c = .3 + .15 + .225 = .675; actual (0, 1): tvd .675
#   backtest(.4/.3/.3) = (.25 + .425 + .675) / 3 = .45
#   annual only: .25, .25, .75 -> 1.25/3;  last month only: Jan equal split .5, Feb .5, Mar .5 -> .5
#   In general (w summing to 1, wa > 0): .25 + (.5 - .25 wa) + (.75 - .25 w1), lowest with w3 = 0: 1.25/3.

ORG = pd.DataFrame({"dealer_id": ["D1", "D2"], "dealer_name": ["甲", "乙"], "province": ["P1", "P2"],
                    "region": ["R1", "R1"]})  # fmt: skip
PRODUCTS = pd.DataFrame({"product_id": ["PC", "PW"], "product_name": ["a", "b"], "line": ["command", "work"]})
ROWS = [("2026-01-10", "D1", 10), ("2026-02-10", "D1", 5), ("2026-02-11", "D2", 5), ("2026-03-10", "D2", 10),
        ("2026-04-02", "D1", 99), ("2024-12-31", "D2", 99)]  # fmt: skip
SALES = sales_frame([(d, dealer, "PC", u) for d, dealer, u in ROWS], customer_id="C")
TARGETS = pd.DataFrame({"year": 2026, "dealer_id": ["D1", "D2"], "line": "command", "units": [30, 10]})


@pytest.fixture
def data() -> Tables:
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS)


def test_backtest_worked_example(data: Tables) -> None:
    assert backtest(data, "2026-04", (0.4, 0.3, 0.3)) == pytest.approx(0.45)
    assert backtest(data, "2026-04", (0, 0, 1)) == pytest.approx(1.25 / 3)
    assert backtest(data, "2026-04", (0, 1, 0)) == pytest.approx(0.5)


def test_backtest_detail(data: Tables) -> None:
    detail = backtest_detail(data, "2026-04", (0.4, 0.3, 0.3))
    assert list(detail.columns) == ["month", "line", "units", "tvd"]
    assert len(detail) == 36 and detail["month"].iloc[0] == "2025-04" and detail["month"].iloc[-1] == "2026-03"
    command = detail[(detail["line"] == "command") & (detail["units"] > 0)]
    assert command["month"].tolist() == ["2026-01", "2026-02", "2026-03"]
    assert command["tvd"].tolist() == pytest.approx([0.25, 0.425, 0.675])
    assert detail[detail["units"] == 0]["tvd"].isna().all()


def test_suggested_weights_worked_example(data: Tables) -> None:
    best = suggested_weights(data, "2026-04")
    assert best.backtest_tvd == pytest.approx(1.25 / 3)
    assert best.trailing3 == 0 and best.annual > 0
    assert sum(best.weights) == pytest.approx(1)


def test_scenarios_sheet(data: Tables) -> None:
    params = params_from_mapping({"scenarios": [{"name": "heavy_annual", "trailing3": 0.2, "last_month": 0.2,
                                                 "annual": 0.6}]})  # fmt: skip
    sheet = scenarios_sheet(data, "2026-04", params)
    assert list(sheet.columns) == ["scenario", "trailing3", "last_month", "annual", "pipeline", "backtest_tvd"]
    assert sheet["scenario"].tolist() == ["current", "trailing3_only", "last_month_only", "annual_only",
                                          "pipeline_only", "suggested", "heavy_annual"]  # fmt: skip
    # no lead at all: pipeline only is the equal split (.5, .25 + .5 ... -> (.5 + 0 + .5)/3), never suggested
    assert tvd_of(sheet, "pipeline_only") == pytest.approx(1 / 3)
    assert sheet.set_index("scenario").loc["suggested", "pipeline"] == 0
    tvd = sheet.set_index("scenario")["backtest_tvd"]
    assert tvd["current"] == pytest.approx(0.45)
    assert tvd["annual_only"] == pytest.approx(1.25 / 3)
    # without leads the suggestion keeps pipeline 0: pipeline_only (the equal split, 1/3) is not a candidate
    assert tvd["suggested"] <= tvd.drop("pipeline_only").min() + 1e-12
    # heavy annual: .25 + (.5 - .15) + (.75 - .05) = 1.3 -> 1.3/3
    assert tvd["heavy_annual"] == pytest.approx(1.3 / 3)


def tvd_of(sheet: pd.DataFrame, name: str) -> float:
    return float(sheet.set_index("scenario").loc[name, "backtest_tvd"])


# Known tenders for February 2026: D1 5 units won and D2 5 units won, both reported in January
# (today's stage won, probability 1): sp(Feb) = (.5, .5) = the actual shares, tvd 0. January and March
# have no lead closing in them, so their pipeline is dropped.
#   pipeline only: Jan equal .5, Feb 0, Mar equal .5 -> 1/3
#   current .4/.3/.3/0: unchanged .45;  .4/.3/.3/1 (sum 2): Feb c(P1) = (.925·1 + .5)/2 = .7125, tvd .2125;
#   Jan and Mar drop the pipeline: .25 and .675 -> (.25 + .2125 + .675)/3 = 1.1375/3
LEADS = pd.DataFrame({
    "lead_id": ["L1", "L2", "L3"], "reported_on": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-01"]),
    "dealer_id": ["D1", "D2", "D1"], "owner_id": "S", "customer_id": "C", "lead_class": "tender", "source": "directory",
    "stage": "won", "product_id": "PC", "units": [5, 5, 50], "budget": np.nan,
    "expected_close": pd.to_datetime(["2026-02-15", "2026-02-20", "2026-02-28"]),  # L3 reported in February: left out
    "last_tracked": pd.to_datetime("2026-03-01"), "notes": "",
})  # fmt: skip


def test_pipeline_scenarios_worked_example() -> None:
    data = Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS, leads=LEADS)
    sheet = scenarios_sheet(data, "2026-04", params_from_mapping({"scenarios": [
        {"name": "with_pipeline", "trailing3": 0.4, "last_month": 0.3, "annual": 0.3, "pipeline": 1.0}]}))  # fmt: skip
    assert tvd_of(sheet, "pipeline_only") == pytest.approx(1 / 3)
    assert tvd_of(sheet, "current") == pytest.approx(0.45)
    assert tvd_of(sheet, "with_pipeline") == pytest.approx(1.1375 / 3)
    assert tvd_of(sheet, "suggested") <= sheet["backtest_tvd"].min() + 1e-12
    assert sheet.set_index("scenario").loc["suggested", list(COMPONENTS)].sum() == pytest.approx(1)


def test_nothing_sold_gives_nan(data: Tables) -> None:
    empty = Tables.from_frames(org=ORG, products=PRODUCTS, annual_targets=TARGETS)
    assert np.isnan(backtest(empty, "2026-04", None))
    assert np.isnan(suggested_weights(empty, "2026-04").backtest_tvd)


def test_simplex_grid() -> None:
    grid = simplex_grid(0.05)
    assert grid.shape == (1771, 4)  # C(23, 3)
    assert np.allclose(grid.sum(axis=1), 1) and (grid >= 0).all()
    assert simplex_grid(0.5).tolist() == [
        [0, 0, 0, 1], [0, 0, 0.5, 0.5], [0, 0, 1, 0], [0, 0.5, 0, 0.5], [0, 0.5, 0.5, 0], [0, 1, 0, 0],
        [0.5, 0, 0, 0.5], [0.5, 0, 0.5, 0], [0.5, 0.5, 0, 0], [1, 0, 0, 0]]  # fmt: skip
    with pytest.raises(ValueError, match="divide 1"):
        simplex_grid(0.3)


@st.composite
def history(draw: st.DrawFn) -> Tables:
    n = draw(st.integers(1, 30))
    org = pd.DataFrame({"dealer_id": ["D1", "D2", "D3", "D4"], "dealer_name": "x", "province": ["P1", "P1", "P2", "P3"],
                        "region": ["R1", "R1", "R1", "R2"]})  # fmt: skip
    sales = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(n)],
        "date": [f"{draw(st.sampled_from([2024, 2025]))}-{draw(st.integers(1, 12)):02d}-15" for _ in range(n)],
        "dealer_id": [draw(st.sampled_from(["D1", "D2", "D3", "D4"])) for _ in range(n)],
        "product_id": [draw(st.sampled_from(["PC", "PW"])) for _ in range(n)],
        "customer_id": "C", "units": [draw(st.integers(1, 50)) for _ in range(n)],
    })  # fmt: skip
    targets = pd.DataFrame({"year": draw(st.sampled_from([2024, 2025])), "dealer_id": ["D1", "D3"], "line": "command",
                            "units": [draw(st.integers(0, 100)), draw(st.integers(0, 100))]})  # fmt: skip
    return Tables.from_frames(org=org, products=PRODUCTS, sales=sales, annual_targets=targets)


weight_sets = st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0.01, 1))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history(), weight_sets)
def test_backtest_composites_equal_the_month_split(data: Tables, weights: tuple[float, float, float]) -> None:
    bd = backtest_data(data, "2026-01")
    blended = composites(bd, np.array([weights]))[0]
    for k, month in enumerate(bd.months):
        shares = composite_shares(data, month, weights)
        expected = shares.pivot(index="province", columns="line", values="composite")
        got = pd.DataFrame(blended[:, :, k], index=bd.provinces["province"], columns=["command", "work", "conversion"])
        assert got.to_numpy() == pytest.approx(expected.loc[got.index, got.columns].to_numpy())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history(), weight_sets)
def test_suggested_is_never_worse_than_current(data: Tables, weights: tuple[float, float, float]) -> None:
    current = backtest(data, "2026-01", weights)
    best = suggested_weights(data, "2026-01", step=0.1, current=weights)
    if np.isnan(current):
        assert np.isnan(best.backtest_tvd)
    else:
        assert best.backtest_tvd <= current + 1e-12
        assert 0 <= best.backtest_tvd <= 1
