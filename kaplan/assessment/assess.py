"""The month's assessment in one place (docs/method.md §2.5, docs/operations.md §4 ``assessment_YYYY-MM.xlsx``).

:func:`assess` puts together, for month M as of date d:

- ``kpi``: :func:`kaplan.assessment.kpi.kpi_table` for every staff member;
- ``attainment``: :func:`kaplan.assessment.attainment.attainment_table`, the month target being M's issued
  dealer targets and the year-to-date target the sum of the issued targets of January..M when all
  of them are given, else :func:`kaplan.assessment.attainment.ytd_targets_from_annual` (and a note says so);
- ``incentive``: :func:`kaplan.assessment.incentive.payouts` on the month attainment;
- ``rectification``: :func:`kaplan.assessment.rectification.rectification_list` over M and the
  ``params.rectification.lookback_months`` months before it that have issued targets;
- ``per_capita``: :func:`kaplan.assessment.attainment.per_capita_table` per region for year(M);
- ``approvals``: the workflow state of M (:func:`kaplan.assessment.workflow.state_frame`).

:func:`assessment_sheets` gives the workbook's sheets ``kpi``, ``incentive`` and ``rectification``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kaplan.assessment import attainment, incentive, kpi, rectification, workflow
from kaplan.core.facts import sales_facts, staff_scope
from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params
from kaplan.core.tables import Tables
from kaplan.plan.targets import MonthTargets, month_targets

log = logging.getLogger(__name__)

ISSUED_COLUMNS = ("month", "dealer_id", "target")


@dataclass(frozen=True)
class Assessment:
    month: str
    as_of: pd.Timestamp
    kpi: pd.DataFrame
    attainment: pd.DataFrame
    incentive: pd.DataFrame
    rectification: pd.DataFrame
    per_capita: pd.DataFrame
    approvals: pd.DataFrame
    unreviewed: int = 0  # submitted KPI rows with a blank reviewer score
    missing: int = 0  # KPI rows not submitted
    ytd_fallback: bool = False  # the year-to-date target came from the annual targets


def months_needed(month: MonthLike, lookback: int) -> list[str]:
    """Months whose issued targets the assessment of ``month`` uses: January (or ``lookback`` back) .. M."""
    end = Month.of(month)
    first = min(Month.first_of(end.year), end + (-lookback))
    return [str(m) for m in end.since(first)]


def lookback_months(month: MonthLike, lookback: int) -> list[str]:
    """``month`` and the ``lookback`` months before it, oldest first."""
    end = Month.of(month)
    return [str(m) for m in end.since(end + (-lookback))]


def dealer_totals(month_targets: MonthTargets) -> pd.DataFrame:
    """``month, dealer_id, target`` of one month's issued targets, lines summed."""
    dealers = month_targets.dealer
    out = dealers.groupby("dealer_id", as_index=False, sort=False)["target"].sum()
    out.insert(0, "month", month_targets.month)
    return out[list(ISSUED_COLUMNS)].astype({"target": "int64"})


def issued_dealer_targets(tables: Tables, months: list[str], params: Params,
                          known: Mapping[str, MonthTargets] | None = None) -> pd.DataFrame:  # fmt: skip
    """Issued dealer targets of each of ``months`` (the target engine per month; ``known`` ones reused)."""
    known = dict(known or {})
    frames = [dealer_totals(known[m] if m in known else month_targets(tables, m, params)) for m in months]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(ISSUED_COLUMNS))


def ytd_targets(issued: pd.DataFrame, annual_targets: pd.DataFrame, month: MonthLike) -> tuple[pd.DataFrame, bool]:
    """``dealer_id, target`` for January..M: issued ones when every month is there, else the annual fallback."""
    months = [str(m) for m in Month.of(month).year_to_date()]
    if set(months) <= set(issued["month"]):
        rows = issued[issued["month"].isin(months)]
        out = rows.groupby("dealer_id", as_index=False)["target"].sum()
        return out.astype({"target": "int64"}), False
    return attainment.ytd_targets_from_annual(annual_targets, month), True


def assess(tables: Tables, month: MonthLike, as_of: pd.Timestamp, params: Params, issued: pd.DataFrame,
           facts: pd.DataFrame | None = None, approvals_directory: Path | None = None) -> Assessment:  # fmt: skip
    """The whole assessment of ``month`` as of ``as_of``; ``issued`` as :func:`issued_dealer_targets` gives."""
    month = str(Month.of(month))
    as_of = pd.Timestamp(as_of)
    facts = sales_facts(tables) if facts is None else facts
    submissions = tables.kpi_submissions
    kpi_frame = kpi.kpi_table(tables.staff, submissions, month, params.kpi)
    month_issued = issued[issued["month"] == month]
    ytd, fallback = ytd_targets(issued, tables.annual_targets, month)
    people = attainment.attainment_table(tables.staff, staff_scope(tables), facts, month, as_of, month_issued, ytd)
    checked = issued[issued["month"].isin(lookback_months(month, params.rectification.lookback_months))]
    trailing = rectification.rectification_list(
        tables.org, tables.staff, facts, checked, month, as_of, params.rectification.gap, params.time_progress.basis
    )
    year = Month.of(month).year
    return Assessment(
        month=month,
        as_of=as_of,
        kpi=kpi_frame,
        attainment=people,
        incentive=incentive.payouts(people, params.incentive.bands),
        rectification=trailing,
        per_capita=attainment.per_capita_table(
            tables.annual_targets, tables.org, tables.staff, year, params.per_capita.development_months
        ),
        approvals=workflow.state_frame(workflow.load_approvals(month, approvals_directory)),
        unreviewed=len(kpi.unreviewed(submissions, month)),
        missing=len(kpi.missing(submissions, month)),
        ytd_fallback=fallback,
    )


def notes(result: Assessment, params: Params, lang: Lang = "zh") -> list[str]:
    """The notes a reader needs: a month not over yet, unreviewed and missing KPI rows, no target, fallbacks."""
    lines = []
    month_end = Month.of(result.month).end
    if result.as_of < month_end:
        deadline = workflow.compile_deadline(result.month, params.kpi.compile_deadline_day)
        lines.append(label("note_provisional", lang).format(as_of=result.as_of.date(), deadline=deadline))
    if result.unreviewed:
        lines.append(label("note_unreviewed", lang).format(n=result.unreviewed))
    if result.missing:
        lines.append(label("note_missing", lang).format(n=result.missing))
    no_target = int(result.attainment["month_attainment"].isna().sum())
    if no_target:
        lines.append(label("note_no_target", lang).format(n=no_target))
    if result.ytd_fallback:
        lines.append(label("note_ytd_fallback", lang))
    gap = f"{params.rectification.gap * 100:g}%"
    lines.append(label("note_rectification", lang).format(gap=gap, n=len(result.rectification)))
    return lines


def assessment_sheets(result: Assessment) -> dict[str, pd.DataFrame]:
    """The ``assessment_YYYY-MM.xlsx`` sheets: ``kpi``, ``incentive``, ``rectification``."""
    return {
        "kpi": result.kpi.reset_index(drop=True),
        "incentive": result.incentive.reset_index(drop=True),
        "rectification": result.rectification.reset_index(drop=True),
    }
