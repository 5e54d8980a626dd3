"""The assessment of a month in one place (docs/method.md §2.5, docs/operations.md §4 ``assessment_YYYY-MM.xlsx``).

The run of month M assesses the last closed month, M-1 (:func:`assessed_month`; another month up
to M on request, M itself giving the provisional view, 进行中). :func:`assess` puts together, for
the assessed month A as of the run's date d:

- ``kpi``: :func:`kaplan.assessment.kpi.kpi_table` for every staff member (A's rows and deadlines;
  items not yet due blank when A is still running);
- ``attainment``: :func:`kaplan.assessment.attainment.attainment_table`, the month target being A's
  issued dealer targets and the targets of January..A-1 their issued targets when all of them are
  given, else :func:`kaplan.assessment.attainment.ytd_targets_from_annual` (and a note says so);
- ``incentive``: :func:`kaplan.assessment.incentive.payouts` per role, and ``incentive_summary``
  (:func:`kaplan.assessment.incentive.role_summary`) with the 元-per-unit sanity figure;
- ``rectification``: :func:`kaplan.assessment.rectification.rectification_list` over A and the
  ``params.rectification.lookback_months`` months before it that have issued targets;
- ``per_capita``: :func:`kaplan.assessment.attainment.per_capita_table` per region for year(A);
- ``approvals``: the workflow state of A (:func:`kaplan.assessment.workflow.state_frame`).

:func:`assessment_sheets` gives the workbook's sheets ``kpi``, ``incentive``, ``incentive_by_role``
and ``rectification``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kaplan.assessment import attainment, incentive, kpi, rectification, workflow
from kaplan.core.errors import KaplanError
from kaplan.core.facts import sales_facts, staff_scope
from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Params
from kaplan.core.schema import KPI_ITEMS
from kaplan.core.tables import Tables
from kaplan.plan.targets import MonthTargets, month_targets

log = logging.getLogger(__name__)

ISSUED_COLUMNS = ("month", "dealer_id", "target")


@dataclass(frozen=True)
class Assessment:
    month: str  # the assessed month
    as_of: pd.Timestamp  # the run's as-of date
    kpi: pd.DataFrame
    attainment: pd.DataFrame
    incentive: pd.DataFrame
    incentive_summary: pd.DataFrame
    rectification: pd.DataFrame
    per_capita: pd.DataFrame
    approvals: pd.DataFrame
    unreviewed: int = 0  # submitted KPI rows with a blank reviewer score
    missing: int = 0  # KPI rows not submitted
    ytd_fallback: bool = False  # the targets of January..A-1 came from the annual targets
    not_due: tuple[str, ...] = ()  # KPI items not due yet (a running month)
    units_sold: int = 0  # national units of the assessed month (through as_of when it is running)

    @property
    def closed(self) -> bool:
        """The assessed month is over as of the run's date."""
        return self.as_of >= Month.of(self.month).end


def assessed_month(run_month: MonthLike, assess: str = "") -> str:
    """The month a run of ``run_month`` assesses: ``assess`` when given, else the month before.

    A month after ``run_month`` cannot be assessed (its sales are not in); ``run_month`` itself is the
    provisional view of the running month.
    """
    run = Month.of(run_month)
    chosen = Month.of(assess) if assess else run.previous
    if chosen > run:
        raise KaplanError(
            f"cannot assess {chosen} in the run of {run}: it has not started; give --assess {run.previous} "
            f"(the last closed month, the default) or an earlier month"
        )
    return str(chosen)


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


def prior_targets(issued: pd.DataFrame, annual_targets: pd.DataFrame, month: MonthLike) -> tuple[pd.DataFrame, bool]:
    """``dealer_id, target`` for January..M-1: issued ones when every month is there, else the annual fallback."""
    m = Month.of(month)
    months = [str(p) for p in m.year_to_date()][:-1]
    if set(months) <= set(issued["month"]):
        rows = issued[issued["month"].isin(months)]
        out = rows.groupby("dealer_id", as_index=False)["target"].sum()
        return out.astype({"target": "int64"}), False
    return attainment.ytd_targets_from_annual(annual_targets, m.previous), True


def assess(tables: Tables, month: MonthLike, as_of: pd.Timestamp, params: Params, issued: pd.DataFrame,
           facts: pd.DataFrame | None = None, approvals_directory: Path | None = None,
           lang: Lang = "zh") -> Assessment:  # fmt: skip
    """The whole assessment of ``month`` as of ``as_of``; ``issued`` as :func:`issued_dealer_targets` gives."""
    m = Month.of(month)
    month = str(m)
    as_of = pd.Timestamp(as_of)
    if as_of < m.start:
        raise KaplanError(f"cannot assess {month} as of {as_of.date()}: the month has not started")
    until = min(as_of, m.end)  # a closed month counts through its last day
    facts = sales_facts(tables) if facts is None else facts
    submissions = tables.kpi_submissions
    kpi_frame = kpi.kpi_table(tables.staff, submissions, month, params.kpi, as_of)
    month_issued = issued[issued["month"] == month]
    before, fallback = prior_targets(issued, tables.annual_targets, month)
    people = attainment.attainment_table(tables.staff, staff_scope(tables), facts, month, as_of, month_issued, before)
    checked = issued[issued["month"].isin(lookback_months(month, params.rectification.lookback_months))]
    trailing = rectification.rectification_list(
        tables.org, tables.staff, facts, checked, month, until, params.rectification.gap, params.time_progress.basis
    )
    sold = int(facts.loc[(facts["date"] >= m.start) & (facts["date"] <= until), "units"].sum())
    pay = incentive.payouts(people, params.incentive, lang)
    window = params.per_capita
    return Assessment(
        month=month,
        as_of=as_of,
        kpi=kpi_frame,
        attainment=people,
        incentive=pay,
        incentive_summary=incentive.role_summary(pay, sold),
        rectification=trailing,
        per_capita=attainment.per_capita_table(
            tables.annual_targets, tables.org, tables.staff, m.year, m, window.window_start, window.window_end
        ),
        approvals=workflow.state_frame(workflow.load_approvals(month, approvals_directory)),
        unreviewed=len(kpi.unreviewed(submissions, month, as_of)),
        missing=len(kpi.missing(submissions, month, as_of)),
        ytd_fallback=fallback,
        not_due=tuple(i for i in KPI_ITEMS if i not in kpi.items_due(submissions, month, as_of)),
        units_sold=sold,
    )


def notes(result: Assessment, params: Params, lang: Lang = "zh") -> list[str]:
    """The notes a reader needs: which month, a month not over yet, KPI gaps, fallbacks, the incentive rules."""
    deadline = workflow.compile_deadline(result.month, params.kpi.compile_deadline_day)
    if result.closed:
        lines = [label("note_assessed_closed", lang).format(month=result.month, deadline=deadline)]
    else:
        items = "、".join(label(i, lang) for i in result.not_due) if lang == "zh" else ", ".join(
            label(i, lang) for i in result.not_due
        )
        lines = [label("note_provisional", lang).format(month=result.month, as_of=result.as_of.date(),
                                                        deadline=deadline, items=items or "-")]  # fmt: skip
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


def incentive_notes(result: Assessment, params: Params, lang: Lang = "zh") -> list[str]:
    """How the incentive was paid: the mode, each role's base, caps, double counting, 元 per unit sold."""
    lines = [label(f"note_mode_{params.incentive.mode}", lang)]
    summary = result.incentive_summary.set_index("role")
    total = summary.loc["total"]
    per_unit = "-" if pd.isna(total["yuan_per_unit"]) else f"{total['yuan_per_unit']:,.0f}"
    sanity = label("note_yuan_per_unit", lang)
    lines.append(sanity.format(payout=f"{total['payout']:,.0f}", units=f"{result.units_sold:,}", per_unit=per_unit))
    for role in incentive.ROLES:
        if role not in summary.index:
            continue
        units = int(summary.loc[role, "units_paid"])
        if units > result.units_sold:
            lines.append(label("note_paid_twice", lang).format(role=label(role, lang), units=f"{units:,}",
                                                               sold=f"{result.units_sold:,}"))  # fmt: skip
    held = incentive.capped(result.incentive)
    if held:
        lines.append(label("note_capped", lang).format(n=held))
    if not result.closed:
        lines.append(label("note_incentive_provisional", lang))
    return lines


def assessment_sheets(result: Assessment) -> dict[str, pd.DataFrame]:
    """The ``assessment_YYYY-MM.xlsx`` sheets: ``kpi``, ``incentive``, ``incentive_by_role``, ``rectification``."""
    return {
        "kpi": result.kpi.reset_index(drop=True),
        "incentive": result.incentive.reset_index(drop=True),
        "incentive_by_role": result.incentive_summary.drop(columns="row_kind").reset_index(drop=True),
        "rectification": result.rectification.reset_index(drop=True),
    }
