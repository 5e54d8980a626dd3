"""Decision roles (角色分析, §3): who is covered in each open key lead, and how they stand.

The five roles (``schema.DECISION_ROLES``): decision_maker 决策者, evaluator 评估者,
user_department 使用部门, finance 财务部门, operator 操作层.

:func:`role_coverage` gives one row per lead with one column per role. A role's cell is the
attitude of its named contacts (``support`` / ``neutral`` / ``oppose``); with several contacts in
one role the least favourable attitude is shown (oppose before neutral before support), since one
opponent can block a purchase; blank when the role has no named contact.
``roles_covered`` = number of roles with at least one named contact (0..5);
``opposed`` = number of roles whose shown attitude is ``oppose``.
The finance role's column is ``finance_role`` (``finance`` is also an industry code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaplan.core.glossary import Lang, code_labels
from kaplan.core.schema import ATTITUDES, DECISION_ROLES
from kaplan.core.tables import isin

ROLE_COLUMNS: dict[str, str] = {r: ("finance_role" if r == "finance" else r) for r in DECISION_ROLES}
# worse attitude, higher rank
ATTITUDE_RANK: dict[str, int] = {"support": 0, "neutral": 1, "oppose": 2}


def role_coverage(leads: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """For each lead of ``leads`` (``lead_id`` + any context columns), the attitude per role."""
    named = contacts[contacts["name"].fillna("").str.strip() != ""]
    named = named[isin(named["lead_id"], leads["lead_id"])]
    rank = named["attitude"].map(ATTITUDE_RANK)
    worst = rank.groupby([named["lead_id"], named["role"]]).max().unstack()
    worst = worst.reindex(index=leads["lead_id"].to_numpy(), columns=list(DECISION_ROLES))
    # attitude code by rank, then a blank for "no named contact" (rank -1 picks the last entry)
    lookup = pd.array([*sorted(ATTITUDES, key=ATTITUDE_RANK.__getitem__), None], dtype="str")
    values = worst.to_numpy(dtype="float64")
    ranks = np.nan_to_num(values, nan=-1.0).astype("int64")
    out = leads.reset_index(drop=True).copy()
    for j, role in enumerate(DECISION_ROLES):
        out[ROLE_COLUMNS[role]] = pd.Series(lookup.take(ranks[:, j]))
    out["roles_covered"] = (~np.isnan(values)).sum(axis=1).astype("int64")
    out["opposed"] = (values == ATTITUDE_RANK["oppose"]).sum(axis=1).astype("int64")
    return out


def labelled_attitudes(coverage: pd.DataFrame, lang: Lang = "zh") -> pd.DataFrame:
    """A copy whose role cells read as words (支持 / 中立 / 反对) for a person."""
    present = [c for c in ROLE_COLUMNS.values() if c in coverage]
    return coverage.assign(**{c: code_labels(coverage[c], "attitude", lang) for c in present})


SUMMARY_ROLES = ("decision_maker", "evaluator", "finance", "user_department")
SUMMARY_TIERS = ("key", "secondary")


def role_summary(open_leads: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Per tier (key, secondary): open leads and the share of them with a named decision maker,
    evaluator, finance and user-department contact (``open_leads`` with ``tier``)."""
    rows = []
    for tier in SUMMARY_TIERS:
        coverage = role_coverage(open_leads.loc[open_leads["tier"] == tier, ["lead_id"]], contacts)
        named = {f"{ROLE_COLUMNS[r]}_share": coverage[ROLE_COLUMNS[r]].notna() for r in SUMMARY_ROLES}
        shares = {k: float(v.mean()) if len(v) else np.nan for k, v in named.items()}
        rows.append({"tier": tier, "leads": len(coverage), **shares})
    return pd.DataFrame(rows)


def without_decision_maker(open_leads: pd.DataFrame, contacts: pd.DataFrame, min_units: int) -> pd.DataFrame:
    """The open key and secondary leads of at least ``min_units`` units with no named decision maker,
    per owner (by owner name, then most units first)."""
    columns = ["owner_id", "owner_name", "lead_id", "customer_name", "tier", "stage", "units", "expected_close"]
    big = open_leads[open_leads["tier"].isin(SUMMARY_TIERS) & (open_leads["units"] >= min_units)]
    coverage = role_coverage(big[[c for c in columns if c in big]], contacts)
    missing = coverage[coverage[ROLE_COLUMNS["decision_maker"]].isna()]
    order = missing.sort_values(["owner_name", "units", "lead_id"], ascending=[True, False, True], kind="stable")
    return order[[c for c in columns if c in order]].reset_index(drop=True)
