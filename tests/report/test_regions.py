"""Region pages: a region's rows only, in its tables, its figure JSON and its workbook; its own headline."""

from __future__ import annotations

import json
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from kaplan.report.headline import headline_sentences, region_headline
from kaplan.report.regions import Part, of_region, region_page, region_sheets, with_region_of

BOARD = pd.DataFrame({
    "region": ["华东大区", "华东大区", "华北大区", None],
    "line": ["command", "work", "command", "all_lines"],
    "dealer_name": ["宁波万方", "杭州顺达", "北京万方", ""],
    "month_plan": [100, 50, 70, 220],
    "mtd": [60, 10, 50, 120],
    "time_progress": [2 / 3, 2 / 3, 2 / 3, 2 / 3],
    "row_kind": ["unit", "unit", "unit", "national_total"],
})  # fmt: skip


def bars(rows: pd.DataFrame) -> go.Figure:
    return go.Figure(go.Bar(x=rows["dealer_name"].tolist(), y=rows["mtd"].tolist()))


def test_of_region_keeps_the_region_s_rows_and_drops_national_totals() -> None:
    assert of_region(BOARD, "华东大区")["dealer_name"].tolist() == ["宁波万方", "杭州顺达"]
    assert of_region(BOARD, "西北大区").empty
    with pytest.raises(ValueError, match="region column"):
        of_region(BOARD.drop(columns="region"), "华东大区")
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "units": [3, 4]})
    regions = pd.Series({"L1": "华北大区", "L2": "华东大区"})
    assert of_region(with_region_of(leads, "lead_id", regions), "华东大区")["lead_id"].tolist() == ["L2"]


def test_a_region_page_and_workbook_hold_no_other_region_s_rows() -> None:
    parts = [Part("dealer", BOARD, bars, sheet="board_dealer")]
    page = region_page("华东大区 进度看板", "月份: 2026-06", ["本月下达150台。"], parts, "华东大区", "zh")
    spec = json.loads(re.search(r'<script type="application/json" id="kp-figure-1-spec">(.*?)</script>', page).group(1))
    assert spec["data"][0]["x"] == ["宁波万方", "杭州顺达"] and spec["data"][0]["y"] == [60, 10]
    assert "北京万方" not in page and "华北大区" not in page and "本月下达150台。" in page
    assert page.count('id="kp-plotly-js"') == 1
    sheets = region_sheets(parts, "华东大区")
    assert list(sheets) == ["board_dealer"]
    assert sheets["board_dealer"]["dealer_name"].tolist() == ["宁波万方", "杭州顺达"]


def test_a_region_s_headline_is_its_own_target_and_sales() -> None:
    dealers = of_region(BOARD, "华东大区").assign(province="浙江", dealer_id=["D1", "D2"])
    leads = pd.DataFrame(columns=["lead_id", "stage", "reported_on", "expected_close", "units", "customer_name",
                                  "region", "province", "dealer_name"])  # fmt: skip
    h = region_headline(of_region(BOARD, "华东大区"), dealers, leads, "2026-06", pd.Timestamp("2026-06-20"), 140)
    # issued 100 + 50 = 150, sold 60 + 10 = 70: 46.7 % at two thirds of the month
    assert (h.issued, h.mtd, h.landing, h.rolling_basis) == (150, 70, 140, False)
    assert h.month_progress == pytest.approx(70 / 150)
    # June 2026: 7 working days after the 20th; ⌈(150 − 70) / 7⌉ = ⌈11.43⌉ = 12 units a day
    assert (h.working_days_left, h.per_working_day) == (7, 12)
    # 宁波万方 ⌈100 × 2/3 − 60⌉ = 7 behind, 杭州顺达 ⌈50 × 2/3 − 10⌉ = 24 behind: most behind first
    assert [(r["dealer_name"], r["units_behind"]) for r in h.laggards] == [("杭州顺达", 24), ("宁波万方", 7)]
    assert h.tenders == []
    # on the region's own page the dealers are named with their province; the national headline names the region
    own = region_headline(of_region(BOARD, "华东大区"), dealers, leads, "2026-06", pd.Timestamp("2026-06-20"), 140,
                          region="华东大区")  # fmt: skip
    assert own.region == "华东大区" and h.region == ""
    sentence = "落后时间进度最多的2家经销商：杭州顺达（浙江，差24台）、宁波万方（浙江，差7台）。"
    assert sentence in headline_sentences(own, "zh")
    # its target is the part of the issued plan split to it: no locked or rolling plan of its own to name
    assert headline_sentences(own, "zh")[0] == "2026年6月下达150台。"
    assert headline_sentences(own, "en")[0] == "Jun 2026: 150 units issued."
    assert "杭州顺达（华东大区，差24台）" in " ".join(headline_sentences(h, "zh"))
    english = " ".join(headline_sentences(own, "en"))
    assert "杭州顺达 (浙江): 24 units behind; 宁波万方 (浙江): 7 units behind." in english


def test_a_part_for_the_workbook_only_says_how_many_rows_its_sheet_holds() -> None:
    parts = [Part("dealer", BOARD, sheet="board_dealer", max_rows=1),
             Part("sheet_leads", BOARD, sheet="leads", table=False)]  # fmt: skip
    page = region_page("华东大区 进度看板", "月份: 2026-06", None, parts, "华东大区", "zh", "progress_2026-06.xlsx")
    assert "<h2>经销商</h2>" in page and "<h2>在跟信息</h2>" in page
    # the table cut at one row names the sheet of every row; the workbook-only part counts the region's rows
    assert ('<p class="kp-more" data-workbook="progress_2026-06.xlsx" data-sheet="经销商进度">'
            "另有1行，全部行见Excel工作簿 progress_2026-06.xlsx 的“经销商进度”表</p>") in page  # fmt: skip
    assert ('<p class="kp-more" data-workbook="progress_2026-06.xlsx" data-sheet="在跟信息">'
            "共2行，见Excel工作簿 progress_2026-06.xlsx 的“在跟信息”表</p>") in page  # fmt: skip
    alone = region_page("华东大区 进度看板", "月份: 2026-06", None, parts, "华东大区", "zh")
    assert "<h2>在跟信息</h2>" not in alone and "data-workbook" not in alone
    assert '<p class="kp-more">另有1行未显示</p>' in alone
