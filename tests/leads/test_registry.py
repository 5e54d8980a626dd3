import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kaplan
from kaplan.core.errors import InputError
from kaplan.core.glossary import with_code_labels
from kaplan.core.params import Qualification
from kaplan.core.schema import OPEN_STAGES, STAGES
from kaplan.leads.figures import conversion_figure, funnel_figure
from kaplan.leads.registry import (
    conversion_by,
    days_since_tracked,
    funnel,
    is_stale,
    last_saturday,
    qualification_counts,
    qualified,
    reached_counts,
    stale_leads,
    stale_on,
    stale_rollup,
)

AS_OF = pd.Timestamp("2026-06-20")


def leads_frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "reported_on": pd.Timestamp("2026-01-10"),
        "dealer_id": "D1",
        "owner_id": "S1",
        "customer_id": "C1",
        "lead_class": "direct",
        "source": "directory",
        "product_id": "P1",
        "units": 5,
        "budget": 1_000_000.0,
        "expected_close": pd.Timestamp("2026-07-15"),
        "last_tracked": pd.Timestamp("2026-06-18"),
    }
    frame = pd.DataFrame([{**base, "lead_id": f"L{i}", **row} for i, row in enumerate(rows, 1)])
    for column in ("reported_on", "expected_close", "last_tracked"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["budget"] = frame["budget"].astype("float64")
    return frame


def test_stale_boundary_is_exclusive() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-13"},  # exactly 7 days: not stale
            {"stage": "contact", "last_tracked": "2026-06-12"},  # 8 days: stale
            {"stage": "won", "last_tracked": "2026-01-01"},  # closed leads are never stale
            {"stage": "tender", "last_tracked": "2026-06-20"},
        ]
    )
    assert days_since_tracked(leads, AS_OF).tolist() == [7, 8, 170, 0]
    assert is_stale(leads, AS_OF, 7).tolist() == [False, True, False, False]
    listed = stale_leads(leads, AS_OF, 7)
    assert listed["lead_id"].tolist() == ["L2"]
    assert listed["days_since_tracked"].tolist() == [8]


def test_stale_list_is_sorted_longest_first_and_ignores_later_reports() -> None:
    leads = leads_frame(
        [
            {"stage": "discover", "last_tracked": "2026-06-01"},
            {"stage": "analyse", "last_tracked": "2026-05-01"},
            {"stage": "analyse", "reported_on": "2026-06-25", "last_tracked": "2026-05-01"},
        ]
    )
    assert stale_leads(leads, AS_OF, 7)["lead_id"].tolist() == ["L2", "L1"]


def test_funnel_hand_worked() -> None:
    # discover 2, contact 1, position 1, tender 1, won 2, lost 3 (11 leads)
    stages = ["discover", "discover", "contact", "position", "tender", "won", "won",
              "lost", "lost", "lost"]  # fmt: skip
    units = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    leads = leads_frame([{"stage": s, "units": u} for s, u in zip(stages, units, strict=True)])
    leads.loc[0, "last_tracked"] = pd.Timestamp("2026-06-10")  # 10 days
    leads.loc[1, "last_tracked"] = pd.Timestamp("2026-06-16")  # 4 days
    got = funnel(leads, AS_OF).set_index("stage")
    assert got["leads"].tolist() == [2, 1, 0, 1, 0, 1, 2, 3]
    assert got["units"].tolist() == [3, 3, 0, 4, 0, 5, 13, 27]
    # reached: open/won with index >= k, plus the 3 lost at discover
    # discover 7+3=10, contact 5, analyse 4, position 4, commit 3, tender 3, won 2
    assert got["reached"].tolist() == [10, 5, 4, 4, 3, 3, 2, 3]
    expected = [5 / 10, 4 / 5, 4 / 4, 3 / 4, 3 / 3, 2 / 3]
    np.testing.assert_allclose(got["stage_conversion"].iloc[:6].to_numpy(), expected)
    assert got["stage_conversion"].iloc[6:].isna().all()
    assert got.loc["discover", "median_days_since_tracked"] == 7.0
    assert got.loc["contact", "median_days_since_tracked"] == 2.0
    assert np.isnan(got.loc["analyse", "median_days_since_tracked"])
    assert got.loc["tender", "buyer_stage"] == "run_tender"


def test_funnel_of_empty_registry() -> None:
    got = funnel(leads_frame([{"stage": "won"}]).iloc[0:0], AS_OF)
    assert got["leads"].sum() == 0 and got["reached"].sum() == 0
    assert got["stage_conversion"].isna().all()


@given(st.lists(st.sampled_from(STAGES), max_size=60))
def test_reached_is_monotone_and_counts_every_lead_once(stages: list[str]) -> None:
    reached = reached_counts(pd.Series(stages, dtype="str"))
    assert reached.iloc[0] == len(stages)
    assert (np.diff(reached.to_numpy()) <= 0).all()
    assert reached["won"] == stages.count("won")
    for k, stage in enumerate(OPEN_STAGES):
        at_or_after = sum(1 for s in stages if s != "lost" and (*OPEN_STAGES, "won").index(s) >= k)
        assert reached[stage] == at_or_after + (stages.count("lost") if k == 0 else 0)


def test_conversion_by_channel_hand_worked() -> None:
    leads = leads_frame(
        [
            {"source": "directory", "stage": "won", "reported_on": "2026-03-01"},
            {"source": "directory", "stage": "lost", "reported_on": "2026-03-01"},
            {"source": "directory", "stage": "won", "reported_on": "2025-01-01"},  # before the window
            {"source": "directory", "stage": "contact", "reported_on": "2026-05-01"},
            {"source": "exhibition", "stage": "discover", "reported_on": "2026-06-20"},
            {"source": "exhibition", "stage": "won", "reported_on": "2026-07-01"},  # after as_of
        ]
    )
    got = conversion_by(leads, "source", AS_OF, window_months=12).set_index("source")
    assert got.loc["directory", ["leads", "open", "won", "lost"]].tolist() == [4, 1, 2, 1]
    assert got.loc["directory", "win_rate"] == 2 / 3
    assert got.loc["directory", ["reported", "reported_won"]].tolist() == [3, 1]
    assert got.loc["directory", "reported_conversion"] == 1 / 3
    assert got.loc["exhibition", "leads"] == 1
    assert np.isnan(got.loc["exhibition", "win_rate"])  # nothing closed: blank, not 0
    assert got.loc["exhibition", "reported_conversion"] == 0.0


def test_qualification_is_three_valued() -> None:
    rule = Qualification(min_units=3, min_budget_per_unit=80_000, max_months_to_close=12)
    leads = leads_frame(
        [
            {"units": 3, "budget": 240_000.0},  # exactly on both minimums: qualified
            {"units": 3, "budget": 239_999.0},  # budget per unit below the minimum
            {"units": 2, "budget": 1e7},  # too few units
            {"units": 5, "budget": np.nan},  # budget unknown
            {"units": 2, "budget": np.nan},  # unknown budget but too few units: False
            {"units": 5, "expected_close": "2027-06-20"},  # exactly 12 months ahead
            {"units": 5, "expected_close": "2027-06-21"},  # beyond the horizon
        ]
    )
    got = qualified(leads, rule, AS_OF)
    assert str(got.dtype) == "boolean"
    assert got.tolist() == [True, False, False, pd.NA, False, True, False]


def write_folder(folder: Path, customer_id: str) -> None:
    files = {
        "org": "dealer_id,dealer_name,province,region\nD1,甲,河北,华北大区\n",
        "staff": "staff_id,name,role,region,province,dealer_id\nS1,张三,dealer_specialist,华北大区,河北,D1\n",
        "products": "product_id,product_name,line\nP1,越野,command\n",
        "customers": (
            "customer_id,customer_name,industry,segment,purchase_method\n"
            "C1,公安局,public_security,government,tender\n"
        ),
        "annual_targets": "year,dealer_id,line,units\n2026,D1,command,10\n",
        "leads": (
            "lead_id,reported_on,dealer_id,owner_id,customer_id,lead_class,source,stage,product_id,"
            "units,budget,expected_close,last_tracked,notes\n"
            f"L1,2026-06-01,D1,S1,{customer_id},tender,directory,contact,P1,5,,2026-09-30,2026-06-15,\n"
        ),
    }
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")


def test_a_lead_naming_an_unknown_customer_is_rejected_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))
    write_folder(tmp_path / "good", "C1")
    assert kaplan.load(tmp_path / "good").leads["customer_id"].tolist() == ["C1"]
    write_folder(tmp_path / "bad", "C9")
    with pytest.raises(InputError) as raised:
        kaplan.load(tmp_path / "bad")
    problems = [p for p in raised.value.problems if p.table == "leads"]
    assert [(p.row, p.column) for p in problems] == [(2, "customer_id")]
    assert "C9" in str(raised.value)


def test_code_labels_read_buyer_stages_and_the_tender_stage() -> None:
    frame = funnel(leads_frame([{"stage": "tender"}]), AS_OF)
    got = with_code_labels(frame, ("stage", "buyer_stage"), "zh").set_index(frame["stage"])
    assert got.loc["tender", ["stage", "buyer_stage"]].tolist() == ["跟进投标", "实施招标"]
    assert frame.loc[5, "stage"] == "tender"  # the input is not changed


def test_conversion_figure_has_no_nan_and_escapes_names() -> None:
    frame = conversion_by(leads_frame([{"stage": "contact"}, {"stage": "won", "source": "exhibition"}]),
                          "source", AS_OF)  # fmt: skip
    fig = conversion_figure(frame, "source", "en")
    json.dumps(fig.to_plotly_json()["data"], allow_nan=False)  # what the notebook sends the kernel
    assert list(fig.data[0].y) == [None, 1.0]  # directory has nothing closed: a gap, not 0


def test_funnel_figure_pairs_each_sales_stage_with_its_buyer_stage() -> None:
    fig = funnel_figure(funnel(leads_frame([{"stage": "won"}]), AS_OF), "en")
    assert list(fig.data[0].y)[-2:] == ["Follow the tender", "Won"]
    assert list(fig.data[0].x) == [1] * 7
    notes = {a.y: a.text for a in fig.layout.annotations if a.yref == "y"}
    assert notes["Find the need"] == "Internal brewing" and notes["Won"] == "Contract"


def test_qualification_counts_per_stage() -> None:
    leads = leads_frame(
        [
            {"stage": "contact", "units": 5},
            {"stage": "contact", "units": 1},
            {"stage": "contact", "units": 5, "budget": np.nan},
            {"stage": "tender", "units": 7},
        ]
    )
    leads["qualified"] = qualified(leads, Qualification(), AS_OF)
    got = qualification_counts(leads).set_index("stage")
    assert got.index.tolist() == list(OPEN_STAGES)
    assert got.loc["contact", ["qualified", "not_qualified", "unknown", "qualified_units"]].tolist() == [1, 1, 1, 5]
    assert got.loc["tender", ["qualified", "qualified_units"]].tolist() == [1, 7]
    assert got.loc["discover"].sum() == 0


@given(
    st.lists(st.tuples(st.sampled_from(STAGES), st.integers(-5, 60)), max_size=30),
    st.integers(1, 30),
)
def test_stale_exactly_when_open_and_older_than_stale_days(rows: list[tuple[str, int]], stale_days: int) -> None:
    leads = leads_frame(
        [{"stage": s, "last_tracked": AS_OF - pd.Timedelta(days=d)} for s, d in rows]
    ) if rows else leads_frame([{"stage": "won"}]).iloc[0:0]  # fmt: skip
    got = is_stale(leads, AS_OF, stale_days).tolist()
    assert got == [s in OPEN_STAGES and d > stale_days for s, d in rows]


def test_last_saturday() -> None:
    assert last_saturday(pd.Timestamp("2026-06-20")) == pd.Timestamp("2026-06-13")  # a Saturday: a week back
    assert last_saturday(pd.Timestamp("2026-06-19")) == pd.Timestamp("2026-06-13")
    assert last_saturday(pd.Timestamp("2026-06-14")) == pd.Timestamp("2026-06-13")


def test_stale_rollup_across_a_saturday() -> None:
    # as of Saturday 20 June, stale_days 7; the last Saturday is 13 June
    leads = leads_frame(
        [
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S1"},  # stale on both days
            {"stage": "contact", "last_tracked": "2026-06-10", "owner_id": "S1", "units": 8},  # new: 10 vs 3 days
            {"stage": "contact", "last_tracked": "2026-06-15", "owner_id": "S1"},  # tracked since: stale on neither
            {"stage": "won", "last_tracked": "2026-06-16", "owner_id": "S2"},  # won on 16 June: open then, not stale
            {"stage": "contact", "last_tracked": "2026-06-01", "owner_id": "S2",
             "reported_on": "2026-06-14"},  # reported after the Saturday
            {"stage": "contact", "last_tracked": "2026-06-13", "owner_id": "S3"},  # exactly 7 days: not stale
        ]
    )  # fmt: skip
    leads.loc[3, "reported_on"] = pd.Timestamp("2026-05-01")
    leads.loc[3, "last_tracked"] = pd.Timestamp("2026-06-16")
    saturday = pd.Timestamp("2026-06-13")
    assert stale_on(leads, saturday, 7).tolist() == [True, False, False, False, False, False]
    assert stale_on(leads, AS_OF, 7).tolist() == [True, True, False, False, True, False]
    got = stale_rollup(leads, AS_OF, 7, ["owner_id"]).set_index("owner_id")
    assert got.loc["S1"].tolist() == [2, 13, 1, 1]  # stale, units 5 + 8, last Saturday, change
    assert got.loc["S2"].tolist() == [1, 5, 0, 1]
    assert "S3" not in got.index
    assert list(got.columns) == ["stale", "stale_units", "stale_last_saturday", "stale_change"]
