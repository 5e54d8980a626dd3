"""Issue workbooks for the field, opened as a regional director opens them: one per region, a title
block, one row per dealer with lines as columns, province subtotals, the region total equal to the
issued region target, year-to-date context with red laggards, print setup, frozen panes, widths."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kaplan.core.facts import sales_facts
from kaplan.core.glossary import label
from kaplan.core.params import Params, params_from_mapping
from kaplan.core.tables import Tables
from kaplan.plan.targets import MonthTargets, month_targets
from kaplan.progress.ytd import ytd_counts
from kaplan.report.excel import display_width, write_workbook
from kaplan.report.issue import issue_workbooks, regional_packs

MONTH = "2026-06"
PARAMS = params_from_mapping({})


def _targets(regions: list[str]) -> MonthTargets:
    province = pd.DataFrame(
        {"month": "2026-06", "region": regions, "province": [f"p{i}" for i in range(len(regions))],
         "line": "work", "target": range(1, len(regions) + 1)}
    )
    dealer = province.assign(dealer_id=[f"D{i}" for i in range(len(regions))], dealer_name="x")
    empty = pd.DataFrame()
    return MonthTargets("2026-06", empty, province, dealer, empty, empty)


def test_one_workbook_per_region_with_its_own_rows() -> None:
    books = issue_workbooks(_targets(["华北大区", "华北大区", "西南大区"]))
    assert list(books) == ["华北大区", "西南大区"]
    assert books["华北大区"]["province"]["target"].tolist() == [1, 2]
    assert books["西南大区"]["dealer"]["dealer_id"].tolist() == ["D2"]


def _packs(targets: MonthTargets, tables: Tables, lang: str = "zh", params: Params = PARAMS) -> dict:
    facts = sales_facts(tables)
    last = month_targets(tables, "2026-05", params).dealer
    contexts = [ytd_counts(facts, tables.annual_targets, last, targets.month, tables.org, level)
                for level in ("dealer", "province")]  # fmt: skip
    return regional_packs(targets, *contexts, params=params, lang=lang, version="v1", issued_on="2026-06-20")


def test_region_names_cannot_escape_the_issue_folder(tmp_path: Path, small_tables: Tables) -> None:
    hostile = ["../../etc/passwd", "a/b", "..", "con:*?"]
    targets = month_targets(small_tables, MONTH, PARAMS)
    regions = list(dict.fromkeys(targets.dealer["region"]))
    rename = dict(zip(regions, hostile, strict=False))
    renamed = MonthTargets(MONTH, targets.plan, targets.province.replace({"region": rename}),
                           targets.dealer.replace({"region": rename}), targets.region, targets.warnings)  # fmt: skip
    books = _packs(renamed, small_tables)
    assert len(books) == len(regions)
    for name, sheets in books.items():
        assert "/" not in name and "\\" not in name and name not in ("", ".", "..")
        path = write_workbook(tmp_path / f"{name}.xlsx", sheets, "zh")
        assert path.parent == tmp_path
        assert openpyxl.load_workbook(path).sheetnames == ["经销商目标", "省区目标"]


@pytest.fixture(scope="module")
def pack(small_tables: Tables, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MonthTargets, str]:
    targets = month_targets(small_tables, MONTH, PARAMS)
    region = targets.dealer["region"].iloc[0]
    books = _packs(targets, small_tables)
    folder = tmp_path_factory.mktemp("issue")
    paths = {name: write_workbook(folder / f"{name}.xlsx", sheets, "zh") for name, sheets in books.items()}
    return paths[region], targets, region


def _table(sheet: openpyxl.worksheet.worksheet.Worksheet) -> tuple[list[str], list[tuple]]:
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] == label("province", "zh"))
    body = []
    for row in rows[at + 1:]:
        if row[0] is None:
            break
        body.append(row)
    return list(rows[at]), body


def test_title_block_names_region_month_version_date_and_issuer(pack: tuple) -> None:
    path, _, region = pack
    sheet = openpyxl.load_workbook(path)["经销商目标"]
    assert sheet["A1"].value == f"{region} 2026年6月 月度下达表" and sheet["A1"].font.b
    title = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(2, 8)}
    assert title == {"大区": region, "月份": "2026-06", "下达版本": "v1", "下达日期": "2026-06-20",
                     "下达人": "大客户管理部门", "年度时间进度（至上月）": "41.4%"}  # fmt: skip


def test_one_row_per_dealer_subtotals_sum_and_region_total_is_the_issued_target(pack: tuple) -> None:
    path, targets, region = pack
    header, body = _table(openpyxl.load_workbook(path)["经销商目标"])
    assert header[:7] == ["省区", "经销商代码", "经销商名称", "指挥车", "作业车", "改装厂用车", "合计"]
    assert header[7:] == ["年度计划", "1–5月实销", "年度进度（至上月）", "上月目标", "上月实销", "上月达成率"]
    dealers = [r for r in body if r[1] is not None]
    mine = targets.dealer[targets.dealer["region"] == region]
    assert sorted(r[1] for r in dealers) == sorted(mine["dealer_id"].unique())  # one row per dealer
    wide = mine.pivot_table(index="dealer_id", columns="line", values="target", aggfunc="sum")
    for row in dealers:
        assert list(row[3:6]) == [int(wide.loc[row[1], line]) for line in ("command", "work", "conversion")]
        assert row[6] == sum(row[3:6])
    subtotals = [r for r in body if r[2] == "小计"]
    assert len(subtotals) == mine["province"].nunique()
    for sub in subtotals:
        rows = [r for r in dealers if r[0] == sub[0]]
        for j in (3, 4, 5, 6, 7, 8, 10, 11):
            assert sub[j] == sum(r[j] for r in rows)
        assert sub[9] == pytest.approx(sub[8] / sub[7])  # a ratio of the sums, never an average
    total = body[-1]
    assert total[0] == "大区合计"
    issued = targets.region[targets.region["region"] == region]
    assert total[6] == issued["target"].sum() == sum(s[6] for s in subtotals)
    for j, line in zip((3, 4, 5), ("command", "work", "conversion"), strict=True):
        assert total[j] == issued.loc[issued["line"] == line, "target"].sum()


def test_province_sheet_matches_the_province_targets(pack: tuple) -> None:
    path, targets, region = pack
    _, body = _table(openpyxl.load_workbook(path)["省区目标"])
    mine = targets.province[targets.province["region"] == region]
    assert [r[0] for r in body[:-1]] == list(dict.fromkeys(mine["province"]))
    assert body[-1][0] == "大区合计" and body[-1][4] == mine["target"].sum()
    assert all(r[4] == sum(r[1:4]) for r in body)


def test_print_setup_frozen_panes_and_widths(pack: tuple) -> None:
    path, _, _ = pack
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0  # one page wide, as many pages tall as needed
        assert sheet.print_title_rows == "$9:$9"  # the header row repeated on every page
        assert sheet.print_options.gridLines
    dealer = book["经销商目标"]
    assert dealer.freeze_panes == "D10"  # header and province, code, name stay in view
    assert book["省区目标"].freeze_panes == "B10"
    for cell in dealer[9]:
        width = dealer.column_dimensions[cell.column_letter].width
        assert width >= display_width(cell.value), (cell.value, width)


def test_laggards_are_red_and_totals_bold(pack: tuple) -> None:
    path, _, _ = pack
    sheet = openpyxl.load_workbook(path)["经销商目标"]
    header, body = _table(sheet)
    progress = header.index("年度进度（至上月）")
    attained = header.index("上月达成率")
    elapsed = 151 / 365
    red = {"FFFFC7CE"}
    for r, row in enumerate(body, start=10):
        cell = sheet.cell(row=r, column=progress + 1)
        lagging = row[progress] is not None and round(row[progress] - elapsed, 9) < -0.05
        assert (cell.fill.fgColor.rgb in red) == lagging, (row, cell.fill.fgColor.rgb)
        month_cell = sheet.cell(row=r, column=attained + 1)
        assert (month_cell.fill.fgColor.rgb in red) == (row[attained] is not None and row[attained] < 0.95)
        assert cell.number_format == "0.0%"
        if row[2] == "小计" or row[0] == "大区合计":
            assert sheet.cell(row=r, column=7).font.b
    assert any(sheet.cell(row=r, column=progress + 1).fill.fgColor.rgb in red for r in range(10, 10 + len(body)))


def test_english_pack_reads_english(small_tables: Tables, tmp_path: Path) -> None:
    targets = month_targets(small_tables, MONTH, PARAMS)
    name, sheets = next(iter(_packs(targets, small_tables, "en").items()))
    book = openpyxl.load_workbook(write_workbook(tmp_path / f"{name}.xlsx", sheets, "en"))
    assert book.sheetnames == ["Dealer targets", "Province targets"]
    sheet = book["Dealer targets"]
    assert sheet["A1"].value.endswith("Jun 2026 Monthly issue workbook")
    assert sheet["A6"].value == "Issued by" and sheet["B6"].value == "Key-account department"
    assert [c.value for c in sheet[9]][8] == "Sales Jan–May"
