import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaplan.core.schema import ATTITUDES, DECISION_ROLES
from kaplan.leads.roles import ROLE_COLUMNS, labelled_attitudes, role_coverage, role_summary, without_decision_maker


def contacts_frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lead_id", "role", "name", "attitude"]).astype("str")


def test_role_coverage_hand_worked() -> None:
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "customer_name": ["甲", "乙", "丙"]})
    contacts = contacts_frame(
        [
            ("L1", "decision_maker", "王", "support"),
            ("L1", "finance", "李", "neutral"),
            ("L1", "finance", "赵", "oppose"),  # the least favourable attitude of the role shows
            ("L1", "operator", "  ", "support"),  # no name: not a named contact
            ("L2", "evaluator", "周", "neutral"),
            ("L9", "evaluator", "钱", "support"),  # another lead
        ]
    )
    got = role_coverage(leads, contacts).set_index("lead_id")
    assert got.loc["L1", "decision_maker"] == "support"
    assert got.loc["L1", "finance_role"] == "oppose"
    assert pd.isna(got.loc["L1", "operator"]) and pd.isna(got.loc["L1", "evaluator"])
    assert got["roles_covered"].tolist() == [2, 1, 0]
    assert got["opposed"].tolist() == [1, 0, 0]
    assert got.loc["L3", "customer_name"] == "丙"
    shown = labelled_attitudes(got, "zh")
    assert shown.loc["L1", "finance_role"] == "反对" and shown.loc["L2", "evaluator"] == "中立"


rows = st.lists(
    st.tuples(st.sampled_from(["L1", "L2", "L3"]), st.sampled_from(DECISION_ROLES),
              st.sampled_from(["a", "b", "c"]), st.sampled_from(ATTITUDES)),
    max_size=30,
)  # fmt: skip


@given(rows)
def test_roles_covered_counts_the_distinct_named_roles(contact_rows: list[tuple[str, str, str, str]]) -> None:
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"]})
    got = role_coverage(leads, contacts_frame(contact_rows)).set_index("lead_id")
    for lead in ("L1", "L2", "L3"):
        roles = {r for lid, r, _, _ in contact_rows if lid == lead}
        assert got.loc[lead, "roles_covered"] == len(roles)
        for role in DECISION_ROLES:
            cell = got.loc[lead, ROLE_COLUMNS[role]]
            attitudes = {a for lid, r, _, a in contact_rows if lid == lead and r == role}
            if not attitudes:
                assert pd.isna(cell)
            else:
                worst = "oppose" if "oppose" in attitudes else "neutral" if "neutral" in attitudes else "support"
                assert cell == worst


def test_role_summary_and_big_leads_without_a_decision_maker() -> None:
    leads = pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4", "L5"], "tier": ["key", "key", "secondary", "potential", "key"],
        "owner_id": ["S2", "S1", "S1", "S1", "S1"], "owner_name": ["乙", "甲", "甲", "甲", "甲"],
        "customer_name": "客户", "stage": "analyse", "units": [12, 10, 30, 50, 9],
        "expected_close": pd.Timestamp("2026-07-01"),
    })  # fmt: skip
    contacts = contacts_frame([("L1", "decision_maker", "王", "support"), ("L1", "finance", "李", "neutral"),
                               ("L2", "evaluator", "周", "neutral"), ("L5", "user_department", "赵", "oppose")])
    summary = role_summary(leads, contacts).set_index("tier")
    # key: L1, L2, L5 -> decision maker 1/3, evaluator 1/3, finance 1/3, user department 1/3
    assert summary.loc["key", "leads"] == 3
    assert summary.loc["key", ["decision_maker_share", "evaluator_share", "finance_role_share",
                               "user_department_share"]].tolist() == pytest.approx([1 / 3] * 4)  # fmt: skip
    assert summary.loc["secondary", "leads"] == 1 and summary.loc["secondary", "decision_maker_share"] == 0
    got = without_decision_maker(leads, contacts, min_units=10)
    # L1 has a decision maker; L4 is potential; L5 has 9 units (below 10); L2 has exactly 10: listed
    assert got["lead_id"].tolist() == ["L3", "L2"]  # owner 甲, most units first
    assert got["owner_name"].tolist() == ["甲", "甲"]
