"""Year-to-date context beside the issued targets of month M (docs/method.md §2.3, "Year-to-date context").

Per unit (a dealer, or a province), all lines summed, with ``Y`` = year(M) and ``P`` = M-1::

    annual_plan            = Σ annual_targets.units of year Y (the locked plan)
    sales_to_prev_month    = Σ units sold with Jan 1 of Y <= date < first day of M      (1–(M-1)月实销)
    last_month_target      = Σ issued targets of P (the unit's dealers, every line)
    last_month_actual      = Σ units sold in P
    ytd_progress           = sales_to_prev_month / annual_plan                          (blank when 0)
    ytd_time_progress      = day-of-year(last day of P) / days in Y when M is not January, else 0
    last_month_attainment  = last_month_actual / last_month_target                      (blank when 0)

A unit lags (its cell is filled red in the workbook) when, rounded to 9 decimals,
``ytd_progress - ytd_time_progress < status.behind`` (flag ``flag_ytd_progress``), or
``last_month_attainment - 1 < status.behind`` (``flag_last_month_attainment``: a closed month's time
progress is 1): the board's "behind" rule (§2.3) at the end of last month. Worked example, June 2026,
``status.behind = -0.05``: ytd_time_progress = 151/365 = 41.4 %; a dealer with an annual plan of 120
and 40 units sold January–May has 33.3 %, 8.1 points behind: red; last month 9 of a target of 10 is
90 % attainment, 10 points below 100 %: red; 10 of 10 is not.

:func:`with_subtotals` adds one subtotal row per province (below its dealers) and a region total row
(``row_kind`` ``subtotal`` / ``total``) summing the count columns; :func:`ytd_ratios` computes the
ratios and flags from the counts of every row, so a subtotal's ratio is a ratio of sums, never an
average.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kaplan.core.months import Month, MonthLike
from kaplan.core.params import StatusThresholds
from kaplan.core.units import KEY_COLUMNS, UNIT_COLUMNS
from kaplan.progress.board import annual_time_progress, board_units, checked_level

YTD_COUNTS = ("annual_plan", "sales_to_prev_month", "last_month_target", "last_month_actual")
YTD_RATIOS = ("ytd_progress", "ytd_time_progress", "last_month_attainment")
FLAGS = ("flag_ytd_progress", "flag_last_month_attainment")
ROW_KINDS = ("", "subtotal", "total")


def _per_dealer(dealer_ids: pd.Series, values: pd.Series) -> pd.Series:
    return values.groupby(dealer_ids.to_numpy()).sum()


def ytd_counts(facts: pd.DataFrame, annual_targets: pd.DataFrame, last_month_targets: pd.DataFrame | None,
               month: MonthLike, org: pd.DataFrame, level: str = "dealer") -> pd.DataFrame:  # fmt: skip
    """The four counts per unit of ``level`` (dealer or province), units in ``org`` order.

    ``facts``: :func:`kaplan.core.facts.sales_facts`; ``last_month_targets``: the issued dealer targets
    of M-1 (``dealer_id, target``, any lines), ``None`` when there are none (counted 0).
    """
    lvl = checked_level(level)
    m = Month.of(month)
    previous = m.previous
    dates = facts["date"]
    this_year = facts[(dates >= m.year_start) & (dates < m.start)]
    last = facts[(dates >= previous.start) & (dates < m.start)]
    year_targets = annual_targets[annual_targets["year"] == m.year]
    per_dealer = pd.DataFrame(
        {
            "annual_plan": _per_dealer(year_targets["dealer_id"], year_targets["units"]),
            "sales_to_prev_month": _per_dealer(this_year["dealer_id"], this_year["units"]),
            "last_month_target": _per_dealer(last_month_targets["dealer_id"], last_month_targets["target"])
            if last_month_targets is not None and len(last_month_targets) else pd.Series(dtype="int64"),
            "last_month_actual": _per_dealer(last["dealer_id"], last["units"]),
        }
    )
    dealers = org[["dealer_id", *[c for c in UNIT_COLUMNS[lvl] if c != "dealer_id"]]].drop_duplicates("dealer_id")
    counts = per_dealer.reindex(dealers["dealer_id"].to_numpy()).fillna(0).astype("int64").reset_index(drop=True)
    keyed = pd.concat([dealers[list(KEY_COLUMNS[lvl])].reset_index(drop=True), counts], axis=1)
    summed = keyed.groupby(list(KEY_COLUMNS[lvl]), sort=False)[list(YTD_COUNTS)].sum().reset_index()
    units = board_units(org, lvl)
    out = units.merge(summed, on=list(KEY_COLUMNS[lvl]), how="left")
    out[list(YTD_COUNTS)] = out[list(YTD_COUNTS)].fillna(0).astype("int64")
    return out


def ytd_time_progress(month: MonthLike) -> float:
    """Share of the year elapsed at the end of last month: day-of-year(last day of M-1) / days in Y; 0 in January."""
    m = Month.of(month)
    return 0.0 if m.number == 1 else annual_time_progress(m.previous.end)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num, den = numerator.to_numpy(dtype="float64"), denominator.to_numpy(dtype="float64")
    return np.divide(num, den, out=np.full(len(num), np.nan), where=den != 0)


def ytd_ratios(frame: pd.DataFrame, month: MonthLike, thresholds: StatusThresholds) -> pd.DataFrame:
    """``frame`` (with the four count columns) with the three ratios and the two laggard flags."""
    out = frame.copy()
    out["ytd_progress"] = _ratio(out["sales_to_prev_month"], out["annual_plan"])
    out["ytd_time_progress"] = ytd_time_progress(month)
    out["last_month_attainment"] = _ratio(out["last_month_actual"], out["last_month_target"])
    behind = thresholds.behind
    out["flag_ytd_progress"] = ((out["ytd_progress"] - out["ytd_time_progress"]).round(9) < behind).fillna(False)
    out["flag_last_month_attainment"] = ((out["last_month_attainment"] - 1.0).round(9) < behind).fillna(False)
    return out.astype({f: "bool" for f in FLAGS})


def with_subtotals(frame: pd.DataFrame, sum_columns: Sequence[str], by: str | None = "province") -> pd.DataFrame:
    """``frame`` with a subtotal row after each ``by`` group (in order of appearance) and a total row.

    ``row_kind`` is blank for the frame's rows, ``subtotal`` and ``total`` for the added ones; they
    sum ``sum_columns`` and keep ``by`` (the subtotal) and the columns that are equal over all the
    rows summed (the region, the month); other columns are blank. With ``by`` None, only the total.
    """
    rows = frame.assign(row_kind="").reset_index(drop=True)
    constant = [c for c in rows.columns
                if c not in sum_columns and c != "row_kind" and rows[c].nunique(dropna=False) == 1]  # fmt: skip

    def total(part: pd.DataFrame, kind: str, keep: Sequence[str]) -> pd.DataFrame:
        sums = part[list(sum_columns)].sum().to_frame().T.astype(part[list(sum_columns)].dtypes.to_dict())
        for column in keep:
            sums[column] = part[column].iloc[0]
        return sums.assign(row_kind=kind)

    parts: list[pd.DataFrame] = []
    if by is None:
        parts.append(rows)
    else:
        for _, group in rows.groupby(by, sort=False):
            parts += [group, total(group, "subtotal", [by, *constant])]
    parts.append(total(rows, "total", constant))
    out = pd.concat(parts, ignore_index=True)[list(rows.columns)]
    out["row_kind"] = out["row_kind"].astype("str")
    return out
