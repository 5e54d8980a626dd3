"""The data contracts of docs/data.md: tables, columns, keys, codes and references.

This module only *declares*; :mod:`kaplan.inputs.validate` checks input against it and
:mod:`kaplan.core.tables` holds the loaded result. Loaded dtypes are fixed here too, so every module
downstream can rely on them:

- ``id`` / ``text`` / ``code`` / ``month`` columns: pandas ``str``;
- ``date``: ``datetime64[ns]`` (no time of day);
- ``int``: ``int64``; ``float`` and ``score``: ``float64`` (NaN where optional and blank).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "code", "date", "int", "float", "month"]

REGION_ROLES = ("regional_director", "regional_manager", "dealer_specialist")
LINES = ("command", "work", "conversion")
PURCHASE_METHODS = ("tender", "agreement")
SEGMENTS = ("government", "enterprise", "industry")
INDUSTRIES = (
    "taxi", "driving_school", "construction", "agriculture", "forestry_husbandry", "finance",
    "mining", "water_resources", "power_grid", "transport", "telecom", "public_security",
    "environmental", "health", "civil_municipal", "tobacco", "inspection_quarantine",
    "petroleum", "fiscal", "postal", "energy", "real_estate", "pharmaceutical", "consumer_goods",
)  # fmt: skip
LEAD_CLASSES = ("direct", "tender", "one_time")
SOURCES = (
    "existing_customer", "directory", "procurement_site", "association", "exhibition",
    "industry_contact", "personal_network",
)  # fmt: skip
OPEN_STAGES = ("discover", "contact", "analyse", "position", "commit", "tender")
STAGES = (*OPEN_STAGES, "won", "lost")
BUYER_STAGES = {
    "discover": "internal_brewing",
    "contact": "plan_preparation",
    "analyse": "purchase_requirements",
    "position": "evaluate_compare",
    "commit": "purchase_commitment",
    "tender": "run_tender",
    "won": "contract",
    "lost": "contract",
}
FACTOR_GROUPS = {
    "public": (
        "regulation_politics", "competitors", "organisation", "business_goals", "internal_policy",
        "procedures", "structure", "decision_system", "environment", "product_need", "cost",
        "purchase_conditions", "service_capability",
    ),
    "private": ("relationships", "power", "attitude", "empathy", "persuasion"),
    "hidden": ("personality", "risk_appetite", "interests"),
}  # fmt: skip
FACTORS = tuple(f for group in FACTOR_GROUPS.values() for f in group)
DECISION_ROLES = ("decision_maker", "evaluator", "user_department", "finance", "operator")
ATTITUDES = ("support", "neutral", "oppose")
KPI_ITEMS = ("target_split", "deal_stats", "lead_reports", "relationship_tracking", "monthly_summary")
# reviewer criteria per KPI item (timeliness is computed from due vs submitted, not reviewed)
KPI_CRITERIA = {
    "target_split": ("rationality", "timeliness"),
    "deal_stats": ("timeliness", "accuracy"),
    "lead_reports": ("truthfulness", "accuracy"),
    "relationship_tracking": ("close_likelihood", "value_analysis", "difficulty", "truthfulness"),
    "monthly_summary": ("quality", "timeliness", "truthfulness"),
}
REVIEWED_CRITERIA = (
    "rationality", "accuracy", "truthfulness", "quality", "close_likelihood", "value_analysis",
    "difficulty",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True  # False: the cell may be blank (the column itself must still exist)
    codes: tuple[str, ...] = ()  # allowed values for kind "code"
    min: float | None = None
    max: float | None = None
    exclusive_min: bool = False  # min is exclusive (units > 0)
    optional_column: bool = False  # the whole column may be absent (then all blank)


@dataclass(frozen=True)
class Reference:
    columns: tuple[str, ...]
    table: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    may_be_empty: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _ref(column: str, table: str, target: str | None = None) -> Reference:
    return Reference((column,), table, (target or column,))


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "org",
            (
                Column("dealer_id", "id"),
                Column("dealer_name", "text"),
                Column("province", "text"),
                Column("region", "text"),
            ),
            key=("dealer_id",),
        ),
        Table(
            "staff",
            (
                Column("staff_id", "id"),
                Column("name", "text"),
                Column("role", "code", codes=REGION_ROLES),
                Column("region", "text"),
                Column("province", "text", required=False),
                Column("dealer_id", "id", required=False),
            ),
            key=("staff_id",),
            references=(_ref("dealer_id", "org"),),
        ),
        Table(
            "products",
            (
                Column("product_id", "id"),
                Column("product_name", "text"),
                Column("line", "code", codes=LINES),
            ),
            key=("product_id",),
        ),
        Table(
            "customers",
            (
                Column("customer_id", "id"),
                Column("customer_name", "text"),
                Column("industry", "code", codes=INDUSTRIES),
                Column("segment", "code", codes=SEGMENTS),
                Column("purchase_method", "code", codes=PURCHASE_METHODS),
            ),
            key=("customer_id",),
        ),
        Table(
            "sales",
            (
                Column("order_id", "id"),
                Column("date", "date"),
                Column("dealer_id", "id"),
                Column("product_id", "id"),
                Column("customer_id", "id"),
                Column("units", "int", min=0, exclusive_min=True),
            ),
            key=("order_id",),
            references=(
                _ref("dealer_id", "org"),
                _ref("product_id", "products"),
                _ref("customer_id", "customers"),
            ),
            may_be_empty=True,
        ),
        Table(
            "annual_targets",
            (
                Column("year", "int", min=2000, max=2100),
                Column("dealer_id", "id"),
                Column("line", "code", codes=LINES),
                Column("units", "int", min=0),
            ),
            key=("year", "dealer_id", "line"),
            references=(_ref("dealer_id", "org"),),
        ),
        Table(
            "leads",
            (
                Column("lead_id", "id"),
                Column("reported_on", "date"),
                Column("dealer_id", "id"),
                Column("owner_id", "id"),
                Column("customer_id", "id"),
                Column("lead_class", "code", codes=LEAD_CLASSES),
                Column("source", "code", codes=SOURCES),
                Column("stage", "code", codes=STAGES),
                Column("product_id", "id"),
                Column("units", "int", min=0, exclusive_min=True),
                Column("budget", "float", required=False, min=0),
                Column("expected_close", "date"),
                Column("last_tracked", "date"),
                Column("notes", "text", required=False, optional_column=True),
            ),
            key=("lead_id",),
            references=(
                _ref("dealer_id", "org"),
                _ref("owner_id", "staff", "staff_id"),
                _ref("customer_id", "customers"),
                _ref("product_id", "products"),
            ),
            may_be_empty=True,
        ),
        Table(
            "lead_factors",
            (
                Column("lead_id", "id"),
                Column("factor", "code", codes=FACTORS),
                Column("score", "int", min=1, max=5),
            ),
            key=("lead_id", "factor"),
            references=(_ref("lead_id", "leads"),),
            may_be_empty=True,
        ),
        Table(
            "lead_contacts",
            (
                Column("lead_id", "id"),
                Column("role", "code", codes=DECISION_ROLES),
                Column("name", "text"),
                Column("attitude", "code", codes=ATTITUDES),
            ),
            key=("lead_id", "role", "name"),
            references=(_ref("lead_id", "leads"),),
            may_be_empty=True,
        ),
        Table(
            "kpi_submissions",
            (
                Column("staff_id", "id"),
                Column("month", "month"),
                Column("item", "code", codes=KPI_ITEMS),
                Column("due", "date"),
                Column("submitted", "date", required=False),
                *(
                    Column(c, "float", required=False, min=0, max=100, optional_column=True)
                    for c in REVIEWED_CRITERIA
                ),
            ),
            key=("staff_id", "month", "item", "due"),
            references=(_ref("staff_id", "staff"),),
            may_be_empty=True,
        ),
    )
}

TABLE_NAMES = tuple(TABLES)

DTYPES: dict[str, str] = {
    "id": "str",
    "text": "str",
    "code": "str",
    "month": "str",
    "date": "datetime64[ns]",
    "int": "int64",
    "float": "float64",
}

