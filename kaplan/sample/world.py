"""The synthetic business behind ``kaplan sample``: dealers, staff, products, customers, sales, targets.

Everything is drawn from one numpy ``Generator`` per table (see :func:`kaplan.sample.write.sample_tables`),
vectorised over months x dealers x lines, never a loop per order.

**Dealers.** ``n`` dealers over the 31 provinces: every province gets 1, the other ``n - 31`` are
apportioned by :data:`kaplan.sample.reference.PROVINCE_WEIGHT` (largest remainder). Each dealer has a size
``share_i`` (lognormal, sigma 0.9, normalised to sum 1), an own yearly growth ``g_i ~ N(0.02, 0.05)``,
a line mix ``mix_i`` (Dirichlet around command/work/conversion = 0.5/0.3/0.2; a quarter of the dealers
sell no conversion vehicles at all) and an opening date: most were open before 2023-01-01, about 10 %
open later (uniformly up to ``until``), and the last of those opens after ``until`` (no history yet).

**Orders.** Expected orders of dealer i, line l in month m (dealer open the whole month)::

    lambda(m, i, l) = R * share_i * mix_il * season(l, m) * 1.03 ** t_m / 1.03 ** 1.75
                      * (1 + g_i) ** t_m * noise(region(i), m, l)

with ``R = orders / 41.65`` (the scale's order count over the default 41.65 months), ``t_m`` the years
from 2023-01-01 to the middle of month m, ``noise`` lognormal (sigma 0.06). ``season`` is
:data:`SEASON` (a December government-budget peak, a July-August lull), with the Spring Festival month
(:func:`kaplan.core.calendar.spring_festival`) set to 0.65 x January's factor (-35 %, as CAAM reported for
February 2024) and, when the festival falls in January, February rebounding to 1.05.
The count of a cell is ``Poisson(lambda * mass)``, ``mass`` = the share of the month's day weight on
days the dealer is open and not after ``until``. Day weights: weekdays 1 (Friday 1.1), Saturday 0.55,
Sunday 0.3, x0.3 in the October golden week, x0.4 on 1-5 May, x0.15 in the festival's first week;
normalised to sum 1 per calendar month. Each order's date is drawn from its cell's allowed days by
those weights; its customer among the dealer's province's customers by customer weight (lognormal,
sigma 1, x1.5 for tender buyers) x the industry's affinity to the line (:func:`line_affinity`); its
product within the line by popularity (Zipf, exponent 0.8), a work vehicle made for other industries
(a prison van for a taxi company) weighing 0.01 of that.

**Units per order** (lumpy): a tender buyer's order is a big tender (10-80 units, truncated Pareto
with alpha 1.2) with p 0.09, medium (4-9 uniform) with p 0.18, else small; an agreement buyer's 0.02
and 0.10. Conversion orders are twice as likely to be big. Small orders are 1/2/3 units with
p 0.62/0.25/0.13.

**Annual targets** of year Y for every dealer open by the end of Y, every line::

    base  = units sold in Y-1                            if the dealer was open all of Y-1 (Y-1 >= 2023)
          = E[units in Y] / 1.03 * open share of Y         otherwise (new dealer or first data year)
    units = round(base * U(1.05, 1.20) * lognormal(0, 0.06))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion
from kaplan.core.calendar import festival_month, spring_festival
from kaplan.core.schema import INDUSTRIES, LINES
from kaplan.sample import reference as ref

START = np.datetime64("2023-01-01", "D")
DEFAULT_MONTHS = 41.65  # 2023-01-01 .. 2026-06-20
TREND = 1.03
BASE_MIX = np.array([0.5, 0.3, 0.2])
# monthly factors per line (rows: command, work, conversion), before the Spring Festival dip
SEASON = np.array(
    [
        [1.00, 0.95, 1.10, 0.95, 0.95, 1.05, 0.85, 0.85, 1.00, 0.95, 1.10, 1.55],
        [1.00, 0.95, 1.10, 1.00, 1.00, 1.05, 0.90, 0.90, 1.00, 0.95, 1.10, 1.35],
        [1.00, 0.95, 1.15, 1.05, 1.00, 1.05, 0.90, 0.90, 1.05, 1.00, 1.05, 1.15],
    ]
)
FESTIVAL_DIP = 0.65
OFF_AFFINITY = 0.01  # relative weight of a work vehicle bought outside the industries it is made for
WEEKDAY_WEIGHT = np.array([1.0, 1.0, 1.0, 1.0, 1.1, 0.55, 0.3])  # Monday .. Sunday


@dataclass(frozen=True)
class Scale:
    """Sizes of one sample scale (orders: expected count over 2023-01-01 .. 2026-06-20)."""

    dealers: int
    products: tuple[int, int, int]  # per line: command, work, conversion
    orders: int
    customers: int
    leads: int
    staff: int


SCALES: dict[str, Scale] = {
    "small": Scale(dealers=40, products=(2, 2, 2), orders=20_000, customers=1_200, leads=2_000, staff=60),
    "demo": Scale(dealers=300, products=(5, 4, 3), orders=150_000, customers=8_000, leads=15_000, staff=150),
    "national": Scale(
        dealers=2_000, products=(16, 14, 10), orders=1_000_000, customers=40_000, leads=200_000, staff=400
    ),
}


# ---------------------------------------------------------------- small helpers


def at_least_one(total: int, weights: np.ndarray) -> np.ndarray:
    """Counts per weight, each >= 1, summing to ``total`` (needs ``total >= len(weights)``)."""
    return 1 + apportion(total - len(weights), weights)


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + 1-based zero-padded numbers, e.g. D0001."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Chinese personal names: a surname and one or two given-name characters."""
    surname = np.array(ref.SURNAMES, dtype=object)[rng.integers(0, len(ref.SURNAMES), n)]
    chars = np.array(ref.GIVEN_CHARS, dtype=object)
    first = chars[rng.integers(0, len(chars), n)]
    second = np.where(rng.random(n) < 0.6, chars[rng.integers(0, len(chars), n)], "")
    return surname + first + second


def pick(rng: np.random.Generator, options: tuple[str, ...] | np.ndarray, n: int) -> np.ndarray:
    values = np.asarray(options, dtype=object)
    return values[rng.integers(0, len(values), n)]


def grouped_cumulative(groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``g + cumulative share within group g`` for rows sorted by group (each group ends at g + 1).

    ``searchsorted(result, g + u, side="right")`` with ``u ~ U[0, 1)`` then draws a row of group g
    with probability proportional to its weight.
    """
    totals = np.bincount(groups, weights=weights)
    cum = np.cumsum(weights) - np.concatenate(([0.0], np.cumsum(totals)))[groups]
    share = np.minimum(cum / totals[groups], 1.0)
    last = np.r_[groups[1:] != groups[:-1], True]
    share[last] = 1.0
    return groups + share


def draw_in_group(rng: np.random.Generator, cumulative: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Row index drawn within each requested group (see :func:`grouped_cumulative`)."""
    picked = np.searchsorted(cumulative, groups + rng.random(len(groups)), side="right")
    return np.minimum(picked, len(cumulative) - 1)


class Sampler(NamedTuple):
    """Draws an item within a group, by weight: rows sorted by group, each row naming its item."""

    cumulative: np.ndarray  # grouped_cumulative of the rows
    item: np.ndarray  # the item (customer or product index) of each row

    def draw(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        return self.item[draw_in_group(rng, self.cumulative, groups)]


def sampler(groups: np.ndarray, items: np.ndarray, weights: np.ndarray) -> Sampler:
    """A :class:`Sampler` over rows (group, item, weight); every group 0..max must have a row."""
    order = np.argsort(groups, kind="stable")
    return Sampler(grouped_cumulative(groups[order], weights[order]), items[order])


def line_affinity(product_frame: pd.DataFrame) -> np.ndarray:
    """Industry x line weight of buying in that line: 1, or 0.01 for the work line when no work
    product on sale is for the industry, 0.2 for the conversion line outside CONVERSION_INDUSTRIES."""
    names = set(product_frame.loc[product_frame["line"] == "work", "product_name"])
    work_buyers = {i for name, buyers in ref.WORK_PRODUCT_INDUSTRIES.items() if name in names for i in buyers}
    affinity = np.ones((len(INDUSTRIES), len(LINES)))
    affinity[:, 1] = [1.0 if i in work_buyers else OFF_AFFINITY for i in INDUSTRIES]
    affinity[:, 2] = [1.0 if i in ref.CONVERSION_INDUSTRIES else 0.2 for i in INDUSTRIES]
    return affinity


def customer_sampler(customer_frame: pd.DataFrame, product_frame: pd.DataFrame) -> Sampler:
    """Customers by (province, line) group ``province * 3 + line``: weight x line affinity."""
    n = len(customer_frame)
    industry = pd.Index(INDUSTRIES).get_indexer(customer_frame["industry"])
    groups = customer_frame["province_idx"].to_numpy()[:, None] * len(LINES) + np.arange(len(LINES))[None, :]
    weights = customer_frame["weight"].to_numpy()[:, None] * line_affinity(product_frame)[industry]
    items = np.repeat(np.arange(n), len(LINES))
    return sampler(groups.ravel(), items, weights.ravel())


def product_sampler(product_frame: pd.DataFrame) -> Sampler:
    """Products by (industry, line) group ``industry * 3 + line``: popularity, x0.01 for a work
    product meant for other industries (:data:`kaplan.sample.reference.WORK_PRODUCT_INDUSTRIES`)."""
    fit = np.ones((len(INDUSTRIES), len(product_frame)))
    for j, name in enumerate(product_frame["product_name"]):
        buyers = ref.WORK_PRODUCT_INDUSTRIES.get(name)
        if buyers:
            fit[:, j] = [1.0 if i in buyers else OFF_AFFINITY for i in INDUSTRIES]
    weights = fit * product_frame["popularity"].to_numpy()[None, :]
    groups = np.arange(len(INDUSTRIES))[:, None] * len(LINES) + product_frame["line_idx"].to_numpy()[None, :]
    items = np.tile(np.arange(len(product_frame)), len(INDUSTRIES))
    return sampler(groups.ravel(), items, weights.ravel())


def industry_index(customer_frame: pd.DataFrame) -> np.ndarray:
    return pd.Index(INDUSTRIES).get_indexer(customer_frame["industry"])


def days(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    return np.arange(first, last + 1, dtype="datetime64[D]")


# ---------------------------------------------------------------- dealers, products, staff, customers


def dealers(rng: np.random.Generator, n: int, until: np.datetime64) -> pd.DataFrame:
    """Dealer traits: id, name, province, region, share, growth, opened, mix_<line>."""
    provinces = np.array(ref.PROVINCES, dtype=object)
    weights = np.array([ref.PROVINCE_WEIGHT[p] for p in ref.PROVINCES])
    counts = at_least_one(n, weights)
    province_idx = np.repeat(np.arange(len(provinces)), counts)
    rank = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    province = provinces[province_idx]
    city = np.array([ref.CITIES[p][k % len(ref.CITIES[p])] for p, k in zip(province, rank, strict=True)], dtype=object)
    combos = len(ref.TRADE_NAMES) * len(ref.DEALER_SUFFIXES)
    combo = rng.permutation(combos)[rank % combos]
    trade = np.array(ref.TRADE_NAMES, dtype=object)[combo % len(ref.TRADE_NAMES)]
    suffix = np.array(ref.DEALER_SUFFIXES, dtype=object)[combo // len(ref.TRADE_NAMES)]
    size = rng.lognormal(0.0, 0.9, n)
    mix = rng.dirichlet(BASE_MIX * 8, n)
    no_conversion = rng.random(n) < 0.25
    mix[no_conversion, 2] = 0.0
    mix /= mix.sum(axis=1, keepdims=True)
    frame = pd.DataFrame(
        {
            "dealer_id": ids("D", n, 4),
            "dealer_name": np.where(city == province, "", province) + city + trade + suffix,
            "province": province,
            "region": np.array([ref.PROVINCE_REGION[p] for p in province], dtype=object),
            "province_idx": province_idx,
            "share": size / size.sum(),
            "growth": rng.normal(0.02, 0.05, n),
            "opened": openings(rng, n, until),
        }
    )
    for k, line in enumerate(LINES):
        frame[f"mix_{line}"] = mix[:, k]
    return frame


def openings(rng: np.random.Generator, n: int, until: np.datetime64) -> np.ndarray:
    """Opening dates: START for most; ~10 % (at least 2) later, the last one after ``until``."""
    opened = np.full(n, START, dtype="datetime64[D]")
    n_new = max(2, round(0.1 * n))
    new = np.sort(rng.choice(n, n_new, replace=False))
    span = max(int((until - START).astype(int)) - 60, 1)
    opened[new] = START + 60 + rng.integers(0, span, n_new)
    year_end = np.datetime64(f"{until.astype(object).year}-12-31", "D")
    opened[new[-1]] = min(until + 1 + rng.integers(0, 60), year_end)
    return opened


def products(scale: Scale) -> pd.DataFrame:
    """Products per line from the catalogue, most popular first: id, name, line, popularity, price."""
    rows = []
    for line, count in zip(LINES, scale.products, strict=True):
        for rank, (name, price) in enumerate(ref.PRODUCT_CATALOGUE[line][:count]):
            rows.append((name, line, 1.0 / (rank + 1) ** 0.8, float(price)))
    frame = pd.DataFrame(rows, columns=["product_name", "line", "popularity", "price"])
    frame.insert(0, "product_id", ids("P", len(frame), 3))
    frame["line_idx"] = frame["line"].map({line: k for k, line in enumerate(LINES)}).astype(np.int64)
    return frame


def staff(rng: np.random.Generator, traits: pd.DataFrame, total: int) -> pd.DataFrame:
    """1 regional director per region, ceil(dealers / 80) managers per province, specialists at the
    biggest dealers (one each) up to ``total`` people."""
    region_rows = pd.DataFrame({"role": "regional_director", "region": list(ref.REGIONS), "province": None})
    per_province = traits.groupby("province", sort=False).size().reindex(list(ref.PROVINCES)).fillna(0)
    managers = np.ceil(np.maximum(per_province.to_numpy(), 1) / 80).astype(np.int64)
    manager_province = np.repeat(np.array(ref.PROVINCES, dtype=object), managers)
    manager_rows = pd.DataFrame(
        {
            "role": "regional_manager",
            "region": [ref.PROVINCE_REGION[p] for p in manager_province],
            "province": manager_province,
        }
    )
    n_specialists = int(np.clip(total - len(region_rows) - len(manager_rows), 0, len(traits)))
    biggest = np.sort(np.argsort(-traits["share"].to_numpy(), kind="stable")[:n_specialists])
    chosen = traits.iloc[biggest]
    specialist_rows = pd.DataFrame(
        {
            "role": "dealer_specialist",
            "region": chosen["region"].to_numpy(),
            "province": chosen["province"].to_numpy(),
            "dealer_id": chosen["dealer_id"].to_numpy(),
        }
    )
    frame = pd.concat([region_rows, manager_rows, specialist_rows], ignore_index=True)
    frame.insert(0, "staff_id", ids("S", len(frame), 4))
    frame.insert(1, "name", person_names(rng, len(frame)))
    if "dealer_id" not in frame:
        frame["dealer_id"] = None
    return frame[["staff_id", "name", "role", "region", "province", "dealer_id"]]


def owners(staff_frame: pd.DataFrame, traits: pd.DataFrame) -> np.ndarray:
    """The staff id answering for each dealer's leads: its specialist, else one of its province's
    managers (the k-th dealer of a province with m managers goes to manager k mod m)."""
    specialist = staff_frame[staff_frame["role"] == "dealer_specialist"].drop_duplicates("dealer_id")
    managers = staff_frame[staff_frame["role"] == "regional_manager"]
    by_dealer = traits["dealer_id"].map(specialist.set_index("dealer_id")["staff_id"])
    rank = traits.groupby("province", sort=False).cumcount()
    turn = rank % traits["province"].map(managers.groupby("province").size())
    numbered = managers.assign(turn=managers.groupby("province").cumcount()).set_index(["province", "turn"])
    keys = pd.MultiIndex.from_arrays([traits["province"], turn])
    by_province = pd.Series(numbered["staff_id"].reindex(keys).to_numpy(), index=traits.index)
    return by_dealer.fillna(by_province).to_numpy(dtype=object)


GOVERNMENT_ENDINGS = ("局", "院", "处", "中心", "站", "委员会", "海关", "支队", "林场")
AREAS = ("", "", "", "高新区", "经开区", "城东区", "城西区", "城南区", "城北区", "新区", "开发区")


def customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Customers by province (each >= 1, by province weight): id, name, industry, segment,
    purchase_method, province_idx, weight. Rows are sorted by province."""
    weights = np.array([ref.PROVINCE_WEIGHT[p] for p in ref.PROVINCES])
    province_idx = np.repeat(np.arange(len(ref.PROVINCES)), at_least_one(n, weights))
    industries = np.array(list(ref.INDUSTRY_WEIGHT), dtype=object)
    iw = np.array(list(ref.INDUSTRY_WEIGHT.values()), dtype=float)
    industry = industries[rng.choice(len(industries), n, p=iw / iw.sum())]
    segment = np.array([ref.INDUSTRY_SEGMENT[i] for i in industry], dtype=object)
    others = np.array(list(ref.SEGMENT_NAMES), dtype=object)
    swap = rng.random(n) < 0.15
    segment[swap] = others[rng.integers(0, len(others), int(swap.sum()))]
    p_tender = np.select([segment == "government", segment == "enterprise"], [0.75, 0.45], 0.35)
    method = np.where(rng.random(n) < p_tender, "tender", "agreement").astype(object)
    weight = rng.lognormal(0.0, 1.0, n) * np.where(method == "tender", 1.5, 1.0)
    frame = pd.DataFrame(
        {
            "customer_id": ids("C", n, 6),
            "customer_name": customer_names(rng, province_idx, industry),
            "industry": industry,
            "segment": segment,
            "purchase_method": method,
            "province_idx": province_idx,
            "weight": weight,
        }
    )
    return frame


def customer_names(rng: np.random.Generator, province_idx: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """Names like 石家庄市公安局 (public bodies) or 苏州华通出租汽车有限公司 (enterprises), unique."""
    n = len(industry)
    provinces = np.array(ref.PROVINCES, dtype=object)[province_idx]
    org = np.array([ref.INDUSTRY_ORGS[i][k % len(ref.INDUSTRY_ORGS[i])] for i, k in
                    zip(industry, rng.integers(0, 6, n), strict=True)], dtype=object)  # fmt: skip
    public = np.array([o.endswith(GOVERNMENT_ENDINGS) for o in org])
    city_choice = rng.integers(0, 4, n)
    city = np.array([ref.CITIES[p][k % len(ref.CITIES[p])] for p, k in zip(provinces, city_choice, strict=True)],
                    dtype=object)  # fmt: skip
    names = np.empty(n, dtype=object)
    todo = np.ones(n, dtype=bool)
    for _ in range(4):  # redraw the area / trade name of duplicates a few times
        k = int(todo.sum())
        area = pick(rng, AREAS, k)
        trade = pick(rng, ref.TRADE_NAMES, k)
        names[todo] = np.where(public[todo], city[todo] + "市" + area + org[todo], city[todo] + trade + org[todo])
        todo = pd.Series(names).duplicated().to_numpy()
        if not todo.any():
            return names
    repeat = pd.Series(names).groupby(names).cumcount().to_numpy()
    return np.where(repeat > 0, names + "（" + (repeat + 1).astype(str).astype(object) + "）", names)


# ---------------------------------------------------------------- time: months, days, seasonality


def months(until: np.datetime64) -> np.ndarray:
    """Month starts from 2023-01 through December of ``until``'s year."""
    year = until.astype(object).year
    return np.arange(np.datetime64("2023-01"), np.datetime64(f"{year + 1}-01"), dtype="datetime64[M]")


def season(month_starts: np.ndarray) -> np.ndarray:
    """Seasonal factor per month x line, the Spring Festival dip included."""
    years = month_starts.astype("datetime64[Y]").astype(int) + 1970
    month_no = month_starts.astype(int) % 12 + 1
    factors = SEASON[:, month_no - 1].T.copy()
    festival = np.array([festival_month(int(y)) for y in years])
    dip = month_no == festival
    factors[dip] = FESTIVAL_DIP * SEASON[:, 0]
    rebound = (festival == 1) & (month_no == 2)
    factors[rebound] = 1.05
    return factors


def years_since_start(month_starts: np.ndarray) -> np.ndarray:
    """Years from 2023-01-01 to the middle of each month."""
    return (np.arange(len(month_starts)) + (month_starts[0] - np.datetime64("2023-01")).astype(int) + 0.5) / 12


def day_weights(all_days: np.ndarray) -> np.ndarray:
    """Relative sales weight of each day, normalised to sum 1 within each calendar month
    (``all_days`` must cover whole months)."""
    weekday = (all_days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    w = WEEKDAY_WEIGHT[weekday].copy()
    month_day = (all_days - all_days.astype("datetime64[M]")).astype(int) + 1
    month_no = all_days.astype("datetime64[M]").astype(int) % 12 + 1
    w[(month_no == 10) & (month_day <= 7)] *= 0.3
    w[(month_no == 5) & (month_day <= 5)] *= 0.4
    years = all_days.astype("datetime64[Y]").astype(int) + 1970
    for year in range(int(years.min()), int(years.max()) + 1):
        first = np.datetime64(spring_festival(year).date(), "D")
        w[(all_days >= first) & (all_days < first + 7)] *= 0.15
    month_idx = (all_days.astype("datetime64[M]") - all_days[0].astype("datetime64[M]")).astype(int)
    return w / np.bincount(month_idx, weights=w)[month_idx]


def intensity(rng: np.random.Generator, traits: pd.DataFrame, scale: Scale, month_starts: np.ndarray) -> np.ndarray:
    """Expected orders per month x dealer x line for a dealer open the whole month (module docstring)."""
    t = years_since_start(month_starts)
    rate = scale.orders / DEFAULT_MONTHS * TREND ** (t - 1.75)
    mix = traits[[f"mix_{line}" for line in LINES]].to_numpy()
    dealer = traits["share"].to_numpy()[None, :] * (1 + traits["growth"].to_numpy()[None, :]) ** t[:, None]
    region_codes, region_idx = np.unique(traits["region"].to_numpy(dtype=str), return_inverse=True)
    noise = rng.lognormal(0.0, 0.06, (len(month_starts), len(region_codes), len(LINES)))
    return (rate[:, None, None] * dealer[:, :, None] * mix[None, :, :] * season(month_starts)[:, None, :]
            * noise[:, region_idx, :])  # fmt: skip


# ---------------------------------------------------------------- sales


def open_mass(
    traits: pd.DataFrame, month_starts: np.ndarray, until: np.datetime64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per month x dealer: first and last allowed day index, and the share of the month's day
    weight on allowed days (open and not after ``until``); plus the cumulative day weights."""
    all_days = days(START, (month_starts[-1] + 1).astype("datetime64[D]") - 1)
    w = day_weights(all_days)
    cum = np.cumsum(w)
    first = (month_starts.astype("datetime64[D]") - START).astype(np.int64)
    last = np.r_[first[1:] - 1, len(all_days) - 1]
    opened = (traits["opened"].to_numpy().astype("datetime64[D]") - START).astype(np.int64)
    lo = np.maximum(first[:, None], opened[None, :])
    hi = np.minimum(last, int((until - START).astype(int)))[:, None] + np.zeros_like(lo)
    ok = lo <= hi
    lo_c, hi_c = np.minimum(lo, len(cum) - 1), np.clip(hi, 0, len(cum) - 1)
    mass = np.where(ok, cum[hi_c] - (cum[lo_c] - w[lo_c]), 0.0)
    return lo_c, hi_c, np.clip(mass, 0.0, 1.0), cum


def order_units(rng: np.random.Generator, tender_buyer: np.ndarray, conversion: np.ndarray) -> np.ndarray:
    """Lumpy order sizes (module docstring)."""
    n = len(tender_buyer)
    p_big = np.where(tender_buyer, 0.09, 0.02) * np.where(conversion, 2.0, 1.0)
    p_mid = np.where(tender_buyer, 0.18, 0.10)
    u = rng.random(n)
    small = rng.choice(np.array([1, 2, 3]), n, p=[0.62, 0.25, 0.13])
    mid = rng.integers(4, 10, n)
    big = truncated_pareto(rng, n, low=10, high=80, alpha=1.2)
    return np.where(u < p_big, big, np.where(u < p_big + p_mid, mid, small)).astype(np.int64)


def truncated_pareto(rng: np.random.Generator, n: int, low: int, high: int, alpha: float) -> np.ndarray:
    """Integers in [low, high] with a Pareto tail: x = low / (1 - u (1 - (low/high)^alpha))^(1/alpha)."""
    u = rng.random(n)
    x = low / (1 - u * (1 - (low / (high + 1)) ** alpha)) ** (1 / alpha)
    return np.clip(np.floor(x), low, high).astype(np.int64)


def sales(
    rng: np.random.Generator,
    traits: pd.DataFrame,
    product_frame: pd.DataFrame,
    customer_frame: pd.DataFrame,
    expected: np.ndarray,
    month_starts: np.ndarray,
    until: np.datetime64,
) -> pd.DataFrame:
    """Orders: order_id, date, dealer_id, product_id, customer_id, units (module docstring)."""
    lo, hi, mass, cum = open_mass(traits, month_starts, until)
    counts = rng.poisson(expected * mass[:, :, None])
    n_dealers, n_lines = expected.shape[1], expected.shape[2]
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    m, i, line = cell // (n_dealers * n_lines), (cell // n_lines) % n_dealers, cell % n_lines
    lo_o, hi_o = lo[m, i], hi[m, i]
    start_cum = cum[lo_o] - np.diff(np.r_[0.0, cum])[lo_o]
    day = np.searchsorted(cum, start_cum + rng.random(len(cell)) * mass[m, i], side="right")
    day = np.clip(day, lo_o, hi_o)
    province = traits["province_idx"].to_numpy()[i]
    customer = customer_sampler(customer_frame, product_frame).draw(rng, province * len(LINES) + line)
    industry = industry_index(customer_frame)[customer]
    product = product_sampler(product_frame).draw(rng, industry * len(LINES) + line)
    tender_buyer = customer_frame["purchase_method"].to_numpy()[customer] == "tender"
    units = order_units(rng, tender_buyer, line == LINES.index("conversion"))
    order = np.lexsort((customer, product, i, day))
    return pd.DataFrame(
        {
            "order_id": ids("O", len(cell), 7),
            "date": (START + day[order]).astype("datetime64[ns]"),
            "dealer_id": traits["dealer_id"].to_numpy()[i[order]],
            "product_id": product_frame["product_id"].to_numpy()[product[order]],
            "customer_id": customer_frame["customer_id"].to_numpy()[customer[order]],
            "units": units[order],
        }
    )


# ---------------------------------------------------------------- annual targets


def units_by_year(
    traits: pd.DataFrame, product_frame: pd.DataFrame, sales_frame: pd.DataFrame, years: np.ndarray
) -> np.ndarray:
    """Units sold per year x dealer x line (years as given, consecutive)."""
    n_dealers = len(traits)
    sale_year = sales_frame["date"].dt.year.to_numpy() - years[0]
    product_idx = pd.Index(product_frame["product_id"]).get_indexer(sales_frame["product_id"])
    sale_line = product_frame["line_idx"].to_numpy()[product_idx]
    sale_dealer = pd.Index(traits["dealer_id"]).get_indexer(sales_frame["dealer_id"])
    flat = (sale_year * n_dealers + sale_dealer) * len(LINES) + sale_line
    size = len(years) * n_dealers * len(LINES)
    actual = np.bincount(flat, weights=sales_frame["units"].to_numpy(), minlength=size)
    return actual.reshape(len(years), n_dealers, len(LINES))


def mean_order_units(product_frame: pd.DataFrame, sales_frame: pd.DataFrame) -> np.ndarray:
    """Mean units per order of each line (2.5 for a line without orders)."""
    product_idx = pd.Index(product_frame["product_id"]).get_indexer(sales_frame["product_id"])
    sale_line = product_frame["line_idx"].to_numpy()[product_idx]
    orders = np.bincount(sale_line, minlength=len(LINES))
    units = np.bincount(sale_line, weights=sales_frame["units"].to_numpy(), minlength=len(LINES))
    return np.where(orders > 0, units / np.maximum(orders, 1), 2.5)


def open_shares(opened: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Share of each year (rows) each dealer (columns) is open: 0 before opening, 1 if open all year."""
    year_start = np.array([np.datetime64(f"{y}-01-01", "D") for y in years])
    year_end = np.array([np.datetime64(f"{y + 1}-01-01", "D") for y in years])
    open_days = (year_end[:, None] - np.maximum(opened[None, :], year_start[:, None])).astype(int)
    return np.clip(open_days / (year_end - year_start).astype(int)[:, None], 0.0, 1.0)


def annual_targets(
    rng: np.random.Generator,
    traits: pd.DataFrame,
    product_frame: pd.DataFrame,
    sales_frame: pd.DataFrame,
    expected: np.ndarray,
    month_starts: np.ndarray,
) -> pd.DataFrame:
    """year, dealer_id, line, units for every year covered and dealer open by its end (module docstring)."""
    years = np.unique(month_starts.astype("datetime64[Y]").astype(int) + 1970)
    n_dealers = len(traits)
    actual = units_by_year(traits, product_frame, sales_frame, years)
    month_year = month_starts.astype("datetime64[Y]").astype(int) + 1970 - years[0]
    expected_units = np.zeros((len(years), n_dealers, len(LINES)))
    np.add.at(expected_units, month_year, expected * mean_order_units(product_frame, sales_frame)[None, None, :])
    opened = traits["opened"].to_numpy().astype("datetime64[D]")
    open_share = open_shares(opened, years)
    had_full_prior = np.zeros((len(years), n_dealers), dtype=bool)
    had_full_prior[1:] = open_share[:-1] >= 1.0
    prior = np.r_[np.zeros((1, n_dealers, len(LINES))), actual[:-1]]
    base = np.where(had_full_prior[:, :, None], prior, expected_units / TREND * open_share[:, :, None])
    uplift = rng.uniform(1.05, 1.20, base.shape) * rng.lognormal(0.0, 0.06, base.shape)
    units = np.rint(base * uplift).astype(np.int64)
    y, d, ln = np.meshgrid(np.arange(len(years)), np.arange(n_dealers), np.arange(len(LINES)), indexing="ij")
    keep = (open_share[:, :, None] > 0).repeat(len(LINES), axis=2).ravel()
    return pd.DataFrame(
        {
            "year": years[y.ravel()][keep].astype(np.int64),
            "dealer_id": traits["dealer_id"].to_numpy()[d.ravel()][keep],
            "line": np.array(LINES, dtype=object)[ln.ravel()][keep],
            "units": units.ravel()[keep],
        }
    )
