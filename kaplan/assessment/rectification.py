"""The rectification list (整改, docs/method.md §2.5): dealers whose month completion trails time progress.

For month M as of day d (``D`` days in M), per dealer with issued target ``T`` (all lines) and
``mtd`` units sold from the 1st of M through d::

    time_progress  = d / D          (d, D counted in calendar days, or in official working days when
                                     params.time_progress.basis = working_days, docs/method.md §2.3)
    month_progress = mtd / T
    trailing       = T > 0  and  time_progress - month_progress > gap      (gap = params.rectification.gap)
    gap_units      = ceil(T * d / D) - mtd        units needed to be back on the time-progress line

"More than gap" is strict: a dealer exactly ``gap`` behind is not listed. A dealer with no target
(T = 0) cannot trail and is never listed.

For an earlier month m the month is over: time progress is 1 and completion is the month's full
actual over its issued target, so it trailed when ``1 - actual / T_m > gap``.
``months_trailing`` counts the consecutive months ending with M in which the dealer trailed
(1 = only this month); it stops at the first month that did not trail or whose issued targets were
not given, so it is at most the number of months of targets supplied.

Each listed dealer shows its region, province, name and the province's regional manager(s)
(staff of role ``regional_manager`` in that province, names joined by "、", blank when none).

The rectification notice (整改通知, :func:`notices`) is the list split by region, one sheet each, by
province and then largest gap first, with three blank columns for the field to fill in by hand:
``requirement`` (整改要求), ``deadline`` (完成期限) and ``dealer_feedback`` (经销商反馈).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kaplan.core.calendar import Basis, time_progress_parts
from kaplan.core.months import Month, MonthLike, month_labels

log = logging.getLogger(__name__)

RECTIFICATION_COLUMNS = (
    "region", "province", "dealer_id", "dealer_name", "regional_manager", "month_target", "mtd",
    "month_progress", "time_progress", "gap_units", "months_trailing",
)  # fmt: skip
NOTICE_COLUMNS = (
    "province", "dealer_id", "dealer_name", "regional_manager", "month_target", "mtd", "month_progress",
    "gap_units", "months_trailing", "requirement", "deadline", "dealer_feedback",
)  # fmt: skip
FIELD_COLUMNS = ("requirement", "deadline", "dealer_feedback")
TOLERANCE = 1e-9  # float noise when a dealer sits exactly on the gap


def dealer_month_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """``month, dealer_id, target`` summed over lines, from issued targets with those columns (and ``line``)."""
    out = targets.groupby(["month", "dealer_id"], as_index=False, sort=False)["target"].sum()
    return out.astype({"target": "int64"})


def month_actuals(facts: pd.DataFrame, months: list[MonthLike], as_of: pd.Timestamp) -> pd.DataFrame:
    """``month, dealer_id, units`` for the given months (YYYY-MM), each up to ``as_of`` at most."""
    if not months:
        return pd.DataFrame({"month": pd.Series(dtype="str"), "dealer_id": pd.Series(dtype="str"),
                             "units": pd.Series(dtype="int64")})  # fmt: skip
    wanted = sorted({Month.of(m) for m in months})
    window = facts[(facts["date"] >= wanted[0].start) & (facts["date"] <= as_of)]
    labels = month_labels(window["date"])
    inside = labels.isin([str(m) for m in wanted])
    window, labels = window[inside], labels[inside]
    grouped = window.groupby([labels.rename("month"), window["dealer_id"]])["units"].sum()
    out = grouped.reset_index()
    return pd.DataFrame({"month": out["month"].astype("str"), "dealer_id": out["dealer_id"],
                         "units": out["units"].astype("int64")})  # fmt: skip


def trailing_flags(targets: pd.DataFrame, actuals: pd.DataFrame, month: MonthLike, day_share: float,
                   gap: float) -> pd.DataFrame:  # fmt: skip
    """Per month x dealer of ``targets``: ``progress``, ``time_progress`` and ``trailing``."""
    frame = targets.merge(actuals, on=["month", "dealer_id"], how="left")
    frame["units"] = frame["units"].fillna(0).astype("int64")
    frame["time_progress"] = np.where(frame["month"] == str(Month.of(month)), day_share, 1.0)
    target = frame["target"].astype("float64")
    frame["progress"] = frame["units"] / target.where(target > 0)
    frame["trailing"] = (target > 0) & (frame["time_progress"] - frame["progress"] > gap + TOLERANCE)
    return frame


def consecutive_months(flags: pd.DataFrame, month: MonthLike) -> pd.Series:
    """Per dealer: how many months in a row, ending with ``month``, it trailed (0 if not this month)."""
    end = Month.of(month)
    earliest = min(Month.of(m) for m in flags["month"].unique()) if len(flags) else end
    span = [str(m) for m in reversed(end.since(earliest))]  # M, M-1, ... newest first
    matrix = flags.pivot_table(index="dealer_id", columns="month", values="trailing", aggfunc="any")
    matrix = matrix.reindex(columns=span).fillna(False).astype(bool)
    return pd.Series(matrix.to_numpy().cumprod(axis=1).sum(axis=1), index=matrix.index, dtype="int64")


def managers_by_province(staff: pd.DataFrame) -> pd.Series:
    """Names of the regional managers of each province, joined by "、" in staff_id order."""
    managers = staff[staff["role"] == "regional_manager"].sort_values("staff_id")
    return managers.groupby("province")["name"].agg("、".join)


def rectification_list(org: pd.DataFrame, staff: pd.DataFrame, facts: pd.DataFrame, targets: pd.DataFrame,
                       month: MonthLike, as_of: pd.Timestamp, gap: float,
                       basis: Basis = "calendar") -> pd.DataFrame:  # fmt: skip
    """The ``rectification`` sheet: dealers trailing in ``month``, largest gap in units first.

    ``targets`` holds issued targets with ``month, dealer_id, target`` (and optionally ``line``) for
    ``month`` and any earlier months to look back over.
    """
    month = str(Month.of(month))
    as_of = pd.Timestamp(as_of)
    dealer_targets = dealer_month_targets(targets[targets["month"] <= month])
    months = sorted(dealer_targets["month"].unique())
    elapsed, days = time_progress_parts(as_of, basis)
    flags = trailing_flags(dealer_targets, month_actuals(facts, months, as_of), month, elapsed / days, gap)
    now = flags[(flags["month"] == month) & flags["trailing"]].copy()
    now["months_trailing"] = now["dealer_id"].map(consecutive_months(flags, month)).astype("int64")
    now["gap_units"] = -((-now["target"] * elapsed) // days) - now["units"]
    info = org.set_index("dealer_id")
    now["region"] = now["dealer_id"].map(info["region"])
    now["province"] = now["dealer_id"].map(info["province"])
    now["dealer_name"] = now["dealer_id"].map(info["dealer_name"])
    now["regional_manager"] = now["province"].map(managers_by_province(staff)).fillna("").astype("str")
    out = now.rename(columns={"target": "month_target", "units": "mtd", "progress": "month_progress"})
    out = out.sort_values(["gap_units", "dealer_id"], ascending=[False, True], kind="stable")
    log.info("rectification %s as of %s: %d dealers trailing by more than %.0f%%", month, as_of.date(),
             len(out), gap * 100)  # fmt: skip
    return out[list(RECTIFICATION_COLUMNS)].reset_index(drop=True)


def notices(listing: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``{region: notice rows}`` of a :func:`rectification_list`, regions in order of first appearance.

    Rows by province (in order of appearance) and then largest gap first; the field columns blank.
    """
    out: dict[str, pd.DataFrame] = {}
    for region, rows in listing.groupby("region", sort=False):
        province_rank = {p: i for i, p in enumerate(rows["province"].drop_duplicates())}
        ordered = rows.assign(_p=rows["province"].map(province_rank)).sort_values(
            ["_p", "gap_units", "dealer_id"], ascending=[True, False, True], kind="stable")
        blank = {c: pd.Series("", index=ordered.index, dtype="str") for c in FIELD_COLUMNS}
        out[str(region)] = ordered.assign(**blank)[list(NOTICE_COLUMNS)].reset_index(drop=True)
    return out
