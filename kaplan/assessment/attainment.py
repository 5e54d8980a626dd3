"""Target attainment per staff member, and the seed's per-capita targets (docs/method.md §2.5).

**Attainment.** A staff member answers for the dealers of :func:`kaplan.core.facts.staff_scope`
(director: the region's dealers, manager: the province's, specialist: the dealer). For month M
as of date d (``D`` days in M; a closed month, d on or after its last day, counts in full)::

    month_target         = Σ issued target of M over the person's dealers (all lines)
    time_progress        = 1 when M is closed, else day(d) / D
    month_target_to_date = ceil(month_target * day(d) / D)     (= month_target when M is closed)
    mtd                  = Σ units sold by those dealers from the 1st of M through min(d, end of M)
    ytd_target           = Σ issued targets of January..M-1 + month_target_to_date
    ytd                  = Σ units sold by those dealers from 1 January through min(d, end of M)
    month_attainment = mtd / month_target_to_date,   ytd_attainment = ytd / ytd_target

so a running month is compared with its target to date (the time-progress line of the rectification
list), never with the whole month's target. A zero target leaves the attainment blank (NaN), never
inf. The targets of January..M-1 are the months' issued targets when the caller has them;
:func:`ytd_targets_from_annual` gives the fallback from the annual targets: the annual units of a
dealer and line spread evenly over the twelve months as the exact integer split
``floor(units * m / 12)`` for months 1..m (the monthly parts ``floor(u*m/12) - floor(u*(m-1)/12)``
are integers summing to ``u`` over the year).

**Per-capita targets** (the seed: a team's annual 2023 units, "年度人均目标 65 台，月度人均目标
13 台" over the development window 25 July - 31 December 2023, ``params.per_capita``)::

    per_person_year  = team_annual // headcount              (2023 // 31 = 65)
    window_months    = whole calendar months inside the window (August..December: 5)
    per_person_month = per_person_year // window_months      (65 // 5 = 13)
    per_person_in_month(m) = floor(per_person_month * covered days of m / days of m)

A window that starts after the 1st (or ends before the last day) of a month covers that month
only partly: it does not count in ``window_months`` and its per-capita target is pro rata (July
2023: 7 of 31 days, floor(13 * 7 / 31) = 2); months outside the window have 0. The default
window is the plan year: 12 months, ``per_person_month = per_person_year // 12``.

Both divisions are floors: the guaranteed share of every person. :func:`even_split` gives
``team_annual % headcount`` people one unit more (2023 over 31: 8 people 66, 23 people 65,
total 2023), so nobody's share is below the per-capita figure and the parts sum to the team target.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion
from kaplan.core.errors import KaplanError
from kaplan.core.months import Month, MonthLike

log = logging.getLogger(__name__)

ATTAINMENT_COLUMNS = (
    "staff_id", "name", "role", "region", "province", "month_target", "time_progress", "month_target_to_date",
    "mtd", "month_attainment", "ytd_target", "ytd", "ytd_attainment",
)  # fmt: skip
PER_CAPITA_COLUMNS = ("region", "team_annual", "headcount", "per_person_year", "window_months", "per_person_month",
                      "per_person_in_month")  # fmt: skip


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


def window_of(year: int, start: date | None, end: date | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The development window: ``start``..``end``, blank ends being 1 January / 31 December of ``year``."""
    first = pd.Timestamp(start) if start else pd.Timestamp(year, 1, 1)
    last = pd.Timestamp(end) if end else pd.Timestamp(year, 12, 31)
    if last < first:
        raise KaplanError(f"the development window {first.date()}..{last.date()} ends before it starts")
    return first, last


def covered_days(month: MonthLike, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Days of ``month`` inside ``start``..``end`` (both inclusive)."""
    m = Month.of(month)
    first, last = max(m.start, start), min(m.end, end)
    return max(0, (last - first).days + 1)


def window_months(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole calendar months inside ``start``..``end``: 2023-07-25..2023-12-31 -> 5 (August..December)."""
    months = Month.of(end).since(Month.of(start))
    whole = sum(1 for m in months if covered_days(m, start, end) == m.days)
    if whole < 1:
        raise KaplanError(
            f"the development window {start.date()}..{end.date()} holds no whole calendar month: "
            "widen per_capita.window_start / window_end"
        )
    return whole


def per_capita_table(annual_targets: pd.DataFrame, org: pd.DataFrame, staff: pd.DataFrame, year: int,
                     month: MonthLike, start: date | None = None, end: date | None = None) -> pd.DataFrame:  # fmt: skip
    """Per region: team_annual (Σ annual targets of ``year``), headcount, the per-capita targets of the window.

    ``per_person_in_month`` is the per-capita target of ``month`` (pro rata when the window covers
    it partly, 0 outside it).
    """
    first, last = window_of(year, start, end)
    months = window_months(first, last)
    m = Month.of(month)
    year_targets = annual_targets[annual_targets["year"] == year]
    region_of = org.set_index("dealer_id")["region"]
    team = year_targets["units"].groupby(year_targets["dealer_id"].map(region_of)).sum()
    heads = staff.groupby("region").size()
    out = pd.DataFrame({"team_annual": team, "headcount": heads}).fillna(0).astype("int64")
    out = out.rename_axis("region").reset_index()
    staffed = out["headcount"] > 0
    out["per_person_year"] = (out["team_annual"] // out["headcount"].where(staffed, 1)).where(staffed, 0)
    out["window_months"] = months
    out["per_person_month"] = out["per_person_year"] // months
    out["per_person_in_month"] = out["per_person_month"] * covered_days(m, first, last) // m.days
    return out.astype({c: "int64" for c in PER_CAPITA_COLUMNS[1:]})[list(PER_CAPITA_COLUMNS)]


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
                     prior_targets: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """One row per staff member (staff order): targets, units and attainment for the month and year to date.

    ``month_targets`` (month M) and ``prior_targets`` (January..M-1) have ``dealer_id, target``
    (several rows per dealer, one per line, are summed). A month is closed when ``as_of`` is on or
    after its last day: it then counts in full (module docstring).
    """
    m = Month.of(month)
    as_of = pd.Timestamp(as_of)
    end = min(as_of, m.end)
    closed = as_of >= m.end
    day, days = (m.days, m.days) if closed else (as_of.day, m.days)
    columns = {
        "month_target": per_staff(scope, month_targets.groupby("dealer_id")["target"].sum()),
        "mtd": per_staff(scope, dealer_units(facts, m.start, end)),
        "prior_target": per_staff(scope, prior_targets.groupby("dealer_id")["target"].sum()),
        "ytd": per_staff(scope, dealer_units(facts, m.year_start, end)),
    }
    people = staff[["staff_id", "name", "role", "region", "province"]].reset_index(drop=True)
    for name, values in columns.items():
        people[name] = people["staff_id"].map(values).fillna(0).astype("int64")
    people["time_progress"] = day / days
    people["month_target_to_date"] = -((-people["month_target"] * day) // days)
    people["ytd_target"] = people.pop("prior_target") + people["month_target_to_date"]
    people["month_attainment"] = ratio(people["mtd"], people["month_target_to_date"])
    people["ytd_attainment"] = ratio(people["ytd"], people["ytd_target"])
    log.info("attainment %s as of %s: %d staff", month, as_of.date(), len(people))
    return people[list(ATTAINMENT_COLUMNS)]
