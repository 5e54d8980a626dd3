"""The month in one glance: the headline at the top of the index and of every report (docs/method.md §2.7).

With ``M`` the month, ``d`` the as-of date and the all-lines national numbers:

    issued            = Σ issued plan of M (the rolling plan, or the locked plan when params.rolling is off)
    locked, rolling   = Σ locked_plan and Σ rolling_plan of M; difference = rolling − locked
    mtd               = units sold from the 1st of M through d (the progress board's national row)
    month_progress    = mtd / issued (blank when issued is 0); time_progress as on the board (§2.3)
    working_days_left = official working days of M after d (:mod:`kaplan.core.calendar`)
    per_working_day   = ⌈max(issued − mtd, 0) / working_days_left⌉ units; blank when no working day is left
    laggards          = the five dealers furthest behind time progress, all lines summed:
                        units_behind = ⌈month_plan × time_progress − mtd⌉ units, only those above 0, most
                        behind first, then region, province, dealer_id
    tenders           = the five largest open leads in stage ``tender`` whose expected close lies from the
                        as-of date to the end of M (overdue tenders are not "due")
                        (reported by d), most units first, then the earlier close, then lead_id
    landing           = a landing forecast of M when one is given (the report passes the national landing)

:func:`headline_sentences` writes it in the report language, numbers with 台 / units.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from kaplan.core.calendar import month_working_days, working_days_through
from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike
from kaplan.leads.customers import tender_calendar
from kaplan.plan.landing import units_per_working_day
from kaplan.progress.board import ALL_LINES

TOP = 5
LAGGARD_COLUMNS = ("region", "province", "dealer_id", "dealer_name", "month_plan", "mtd", "units_behind")
# what a tender of the headline keeps: what its sentence names and where it is; not its owner or contacts
TENDER_COLUMNS = ("lead_id", "expected_close", "customer_name", "units", "region", "province", "dealer_name")


@dataclass(frozen=True)
class Headline:
    """The numbers of the headline; ``laggards`` and ``tenders`` as lists of plain dicts (JSON-ready)."""

    month: str
    as_of: str
    issued: int
    locked: int
    rolling: int | None
    rolling_basis: bool
    mtd: int
    month_progress: float | None
    time_progress: float
    working_days_left: int
    per_working_day: int | None
    laggards: list[dict] = field(default_factory=list)
    tenders: list[dict] = field(default_factory=list)
    landing: int | None = None
    region: str = ""  # the region a region's headline is of; blank for the national one

    def as_dict(self) -> dict:
        return asdict(self)


def working_days_left(as_of: pd.Timestamp) -> int:
    """Official working days of ``as_of``'s month after ``as_of``."""
    day = pd.Timestamp(as_of)
    return len(month_working_days(day.year, day.month)) - working_days_through(day)


def laggards(dealer_board: pd.DataFrame, top: int | None = TOP) -> pd.DataFrame:
    """The ``top`` dealers (None: all) furthest behind time progress in units (all lines summed), most behind first."""
    units = dealer_board[dealer_board["row_kind"] == "unit"] if "row_kind" in dealer_board else dealer_board
    keys = ["region", "province", "dealer_id", "dealer_name"]
    summed = units.groupby(keys, sort=False, dropna=False)[["month_plan", "mtd"]].sum().reset_index()
    time_progress = float(units["time_progress"].iloc[0]) if len(units) else 0.0
    expected = summed["month_plan"].to_numpy(dtype="float64") * time_progress
    behind = np.ceil(np.round(expected - summed["mtd"].to_numpy(dtype="float64"), 9)).astype("int64")
    out = summed.assign(units_behind=behind)
    out = out[out["units_behind"] > 0].sort_values(["units_behind", "region", "province", "dealer_id"],
                                             ascending=[False, True, True, True], kind="stable")  # fmt: skip
    chosen = out if top is None else out.head(top)
    return chosen[list(LAGGARD_COLUMNS)].reset_index(drop=True)


def open_tenders_due(leads: pd.DataFrame, month: MonthLike, as_of: pd.Timestamp, top: int = TOP) -> pd.DataFrame:
    """The ``top`` largest tenders of the calendar (:func:`kaplan.leads.customers.tender_calendar`) still due in
    ``month``: expected to close from ``as_of`` to the month's end (an overdue tender is not "due")."""
    calendar = tender_calendar(leads, month, as_of)
    due = calendar[~calendar["overdue"] & (calendar["expected_close"] <= Month.of(month).end)]
    ordered = due.sort_values(["units", "expected_close", "lead_id"], ascending=[False, True, True], kind="stable")
    return ordered.head(top).reset_index(drop=True)


def national_row(region_board: pd.DataFrame) -> pd.Series:
    """The all-lines national row of a board with totals."""
    rows = region_board[(region_board["row_kind"] == "national_total") & (region_board["line"] == ALL_LINES)]
    return rows.iloc[0]


def headline(plan: pd.DataFrame, region_board: pd.DataFrame, dealer_board: pd.DataFrame, leads: pd.DataFrame,
             month: MonthLike, as_of: pd.Timestamp, landing: int | None = None,
             top: int = TOP) -> Headline:  # fmt: skip
    """The headline of ``month`` as of ``as_of``.

    ``plan``: the plan sheet (:func:`kaplan.plan.seasonal.plan_table`); ``region_board`` and
    ``dealer_board``: :func:`kaplan.progress.board.board_with_totals`; ``leads``:
    :func:`kaplan.leads.registry.lead_facts`; ``landing``: a landing forecast of the month, if any.
    """
    m = Month.of(month)
    rows = plan[plan["month"] == str(m)]
    rolling = rows["rolling_plan"]
    national = national_row(region_board)
    issued, mtd = int(rows["issued"].sum()), int(national["mtd"])
    left = working_days_left(as_of)
    lagging = laggards(dealer_board, top)
    tenders = open_tenders_due(leads, m, as_of, top)
    return Headline(
        month=str(m),
        as_of=pd.Timestamp(as_of).date().isoformat(),
        issued=issued,
        locked=int(rows["locked_plan"].sum()),
        rolling=None if rolling.isna().all() else int(rolling.fillna(0).sum()),
        rolling_basis=bool(rolling.notna().all() and (rows["issued"] == rolling).all()),
        mtd=mtd,
        month_progress=None if issued == 0 else mtd / issued,
        time_progress=float(national["time_progress"]),
        working_days_left=left,
        per_working_day=units_per_working_day(issued, mtd, left),
        laggards=_records(lagging),
        tenders=_records(tenders[[c for c in TENDER_COLUMNS if c in tenders]]),
        landing=None if landing is None else int(landing),
    )


def region_headline(region_board: pd.DataFrame, dealer_board: pd.DataFrame, leads: pd.DataFrame, month: MonthLike,
                    as_of: pd.Timestamp, landing: int | None = None, top: int = TOP,
                    region: str = "") -> Headline:  # fmt: skip
    """The headline of region ``region``, from boards and leads holding its rows only: ``issued`` is the
    region's issued target (Σ month_plan of its lines), ``mtd`` its sales; locked and rolling plans are
    national only, so the target sentence names the issued target alone; its lagging dealers are named with
    their province (the region is the page's own)."""
    units = region_board[region_board["row_kind"] == "unit"] if "row_kind" in region_board else region_board
    issued, mtd = int(units["month_plan"].sum()), int(units["mtd"].sum())
    left = working_days_left(as_of)
    return Headline(
        month=str(Month.of(month)),
        as_of=pd.Timestamp(as_of).date().isoformat(),
        issued=issued,
        locked=issued,
        rolling=None,
        rolling_basis=False,
        mtd=mtd,
        month_progress=None if issued == 0 else mtd / issued,
        time_progress=float(units["time_progress"].iloc[0]) if len(units) else 0.0,
        working_days_left=left,
        per_working_day=units_per_working_day(issued, mtd, left),
        laggards=_records(laggards(dealer_board, top)),
        tenders=_records(open_tenders_due(leads, month, as_of, top)[list(TENDER_COLUMNS)]),
        landing=None if landing is None else int(landing),
        region=region,
    )


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else
                        int(v) if isinstance(v, np.integer) else v) for k, v in row.items()})  # fmt: skip
    return out


def _units(n: int, lang: Lang) -> str:
    return f"{n:,}台" if lang == "zh" else f"{n:,} units"


def _date(text: str, lang: Lang) -> str:
    day = pd.Timestamp(text)
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%-d %b")


def headline_sentences(h: Headline, lang: Lang = "zh") -> list[str]:
    """The headline as sentences in ``lang``: target, progress, pace, landing, laggards, tenders."""
    t = lambda term, **kw: label(term, lang).format(**kw)  # noqa: E731
    month = Month.of(h.month).label(lang)
    sentences = [_target_sentence(h, month, lang)]
    if h.month_progress is None:
        sentences.append(t("headline_mtd_no_target", as_of=h.as_of, mtd=_units(h.mtd, lang)))
    else:
        points = round((h.month_progress - h.time_progress) * 100, 1)
        pace = t("headline_ahead" if points > 0 else "headline_behind" if points < 0 else "headline_level",
                 points=f"{abs(points):.1f}")  # fmt: skip
        sentences.append(t("headline_mtd", as_of=h.as_of, mtd=_units(h.mtd, lang), progress=f"{h.month_progress:.1%}",
                           time=f"{h.time_progress:.1%}", pace=pace))  # fmt: skip
    if h.per_working_day is None:
        sentences.append(t("headline_no_days_left", gap=_units(max(h.issued - h.mtd, 0), lang)))
    elif h.issued <= h.mtd:
        sentences.append(t("headline_done", days=h.working_days_left))
    else:
        sentences.append(t("headline_pace", days=h.working_days_left, gap=_units(h.issued - h.mtd, lang),
                           per_day=_units(h.per_working_day, lang)))  # fmt: skip
    if h.landing is not None:
        share = f"{h.landing / h.issued:.1%}" if h.issued else "—"
        sentences.append(t("headline_landing", landing=_units(h.landing, lang), share=share))
    sep = "、" if lang == "zh" else "; "
    if h.laggards:
        term = "headline_laggard_in_region" if h.region else "headline_laggard"
        who = sep.join(t(term, region=r["region"], province=r["province"], dealer=r["dealer_name"],
                         gap=_units(r["units_behind"], lang)) for r in h.laggards)  # fmt: skip
        sentences.append(t("headline_laggards", n=len(h.laggards), who=who))
    else:
        sentences.append(t("headline_no_laggards"))
    if h.tenders:
        what = sep.join(t("headline_tender", customer=r["customer_name"], units=_units(r["units"], lang),
                          date=_date(r["expected_close"], lang)) for r in h.tenders)  # fmt: skip
        sentences.append(t("headline_tenders", n=len(h.tenders), what=what))
    else:
        sentences.append(t("headline_no_tenders"))
    return sentences


def _target_sentence(h: Headline, month: str, lang: Lang) -> str:
    t = lambda term, **kw: label(term, lang).format(**kw)  # noqa: E731
    issued, locked = _units(h.issued, lang), _units(h.locked, lang)
    if h.region:  # the plans locked and rolling are national: a region's target is the part issued to it
        return t("headline_issued_region", month=month, issued=issued)
    if not h.rolling_basis:
        return t("headline_issued_locked", month=month, issued=issued)
    diff = h.issued - h.locked
    if diff == 0:
        return t("headline_issued_same", month=month, issued=issued)
    term = "headline_issued_more" if diff > 0 else "headline_issued_less"
    return t(term, month=month, issued=issued, locked=locked, diff=_units(abs(diff), lang))
