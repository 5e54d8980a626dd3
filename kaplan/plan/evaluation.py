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
from kaplan.core.months import month_parts
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


def locked_quarter_targets(data: Tables, year: int, params: Params) -> pd.DataFrame:
    """dealer_id, line, quarter, target: each annual target apportioned over quarters by q_share."""
    targets = data.annual_targets[data.annual_targets["year"] == year]
    targets = targets.groupby(["dealer_id", "line"], as_index=False)["units"].sum()
    seasonal = seasonal_shares(data, year, params)
    q_share = seasonal[seasonal["month"] % 3 == 1].set_index(["line", "quarter"])["q_share"]
    rows = targets.loc[targets.index.repeat(4)].reset_index(names="row")
    rows["quarter"] = np.tile(np.array(QUARTERS, dtype="int64"), len(targets))
    weights = q_share.reindex(pd.MultiIndex.from_frame(rows[["line", "quarter"]])).to_numpy()
    parts = apportion_groups(targets["units"], pd.Series(weights), rows["row"])
    return rows.assign(target=parts.to_numpy())[["dealer_id", "line", "quarter", "target"]]


def issued_quarter_targets(monthly_targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """dealer_id, line, quarter, target: issued monthly dealer targets of ``year`` summed per quarter."""
    parts = month_parts(monthly_targets["month"].astype("str"))
    rows = monthly_targets[parts["year"] == year]
    quarters = rows.assign(quarter=parts.loc[rows.index, "quarter"])
    out = quarters.groupby(["dealer_id", "line", "quarter"], as_index=False)["target"].sum()
    return out.astype({"target": "int64"})


def quarter_actuals(data: Tables, year: int) -> pd.DataFrame:
    """dealer_id, line, quarter, actual: units sold in each quarter of ``year``."""
    sales = sales_between(data, pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1))
    quarter = (sales["date"].dt.month - 1) // 3 + 1
    units = line_units(data, sales, {"dealer_id": sales["dealer_id"], "quarter": quarter})
    return units.rename("actual").reset_index()[["dealer_id", "line", "quarter", "actual"]]


def _dealer_quarters(data: Tables, year: int, targets: pd.DataFrame) -> pd.DataFrame:
    """Every org dealer x line x quarter with target and actual (0 when none)."""
    grid = pd.MultiIndex.from_product(
        [data.org["dealer_id"], list(LINES), list(QUARTERS)], names=["dealer_id", "line", "quarter"]
    )
    keys = ["dealer_id", "line", "quarter"]
    out = pd.DataFrame(index=grid)
    out["target"] = targets.set_index(keys)["target"].reindex(grid, fill_value=0)
    out["actual"] = quarter_actuals(data, year).set_index(keys)["actual"].reindex(grid, fill_value=0)
    return out.reset_index().astype({"target": "int64", "actual": "int64"})


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
    full = full.fillna({"target": 0, "actual": 0}).astype({"target": "int64", "actual": "int64"})
    return full.sort_values(keys, kind="stable").reset_index(drop=True)


def quarterly_attainment(
    data: Tables,
    year: int,
    monthly_targets: pd.DataFrame | None = None,
    level: str = "dealer",
    params: Params | None = None,
    by_line: bool = False,
) -> pd.DataFrame:
    """Attainment per quarter of ``year`` for every unit of ``level`` (region/province/dealer/staff).

    Columns: year, quarter, the unit columns of the level (``LEVEL_COLUMNS``), ``line`` when
    ``by_line``, target, actual, attainment. Targets from the locked plan unless
    ``monthly_targets`` are given (see the module docstring).
    """
    if level not in EVAL_LEVELS:
        raise ValueError(f"level must be one of {EVAL_LEVELS}, got {level!r}")
    params = params or Params()
    targets = (
        locked_quarter_targets(data, year, params)
        if monthly_targets is None
        else issued_quarter_targets(monthly_targets, year)
    )
    rows = _units_of(data, level, _dealer_quarters(data, year, targets))
    keys = [*LEVEL_COLUMNS[level], *(["line"] if by_line else []), "quarter"]
    out = rows.groupby(keys, as_index=False, sort=True)[["target", "actual"]].sum()
    if level == "staff":
        out = _every_person(data, out, keys)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["attainment"] = np.where(out["target"] > 0, out["actual"] / out["target"], np.nan)
    out.insert(0, "year", int(year))
    ordered = ["year", "quarter", *LEVEL_COLUMNS[level], *(["line"] if by_line else []), "target", "actual",
               "attainment"]  # fmt: skip
    return out[ordered].reset_index(drop=True)
