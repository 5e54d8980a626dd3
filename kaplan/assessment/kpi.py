"""KPI scores of key-account staff for one month (docs/method.md §2.5, the seed's 激励考核 table).

Every submission row (``kpi_submissions``: staff_id, month, item, due, submitted, reviewer scores)
is scored on the criteria of its item (:data:`kaplan.core.schema.KPI_CRITERIA`):

- **timeliness** from due vs submitted, with ``params.kpi`` (``points_per_late_day`` = p,
  ``grace_days`` = g)::

      days_late  = submitted - due, in calendar days (negative when early)
      late_days  = max(0, days_late - g)
      timeliness = max(0, 100 - p * late_days)

  so a submission up to g days after the due date keeps full marks, the first day beyond the grace
  costs p points, and the score never goes below 0.
- every other criterion is the reviewer's score 0-100 from the column of that name; a blank
  reviewer score counts 0 (the month is not fully reviewed; :func:`unreviewed` lists such rows).
- a row with no ``submitted`` date is a **missing** submission: 0 on every criterion of the row.

``row score`` = mean of the item's criteria (timeliness included where the item lists it).

**Item score** of a staff member in the month (rows selected by the ``month`` column):

- ``relationship_tracking`` is due every Saturday of the month: item score = sum of the row
  scores / max(number of Saturdays in the month, number of rows), so a missing week scores 0;
- every other item: the mean of its row scores;
- a staff member with no row for an item scores 0 for it.

**KPI score** = Σ_item weight(item) × item score, weights from ``params.kpi.weights`` (they sum
to 1), so it lies in [0, 100].

**A month not over yet** (进行中, as of d before the month's last day; a provisional view): only
rows due on or before d count. An item none of whose rows in the month is due by d is **not due**:
its item score is blank (never 0) and the KPI score is the weighted mean of the items due so far,
``Σ_due weight × item score / Σ_due weight``. The weekly item divides by the Saturdays of the month
up to d. A closed month (d on or after its last day) counts every row and every item.

**KPI part of performance pay** (the seed's "占其绩效工资组成的 XX% 权重比例"): with
s = ``params.kpi.performance_pay_share``::

    kpi_pay_share = s * kpi_score / 100

the fraction of a person's performance pay earned through the KPI table: s at a score of 100,
nothing at 0 (s = 0.30 and a score of 70 earn 0.21 of the performance pay).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import Kpi
from kaplan.core.schema import KPI_CRITERIA, KPI_ITEMS

log = logging.getLogger(__name__)

WEEKLY_ITEM = "relationship_tracking"
STAFF_COLUMNS = ("staff_id", "name", "role")


def timeliness(due: pd.Series, submitted: pd.Series, kpi: Kpi) -> pd.Series:
    """Timeliness 0-100 per row: full marks within the grace, p points per day beyond, 0 if missing."""
    days_late = (submitted - due).dt.days.astype("float64")
    late_days = (days_late - kpi.grace_days).clip(lower=0)
    score = (100.0 - kpi.points_per_late_day * late_days).clip(lower=0.0)
    return score.where(submitted.notna(), 0.0).astype("float64").rename("timeliness")


def month_rows(submissions: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The submission rows of ``month`` (YYYY-MM) due on or before ``as_of`` (all when None), index reset."""
    rows = submissions[submissions["month"] == str(Month.of(month))]
    if as_of is not None and pd.Timestamp(as_of) < Month.of(month).end:
        rows = rows[rows["due"] <= pd.Timestamp(as_of)]
    return rows.reset_index(drop=True)


def items_due(submissions: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp | None = None) -> list[str]:
    """The KPI items due by ``as_of`` in ``month``: all of them for a closed month (or ``as_of`` None)."""
    if as_of is None or pd.Timestamp(as_of) >= Month.of(month).end:
        return list(KPI_ITEMS)
    present = set(month_rows(submissions, month, as_of)["item"])
    return [item for item in KPI_ITEMS if item in present]


def criterion_scores(rows: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    """One column per criterion name, 0-100; NaN where the criterion does not belong to the row's item."""
    submitted = rows["submitted"].notna()
    criteria = sorted({c for names in KPI_CRITERIA.values() for c in names})
    out = {}
    for criterion in criteria:
        items = [item for item, names in KPI_CRITERIA.items() if criterion in names]
        applies = rows["item"].isin(items)
        if criterion == "timeliness":
            value = timeliness(rows["due"], rows["submitted"], kpi)
        else:
            column = rows[criterion] if criterion in rows else pd.Series(np.nan, index=rows.index)
            value = column.astype("float64").fillna(0.0).where(submitted, 0.0)
        out[criterion] = value.where(applies)
    return pd.DataFrame(out, index=rows.index)


def row_scores(submissions: pd.DataFrame, month: MonthLike, kpi: Kpi,
               as_of: pd.Timestamp | None = None) -> pd.DataFrame:  # fmt: skip
    """The month's rows (due by ``as_of``) with ``late_days``, each criterion score and ``row_score``."""
    rows = month_rows(submissions, month, as_of)
    scores = criterion_scores(rows, kpi)
    days_late = (rows["submitted"] - rows["due"]).dt.days.astype("float64")
    return pd.DataFrame(
        {
            "staff_id": rows["staff_id"],
            "item": rows["item"],
            "due": rows["due"],
            "submitted": rows["submitted"],
            "late_days": (days_late - kpi.grace_days).clip(lower=0),
            **{c: scores[c] for c in scores},
            "row_score": scores.mean(axis=1, skipna=True),
        }
    )


def saturdays(month: MonthLike, as_of: pd.Timestamp | None = None) -> int:
    """How many Saturdays month ``YYYY-MM`` has (4 or 5), up to ``as_of`` when given: the weekly due dates."""
    m = Month.of(month)
    days = pd.date_range(m.start, periods=m.days, freq="D")
    if as_of is not None:
        days = days[days <= pd.Timestamp(as_of)]
    return int((days.day_of_week == 5).sum())


def item_scores(submissions: pd.DataFrame, staff_ids: pd.Series, month: MonthLike, kpi: Kpi,
                as_of: pd.Timestamp | None = None) -> pd.DataFrame:  # fmt: skip
    """Item scores, one row per staff member (index ``staff_id`` in the given order), one column per item.

    Items not due by ``as_of`` are blank (module docstring).
    """
    rows = row_scores(submissions, month, kpi, as_of)
    grouped = rows.groupby(["staff_id", "item"], sort=False)["row_score"].agg(["sum", "count"])
    weeks = saturdays(month, as_of)
    is_weekly = grouped.index.get_level_values("item") == WEEKLY_ITEM
    divisor = np.where(is_weekly, np.maximum(grouped["count"].to_numpy(), weeks), grouped["count"].to_numpy())
    score = (grouped["sum"] / divisor).unstack("item")
    score = score.reindex(index=pd.Index(staff_ids, name="staff_id"), columns=list(KPI_ITEMS))
    score = score.astype("float64").fillna(0.0)
    due = items_due(submissions, month, as_of)
    score[[item for item in KPI_ITEMS if item not in due]] = np.nan
    return score.rename_axis(columns=None)


def kpi_score(items: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Σ weight(item) × item score / Σ weight over the items that are due (not blank) per row of ``items``."""
    w = pd.Series(weights, dtype="float64").reindex(list(KPI_ITEMS)).fillna(0.0)
    scores = items[list(KPI_ITEMS)]
    weight_due = scores.notna().mul(w).sum(axis=1)
    total = scores.fillna(0.0).mul(w).sum(axis=1)
    return (total / weight_due.where(weight_due > 0)).rename("kpi_score")


def kpi_pay_share(score: pd.Series, kpi: Kpi) -> pd.Series:
    """The KPI part of performance pay: ``performance_pay_share * kpi_score / 100``."""
    return (kpi.performance_pay_share * score / 100.0).rename("kpi_pay_share")


def kpi_table(staff: pd.DataFrame, submissions: pd.DataFrame, month: MonthLike, kpi: Kpi,
              as_of: pd.Timestamp | None = None) -> pd.DataFrame:  # fmt: skip
    """The ``kpi`` sheet: staff_id, name, role, one score per item (KPI_ITEMS order), kpi_score, kpi_pay_share.

    ``as_of`` before the month's last day gives the provisional view (items not due are blank).
    """
    people = staff[list(STAFF_COLUMNS)].reset_index(drop=True)
    items = item_scores(submissions, people["staff_id"], month, kpi, as_of).reset_index(drop=True)
    score = kpi_score(items, kpi.weights)
    out = pd.concat([people, items, score, kpi_pay_share(score, kpi)], axis=1)
    log.info("kpi %s: %d staff scored, mean %.1f", month, len(out), score.mean() if len(out) else float("nan"))
    return out


def with_not_due(table: pd.DataFrame, not_due: tuple[str, ...] | list[str], lang: Lang = "zh") -> pd.DataFrame:
    """A copy of the ``kpi`` table for people to read: the columns of items not due say so (未到期 / not due)."""
    out = table.copy()
    for item in not_due:
        out[item] = label("not_due", lang)
    return out


def unreviewed(submissions: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Submitted rows of the month (due by ``as_of``) with a blank reviewer score among their item's criteria."""
    rows = month_rows(submissions, month, as_of)
    blank = pd.Series(False, index=rows.index)
    for item, criteria in KPI_CRITERIA.items():
        reviewed = [c for c in criteria if c != "timeliness"]
        cells = rows.reindex(columns=reviewed)
        blank |= (rows["item"] == item) & cells.isna().any(axis=1)
    return rows[blank & rows["submitted"].notna()][["staff_id", "item", "due", "submitted"]]


def late_or_missing(submissions: pd.DataFrame, month: MonthLike, kpi: Kpi,
                    as_of: pd.Timestamp | None = None) -> pd.DataFrame:  # fmt: skip
    """Rows of the month (due by ``as_of``) submitted after the grace or not at all.

    Columns staff_id, item, due, submitted, late_days; ``late_days`` is blank for a missing
    submission; rows are ordered by staff_id, then due date.
    """
    rows = row_scores(submissions, month, kpi, as_of)
    flagged = rows[rows["submitted"].isna() | (rows["late_days"] > 0)]
    out = flagged[["staff_id", "item", "due", "submitted", "late_days"]]
    return out.sort_values(["staff_id", "due", "item"], kind="stable").reset_index(drop=True)


def missing(submissions: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Rows of the month (due by ``as_of``) with no submission date (scored 0)."""
    rows = month_rows(submissions, month, as_of)
    return rows[rows["submitted"].isna()][["staff_id", "item", "due"]]
