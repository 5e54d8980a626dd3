"""Target attainment per staff member, and the seed's per-capita targets (docs/method.md §2.5).

**Attainment.** A staff member answers for the dealers of :func:`kaplan.core.facts.staff_scope`
(director: the region's dealers, manager: the province's, specialist: the dealer). For month M
as of date d::

    month_target = Σ issued target of M over the person's dealers (all lines)
    mtd          = Σ units sold by those dealers from the 1st of M through d
    ytd_target   = Σ year-to-date target over the person's dealers (months 1..M)
    ytd          = Σ units sold by those dealers from 1 January through d
    month_attainment = mtd / month_target,   ytd_attainment = ytd / ytd_target

A zero target leaves the attainment blank (NaN), never inf. The year-to-date target is the sum of
the months' issued targets when the caller has them; :func:`ytd_targets_from_annual` gives the
fallback from the annual targets: the annual units of a dealer and line spread evenly over the
twelve months as the exact integer split ``floor(units * m / 12)`` for months 1..m (the monthly
parts ``floor(u*m/12) - floor(u*(m-1)/12)`` are integers summing to ``u`` over the year).

**Per-capita targets** (the seed: a team's annual 2023 units, "年度人均目标 65 台，月度人均目标
13 台" over the five-month development window 25 July - 31 December): ::

    per_person_year  = team_annual // headcount      (2023 // 31 = 65)
    per_person_month = per_person_year // months     (65 // 5 = 13)

Both are floors: the guaranteed share of every person. Rounding to nearest would give the same
65 and 13 here, but floors are what an exact integer split hands everyone: :func:`even_split`
gives ``team_annual % headcount`` people one unit more (2023 over 31: 8 people 66, 23 people 65,
total 2023), so nobody's share is below the per-capita figure and the parts sum to the team target.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion
from kaplan.core.errors import KaplanError
from kaplan.core.months import Month, MonthLike

log = logging.getLogger(__name__)

ATTAINMENT_COLUMNS = (
    "staff_id", "name", "role", "region", "province", "month_target", "mtd", "month_attainment",
    "ytd_target", "ytd", "ytd_attainment",
)  # fmt: skip


def per_capita_targets(team_annual: int, headcount: int, months: int) -> tuple[int, int]:
    """``(per_person_year, per_person_month)`` = ``(team_annual // headcount, that // months)``."""
    if team_annual < 0:
        raise KaplanError(f"team annual target {team_annual} is negative: give a number of units >= 0")
    if headcount < 1:
        raise KaplanError(f"headcount {headcount} must be at least 1 to share a team target")
    if months < 1:
        raise KaplanError(f"a development window of {months} months is empty: give at least 1 month")
    per_year = team_annual // headcount
    return per_year, per_year // months


def even_split(total: int, parts: int) -> np.ndarray:
    """``total`` units over ``parts`` people exactly: each ``total // parts``, the first ``total % parts`` +1."""
    if parts < 1:
        raise KaplanError(f"cannot split {total} units over {parts} parts: give at least 1 part")
    return apportion(total, np.ones(parts))


def per_capita_table(annual_targets: pd.DataFrame, org: pd.DataFrame, staff: pd.DataFrame,
                     year: int, months: int) -> pd.DataFrame:  # fmt: skip
    """Per region: team_annual (Σ annual targets of its dealers), headcount, per_person_year, per_person_month."""
    year_targets = annual_targets[annual_targets["year"] == year]
    region_of = org.set_index("dealer_id")["region"]
    team = year_targets["units"].groupby(year_targets["dealer_id"].map(region_of)).sum()
    heads = staff.groupby("region").size()
    out = pd.DataFrame({"team_annual": team, "headcount": heads}).fillna(0).astype("int64")
    out = out.rename_axis("region").reset_index()
    staffed = out["headcount"] > 0
    out["per_person_year"] = (out["team_annual"] // out["headcount"].where(staffed, 1)).where(staffed, 0)
    out["per_person_month"] = out["per_person_year"] // months
    return out.astype({"per_person_year": "int64", "per_person_month": "int64"})


def ytd_targets_from_annual(annual_targets: pd.DataFrame, month: MonthLike) -> pd.DataFrame:
    """``dealer_id, target``: Σ over lines of ``floor(units * m / 12)`` for the year and month m of ``month``."""
    m = Month.of(month)
    rows = annual_targets[annual_targets["year"] == m.year]
    ytd = rows["units"].astype("int64") * m.number // 12
    out = ytd.groupby(rows["dealer_id"]).sum().rename("target").rename_axis("dealer_id").reset_index()
    return out.astype({"target": "int64"})


def dealer_units(facts: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Units sold per dealer with ``start <= date <= end``."""
    window = facts[(facts["date"] >= start) & (facts["date"] <= end)]
    return window.groupby("dealer_id")["units"].sum()


def per_staff(scope: pd.DataFrame, per_dealer: pd.Series) -> pd.Series:
    """Σ over each staff member's dealers of a per-dealer number (0 for dealers without one)."""
    values = scope["dealer_id"].map(per_dealer).fillna(0)
    return values.groupby(scope["staff_id"]).sum()


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0."""
    den = denominator.astype("float64")
    return numerator.astype("float64") / den.where(den != 0)


def attainment_table(staff: pd.DataFrame, scope: pd.DataFrame, facts: pd.DataFrame, month: MonthLike,
                     as_of: pd.Timestamp, month_targets: pd.DataFrame,
                     ytd_targets: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """One row per staff member (staff order): targets, units and attainment for the month and year to date.

    ``month_targets`` and ``ytd_targets`` have ``dealer_id, target`` (several rows per dealer, one per
    line, are summed).
    """
    m = Month.of(month)
    as_of = pd.Timestamp(as_of)
    columns = {
        "month_target": per_staff(scope, month_targets.groupby("dealer_id")["target"].sum()),
        "mtd": per_staff(scope, dealer_units(facts, m.start, as_of)),
        "ytd_target": per_staff(scope, ytd_targets.groupby("dealer_id")["target"].sum()),
        "ytd": per_staff(scope, dealer_units(facts, m.year_start, as_of)),
    }
    people = staff[["staff_id", "name", "role", "region", "province"]].reset_index(drop=True)
    for name, values in columns.items():
        people[name] = people["staff_id"].map(values).fillna(0).astype("int64")
    people["month_attainment"] = ratio(people["mtd"], people["month_target"])
    people["ytd_attainment"] = ratio(people["ytd"], people["ytd_target"])
    log.info("attainment %s as of %s: %d staff", month, as_of.date(), len(people))
    return people[list(ATTAINMENT_COLUMNS)]
