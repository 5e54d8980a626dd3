"""The progress board (进度看板, docs/method.md §2.3): plan against actual as of a day ``d`` of month M.

One row per unit x line, the unit being a region (default), a province or a dealer; every unit of
``org`` appears with every planning line (schema ``LINES`` first, then any other line met in the
data), in the order of first appearance in ``org``, zeros where nothing was sold or planned.
With ``Y`` = year(M), ``M1`` = the first day of M and ``d`` = ``as_of``:

    annual_plan           = Σ annual_targets.units of year Y (the locked plan) of the unit's dealers
    sales_to_prev_month   = Σ units sold with Jan 1 of Y <= date < M1
    day_sales             = Σ units sold on d
    mtd                   = Σ units sold with M1 <= date <= d
    annual_progress       = (sales_to_prev_month + mtd) / annual_plan
    last_year_same_period = Σ units sold with Jan 1 of Y-1 <= date <= d', where d' is d's month/day
                            in Y-1; Feb 29 has no twin in a common year, so d' is then Feb 28
    yoy_growth            = (sales_to_prev_month + mtd) / last_year_same_period - 1
    month_plan            = the issued target of M (``month_targets.target``; 0 when missing)
    month_progress        = mtd / month_plan
    time_progress         = day-of-month(d) / days in M
    annual_time_progress  = day-of-year(d) / days in Y (365 or 366)
                            with params.time_progress.basis = working_days both count official
                            working days instead (调休 weekends included, :mod:`kaplan.core.calendar`)
    status                = by gap = month_progress - time_progress, rounded to 9 decimals:
                            ``ahead`` when gap > params.status.ahead, ``behind`` when
                            gap < params.status.behind, else ``on_track`` (both edges on track);
                            blank when month_plan is 0

A division by zero (0/0 too) gives NaN, shown blank, never inf; :func:`board_notes` writes one
note per kind of blank. Unit counts are int64, ratios float64.

Totals (:func:`with_totals`, :func:`board_with_totals`): a ``row_kind`` column marks each row as
``unit``, ``region_total`` (per region x line, only when the unit is a province or a dealer) or
``national_total`` (per line, plus one row over all lines with line ``all_lines``). Total rows sum
the unit counts and recompute every ratio and the status from the sums (never averages); in a
total row the unit columns below its level are blank (a national row has a blank region).
Rows come region by region (units, then the region's totals), the national rows last.
:func:`with_total_labels` (used by :func:`progress_sheets`) writes the glossary words "total" /
"national" into those blank unit cells for people.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kaplan.core.calendar import Basis, annual_time_progress_parts, time_progress_parts
from kaplan.core.errors import KaplanError
from kaplan.core.glossary import Lang, label
from kaplan.core.months import Month, MonthLike, checked_as_of, default_as_of, same_day_last_year
from kaplan.core.params import Params, StatusThresholds
from kaplan.core.schema import LINES
from kaplan.core.units import KEY_COLUMNS, LEVELS, UNIT_COLUMNS, Level

log = logging.getLogger(__name__)

COUNT_COLUMNS = ("annual_plan", "sales_to_prev_month", "last_year_same_period", "month_plan",
                 "day_sales", "mtd")  # fmt: skip
MEASURE_COLUMNS = ("annual_plan", "sales_to_prev_month", "annual_progress", "last_year_same_period",
                   "yoy_growth", "month_plan", "day_sales", "mtd", "month_progress", "time_progress",
                   "annual_time_progress", "status")  # fmt: skip
# ratio column -> (denominator column, other columns left blank with it)
BLANKABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "annual_progress": ("annual_plan", ()),
    "yoy_growth": ("last_year_same_period", ()),
    "month_progress": ("month_plan", ("status",)),
}
ROW_KINDS = ("unit", "region_total", "national_total")
ALL_LINES = "all_lines"
STATUSES = ("ahead", "on_track", "behind")
DAY = pd.Timedelta(days=1)


# --- dates ---------------------------------------------------------------------------------------


def time_progress(day: pd.Timestamp, basis: Basis = "calendar") -> float:
    """day-of-month / days in the month; with ``working_days``, working days through d / working days of M."""
    elapsed, total = time_progress_parts(day, basis)
    return elapsed / total


def annual_time_progress(day: pd.Timestamp, basis: Basis = "calendar") -> float:
    """day-of-year / days in the year; with ``working_days``, working days through d / working days of Y."""
    elapsed, total = annual_time_progress_parts(day, basis)
    return elapsed / total


# --- units ---------------------------------------------------------------------------------------


def checked_level(level: str) -> Level:
    if level not in LEVELS:
        raise KaplanError(f"unknown board level {level!r}: use one of {', '.join(LEVELS)}")
    return level  # type: ignore[return-value]


def board_units(org: pd.DataFrame, level: Level) -> pd.DataFrame:
    """The units of ``level`` in order of first appearance in ``org`` (unit columns only)."""
    if org.empty:
        raise KaplanError("org has no dealers: the progress board needs the organisation table")
    units = org[list(UNIT_COLUMNS[level])].drop_duplicates(subset=list(KEY_COLUMNS[level]))
    return units.reset_index(drop=True)


def _key_index(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Index:
    if len(columns) == 1:
        return pd.Index(frame[columns[0]])
    return pd.MultiIndex.from_frame(frame[list(columns)])


def dealer_unit_positions(org: pd.DataFrame, units: pd.DataFrame, level: Level) -> np.ndarray:
    """For each org row, the position of its unit in ``units``."""
    keys = KEY_COLUMNS[level]
    return _key_index(units, keys).get_indexer(_key_index(org, keys))


def board_lines(*line_columns: pd.Series | None) -> tuple[str, ...]:
    """Schema lines first, then any other line met in the data, sorted."""
    seen: set[str] = set()
    for column in line_columns:
        if column is not None:
            seen.update(v for v in column.dropna().unique() if isinstance(v, str))
    return (*LINES, *sorted(seen - set(LINES)))


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position of each of ``values`` in ``keys`` (unique), -1 where absent: an arrow hash lookup."""
    try:
        found = pc.index_in(_arrow_text(values), value_set=_arrow_text(keys).combine_chunks())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pd.Index(keys).get_indexer(values)
    return found.fill_null(-1).to_numpy().astype("int64")


def _arrow_text(series: pd.Series) -> pa.ChunkedArray:
    array = pa.array(series.array)
    chunked = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return chunked.cast(pa.large_string())


def _cells(
    dealer_ids: pd.Series, lines: pd.Series, org_ids: pd.Series, dealer_unit: np.ndarray, line_keys: pd.Series
) -> np.ndarray:
    """Flat cell number ``unit * n_lines + line`` per row; -1 for a dealer or line not on the board."""
    dealer_pos = positions(dealer_ids, org_ids)
    line_pos = positions(lines, line_keys)
    unit = np.where(dealer_pos >= 0, dealer_unit[np.maximum(dealer_pos, 0)], -1)
    ok = (unit >= 0) & (line_pos >= 0)
    return np.where(ok, unit * len(line_keys) + line_pos, -1)


def _cell_sums(cells: np.ndarray, weights: np.ndarray, n_cells: int) -> np.ndarray:
    """Sum of ``weights`` per cell (float sums of whole units are exact below 2**53)."""
    keep = cells >= 0
    sums = np.bincount(cells[keep], weights=weights[keep], minlength=n_cells)
    return np.rint(sums).astype("int64")


# --- the board -----------------------------------------------------------------------------------


def sales_windows(facts: pd.DataFrame, day: pd.Timestamp) -> dict[str, np.ndarray]:
    """Boolean masks over ``facts`` for the four sales columns of the board as of ``day``."""
    dates = facts["date"].to_numpy(dtype="datetime64[ns]")
    year_start = Month.of(day).year_start
    m1 = Month.of(day).start
    last_year_end = same_day_last_year(day) + DAY
    this_year = dates >= np.datetime64(year_start)
    before_month = dates < np.datetime64(m1)
    through_day = dates < np.datetime64(day + DAY)
    return {
        "sales_to_prev_month": this_year & before_month,
        "mtd": ~before_month & through_day,
        "day_sales": (dates >= np.datetime64(day)) & through_day,
        "last_year_same_period": (dates >= np.datetime64(year_start.replace(year=day.year - 1)))
        & (dates < np.datetime64(last_year_end)),
    }


def month_plan_counts(month_targets: pd.DataFrame | None, cells: pd.DataFrame, level: Level) -> np.ndarray:
    """The issued month target per board cell (``cells``: unit columns + line), 0 where missing."""
    if month_targets is None or month_targets.empty:
        return np.zeros(len(cells), dtype="int64")
    keys = [*KEY_COLUMNS[level], "line"]
    needed = [*keys, "target"]
    missing = [c for c in needed if c not in month_targets.columns]
    if missing:
        raise KaplanError(f"month targets lack column(s) {missing}: a {level} board needs {needed}")
    targets = month_targets[needed]
    duplicated = targets.duplicated(subset=keys)
    if duplicated.any():
        first = targets[duplicated].iloc[0]
        raise KaplanError(
            f"month targets have {int(duplicated.sum())} duplicate {level} x line row(s), e.g. "
            f"{dict(first[keys])}: give one target per {level} and line"
        )
    values = pd.to_numeric(targets["target"], errors="coerce")
    if values.isna().any() or (values < 0).any() or (values != np.floor(values)).any():
        raise KaplanError("month targets must be whole vehicle units >= 0: check the target column")
    positions = _key_index(targets, keys).get_indexer(_key_index(cells, keys))
    unmatched = len(targets) - int((positions >= 0).sum())
    if unmatched:
        log.warning("progress: %d month target row(s) name a %s or line not on the board; ignored",
                    unmatched, level)
    found = values.to_numpy(dtype="float64")[np.maximum(positions, 0)]
    return np.where(positions >= 0, found, 0).astype("int64")


def status_codes(month_progress: pd.Series, time_progress: pd.Series, thresholds: StatusThresholds) -> pd.Series:
    """``ahead`` / ``on_track`` / ``behind`` by completion minus time progress; blank without a plan."""
    gap = (month_progress - time_progress).round(9)
    codes = np.select(
        [gap > thresholds.ahead, gap < thresholds.behind, gap.notna()],
        ["ahead", "behind", "on_track"],
        default="",
    )
    return pd.Series(codes, index=month_progress.index, dtype="str").replace("", np.nan)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.to_numpy(dtype="float64")
    den = denominator.to_numpy(dtype="float64")
    out = np.divide(num, den, out=np.full(len(num), np.nan), where=den != 0)
    return pd.Series(out, index=numerator.index, dtype="float64")


def with_ratios(counts: pd.DataFrame, day_progress: float, year_progress: float,
                thresholds: StatusThresholds) -> pd.DataFrame:
    """``counts`` (unit columns, line, the six count columns) with every ratio and the status."""
    out = counts.copy()
    to_date = out["sales_to_prev_month"] + out["mtd"]
    out["annual_progress"] = _ratio(to_date, out["annual_plan"])
    out["yoy_growth"] = _ratio(to_date, out["last_year_same_period"]) - 1.0
    out["month_progress"] = _ratio(out["mtd"], out["month_plan"])
    out["time_progress"] = float(day_progress)
    out["annual_time_progress"] = float(year_progress)
    out["status"] = status_codes(out["month_progress"], out["time_progress"], thresholds)
    unit_columns = [c for c in out.columns if c not in (*MEASURE_COLUMNS, "row_kind")]
    kind = ["row_kind"] if "row_kind" in out.columns else []
    return out[[*unit_columns, *MEASURE_COLUMNS, *kind]]


def board(
    facts: pd.DataFrame,
    annual_targets: pd.DataFrame,
    month_targets: pd.DataFrame | None,
    month: MonthLike,
    as_of: object = None,
    level: str = "region",
    *,
    params: Params,
    org: pd.DataFrame,
) -> pd.DataFrame:
    """The §2.3 board of ``month`` as of ``as_of`` (default :func:`kaplan.core.months.default_as_of` of the
    sales dates), one row per unit x line.

    ``facts`` is :func:`kaplan.core.facts.sales_facts`; ``annual_targets`` the loaded table;
    ``month_targets`` the issued targets of M, one row per unit x line with a ``target`` column
    (keyed by region; region, province; or dealer_id); ``org`` maps dealers to their units.
    """
    lvl = checked_level(level)
    day = default_as_of(facts["date"], month) if as_of is None else checked_as_of(as_of, month)
    units = board_units(org, lvl)
    year_targets = annual_targets[annual_targets["year"] == day.year]
    window = (facts["date"] >= Month.first_of(day.year - 1).start) & (facts["date"] < day + DAY)
    recent = facts.loc[window, ["date", "dealer_id", "line", "units"]]
    target_lines = month_targets["line"] if month_targets is not None and "line" in month_targets else None
    line_index = pd.Index(board_lines(recent["line"], year_targets["line"], target_lines))
    org_ids = org["dealer_id"]
    line_keys = pd.Series(line_index, dtype="str")
    dealer_unit = dealer_unit_positions(org, units, lvl)
    cells = board_cells(units, line_index)

    sale_cells = _cells(recent["dealer_id"], recent["line"], org_ids, dealer_unit, line_keys)
    if (sale_cells < 0).any():
        log.warning("progress: %d sales row(s) have a dealer not in org or no line; left out",
                    int((sale_cells < 0).sum()))
    counts = sales_counts(recent, day, sale_cells, len(cells))
    target_cells = _cells(year_targets["dealer_id"], year_targets["line"], org_ids, dealer_unit, line_keys)
    counts["annual_plan"] = _cell_sums(target_cells, year_targets["units"].to_numpy(dtype="float64"), len(cells))
    counts["month_plan"] = month_plan_counts(month_targets, cells, lvl)
    for name in COUNT_COLUMNS:
        cells[name] = pd.Series(counts[name], dtype="int64")
    basis = params.time_progress.basis
    return with_ratios(cells, time_progress(day, basis), annual_time_progress(day, basis), params.status)


def board_cells(units: pd.DataFrame, lines: pd.Index) -> pd.DataFrame:
    """Every unit x line, units in order, lines in order within each unit (cell ``unit * n_lines + line``)."""
    cells = units.loc[units.index.repeat(len(lines))].reset_index(drop=True)
    cells["line"] = pd.Series(np.tile(lines.to_numpy(dtype=object), len(units)), dtype="str")
    return cells


def sales_counts(recent: pd.DataFrame, day: pd.Timestamp, cells: np.ndarray, n_cells: int) -> dict[str, np.ndarray]:
    """Units per board cell in each sales window (``cells``: each sale's cell number, -1 for none)."""
    sold = recent["units"].to_numpy(dtype="float64")
    return {name: _cell_sums(cells, np.where(mask, sold, 0.0), n_cells)
            for name, mask in sales_windows(recent, day).items()}


# --- totals --------------------------------------------------------------------------------------


def board_level(frame: pd.DataFrame) -> Level:
    """The unit level of a board frame, read from its columns."""
    if "dealer_id" in frame.columns:
        return "dealer"
    if "province" in frame.columns:
        return "province"
    return "region"


def _summed(units: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    sums = units.groupby(by, sort=False, dropna=False)[list(COUNT_COLUMNS)].sum()
    return sums.reset_index()


def _progress_values(frame: pd.DataFrame) -> tuple[float, float]:
    return float(frame["time_progress"].iloc[0]), float(frame["annual_time_progress"].iloc[0])


def total_rows(units: pd.DataFrame, thresholds: StatusThresholds) -> pd.DataFrame:
    """Region totals (below region level), national totals per line and over all lines, ordered keys."""
    level = board_level(units)
    day_progress, year_progress = _progress_values(units)
    parts = []
    if level != "region":
        regional = _summed(units, ["region", "line"]).assign(row_kind="region_total")
        parts.append(regional)
    national = _summed(units, ["line"]).assign(row_kind="national_total")
    grand = units[list(COUNT_COLUMNS)].sum().to_frame().T.astype("int64")
    grand = grand.assign(line=ALL_LINES, row_kind="national_total")
    parts += [national, grand]
    totals = pd.concat(parts, ignore_index=True)
    for column in UNIT_COLUMNS[level]:
        if column not in totals.columns:
            totals[column] = pd.Series(np.nan, index=totals.index, dtype="str")
    totals = totals[[*UNIT_COLUMNS[level], "line", *COUNT_COLUMNS, "row_kind"]]
    totals[list(COUNT_COLUMNS)] = totals[list(COUNT_COLUMNS)].astype("int64")
    for column in (*UNIT_COLUMNS[level], "line", "row_kind"):
        totals[column] = totals[column].astype("str")
    return with_ratios(totals, day_progress, year_progress, thresholds)


def with_totals(frame: pd.DataFrame, params: Params) -> pd.DataFrame:
    """``frame`` (a :func:`board`) with a ``row_kind`` column and its total rows, in reading order."""
    if "row_kind" in frame.columns:
        raise KaplanError("this board already has total rows: add totals to a board without them")
    units = frame.assign(row_kind="unit")
    units["row_kind"] = units["row_kind"].astype("str")
    if units.empty:
        return units
    totals = total_rows(units, params.status)
    regions = pd.Index(units["region"].drop_duplicates())
    line_rank = {line: i for i, line in enumerate(units["line"].drop_duplicates())}
    order = pd.concat(
        [
            pd.DataFrame({"r": regions.get_indexer(units["region"]), "k": 0, "i": np.arange(len(units))}),
            pd.DataFrame(
                {
                    "r": np.where(totals["row_kind"] == "national_total", len(regions),
                                  regions.get_indexer(totals["region"])),
                    "k": np.where(totals["row_kind"] == "national_total", 2, 1),
                    "i": totals["line"].map(line_rank).fillna(len(line_rank)).to_numpy(dtype="int64"),
                }
            ),
        ],
        ignore_index=True,
    )
    combined = pd.concat([units, totals], ignore_index=True)
    combined = combined.iloc[order.sort_values(["r", "k", "i"], kind="stable").index]
    return combined.reset_index(drop=True)


def board_with_totals(
    facts: pd.DataFrame,
    annual_targets: pd.DataFrame,
    month_targets: pd.DataFrame | None,
    month: MonthLike,
    as_of: object = None,
    level: str = "region",
    *,
    params: Params,
    org: pd.DataFrame,
) -> pd.DataFrame:
    """:func:`board` followed by :func:`with_totals`."""
    frame = board(facts, annual_targets, month_targets, month, as_of, level, params=params, org=org)
    return with_totals(frame, params)


# --- notes and sheets ----------------------------------------------------------------------------


def board_notes(frame: pd.DataFrame, lang: Lang = "zh") -> list[str]:
    """One note per kind of blank division, naming the blank columns, the zero denominator, the rows."""
    notes = []
    for column, (denominator, with_it) in BLANKABLE.items():
        blank = int(frame[column].isna().sum()) if column in frame.columns else 0
        if not blank:
            continue
        columns = ", ".join(label(c, lang) for c in (column, *with_it))
        notes.append(
            f"{columns} ({label(denominator, lang)} = 0, {blank} {label('rows', lang)}): "
            f"{label('blank_division', lang)}"
        )
    return notes


def with_total_labels(frame: pd.DataFrame, lang: Lang = "zh") -> pd.DataFrame:
    """A copy for people: "national" in the region cell of national rows, "total" in the first unit
    cell below region of every total row, in ``lang``; ``row_kind`` stays for styling."""
    if "row_kind" not in frame.columns:
        raise KaplanError("the total labels need a board with total rows: use board_with_totals")
    out = frame.copy()
    national = out["row_kind"] == "national_total"
    out.loc[national, "region"] = label("national", lang)
    below_region = [c for c in UNIT_COLUMNS[board_level(out)] if c != "region"]
    if below_region:
        out.loc[national | (out["row_kind"] == "region_total"), below_region[0]] = label("total", lang)
    return out


SHEETS = {"region": "board", "province": "board_province", "dealer": "board_dealer"}


def progress_sheets(boards: pd.DataFrame | Iterable[pd.DataFrame], lang: Lang = "zh") -> dict[str, pd.DataFrame]:
    """docs/operations.md §4 ``progress_YYYY-MM.xlsx``: one sheet per board of ``boards`` (``board`` for the
    regions, ``board_province``, ``board_dealer``), each with its total rows.

    Every board comes from :func:`board_with_totals`; total rows are labelled by :func:`with_total_labels`;
    the ``row_kind`` marker is not a column for people.
    """
    sheets = {}
    for frame in [boards] if isinstance(boards, pd.DataFrame) else boards:
        if "row_kind" not in frame.columns:
            raise KaplanError("the progress sheet needs a board with total rows: use board_with_totals")
        labelled = with_total_labels(frame, lang)
        sheets[SHEETS[board_level(frame)]] = labelled.drop(columns="row_kind").reset_index(drop=True)
    return sheets


# --- region summaries (what the figures of :mod:`kaplan.progress.figures` draw) --------------


def region_rows(frame: pd.DataFrame, params: Params | None = None) -> pd.DataFrame:
    """Region x line rows of any board: its region rows, its region totals, or recomputed sums."""
    kinds = frame["row_kind"] if "row_kind" in frame.columns else pd.Series("unit", index=frame.index)
    level = board_level(frame)
    if level == "region":
        rows = frame[kinds == "unit"]
    elif (kinds == "region_total").any():
        rows = frame[kinds == "region_total"]
    else:
        units = frame[kinds == "unit"]
        counts = _summed(units, ["region", "line"])
        rows = with_ratios(counts, *_progress_values(units), (params or Params()).status)
    return rows[["region", "line", *MEASURE_COLUMNS]].reset_index(drop=True)


def yoy_by_region(board_frame: pd.DataFrame) -> pd.DataFrame:
    """Per region, all lines summed: ``ytd`` (Jan 1 .. as_of), ``last_year_same_period`` and ``yoy_growth``."""
    rows = region_rows(board_frame)
    totals = rows.groupby("region", sort=False)[["sales_to_prev_month", "mtd", "last_year_same_period"]].sum()
    this_year = totals["sales_to_prev_month"] + totals["mtd"]
    return pd.DataFrame(
        {
            "region": totals.index,
            "ytd": this_year.to_numpy(),
            "last_year_same_period": totals["last_year_same_period"].to_numpy(),
            "yoy_growth": (_ratio(this_year, totals["last_year_same_period"]) - 1.0).to_numpy(),
        }
    )


def with_unit_columns(board: pd.DataFrame, table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``board`` (with total rows) plus the whole-number ``columns`` of ``table`` (one row per unit key x
    line of the board's level): unit rows matched by key and line (0 where ``table`` has none), total rows
    the sums of their unit rows."""
    keys = [*KEY_COLUMNS[board_level(board)], "line"]
    kind, line = board["row_kind"], board["line"]
    unit = kind == "unit"
    values = pd.DataFrame(0, index=board.index, columns=list(columns), dtype="int64")
    found = board.loc[unit, keys].merge(table[[*keys, *columns]], on=keys, how="left")[list(columns)]
    values.loc[unit] = found.fillna(0).to_numpy(dtype="int64")
    units = values[unit].assign(region=board.loc[unit, "region"], line=line[unit])
    regional = kind == "region_total"
    per_line = (kind == "national_total") & (line != ALL_LINES)
    region_keys = pd.MultiIndex.from_frame(board.loc[regional, ["region", "line"]])
    values.loc[regional] = units.groupby(["region", "line"])[list(columns)].sum().reindex(region_keys).to_numpy()
    values.loc[per_line] = units.groupby("line")[list(columns)].sum().reindex(line[per_line]).to_numpy()
    values.loc[(kind == "national_total") & (line == ALL_LINES)] = units[list(columns)].sum().to_numpy()
    return board.assign(**{c: values[c].astype("int64") for c in columns})
