"""The published month tells its story: the headline agrees with the workbooks, the won-deal table with
the leads, and the index links reports by title and workbooks by what they hold (docs/method.md §2.7)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kaplan.run.month import available_reports

pytestmark = pytest.mark.slow


def sheet(path: Path, name: str) -> pd.DataFrame:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def headline(published: Path) -> dict:
    return json.loads((published / "management" / "headline.json").read_text(encoding="utf-8"))


def test_the_headline_issued_total_is_the_targets_workbook_s(published: Path, headline: dict) -> None:
    plan = sheet(published / "management" / "targets_2026-06.xlsx", "年度计划与月度下达")
    june = plan[plan["月份"] == "2026-06"]
    assert headline["issued"] == int(june["月度下达"].sum()) > 0
    assert headline["locked"] == int(june["年度锁定计划"].sum())
    assert headline["rolling"] == int(june["滚动计划"].sum()) and headline["rolling_basis"] is True
    dealers = sheet(published / "management" / "targets_2026-06.xlsx", "经销商目标")
    assert int(dealers["目标"].sum()) == headline["issued"]


def test_the_headline_month_to_date_is_the_progress_board_s(published: Path, headline: dict) -> None:
    board = sheet(published / "management" / "progress_2026-06.xlsx", "进度看板")
    national = board[(board["大区"] == "全国") & (board["产品"] == "全部产品")].iloc[0]
    assert headline["mtd"] == national["月度累计"]
    assert headline["time_progress"] == pytest.approx(national["时间进度"])
    assert headline["month_progress"] == pytest.approx(national["月度进度"])


def test_the_headline_laggards_are_the_dealer_sheet_s(published: Path, headline: dict) -> None:
    dealers = sheet(published / "management" / "progress_2026-06.xlsx", "经销商进度").dropna(subset=["经销商代码"])
    summed = dealers.groupby("经销商代码")[["月度计划", "月度累计"]].sum()
    time_progress = float(dealers["时间进度"].iloc[0])
    behind = (summed["月度计划"] * time_progress - summed["月度累计"]).round(9).map(math.ceil)
    expected = behind[behind > 0].sort_values(ascending=False)
    got = [(r["dealer_id"], r["units_behind"]) for r in headline["laggards"]]
    assert [units for _, units in got] == expected.head(5).tolist()
    assert all(behind[dealer] == units for dealer, units in got)


def test_the_won_deal_table_is_the_won_leads_closed_in_the_month(published: Path, hostile_dir: Path) -> None:
    leads = pd.read_csv(hostile_dir / "leads.csv", dtype=str)
    closed = pd.to_datetime(leads["expected_close"])
    won = leads[(leads["stage"] == "won") & (pd.to_datetime(leads["reported_on"]) <= "2026-06-20")
                & (closed >= "2026-06-01") & (closed <= "2026-06-20")]  # fmt: skip
    table = sheet(published / "management" / "pipeline_2026-06.xlsx", "成交大客户统计表")
    assert len(won) > 0
    assert sorted(table["信息编号"]) == sorted(won["lead_id"])
    units = dict(zip(won["lead_id"], won["units"].astype(int), strict=True))
    assert all(units[lead] == n for lead, n in zip(table["信息编号"], table["台数"], strict=True))
    page = (published / "management" / "03_pipeline.html").read_text(encoding="utf-8")
    assert "成交大客户统计表" in page


def test_every_page_opens_with_the_headline(published: Path, headline: dict) -> None:
    issued = f"{headline['issued']:,}台"
    for name in ("index.html", *(f"{r.notebook}.html" for r in available_reports())):
        page = (published / "management" / name).read_text(encoding="utf-8")
        assert "本月概览" in page and issued in page, name


def test_the_index_links_reports_by_title_and_workbooks_by_what_they_hold(published: Path) -> None:
    index = (published / "management" / "index.html").read_text(encoding="utf-8")
    links = dict((href, text) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', index))
    assert links["01_targets.html"] == "月度目标分解"
    assert links["progress_2026-06.xlsx"].startswith("进度看板")
    issue = [text for href, text in links.items() if href.startswith("issue/")]
    assert issue and all(text.endswith(" 下达表") for text in issue)
    assert not any(text.endswith(".xlsx") for text in links.values())
    assert "供分析人员" not in index and not any(href.endswith(".ipynb") for href in links)
    analysts = (published / "analysts" / "index.html").read_text(encoding="utf-8")
    notebooks = re.findall(r'<a href="([^"]+\.ipynb)">', analysts)
    assert "供分析人员" in analysts and notebooks == [f"notebooks/{r.notebook}.ipynb" for r in available_reports()]
