"""The lead registry at its edges (docs/method.md §2.4): the as-of day on both sides of every date rule,
an as-of time of day, blank tracking dates, the exact columns and order of each view."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from test_registry import leads_frame as registry_frame

from kaplan.core.params import Qualification
from kaplan.core.schema import STAGES
from kaplan.core.tables import Tables
from kaplan.leads.registry import (
    CONVERSION_COLUMNS,
    FUNNEL_COLUMNS,
    conversion_by,
    days_since_tracked,
    funnel,
    is_open,
    is_overdue,
    is_stale,
    last_saturday,
    lead_facts,
    qualification_counts,
    qualified,
    reached_counts,
    reported_by,
    stale_leads,
    stale_on,
    stale_rollup,
)

AS_OF = pd.Timestamp("2026-06-20")  # a Saturday
AFTERNOON = pd.Timestamp("2026-06-20 15:30")


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def leads_frame(rows: list[dict]) -> pd.DataFrame:
    """test_registry's leads, dates given as text with or without a time of day."""
    dates = ("reported_on", "expected_close", "last_tracked")
    return registry_frame([{k: pd.Timestamp(v) if k in dates and v is not None else v for k, v in row.items()}
                           for row in rows])  # fmt: skip


def test_lead_facts_names_every_key() -> None:
    lead_rows = [
        {"lead_id": "L1", "reported_on": "2026-01-10", "dealer_id": "D2", "owner_id": "S2", "customer_id": "C2",
         "lead_class": "direct", "source": "directory", "stage": "contact", "product_id": "P2", "units": 3,
         "budget": 1e6, "expected_close": "2026-07-01", "last_tracked": "2026-06-01"},
        {"lead_id": "L2", "reported_on": "2026-02-10", "dealer_id": "D1", "owner_id": "S1", "customer_id": "C1",
         "lead_class": "tender", "source": "exhibition", "stage": "won", "product_id": "P1", "units": 4,
         "budget": 2e6, "expected_close": "2026-08-01", "last_tracked": "2026-06-02"},
    ]  # fmt: skip
    tables = Tables.from_frames(
        org=pd.DataFrame({"dealer_id": ["D1", "D2"], "dealer_name": ["甲", "乙"], "province": ["河北", "广东"],
                          "region": ["华北大区", "华南大区"]}),
        staff=pd.DataFrame({"staff_id": ["S1", "S2"], "name": ["张三", "李四"], "role": "dealer_specialist",
                            "region": "华北大区", "province": "河北", "dealer_id": "D1"}),
        products=pd.DataFrame({"product_id": ["P1", "P2"], "product_name": ["越野", "皮卡"],
                               "line": ["command", "work"]}),
        customers=pd.DataFrame({"customer_id": ["C1", "C2"], "customer_name": ["公安局", "电力"],
                                "industry": ["public_security", "power_grid"], "segment": ["government", "enterprise"],
                                "purchase_method": ["tender", "agreement"]}),
        leads=pd.DataFrame(lead_rows),
    )  # fmt: skip
    got = lead_facts(tables)
    assert got["lead_id"].tolist() == ["L1", "L2"]
    assert got["region"].tolist() == ["华南大区", "华北大区"]
    assert got["province"].tolist() == ["广东", "河北"]
    assert got["dealer_name"].tolist() == ["乙", "甲"]
    assert got["line"].tolist() == ["work", "command"]
    assert got["product_name"].tolist() == ["皮卡", "越野"]
    assert got["customer_name"].tolist() == ["电力", "公安局"]
    assert got["industry"].tolist() == ["power_grid", "public_security"]
    assert got["segment"].tolist() == ["enterprise", "government"]
    assert got["purchase_method"].tolist() == ["agreement", "tender"]
    assert got["owner_name"].tolist() == ["李四", "张三"]
    assert got["units"].tolist() == [3, 4]  # the lead's own columns are kept


def test_reported_by_includes_the_as_of_day() -> None:
    leads = leads_frame([{"stage": "contact", "reported_on": d} for d in ("2026-06-19", "2026-06-20", "2026-06-21")])
    assert reported_by(leads, AS_OF)["lead_id"].tolist() == ["L1", "L2"]


def test_is_open_is_the_six_sales_stages() -> None:
    leads = leads_frame([{"stage": s} for s in STAGES])
    assert is_open(leads).tolist() == [True] * 6 + [False, False]


def test_overdue_reads_the_as_of_day_not_its_time() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "expected_close": "2026-06-19"},  # the day before: overdue
            {"stage": "contact", "expected_close": "2026-06-20"},  # the day itself, whatever the hour: not
            {"stage": "lost", "expected_close": "2026-01-01"},  # closed: never overdue
            {"stage": "won", "expected_close": "2026-01-01"},
        ]
    )
    assert is_overdue(leads, AFTERNOON).tolist() == [True, False, False, False]
    assert is_overdue(leads, AS_OF).tolist() == [True, False, False, False]


def test_days_since_tracked_counts_whole_days_from_midnight() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-18 12:00"},  # 1.5 days before midnight: 1
            {"stage": "contact", "last_tracked": "2026-06-20"},  # today: 0
            {"stage": "contact", "last_tracked": "2026-06-22"},  # tracked "in the future": floored at 0
            {"stage": "contact", "last_tracked": "2026-06-19"},  # yesterday: 1
            {"stage": "contact", "last_tracked": None, "reported_on": "2026-06-05"},  # blank: from the report, 15
        ]
    )
    got = days_since_tracked(leads, AFTERNOON)
    assert got.tolist() == [1, 0, 0, 1, 15]
    assert str(got.dtype) == "int64"


def test_is_stale_on_a_blank_tracking_date_reads_the_report_date() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": None, "reported_on": "2026-06-13"},  # 7 days: not stale
            {"stage": "contact", "last_tracked": None, "reported_on": "2026-06-12"},  # 8 days: stale
        ]
    )
    assert is_stale(leads, AFTERNOON, 7).tolist() == [False, True]


def test_stale_leads_columns_order_and_ties() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-01"},  # 19 days
            {"stage": "analyse", "last_tracked": "2026-05-01"},  # 50 days
            {"stage": "discover", "last_tracked": "2026-06-01"},  # 19 days, ties with L1: by lead_id
            {"stage": "tender", "last_tracked": "2026-06-12"},  # 8 days
            {"stage": "contact", "last_tracked": "2026-06-13"},  # 7 days: not stale
            {"stage": "lost", "last_tracked": "2026-01-01"},
            {"stage": "contact", "last_tracked": "2026-05-01", "reported_on": "2026-06-21"},  # not yet reported
        ]
    )
    leads["owner_name"] = "张三"
    leads["region"] = "华北大区"
    got = stale_leads(leads, AS_OF, 7)
    assert list(got.columns) == ["lead_id", "region", "owner_id", "owner_name", "stage", "units", "last_tracked",
                                 "days_since_tracked"]  # fmt: skip
    assert got["lead_id"].tolist() == ["L2", "L1", "L3", "L4"]
    assert got["days_since_tracked"].tolist() == [50, 19, 19, 8]
    assert got.index.tolist() == [0, 1, 2, 3]
    # reversed lead ids: the tie is still broken by lead id, ascending
    leads["lead_id"] = [f"L{9 - i}" for i in range(len(leads))]
    assert stale_leads(leads, AS_OF, 7)["lead_id"].tolist() == ["L8", "L7", "L9", "L6"]


def test_stale_leads_keeps_every_listed_column() -> None:
    leads = leads_frame([{"stage": "contact", "last_tracked": "2026-06-01"}])
    leads = leads.assign(region="华北大区", province="河北", owner_name="张三", customer_name="公安局")
    got = stale_leads(leads, AS_OF, 7)
    assert list(got.columns) == ["lead_id", "region", "province", "owner_id", "owner_name", "customer_name", "stage",
                                 "units", "last_tracked", "days_since_tracked"]  # fmt: skip
    assert got.iloc[0].tolist() == ["L1", "华北大区", "河北", "S1", "张三", "公安局", "contact", 5,
                                    pd.Timestamp("2026-06-01"), 19]  # fmt: skip


def test_last_saturday_on_every_weekday() -> None:
    # 14 June 2026 is a Sunday; the Saturday before 14..20 June is 13 June
    for offset in range(7):
        assert last_saturday(day("2026-06-14") + pd.Timedelta(days=offset)) == day("2026-06-13")
    assert last_saturday(day("2026-06-21")) == day("2026-06-20")  # the next Sunday
    assert last_saturday(day("2026-06-20 18:45")) == day("2026-06-13")  # the time of day is dropped
    assert last_saturday(day("2026-06-19 08:00")) == day("2026-06-13")


def test_stale_on_at_its_edges() -> None:
    saturday = day("2026-06-13")
    leads = leads_frame(
        [
            {"stage": "contact", "reported_on": "2026-05-01", "last_tracked": "2026-06-05"},  # 8 days: stale
            {"stage": "contact", "reported_on": "2026-05-01", "last_tracked": "2026-06-06"},  # 7 days: not
            {"stage": "contact", "reported_on": "2026-06-13", "last_tracked": None},  # reported that day, 0 days
            {"stage": "contact", "reported_on": "2026-06-14", "last_tracked": "2026-05-01"},  # reported after
            {"stage": "won", "reported_on": "2026-05-01", "last_tracked": "2026-06-14"},  # closed the day after
            {"stage": "won", "reported_on": "2026-05-01", "last_tracked": "2026-06-13"},  # closed that day
            {"stage": "lost", "reported_on": "2026-05-01", "last_tracked": "2026-06-01"},  # closed before
            {"stage": "contact", "reported_on": "2026-05-01", "last_tracked": "2026-06-14"},  # tracked after
            {"stage": "contact", "reported_on": "2026-05-01", "last_tracked": None},  # blank: 43 days since report
            {"stage": "contact", "reported_on": "2026-06-05", "last_tracked": None},  # blank: 8 days since report
        ]
    )
    got = stale_on(leads, saturday, 7)
    assert got.tolist() == [True, False, False, False, False, False, False, False, True, True]
    # the time of day of ``day`` is dropped: tracked at noon on 5 June is 7 days before 13 June
    noon = leads_frame([{"stage": "contact", "reported_on": "2026-05-01", "last_tracked": "2026-06-05 12:00"}])
    assert stale_on(noon, day("2026-06-13 23:00"), 7).tolist() == [False]
    assert stale_on(noon, day("2026-06-14 01:00"), 7).tolist() == [True]


def test_stale_on_a_closed_lead_alive_and_stale_on_the_day() -> None:
    # reported 1 May and won on 14 June without a tracking in between the registry can see: its last
    # tracking is its close day, after the Saturday, so it is not stale on that Saturday
    leads = leads_frame([{"stage": "won", "reported_on": "2026-05-01", "last_tracked": "2026-06-14"}])
    assert stale_on(leads, day("2026-06-13"), 7).tolist() == [False]
    assert stale_on(leads, day("2026-06-14"), 7).tolist() == [False]


def test_stale_rollup_keeps_blank_owners_and_sorts_by_every_key() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S2", "units": 2},
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S1", "units": 3},
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": None, "units": 4},
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S3", "units": 1},
            {"stage": "contact", "last_tracked": "2026-05-20", "owner_id": "S3", "units": 6},
            {"stage": "contact", "last_tracked": "2026-06-15", "owner_id": "S4", "units": 9},  # not stale
        ]
    )
    got = stale_rollup(leads, AS_OF, 7, ["owner_id"])
    assert list(got.columns) == ["owner_id", "stale", "stale_units", "stale_last_saturday", "stale_change"]
    assert got["owner_id"].tolist()[:3] == ["S3", "S1", "S2"]
    assert pd.isna(got["owner_id"].iloc[3])
    assert got["stale"].tolist() == [2, 1, 1, 1]
    assert got["stale_units"].tolist() == [7, 3, 2, 4]
    assert got["stale_last_saturday"].tolist() == [2, 1, 1, 1]
    assert got.index.tolist() == [0, 1, 2, 3]
    for column in ("stale", "stale_units", "stale_last_saturday", "stale_change"):
        assert str(got[column].dtype) == "int64"


def test_stale_rollup_before_and_change() -> None:
    # as of Saturday 20 June (last Saturday 13 June), stale after 7 days
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S1"},  # stale on both days
            {"stage": "contact", "last_tracked": "2026-06-05", "owner_id": "S1"},  # 8 days on 13 June: both
            {"stage": "contact", "last_tracked": "2026-06-06", "owner_id": "S1"},  # 7 days on 13 June: now only
            {"stage": "contact", "last_tracked": "2026-06-16", "owner_id": "S2"},  # tracked since: stale on neither
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S2"},  # both
        ]
    )
    got = stale_rollup(leads, AS_OF, 7, ["owner_id"]).set_index("owner_id")
    assert got.loc["S1"].tolist() == [3, 15, 2, 1]
    assert got.loc["S2"].tolist() == [1, 5, 1, 0]


def test_stale_rollup_by_two_keys_sorts_each_ascending() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S1", "dealer_id": "D2"},
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S2", "dealer_id": "D1"},
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S1", "dealer_id": "D1"},
        ]
    )
    got = stale_rollup(leads, AS_OF, 7, ["owner_id", "dealer_id"])
    assert got[["owner_id", "dealer_id"]].to_numpy().tolist() == [["S1", "D1"], ["S1", "D2"], ["S2", "D1"]]


def test_qualified_at_an_afternoon_as_of_keeps_index_and_name() -> None:
    rule = Qualification(min_units=3, min_budget_per_unit=80_000, max_months_to_close=12)
    leads = leads_frame(
        [
            {"units": 4, "budget": 320_000.0, "expected_close": "2027-06-20"},  # horizon day: qualified
            {"units": 4, "budget": 320_000.0, "expected_close": "2027-06-20 12:00"},  # noon of it: after
            {"units": 4, "budget": np.nan, "expected_close": "2027-06-21"},  # unknown budget, too late: False
            {"units": 4, "budget": np.nan},  # unknown budget only: <NA>
            {"units": 4, "budget": 319_999.0},  # just below: False
        ]
    )
    leads.index = [10, 11, 12, 13, 14]
    got = qualified(leads, rule, AFTERNOON)
    assert got.name == "qualified"
    assert got.index.tolist() == [10, 11, 12, 13, 14]
    assert got.tolist() == [True, False, False, pd.NA, False]
    zero_months = Qualification(min_units=1, min_budget_per_unit=0, max_months_to_close=0)
    assert qualified(leads, zero_months, AFTERNOON).tolist() == [False, False, False, False, False]
    leads["expected_close"] = AS_OF
    assert qualified(leads, zero_months, AFTERNOON).tolist() == [True, True, pd.NA, pd.NA, True]


def test_qualified_default_rule() -> None:
    leads = leads_frame(
        [{"units": 3, "budget": 240_000.0}, {"units": 2, "budget": 1e9}, {"units": 3, "budget": 239_999.0}]
    )
    assert qualified(leads, Qualification(), AS_OF).tolist() == [True, False, False]


def test_qualification_counts_every_column_exactly() -> None:
    leads = leads_frame(
        [
            {"stage": "discover", "units": 4},  # qualified
            {"stage": "discover", "units": 6},  # qualified
            {"stage": "discover", "units": 2},  # too few units: not qualified
            {"stage": "discover", "units": 9, "budget": np.nan},  # unknown
            {"stage": "commit", "units": 1, "budget": np.nan},  # not qualified whatever the budget
            {"stage": "commit", "units": 5, "budget": np.nan},  # unknown
        ]
    )
    leads["qualified"] = qualified(leads, Qualification(), AS_OF)
    got = qualification_counts(leads)
    assert list(got.columns) == ["stage", "qualified", "not_qualified", "unknown", "qualified_units"]
    assert got["stage"].tolist() == ["discover", "contact", "analyse", "position", "commit", "tender"]
    assert str(got["stage"].dtype) == "str"
    assert got["qualified"].tolist() == [2, 0, 0, 0, 0, 0]
    assert got["not_qualified"].tolist() == [1, 0, 0, 0, 1, 0]
    assert got["unknown"].tolist() == [1, 0, 0, 0, 1, 0]
    assert got["qualified_units"].tolist() == [10, 0, 0, 0, 0, 0]
    for column in ("qualified", "not_qualified", "unknown", "qualified_units"):
        assert str(got[column].dtype) == "int64"


def test_reached_counts_hand_worked() -> None:
    stages = pd.Series(["lost", "won", "commit", "discover", "lost", "tender"], dtype="str")
    got = reached_counts(stages)
    # open/won at or after k: discover 4, contact 3, analyse 3, position 3, commit 3, tender 2, won 1
    assert got.to_dict() == {"discover": 6, "contact": 3, "analyse": 3, "position": 3, "commit": 3, "tender": 2,
                             "won": 1}  # fmt: skip
    assert str(got.dtype) == "int64"
    assert reached_counts(pd.Series(["lost"], dtype="str")).tolist() == [1, 0, 0, 0, 0, 0, 0]
    assert reached_counts(pd.Series(["discover"], dtype="str")).tolist() == [1, 0, 0, 0, 0, 0, 0]
    assert reached_counts(pd.Series(["won"], dtype="str")).tolist() == [1, 1, 1, 1, 1, 1, 1]


def test_funnel_columns_lost_row_and_reports_after_as_of() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "units": 2},
            {"stage": "lost", "units": 3},
            {"stage": "lost", "units": 4},
            {"stage": "won", "units": 5},
            {"stage": "won", "units": 6, "reported_on": "2026-06-21"},  # after as_of: left out
            {"stage": "tender", "units": 7, "reported_on": "2026-06-20", "last_tracked": "2026-06-01"},
        ]
    )
    got = funnel(leads, AS_OF)
    assert list(got.columns) == list(FUNNEL_COLUMNS)
    assert got["stage"].tolist() == list(STAGES)
    assert got["buyer_stage"].tolist() == ["internal_brewing", "plan_preparation", "purchase_requirements",
                                           "evaluate_compare", "purchase_commitment", "run_tender", "contract",
                                           "contract"]  # fmt: skip
    assert got["leads"].tolist() == [0, 1, 0, 0, 0, 1, 1, 2]
    assert got["units"].tolist() == [0, 2, 0, 0, 0, 7, 5, 7]
    # reached: discover 3 + 2 lost = 5, contact 3, analyse .. tender 2, won 1; the lost row: 2
    assert got["reached"].tolist() == [5, 3, 2, 2, 2, 2, 1, 2]
    np.testing.assert_allclose(got["stage_conversion"].iloc[:6].to_numpy(), [3 / 5, 2 / 3, 1, 1, 1, 1 / 2])
    assert got["stage_conversion"].iloc[6:].isna().all()
    median = got.set_index("stage")["median_days_since_tracked"]
    assert median["contact"] == 2.0 and median["tender"] == 19.0
    assert median[["discover", "analyse", "won", "lost"]].isna().all()
    for column in ("leads", "units", "reached"):
        assert str(got[column].dtype) == "int64"


def test_funnel_conversion_is_blank_where_nothing_reached() -> None:
    got = funnel(leads_frame([{"stage": "contact"}]), AS_OF)
    # discover 1 -> contact 1 (1.0), contact 1 -> analyse 0 (0.0), then nothing reached: blank
    conversion = got["stage_conversion"].to_numpy()
    assert conversion[:2].tolist() == [1.0, 0.0]
    assert np.isnan(conversion[2:]).all()


def test_funnel_medians_at_an_afternoon_as_of() -> None:
    leads = leads_frame(
        [
            {"stage": "analyse", "last_tracked": "2026-06-17"},
            {"stage": "analyse", "last_tracked": "2026-06-14"},
            {"stage": "analyse", "last_tracked": "2026-06-10"},
            {"stage": "analyse", "last_tracked": "2026-06-25"},  # after as_of: 0 days
            {"stage": "won", "last_tracked": "2026-01-01"},  # closed leads have no age in stage
        ]
    )
    got = funnel(leads, AFTERNOON).set_index("stage")["median_days_since_tracked"]
    assert got["analyse"] == 4.5  # median of 3, 6, 10, 0
    assert np.isnan(got["won"])


def test_conversion_by_window_edges_and_columns() -> None:
    leads = leads_frame(
        [
            {"lead_class": "direct", "stage": "won", "reported_on": "2025-06-20"},  # the window's open end: out
            {"lead_class": "direct", "stage": "won", "reported_on": "2025-06-21"},  # first day in
            {"lead_class": "direct", "stage": "lost", "reported_on": "2026-06-20"},  # as_of: in
            {"lead_class": "direct", "stage": "contact", "reported_on": "2026-06-21"},  # after as_of
            {"lead_class": "tender", "stage": "lost", "reported_on": "2025-01-01"},  # closed, out of window
            {"lead_class": "tender", "stage": "commit", "reported_on": "2025-01-01"},
        ]
    )
    got = conversion_by(leads, "lead_class", AFTERNOON)
    assert list(got.columns) == ["lead_class", *CONVERSION_COLUMNS]
    assert got["lead_class"].tolist() == ["direct", "tender"]
    rows = got.set_index("lead_class")
    counts = ["leads", "open", "won", "lost", "reported", "reported_won"]
    assert rows.loc["direct", counts].tolist() == [3, 0, 2, 1, 2, 1]
    assert rows.loc["direct", "win_rate"] == 2 / 3
    assert rows.loc["direct", "reported_conversion"] == 1 / 2
    assert rows.loc["tender", counts].tolist() == [2, 1, 0, 1, 0, 0]
    assert rows.loc["tender", "win_rate"] == 0.0
    assert np.isnan(rows.loc["tender", "reported_conversion"])  # none reported in the window: blank
    for column in counts:
        assert str(got[column].dtype) == "int64"


def test_conversion_by_a_shorter_window() -> None:
    leads = leads_frame(
        [
            {"stage": "won", "reported_on": "2026-03-20"},  # exactly 3 months back: out
            {"stage": "won", "reported_on": "2026-03-21"},
            {"stage": "contact", "reported_on": "2026-04-01"},
        ]
    )
    got = conversion_by(leads, "source", AS_OF, window_months=3).set_index("source")
    assert got.loc["directory", ["reported", "reported_won"]].tolist() == [2, 1]
    assert got.loc["directory", "reported_conversion"] == 0.5
    assert got.loc["directory", "win_rate"] == 1.0


def test_stale_on_the_day_a_lead_is_reported() -> None:
    # followed up before it was reported (the report can come after the first visit): on its report
    # day it exists, and its last tracking is 10 days old
    leads = leads_frame([{"stage": "contact", "reported_on": "2026-06-13", "last_tracked": "2026-06-03"}])
    assert stale_on(leads, day("2026-06-13"), 7).tolist() == [True]
    assert stale_on(leads, day("2026-06-12"), 7).tolist() == [False]  # not reported yet


def test_funnel_of_stages_nobody_reached_warns_of_nothing() -> None:
    # contact .. tender are reached by nobody: their conversion is 0 / 0, a blank and no warning
    leads = leads_frame([{"stage": "discover"}, {"stage": "lost"}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = funnel(leads, AS_OF)
    assert got["stage_conversion"].iloc[0] == 0.0
    assert got["stage_conversion"].iloc[1:].isna().all()


def test_conversion_by_a_categorical_column_lists_only_the_values_present() -> None:
    leads = leads_frame([{"stage": "won", "source": "exhibition"}, {"stage": "lost", "source": "directory"}])
    leads["source"] = pd.Categorical(leads["source"], categories=["association", "directory", "exhibition"])
    got = conversion_by(leads, "source", AS_OF)
    assert got["source"].tolist() == ["directory", "exhibition"]
    assert got["win_rate"].tolist() == [0.0, 1.0]
