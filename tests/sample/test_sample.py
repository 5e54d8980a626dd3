"""The synthetic data generator: contracts, determinism, the business it imitates, the demo cache."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kaplan
from kaplan.core.apportion import apportion
from kaplan.core.errors import KaplanError
from kaplan.core.facts import sales_facts
from kaplan.core.schema import (
    DECISION_ROLES,
    INDUSTRIES,
    KPI_CRITERIA,
    LEAD_CLASSES,
    OPEN_STAGES,
    REVIEWED_CRITERIA,
    SOURCES,
    STAGES,
    TABLE_NAMES,
    TABLES,
)
from kaplan.core.tables import Tables
from kaplan.sample import reference as ref
from kaplan.sample import write as sample
from kaplan.sample.leads import CONTACT_SHARE, ROLE_P, WIN_MIN_UNITS, distinct_picks, kpi_due_dates
from kaplan.sample.world import (
    OFF_AFFINITY,
    at_least_one,
    day_weights,
    draw_in_group,
    grouped_cumulative,
    line_affinity,
    mean_order_units,
    open_shares,
    owners,
    product_sampler,
    season,
    truncated_pareto,
    units_by_year,
)
from kaplan.sample.write import SCALES, demo_data_dir, sample_tables, write_sample

UNTIL = date(2026, 6, 20)


@pytest.fixture(scope="module")
def small() -> Tables:
    return sample_tables("small", seed=7, until=UNTIL)


@pytest.fixture(scope="module")
def demo() -> Tables:
    return sample_tables("demo", seed=7, until=UNTIL)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- the contract of every data set


def contract_problems(tables: Tables, until: date) -> list[str]:
    """Every way ``tables`` breaks the schema or the generator's promises (empty when fine)."""
    problems: list[str] = []
    end = pd.Timestamp(until)
    for name, frame in tables:
        spec = TABLES[name]
        if tuple(frame.columns) != spec.column_names:
            problems.append(f"{name}: columns {list(frame.columns)}")
        if frame.duplicated(list(spec.key)).any():
            problems.append(f"{name}: duplicate key")
        for column in spec.columns:
            values = frame[column.name]
            if column.required and values.isna().any():
                problems.append(f"{name}.{column.name}: blank")
            if column.codes and not values.dropna().isin(column.codes).all():
                problems.append(f"{name}.{column.name}: unknown code")
            if column.min is not None and (values.dropna() < column.min).any():
                problems.append(f"{name}.{column.name}: below {column.min}")
            if column.exclusive_min and (values.dropna() <= column.min).any():
                problems.append(f"{name}.{column.name}: not above {column.min}")
            if column.max is not None and (values.dropna() > column.max).any():
                problems.append(f"{name}.{column.name}: above {column.max}")
        for reference in spec.references:
            target = tables[reference.table][list(reference.target_columns)].drop_duplicates()
            own = frame[list(reference.columns)].dropna()
            merged = own.merge(target, left_on=list(reference.columns), right_on=list(reference.target_columns),
                               how="left", indicator=True)  # fmt: skip
            if (merged["_merge"] != "both").any():
                problems.append(f"{name}.{reference.columns}: unresolved reference to {reference.table}")
    sales, leads, kpi = tables.sales, tables.leads, tables.kpi_submissions
    if not sales["date"].between(pd.Timestamp("2023-01-01"), end).all():
        problems.append("sales: date outside 2023-01-01 .. until")
    if not ((leads["reported_on"] <= leads["last_tracked"]) & (leads["last_tracked"] <= end)).all():
        problems.append("leads: not reported_on <= last_tracked <= until")
    if (kpi["due"] > end).any() or (kpi["submitted"] > end).any():
        problems.append("kpi_submissions: due or submitted after until")
    years = set(range(2023, until.year + 1))
    if set(tables.annual_targets["year"]) != years:
        problems.append(f"annual_targets: years {sorted(set(tables.annual_targets['year']))}")
    if not set(tables.lead_factors["lead_id"]) <= set(leads.loc[leads["stage"].isin(OPEN_STAGES), "lead_id"]):
        problems.append("lead_factors: a lead that is not open")
    return problems


def test_small_data_set_meets_every_contract(small: Tables) -> None:
    assert contract_problems(small, UNTIL) == []


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    until=st.dates(min_value=date(2023, 2, 1), max_value=date(2028, 12, 31)),
)
def test_any_seed_and_until_meet_every_contract(seed: int, until: date) -> None:
    assert contract_problems(sample_tables("small", seed=seed, until=until), until) == []


def test_csv_header_is_exactly_the_schema_and_loads(small_dir: Path) -> None:
    assert sorted(p.name for p in small_dir.iterdir()) == sorted(f"{n}.csv" for n in TABLE_NAMES)
    for name in TABLE_NAMES:
        header = (small_dir / f"{name}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(TABLES[name].column_names)
    sales_text = (small_dir / "sales.csv").read_text(encoding="utf-8").splitlines()[1]
    assert sales_text.split(",")[1].count("-") == 2 and "." not in sales_text.split(",")[-1]
    loaded = kaplan.load(small_dir)
    assert len(loaded.sales) == len(sample_tables("small").sales)


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_options_give_byte_identical_files(tmp_path: Path, fmt: str) -> None:
    first = write_sample(tmp_path / "a", scale="small", seed=3, fmt=fmt)
    second = write_sample(tmp_path / "b", scale="small", seed=3, fmt=fmt)
    assert digests(first) == digests(second)
    assert len(digests(first)) == len(TABLE_NAMES)


def head_tables(tables: Tables, rows: int) -> Tables:
    return Tables.from_frames(**{name: frame.head(rows) for name, frame in tables})


def test_xlsx_is_byte_identical_and_reads_back(tmp_path: Path, small: Tables) -> None:
    part = head_tables(small, 300)
    sample.write_tables(tmp_path / "a", part, "xlsx", sample.document_date(UNTIL))
    sample.write_tables(tmp_path / "b", part, "xlsx", sample.document_date(UNTIL))
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert len(digests(tmp_path / "a")) == len(TABLE_NAMES)
    staff = pd.read_excel(tmp_path / "a" / "staff.xlsx", sheet_name="staff", dtype=str, engine="calamine")
    assert list(staff.columns) == list(TABLES["staff"].column_names)
    assert staff["staff_id"].tolist() == part.staff["staff_id"].tolist()
    assert staff["province"].isna().sum() == part.staff["province"].isna().sum()
    leads = pd.read_excel(tmp_path / "a" / "leads.xlsx", sheet_name="leads", engine="calamine")
    assert (leads["reported_on"] == part.leads["reported_on"]).all()
    assert leads["notes"].iloc[1] == part.leads["notes"].iloc[1]


@pytest.mark.slow
def test_whole_xlsx_data_set_loads(tmp_path: Path, small: Tables) -> None:
    folder = write_sample(tmp_path / "x", scale="small", seed=7, fmt="xlsx")
    loaded = kaplan.load(folder)
    assert loaded.sales["units"].sum() == small.sales["units"].sum()
    assert (loaded.kpi_submissions["submitted"].isna() == small.kpi_submissions["submitted"].isna()).all()


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_same_seed_gives_equal_tables(seed: int) -> None:
    first, second = sample_tables("small", seed=seed), sample_tables("small", seed=seed)
    for name, frame in first:
        pd.testing.assert_frame_equal(frame, second[name])


def test_a_different_seed_gives_different_data(tmp_path: Path) -> None:
    a = digests(write_sample(tmp_path / "a", scale="small", seed=1))
    b = digests(write_sample(tmp_path / "b", scale="small", seed=2))
    assert a["sales.csv"] != b["sales.csv"] and a["leads.csv"] != b["leads.csv"]


def test_parquet_keeps_the_types(tmp_path: Path, small: Tables) -> None:
    folder = write_sample(tmp_path / "p", scale="small", seed=7, fmt="parquet")
    sales = pd.read_parquet(folder / "sales.parquet")
    assert sales["units"].dtype == "int64"
    assert sales["order_id"].tolist() == small.sales["order_id"].tolist()
    assert (pd.to_datetime(sales["date"]) == small.sales["date"]).all()
    loaded = kaplan.load(folder)
    assert loaded.leads["budget"].isna().sum() == small.leads["budget"].isna().sum()
    assert (loaded.kpi_submissions["submitted"].isna() == small.kpi_submissions["submitted"].isna()).all()


def test_bad_options_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(KaplanError, match="small, demo, national"):
        write_sample(tmp_path, scale="huge")
    with pytest.raises(KaplanError, match="csv, xlsx, parquet"):
        write_sample(tmp_path, scale="small", fmt="ods")
    with pytest.raises(KaplanError, match="2023-01-01"):
        write_sample(tmp_path, scale="small", until=date(2022, 12, 31))
    with pytest.raises(KaplanError, match="0 or above"):
        write_sample(tmp_path, scale="small", seed=-1)
    assert not any(tmp_path.iterdir())
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    with pytest.raises(KaplanError, match="is a file"):
        write_sample(tmp_path / "taken", scale="small")


def test_refuses_a_folder_holding_another_format(tmp_path: Path) -> None:
    (tmp_path / "sales.xlsx").write_bytes(b"theirs")
    with pytest.raises(KaplanError, match=r"sales\.xlsx"):
        write_sample(tmp_path, scale="small")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.xlsx"]


def test_rewriting_the_same_format_replaces_the_files(tmp_path: Path) -> None:
    write_sample(tmp_path, scale="small", seed=1)
    first = digests(tmp_path)
    write_sample(tmp_path, scale="small", seed=2)
    second = digests(tmp_path)
    assert set(first) == set(second) == {f"{n}.csv" for n in TABLE_NAMES}
    assert first["sales.csv"] != second["sales.csv"]


def test_cli_writes_the_sample_and_maps_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kaplan.run.cli import main

    out = tmp_path / "cli"
    assert main(["sample", "--out", str(out), "--scale", "small", "--until", "2024-03-31", "--format", "parquet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.parquet" for n in TABLE_NAMES)
    dates = pd.read_parquet(out / "sales.parquet")["date"]
    assert date(2024, 3, 25) <= max(pd.to_datetime(dates)).date() <= date(2024, 3, 31)
    assert main(["sample", "--out", str(tmp_path / "bad"), "--seed", "-1"]) == 2
    assert "0 or above" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


# ---------------------------------------------------------------- the business it imitates


def test_eight_regions_cover_the_31_provinces_once() -> None:
    assert len(ref.REGIONS) == 8
    assert len(ref.PROVINCES) == 31 == len(set(ref.PROVINCES))
    assert {"北京", "河北", "广东", "西藏", "新疆", "内蒙古", "海南"} <= set(ref.PROVINCES)
    assert set(ref.PROVINCE_WEIGHT) == set(ref.CITIES) == set(ref.PROVINCES)


def test_structure_of_org_and_staff(small: Tables) -> None:
    org, staff = small.org, small.staff
    assert set(org["province"]) == set(ref.PROVINCES)
    assert (org["province"].map(ref.PROVINCE_REGION) == org["region"]).all()
    assert org["dealer_name"].is_unique and small.customers["customer_name"].is_unique
    directors = staff[staff["role"] == "regional_director"]
    assert sorted(directors["region"]) == sorted(ref.REGIONS) and directors["province"].isna().all()
    managers = staff[staff["role"] == "regional_manager"]
    assert set(managers["province"]) == set(ref.PROVINCES) and managers["dealer_id"].isna().all()
    specialists = staff[staff["role"] == "dealer_specialist"]
    assert specialists["dealer_id"].is_unique and specialists["dealer_id"].notna().all()
    dealer_province = specialists["dealer_id"].map(org.set_index("dealer_id")["province"])
    assert (dealer_province == specialists["province"]).all()
    assert staff["staff_id"].str.fullmatch(r"S\d{4}").all()
    assert len(staff) == SCALES["small"].staff


def test_bigger_provinces_have_more_dealers(demo: Tables) -> None:
    counts = demo.org["province"].value_counts()
    assert counts["广东"] > counts["江苏"] >= counts["河南"] > counts["甘肃"] > counts["西藏"] >= 1


def test_products_span_the_three_lines(small: Tables) -> None:
    assert small.products["line"].value_counts().to_dict() == {"command": 2, "work": 2, "conversion": 2}
    demo = sample_tables("demo", seed=1, until=date(2023, 3, 1)).products
    assert len(demo) == 12 and demo["product_name"].is_unique
    assert "警用巡逻车" in set(demo["product_name"]) and "改装底盘 C5" in set(demo["product_name"])


def test_work_vehicles_go_to_the_industries_they_are_made_for(small: Tables) -> None:
    sold = small.sales.merge(small.products, on="product_id").merge(small.customers, on="customer_id")
    patrol = sold[sold["product_name"] == "警用巡逻车"]
    assert patrol.groupby("industry")["units"].sum().idxmax() == "public_security"
    off = ~patrol["industry"].isin(ref.WORK_PRODUCT_INDUSTRIES["警用巡逻车"] + ref.WORK_PRODUCT_INDUSTRIES["执法车"])
    assert off.mean() < 0.12  # taxi companies and banks hardly ever buy a patrol car


def test_samplers_worked_example() -> None:
    products = pd.DataFrame({"product_name": ["公务轿车 A3", "警用巡逻车", "改装底盘 C5"],
                             "line": ["command", "work", "conversion"], "line_idx": [0, 1, 2],
                             "popularity": [1.0, 1.0, 1.0]})  # fmt: skip
    affinity = line_affinity(products)
    taxi, police = INDUSTRIES.index("taxi"), INDUSTRIES.index("public_security")
    assert affinity[police].tolist() == [1.0, 1.0, 0.2]  # police buy no chassis for conversion
    assert affinity[taxi].tolist() == [1.0, OFF_AFFINITY, 0.2]
    # group (taxi, work) holds only the patrol car, so a taxi company's work order is that car
    draw = product_sampler(products).draw(np.random.default_rng(0), np.full(5, taxi * 3 + 1))
    assert draw.tolist() == [1] * 5


def test_orders_are_lumpy(small: Tables) -> None:
    units = small.sales["units"]
    assert units.between(1, 80).all()
    assert (units <= 3).mean() > 0.7
    assert (units >= 10).mean() > 0.02 and units.max() >= 40
    assert (units >= 10).sum() * 10 < (units >= 10).mul(units).sum()  # tenders carry many units


def monthly(tables: Tables, what: str = "units") -> pd.DataFrame:
    facts = sales_facts(tables)
    grouped = facts.groupby(["year", "month"])["units"]
    return (grouped.sum() if what == "units" else grouped.size()).unstack()


def test_spring_festival_dip_and_december_peak(small: Tables) -> None:
    orders = monthly(small, "orders")
    units = monthly(small, "units")
    for year in (2024, 2026):  # the festival in February: about -35 % on January
        assert 0.5 < orders.loc[year, 2] / orders.loc[year, 1] < 0.8
        assert units.loc[year, 2] / units.loc[year, 1] < 0.85
    for year in (2023, 2025):  # the festival in January: January below February
        assert orders.loc[year, 1] / orders.loc[year, 2] < 0.8
    for year in (2023, 2024, 2025):
        assert orders.loc[year].idxmax() == 12
        assert units.loc[year].idxmax() == 12
        assert orders.loc[year, [10, 11, 12]].sum() > 0.27 * orders.loc[year].sum()


def test_mild_growth_year_on_year(small: Tables) -> None:
    per_year = monthly(small, "units").sum(axis=1)
    for year in (2024, 2025):
        assert 1.0 < per_year[year] / per_year[year - 1] < 1.2


def test_dealers_differ_and_some_are_new(small: Tables) -> None:
    sold = small.sales.groupby("dealer_id")["units"].sum().reindex(small.org["dealer_id"], fill_value=0)
    assert (sold == 0).sum() >= 1  # a dealer opened after until: no history yet
    active = sold[sold > 0]
    assert active.max() > 3 * active.median() and active.std() > 0.5 * active.mean()
    first_sale = small.sales.groupby("dealer_id")["date"].min()
    assert (first_sale > pd.Timestamp("2023-06-30")).sum() >= 2
    facts = sales_facts(small)
    grid = facts.groupby(["province", "line", "year", "month"])["units"].sum()
    full = len(ref.PROVINCES) * 3 * len(facts.groupby(["year", "month"]))
    assert len(grid) < full  # some province x line x month without a sale


def test_annual_targets_follow_last_year(small: Tables) -> None:
    targets = small.annual_targets
    assert (targets["units"] >= 0).all()
    newest = small.sales.groupby("dealer_id")["units"].sum().reindex(small.org["dealer_id"], fill_value=0)
    for dealer in newest[newest == 0].index:  # new dealers get targets too
        assert set(targets.loc[targets["dealer_id"] == dealer, "year"]) == {UNTIL.year}
    facts = sales_facts(small)
    full_year = facts[facts["year"] == 2024].groupby(["dealer_id", "line"])["units"].sum()
    t2025 = targets[targets["year"] == 2025].set_index(["dealer_id", "line"])["units"]
    old = small.org.loc[small.sales.groupby("dealer_id")["date"].min().reindex(small.org["dealer_id"]).lt(
        pd.Timestamp("2023-02-01")).to_numpy(), "dealer_id"]  # fmt: skip
    both = full_year[full_year.index.get_level_values(0).isin(old)]
    ratio = t2025.reindex(both.index).sum() / both.sum()
    assert 1.05 < ratio < 1.22
    per_row = (t2025.reindex(both.index) / both)[both >= 50]
    assert per_row.between(0.9, 1.45).all()


def test_leads_cover_every_code_and_look_like_a_pipeline(small: Tables) -> None:
    leads = small.leads
    assert set(leads["stage"]) == set(STAGES)
    assert set(leads["lead_class"]) == set(LEAD_CLASSES)
    assert set(leads["source"]) == set(SOURCES)
    end = pd.Timestamp(UNTIL)
    open_leads = leads[leads["stage"].isin(OPEN_STAGES)]
    stale = open_leads["last_tracked"] < end - pd.Timedelta(days=7)
    assert 0.1 < stale.mean() < 0.5
    coming = open_leads["expected_close"].between(end, end + pd.Timedelta(days=365))
    assert coming.mean() > 0.75
    assert leads["budget"].isna().mean() < 0.2 and (leads["budget"].dropna() >= 1000).all()
    assert leads["notes"].dropna().str.contains("计划采购").all()
    owners = leads["owner_id"].map(small.staff.set_index("staff_id")["role"])
    assert set(owners) <= {"dealer_specialist", "regional_manager"}


def test_factors_for_a_subset_and_contacts_for_most_open_leads(small: Tables) -> None:
    open_ids = small.leads.loc[small.leads["stage"].isin(OPEN_STAGES), "lead_id"]
    with_factors = small.lead_factors["lead_id"].nunique()
    assert with_factors == round(0.2 * len(open_ids))
    per_lead = small.lead_factors.groupby("lead_id").size()
    assert per_lead.between(3, 6).all()
    assert small.lead_factors["score"].between(1, 5).all()
    contacts = small.lead_contacts
    assert contacts["lead_id"].nunique() == round(CONTACT_SHARE * len(open_ids))
    assert set(contacts["lead_id"]) <= set(open_ids)
    roles = contacts.groupby("lead_id")["role"]
    assert roles.size().between(1, 5).all() and (roles.nunique() == roles.size()).all()
    assert set(contacts["attitude"]) == {"support", "neutral", "oppose"}


def test_contacts_have_realistic_gaps_per_role(demo: Tables) -> None:
    contacts = demo.lead_contacts
    named = contacts.groupby("role")["lead_id"].nunique() / contacts["lead_id"].nunique()
    # each role named with its own probability (the user department also when no role was drawn)
    for role, p in zip(DECISION_ROLES, ROLE_P, strict=True):
        assert named[role] == pytest.approx(p, abs=0.04)


def test_won_leads_became_sales_orders(demo: Tables) -> None:
    won = demo.leads[demo.leads["stage"] == "won"]
    keys = ["dealer_id", "customer_id", "product_id", "units"]
    orders = demo.sales.rename(columns={"date": "last_tracked"})
    matched = won.merge(orders[[*keys, "last_tracked"]].drop_duplicates(), on=[*keys, "last_tracked"])
    assert matched["lead_id"].nunique() == len(won)
    assert (won["units"] >= WIN_MIN_UNITS).all()
    assert ((won["expected_close"] - won["last_tracked"]).dt.days.abs() <= 5).all()
    assert (won["reported_on"] < won["last_tracked"]).all()
    owners = won["dealer_id"].map(demo.leads.drop_duplicates("dealer_id").set_index("dealer_id")["owner_id"])
    assert (won["owner_id"] == owners).all()


def test_kpi_rows_per_person_are_the_due_dates(small: Tables) -> None:
    kpi = small.kpi_submissions
    per_person = kpi.groupby("staff_id").size()
    assert set(per_person.index) == set(small.staff["staff_id"])
    assert per_person.nunique() == 1
    assert set(kpi["month"]) == {f"2025-{m:02d}" for m in range(12, 13)} | {f"2026-{m:02d}" for m in range(1, 7)}
    late = (kpi["submitted"] - kpi["due"]).dt.days
    assert (late.between(1, 5)).mean() > 0.03 and kpi["submitted"].isna().mean() > 0.02
    assert late.max() <= 5 and late.min() >= -3
    for criterion in REVIEWED_CRITERIA:
        applies = kpi["item"].isin([i for i, c in KPI_CRITERIA.items() if criterion in c])
        assert kpi.loc[~applies, criterion].isna().all()
        scored = kpi.loc[applies & kpi["submitted"].notna(), criterion]
        assert scored.notna().all() and scored.between(0, 100).all()
        assert kpi.loc[kpi["submitted"].isna(), criterion].isna().all()


def test_kpi_due_dates_worked_example() -> None:
    dues = kpi_due_dates(np.datetime64("2026-06-20"), split_day=5)
    june = dues[dues["month"] == "2026-06"]
    # June 2026: split due on the 5th; Saturdays 6, 13, 20; month-end items not yet due
    assert list(zip(june["item"], june["due"].astype(str), strict=True)) == [
        ("target_split", "2026-06-05"),
        ("relationship_tracking", "2026-06-06"),
        ("relationship_tracking", "2026-06-13"),
        ("relationship_tracking", "2026-06-20"),
    ]
    may = dues[dues["month"] == "2026-05"]
    saturdays = may.loc[may["item"] == "relationship_tracking", "due"].astype(str).tolist()
    assert saturdays == ["2026-05-02", "2026-05-09", "2026-05-16", "2026-05-23", "2026-05-30"]
    assert may.loc[may["item"] == "monthly_summary", "due"].astype(str).tolist() == ["2026-05-31"]
    feb = dues[dues["month"] == "2026-02"]
    assert feb.loc[feb["item"] == "deal_stats", "due"].astype(str).tolist() == ["2026-02-28"]
    assert sorted(set(dues["month"])) == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                          "2026-06"]  # fmt: skip


# ---------------------------------------------------------------- building blocks


def test_at_least_one_gives_every_unit_one_and_the_rest_by_weight() -> None:
    # 31 provinces, 40 dealers: each gets 1, the other 9 follow the weights (core apportionment)
    weights = np.array(list(ref.PROVINCE_WEIGHT.values()))
    counts = at_least_one(40, weights)
    assert counts.sum() == 40 and counts.min() == 1
    assert counts.tolist() == (1 + apportion(9, weights)).tolist()


def test_grouped_cumulative_worked_example() -> None:
    # group 0 weights 1, 3; group 1 weight 2: cumulative shares 0.25, 1.0 | 1.0
    cum = grouped_cumulative(np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0]))
    assert cum.tolist() == [0.25, 1.0, 2.0]
    assert np.searchsorted(cum, 0.2, side="right") == 0
    assert np.searchsorted(cum, 0.3, side="right") == 1
    assert np.searchsorted(cum, 1.99, side="right") == 2


@given(seed=st.integers(0, 1000), groups=st.integers(1, 6))
def test_draw_in_group_stays_in_the_group(seed: int, groups: int) -> None:
    rng = np.random.default_rng(seed)
    group_of = np.sort(rng.integers(0, groups, 30))
    group_of = np.r_[np.arange(groups), group_of]
    group_of.sort()
    cum = grouped_cumulative(group_of, rng.random(len(group_of)) + 0.01)
    wanted = rng.integers(0, groups, 200)
    picked = draw_in_group(rng, cum, wanted)
    assert (group_of[picked] == wanted).all()


def test_owners_worked_example() -> None:
    traits = pd.DataFrame({"dealer_id": ["D1", "D2", "D3", "D4"], "province": ["广东", "广东", "广东", "西藏"]})
    manager, specialist = "regional_manager", "dealer_specialist"
    staff = pd.DataFrame(
        {
            "staff_id": ["S1", "S2", "S3", "S4"],
            "role": [manager, manager, manager, specialist],
            "province": ["广东", "广东", "西藏", "广东"],
            "dealer_id": [None, None, None, "D2"],
        }
    )
    # D2 has its own specialist; the other dealers of 广东 take turns between its two managers
    assert owners(staff, traits).tolist() == ["S1", "S4", "S1", "S3"]


def test_open_shares_worked_example() -> None:
    opened = np.array(["2023-01-01", "2024-07-01", "2025-12-31"], dtype="datetime64[D]")
    shares = open_shares(opened, np.array([2023, 2024, 2025]))
    # 2024-07-01 .. 2024-12-31 is 184 of 366 days; 2025-12-31 is 1 of 365
    np.testing.assert_allclose(shares, [[1, 0, 0], [1, 184 / 366, 0], [1, 1, 1 / 365]])


def test_units_by_year_and_mean_order_units_worked_example() -> None:
    traits = pd.DataFrame({"dealer_id": ["D1", "D2"]})
    products = pd.DataFrame({"product_id": ["P1", "P2"], "line_idx": [0, 2]})
    sales = pd.DataFrame({"date": pd.to_datetime(["2023-05-01", "2024-01-02", "2024-03-03", "2024-12-31"]),
                          "dealer_id": ["D2", "D1", "D1", "D2"], "product_id": ["P2", "P1", "P1", "P1"],
                          "units": [7, 1, 2, 40]})  # fmt: skip
    actual = units_by_year(traits, products, sales, np.array([2023, 2024]))
    assert actual[0].tolist() == [[0, 0, 0], [0, 0, 7]]
    assert actual[1].tolist() == [[3, 0, 0], [40, 0, 0]]
    # command: 43 units over 3 orders; work: no orders (2.5); conversion: 7 over 1
    np.testing.assert_allclose(mean_order_units(products, sales), [43 / 3, 2.5, 7.0])


def test_season_has_the_festival_dip_in_the_right_month() -> None:
    months = np.arange(np.datetime64("2023-01"), np.datetime64("2027-01"), dtype="datetime64[M]")
    factors = season(months)
    by_month = {str(m): f for m, f in zip(months, factors, strict=True)}
    np.testing.assert_allclose(by_month["2024-02"], 0.65 * by_month["2024-01"])
    np.testing.assert_allclose(by_month["2026-02"], 0.65 * by_month["2026-01"])
    np.testing.assert_allclose(by_month["2023-01"], 0.65 * by_month["2024-01"])
    np.testing.assert_allclose(by_month["2025-02"], [1.05, 1.05, 1.05])
    for year in range(2023, 2027):
        assert (by_month[f"{year}-12"] >= factors.max(axis=0) - 1e-12).all()


def test_day_weights_sum_to_one_per_month() -> None:
    all_days = np.arange(np.datetime64("2024-01-01"), np.datetime64("2025-01-01"), dtype="datetime64[D]")
    w = day_weights(all_days)
    per_month = pd.Series(w).groupby(all_days.astype("datetime64[M]")).sum()
    np.testing.assert_allclose(per_month.to_numpy(), 1.0)
    # 2024-06-03 was a Monday, 2024-06-09 a Sunday
    by_day = dict(zip(all_days.astype(str), w, strict=True))
    np.testing.assert_allclose(by_day["2024-06-09"] / by_day["2024-06-03"], 0.3)
    assert by_day["2024-10-02"] < 0.5 * by_day["2024-10-09"]  # golden week, both Wednesdays


@given(seed=st.integers(0, 10_000))
def test_truncated_pareto_stays_in_bounds_and_has_a_tail(seed: int) -> None:
    x = truncated_pareto(np.random.default_rng(seed), 2000, low=10, high=80, alpha=1.2)
    assert x.min() >= 10 and x.max() <= 80
    assert (x < 20).mean() > 0.4 and (x >= 40).any()


@given(seed=st.integers(0, 10_000), rows=st.integers(0, 50))
def test_distinct_picks_are_distinct_and_counted(seed: int, rows: int) -> None:
    row, option = distinct_picks(np.random.default_rng(seed), rows, 21, 3, 6)
    per_row = pd.Series(option).groupby(row)
    assert len(set(row)) == rows
    assert per_row.size().between(3, 6).all() and (per_row.nunique() == per_row.size()).all()


# ---------------------------------------------------------------- scales


def test_scale_specs_match_the_design() -> None:
    national = SCALES["national"]
    assert (national.dealers, sum(national.products), national.leads, national.staff) == (2000, 40, 200_000, 400)
    assert national.orders == 1_000_000
    demo = SCALES["demo"]
    assert (demo.dealers, sum(demo.products)) == (300, 12) and demo.orders <= 300_000
    assert SCALES["small"].dealers == 40 and sum(SCALES["small"].products) == 6


def test_demo_scale_counts(demo: Tables) -> None:
    assert len(demo.org) == 300 and len(demo.products) == 12
    assert 120_000 < len(demo.sales) < 200_000
    assert len(demo.staff) == SCALES["demo"].staff
    assert contract_problems(demo, UNTIL) == []


@pytest.mark.slow
def test_national_scale_counts() -> None:
    national = sample_tables("national")
    assert len(national.org) == 2000 and len(national.products) == 40
    assert 900_000 < len(national.sales) < 1_100_000
    assert len(national.leads) == 200_000 and len(national.staff) == 400
    # factors for 20 % of the open leads (3-6 each), contacts for 80 % (3.25 roles each on average)
    assert len(national.lead_factors) < 150_000 and len(national.lead_contacts) < 250_000


# ---------------------------------------------------------------- the demo data set cache


def test_demo_data_dir_generates_once_into_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path))
    folder = demo_data_dir()
    assert folder.parent == tmp_path
    assert kaplan.__version__ in folder.name and "demo" in folder.name and "2026-06-20" in folder.name
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in TABLE_NAMES)
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folder left
    assert folder.stat().st_mode & 0o777 == 0o755
    stamp = (folder / "sales.csv").stat().st_mtime_ns
    assert demo_data_dir() == folder
    assert (folder / "sales.csv").stat().st_mtime_ns == stamp


def test_demo_data_dir_survives_a_concurrent_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path))
    real = sample.write_sample

    def racing(out: Path, **options: object) -> Path:
        real(out, scale="small")
        other = tmp_path / sample.demo_folder_name()  # another process finishes first
        other.mkdir()
        (other / "org.csv").write_text("theirs", encoding="utf-8")
        return out

    monkeypatch.setattr(sample, "write_sample", racing)
    folder = demo_data_dir()
    assert (folder / "org.csv").read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]


def test_demo_data_dir_leaves_nothing_when_generation_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path))

    def broken(out: Path, **options: object) -> Path:
        (Path(out) / "org.csv").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(sample, "write_sample", broken)
    with pytest.raises(KeyboardInterrupt):
        demo_data_dir()
    assert list(tmp_path.iterdir()) == []


def test_abandoned_temporary_folders_are_swept(tmp_path: Path) -> None:
    import os
    import time

    old = tmp_path / ".sample-x.abc"
    fresh = tmp_path / ".sample-x.def"
    keep = tmp_path / "sample-0.1.0-demo"
    for folder in (old, fresh, keep):
        folder.mkdir()
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(keep, (hours_ago, hours_ago))
    sample.sweep_abandoned(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sample-x.def", "sample-0.1.0-demo"]


def test_demo_folder_name_changes_with_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    name = sample.demo_folder_name()
    assert name.endswith(f"-g{sample.generator_fingerprint()}")
    monkeypatch.setattr(sample, "GENERATOR_MODULES", ("kaplan.sample.write",))
    assert sample.demo_folder_name() != name


def test_cache_root_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAPLAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert sample.cache_root() == tmp_path / "xdg" / "kaplan"
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "own"))
    assert sample.cache_root() == tmp_path / "own"
    monkeypatch.delenv("KAPLAN_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert sample.cache_root() == tmp_path / "home" / ".cache" / "kaplan"
