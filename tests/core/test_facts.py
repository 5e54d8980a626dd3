import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.facts import sales_between, sales_facts, staff_scope
from kaplan.core.tables import Tables

ORG = pd.DataFrame(
    {
        "dealer_id": ["D1", "D2", "D3"],
        "dealer_name": ["甲", "乙", "丙"],
        "province": ["河北", "河北", "山西"],
        "region": ["华北大区", "华北大区", "华北大区"],
    }
)


def test_sales_facts_joins_province_region_line_and_calendar() -> None:
    tables = Tables.from_frames(
        org=ORG,
        products=pd.DataFrame({"product_id": ["P1"], "product_name": ["x"], "line": ["work"]}),
        sales=pd.DataFrame(
            {"order_id": ["o1"], "date": ["2025-12-31"], "dealer_id": ["D3"], "product_id": ["P1"],
             "customer_id": ["C1"], "units": [4]}
        ),
    )
    row = sales_facts(tables).iloc[0]
    assert (row["province"], row["region"], row["line"]) == ("山西", "华北大区", "work")
    assert (row["year"], row["month"], row["units"]) == (2025, 12, 4)


def test_staff_scope_by_role() -> None:
    staff = pd.DataFrame(
        {
            "staff_id": ["S1", "S2", "S3"],
            "name": ["a", "b", "c"],
            "role": ["regional_director", "regional_manager", "dealer_specialist"],
            "region": ["华北大区"] * 3,
            "province": [None, "河北", "山西"],
            "dealer_id": [None, None, "D3"],
        }
    )
    scope = staff_scope(Tables.from_frames(org=ORG, staff=staff))
    got = scope.groupby("staff_id")["dealer_id"].apply(list).to_dict()
    assert got == {"S1": ["D1", "D2", "D3"], "S2": ["D1", "D2"], "S3": ["D3"]}


DAYS = st.integers(min_value=0, max_value=60).map(lambda d: pd.Timestamp("2025-12-20") + pd.Timedelta(days=d))


def _sales(dates: list[pd.Timestamp]) -> Tables:
    n = len(dates)
    products = pd.DataFrame({"product_id": ["P1"], "product_name": ["x"], "line": ["work"]})
    sales = pd.DataFrame({"order_id": [f"o{i}" for i in range(n)], "date": dates, "dealer_id": ["D1"] * n,
                          "product_id": ["P1"] * n, "customer_id": ["C1"] * n,
                          "units": list(range(1, n + 1))})  # fmt: skip
    return Tables.from_frames(org=ORG, products=products, sales=sales)


@given(st.lists(DAYS, max_size=30), DAYS, DAYS, st.booleans())
def test_sales_between_is_start_inclusive_end_exclusive_in_date_order_or_not(dates, start, end, in_order) -> None:
    """The binary-search cut of date-ordered sales and the filter of unordered ones keep the same rows."""
    tables = _sales(sorted(dates) if in_order else dates)
    got = sales_between(tables, start, end)
    kept = [(d, u) for d, u in zip(tables.sales["date"], tables.sales["units"], strict=True) if start <= d < end]
    assert list(zip(got["date"], got["units"], strict=True)) == kept
    assert list(got.columns) == ["date", "dealer_id", "product_id", "units"]


def test_sales_between_on_the_first_and_last_day_of_a_year() -> None:
    tables = _sales([pd.Timestamp(d) for d in ("2025-12-31", "2026-01-01", "2026-01-01", "2026-12-31", "2027-01-01")])
    year = sales_between(tables, pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"))
    assert year["units"].tolist() == [2, 3, 4]
    shuffled = _sales(list(tables.sales["date"].iloc[[4, 0, 3, 1, 2]]))
    in_year = sales_between(shuffled, pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"))
    assert in_year["units"].tolist() == [3, 4, 5]
