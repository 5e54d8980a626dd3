"""Manual adjustments of the issued dealer targets (人工调整, docs/method.md §2.2).

After the formula, a director moves units between dealers (a tender known to go to one dealer, a
dealer closing). ``kaplan adjust`` records each adjustment as a file of its own, never editing the
data, the annual lock or an earlier record::

    <params folder>/adjustments/YYYY-MM/0001.json, 0002.json, ...

A record holds who, when and why, the file it was read from, and one row per dealer x line it sets:
``dealer_id, line, before`` (the target issued before it) ``, target`` (the target it sets) and
``rebalanced`` (set by the rebalancing rule, not by the person). Records apply in number order on
the formula targets of :func:`kaplan.plan.targets.month_targets`; each sets its rows' targets.

Rules (each breach is an :class:`AdjustmentError` naming the rows and numbers; nothing is written):

- a dealer must have a target row of the month (unknown dealer), a line must be a line of the
  month's targets (unknown line), a target must be a whole number >= 0, one row per dealer x line;
- a pack of one region may only change that region's dealers (a dealer of another region);
- after the adjustment every province x line still adds up to its issued province target, so
  provinces, regions and lines keep their issued totals and the annual lock is untouched. When a
  province x line no longer adds up (difference ``d``): with ``issue.province_totals: refuse`` the
  adjustment is refused with the province, line and both numbers; with ``rebalance`` the province's
  dealers of that line not named in any adjustment of the month take up ``-d``, apportioned by their
  current targets (largest remainder; equal shares when all are 0); refused when they hold fewer
  than ``d`` units or there are none.

Worked example (by hand): 江苏 ``command`` issued 20 = D1 10 + D2 6 + D3 4. Moving 5 from D1 to D2
(D1 5, D2 11) keeps 20: accepted. Setting D1 to 15 alone gives 25 (+5): refused under ``refuse``;
under ``rebalance`` D2 and D3 give up 5 by apportion(5, [6, 4]) = [3, 2]: D2 3, D3 2, total 20.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kaplan.core.apportion import apportion
from kaplan.core.errors import KaplanError
from kaplan.core.months import Month, MonthLike
from kaplan.core.params import adjustments_dir
from kaplan.plan.targets import MonthTargets

log = logging.getLogger(__name__)

ROW_FIELDS = ("dealer_id", "line", "before", "target", "rebalanced")
REQUEST_COLUMNS = ("dealer_id", "line", "target")
ADJUSTMENT_COLUMNS = ("month", "region", "province", "dealer_id", "dealer_name", "line", "formula_target",
                      "adjusted_target", "change", "adjusted_by", "adjusted_at", "reason", "record",
                      "rebalanced")  # fmt: skip
LISTING_LIMIT = 30


class AdjustmentError(KaplanError):
    """An adjustment that cannot be recorded or applied; the message names every row and number."""


@dataclass(frozen=True)
class Record:
    """One recorded adjustment: who, when, why, from which file, and the targets it sets."""

    month: str
    by: str
    at: str  # ISO 8601 time with offset
    reason: str
    source: str  # the file name it was read from
    source_sha256: str
    rows: tuple[dict[str, object], ...] = ()
    name: str = ""  # the record's file name, e.g. 0001.json
    sha256: str = field(default="", compare=False)

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of everything but the name and the hash itself."""
        payload = {k: v for k, v in self.payload().items() if k != "sha256"}
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()

    def payload(self) -> dict[str, object]:
        return {"month": self.month, "by": self.by, "at": self.at, "reason": self.reason, "source": self.source,
                "source_sha256": self.source_sha256, "rows": [dict(r) for r in self.rows], "sha256": self.sha256}

    def to_json(self) -> str:
        """The record file's text, with its content hash (a record edited by hand is refused on reading)."""
        sealed = replace(self, sha256=self.content_hash())
        return json.dumps(sealed.payload(), ensure_ascii=False, indent=2) + "\n"


def record_from_json(text: str, name: str) -> Record:
    """Parse a record file; :class:`AdjustmentError` when it is unreadable or was edited by hand."""
    try:
        data = json.loads(text)
        rows = tuple(
            {"dealer_id": str(r["dealer_id"]), "line": str(r["line"]), "before": int(r["before"]),
             "target": int(r["target"]), "rebalanced": bool(r.get("rebalanced", False))}
            for r in data["rows"]
        )  # fmt: skip
        record = Record(str(Month.of(data["month"])), str(data["by"]), str(data["at"]), str(data["reason"]),
                        str(data.get("source", "")), str(data.get("source_sha256", "")), rows, name,
                        str(data.get("sha256", "")))  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise AdjustmentError(
            f"the adjustment record {name} cannot be read ({exc}): restore it from a backup"
        ) from None
    if record.sha256 != record.content_hash():
        raise AdjustmentError(
            f"the adjustment record {name} was edited: its content no longer matches its hash. Records are never "
            "edited: restore it from a backup, and record a new adjustment with `kaplan adjust` to change targets"
        )
    return record


def _cell(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(frame[["dealer_id", "line"]].astype("str"))


def checked_request(request: pd.DataFrame, dealers: pd.DataFrame, region: str | None = None,
                    source: str = "the adjustment") -> pd.DataFrame:  # fmt: skip
    """``request`` (dealer_id, line, target; ``row`` optional: where a person finds it) checked against
    the month's dealer targets; every problem together in one :class:`AdjustmentError`."""
    rows = request["row"] if "row" in request.columns else pd.Series(np.arange(len(request)) + 2, index=request.index)
    info = dealers.drop_duplicates("dealer_id").set_index("dealer_id")
    lines = set(dealers["line"])
    problems = []
    for i, item in request.iterrows():
        where = f"{source}, row {rows[i]}"
        dealer, line, value = str(item["dealer_id"]), str(item["line"]), item["target"]
        if dealer not in info.index:
            problems.append(f"{where}: unknown dealer {dealer!r}: no target of {dealers['month'].iloc[0]} names it")
        elif region is not None and info.loc[dealer, "region"] != region:
            problems.append(f"{where}: dealer {dealer} belongs to {info.loc[dealer, 'region']}, not to {region} "
                            "of this workbook: adjust it in its own region's workbook")  # fmt: skip
        if line not in lines:
            problems.append(f"{where}: unknown line {line!r}: use one of {', '.join(sorted(lines))}")
        number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if pd.isna(number) or number != np.floor(number):
            problems.append(f"{where}: target {value!r} is not a whole number of vehicles")
        elif number < 0:
            problems.append(f"{where}: target {int(number)} is negative: a target is 0 or more vehicles")
    duplicated = request.duplicated(subset=["dealer_id", "line"], keep=False)
    for (dealer, line), group in request[duplicated].groupby(["dealer_id", "line"], sort=False):
        problems.append(f"{source}: dealer {dealer} {line} is given {len(group)} times (rows "
                        f"{', '.join(str(rows[i]) for i in group.index)}): give it once")  # fmt: skip
    if problems:
        raise AdjustmentError(_listing(f"{len(problems)} problem(s) in {source}; nothing was recorded:", problems))
    out = request[list(REQUEST_COLUMNS)].astype({"dealer_id": "str", "line": "str"})
    return out.assign(target=pd.to_numeric(out["target"]).astype("int64")).reset_index(drop=True)


def _listing(head: str, lines: Sequence[str]) -> str:
    shown = [f"  - {line}" for line in lines[:LISTING_LIMIT]]
    if len(lines) > LISTING_LIMIT:
        shown.append(f"  ... and {len(lines) - LISTING_LIMIT} more")
    return "\n".join([head, *shown])


def with_targets(dealers: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``dealers`` whose targets at the ``rows`` (dealer_id, line, target) are set to theirs."""
    out = dealers.copy()
    if rows.empty:
        return out
    at = _cell(out).get_indexer(_cell(rows))
    values = out["target"].to_numpy(dtype="int64").copy()
    values[at[at >= 0]] = rows["target"].to_numpy(dtype="int64")[at >= 0]
    out["target"] = values
    return out


def province_mismatches(dealers: pd.DataFrame, provinces: pd.DataFrame) -> pd.DataFrame:
    """Province x line whose dealers no longer add up to the issued target: province, line, issued, adjusted."""
    sums = dealers.groupby(["province", "line"], sort=False)["target"].sum().rename("adjusted")
    issued = provinces.set_index(["province", "line"])["target"].rename("issued")
    both = pd.concat([issued, sums], axis=1).fillna(0).astype("int64")
    return both[both["issued"] != both["adjusted"]].reset_index()


def _mismatch_lines(mismatches: pd.DataFrame) -> list[str]:
    return [f"{m.province} {m.line}: dealers add up to {m.adjusted}, the issued province target is {m.issued} "
            f"({m.adjusted - m.issued:+d})" for m in mismatches.itertuples(index=False)]  # fmt: skip


def rebalanced(dealers: pd.DataFrame, provinces: pd.DataFrame, fixed: pd.MultiIndex) -> pd.DataFrame:
    """Rows (dealer_id, line, target) that bring every province x line back to its issued target.

    The difference is taken up by the province's dealers of the line not in ``fixed`` (dealer, line),
    apportioned by their current targets; :class:`AdjustmentError` when they cannot take it up.
    """
    changes, problems = [], []
    for m in province_mismatches(dealers, provinces).itertuples(index=False):
        d = int(m.adjusted - m.issued)
        group = dealers[(dealers["province"] == m.province) & (dealers["line"] == m.line)]
        free = group[~_cell(group).isin(fixed)]
        held = int(free["target"].sum())
        if free.empty or (d > 0 and held < d):
            problems.append(f"{m.province} {m.line}: dealers add up to {m.adjusted}, the issued province target is "
                            f"{m.issued} ({d:+d}); the dealers not adjusted this month hold {held} units, "
                            f"too few to take up {d}")  # fmt: skip
            continue
        weights = free["target"].to_numpy(dtype="float64")
        if d < 0 and weights.sum() == 0:
            weights = np.ones(len(free))
        moved = apportion(abs(d), weights)
        new = free["target"].to_numpy(dtype="int64") + (-moved if d > 0 else moved)
        changes.append(pd.DataFrame({"dealer_id": free["dealer_id"].to_numpy(), "line": m.line, "target": new}))
    if problems:
        raise AdjustmentError(_listing("the adjustment cannot be rebalanced; nothing was recorded:", problems))
    return pd.concat(changes, ignore_index=True) if changes else pd.DataFrame(columns=list(REQUEST_COLUMNS))


def new_record(issued: MonthTargets, earlier: Sequence[Record], request: pd.DataFrame, *, by: str, at: str,
               reason: str, source: str, source_sha256: str, province_totals: str = "refuse") -> Record:  # fmt: skip
    """The record of ``request`` (checked rows) on the targets ``issued`` after the ``earlier`` records.

    Rows whose target equals the issued one are dropped; :class:`AdjustmentError` when nothing
    changes, when a province total breaks under ``refuse`` or cannot be rebalanced.
    """
    if not by.strip():
        raise AdjustmentError("say who adjusts: give --by NAME")
    if not reason.strip():
        raise AdjustmentError("say why: give --reason TEXT (it is shown beside the adjusted targets)")
    current = issued.dealer.set_index(["dealer_id", "line"])["target"]
    before = current.reindex(_cell(request)).to_numpy(dtype="int64")
    changed = request[before != request["target"].to_numpy(dtype="int64")].reset_index(drop=True)
    if changed.empty:
        raise AdjustmentError(f"{source}: every target equals the issued one of {issued.month}: nothing to record")
    after = with_targets(issued.dealer, changed)
    extra = pd.DataFrame(columns=list(REQUEST_COLUMNS))
    mismatches = province_mismatches(after, issued.province)
    if not mismatches.empty and province_totals != "rebalance":
        raise AdjustmentError(_listing(
            f"{source}: the adjusted dealer targets no longer add up to their province's issued target "
            "(issue.province_totals: refuse); move units between dealers of the same province and line, "
            "or set issue.province_totals: rebalance. Nothing was recorded:", _mismatch_lines(mismatches)))
    if not mismatches.empty:
        fixed = _cell(changed).append(pd.MultiIndex.from_tuples(
            [(r["dealer_id"], r["line"]) for rec in earlier for r in rec.rows], names=["dealer_id", "line"]))
        extra = rebalanced(after, issued.province, fixed)
    rows = [*_record_rows(changed, current, False), *_record_rows(extra, current, True)]
    log.info("adjustment of %s by %s: %d row(s), %d rebalanced", issued.month, by, len(changed), len(extra))
    return Record(issued.month, by.strip(), at, reason.strip(), source, source_sha256, tuple(rows))


def _record_rows(rows: pd.DataFrame, current: pd.Series, rebalance: bool) -> list[dict[str, object]]:
    before = current.reindex(_cell(rows)).to_numpy(dtype="int64") if len(rows) else []
    return [{"dealer_id": str(d), "line": str(line), "before": int(b), "target": int(t), "rebalanced": rebalance}
            for d, line, t, b in zip(rows["dealer_id"], rows["line"], rows["target"], before, strict=True)]  # fmt: skip


def apply_adjustments(formula: MonthTargets, records: Sequence[Record]) -> tuple[MonthTargets, pd.DataFrame]:
    """The issued targets: ``formula`` with every record applied in order, and the adjustments table.

    :class:`AdjustmentError` when a record names a dealer x line the month has no target for, or
    when the adjusted dealers no longer add up to their issued province targets (the formula moved
    since a record was made: record a correcting adjustment).
    """
    month = str(Month.of(formula.month))
    dealers = formula.dealer
    known = _cell(dealers)
    rows = []
    for record in records:
        if record.month != month:
            raise AdjustmentError(f"the adjustment record {record.name} is for {record.month}, not {month}")
        frame = pd.DataFrame(list(record.rows), columns=list(ROW_FIELDS))
        unknown = frame[~_cell(frame).isin(known)] if len(frame) else frame
        if len(unknown):
            raise AdjustmentError(
                f"the adjustment record {record.name} names dealer x line without a target of {month}: "
                + ", ".join(f"{r.dealer_id} {r.line}" for r in unknown.itertuples(index=False))
            )
        dealers = with_targets(dealers, frame)
        rows.append(frame.assign(record=record.name, adjusted_by=record.by, adjusted_at=record.at,
                                 reason=record.reason))  # fmt: skip
    mismatches = province_mismatches(dealers, formula.province)
    if not mismatches.empty:
        raise AdjustmentError(_listing(
            f"the adjustments of {month} no longer add up to the issued province targets (the formula targets "
            "changed since they were recorded); record a correcting adjustment with `kaplan adjust`:",
            _mismatch_lines(mismatches)))
    table = adjustment_table(formula, rows)
    return replace(formula, dealer=dealers, adjustments=table), table


def adjustment_table(formula: MonthTargets, rows: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One row per dealer x line an adjustment set: formula and adjusted target side by side, who, when, why.

    A dealer x line set by several records shows its last one (the target it is issued with).
    """
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("formula_target", "adjusted_target", "change")
                                          else "bool" if c == "rebalanced" else "str")
                             for c in ADJUSTMENT_COLUMNS})  # fmt: skip
    every = pd.concat(rows, ignore_index=True).drop_duplicates(["dealer_id", "line"], keep="last")
    info = formula.dealer.set_index(["dealer_id", "line"])
    at = info.index.get_indexer(_cell(every))
    formula_target = info["target"].to_numpy(dtype="int64")[at]
    out = pd.DataFrame(
        {
            "month": formula.month,
            "region": info["region"].to_numpy()[at],
            "province": info["province"].to_numpy()[at],
            "dealer_id": every["dealer_id"].to_numpy(),
            "dealer_name": info["dealer_name"].to_numpy()[at],
            "line": every["line"].to_numpy(),
            "formula_target": formula_target,
            "adjusted_target": every["target"].to_numpy(dtype="int64"),
            "change": every["target"].to_numpy(dtype="int64") - formula_target,
            "adjusted_by": every["adjusted_by"].to_numpy(),
            "adjusted_at": every["adjusted_at"].to_numpy(),
            "reason": every["reason"].to_numpy(),
            "record": every["record"].to_numpy(),
            "rebalanced": every["rebalanced"].astype("bool").to_numpy(),
        }
    )
    return out.sort_values(["region", "province", "dealer_id", "line"], kind="stable").reset_index(drop=True)


def issue_version(records: Sequence[Record]) -> str:
    """``v1`` for the formula targets, ``v2`` after the first adjustment of the month, and so on."""
    return f"v{len(records) + 1}"


def record_month(month: MonthLike) -> str:
    """The folder name of a month's records (``2026-06``)."""
    return str(Month.of(month))


RECORD_NAME = re.compile(r"\d{4,}\.json")


def adjustment_records(params_file: str | Path | None, month: MonthLike) -> list[Record]:
    """The records of ``<params folder>/adjustments/<month>/`` (0001.json, 0002.json, ...), in number order."""
    folder = adjustments_dir(params_file or None) / str(Month.of(month))
    if not folder.is_dir():
        return []
    files = sorted((p for p in folder.iterdir() if RECORD_NAME.fullmatch(p.name)), key=lambda p: int(p.stem))
    return [record_from_json(p.read_text(encoding="utf-8"), p.name) for p in files]
