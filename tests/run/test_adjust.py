"""``kaplan adjust`` end to end: a director edits the regional workbook, the correction is recorded beside
the params, the next run issues it and shows formula and adjusted targets with who and why."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from kaplan.core.params import DEFAULT_FILE
from kaplan.report import context as report
from kaplan.report.excel import write_workbook
from kaplan.run.cli import main
from kaplan.run.month import run_month

pytestmark = pytest.mark.slow

MONTH = "2026-06"
REASON = "省公安厅招标确定由该经销商承接"


@pytest.fixture(scope="module")
def pack(small_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The published regional workbook of the region with the most dealers, and two dealers of one province."""
    folder = tmp_path_factory.mktemp("pack")
    params = folder / "params" / "default.yaml"
    params.parent.mkdir()
    shutil.copy(DEFAULT_FILE, params)
    ctx = report.context(MONTH, "2026-06-20", str(small_dir), str(params), "zh", "", interactive=False)
    dealers = ctx.targets.dealer
    command = dealers[dealers["line"] == "command"].sort_values("target", ascending=False, kind="stable")
    giver = command.iloc[0]
    taker = command[(command["province"] == giver["province"]) & (command["dealer_id"] != giver["dealer_id"])].iloc[0]
    stranger = dealers[dealers["region"] != giver["region"]].iloc[0]
    books = report.issue_packs(ctx)
    path = write_workbook(folder / f"{giver['region']}.xlsx", books[giver["region"]], "zh")
    facts = {"giver": giver.to_dict(), "taker": taker.to_dict(), "stranger": stranger["dealer_id"],
             "province_target": int(ctx.targets.province.set_index(["province", "line"])["target"][
                 (giver["province"], "command")])}  # fmt: skip
    return path, facts


def _edited(pack: tuple[Path, dict], folder: Path, changes: dict[str, int],
            rename: dict[str, str] | None = None) -> Path:  # fmt: skip
    """A copy of the pack with the command targets of ``changes`` (dealer -> +units) and dealer codes renamed."""
    path, _ = pack
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=10):
        dealer = row[1].value
        if dealer in changes:
            row[3].value = row[3].value + changes[dealer]
        if rename and dealer in rename:
            row[1].value = rename[dealer]
    out = folder / "edited.xlsx"
    book.save(out)
    return out


def _deployment(tmp_path: Path) -> Path:
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    shutil.copy(DEFAULT_FILE, params)
    return params


def _adjust(params: Path, source: Path, small_dir: Path) -> int:
    return main(["adjust", "--month", MONTH, "--from", str(source), "--by", "张总监", "--reason", REASON,
                 "--data", str(small_dir), "--params", str(params)])  # fmt: skip


def test_breaking_a_province_total_is_refused_and_nothing_is_written(
    pack: tuple[Path, dict], small_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _, facts = pack
    params = _deployment(tmp_path)
    giver = facts["giver"]
    source = _edited(pack, tmp_path, {giver["dealer_id"]: -5})
    assert _adjust(params, source, small_dir) == 2
    total = facts["province_target"]
    assert (f"{giver['province']} command: dealers add up to {total - 5}, the issued province target is {total} (-5)"
            in capsys.readouterr().err)  # fmt: skip
    assert not (params.parent / "adjustments").exists()


def test_a_dealer_of_another_region_is_refused(
    pack: tuple[Path, dict], small_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _, facts = pack
    params = _deployment(tmp_path)
    source = _edited(pack, tmp_path, {}, rename={facts["taker"]["dealer_id"]: facts["stranger"]})
    assert _adjust(params, source, small_dir) == 2
    assert f"dealer {facts['stranger']} belongs to" in capsys.readouterr().err
    assert not (params.parent / "adjustments").exists()


def test_moving_five_units_is_recorded_issued_and_shown(
    pack: tuple[Path, dict], small_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _, facts = pack
    giver, taker = facts["giver"], facts["taker"]
    params = _deployment(tmp_path)
    source = _edited(pack, tmp_path, {giver["dealer_id"]: -5, taker["dealer_id"]: 5})
    assert _adjust(params, source, small_dir) == 0
    record_file = params.parent / "adjustments" / MONTH / "0001.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert record["by"] == "张总监" and record["reason"] == REASON and record["source"] == "edited.xlsx"
    assert sorted((r["dealer_id"], r["before"], r["target"]) for r in record["rows"]) == sorted(
        [(giver["dealer_id"], giver["target"], giver["target"] - 5),
         (taker["dealer_id"], taker["target"], taker["target"] + 5)])
    assert "adjustment recorded" in capsys.readouterr().out

    version = run_month(MONTH, "2026-06-20", data_dir=small_dir, params_file=params, out_dir=tmp_path / "out")
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["adjustments"] == {f"{MONTH}/0001.json": hashlib.sha256(record_file.read_bytes()).hexdigest()}
    book = openpyxl.load_workbook(version / "management" / "issue" / f"{giver['region']}.xlsx")
    assert book.sheetnames == ["经销商目标", "省区目标", "人工调整"]
    sheet = book["经销商目标"]
    assert sheet["B4"].value == "v2"  # the issue version counts the adjustments
    rows = {r[1]: r for r in sheet.iter_rows(min_row=10, values_only=True) if r[1]}
    assert rows[giver["dealer_id"]][3] == giver["target"] - 5 and rows[taker["dealer_id"]][3] == taker["target"] + 5
    subtotal = next(r for r in sheet.iter_rows(min_row=10, values_only=True) if r[0] == giver["province"]
                    and r[2] == "小计")  # fmt: skip
    assert subtotal[3] == facts["province_target"]  # the province total is unchanged
    side = [r for r in book["人工调整"].iter_rows(min_row=10, values_only=True) if r[1]]
    assert [(r[1], r[4], r[5], r[6], r[7], r[9]) for r in side] == sorted(
        [(giver["dealer_id"], giver["target"], giver["target"] - 5, -5, "张总监", REASON),
         (taker["dealer_id"], taker["target"], taker["target"] + 5, 5, "张总监", REASON)])
    targets = openpyxl.load_workbook(version / "management" / "targets_2026-06.xlsx", read_only=True)
    assert targets.sheetnames[-1] == "人工调整"
    page = (version / "management" / "01_targets.html").read_text(encoding="utf-8")
    assert REASON in page and "公式目标" in page and "调整后目标" in page
