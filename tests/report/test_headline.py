"""The headline (docs/method.md §2.7): hand-worked numbers, the boundaries, the sentences."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kaplan.report.headline import (
    Headline,
    headline,
    headline_sentences,
    laggards,
    open_tenders_due,
    units_per_working_day,
    working_days_left,
)

AS_OF = pd.Timestamp("2026-06-20")


def plan(locked: tuple[int, int], rolling: tuple[int, int] | None, rolling_basis: bool = True) -> pd.DataFrame:
    rows = pd.DataFrame({"month": ["2026-05", "2026-06", "2026-06"], "line": ["command", "command", "work"],
                         "locked_plan": [5, *locked]})  # fmt: skip
    rolling_values = [pd.NA, *(rolling or (pd.NA, pd.NA))]
    rows["rolling_plan"] = pd.array(rolling_values, dtype="Int64")
    rows["issued"] = rows["rolling_plan"] if rolling_basis and rolling else rows["locked_plan"].astype("Int64")
    return rows


def region_board(mtd: int, time_progress: float = 2 / 3) -> pd.DataFrame:
    return pd.DataFrame({"region": [None], "line": ["all_lines"], "mtd": [mtd], "time_progress": [time_progress],
                         "row_kind": ["national_total"]})  # fmt: skip


def dealer_board() -> pd.DataFrame:
    """Four dealers x two lines at time progress 2/3 (and a total row that must be ignored)."""
    # D1: 268 x 2/3 - 71 = 107.67 -> 108; D2: 20 - 20 = 0, not behind; D3: 20.67 - 20 -> 1; D0: 2 - 1 = 1 (ties D3)
    rows = [
        # region, province, dealer, name, line, month_plan, mtd
        ("华东", "上海", "D1", "甲", "command", 200, 40), ("华东", "上海", "D1", "甲", "work", 68, 31),
        ("华东", "江苏", "D2", "乙", "command", 30, 20), ("华东", "江苏", "D2", "乙", "work", 0, 0),
        ("华北", "北京", "D3", "丙", "command", 31, 20), ("华北", "北京", "D3", "丙", "work", 0, 0),
        ("华北", "北京", "D0", "丁", "command", 3, 1), ("华北", "北京", "D0", "丁", "work", 0, 0),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["region", "province", "dealer_id", "dealer_name", "line", "month_plan", "mtd"])
    frame = frame.assign(time_progress=2 / 3, row_kind="unit")
    total = frame.iloc[[0]].assign(row_kind="region_total", month_plan=10_000, mtd=0)
    return pd.concat([frame, total], ignore_index=True)


def leads() -> pd.DataFrame:
    rows = [
        ("L1", "tender", "2026-06-01", "2026-06-30", 12, "甲客户"),
        ("L2", "tender", "2026-06-01", "2026-06-01", 12, "乙客户"),  # same units, earlier date: first
        ("L3", "tender", "2026-06-01", "2026-07-01", 99, "丙客户"),  # next month
        ("L4", "tender", "2026-06-01", "2026-05-31", 99, "丁客户"),  # last month
        ("L5", "tender", "2026-06-21", "2026-06-25", 99, "戊客户"),  # reported after as_of
        ("L6", "commit", "2026-06-01", "2026-06-10", 99, "己客户"),  # not a tender
        ("L7", "tender", "2026-06-01", "2026-06-15", 3, "庚客户"),  # overdue on the 20th
        ("L8", "tender", "2026-06-01", "2026-06-20", 3, "辛客户"),  # due on the as-of day itself: still due
    ]
    frame = pd.DataFrame(rows, columns=["lead_id", "stage", "reported_on", "expected_close", "units", "customer_name"])
    for column in ("reported_on", "expected_close"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_working_days_left_in_june_2026() -> None:
    # June 2026: 21 working days (the Dragon Boat festival on Friday 19 June is a holiday); 14 through the 20th
    assert working_days_left(AS_OF) == 7
    assert working_days_left(pd.Timestamp("2026-06-30")) == 0
    assert working_days_left(pd.Timestamp("2026-06-01")) == 20


def test_units_per_working_day_rounds_up_and_stops_without_days() -> None:
    assert units_per_working_day(18_063, 10_841, 7) == 1_032  # 7,222 / 7 = 1,031.7
    assert units_per_working_day(14, 0, 7) == 2  # exact
    assert units_per_working_day(15, 0, 7) == 3
    assert units_per_working_day(10, 12, 3) == 0  # reached
    assert units_per_working_day(10, 0, 0) is None


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 23))
def test_the_pace_closes_the_gap_and_no_less_would(issued: int, mtd: int, days: int) -> None:
    pace = units_per_working_day(issued, mtd, days)
    gap = max(issued - mtd, 0)
    assert (pace * days >= gap and (pace - 1) * days < gap) or pace == gap == 0


def test_laggards_are_the_dealers_most_behind_in_whole_units() -> None:
    out = laggards(dealer_board())
    assert out["dealer_id"].tolist() == ["D1", "D0", "D3"]  # D2 is exactly on time; D0 before D3 by dealer_id
    assert out["units_behind"].tolist() == [108, 1, 1]
    assert out.loc[0, ["month_plan", "mtd"]].tolist() == [268, 71]
    assert laggards(dealer_board(), top=1)["dealer_id"].tolist() == ["D1"]
    assert len(laggards(dealer_board(), top=None)) == 3


def test_open_tenders_due_this_month_largest_first() -> None:
    """L2 (1 June) and L7 (15 June) are overdue on the 20th (逾期未成交): not due; L8 closes on the 20th: due."""
    out = open_tenders_due(leads(), "2026-06", AS_OF)
    assert out["lead_id"].tolist() == ["L1", "L8"]
    assert open_tenders_due(leads(), "2026-06", pd.Timestamp("2026-06-01"))["lead_id"].tolist() == [
        "L2", "L1", "L7", "L8"
    ]


def test_headline_numbers_of_a_rolling_month() -> None:
    h = headline(plan((100, 50), (120, 60)), region_board(90), dealer_board(), leads(), "2026-06", AS_OF, top=2)
    assert (h.issued, h.locked, h.rolling, h.rolling_basis, h.mtd) == (180, 150, 180, True, 90)
    assert h.month_progress == 0.5 and h.working_days_left == 7 and h.per_working_day == math.ceil(90 / 7)
    assert [r["dealer_id"] for r in h.laggards] == ["D1", "D0"]
    assert [r["lead_id"] for r in h.tenders] == ["L1", "L8"] and h.tenders[0]["expected_close"] == "2026-06-30"
    assert h.landing is None and headline(plan((1, 1), None), region_board(0), dealer_board(), leads(), "2026-06",
                                          AS_OF, landing=170).landing == 170  # fmt: skip


def test_the_sentences_of_the_demo_month() -> None:
    h = Headline(month="2026-06", as_of="2026-06-20", issued=18_063, locked=17_328, rolling=18_063, rolling_basis=True,
                 mtd=10_841, month_progress=10_841 / 18_063, time_progress=2 / 3, working_days_left=7,
                 per_working_day=1_032,
                 laggards=[{"region": "华东大区", "province": "上海", "dealer_name": "上海万方", "units_behind": 108}],
                 tenders=[{"customer_name": "昆明顺驰制药", "units": 49, "expected_close": "2026-06-07"}])  # fmt: skip
    zh = headline_sentences(h, "zh")
    assert zh[0] == "2026年6月下达18,063台（滚动计划，比锁定计划17,328台多735台）。"
    assert zh[1] == "截至2026-06-20，本月已销售10,841台，完成60.0%，时间进度66.7%，落后6.6个百分点。"
    assert zh[2] == "本月还剩7个工作日，尚差7,222台，每个工作日需销售1,032台。"
    assert zh[3] == "落后时间进度最多的1家经销商：上海万方（华东大区，差108台）。"
    assert zh[4] == "本月到期的最大1个在跟招标：昆明顺驰制药49台（6月7日）。"
    en = headline_sentences(h, "en")
    assert en[0] == "Jun 2026: 18,063 units issued (rolling plan, 735 units more than the locked plan's 17,328 units)."
    assert en[4] == "The 1 largest open tenders due this month: 昆明顺驰制药 49 units (7 Jun)."


def test_the_sentences_name_every_case() -> None:
    base = dict(month="2026-06", as_of="2026-06-30", issued=100, locked=120, rolling=100, rolling_basis=True, mtd=100,
                month_progress=1.0, time_progress=1.0, working_days_left=0, per_working_day=None)  # fmt: skip
    zh = headline_sentences(Headline(**base), "zh")
    assert zh[0] == "2026年6月下达100台（滚动计划，比锁定计划120台少20台）。"
    assert "与时间进度持平" in zh[1]
    assert zh[2] == "本月已无剩余工作日，尚差0台。"
    assert zh[3:] == ["没有经销商落后时间进度。", "本月没有到期的在跟招标。"]
    same = headline_sentences(Headline(**{**base, "locked": 100}), "zh")[0]
    assert same == "2026年6月下达100台（滚动计划，与锁定计划相同）。"
    locked = headline_sentences(Headline(**{**base, "rolling_basis": False}), "en")[0]
    assert locked == "Jun 2026: 100 units issued (locked plan)."
    done = headline_sentences(Headline(**{**base, "working_days_left": 3, "per_working_day": 0}), "zh")[2]
    assert done == "本月目标已完成（还剩3个工作日）。"
    landing = headline_sentences(Headline(**{**base, "landing": 95}), "zh")
    assert "预计本月落地95台，为目标的95.0%。" in landing
    no_target = headline_sentences(Headline(**{**base, "issued": 0, "month_progress": None}), "zh")[1]
    assert no_target == "截至2026-06-30，本月已销售100台；本月没有下达目标。"
