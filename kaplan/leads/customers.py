"""Customer views of the month (docs/method.md §2.7): won deals, industries, purchase methods, customer types, tenders.

- **Won deals** (成交大客户统计表): the leads in stage ``won`` reported by ``d`` whose close date
  (``expected_close`` of a won lead) lies between the 1st of M and ``d``, earliest first.
- **Customer type** (the seed's 大型企业采购 / 小批量客户 / 行业客户): ``industry`` for a customer of
  segment ``industry``; ``large_enterprise`` for segment ``enterprise``; any other customer is
  ``small_batch`` when it bought at least ``small_batch_min_units`` units in the twelve months
  through ``d`` (the seed: 采购达到3台及以上单位), else ``other``.
- **Sales by** industry, purchase method or customer type: ``mtd`` (1st of M .. d) and
  ``last_year_mtd`` (the same days a year earlier), ``ytd`` (Jan 1 .. d) and ``last_year_ytd``,
  ``yoy_growth = ytd / last_year_ytd − 1`` (blank when last year sold nothing), ``ytd_share`` of all
  units sold this year; most units first, a national total row last. Targets are set per dealer and
  line, not per industry: the view compares with last year instead of a target.
- **Open pipeline by industry**: open leads, units, weighted units and the units expected to close in M.
- **Tender calendar**: the open leads in stage ``tender`` reported by ``d`` whose expected close is on
  or after the 1st of M, by date, then most units first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaplan.core.months import Month, MonthLike, same_day_last_year
from kaplan.leads.registry import is_open, is_overdue

WON_DEAL_COLUMNS = ("close_date", "customer_name", "industry", "segment", "purchase_method", "line",
                    "product_name", "units", "region", "province", "dealer_name", "owner_name", "lead_id")  # fmt: skip
TENDER_COLUMNS = ("expected_close", "overdue", "customer_name", "industry", "purchase_method", "line", "units",
                  "region", "province", "dealer_id", "dealer_name", "owner_name", "lead_id")  # fmt: skip
SALES_COLUMNS = ("mtd", "last_year_mtd", "ytd", "last_year_ytd", "yoy_growth", "ytd_share")
CUSTOMER_TYPES = ("large_enterprise", "small_batch", "industry", "other")
DAY = pd.Timedelta(days=1)


def won_deals(leads: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp) -> pd.DataFrame:
    """The won-deal table of ``month`` through ``as_of``; ``leads``: :func:`kaplan.leads.registry.lead_facts`."""
    m = Month.of(month)
    won = leads[(leads["stage"] == "won") & (leads["reported_on"] <= as_of)
                & (leads["expected_close"] >= m.start) & (leads["expected_close"] <= min(as_of, m.end))]  # fmt: skip
    out = won.rename(columns={"expected_close": "close_date"})
    out = out.sort_values(["close_date", "lead_id"], kind="stable")
    return out[[c for c in WON_DEAL_COLUMNS if c in out.columns]].reset_index(drop=True)


def tender_calendar(leads: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp) -> pd.DataFrame:
    """Open tender-stage leads reported by ``as_of`` expected to close on or after the 1st of ``month``, by date;
    ``overdue`` flags those whose expected close has passed (逾期未成交)."""
    since = Month.of(month).start
    due = leads[(leads["stage"] == "tender") & (leads["reported_on"] <= as_of) & (leads["expected_close"] >= since)]
    due = due.assign(overdue=is_overdue(due, as_of))
    out = due.sort_values(["expected_close", "units", "lead_id"], ascending=[True, False, True], kind="stable")
    return out[[c for c in TENDER_COLUMNS if c in out.columns]].reset_index(drop=True)


def customer_types(customers: pd.DataFrame, sales: pd.DataFrame, as_of: pd.Timestamp, min_units: int) -> pd.Series:
    """The seed's customer type of every customer (index ``customer_id``)."""
    start = as_of - pd.DateOffset(months=12) + DAY
    window = sales[(sales["date"] >= start) & (sales["date"] <= as_of)]
    bought = window.groupby("customer_id")["units"].sum()
    units = customers["customer_id"].map(bought).fillna(0).to_numpy()
    segment = customers["segment"].to_numpy()
    kind = np.select([segment == "industry", segment == "enterprise", units >= min_units],
                     ["industry", "large_enterprise", "small_batch"], "other")  # fmt: skip
    return pd.Series(kind, index=pd.Index(customers["customer_id"], name="customer_id"), name="customer_type",
                     dtype="str")  # fmt: skip


def window_units(facts: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp) -> pd.DataFrame:
    """Units sold per ``customer_id`` month to date and year to date, this year and last (the windows of
    :func:`sales_by`): one pass over the sales for every customer attribute."""
    m = Month.of(month)
    last = same_day_last_year(as_of)
    dates = facts["date"]
    windows = {
        "mtd": (dates >= m.start) & (dates <= as_of),
        "last_year_mtd": (dates >= m.start.replace(year=m.year - 1)) & (dates <= last),
        "ytd": (dates >= m.year_start) & (dates <= as_of),
        "last_year_ytd": (dates >= m.year_start.replace(year=m.year - 1)) & (dates <= last),
    }
    return pd.DataFrame({k: facts["units"].where(w, 0) for k, w in windows.items()}).groupby(facts["customer_id"]).sum()


def sales_by(facts: pd.DataFrame, attribute: pd.Series, month: MonthLike, as_of: pd.Timestamp,
             units: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Units sold per value of a customer ``attribute`` (a Series by ``customer_id``, named for its column):
    month to date and year to date, this year and last, with growth and share; a total row last.

    ``units``: :func:`window_units` of the same facts, month and as-of date, when already computed.
    """
    name = str(attribute.name)
    units = window_units(facts, month, as_of) if units is None else units
    windows = list(units.columns)
    sums = units.groupby(units.index.map(attribute)).sum()
    sums = sums.reindex(pd.Index(sorted(set(attribute.dropna())), name=name), fill_value=0).astype("int64")
    sums = sums.sort_values(["ytd", "mtd"], ascending=False, kind="stable").reset_index()
    total = sums[windows].sum().to_frame().T.astype("int64").assign(**{name: "total"})
    out = pd.concat([sums.assign(row_kind="unit"), total.assign(row_kind="national_total")], ignore_index=True)
    out["yoy_growth"] = _ratio(out["ytd"], out["last_year_ytd"]) - 1.0
    out["ytd_share"] = _ratio(out["ytd"], pd.Series(int(sums["ytd"].sum()), index=out.index))
    return out[[name, *SALES_COLUMNS, "row_kind"]]


def customer_views(customers: pd.DataFrame, sales: pd.DataFrame, facts: pd.DataFrame, month: MonthLike,
                   as_of: pd.Timestamp, min_units: int) -> dict[str, pd.DataFrame]:  # fmt: skip
    """:func:`sales_by` customer type, purchase method and industry (keys ``customer_types``,
    ``purchase_methods``, ``industries``: the sheet names of the pipeline workbook)."""
    info = customers.set_index("customer_id")
    attributes = {"customer_types": customer_types(customers, sales, as_of, min_units),
                  "purchase_methods": info["purchase_method"], "industries": info["industry"]}  # fmt: skip
    units = window_units(facts, month, as_of)
    return {name: sales_by(facts, attribute, month, as_of, units) for name, attribute in attributes.items()}


def pipeline_by_industry(open_leads: pd.DataFrame, month: MonthLike) -> pd.DataFrame:
    """Open leads per industry: ``leads, units, weighted_units, units_due`` (close month M); most units first."""
    current = open_leads[is_open(open_leads)]
    due = current["units"].where(current["close_month"] == str(Month.of(month)), 0)
    grouped = current.assign(units_due=due, leads=1).groupby("industry")
    out = grouped[["leads", "units", "weighted_units", "units_due"]].sum()
    out = out.sort_values(["units", "weighted_units"], ascending=False, kind="stable").reset_index()
    return out.astype({"leads": "int64", "units": "int64", "units_due": "int64"})


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num, den = numerator.to_numpy(dtype="float64"), denominator.to_numpy(dtype="float64")
    return pd.Series(np.divide(num, den, out=np.full(len(num), np.nan), where=den != 0), index=numerator.index)
