"""Assessment (DESIGN §2.5) of 2026-06 as of 2026-06-20 at national scale: 400 staff, 2,000 dealers,
~1 M sales rows. Cases: the issued dealer targets of January..June from the target engine (what the
notebook asks for: year-to-date targets and the rectification look-back), then with those targets
given: the KPI table, attainment, the rectification list, the whole ``assess`` and the workbook.
Uses the national sample when ``kaplan.sample`` is there, else synthetic tables of the same size
(said in the note)."""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from common import Context, Result, median_time

from kaplan import assessment, attainment, kpi, rectification
from kaplan.excel import write_workbook
from kaplan.facts import sales_facts, staff_scope
from kaplan.params import Params
from kaplan.schema import KPI_CRITERIA, KPI_ITEMS, LINES, REVIEWED_CRITERIA
from kaplan.tables import Tables

MONTH = "2026-06"
AS_OF = pd.Timestamp("2026-06-20")


def synthetic(seed: int = 7) -> Tables:
    """Tables of national size: 2,000 dealers in 31 provinces and 8 regions, 400 staff, 1 M sales."""
    rng = np.random.default_rng(seed)
    dealers = 2_000
    province = rng.integers(0, 31, dealers)
    org = pd.DataFrame(
        {
            "dealer_id": [f"D{i:05d}" for i in range(dealers)],
            "dealer_name": [f"经销商{i}" for i in range(dealers)],
            "province": [f"省{p:02d}" for p in province],
            "region": [f"大区{p % 8}" for p in province],
        }
    )
    directors = pd.DataFrame({"role": "regional_director", "region": [f"大区{r}" for r in range(8)], "province": None,
                              "dealer_id": None})  # fmt: skip
    managers = pd.DataFrame({"role": "regional_manager", "province": [f"省{p:02d}" for p in range(31)],
                             "region": [f"大区{p % 8}" for p in range(31)], "dealer_id": None})  # fmt: skip
    picked = org.sample(400 - 8 - 31, random_state=seed)
    specialists = picked[["region", "province", "dealer_id"]].reset_index(drop=True).assign(role="dealer_specialist")
    staff = pd.concat([directors, managers, specialists], ignore_index=True)
    staff.insert(0, "staff_id", [f"S{i:04d}" for i in range(len(staff))])
    staff.insert(1, "name", [f"员工{i}" for i in range(len(staff))])
    rows = 1_000_000
    days = pd.date_range("2023-01-01", AS_OF, freq="D")
    products = pd.DataFrame(
        {"product_id": [f"P{i:02d}" for i in range(40)], "product_name": [f"车型{i}" for i in range(40)],
         "line": [LINES[i % 3] for i in range(40)]}
    )  # fmt: skip
    sales = pd.DataFrame(
        {
            "order_id": [f"O{i:07d}" for i in range(rows)],
            "date": days[rng.integers(0, len(days), rows)],
            "dealer_id": org["dealer_id"].to_numpy()[rng.integers(0, dealers, rows)],
            "product_id": products["product_id"].to_numpy()[rng.integers(0, 40, rows)],
            "customer_id": "C1",
            "units": rng.integers(1, 30, rows),
        }
    )
    annual = pd.DataFrame(
        {
            "year": np.repeat([2023, 2024, 2025, 2026], dealers * 3),
            "dealer_id": np.tile(np.repeat(org["dealer_id"].to_numpy(), 3), 4),
            "line": np.tile(np.array(LINES), dealers * 4),
            "units": rng.integers(0, 400, dealers * 3 * 4),
        }
    )
    return Tables.from_frames(org=org, staff=staff, products=products, sales=sales, annual_targets=annual,
                              kpi_submissions=submissions(staff["staff_id"], rng))  # fmt: skip


def submissions(staff_ids: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """Twelve months of KPI rows per person: four items once, the tracking table every Saturday."""
    frames = []
    for month in pd.period_range("2025-07", MONTH, freq="M"):
        days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
        saturdays = days[days.day_of_week == 5]
        dues = [(item, month.end_time.normalize()) for item in KPI_ITEMS if item != "relationship_tracking"]
        dues += [("relationship_tracking", d) for d in saturdays]
        items, due = zip(*dues, strict=True)
        n = len(staff_ids)
        frame = pd.DataFrame(
            {"staff_id": np.repeat(staff_ids.to_numpy(), len(dues)), "month": str(month),
             "item": np.tile(items, n), "due": np.tile(np.array(due, dtype="datetime64[ns]"), n)}
        )  # fmt: skip
        late = rng.integers(-2, 6, len(frame))
        frame["submitted"] = (frame["due"] + pd.to_timedelta(late, unit="D")).where(rng.random(len(frame)) > 0.05)
        for criterion in REVIEWED_CRITERIA:
            frame[criterion] = rng.integers(50, 101, len(frame)).astype("float64")
        frames.append(frame)
    assert set(KPI_CRITERIA) == set(KPI_ITEMS)
    return pd.concat(frames, ignore_index=True)


def inputs(ctx: Context) -> tuple[Tables, str]:
    try:
        import kaplan.sample  # noqa: F401
    except ImportError:
        tables = synthetic(ctx.seed)
        return tables, f"{len(tables.sales):,} sales rows, {len(tables.staff)} staff, synthetic (no kaplan.sample)"
    tables = ctx.tables
    return tables, f"{len(tables.sales):,} sales rows, {len(tables.staff)} staff, national sample"


def run(ctx: Context) -> list[Result]:
    tables, note = inputs(ctx)
    params: Params = ctx.params
    facts = sales_facts(tables)
    months = assessment.months_needed(MONTH, params.rectification.lookback_months)
    results = []

    def issue() -> pd.DataFrame:
        return assessment.issued_dealer_targets(tables, months, params)

    issued = issue()
    results.append(Result(f"issued dealer targets, {len(months)} months", median_time(issue, runs=3), 3, note))
    month_issued = issued[issued["month"] == MONTH]
    ytd, _ = assessment.ytd_targets(issued, tables.annual_targets, MONTH)
    scope = staff_scope(tables)
    cases = {
        "kpi_table": lambda: kpi.kpi_table(tables.staff, tables.kpi_submissions, MONTH, params.kpi),
        "attainment_table": lambda: attainment.attainment_table(
            tables.staff, scope, facts, MONTH, AS_OF, month_issued, ytd
        ),
        "rectification_list": lambda: rectification.rectification_list(
            tables.org, tables.staff, facts, issued, MONTH, AS_OF, params.rectification.gap
        ),
        "assess (targets given)": lambda: assessment.assess(tables, MONTH, AS_OF, params, issued, facts=facts),
    }
    for name, fn in cases.items():
        results.append(Result(name, median_time(fn), 5, note))
    result = assessment.assess(tables, MONTH, AS_OF, params, issued, facts=facts)
    sheets = assessment.assessment_sheets(result)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "assessment.xlsx"
        seconds = median_time(lambda: write_workbook(path, sheets, "zh"), runs=3)
        rows = sum(len(s) for s in sheets.values())
        results.append(Result("write assessment workbook", seconds, 3, f"{rows:,} rows in 3 sheets"))
    tracemalloc.start()
    assessment.assess(tables, MONTH, AS_OF, params, issued, facts=facts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append(Result("assess (traced)", 0.0, 1, "peak Python allocations only", peak_mb=peak / 2**20))
    return results
