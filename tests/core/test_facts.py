import pandas as pd

from kaplan.core.facts import sales_facts, staff_scope
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
