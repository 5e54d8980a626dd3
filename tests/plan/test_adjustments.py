"""Manual adjustments (docs/method.md §2.2): checked, recorded with who/when/why, applied exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.plan.adjustments import (
    AdjustmentError,
    Record,
    apply_adjustments,
    checked_request,
    issue_version,
    new_record,
    record_from_json,
)
from kaplan.plan.targets import MonthTargets
from kaplan.report.context import adjustment_records
from kaplan.run.adjust import write_record

# 江苏 command issued 20 = D1 10 + D2 6 + D3 4 (the worked example of the module); 浙江 command 10 = D4;
# 华北大区 / 河北 command 5 = D5. work: 江苏 2 = D1 2.
DEALERS = pd.DataFrame(
    {
        "month": "2026-06",
        "region": ["华东大区"] * 5 + ["华北大区"],
        "province": ["江苏", "江苏", "江苏", "浙江", "江苏", "河北"],
        "dealer_id": ["D1", "D2", "D3", "D4", "D1", "D5"],
        "dealer_name": ["甲", "乙", "丙", "丁", "甲", "戊"],
        "line": ["command", "command", "command", "command", "work", "command"],
        "target": [10, 6, 4, 10, 2, 5],
    }
)
PROVINCES = pd.DataFrame(
    {"month": "2026-06", "region": ["华东大区", "华东大区", "华东大区", "华北大区"],
     "province": ["江苏", "浙江", "江苏", "河北"], "line": ["command", "command", "work", "command"],
     "target": [20, 10, 2, 5]}
)  # fmt: skip
FORMULA = MonthTargets("2026-06", pd.DataFrame(), PROVINCES, DEALERS, pd.DataFrame(), pd.DataFrame())


def _request(*rows: tuple[str, str, object]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["dealer_id", "line", "target"])


def _record(request: pd.DataFrame, earlier: tuple[Record, ...] = (), mode: str = "refuse",
            issued: MonthTargets = FORMULA) -> Record:  # fmt: skip
    checked = checked_request(request, issued.dealer, source="edit.xlsx")
    return new_record(issued, earlier, checked, by="张总监", at="2026-06-21T09:00:00+08:00", reason="招标确定由乙承接",
                      source="edit.xlsx", source_sha256="ab", province_totals=mode)


def test_moving_five_units_within_a_province_is_recorded_and_issued() -> None:
    record = _record(_request(("D1", "command", 5), ("D2", "command", 11), ("D3", "command", 4)))
    assert [(r["dealer_id"], r["before"], r["target"], r["rebalanced"]) for r in record.rows] == [
        ("D1", 10, 5, False), ("D2", 6, 11, False)]  # the unchanged D3 row is not recorded
    issued, table = apply_adjustments(FORMULA, [record])
    got = issued.dealer.set_index(["dealer_id", "line"])["target"]
    assert got[("D1", "command")] == 5 and got[("D2", "command")] == 11 and got[("D3", "command")] == 4
    assert issued.dealer.groupby("province")["target"].sum().to_dict() == {"江苏": 22, "浙江": 10, "河北": 5}
    shown = table[["dealer_id", "formula_target", "adjusted_target", "change", "reason", "adjusted_by"]]
    assert shown.values.tolist() == [
        ["D1", 10, 5, -5, "招标确定由乙承接", "张总监"], ["D2", 6, 11, 5, "招标确定由乙承接", "张总监"]]
    assert issued.adjustments is table and issue_version([record]) == "v2" and issue_version([]) == "v1"


def test_a_broken_province_total_is_refused_with_its_numbers() -> None:
    with pytest.raises(AdjustmentError) as error:
        _record(_request(("D1", "command", 15)))
    assert "江苏 command: dealers add up to 25, the issued province target is 20 (+5)" in str(error.value)
    assert "issue.province_totals: refuse" in str(error.value)


def test_one_unit_off_is_refused_too() -> None:
    with pytest.raises(AdjustmentError, match=r"add up to 19, the issued province target is 20 \(-1\)"):
        _record(_request(("D1", "command", 4), ("D2", "command", 11)))


def test_rebalancing_takes_the_difference_from_the_dealers_not_adjusted() -> None:
    # D1 10 -> 15 (+5): D2 and D3 give up apportion(5, [6, 4]) = [3, 2] -> 3 and 2; 15 + 3 + 2 = 20
    record = _record(_request(("D1", "command", 15)), mode="rebalance")
    assert [(r["dealer_id"], r["target"], r["rebalanced"]) for r in record.rows] == [
        ("D1", 15, False), ("D2", 3, True), ("D3", 2, True)]
    issued, _ = apply_adjustments(FORMULA, [record])
    assert issued.dealer[issued.dealer["province"] == "江苏"].groupby("line")["target"].sum().to_dict() == {
        "command": 20, "work": 2}


def test_rebalancing_refuses_when_the_others_hold_too_few() -> None:
    # D1 -> 21 needs 11 from D2 + D3, who hold 10
    with pytest.raises(AdjustmentError, match="hold 10 units, too few to take up 11"):
        _record(_request(("D1", "command", 21)), mode="rebalance")
    # dealers adjusted earlier in the month are not rebalanced: after D2 and D3 were set, D1 alone cannot move
    first = _record(_request(("D2", "command", 7), ("D3", "command", 3)))
    issued, _ = apply_adjustments(FORMULA, [first])
    with pytest.raises(AdjustmentError, match="hold 0 units"):
        _record(_request(("D1", "command", 11)), (first,), mode="rebalance", issued=issued)


def test_unknown_dealer_line_negative_and_fractions_are_all_named() -> None:
    with pytest.raises(AdjustmentError) as error:
        _record(_request(("D9", "command", 1), ("D1", "bus", 1), ("D2", "command", -3), ("D3", "command", 2.5),
                         ("D4", "command", "x")))  # fmt: skip
    text = str(error.value)
    assert "5 problem(s)" in text
    assert "row 2: unknown dealer 'D9'" in text and "row 3: unknown line 'bus'" in text
    assert "row 4: target -3 is negative" in text and "row 5: target 2.5 is not a whole number" in text
    assert "row 6: target 'x' is not a whole number" in text


def test_a_dealer_of_another_region_is_refused_in_a_region_pack() -> None:
    with pytest.raises(AdjustmentError, match="dealer D5 belongs to 华北大区, not to 华东大区"):
        checked_request(_request(("D5", "command", 6)), DEALERS, region="华东大区")


def test_nothing_changed_who_and_why_are_required() -> None:
    with pytest.raises(AdjustmentError, match="nothing to record"):
        _record(_request(("D1", "command", 10)))
    checked = checked_request(_request(("D1", "command", 5), ("D2", "command", 11)), DEALERS)
    for by, reason, match in (("", "x", "--by"), ("x", " ", "--reason")):
        with pytest.raises(AdjustmentError, match=match):
            new_record(FORMULA, (), checked, by=by, at="t", reason=reason, source="s", source_sha256="h")


def test_records_round_trip_and_an_edited_record_is_refused() -> None:
    record = _record(_request(("D1", "command", 5), ("D2", "command", 11)))
    text = record.to_json()
    back = record_from_json(text, "0001.json")
    assert back.rows == record.rows and back.by == "张总监" and back.name == "0001.json"
    with pytest.raises(AdjustmentError, match="was edited"):
        record_from_json(text.replace('"target": 11', '"target": 12'), "0001.json")
    with pytest.raises(AdjustmentError, match="cannot be read"):
        record_from_json("{", "0002.json")


def test_a_record_that_no_longer_adds_up_stops_the_month() -> None:
    # the formula moved since the record was made: D2 5, D3 5 (still 20 in 江苏); 5 + 11 + 5 = 21
    record = _record(_request(("D1", "command", 5), ("D2", "command", 11)))
    moved = DEALERS.assign(target=[10, 5, 5, 10, 2, 5])
    with pytest.raises(AdjustmentError, match=r"江苏 command: dealers add up to 21, the issued province target is 20"):
        apply_adjustments(MonthTargets("2026-06", pd.DataFrame(), PROVINCES, moved, pd.DataFrame(),
                                       pd.DataFrame()), [record])  # fmt: skip
    # still adds up -> applied; it did: 5 + 11 + 4 = 20
    other = DEALERS.assign(target=[9, 7, 4, 10, 2, 5])
    issued, _ = apply_adjustments(MonthTargets("2026-06", pd.DataFrame(), PROVINCES, other, pd.DataFrame(),
                                               pd.DataFrame()), [record])  # fmt: skip
    assert issued.dealer["target"].tolist() == [5, 11, 4, 10, 2, 5]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10), st.integers(0, 30), st.sampled_from(["refuse", "rebalance"]))
def test_any_accepted_adjustment_keeps_every_province_total(moved: int, d1: int, mode: str) -> None:
    """Moving ``moved`` from D1 to D2 is always accepted; setting D1 alone is accepted only by rebalancing."""
    shift = _record(_request(("D1", "command", 10 - moved), ("D2", "command", 6 + moved))) if moved else None
    records = [shift] if shift else []
    issued, _ = apply_adjustments(FORMULA, records)
    try:
        alone = _record(_request(("D1", "command", d1)), tuple(records), mode=mode, issued=issued)
    except AdjustmentError:
        current = int(issued.dealer.iloc[0]["target"])
        free = 4 if shift else 10  # D3, plus D2 when no earlier record fixed it
        assert d1 == current or mode == "refuse" or d1 - current > free
        return
    assert mode == "rebalance" or d1 == int(issued.dealer.iloc[0]["target"])
    final, _ = apply_adjustments(FORMULA, [*records, alone])
    sums = final.dealer.groupby(["province", "line"])["target"].sum()
    assert sums.to_dict() == PROVINCES.set_index(["province", "line"])["target"].to_dict()
    assert (final.dealer["target"] >= 0).all()


def test_the_tenth_record_follows_the_ninth(tmp_path: Path) -> None:
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("rolling: true\n", encoding="utf-8")
    record = _record(_request(("D1", "command", 5), ("D2", "command", 11)))
    folder = tmp_path / "params" / "adjustments" / "2026-06"
    written = [write_record(folder, record).name for _ in range(10)]
    assert written == [f"{n:04d}.json" for n in range(1, 11)]
    records = adjustment_records(params, "2026-06")
    assert [r.name for r in records] == written
    assert issue_version(records) == "v11"
