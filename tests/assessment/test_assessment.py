"""The assembled assessment: sheets, notes, year-to-date targets, the month windows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kaplan.assessment import workflow
from kaplan.assessment.assess import (
    assess,
    assessment_sheets,
    issued_dealer_targets,
    lookback_months,
    months_needed,
    notes,
    ytd_targets,
)
from kaplan.assessment.attainment import ATTAINMENT_COLUMNS
from kaplan.assessment.incentive import PAYOUT_COLUMNS
from kaplan.assessment.rectification import RECTIFICATION_COLUMNS
from kaplan.core.params import Params
from kaplan.core.schema import KPI_ITEMS
from kaplan.core.tables import Tables

PARAMS = Params()
AS_OF = pd.Timestamp("2026-06-20")


def fixture() -> Tables:
    org = pd.DataFrame(
        {"dealer_id": ["D1", "D2"], "dealer_name": ["一号", "二号"], "province": ["河北", "山西"],
         "region": ["华北大区", "华北大区"]}
    )  # fmt: skip
    staff = pd.DataFrame(
        {"staff_id": ["M1", "S1", "S2"], "name": ["经理", "专员一", "专员二"],
         "role": ["regional_manager", "dealer_specialist", "dealer_specialist"], "region": "华北大区",
         "province": ["河北", "河北", "山西"], "dealer_id": [None, "D1", "D2"]}
    )  # fmt: skip
    products = pd.DataFrame({"product_id": ["P1"], "product_name": ["车"], "line": ["command"]})
    sales = pd.DataFrame(
        {"order_id": ["o1", "o2", "o3", "o4"], "date": ["2025-12-10", "2026-03-01", "2026-06-02", "2026-06-05"],
         "dealer_id": ["D1", "D1", "D1", "D2"], "product_id": "P1", "customer_id": "C1", "units": [5, 5, 9, 1]}
    )  # fmt: skip
    annual = pd.DataFrame({"year": 2026, "dealer_id": ["D1", "D2"], "line": "command", "units": [120, 60]})
    kpi = pd.DataFrame(
        {"staff_id": ["S1", "S1"], "month": "2026-06", "item": ["deal_stats", "monthly_summary"],
         "due": ["2026-06-30", "2026-06-30"], "submitted": ["2026-06-30", None], "accuracy": [None, None],
         "quality": [None, 80.0], "truthfulness": [None, 80.0]}
    )  # fmt: skip
    return Tables.from_frames(org=org, staff=staff, products=products, sales=sales, annual_targets=annual,
                              kpi_submissions=kpi)  # fmt: skip


def test_month_windows() -> None:
    assert months_needed("2026-06", 5) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert months_needed("2026-02", 3) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert lookback_months("2026-02", 2) == ["2025-12", "2026-01", "2026-02"]
    assert lookback_months("2026-06", 0) == ["2026-06"]


def test_ytd_targets_sum_the_issued_months_or_fall_back() -> None:
    issued = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-02", "2025-12"], "dealer_id": ["D1", "D1", "D2", "D1"],
                           "target": [3, 4, 5, 100]})  # fmt: skip
    out, fallback = ytd_targets(issued, fixture().annual_targets, "2026-02")
    assert not fallback and dict(zip(out["dealer_id"], out["target"], strict=True)) == {"D1": 7, "D2": 5}
    out, fallback = ytd_targets(issued, fixture().annual_targets, "2026-03")  # March not issued
    # fallback: floor(120 * 3 / 12) = 30, floor(60 * 3 / 12) = 15
    assert fallback and dict(zip(out["dealer_id"], out["target"], strict=True)) == {"D1": 30, "D2": 15}


def test_assess_worked_example(tmp_path: Path) -> None:
    t = fixture()
    issued = pd.DataFrame({"month": ["2026-06", "2026-06"], "dealer_id": ["D1", "D2"], "target": [10, 6]})
    workflow.record("2026-06", "compiled", "王汇总", tmp_path)
    result = assess(t, "2026-06", AS_OF, PARAMS, issued, approvals_directory=tmp_path)
    sheets = assessment_sheets(result)
    assert list(sheets) == ["kpi", "incentive", "rectification"]
    assert list(sheets["kpi"].columns) == ["staff_id", "name", "role", *KPI_ITEMS, "kpi_score", "kpi_pay_share"]
    assert tuple(sheets["incentive"].columns) == PAYOUT_COLUMNS
    assert tuple(sheets["rectification"].columns) == RECTIFICATION_COLUMNS
    assert tuple(result.attainment.columns) == ATTAINMENT_COLUMNS
    # S1: deal_stats on time, accuracy blank -> (100 + 0) / 2 = 50; summary missing -> 0; 0.05 * 50 = 2.5
    kpi = sheets["kpi"].set_index("staff_id")
    assert kpi.loc["S1", "kpi_score"] == pytest.approx(2.5)
    assert (result.unreviewed, result.missing) == (1, 1)
    # S1 (D1): 9 of 10 -> band [80%, 100%) at 200: 1800; S2 (D2): 1 of 6 -> 0
    pay = sheets["incentive"].set_index("staff_id")
    assert pay.loc["S1", "payout"] == 1800.0 and pay.loc["S2", "payout"] == 0.0
    # D2: 20/30 - 1/6 = 0.5 behind -> listed, gap ceil(6 * 20 / 30) - 1 = 3; D1: 2/3 - 0.9 < 0
    assert sheets["rectification"]["dealer_id"].tolist() == ["D2"]
    assert sheets["rectification"]["gap_units"].tolist() == [3]
    # only June issued: the year-to-date target falls back to the annual targets (120 * 6 // 12 = 60)
    assert result.ytd_fallback
    assert result.attainment.set_index("staff_id").loc["S1", ["ytd_target", "ytd"]].tolist() == [60, 14]
    assert result.approvals["status"].tolist() == ["done", "pending", "pending"]
    en = notes(result, PARAMS, "en")
    assert "1 submitted items lack a reviewer score: counted as 0" in en
    assert "dealers whose month progress trails time progress by more than 20%: 1" in en
    assert en[0] == (
        "the month is not over: items due after 2026-06-20 count 0 until submitted; "
        "the assessment is compiled by 2026-07-02"
    )
    month_end = assess(t, "2026-06", pd.Timestamp("2026-06-30"), PARAMS, issued, approvals_directory=tmp_path)
    assert not any("not over" in line for line in notes(month_end, PARAMS, "en"))


def test_issued_dealer_targets_from_the_target_engine() -> None:
    t = fixture()
    issued = issued_dealer_targets(t, ["2026-05", "2026-06"], PARAMS)
    assert list(issued.columns) == ["month", "dealer_id", "target"]
    assert sorted(issued["month"].unique()) == ["2026-05", "2026-06"]
    assert (issued["target"] >= 0).all()
