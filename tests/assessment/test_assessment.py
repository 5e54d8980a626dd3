"""The assembled assessment: sheets, notes, year-to-date targets, the month windows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kaplan.assessment import workflow
from kaplan.assessment.assess import (
    assess,
    assessed_month,
    assessment_sheets,
    incentive_notes,
    issued_dealer_targets,
    lookback_months,
    months_needed,
    notes,
    prior_targets,
)
from kaplan.assessment.attainment import ATTAINMENT_COLUMNS
from kaplan.assessment.incentive import PAYOUT_COLUMNS, SUMMARY_COLUMNS
from kaplan.assessment.rectification import RECTIFICATION_COLUMNS
from kaplan.core.errors import KaplanError
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


@pytest.mark.parametrize(
    ("run", "chosen", "assessed"),
    [("2026-06", "", "2026-05"), ("2026-01", "", "2025-12"), ("2026-06", "2026-06", "2026-06"),
     ("2026-06", "2025-11", "2025-11")],
)  # fmt: skip
def test_the_run_assesses_the_last_closed_month_by_default(run: str, chosen: str, assessed: str) -> None:
    assert assessed_month(run, chosen) == assessed


def test_a_month_after_the_run_cannot_be_assessed() -> None:
    with pytest.raises(KaplanError, match="cannot assess 2026-07 in the run of 2026-06: it has not started"):
        assessed_month("2026-06", "2026-07")


def test_prior_targets_sum_the_issued_months_or_fall_back() -> None:
    issued = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-02", "2025-12", "2026-03"],
                           "dealer_id": ["D1", "D1", "D2", "D1", "D1"], "target": [3, 4, 5, 100, 9]})  # fmt: skip
    out, fallback = prior_targets(issued, fixture().annual_targets, "2026-03")  # January + February
    assert not fallback and dict(zip(out["dealer_id"], out["target"], strict=True)) == {"D1": 7, "D2": 5}
    out, fallback = prior_targets(issued, fixture().annual_targets, "2026-04")  # January..March all issued
    assert not fallback and dict(zip(out["dealer_id"], out["target"], strict=True)) == {"D1": 16, "D2": 5}
    out, fallback = prior_targets(issued.iloc[1:], fixture().annual_targets, "2026-04")  # January not issued
    # fallback over January..March: floor(120 * 3 / 12) = 30, floor(60 * 3 / 12) = 15
    assert fallback and dict(zip(out["dealer_id"], out["target"], strict=True)) == {"D1": 30, "D2": 15}
    out, fallback = prior_targets(issued, fixture().annual_targets, "2026-01")  # nothing before January
    assert not fallback and out.empty


ISSUED = pd.DataFrame({"month": ["2026-06", "2026-06"], "dealer_id": ["D1", "D2"], "target": [10, 6]})


def test_assess_a_closed_month_worked_example(tmp_path: Path) -> None:
    t = fixture()
    workflow.record("2026-06", "compiled", "王汇总", tmp_path)
    result = assess(t, "2026-06", pd.Timestamp("2026-07-20"), PARAMS, ISSUED, approvals_directory=tmp_path, lang="en")
    assert result.closed and result.not_due == ()
    sheets = assessment_sheets(result)
    assert list(sheets) == ["kpi", "incentive", "incentive_by_role", "rectification"]
    assert list(sheets["kpi"].columns) == ["staff_id", "name", "role", *KPI_ITEMS, "kpi_score", "kpi_pay_share"]
    assert tuple(sheets["incentive"].columns) == PAYOUT_COLUMNS
    assert tuple(sheets["incentive_by_role"].columns) == SUMMARY_COLUMNS
    assert tuple(sheets["rectification"].columns) == RECTIFICATION_COLUMNS
    assert tuple(result.attainment.columns) == ATTAINMENT_COLUMNS
    # S1: deal_stats on time, accuracy blank -> (100 + 0) / 2 = 50; summary missing -> 0; 0.05 * 50 = 2.5
    kpi = sheets["kpi"].set_index("staff_id")
    assert kpi.loc["S1", "kpi_score"] == pytest.approx(2.5)
    assert (result.unreviewed, result.missing) == (1, 1)
    # the whole of June counts: S1 (D1) 9 of 10 = 90 %, marginal: units 8 and 9 at 200 = 400 元
    # (units 1..7 lift attainment below 80 %); S2 (D2) 1 of 6 -> 0; M1 (河北: D1) 9 of 10 at 20 = 40 元
    pay = sheets["incentive"].set_index("staff_id")
    assert pay.loc["S1", ["units_paid", "band", "rate", "payout"]].tolist() == [9, "80%–100% attained", 200.0, 400.0]
    assert pay.loc["S2", "payout"] == 0.0 and pay.loc["M1", "payout"] == 40.0
    assert pay.loc["M1", "base"] == "territory" and pay.loc["S1", "base"] == "own_dealers"
    by_role = sheets["incentive_by_role"].set_index("role")
    # total: 440 元 on the 10 units sold in June (9 + 1): 44 元 per unit
    assert by_role.loc["total", ["units_paid", "payout", "yuan_per_unit"]].tolist() == [10, 440.0, 44.0]
    assert by_role.loc["regional_manager", ["people", "units_paid", "payout"]].tolist() == [1, 9, 40.0]
    # D2: 1 - 1/6 = 0.83 behind over the whole month -> listed, gap 6 - 1 = 5; D1: 0.1 behind, not listed
    assert sheets["rectification"]["dealer_id"].tolist() == ["D2"]
    assert sheets["rectification"]["gap_units"].tolist() == [5]
    # only June issued: January..May fall back to the annual targets (120 * 5 // 12 = 50) + June's 10
    assert result.ytd_fallback
    assert result.attainment.set_index("staff_id").loc["S1", ["ytd_target", "ytd"]].tolist() == [60, 14]
    assert result.approvals["status"].tolist() == ["done", "pending", "pending"]
    en = notes(result, PARAMS, "en")
    assert en[0] == (
        "assessed month: 2026-06 (closed): targets, sales and KPI items of the whole month; compiled by 2026-07-02, "
        "reviewed by the director, approved by the leader"
    )
    assert "1 submitted items lack a reviewer score: counted as 0" in en
    assert "dealers whose month progress trails time progress by more than 20%: 1" in en
    money = incentive_notes(result, PARAMS, "en")
    assert "total payout 440 元 on 10 units sold in the month: 44 元 per unit" in money
    assert not any("estimate" in line for line in money)


def test_assess_the_running_month_provisionally(tmp_path: Path) -> None:
    t = fixture()
    result = assess(t, "2026-06", AS_OF, PARAMS, ISSUED, approvals_directory=tmp_path, lang="en")
    assert not result.closed
    # both KPI rows are due 06-30: nothing is due by 06-20, every item is "not due": blank, never 0
    assert result.not_due == KPI_ITEMS
    assert result.kpi[list(KPI_ITEMS)].isna().all().all() and result.kpi["kpi_score"].isna().all()
    assert (result.unreviewed, result.missing) == (0, 0)
    # S1: target 10 to date ceil(10 * 20 / 30) = 7; 9 sold: 9 / 7; year to date 50 + 7 = 57
    s1 = result.attainment.set_index("staff_id").loc["S1"]
    assert s1[["month_target", "month_target_to_date", "mtd", "ytd_target", "ytd"]].tolist() == [10, 7, 9, 57, 14]
    assert s1["month_attainment"] == pytest.approx(9 / 7) and s1["time_progress"] == pytest.approx(20 / 30)
    # D2: 20/30 - 1/6 = 0.5 behind -> listed, gap ceil(6 * 20 / 30) - 1 = 3
    assert result.rectification["gap_units"].tolist() == [3]
    en = notes(result, PARAMS, "en")
    assert en[0].startswith("2026-06 in progress (as of 2026-06-20, provisional): items not due yet (Target split, ")
    assert "the month is not over: payouts are an estimate to date, not a basis for payment" in incentive_notes(
        result, PARAMS, "en"
    )


def test_assess_refuses_a_month_not_started(tmp_path: Path) -> None:
    with pytest.raises(KaplanError, match="cannot assess 2026-07 as of 2026-06-20"):
        assess(fixture(), "2026-07", AS_OF, PARAMS, ISSUED, approvals_directory=tmp_path)


def test_issued_dealer_targets_from_the_target_engine() -> None:
    t = fixture()
    issued = issued_dealer_targets(t, ["2026-05", "2026-06"], PARAMS)
    assert list(issued.columns) == ["month", "dealer_id", "target"]
    assert sorted(issued["month"].unique()) == ["2026-05", "2026-06"]
    assert (issued["target"] >= 0).all()
