"""Quarterly evaluation (季度评价, docs/method.md §2.1): attainment per quarter for every unit of a level.

Quarter targets of dealer d, line l, year Y, from the locked plan::

    target(d, l, q) = apportion(A(d, l), q_share(l, ·))(q)       q = 1..4, Σ_q = A(d, l)

with ``A`` the annual target and ``q_share`` the seasonal quarter shares of
:func:`kaplan.plan.seasonal.seasonal_shares` (history and opportunity adjustments of ``params``). When
``monthly_targets`` (the issued dealer targets: ``month`` "YYYY-MM", ``dealer_id``, ``line``,
``target``) are given instead, a quarter's target is the sum of its issued months (a quarter with
none issued has target 0). ``actual`` = units sold in the quarter. A unit's numbers are the sums
over its dealers (staff: the dealers of :func:`kaplan.core.facts.staff_scope`; every staff member is
listed, one with no dealer in scope with zeros) and, unless ``by_line``, over lines::

    attainment = actual / target          blank (NaN) when target = 0

**To date** (``as_of`` = d given): a quarter is ``closed`` when d is on or after its last day,
``not_started`` when d is before its first day (target to date, actual and attainment blank), else
``running``. A running quarter compares the units sold from its first day through d with its
target to date::

    target_to_date = Σ targets of its months before month(d)
                     + ceil(target of month(d) * day(d) / days in month(d))

summed over the unit's dealers and lines before rounding up (the time-progress line of §2.3). The
month targets of a locked quarter are the quarter target apportioned over its three months by the
line's month shares ``m_share`` (so they sum exactly to the quarter); issued targets are used as
they are. A closed quarter's target to date is its target.

Example, Q2 as of 20 June (D = 30): April 30, May 40, June 30 -> 30 + 40 + ceil(30 * 20 / 30) = 90;
sold April..20 June 81 -> attainment 0.9 (against the whole quarter's 100 it would read 0.81).

Dealer quarter targets are apportioned per dealer, so their sum over dealers can differ by a few
units from the national locked plan's quarter; each dealer's four quarters sum exactly to its
annual target.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion_groups
from kaplan.core.facts import line_units, sales_between, staff_scope
from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, month_parts
from kaplan.core.params import Params
from kaplan.core.schema import LINES
from kaplan.core.tables import Tables
from kaplan.plan.seasonal import seasonal_shares

log = logging.getLogger(__name__)

EVAL_LEVELS = ("region", "province", "dealer", "staff")
LEVEL_COLUMNS = {
    "region": ("region",),
    "province": ("region", "province"),
    "dealer": ("region", "province", "dealer_id", "dealer_name"),
    "staff": ("staff_id", "name", "role", "region"),
}
QUARTERS = (1, 2, 3, 4)
PERIODS = ("closed", "running", "not_started")


def locked_month_targets(data: Tables, year: int, params: Params) -> pd.DataFrame:
    """dealer_id, line, quarter, month (1-12), target: locked quarter targets apportioned over their months.

    Each annual target is apportioned over quarters by q_share, each quarter over its three months by
    m_share (a quarter whose shares are all 0 is split evenly), so months sum to quarters exactly.
    """
    targets = data.annual_targets[data.annual_targets["year"] == year]
    targets = targets.groupby(["dealer_id", "line"], as_index=False)["units"].sum()
    seasonal = seasonal_shares(data, year, params)
    q_share = seasonal[seasonal["month"] % 3 == 1].set_index(["line", "quarter"])["q_share"]
    rows = targets.loc[targets.index.repeat(4)].reset_index(names="row")
    rows["quarter"] = np.tile(np.array(QUARTERS, dtype="int64"), len(targets))
    weights = q_share.reindex(pd.MultiIndex.from_frame(rows[["line", "quarter"]])).to_numpy()
    quarters = rows.assign(target=apportion_groups(targets["units"], pd.Series(weights), rows["row"]).to_numpy())
    months = quarters.loc[quarters.index.repeat(3)].reset_index(names="qrow")
    months["month"] = (months["quarter"] - 1) * 3 + np.tile(np.array([1, 2, 3], dtype="int64"), len(quarters))
    m_share = seasonal.set_index(["line", "month"])["m_share"]
    shares = pd.Series(m_share.reindex(pd.MultiIndex.from_frame(months[["line", "month"]])).to_numpy())
    empty = shares.groupby(months["qrow"]).transform("sum") <= 0
    shares = shares.mask(empty, 1.0)
    parts = apportion_groups(quarters["target"], shares, months["qrow"])
    return months.assign(target=parts.to_numpy())[["dealer_id", "line", "quarter", "month", "target"]]


def locked_quarter_targets(data: Tables, year: int, params: Params) -> pd.DataFrame:
    """dealer_id, line, quarter, target: each annual target apportioned over quarters by q_share."""
    months = locked_month_targets(data, year, params)
    out = months.groupby(["dealer_id", "line", "quarter"], as_index=False, sort=False)["target"].sum()
    return out.astype({"target": "int64"})


def issued_month_targets(monthly_targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """dealer_id, line, quarter, month (1-12), target: the issued monthly dealer targets of ``year``."""
    parts = month_parts(monthly_targets["month"].astype("str"))
    inside = parts["year"] == year
    rows = monthly_targets[inside]
    out = pd.DataFrame({"dealer_id": rows["dealer_id"], "line": rows["line"], "quarter": parts.loc[inside, "quarter"],
                        "month": parts.loc[inside, "number"], "target": rows["target"]})  # fmt: skip
    out = out.groupby(["dealer_id", "line", "quarter", "month"], as_index=False)["target"].sum()
    return out.astype({"quarter": "int64", "month": "int64", "target": "int64"})


def issued_quarter_targets(monthly_targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """dealer_id, line, quarter, target: issued monthly dealer targets of ``year`` summed per quarter."""
    months = issued_month_targets(monthly_targets, year)
    out = months.groupby(["dealer_id", "line", "quarter"], as_index=False)["target"].sum()
    return out.astype({"target": "int64"})


def quarter_actuals(data: Tables, year: int, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """dealer_id, line, quarter, actual: units sold in each quarter of ``year`` (through ``as_of`` when given)."""
    stop = pd.Timestamp(year + 1, 1, 1)
    if as_of is not None:
        stop = min(stop, pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1))
    sales = sales_between(data, pd.Timestamp(year, 1, 1), stop)
    quarter = (sales["date"].dt.month - 1) // 3 + 1
    units = line_units(data, sales, {"dealer_id": sales["dealer_id"], "quarter": quarter})
    return units.rename("actual").reset_index()[["dealer_id", "line", "quarter", "actual"]]


def _to_date_parts(months: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """dealer_id, line, quarter, target, closed_part (months before month(d)), running_part (month d's target)."""
    keys = ["dealer_id", "line", "quarter"]
    now = Month.of(as_of).number if as_of is not None else 13
    frame = months.assign(
        closed_part=months["target"].where(months["month"] < now, 0),
        running_part=months["target"].where(months["month"] == now, 0),
    )
    return frame.groupby(keys, as_index=False)[["target", "closed_part", "running_part"]].sum()


def _dealer_quarters(data: Tables, year: int, targets: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Every org dealer x line x quarter with target, closed_part, running_part and actual (0 when none)."""
    grid = pd.MultiIndex.from_product(
        [data.org["dealer_id"], list(LINES), list(QUARTERS)], names=["dealer_id", "line", "quarter"]
    )
    keys = ["dealer_id", "line", "quarter"]
    out = pd.DataFrame(index=grid)
    indexed = targets.set_index(keys)
    for column in ("target", "closed_part", "running_part"):
        out[column] = indexed[column].reindex(grid, fill_value=0)
    out["actual"] = quarter_actuals(data, year, as_of).set_index(keys)["actual"].reindex(grid, fill_value=0)
    return out.reset_index().astype({c: "int64" for c in ("target", "closed_part", "running_part", "actual")})


def quarter_periods(year: int, as_of: pd.Timestamp | None) -> pd.Series:
    """``closed`` / ``running`` / ``not_started`` per quarter 1-4 of ``year`` as of ``as_of`` (None: all closed)."""
    out = {}
    for q in QUARTERS:
        first, last = Month(year, 3 * q - 2), Month(year, 3 * q)
        if as_of is None or pd.Timestamp(as_of) >= last.end:
            out[q] = "closed"
        elif pd.Timestamp(as_of) < first.start:
            out[q] = "not_started"
        else:
            out[q] = "running"
    return pd.Series(out, name="period").rename_axis("quarter")


def _units_of(data: Tables, level: str, dealers: pd.DataFrame) -> pd.DataFrame:
    """Dealer rows joined to the units of ``level`` they count for (staff: one row per scope)."""
    org = data.org[["dealer_id", "dealer_name", "province", "region"]]
    if level != "staff":
        return dealers.merge(org, on="dealer_id", how="left")
    scope = staff_scope(data)[["staff_id", "dealer_id"]]
    people = data.staff[["staff_id", "name", "role", "region"]]
    return scope.merge(people, on="staff_id").merge(dealers, on="dealer_id")


def _every_person(data: Tables, out: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Staff rows for every staff member (one without dealers in scope: target and actual 0)."""
    people = data.staff[list(LEVEL_COLUMNS["staff"])]
    extra = [k for k in keys if k not in people.columns]
    values = {"line": list(LINES), "quarter": list(QUARTERS)}
    grid = pd.MultiIndex.from_product([values[k] for k in extra], names=extra).to_frame(index=False)
    full = people.merge(grid, how="cross").merge(out, on=keys, how="left")
    numbers = ("target", "closed_part", "running_part", "actual")
    full = full.fillna(dict.fromkeys(numbers, 0)).astype(dict.fromkeys(numbers, "int64"))
    return full.sort_values(keys, kind="stable").reset_index(drop=True)


def quarterly_attainment(
    data: Tables,
    year: int,
    monthly_targets: pd.DataFrame | None = None,
    level: str = "dealer",
    params: Params | None = None,
    by_line: bool = False,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Attainment per quarter of ``year`` for every unit of ``level`` (region/province/dealer/staff).

    Columns: year, quarter, period, the unit columns of the level (``LEVEL_COLUMNS``), ``line`` when
    ``by_line``, target, target_to_date, actual, attainment. Targets from the locked plan unless
    ``monthly_targets`` are given; ``as_of`` makes a running quarter count to date and blanks the
    quarters not started (module docstring); without it every quarter counts in full.
    """
    if level not in EVAL_LEVELS:
        raise ValueError(f"level must be one of {EVAL_LEVELS}, got {level!r}")
    params = params or Params()
    as_of = pd.Timestamp(as_of) if as_of is not None else None
    months = (
        locked_month_targets(data, year, params)
        if monthly_targets is None
        else issued_month_targets(monthly_targets, year)
    )
    targets = _to_date_parts(months, as_of)
    rows = _units_of(data, level, _dealer_quarters(data, year, targets, as_of))
    keys = [*LEVEL_COLUMNS[level], *(["line"] if by_line else []), "quarter"]
    numbers = ["target", "closed_part", "running_part", "actual"]
    out = rows.groupby(keys, as_index=False, sort=True)[numbers].sum()
    if level == "staff":
        out = _every_person(data, out, keys)
    out["period"] = out["quarter"].map(quarter_periods(year, as_of))
    if as_of is not None:
        day, days = as_of.day, as_of.days_in_month
    else:
        day, days = 1, 1
    running = out["closed_part"] - ((-out["running_part"] * day) // days)
    to_date = out["target"].where(out["period"] == "closed", running)
    started = out["period"] != "not_started"
    out["target_to_date"] = to_date.astype("Int64").where(started, pd.NA)
    out["actual"] = out["actual"].astype("Int64").where(started, pd.NA)
    den = out["target_to_date"].astype("float64")
    out["attainment"] = (out["actual"].astype("float64") / den.where(den > 0)).astype("float64")
    out.insert(0, "year", int(year))
    ordered = ["year", "quarter", "period", *LEVEL_COLUMNS[level], *(["line"] if by_line else []), "target",
               "target_to_date", "actual", "attainment"]  # fmt: skip
    return out[ordered].reset_index(drop=True)


def notes(as_of: pd.Timestamp, lang: Lang = "zh") -> list[str]:
    """What the to-date columns mean, for the reader of the quarterly evaluation."""
    return [label("note_quarter_to_date", lang).format(as_of=pd.Timestamp(as_of).date())]
