"""KPI scoring: timeliness edges, item scores, weights, the performance-pay part."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.assessment import kpi
from kaplan.assessment.figures import kpi_figure
from kaplan.core.params import Kpi
from kaplan.core.schema import KPI_CRITERIA, KPI_ITEMS
from kaplan.core.tables import Tables
from kaplan.inputs.loader import load_tables
from kaplan.sample.write import data_folder

MONTH = "2026-06"  # Saturdays: 6, 13, 20, 27 June 2026
DEFAULT = Kpi()


def submission(staff_id: str, item: str, due: str, submitted: str | None, score: float = 100.0) -> dict:
    row = {"staff_id": staff_id, "month": MONTH, "item": item, "due": due, "submitted": submitted}
    row.update({c: score for c in KPI_CRITERIA[item] if c != "timeliness"})
    return row


def full_marks(staff_id: str, lead_reports: float = 100.0) -> list[dict]:
    rows = [
        submission(staff_id, "target_split", "2026-06-05", "2026-06-05"),
        submission(staff_id, "deal_stats", "2026-06-30", "2026-06-30"),
        submission(staff_id, "lead_reports", "2026-06-10", "2026-06-10", score=lead_reports),
        submission(staff_id, "monthly_summary", "2026-06-30", "2026-06-29"),
    ]
    rows += [submission(staff_id, "relationship_tracking", d, d) for d in
             ("2026-06-06", "2026-06-13", "2026-06-20", "2026-06-27")]  # fmt: skip
    return rows


def tables(rows: list[dict], staff_ids: tuple[str, ...] = ("S1",)) -> Tables:
    staff = pd.DataFrame(
        {"staff_id": list(staff_ids), "name": [f"name {s}" for s in staff_ids],
         "role": "regional_manager", "region": "华北大区", "province": "河北", "dealer_id": None}
    )  # fmt: skip
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["staff_id", "month", "item", "due", "submitted"])
    return Tables.from_frames(staff=staff, kpi_submissions=frame)


def scores(rows: list[dict], staff_ids: tuple[str, ...] = ("S1",), params: Kpi = DEFAULT) -> pd.DataFrame:
    t = tables(rows, staff_ids)
    return kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, params).set_index("staff_id")


def test_every_item_at_100_but_lead_reports_at_0_scores_70() -> None:
    # 0.05*100 + 0.05*100 + 0.30*0 + 0.30*100 + 0.30*100 = 70
    table = scores(full_marks("S1", lead_reports=0.0))
    assert table.loc["S1", "lead_reports"] == 0.0
    assert table.loc["S1", "kpi_score"] == pytest.approx(70.0)
    # performance pay part: 0.30 * 70 / 100 = 0.21
    assert table.loc["S1", "kpi_pay_share"] == pytest.approx(0.21)


def test_full_marks_score_100_and_columns_in_item_order() -> None:
    table = scores(full_marks("S1"))
    assert list(table.columns) == ["name", "role", *KPI_ITEMS, "kpi_score", "kpi_pay_share"]
    assert table.loc["S1", "kpi_score"] == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("submitted", "grace", "expected"),
    [
        ("2026-06-03", 0, 100.0),  # early
        ("2026-06-05", 0, 100.0),  # on the due date
        ("2026-06-06", 0, 90.0),  # 1 day late: -10
        ("2026-06-07", 2, 100.0),  # 2 days late, inside a 2-day grace
        ("2026-06-08", 2, 90.0),  # first day beyond the grace
        ("2026-06-14", 0, 10.0),  # 9 days late
        ("2026-06-15", 0, 0.0),  # 10 days late: exactly 0
        ("2026-06-25", 0, 0.0),  # 20 days late would be -100: floored at 0
        (None, 0, 0.0),  # missing
    ],
)
def test_timeliness_edges(submitted: str | None, grace: int, expected: float) -> None:
    rule = Kpi(points_per_late_day=10.0, grace_days=grace)
    due = pd.Series(pd.to_datetime(["2026-06-05"]))
    sub = pd.Series(pd.to_datetime([submitted]))
    assert kpi.timeliness(due, sub, rule).iloc[0] == pytest.approx(expected)


def test_one_day_late_item_and_missing_row_scores_zero_on_every_criterion() -> None:
    rows = [
        # deal_stats: timeliness 90 (1 day late), accuracy 80 -> (90 + 80) / 2 = 85
        submission("S1", "deal_stats", "2026-06-30", "2026-07-01", score=80.0),
        # monthly_summary missing, though a reviewer score is filled in: all criteria 0
        submission("S1", "monthly_summary", "2026-06-30", None, score=90.0),
    ]
    table = scores(rows)
    assert table.loc["S1", "deal_stats"] == pytest.approx(85.0)
    assert table.loc["S1", "monthly_summary"] == 0.0
    # 0.05 * 85 = 4.25; all other items have no row: 0
    assert table.loc["S1", "kpi_score"] == pytest.approx(4.25)


def test_weekly_tracking_counts_every_saturday_of_the_month() -> None:
    assert kpi.saturdays("2026-06") == 4
    assert kpi.saturdays("2026-08") == 5  # 1, 8, 15, 22, 29 August 2026
    # three of four weeks on time at 100, the 27th missing: 300 / 4 = 75
    rows = [submission("S1", "relationship_tracking", d, d) for d in ("2026-06-06", "2026-06-13", "2026-06-20")]
    table = scores(rows)
    assert table.loc["S1", "relationship_tracking"] == pytest.approx(75.0)
    assert table.loc["S1", "kpi_score"] == pytest.approx(0.30 * 75.0)


def test_lead_reports_have_no_timeliness_criterion() -> None:
    # truthfulness and accuracy only: a late lead report keeps its reviewer scores
    rows = [submission("S1", "lead_reports", "2026-06-01", "2026-06-20", score=60.0)]
    assert scores(rows).loc["S1", "lead_reports"] == pytest.approx(60.0)


def test_blank_reviewer_score_counts_zero_and_is_listed() -> None:
    row = submission("S1", "target_split", "2026-06-05", "2026-06-05")
    row["rationality"] = None  # timeliness 100, rationality blank -> (100 + 0) / 2
    t = tables([row])
    assert scores([row]).loc["S1", "target_split"] == pytest.approx(50.0)
    assert list(kpi.unreviewed(t.kpi_submissions, MONTH)["item"]) == ["target_split"]


def test_staff_without_rows_and_other_months_score_zero() -> None:
    other = submission("S1", "deal_stats", "2026-05-31", "2026-05-31")
    other["month"] = "2026-05"
    table = scores([other], staff_ids=("S1", "S2"))
    assert (table[list(KPI_ITEMS)] == 0.0).all().all()
    assert list(table.index) == ["S1", "S2"]


def test_input_is_not_mutated() -> None:
    t = tables(full_marks("S1"))
    before = t.kpi_submissions.copy()
    kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT)
    pd.testing.assert_frame_equal(t.kpi_submissions, before)


item_score = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
weights = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=5, max_size=5).filter(lambda w: sum(w) > 0.01)


@given(st.lists(item_score, min_size=5, max_size=5), weights)
def test_kpi_score_within_0_and_100(values: list[float], raw: list[float]) -> None:
    w = {item: x / sum(raw) for item, x in zip(KPI_ITEMS, raw, strict=True)}
    score = kpi.kpi_score(pd.DataFrame([values], columns=list(KPI_ITEMS)), w).iloc[0]
    assert -1e-9 <= score <= 100.0 + 1e-9


@given(st.lists(item_score, min_size=5, max_size=5), st.sampled_from(KPI_ITEMS), item_score)
def test_kpi_score_monotone_in_each_item(values: list[float], item: str, other: float) -> None:
    low = pd.DataFrame([values], columns=list(KPI_ITEMS))
    high = low.copy()
    high[item] = max(float(low.loc[0, item]), other)
    w = DEFAULT.weights
    assert kpi.kpi_score(high, w).iloc[0] >= kpi.kpi_score(low, w).iloc[0] - 1e-9


@given(st.integers(min_value=-30, max_value=60), st.integers(min_value=0, max_value=5),
       st.floats(min_value=0.0, max_value=50.0))  # fmt: skip
def test_timeliness_within_0_and_100_and_never_rises_with_lateness(days: int, grace: int, points: float) -> None:
    rule = Kpi(points_per_late_day=points, grace_days=grace)
    due = pd.Series(pd.to_datetime(["2026-06-05", "2026-06-05"]))
    sub = due + pd.to_timedelta([days, days + 1], unit="D")
    on_day, day_after = kpi.timeliness(due, sub, rule)
    assert 0.0 <= day_after <= on_day <= 100.0


submission_rows = st.lists(
    st.tuples(
        st.sampled_from(KPI_ITEMS),
        st.integers(1, 30),  # due day in June
        st.one_of(st.none(), st.integers(-5, 40)),  # submitted that many days after due, or missing
        st.one_of(st.none(), st.floats(0.0, 100.0)),  # reviewer score, or blank
    ),
    max_size=12,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=40, deadline=None)
@given(submission_rows)
def test_any_submissions_score_within_0_and_100(rows: list[tuple[str, int, int | None, float | None]]) -> None:
    records = []
    for item, day, delay, score in rows:
        due = pd.Timestamp(f"2026-06-{day:02d}")
        submitted = None if delay is None else str((due + pd.Timedelta(days=delay)).date())
        record = submission("S1", item, str(due.date()), submitted, score=score if score is not None else 0.0)
        if score is None:
            record.update({c: None for c in KPI_CRITERIA[item] if c != "timeliness"})
        records.append(record)
    table = scores(records)
    values = table[[*KPI_ITEMS, "kpi_score"]].to_numpy()
    assert (values >= 0.0).all() and (values <= 100.0 + 1e-9).all()


def test_kpi_figure_stacks_weighted_items_to_the_score() -> None:
    table = scores(full_marks("S1", lead_reports=0.0)).reset_index()
    fig = kpi_figure(table, DEFAULT.weights, "en")
    assert [trace.name for trace in fig.data] == ["Target split", "Deal statistics", "Lead reports",
                                                  "Key-account tracking", "Monthly summary"]  # fmt: skip
    assert sum(trace.y[0] for trace in fig.data) == pytest.approx(70.0)
    assert fig.data[0].x[0] == "name S1 (Regional manager)"


def test_late_or_missing_lists_rows_beyond_the_grace() -> None:
    rows = [
        submission("S1", "deal_stats", "2026-06-30", "2026-07-02"),  # 2 days late
        submission("S1", "monthly_summary", "2026-06-30", None),  # missing
        submission("S1", "target_split", "2026-06-05", "2026-06-06"),  # 1 day: inside a 1-day grace
        submission("S1", "lead_reports", "2026-06-10", "2026-06-01"),  # early
    ]
    t = tables(rows)
    out = kpi.late_or_missing(t.kpi_submissions, MONTH, Kpi(grace_days=1))
    assert out["item"].tolist() == ["deal_stats", "monthly_summary"]
    assert out["late_days"].iloc[0] == 1.0 and pd.isna(out["late_days"].iloc[1])


# --- a month not over yet: items not due are blank, never 0 (docs/method.md §2.5)


def test_running_month_leaves_items_not_due_blank() -> None:
    t = tables(full_marks("S1", lead_reports=0.0))
    out = kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT, pd.Timestamp("2026-06-13")).set_index("staff_id")
    # due by 13 June: target_split (06-05) 100, lead_reports (06-10) 0, tracking on 06-06 and 06-13: 200 / 2 = 100;
    # deal_stats and monthly_summary are due 06-30: not due, blank
    assert out.loc["S1", ["target_split", "lead_reports", "relationship_tracking"]].tolist() == [100.0, 0.0, 100.0]
    assert out.loc["S1", ["deal_stats", "monthly_summary"]].isna().all()
    # weighted mean of the items due: (0.05 * 100 + 0.30 * 0 + 0.30 * 100) / 0.65 = 35 / 0.65
    assert out.loc["S1", "kpi_score"] == pytest.approx(35 / 0.65)
    assert kpi.items_due(t.kpi_submissions, MONTH, pd.Timestamp("2026-06-13")) == [
        "target_split", "lead_reports", "relationship_tracking"]  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "due"),
    [("2026-06-29", ["target_split", "lead_reports", "relationship_tracking"]),  # the day before month end
     ("2026-06-30", list(KPI_ITEMS)),  # the last day: closed, every item counts
     ("2026-07-20", list(KPI_ITEMS))],
)  # fmt: skip
def test_the_month_closes_on_its_last_day(as_of: str, due: list[str]) -> None:
    t = tables(full_marks("S1"))
    assert kpi.items_due(t.kpi_submissions, MONTH, pd.Timestamp(as_of)) == due


def test_running_month_counts_the_saturdays_so_far() -> None:
    # as of 20 June three Saturdays have passed (6, 13, 20); a person with rows for two scores 200 / 3
    rows = [submission("S1", "relationship_tracking", d, d) for d in ("2026-06-06", "2026-06-13")]
    rows.append(submission("S2", "relationship_tracking", "2026-06-20", "2026-06-20"))
    t = tables(rows, ("S1", "S2"))
    out = kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT, pd.Timestamp("2026-06-20")).set_index("staff_id")
    assert out.loc["S1", "relationship_tracking"] == pytest.approx(200 / 3)
    assert kpi.saturdays(MONTH, pd.Timestamp("2026-06-19")) == 2 and kpi.saturdays(MONTH) == 4


def test_demo_may_scores_match_a_hand_computation() -> None:
    """Three named staff of the demo data set, May 2026 (5 Saturdays: 2, 9, 16, 23, 30), grace 0."""
    t = load_tables(data_folder(None))
    table = kpi.kpi_table(t.staff, t.kpi_submissions, "2026-05", DEFAULT, pd.Timestamp("2026-06-20"))
    table = table.set_index("name")
    # 肖志 (regional director), everything on time:
    #   target_split (100 + 68) / 2 = 84; deal_stats (100 + 70) / 2 = 85; lead_reports (75 + 66) / 2 = 70.5
    #   tracking rows (75+69+79+65)/4 = 72, 73, 77.5, 75.25, 66.75: 364.5 / 5 = 72.9
    #   monthly_summary (74 + 79 + 100) / 3 = 84.333; kpi 4.2 + 4.25 + 21.15 + 21.87 + 25.3 = 76.77
    # 张强 (regional director), two Saturdays missing (0 each):
    #   85.5, 91, (81 + 93) / 2 = 87, (74.75 + 81 + 79.75) / 5 = 47.1, (80 + 81 + 100) / 3 = 87: kpi 75.155
    # 杨刚斌 (regional manager), deal_stats one day late (timeliness 90):
    #   85, (90 + 82) / 2 = 86, (81 + 57) / 2 = 69, (76.75 + 66.25 + 63.25 + 71.5 + 72) / 5 = 69.95, 83: kpi 75.135
    expected = {
        "肖志": [84.0, 85.0, 70.5, 72.9, 253 / 3, 76.77],
        "张强": [85.5, 91.0, 87.0, 47.1, 87.0, 75.155],
        "杨刚斌": [85.0, 86.0, 69.0, 69.95, 83.0, 75.135],
    }
    for name, values in expected.items():
        assert table.loc[name, [*KPI_ITEMS, "kpi_score"]].tolist() == pytest.approx(values), name
    # a closed month: every item has a spread of scores over the 150 staff
    assert (table[list(KPI_ITEMS)].std() > 10).all() and table["kpi_score"].between(0, 100).all()


def test_items_not_due_read_not_due_for_people() -> None:
    t = tables(full_marks("S1"))
    table = kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT, pd.Timestamp("2026-06-13"))
    shown = kpi.with_not_due(table, ("deal_stats", "monthly_summary"), "zh")
    assert shown["deal_stats"].tolist() == ["未到期"] and shown["monthly_summary"].tolist() == ["未到期"]
    assert shown["target_split"].tolist() == [100.0] and table["deal_stats"].isna().all()
    assert kpi.with_not_due(table, (), "en").equals(table)


def test_kpi_figure_bars_reach_the_score_in_a_running_month() -> None:
    t = tables(full_marks("S1", lead_reports=0.0))
    table = kpi.kpi_table(t.staff, t.kpi_submissions, MONTH, DEFAULT, pd.Timestamp("2026-06-13"))
    fig = kpi_figure(table, DEFAULT.weights, "en")
    # deal_stats and monthly_summary are not due: no trace; the rest stack to 35 / 0.65 = 53.8
    assert [trace.name for trace in fig.data] == ["Target split", "Lead reports", "Key-account tracking"]
    assert sum(trace.y[0] for trace in fig.data) == pytest.approx(35 / 0.65)
