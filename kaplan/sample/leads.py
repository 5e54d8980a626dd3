"""The synthetic pipeline and assessment behind ``kaplan sample``: leads, their scorecards and
contacts, and staff KPI submissions. Vectorised over rows; ``until`` is the data set's "today".

**Leads.** ``reported_on``: 55 % uniform over 2023-01-01 .. until, 45 % in the last 180 days, never
before the dealer opened (dealers opening after ``until`` have no leads). The dealer is drawn by size,
the owner is the dealer's specialist (else its province's regional manager), the line by the dealer's
line mix, the customer from the dealer's province and the product as for orders
(:mod:`kaplan.sample.world`: customer weight x line affinity, product popularity x industry fit).
Class: ``tender`` for 75 % of tender buyers' leads and 15 % of the others, else ``one_time`` (25 %) or
``direct``. Age ``a`` = until - reported_on in days; a lead is closed (won 45 % / lost 55 %) with
p = clip(a / 300, 0.05, 0.92); an open lead's stage index is clip(round(a / 60 + N(1.2, 1.3)), 0, 5),
and a non-tender lead stops at ``commit``. Units: small 1-3 / medium 4-9 / tender 10-80 with
p = 0.35/0.35/0.30 (tender class), 0.60/0.30/0.10 (direct), 0.80/0.18/0.02 (one-time). Budget =
units x list price x U(0.9, 1.1), rounded to 1,000 CNY, blank for 12 %. Dates:

- closed: ``last_tracked`` = close day = reported_on + U{20..200} (not after until),
  ``expected_close`` = close day - U{0..30} (not before reported_on);
- open: ``last_tracked`` = until - U{0..6} for 70 %, until - U{8..120} (stale) for 30 %, not before
  reported_on; ``expected_close`` = until + 1 + Gamma(2, 40) days for 88 %, overdue
  (until - U{1..60}, not before reported_on) for 12 %.

The first rows are set so every stage, class and source occurs even in a tiny data set.

**Won leads become sales orders** (:func:`wins_from_orders`): each won lead takes over one distinct
order of at least ``WIN_MIN_UNITS`` (10) units dated 20 days or more after 2023-01-01, drawn uniformly
among them (as many as there are won leads or such orders): the lead gets that order's dealer (and its
owner), customer, product and units; its close day (``last_tracked``) is the order's date,
``expected_close`` = close day + U{-5..5}, ``reported_on`` = close day - U{20..200} (not before
2023-01-01 nor the dealer's opening), and its budget and note are drawn again for the new units and
product. So the big (tender) orders of the sales table are partly announced by the pipeline, as in a
real business; the other won leads (more won leads than big orders) keep their draws.

**Factors** for 20 % of the open leads: 3-6 distinct scorecard factors with scores
clip(round(q + N(0, 0.9)), 1, 5), q ~ N(3, 0.8) per lead. **Contacts** for ``CONTACT_SHARE`` (80 %)
of the open leads: each decision role named with its own probability (``ROLE_P``: decision maker 0.75,
evaluator 0.70, user department 0.80, finance 0.60, operator 0.40; the user department when none
is drawn), one contact per role, named surname + title (王局长), attitude support/neutral/oppose
with p 0.45/0.40/0.15 shifted by (q - 3) x 0.1 towards support (q of the lead's factors, or N(3, 0.8)).

**KPI submissions** for every staff member in the six months before until's month and in until's
month, rows due after ``until`` left out: target_split due on day ``split_deadline_day``; deal_stats,
lead_reports and monthly_summary due at month end; relationship_tracking due every Saturday. Per
person p_missing ~ Beta(1, 15), p_late ~ Beta(2, 14); a row is missing (blank submitted) with
p_missing, late by U{1..5} days with p_late, else on time (U{0..3} days early, not before the month's
first day); a late submission after ``until`` is still blank. Submitted rows get reviewer scores
clip(round(N(mu, 8)), 40, 100), mu ~ N(82, 6) per person, in the reviewed criteria of their item;
every other criterion column is blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaplan.core.schema import (
    DECISION_ROLES,
    FACTORS,
    KPI_CRITERIA,
    KPI_ITEMS,
    LEAD_CLASSES,
    LINES,
    OPEN_STAGES,
    REVIEWED_CRITERIA,
    SOURCES,
    STAGES,
)
from kaplan.sample import reference as ref
from kaplan.sample.world import (
    START,
    customer_sampler,
    ids,
    industry_index,
    pick,
    product_sampler,
    truncated_pareto,
)

SOURCE_P = np.array([0.25, 0.12, 0.18, 0.10, 0.08, 0.10, 0.17])
FACTOR_SHARE = 0.20
CONTACT_SHARE = 0.80
# probability that an open lead with contacts names someone in each role, in DECISION_ROLES order
ROLE_P = np.array([0.75, 0.70, 0.80, 0.60, 0.40])
WIN_MIN_UNITS = 10


def _clip_days(values: np.ndarray, low: np.ndarray, high: np.ndarray | np.datetime64) -> np.ndarray:
    return np.minimum(np.maximum(values, low), high)


def reported_dates(rng: np.random.Generator, opened: np.ndarray, until: np.datetime64) -> np.ndarray:
    """45 % in the last 180 days, the rest uniform since START; never before the dealer opened."""
    n = len(opened)
    span = int((until - START).astype(int)) + 1
    recent = rng.random(n) < 0.45
    offset = np.where(recent, span - 1 - rng.integers(0, min(180, span), n), rng.integers(0, span, n))
    return _clip_days(START + offset, opened, until)


def classes_and_stages(rng: np.random.Generator, tender_buyer: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, ...]:
    """(lead_class, stage, source) per lead, every code present (module docstring)."""
    n = len(age)
    lead_class = np.where(rng.random(n) < np.where(tender_buyer, 0.75, 0.15), "tender",
                          np.where(rng.random(n) < 0.25, "one_time", "direct")).astype(object)  # fmt: skip
    closed = rng.random(n) < np.clip(age / 300, 0.05, 0.92)
    won = rng.random(n) < 0.45
    open_idx = np.clip(np.rint(age / 60 + rng.normal(1.2, 1.3, n)), 0, 5).astype(np.int64)
    open_idx = np.where(lead_class == "tender", open_idx, np.minimum(open_idx, OPEN_STAGES.index("commit")))
    stage = np.where(closed, np.where(won, "won", "lost"), np.array(OPEN_STAGES, dtype=object)[open_idx])
    source = np.array(SOURCES, dtype=object)[rng.choice(len(SOURCES), n, p=SOURCE_P)]
    stage, lead_class, source = _cover_codes(stage.astype(object), lead_class, source)
    return lead_class, stage, source


def budgets(rng: np.random.Generator, units: np.ndarray, price: np.ndarray) -> np.ndarray:
    """units x list price x U(0.9, 1.1), rounded to 1,000 CNY; blank (NaN) for 12 %."""
    budget = np.round(units * price * rng.uniform(0.9, 1.1, len(units)), -3)
    budget[rng.random(len(units)) < 0.12] = np.nan
    return budget


def tracking_dates(
    rng: np.random.Generator, reported: np.ndarray, closed: np.ndarray, until: np.datetime64
) -> tuple[np.ndarray, np.ndarray]:
    """(last_tracked, expected_close) per lead (module docstring)."""
    n = len(reported)
    close_day = _clip_days(reported + rng.integers(20, 201, n), reported, until)
    fresh = rng.random(n) < 0.70
    tracked_open = np.where(fresh, until - rng.integers(0, 7, n), until - rng.integers(8, 121, n))
    last_tracked = np.where(closed, close_day, _clip_days(tracked_open, reported, until))
    overdue = rng.random(n) < 0.12
    ahead = until + 1 + np.rint(rng.gamma(2.0, 40.0, n)).astype(np.int64)
    open_close = np.where(overdue, np.maximum(until - rng.integers(1, 61, n), reported), ahead)
    expected_close = np.where(closed, np.maximum(close_day - rng.integers(0, 31, n), reported), open_close)
    return last_tracked.astype("datetime64[D]"), expected_close.astype("datetime64[D]")


def leads(
    rng: np.random.Generator,
    n: int,
    traits: pd.DataFrame,
    owner_ids: np.ndarray,
    product_frame: pd.DataFrame,
    customer_frame: pd.DataFrame,
    until: np.datetime64,
) -> pd.DataFrame:
    """The lead registry (module docstring)."""
    opened_all = traits["opened"].to_numpy().astype("datetime64[D]")
    open_dealers = np.flatnonzero(opened_all <= until)
    share = traits["share"].to_numpy()[open_dealers]
    dealer = open_dealers[rng.choice(len(open_dealers), n, p=share / share.sum())]
    reported = reported_dates(rng, opened_all[dealer], until)

    province = traits["province_idx"].to_numpy()[dealer]
    mix = traits[[f"mix_{line}" for line in LINES]].to_numpy()[dealer]
    line = (rng.random(n)[:, None] > np.cumsum(mix, axis=1)[:, :-1]).sum(axis=1)
    customer = customer_sampler(customer_frame, product_frame).draw(rng, province * len(LINES) + line)
    industry = industry_index(customer_frame)[customer]
    product = product_sampler(product_frame).draw(rng, industry * len(LINES) + line)
    tender_buyer = customer_frame["purchase_method"].to_numpy()[customer] == "tender"
    lead_class, stage, source = classes_and_stages(rng, tender_buyer, (until - reported).astype(int))
    units = lead_units(rng, lead_class)
    budget = budgets(rng, units, product_frame["price"].to_numpy()[product])
    last_tracked, expected_close = tracking_dates(rng, reported, np.isin(stage, ("won", "lost")), until)
    frame = pd.DataFrame(
        {
            "lead_id": ids("L", n, 6),
            "reported_on": reported.astype("datetime64[ns]"),
            "dealer_id": traits["dealer_id"].to_numpy()[dealer],
            "owner_id": owner_ids[dealer],
            "customer_id": customer_frame["customer_id"].to_numpy()[customer],
            "lead_class": lead_class,
            "source": source,
            "stage": stage,
            "product_id": product_frame["product_id"].to_numpy()[product],
            "units": units,
            "budget": budget,
            "expected_close": expected_close.astype("datetime64[ns]"),
            "last_tracked": last_tracked.astype("datetime64[ns]"),
        }
    )
    frame["notes"] = lead_notes(rng, frame, customer_frame["industry"].to_numpy()[customer],
                                product_frame["product_name"].to_numpy()[product])  # fmt: skip
    return frame


def _cover_codes(
    stage: np.ndarray, lead_class: np.ndarray, source: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Set the first rows so every stage, class and source occurs (a tender-stage lead is a tender)."""
    k = min(len(stage), len(STAGES))
    stage, lead_class, source = stage.copy(), lead_class.copy(), source.copy()
    stage[:k] = STAGES[:k]
    lead_class[:k] = [LEAD_CLASSES[j % len(LEAD_CLASSES)] for j in range(k)]
    lead_class[:k][stage[:k] == "tender"] = "tender"
    j = min(len(source), len(SOURCES))
    source[:j] = SOURCES[:j]
    return stage, lead_class, source


def lead_units(rng: np.random.Generator, lead_class: np.ndarray) -> np.ndarray:
    n = len(lead_class)
    p_big = np.select([lead_class == "tender", lead_class == "direct"], [0.30, 0.10], 0.02)
    p_mid = np.select([lead_class == "tender", lead_class == "direct"], [0.35, 0.30], 0.18)
    u = rng.random(n)
    small = rng.integers(1, 4, n)
    mid = rng.integers(4, 10, n)
    big = truncated_pareto(rng, n, low=10, high=80, alpha=1.2)
    return np.where(u < p_big, big, np.where(u < p_big + p_mid, mid, small)).astype(np.int64)


def lead_notes(rng: np.random.Generator, frame: pd.DataFrame, industry: np.ndarray, product: np.ndarray) -> np.ndarray:
    """Chinese free text: who the customer is, what they plan to buy and where the lead stands."""
    n = len(frame)
    choice = rng.integers(0, 2, n)
    note = np.array([ref.STAGE_NOTES[s][c] for s, c in zip(frame["stage"], choice, strict=True)], dtype=object)
    industry_name = np.array([ref.INDUSTRY_NAMES[i] for i in industry], dtype=object)
    units = frame["units"].astype(str).to_numpy(dtype=object)
    text = industry_name + "客户，计划采购" + units + "台" + product + "；" + note
    return np.where(rng.random(n) < 0.10, None, text)


def _subset(rng: np.random.Generator, lead_frame: pd.DataFrame) -> np.ndarray:
    """Indices of the open leads that carry a scorecard and contacts (FACTOR_SHARE of the open ones)."""
    open_rows = np.flatnonzero(lead_frame["stage"].isin(OPEN_STAGES).to_numpy())
    k = round(FACTOR_SHARE * len(open_rows))
    return np.sort(rng.choice(open_rows, k, replace=False)) if k else open_rows[:0]


def distinct_picks(rng: np.random.Generator, rows: int, options: int, low: int, high: int) -> tuple[np.ndarray, ...]:
    """For each of ``rows`` rows, between ``low`` and ``high`` distinct option indices, in option
    order: (row index, option index) of every pick."""
    ranks = np.argsort(rng.random((rows, options)), axis=1)
    count = rng.integers(low, high + 1, rows)
    chosen = np.zeros((rows, options), dtype=bool)
    np.put_along_axis(chosen, ranks, np.arange(options)[None, :] < count[:, None], axis=1)
    return np.nonzero(chosen)


def scorecards(rng: np.random.Generator, lead_frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lead_factors, lead_contacts): factors for a subset of the open leads, contacts for most (module docstring)."""
    subset = _subset(rng, lead_frame)
    lead_ids = lead_frame["lead_id"].to_numpy()[subset]
    quality = rng.normal(3.0, 0.8, len(subset))
    row, factor = distinct_picks(rng, len(subset), len(FACTORS), 3, 6)
    scores = np.clip(np.rint(quality[row] + rng.normal(0.0, 0.9, len(row))), 1, 5).astype(np.int64)
    factors = pd.DataFrame(
        {"lead_id": lead_ids[row], "factor": np.array(FACTORS, dtype=object)[factor], "score": scores}
    )
    return factors, contacts(rng, lead_frame, pd.Series(quality, index=lead_ids))


def contacts(rng: np.random.Generator, lead_frame: pd.DataFrame, quality: pd.Series) -> pd.DataFrame:
    """Named decision-role contacts for CONTACT_SHARE of the open leads, roles with realistic gaps."""
    open_rows = np.flatnonzero(lead_frame["stage"].isin(OPEN_STAGES).to_numpy())
    chosen = np.sort(rng.choice(open_rows, round(CONTACT_SHARE * len(open_rows)), replace=False))
    lead_ids = lead_frame["lead_id"].to_numpy()[chosen]
    named = rng.random((len(chosen), len(DECISION_ROLES))) < ROLE_P[None, :]
    named[~named.any(axis=1), DECISION_ROLES.index("user_department")] = True
    row, role = np.nonzero(named)
    q = quality.reindex(lead_ids).to_numpy()
    q = np.where(np.isnan(q), rng.normal(3.0, 0.8, len(chosen)), q)
    roles = np.array(DECISION_ROLES, dtype=object)[role]
    titles = np.array([ref.CONTACT_TITLES[r][k % len(ref.CONTACT_TITLES[r])] for r, k in
                       zip(roles, rng.integers(0, 5, len(row)), strict=True)], dtype=object)  # fmt: skip
    names = pick(rng, ref.SURNAMES, len(row)) + titles
    p_support = np.clip(0.45 + (q[row] - 3.0) * 0.1, 0.05, 0.9)
    u = rng.random(len(row))
    attitude = np.where(u < p_support, "support", np.where(u < p_support + 0.40, "neutral", "oppose"))
    return pd.DataFrame({"lead_id": lead_ids[row], "role": roles, "name": names, "attitude": attitude.astype(object)})


def wins_from_orders(
    rng: np.random.Generator,
    lead_frame: pd.DataFrame,
    sales_frame: pd.DataFrame,
    traits: pd.DataFrame,
    owner_ids: np.ndarray,
    product_frame: pd.DataFrame,
    customer_frame: pd.DataFrame,
) -> pd.DataFrame:
    """A copy of ``lead_frame`` whose won leads became big sales orders (module docstring)."""
    out = lead_frame.copy()
    dates = sales_frame["date"].to_numpy().astype("datetime64[D]")
    big = np.flatnonzero((sales_frame["units"].to_numpy() >= WIN_MIN_UNITS) & (dates >= START + 20))
    won = np.flatnonzero(out["stage"].to_numpy() == "won")
    k = min(len(won), len(big))
    rows, orders = won[:k], rng.choice(big, k, replace=False)
    order = sales_frame.iloc[orders]
    dealer = pd.Index(traits["dealer_id"]).get_indexer(order["dealer_id"])
    close = dates[orders]
    opened = np.maximum(traits["opened"].to_numpy().astype("datetime64[D]")[dealer], START)
    reported = np.maximum(close - rng.integers(20, 201, k), opened)
    expected = np.maximum(close + rng.integers(-5, 6, k), reported)
    product = pd.Index(product_frame["product_id"]).get_indexer(order["product_id"])
    customer = pd.Index(customer_frame["customer_id"]).get_indexer(order["customer_id"])
    units = order["units"].to_numpy(dtype=np.int64)
    columns = {
        "reported_on": reported.astype("datetime64[ns]"),
        "dealer_id": order["dealer_id"].to_numpy(),
        "owner_id": owner_ids[dealer],
        "customer_id": order["customer_id"].to_numpy(),
        "product_id": order["product_id"].to_numpy(),
        "units": units,
        "budget": budgets(rng, units, product_frame["price"].to_numpy()[product]),
        "expected_close": expected.astype("datetime64[ns]"),
        "last_tracked": close.astype("datetime64[ns]"),
    }
    for name, values in columns.items():
        out.iloc[rows, out.columns.get_loc(name)] = values
    changed = out.iloc[rows]
    out.iloc[rows, out.columns.get_loc("notes")] = lead_notes(
        rng, changed, customer_frame["industry"].to_numpy()[customer], product_frame["product_name"].to_numpy()[product]
    )
    return out


def kpi_due_dates(until: np.datetime64, split_day: int) -> pd.DataFrame:
    """month, item, due of every KPI row owed by one person (module docstring)."""
    this_month = until.astype("datetime64[M]")
    month_starts = np.arange(this_month - 6, this_month + 1, dtype="datetime64[M]")
    rows = []
    for start in month_starts:
        first = start.astype("datetime64[D]")
        last = (start + 1).astype("datetime64[D]") - 1
        all_days = np.arange(first, last + 1, dtype="datetime64[D]")
        saturdays = all_days[(all_days.astype(int) + 3) % 7 == 5]
        due = {
            "target_split": [min(first + split_day - 1, last)],
            "deal_stats": [last],
            "lead_reports": [last],
            "relationship_tracking": list(saturdays),
            "monthly_summary": [last],
        }
        rows += [(str(start), item, day) for item in KPI_ITEMS for day in due[item]]
    frame = pd.DataFrame(rows, columns=["month", "item", "due"])
    return frame[frame["due"].to_numpy().astype("datetime64[D]") <= until].reset_index(drop=True)


def kpi_submissions(
    rng: np.random.Generator, staff_frame: pd.DataFrame, until: np.datetime64, split_day: int
) -> pd.DataFrame:
    """Every staff member's KPI rows with submitted dates and reviewer scores (module docstring)."""
    dues = kpi_due_dates(until, split_day)
    people = len(staff_frame)
    p_missing = rng.beta(1, 15, people)
    p_late = rng.beta(2, 14, people)
    mu = rng.normal(82, 6, people)
    person = np.repeat(np.arange(people), len(dues))
    row = np.tile(np.arange(len(dues)), people)
    n = len(person)
    due = dues["due"].to_numpy().astype("datetime64[D]")[row]
    month_first = dues["month"].to_numpy().astype("datetime64[M]")[row].astype("datetime64[D]")
    u = rng.random(n)
    late = due + rng.integers(1, 6, n)
    early = np.maximum(due - rng.integers(0, 4, n), month_first)
    submitted = np.where(u < p_missing[person] + p_late[person], late, early)
    missing = (u < p_missing[person]) | (submitted > until)
    frame = pd.DataFrame(
        {
            "staff_id": staff_frame["staff_id"].to_numpy()[person],
            "month": dues["month"].to_numpy()[row],
            "item": dues["item"].to_numpy()[row],
            "due": due.astype("datetime64[ns]"),
            "submitted": pd.Series(submitted.astype("datetime64[ns]")).where(~missing).to_numpy(),
        }
    )
    items = frame["item"].to_numpy()
    for criterion in REVIEWED_CRITERIA:
        applies = np.isin(items, [i for i, names in KPI_CRITERIA.items() if criterion in names]) & ~missing
        score = np.clip(np.rint(rng.normal(mu[person], 8.0)), 40, 100)
        frame[criterion] = np.where(applies, score, np.nan)
    return frame
