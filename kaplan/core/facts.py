"""Shared views of the loaded tables that every report starts from.

- :func:`sales_facts`: each sale with its dealer's province and region and its product's line,
  plus calendar ``year`` and ``month`` (1-12) columns.
- :func:`staff_scope`: which dealers each staff member answers for (regional director: every dealer
- :func:`sales_between` and :func:`line_units`: the sales of a date window, and their units per key and line.
  of the region; regional manager: every dealer of the province; dealer specialist: the dealer).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kaplan.core.tables import Tables


def sales_facts(tables: Tables) -> pd.DataFrame:
    """Sales with ``province``, ``region`` (from org), ``line`` (from products), ``year``, ``month``."""
    sales = tables.sales
    org = tables.org.set_index("dealer_id")
    lines = tables.products.set_index("product_id")["line"]
    out = pd.DataFrame(
        {
            "order_id": sales["order_id"],
            "date": sales["date"],
            "year": sales["date"].dt.year.astype("int64"),
            "month": sales["date"].dt.month.astype("int64"),
            "dealer_id": sales["dealer_id"],
            "province": sales["dealer_id"].map(org["province"]),
            "region": sales["dealer_id"].map(org["region"]),
            "product_id": sales["product_id"],
            "line": sales["product_id"].map(lines),
            "customer_id": sales["customer_id"],
            "units": sales["units"].astype("int64"),
        }
    )
    return out


def staff_scope(tables: Tables) -> pd.DataFrame:
    """One row per staff member x dealer they answer for: ``staff_id, role, dealer_id``."""
    staff = tables.staff
    org = tables.org[["dealer_id", "province", "region"]]
    directors = staff[staff["role"] == "regional_director"][["staff_id", "role", "region"]]
    managers = staff[staff["role"] == "regional_manager"][["staff_id", "role", "province"]]
    specialists = staff[staff["role"] == "dealer_specialist"][["staff_id", "role", "dealer_id"]]
    parts = [
        directors.merge(org, on="region")[["staff_id", "role", "dealer_id"]],
        managers.merge(org, on="province")[["staff_id", "role", "dealer_id"]],
        specialists.dropna(subset=["dealer_id"])[["staff_id", "role", "dealer_id"]],
    ]
    scope = pd.concat(parts, ignore_index=True)
    return scope.sort_values(["staff_id", "dealer_id"], kind="stable").reset_index(drop=True)


def sales_between(data: Tables, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Sales rows with ``start <= date < end``: date, dealer_id, product_id, units, in the table's order.

    Sales exported in date order (the usual case) are cut by binary search, a slice instead of a
    filtered copy of the whole table; the same rows either way.
    """
    dates = data.sales["date"]
    columns = ["date", "dealer_id", "product_id", "units"]
    if dates.is_monotonic_increasing:
        first, stop = dates.searchsorted(start, side="left"), dates.searchsorted(end, side="left")
        return data.sales.iloc[first:stop][columns]
    return data.sales.loc[(dates >= start) & (dates < end), columns]


def line_units(data: Tables, sales: pd.DataFrame, keys: Mapping[str, pd.Series]) -> pd.Series:
    """Units of the ``sales`` rows summed per ``keys`` (name -> row-aligned values) and ``line``.

    Groups by product first and maps products to lines on the small result: the same numbers as
    grouping :func:`kaplan.core.facts.sales_facts`, without mapping a line onto every sale.
    """
    names = list(keys)
    by_product = sales.groupby([*keys.values(), sales["product_id"]], sort=False)["units"].sum()
    line_of = data.products.set_index("product_id")["line"]
    lines = line_of.reindex(by_product.index.get_level_values(-1)).to_numpy()
    levels = [by_product.index.get_level_values(i) for i in range(len(names))]
    out = by_product.groupby([*levels, lines]).sum()
    out.index.names = [*names, "line"]
    return out.astype("int64")
