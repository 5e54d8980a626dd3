"""The month cascade: national plan -> provinces -> dealers, regions, warnings, sheets."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from frames import sales_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaplan.core.params import params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import plan_table, seasonal_shares
from kaplan.plan.targets import SHEET_COLUMNS, month_targets, targets_sheets
from kaplan.report.excel import sheet_label, write_workbook

# The month of tests/plan/test_composite.py, 2026-04, weights 0.4/0.3/0.3, no history before 2026
# (seasonality: equal months). Annual plans: command 1005, work 60.
#   YTD Jan..Mar: command 100, work 10 -> gaps 905 and 50 over Apr..Dec (9 equal months):
#   command 100.56 each -> floors 900, 5 left to Apr..Aug -> April 101
#   work 5.56 each -> floors 45, 5 left to Apr..Aug -> April 6
# Provinces (composites from test_composite):
#   command 101 x (.47, .39, .14) = 47.47, 39.39, 14.14 -> 47 + 39 + 14 = 100, +1 to P1 -> 48, 39, 14
#   work 6 x (.15, .39, .16)/.7 = 1.29, 3.34, 1.37 -> 1 + 3 + 1 = 5, +1 to P3 (.37) -> 1, 3, 2
# Dealers:
#   P1 command 48 x (.69, .31) = 33.12, 14.88 -> 33, 15;  P1 work 1: only D1a has a share (A) -> 1, 0
#   P3 command 14: D3 1, new dealer D4 0 -> 14, 0;        P3 work 2 -> 2, 0
# Regions: R1 = P1 + P2: command 87, work 4; R2 = P3: command 14, work 2.

ORG = pd.DataFrame(
    {
        "dealer_id": ["D1a", "D1b", "D2", "D3", "D4"],
        "dealer_name": ["甲", "乙", "丙", "丁", "戊"],
        "province": ["P1", "P1", "P2", "P3", "P3"],
        "region": ["R1", "R1", "R1", "R2", "R2"],
    }
)
PRODUCTS = pd.DataFrame({"product_id": ["PC", "PW"], "product_name": ["指挥", "作业"], "line": ["command", "work"]})
SALES_ROWS = [
    ("2026-01-10", "D1a", "PC", 20), ("2026-03-05", "D1a", "PC", 10), ("2026-02-11", "D1b", "PC", 20),
    ("2026-01-20", "D2", "PC", 20), ("2026-03-31", "D2", "PC", 10), ("2026-02-01", "D3", "PC", 20),
    ("2026-02-14", "D2", "PW", 6), ("2026-01-02", "D3", "PW", 4), ("2026-04-01", "D1b", "PC", 500),
]  # fmt: skip
SALES = sales_frame(SALES_ROWS)
TARGETS = pd.DataFrame(
    {
        "year": [2026] * 6,
        "dealer_id": ["D1a", "D1b", "D2", "D3", "D1a", "D2"],
        "line": ["command", "command", "command", "command", "work", "work"],
        "units": [201, 201, 402, 201, 30, 30],
    }
)
PARAMS = params_from_mapping({})


@pytest.fixture
def month_data() -> Tables:
    return Tables.from_frames(org=ORG, products=PRODUCTS, sales=SALES, annual_targets=TARGETS)


def _targets(frame: pd.DataFrame, key: str, line: str) -> dict[str, int]:
    rows = frame[frame["line"] == line]
    return dict(zip(rows[key], rows["target"].tolist(), strict=True))


def test_cascade_worked_example(month_data: Tables) -> None:
    mt = month_targets(month_data, "2026-04", PARAMS)
    issued = mt.plan[mt.plan["month"] == "2026-04"].set_index("line")["issued"]
    assert issued.to_dict() == {"command": 101, "work": 6, "conversion": 0}
    assert _targets(mt.province, "province", "command") == {"P1": 48, "P2": 39, "P3": 14}
    assert _targets(mt.province, "province", "work") == {"P1": 1, "P2": 3, "P3": 2}
    assert _targets(mt.province, "province", "conversion") == {"P1": 0, "P2": 0, "P3": 0}
    assert _targets(mt.dealer, "dealer_id", "command") == {"D1a": 33, "D1b": 15, "D2": 39, "D3": 14, "D4": 0}
    assert _targets(mt.dealer, "dealer_id", "work") == {"D1a": 1, "D1b": 0, "D2": 3, "D3": 2, "D4": 0}
    region = mt.region.set_index(["region", "line"])["target"]
    assert region.to_dict() == {("R1", "command"): 87, ("R1", "work"): 4, ("R1", "conversion"): 0,
                                ("R2", "command"): 14, ("R2", "work"): 2, ("R2", "conversion"): 0}  # fmt: skip
    assert mt.province["target"].dtype == "int64" and mt.dealer["target"].dtype == "int64"


def test_warnings_cover_dropped_components_equal_splits_and_seasonality(month_data: Tables) -> None:
    warnings = month_targets(month_data, "2026-04", PARAMS).warnings
    assert list(warnings.columns) == ["level", "province", "line", "component", "issue"]
    rows = {tuple(r) for r in warnings.values.tolist()}
    assert ("province", "", "work", "last_month", "component_dropped") in rows
    assert ("province", "", "conversion", "", "equal_split") in rows
    assert ("dealer", "P1", "work", "trailing3", "component_dropped") in rows
    assert ("seasonal", "", "command", "", "seasonal_equal") in rows


def test_locked_issue_uses_the_locked_plan(month_data: Tables) -> None:
    # locked: 1005 / 12 = 83.75 -> floors 996, 9 left to Jan..Sep -> April 84
    mt = month_targets(month_data, "2026-04", params_from_mapping({"rolling": False}))
    assert mt.province[mt.province["line"] == "command"]["target"].sum() == 84


def test_weights_argument_overrides_params(month_data: Tables) -> None:
    # annual only: command 101 x (.4, .4, .2) = 40.4, 40.4, 20.2 -> 40, 40, 20 + 1 to P1 (tie, earlier)
    mt = month_targets(month_data, "2026-04", PARAMS, weights=(0, 0, 1))
    assert _targets(mt.province, "province", "command") == {"P1": 41, "P2": 40, "P3": 20}


def test_sheets_have_exactly_the_design_columns(month_data: Tables, tmp_path: Path) -> None:
    mt = month_targets(month_data, "2026-04", PARAMS)
    sheets = targets_sheets(mt)
    assert list(sheets) == ["plan", "province", "dealer"]
    for name, frame in sheets.items():
        assert tuple(frame.columns) == SHEET_COLUMNS[name]
    assert len(sheets["plan"]) == 36 and len(sheets["province"]) == 9 and len(sheets["dealer"]) == 15
    path = write_workbook(tmp_path / f"targets_{mt.month}.xlsx", targets_sheets(mt), "en")
    assert path.name == "targets_2026-04.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Plan and issue", "Province targets", "Dealer targets"]
    scenarios = pd.DataFrame({"scenario": ["current"], "trailing3": [0.4], "last_month": [0.3], "annual": [0.3],
                              "backtest_tvd": [0.1]})  # fmt: skip
    assert list(targets_sheets(mt, scenarios)) == ["plan", "province", "dealer", "scenarios"]
    (tmp_path / "zh").mkdir()
    path = write_workbook(tmp_path / "zh" / "targets.xlsx", targets_sheets(mt, scenarios), "zh")
    names = [sheet_label(n, "zh") for n in ("plan", "province", "dealer", "scenarios")]
    assert names == ["年度计划与月度下达", "省区目标", "经销商目标", "权重方案"]
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == names


@st.composite
def random_month(draw: st.DrawFn) -> Tables:
    n_dealers = draw(st.integers(1, 8))
    provinces = [draw(st.sampled_from(["P1", "P2", "P3"])) for _ in range(n_dealers)]
    org = pd.DataFrame({"dealer_id": [f"D{i}" for i in range(n_dealers)], "dealer_name": "x",
                        "province": provinces, "region": [{"P1": "R1", "P2": "R1", "P3": "R2"}[p] for p in provinces]})
    n_sales = draw(st.integers(0, 25))
    sales = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(n_sales)],
        "date": [f"2026-{draw(st.integers(1, 3)):02d}-{draw(st.integers(1, 28)):02d}" for _ in range(n_sales)],
        "dealer_id": [f"D{draw(st.integers(0, n_dealers - 1))}" for _ in range(n_sales)],
        "product_id": [draw(st.sampled_from(["PC", "PW"])) for _ in range(n_sales)],
        "customer_id": "C", "units": [draw(st.integers(1, 40)) for _ in range(n_sales)],
    })
    targets = pd.DataFrame({"year": 2026, "dealer_id": org["dealer_id"], "line": "command",
                            "units": [draw(st.integers(0, 300)) for _ in range(n_dealers)]})
    return Tables.from_frames(org=org, products=PRODUCTS, sales=sales, annual_targets=targets)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_month(), st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0.01, 1)))
def test_every_level_sums_exactly_to_its_parent(data: Tables, weights: tuple[float, float, float]) -> None:
    mt = month_targets(data, "2026-04", PARAMS, weights=weights)
    issued = mt.plan[mt.plan["month"] == "2026-04"].set_index("line")["issued"].astype("int64")
    by_line = mt.province.groupby("line")["target"].sum()
    assert (by_line.reindex(issued.index) == issued).all()
    dealer_sum = mt.dealer.groupby(["province", "line"])["target"].sum()
    province = mt.province.set_index(["province", "line"])["target"]
    assert (dealer_sum.reindex(province.index) == province).all()
    assert mt.region["target"].sum() == issued.sum()
    # each province within floor/ceil of its quota
    quota = mt.province["composite"] * mt.province["line"].map(issued)
    assert (mt.province["target"] >= np.floor(quota - 1e-6)).all()
    assert (mt.province["target"] <= np.ceil(quota + 1e-6)).all()
    assert (mt.dealer["target"] >= 0).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_month(), st.randoms())
def test_row_order_of_inputs_does_not_matter(data: Tables, rnd: random.Random) -> None:
    def shuffled(frame: pd.DataFrame) -> pd.DataFrame:
        order = list(range(len(frame)))
        rnd.shuffle(order)
        return frame.iloc[order].reset_index(drop=True)

    other = Tables.from_frames(org=shuffled(data.org), products=data.products, sales=shuffled(data.sales),
                               annual_targets=shuffled(data.annual_targets))  # fmt: skip
    a, b = month_targets(data, "2026-04", PARAMS), month_targets(other, "2026-04", PARAMS)
    pd.testing.assert_frame_equal(a.dealer, b.dealer)
    pd.testing.assert_frame_equal(a.province, b.province)


def test_small_sample_cascade_is_exact(small_tables: Tables) -> None:
    mt = month_targets(small_tables, "2026-06", PARAMS)
    issued = mt.plan[mt.plan["month"] == "2026-06"].set_index("line")["issued"].astype("int64")
    assert issued.sum() > 0
    assert (mt.province.groupby("line")["target"].sum().reindex(issued.index) == issued).all()
    dealer_sum = mt.dealer.groupby(["province", "line"])["target"].sum()
    assert (dealer_sum == mt.province.set_index(["province", "line"])["target"].reindex(dealer_sum.index)).all()
    assert len(mt.dealer) == 3 * len(small_tables.org)
    locked = mt.plan.groupby("line")["locked_plan"].sum()
    annual = small_tables.annual_targets.query("year == 2026").groupby("line")["units"].sum()
    assert (locked.reindex(annual.index) == annual).all()


def test_seasonal_shares_given_are_the_ones_used(small_tables: Tables) -> None:
    own = seasonal_shares(small_tables, 2026, PARAMS)
    given = month_targets(small_tables, "2026-06", PARAMS, seasonal=own)
    computed = month_targets(small_tables, "2026-06", PARAMS)
    pd.testing.assert_frame_equal(given.plan, computed.plan)
    pd.testing.assert_frame_equal(given.dealer, computed.dealer)
    other = seasonal_shares(small_tables, 2025, PARAMS)
    assert not other["seasonal_share"].equals(own["seasonal_share"])
    with_other = month_targets(small_tables, "2026-06", PARAMS, seasonal=other)
    pd.testing.assert_frame_equal(with_other.plan, plan_table(small_tables, "2026-06", PARAMS, other))
    assert not with_other.plan.equals(computed.plan)
