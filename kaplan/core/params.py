"""Parameters: declared once, typed, validated before any work starts.

``params/default.yaml`` holds the defaults of docs/operations.md §4; a per-month file beside it
(``params/2026-06.yaml``) overrides any part of it for that month. Every problem in a file is
reported together, as one :class:`~kaplan.core.errors.ParamsError`.
"""

from __future__ import annotations

import io
import logging
import os
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from kaplan.core.errors import ParamsError
from kaplan.core.files import write_atomically
from kaplan.core.months import Month
from kaplan.core.schema import KPI_ITEMS, TABLES

log = logging.getLogger(__name__)

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Adjustment = Annotated[float, Field(gt=-1.0)]



class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SplitWeights(Strict):
    """The seed's three "XX%" weights of the composite split, and the optional weighted-pipeline
    weight (known tenders, 0 by default: the seed's formula) (docs/method.md §2.2)."""

    trailing3: NonNegative = 0.4
    last_month: NonNegative = 0.3
    annual: NonNegative = 0.3
    pipeline: NonNegative = 0.0

    @model_validator(mode="after")
    def _not_all_zero(self) -> SplitWeights:
        if self.trailing3 + self.last_month + self.annual + self.pipeline <= 0:
            raise ValueError("weights trailing3, last_month, annual and pipeline are all 0: "
                             "give at least one a positive weight")
        return self

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.trailing3, self.last_month, self.annual, self.pipeline)


class Scenario(SplitWeights):
    name: str


class StatusThresholds(Strict):
    """Board status by completion minus time progress: ahead above ``ahead``, behind below ``behind``."""

    ahead: float = 0.05
    behind: float = -0.05

    @model_validator(mode="after")
    def _ordered(self) -> StatusThresholds:
        if self.behind > self.ahead:
            raise ValueError(f"behind ({self.behind}) must not be above ahead ({self.ahead})")
        return self


class Tiers(Strict):
    """Cumulative value shares that close the key and the secondary tier (docs/method.md §2.4)."""

    key: Probability = 0.80
    secondary: Probability = 0.95

    @model_validator(mode="after")
    def _ordered(self) -> Tiers:
        if not self.key < self.secondary:
            raise ValueError(f"key ({self.key}) must be below secondary ({self.secondary})")
        return self


class StageProbabilities(Strict):
    discover: Probability = 0.05
    contact: Probability = 0.10
    analyse: Probability = 0.25
    position: Probability = 0.40
    commit: Probability = 0.70
    tender: Probability = 0.85
    won: Probability = 1.0
    lost: Probability = 0.0


class Scorecard(Strict):
    """Entry-barrier scorecard (§3.2): group weights and how far it may move a probability."""

    public: NonNegative = 0.5
    private: NonNegative = 0.3
    hidden: NonNegative = 0.2
    max_adjustment: Probability = 0.5

    @model_validator(mode="after")
    def _not_all_zero(self) -> Scorecard:
        if self.public + self.private + self.hidden <= 0:
            raise ValueError("scorecard weights public, private and hidden are all 0")
        return self


class Qualification(Strict):
    """Rule-based "worth investing?" flag per lead (§3 车辆采购预算)."""

    min_units: Annotated[int, Field(ge=1)] = 3
    min_budget_per_unit: NonNegative = 80_000.0
    max_months_to_close: Annotated[int, Field(ge=0)] = 12


class Kpi(Strict):
    """KPI items (§4): weights, timeliness rule and the KPI part of performance pay."""

    weights: dict[str, NonNegative] = Field(
        default_factory=lambda: {
            "target_split": 0.05,
            "deal_stats": 0.05,
            "lead_reports": 0.30,
            "relationship_tracking": 0.30,
            "monthly_summary": 0.30,
        }
    )
    points_per_late_day: NonNegative = 10.0
    grace_days: Annotated[int, Field(ge=0)] = 0
    performance_pay_share: Probability = 0.30
    split_deadline_day: Annotated[int, Field(ge=1, le=28)] = 5
    # the assessment is compiled by this day of the next month (the seed: 下月月初1日2日前)
    compile_deadline_day: Annotated[int, Field(ge=1, le=28)] = 2

    @field_validator("weights")
    @classmethod
    def _known_items(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(weights) - set(KPI_ITEMS))
        missing = sorted(set(KPI_ITEMS) - set(weights))
        problems = []
        if unknown:
            problems.append(f"unknown KPI item(s) {unknown}; known: {list(KPI_ITEMS)}")
        if missing:
            problems.append(f"KPI item(s) {missing} have no weight")
        if not problems and abs(sum(weights.values()) - 1.0) > 1e-9:
            problems.append(f"KPI weights must sum to 1 (100%), they sum to {sum(weights.values()):g}")
        if problems:
            raise ValueError("; ".join(problems))
        return weights


class IncentiveBand(Strict):
    """From ``attainment_from`` (inclusive) up to the next band's start (exclusive): ``rate`` 元 per unit."""

    attainment_from: NonNegative
    rate: NonNegative


def _bands(*pairs: tuple[float, float]) -> tuple[IncentiveBand, ...]:
    return tuple(IncentiveBand(attainment_from=a, rate=r) for a, r in pairs)


class RoleIncentive(Strict):
    """One role's incentive (docs/method.md §2.5): what its units are, its bands (元 per unit), its cap.

    ``base``: ``own_dealers`` (a specialist: the units of the dealer they look after), ``territory``
    (a manager or director: the units of their province or region, paid at their own override
    rates) or ``none`` (the role earns no unit incentive). ``cap``: most 元 one person of the role
    earns in a month (blank: no cap).
    """

    base: Literal["own_dealers", "territory", "none"]
    bands: tuple[IncentiveBand, ...]
    cap: NonNegative | None = None

    @field_validator("bands")
    @classmethod
    def _ascending(cls, bands: tuple[IncentiveBand, ...]) -> tuple[IncentiveBand, ...]:
        starts = [band.attainment_from for band in bands]
        if not bands:
            raise ValueError("at least one band is needed")
        if starts[0] != 0:
            raise ValueError(f"the first band must start at 0, it starts at {starts[0]}")
        if any(b <= a for a, b in pairwise(starts)):
            raise ValueError(f"bands must be strictly ascending by attainment_from, got {starts}")
        return bands


class Incentive(Strict):
    """Tiered incentive (阶梯式激励): ``marginal`` (超额累进) or ``whole`` (全额累进), bands per role."""

    mode: Literal["marginal", "whole"] = "marginal"
    dealer_specialist: RoleIncentive = RoleIncentive(
        base="own_dealers", bands=_bands((0.0, 0.0), (0.8, 200.0), (1.0, 400.0), (1.2, 600.0)), cap=20_000.0
    )
    regional_manager: RoleIncentive = RoleIncentive(
        base="territory", bands=_bands((0.0, 0.0), (0.8, 20.0), (1.0, 40.0), (1.2, 60.0)), cap=20_000.0
    )
    regional_director: RoleIncentive = RoleIncentive(
        base="territory", bands=_bands((0.0, 0.0), (0.8, 5.0), (1.0, 10.0), (1.2, 15.0)), cap=20_000.0
    )

    @model_validator(mode="before")
    @classmethod
    def _role_defaults(cls, data: Any) -> Any:
        """A role given in part (``regional_manager: {cap: 5000}``) keeps its other defaults."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for role in ("dealer_specialist", "regional_manager", "regional_director"):
            given = out.get(role)
            if isinstance(given, dict):
                out[role] = {**cls.model_fields[role].default.model_dump(), **given}
        return out

    @model_validator(mode="after")
    def _bases(self) -> Incentive:
        problems = []
        if self.dealer_specialist.base == "territory":
            problems.append("dealer_specialist.base: a specialist has no territory: use own_dealers or none")
        for role in ("regional_manager", "regional_director"):
            if getattr(self, role).base == "own_dealers":
                problems.append(f"{role}.base: a {role} looks after no dealer of their own: use territory or none")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def of(self, role: str) -> RoleIncentive:
        """The incentive of ``role`` (a staff role code)."""
        return getattr(self, role)


class Rectification(Strict):
    """A dealer goes on the 整改 list when month completion trails time progress by more than ``gap``."""

    gap: Probability = 0.20
    # earlier months checked for "months trailing in a row" (each needs that month's issued targets)
    lookback_months: Annotated[int, Field(ge=0, le=24)] = 5


class Landing(Strict):
    """The landing forecast (docs/method.md §2.3): orders of at least ``lumpy_units`` units are lumpy
    (tenders: forecast from the pipeline, not extrapolated); ``range`` the quantiles of actual / landing
    that give the low-high range."""

    lumpy_units: Annotated[int, Field(ge=1)] = 10
    base_months: Annotated[int, Field(ge=1, le=12)] = 3
    range: tuple[Probability, Probability] = (0.1, 0.9)

    @model_validator(mode="after")
    def _ordered(self) -> Landing:
        if self.range[0] >= self.range[1]:
            raise ValueError(f"the low quantile ({self.range[0]}) must be below the high one ({self.range[1]})")
        return self


class PerCapita(Strict):
    """The development window (开发时间) the per-capita target is spread over (docs/method.md §2.5).

    Blank start or end: 1 January or 31 December of the plan year (the whole year, 12 months).
    """

    window_start: date | None = None
    window_end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> PerCapita:
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValueError(f"window_end {self.window_end} is before window_start {self.window_start}")
        return self


class Database(Strict):
    """Where the tables are in a database given to ``--data`` as a URL (docs/data.md "Databases").

    Blank or absent entries keep the contract's names: table ``sales``, column ``units``.
    """

    schema_name: str = ""  # the database schema holding the tables; blank: the connection's default
    tables: dict[str, str] = Field(default_factory=dict)  # kaplan table -> table in the database
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)  # kaplan table -> {column -> database column}

    @model_validator(mode="after")
    def _known_names(self) -> Database:
        problems = [f"tables.{t}: no such kaplan table" for t in self.tables if t not in TABLES]
        problems += [f"columns.{t}: no such kaplan table" for t in self.columns if t not in TABLES]
        problems += [
            f"columns.{t}.{c}: no such column of {t} (its columns: {', '.join(TABLES[t].column_names)})"
            for t, mapping in self.columns.items()
            if t in TABLES
            for c in mapping
            if c not in TABLES[t].column_names
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def table(self, name: str) -> str:
        return self.tables.get(name) or name

    def column(self, table: str, name: str) -> str:
        return self.columns.get(table, {}).get(name) or name
class Seasonality(Strict):
    """How the January+February block of the seasonal shares is split (docs/method.md §2.1)."""

    method: Literal["pooled", "festival"] = "festival"


class TimeProgress(Strict):
    """What time progress (时间进度) counts: calendar days or official working days (docs/method.md §2.3)."""

    basis: Literal["calendar", "working_days"] = "calendar"


class Issue(Strict):
    """The regional issue workbooks and manual adjustments of the issued targets (docs/method.md §2.2).

    ``issued_by``: who issues the targets, printed in each workbook's title block (blank: the
    key-account department, in the report language). ``province_totals``: what ``kaplan adjust`` does
    when the adjusted dealer targets of a province x line no longer add up to its issued target:
    ``refuse`` (the default) or ``rebalance`` (the province's dealers not named in any adjustment of
    the month take up the difference, in proportion to their targets).
    """

    issued_by: str = ""
    province_totals: Literal["refuse", "rebalance"] = "refuse"


NationalContent = Literal["targets", "progress", "pipeline", "assessment", "issue", "notebooks"]
RegionContent = Literal["progress", "pipeline", "rectification", "issue"]
NATIONAL_AUDIENCES = ("field", "management", "analysts")
REGION_PREFIX = "region:"
ENV_NAME = r"[A-Z_][A-Z0-9_]*"


class Audiences(Strict):
    """Who may see what of a published month (docs/operations.md §5): one folder per audience.

    ``field``, ``management`` and ``analysts`` see the national contents named; every region
    (``region:<name>``) sees ``region`` of its own rows only. ``encrypt``: audience -> the environment
    variable holding its passphrase; that audience's pages are encrypted (AES-256-GCM, a key derived
    by PBKDF2-SHA256 with ``kdf_iterations``), and the run stops when the variable is not set.
    """

    field: tuple[NationalContent, ...] = ("targets", "progress")
    management: tuple[NationalContent, ...] = ("targets", "progress", "pipeline", "assessment", "issue")
    analysts: tuple[NationalContent, ...] = ("notebooks",)
    region: tuple[RegionContent, ...] = ("progress", "pipeline", "rectification", "issue")
    encrypt: dict[str, Annotated[str, Field(pattern=f"^{ENV_NAME}$")]] = Field(default_factory=dict)
    kdf_iterations: Annotated[int, Field(ge=100_000)] = 600_000

    @field_validator("encrypt")
    @classmethod
    def _known_audiences(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [k for k in value if k not in NATIONAL_AUDIENCES and not (k.startswith(REGION_PREFIX) and
                                                                          len(k) > len(REGION_PREFIX))]
        if unknown:
            raise ValueError(f"unknown audience(s) {unknown}: use field, management, analysts or region:<region name>")
        return value


class Params(Strict):
    split_weights: SplitWeights = SplitWeights()
    history_years: Annotated[int, Field(ge=1, le=10)] = 3
    quarter_adjustments: dict[Literal[1, 2, 3, 4], Adjustment] = Field(default_factory=dict)
    month_adjustments: dict[Annotated[int, Field(ge=1, le=12)], Adjustment] = Field(default_factory=dict)
    seasonality: Seasonality = Seasonality()
    rolling: bool = True
    status: StatusThresholds = StatusThresholds()
    time_progress: TimeProgress = TimeProgress()
    stale_days: Annotated[int, Field(ge=1)] = 7
    # a province x line is uncovered when its expected rest (run-rate + pipeline) is below this share of its gap
    uncovered_below: Annotated[float, Field(ge=0)] = 0.3
    # open key and secondary leads of at least this many units with no decision maker named are listed
    roles_min_units: Annotated[int, Field(ge=1)] = 10
    landing: Landing = Landing()
    # window of report dates for the reported -> won conversion per channel and class
    conversion_window_months: Annotated[int, Field(ge=1, le=120)] = 12
    # the seed's small-batch customer (小批量客户): at least this many units bought in the last twelve months
    small_batch_min_units: Annotated[int, Field(ge=1)] = 3
    tiers: Tiers = Tiers()
    stage_probabilities: StageProbabilities = StageProbabilities()
    scorecard: Scorecard = Scorecard()
    qualification: Qualification = Qualification()
    kpi: Kpi = Kpi()
    incentive: Incentive = Incentive()
    rectification: Rectification = Rectification()
    per_capita: PerCapita = PerCapita()
    scenarios: tuple[Scenario, ...] = ()
    database: Database = Database()
    # the newest sale more than this many days before the month's first day: stale data (warned or refused)
    stale_data_days: Annotated[int, Field(ge=0)] = 31
    stale_data_refuse: bool = False
    issue: Issue = Issue()
    audiences: Audiences = Audiences()

    def quarter_adjustment(self, quarter: int) -> float:
        return self.quarter_adjustments.get(quarter, 0.0)  # type: ignore[call-overload]

    def month_adjustment(self, month: int) -> float:
        return self.month_adjustments.get(month, 0.0)


DEFAULT_FILE = Path(__file__).resolve().parent.parent / "defaults" / "params.yaml"
PARAMS_FOLDER = Path("params")
PARAMS_DIR_VARIABLE = "KAPLAN_PARAMS_DIR"


def deployment_params() -> Path:
    """The deployment's ``params/``: ``$KAPLAN_PARAMS_DIR`` when set (``make lab`` sets it, since a
    notebook's kernel runs in the notebook's folder), else ``params/`` of the working directory."""
    return Path(os.environ.get(PARAMS_DIR_VARIABLE) or PARAMS_FOLDER)


def params_folder(params_file: str | Path | None = None) -> Path:
    """The folder of ``params_file``; without one, the deployment's ``params/`` (:func:`deployment_params`).

    Month overrides (``2026-06.yaml``), annual locks (``locks/``) and approvals (``approvals/``)
    live there (docs/operations.md).
    """
    return Path(params_file).parent if params_file else deployment_params()


def params_file_in_use(params_file: str | Path | None = None) -> Path:
    """``params_file``; else the deployment's ``params/default.yaml``; else the packaged defaults."""
    if params_file:
        return Path(params_file)
    own = deployment_params() / "default.yaml"
    return own if own.exists() else DEFAULT_FILE


def adjustments_dir(params_file: str | Path | None = None) -> Path:
    """Manual adjustments of issued targets live beside the params file: ``<params folder>/adjustments``."""
    return params_folder(params_file) / "adjustments"


def locks_dir(params_file: str | Path | None = None) -> Path:
    """Annual locks live beside the params file: ``<params folder>/locks``."""
    return params_folder(params_file) / "locks"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(str(path), ["file not found: give an existing YAML file with --params"]) from None
    except UnicodeDecodeError:
        raise ParamsError(str(path), ["the file is not UTF-8 text: save it as UTF-8"]) from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParamsError(str(path), [f"not valid YAML: {exc}"]) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParamsError(str(path), ["the top level must be a mapping of parameter names to values"])
    return loaded


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A new mapping: ``override`` laid over ``base``, nested mappings merged key by key."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def _messages(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown parameter: check its spelling against params/default.yaml"
        lines.append(f"{where}: {message} (found {item.get('input')!r})")
    return lines


def params_from_mapping(mapping: dict[str, Any], source: str = "(mapping)") -> Params:
    try:
        return Params.model_validate(mapping)
    except ValidationError as exc:
        raise ParamsError(source, _messages(exc)) from None


def load_params(path: str | Path | None = None, month: Month | str | None = None) -> Params:
    """Parameters from ``path`` (default :func:`params_file_in_use`) plus the month's override file.

    The override is ``<params folder>/<month>.yaml`` when it exists (``params/2026-06.yaml``).
    """
    file = params_file_in_use(path)
    mapping = _read_yaml(file)
    sources = [str(file)]
    if month:
        override = month_params_file(month, path)
        if override.exists() and override != file:
            mapping = merged(mapping, _read_yaml(override))
            sources.append(str(override))
            log.info("params: %s overridden by %s", file, override)
    return params_from_mapping(mapping, " + ".join(sources))


def params_as_dict(params: Params) -> dict[str, Any]:
    """JSON-ready form of the params, for the manifest."""
    return params.model_dump(mode="json")


def month_params_file(month: Month | str, params_file: str | Path | None = None) -> Path:
    """The month's override file ``<params folder>/YYYY-MM.yaml`` (docs/operations.md §4)."""
    return params_folder(params_file) / f"{Month.of(month)}.yaml"


def split_weights_problem(values: dict[str, float]) -> str:
    """Why ``values`` are no valid ``split_weights`` (the message a params file gets), blank when they are."""
    try:
        SplitWeights(**values)
    except ValidationError as exc:
        return "; ".join(item["msg"].removeprefix("Value error, ") for item in exc.errors())
    return ""


def save_split_weights(path: Path, weights: SplitWeights, by: str, at: datetime) -> Path:
    """Write ``split_weights`` into the YAML file ``path``, keeping its other keys and comments.

    A comment line above ``split_weights`` records who saved and when (earlier such lines stay: the
    history of the month's weights). The file is replaced atomically: a temporary file in the same
    folder, fsynced, then ``os.replace``. A file that does not parse is refused with a ParamsError.
    """
    yaml_rt = YAML()
    yaml_rt.preserve_quotes = True
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        data = yaml_rt.load(text) if text.strip() else None
    except Exception as exc:  # ruamel raises several unrelated types for bad YAML
        raise ParamsError(str(path), [f"not valid YAML: {exc}"]) from None
    if data is None:
        data = CommentedMap()
        data.yaml_set_start_comment(f"kaplan parameters for {path.stem}: override params/default.yaml")
    if not isinstance(data, CommentedMap):
        raise ParamsError(str(path), ["the top level must be a mapping of parameter names to values"])
    existing = data.get("split_weights")
    block = existing if isinstance(existing, CommentedMap) else CommentedMap()
    for name, value in weights.model_dump().items():
        block[name] = round(float(value), 6)
    data["split_weights"] = block
    data.yaml_set_comment_before_after_key("split_weights", before=f"split_weights saved by {by} at {at.isoformat()}")
    out = io.StringIO()
    yaml_rt.dump(data, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, out.getvalue())
    log.info("saved split_weights to %s", path)
    return path
