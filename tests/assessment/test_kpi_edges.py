"""KPI scoring at its edges (docs/method.md §2.5, KPI items and Scores): a closed month counts every
row, also one due after the month; the provisional view counts only the rows due by d in every list;
missing submissions score 0 on every criterion; the lists of unreviewed, late and missing rows."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from test_kpi import DEFAULT, MONTH, full_marks, submission, tables

from kaplan.assessment import kpi
from kaplan.core.schema import KPI_ITEMS

AS_OF = pd.Timestamp("2026-06-20")  # June runs: Saturdays 6, 13 and 20 have passed


def table(rows: list[dict], as_of: pd.Timestamp | None = None, staff_ids: tuple[str, ...] = ("S1",)) -> pd.DataFrame:
    t = tables(rows, staff_ids)
    return kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT, as_of).set_index("staff_id")


def test_timeliness_is_named() -> None:
    due = pd.Series(pd.to_datetime(["2026-06-05"]))
    got = kpi.timeliness(due, due, DEFAULT)
    assert got.name == "timeliness" and got.tolist() == [100.0]


@pytest.mark.parametrize("as_of", ["2026-06-30", "2026-07-20"])
def test_a_closed_month_counts_a_row_due_after_its_end(as_of: str) -> None:
    """§2.5 Scores: a closed month (d on or after its last day) counts every row of the month, here a
    June deal_stats row due on 3 July, and every item (those without a row score 0)."""
    rows = [submission("S1", "deal_stats", "2026-07-03", "2026-07-03", score=80.0)]
    t = tables(rows)
    assert len(kpi.month_rows(t.kpi_submissions, MONTH, pd.Timestamp(as_of))) == 1
    assert kpi.items_due(t.kpi_submissions, MONTH, pd.Timestamp(as_of)) == list(KPI_ITEMS)
    got = table(rows, pd.Timestamp(as_of))
    assert got.loc["S1", "deal_stats"] == 90.0  # (100 + 80) / 2
    assert got.loc["S1", "kpi_score"] == pytest.approx(0.05 * 90.0)  # the other items are due and score 0


def test_month_rows_keep_the_columns_and_number_the_rows() -> None:
    t = tables(full_marks("S1"))
    got = kpi.month_rows(t.kpi_submissions, MONTH, AS_OF)
    assert got.columns.tolist() == t.kpi_submissions.columns.tolist()
    assert got.index.tolist() == list(range(len(got)))
    assert got["due"].max() <= AS_OF and len(got) == 5  # 05, 10 and the Saturdays 06, 13, 20


def test_a_missing_row_scores_0_beside_a_submitted_one() -> None:
    """§2.5 Scores: "missing submission = 0 on every criterion of the row", so lead_reports (no
    timeliness criterion) with (90 + 70) / 2 = 80 and a missing row score (80 + 0) / 2 = 40."""
    rows = [submission("S1", "lead_reports", "2026-06-10", "2026-06-10", score=80.0),
            submission("S1", "lead_reports", "2026-06-20", None, score=90.0)]  # fmt: skip
    rows[0].update(truthfulness=90.0, accuracy=70.0)
    assert table(rows).loc["S1", "lead_reports"] == 40.0


def test_a_reviewer_column_absent_from_the_rows_counts_0() -> None:
    """§2.5 Scores: a blank reviewer score counts 0, also when the table has no column for it."""
    dates = pd.to_datetime(["2026-06-30", "2026-06-05"])
    rows = pd.DataFrame({"staff_id": "S1", "item": ["deal_stats", "target_split"], "due": dates,
                         "submitted": dates, "accuracy": [80.0, 80.0]})  # fmt: skip
    got = kpi.criterion_scores(rows, DEFAULT)
    assert got["rationality"].tolist()[1] == 0.0 and pd.isna(got["rationality"].tolist()[0])
    assert got.loc[0, ["accuracy", "timeliness"]].tolist() == [80.0, 100.0]


def test_the_provisional_view_counts_only_rows_due_by_d() -> None:
    """§2.5 Items not due yet: as of 13 June the tracking rows of 6 and 13 June (100 each) count, the
    missing one of 20 June does not: 200 / 2 Saturdays = 100, not 200 / 3."""
    rows = [submission("S1", "relationship_tracking", d, s)
            for d, s in (("2026-06-06", "2026-06-06"), ("2026-06-13", "2026-06-13"), ("2026-06-20", None))]  # fmt: skip
    as_of = pd.Timestamp("2026-06-13")
    assert table(rows, as_of).loc["S1", "relationship_tracking"] == 100.0
    t = tables(rows)
    assert kpi.row_scores(t.kpi_submissions, MONTH, DEFAULT, as_of)["due"].tolist() == [
        pd.Timestamp("2026-06-06"), pd.Timestamp("2026-06-13")]  # fmt: skip
    assert kpi.late_or_missing(t.kpi_submissions, MONTH, DEFAULT, as_of).empty
    assert kpi.missing(t.kpi_submissions, MONTH, as_of).empty
    assert kpi.late_or_missing(t.kpi_submissions, MONTH, DEFAULT)["due"].tolist() == [pd.Timestamp("2026-06-20")]


def test_late_days_of_an_early_row_are_0() -> None:
    """§2.5 Scores: late_days = max(0, days_late − grace): a row 5 days early has 0, not −5."""
    rows = [submission("S1", "target_split", "2026-06-05", "2026-05-31"),
            submission("S1", "deal_stats", "2026-06-30", "2026-07-02")]  # fmt: skip
    got = kpi.row_scores(tables(rows).kpi_submissions, MONTH, DEFAULT)
    assert got["late_days"].tolist() == [0.0, 2.0]


def test_item_scores_are_indexed_by_staff_id_and_not_due_items_are_float_blanks() -> None:
    t = tables(full_marks("S1"), ("S1", "S2"))
    got = kpi.item_scores(t.kpi_submissions, t.staff["staff_id"], MONTH, DEFAULT, pd.Timestamp("2026-06-13"))
    assert got.index.name == "staff_id" and got.index.tolist() == ["S1", "S2"]
    assert got.columns.tolist() == list(KPI_ITEMS)
    assert got.dtypes.eq("float64").all()
    assert got["deal_stats"].isna().all() and got.loc["S2", "target_split"] == 0.0
    # the staff ids as a plain list (no name to inherit): the index is still named staff_id
    closed = kpi.item_scores(t.kpi_submissions, ["S2", "S1"], MONTH, DEFAULT)
    assert closed.index.name == "staff_id" and closed["target_split"].tolist() == [0.0, 100.0]


def test_an_item_without_a_weight_counts_0() -> None:
    """§2.5 Scores: kpi_score = Σ weight · item score; an item the weights leave out weighs 0."""
    items = pd.DataFrame([[80.0, 60.0, 100.0, 100.0, 100.0]], columns=list(KPI_ITEMS))
    got = kpi.kpi_score(items, {"target_split": 0.5, "deal_stats": 0.5})
    assert got.tolist() == [70.0]


def test_kpi_table_logs_the_month_the_staff_and_the_mean(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="kaplan.assessment.kpi"):
        table(full_marks("S1", lead_reports=0.0), staff_ids=("S1", "S2"))  # S1 70, S2 0: mean 35
        table([], staff_ids=())
    messages = [r.getMessage() for r in caplog.records if r.name == "kaplan.assessment.kpi"]
    assert messages == ["kpi 2026-06: 2 staff scored, mean 35.0", "kpi 2026-06: 0 staff scored, mean nan"]


def test_not_due_reads_in_chinese_by_default() -> None:
    t = tables(full_marks("S1"))
    got = kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT, pd.Timestamp("2026-06-13"))
    assert kpi.with_not_due(got, ["deal_stats"])["deal_stats"].tolist() == ["未到期"]


def test_unreviewed_lists_only_submitted_rows_with_a_blank_of_their_own_item() -> None:
    """§2.5 KPI items: the report notes submitted rows that lack a reviewer score (of their item's
    criteria; timeliness is computed, never reviewed); a missing row is counted as missing instead."""
    reviewed = submission("S1", "target_split", "2026-06-05", "2026-06-05")
    blank = submission("S1", "target_split", "2026-06-05", "2026-06-06")
    blank["rationality"] = None
    not_submitted = submission("S1", "deal_stats", "2026-06-30", None)
    not_submitted["accuracy"] = None
    leads = submission("S1", "lead_reports", "2026-06-10", "2026-06-10")
    later = submission("S1", "monthly_summary", "2026-06-30", "2026-06-30")
    later["quality"] = None
    t = tables([reviewed, blank, not_submitted, leads, later])
    got = kpi.unreviewed(t.kpi_submissions, MONTH)
    assert got.columns.tolist() == ["staff_id", "item", "due", "submitted"]
    assert got["item"].tolist() == ["target_split", "monthly_summary"]
    assert got["submitted"].tolist() == [pd.Timestamp("2026-06-06"), pd.Timestamp("2026-06-30")]
    assert kpi.unreviewed(t.kpi_submissions, MONTH, AS_OF)["item"].tolist() == ["target_split"]


def test_late_or_missing_columns_and_order() -> None:
    rows = [submission("S2", "deal_stats", "2026-06-30", None),
            submission("S1", "monthly_summary", "2026-06-30", "2026-07-01"),
            submission("S1", "target_split", "2026-06-05", "2026-06-08")]  # fmt: skip
    got = kpi.late_or_missing(tables(rows, ("S1", "S2")).kpi_submissions, MONTH, DEFAULT)
    assert got.columns.tolist() == ["staff_id", "item", "due", "submitted", "late_days"]
    assert got.index.tolist() == [0, 1, 2]
    assert got["item"].tolist() == ["target_split", "monthly_summary", "deal_stats"]
    assert got["late_days"].tolist()[:2] == [3.0, 1.0] and pd.isna(got["late_days"].iloc[2])


def test_missing_lists_the_rows_without_a_submission_date() -> None:
    """§2.5 Scores: a blank submitted date is a missing submission (scored 0); June's rows only."""
    other_month = submission("S1", "deal_stats", "2026-05-31", None)
    other_month["month"] = "2026-05"
    rows = [submission("S1", "target_split", "2026-06-05", None), submission("S1", "lead_reports", "2026-06-10",
            "2026-06-10"), submission("S2", "monthly_summary", "2026-06-30", None), other_month]  # fmt: skip
    got = kpi.missing(tables(rows, ("S1", "S2")).kpi_submissions, MONTH)
    assert got.columns.tolist() == ["staff_id", "item", "due"]
    assert got.values.tolist() == [["S1", "target_split", pd.Timestamp("2026-06-05")],
                                   ["S2", "monthly_summary", pd.Timestamp("2026-06-30")]]  # fmt: skip
