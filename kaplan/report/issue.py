"""One issue workbook per region for the field (月度下达): its provinces and dealers."""

from __future__ import annotations

import pandas as pd

from kaplan.plan.targets import MonthTargets
from kaplan.report.excel import safe_file_name

PROVINCE_COLUMNS = ("month", "region", "province", "line", "target")
DEALER_COLUMNS = ("month", "region", "province", "dealer_id", "dealer_name", "line", "target")


def issue_workbooks(targets: MonthTargets) -> dict[str, dict[str, pd.DataFrame]]:
    """``{file-safe region name: {"province": ..., "dealer": ...}}`` for every region."""
    books: dict[str, dict[str, pd.DataFrame]] = {}
    provinces = targets.province[list(PROVINCE_COLUMNS)]
    dealers = targets.dealer[list(DEALER_COLUMNS)]
    dealer_groups = dict(tuple(dealers.groupby("region", sort=False)))
    for region, rows in provinces.groupby("region", sort=False):
        name = safe_file_name(str(region))
        while name in books:
            name += "_"
        books[name] = {
            "province": rows.reset_index(drop=True),
            "dealer": dealer_groups.get(region, dealers.iloc[0:0]).reset_index(drop=True),
        }
    return books
