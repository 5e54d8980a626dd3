"""Issue workbooks for the field: one per region, its provinces and dealers, safe file names."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from kaplan.plan.targets import MonthTargets
from kaplan.report.excel import write_workbook
from kaplan.report.issue import issue_workbooks


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


def test_region_names_cannot_escape_the_issue_folder(tmp_path: Path) -> None:
    hostile = ["../../etc/passwd", "a/b", "..", "con:*?"]
    books = issue_workbooks(_targets(hostile))
    assert len(books) == len(hostile)
    for name, sheets in books.items():
        assert "/" not in name and "\\" not in name and name not in ("", ".", "..")
        path = write_workbook(tmp_path / f"{name}.xlsx", sheets, "zh")
        assert path.parent == tmp_path
        assert openpyxl.load_workbook(path).sheetnames == ["province", "dealer"]
