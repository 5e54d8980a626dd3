"""One issue workbook per region for the field (月度下达), laid out as a regional director prints it.

``issue/<region>.xlsx`` (docs/operations.md §4):

- ``dealer``: a title block (region, month, issue version, issued on, issued by, the year's time
  progress to last month), one row per dealer with one target column per line and ``total``, a
  subtotal row per province and the region total; beside them the year-to-date context of
  :mod:`kaplan.progress.ytd` (annual plan, sales January to last month, year progress, last month's
  target, sales and attainment), lagging cells filled red; a note and a line to sign below;
- ``province``: the same per province, with the region total;
- ``adjustments`` (only when the month has manual adjustments in the region): formula and adjusted
  targets side by side with who, when and why (docs/method.md §2.2).

The region total of the ``total`` column equals the region's issued target (the sum of its
provinces' targets, :func:`kaplan.plan.targets.region_targets`).
"""

from __future__ import annotations

import pandas as pd

from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month
from kaplan.core.params import Params
from kaplan.plan.targets import MonthTargets, targets_by_line
from kaplan.progress.ytd import YTD_COUNTS, with_subtotals, ytd_ratios, ytd_time_progress
from kaplan.report.excel import Printed, safe_file_name

PROVINCE_COLUMNS = ("month", "region", "province", "line", "target")
DEALER_COLUMNS = ("month", "region", "province", "dealer_id", "dealer_name", "line", "target")
CONTEXT_COLUMNS = ("annual_plan", "sales_to_prev_month", "ytd_progress", "last_month_target", "last_month_actual",
                   "last_month_attainment", "flag_ytd_progress", "flag_last_month_attainment")  # fmt: skip
ADJUSTMENT_SHOWN = ("province", "dealer_id", "dealer_name", "line", "formula_target", "adjusted_target", "change",
                    "adjusted_by", "adjusted_at", "reason", "rebalanced")  # fmt: skip


def issue_workbooks(targets: MonthTargets) -> dict[str, dict[str, pd.DataFrame]]:
    """``{file-safe region name: {"province": ..., "dealer": ...}}``: the issued rows of every region, long form."""
    books: dict[str, dict[str, pd.DataFrame]] = {}
    provinces = targets.province[list(PROVINCE_COLUMNS)]
    dealers = targets.dealer[list(DEALER_COLUMNS)]
    dealer_groups = dict(tuple(dealers.groupby("region", sort=False)))
    for region, rows in provinces.groupby("region", sort=False):
        books[_unique(books, str(region))] = {
            "province": rows.reset_index(drop=True),
            "dealer": dealer_groups.get(region, dealers.iloc[0:0]).reset_index(drop=True),
        }
    return books


def _unique(books: dict, region: str) -> str:
    name = safe_file_name(region)
    while name in books:
        name += "_"
    return name


def pack_frame(wide: pd.DataFrame, context: pd.DataFrame, level: str, month: str, params: Params,
               lang: Lang) -> pd.DataFrame:  # fmt: skip
    """One region's rows of ``wide`` (:func:`targets_by_line`) with their context counts, subtotals
    per province (dealer level) and the region total, ratios and flags, total rows labelled in ``lang``."""
    keys = ["dealer_id"] if level == "dealer" else ["region", "province"]
    rows = wide.merge(context[[*keys, *YTD_COUNTS]], on=keys, how="left")
    rows[list(YTD_COUNTS)] = rows[list(YTD_COUNTS)].fillna(0).astype("int64")
    lines = [c for c in wide.columns if c not in ("month", "region", "province", "dealer_id", "dealer_name", "total")]
    summed = with_subtotals(rows, [*lines, "total", *YTD_COUNTS], by="province" if level == "dealer" else None)
    out = ytd_ratios(summed, month, params.status)
    name_column = "dealer_name" if level == "dealer" else "province"
    out.loc[out["row_kind"] == "subtotal", name_column] = label("subtotal", lang)
    out.loc[out["row_kind"] == "total", "province"] = label("region_total", lang)
    if level == "dealer":
        out.loc[out["row_kind"] == "total", "dealer_name"] = ""
    unit = ["province", "dealer_id", "dealer_name"] if level == "dealer" else ["province"]
    return out[[*unit, *lines, "total", *CONTEXT_COLUMNS, "row_kind"]].reset_index(drop=True)


def regional_packs(
    targets: MonthTargets, dealer_context: pd.DataFrame, province_context: pd.DataFrame, *, params: Params,
    lang: Lang, version: str, issued_on: str,
) -> dict[str, dict[str, Printed]]:
    """``{file-safe region name: {"dealer": ..., "province": ..., ["adjustments": ...]}}`` for every region.

    ``dealer_context`` / ``province_context``: :func:`kaplan.progress.ytd.ytd_counts` at each level
    (every unit of the country); ``version``: the issue version (v1 + one per adjustment record);
    ``issued_on``: the date printed as issued on.
    """
    month = str(Month.of(targets.month))
    last = Month.of(month).previous
    dealers, provinces = targets_by_line(targets.dealer, "dealer"), targets_by_line(targets.province, "province")
    adjustments = targets.adjustments if targets.adjustments is not None else pd.DataFrame(columns=["region"])
    by = params.issue.issued_by or label("key_account_department", lang)
    elapsed = f"{ytd_time_progress(month):.1%}"
    headers = (("sales_to_prev_month", label("sales_jan_to", lang).format(last=last.number,
                                                                           last_en=last.start.strftime("%b"))),)
    behind = f"{-params.status.behind * 100:g}"
    attained = f"{(1 + params.status.behind) * 100:g}%"
    books: dict[str, dict[str, Printed]] = {}
    for region, region_dealers in dealers.groupby("region", sort=False):
        changed = adjustments[adjustments["region"] == region]
        title = ((label("region", lang), str(region)), (label("month", lang), month),
                 (label("issue_version", lang), version), (label("issued_on", lang), issued_on),
                 (label("issued_by", lang), by), (label("ytd_time_progress", lang), elapsed))  # fmt: skip
        heading = f"{region} {Month.of(month).label(lang)} {label('issue_workbook', lang)}"
        notes = [label("note_laggards", lang).format(behind=behind, attained=attained)]
        if len(changed):
            notes.append(label("note_adjusted", lang).format(n=len(changed)))
        footer = (*notes, "", label("sign_off", lang))

        def printed(frame: pd.DataFrame, freeze: int, heading: str = heading, title: tuple = title,
                    footer: tuple = footer) -> Printed:  # fmt: skip
            return Printed(frame, heading=heading, title=title, footer=footer, freeze_columns=freeze, headers=headers)

        region_provinces = provinces[provinces["region"] == region]
        sheets = {
            "dealer": printed(pack_frame(region_dealers, dealer_context, "dealer", month, params, lang), 3),
            "province": printed(pack_frame(region_provinces, province_context, "province", month, params, lang), 1),
        }
        if len(changed):
            sheets["adjustments"] = Printed(changed[list(ADJUSTMENT_SHOWN)].reset_index(drop=True), heading=heading,
                                            title=title, freeze_columns=3)  # fmt: skip
        books[_unique(books, str(region))] = sheets
    return books
