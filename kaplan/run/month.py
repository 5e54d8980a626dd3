"""``kaplan run``: validate, execute the notebooks, export, write workbooks, publish atomically.

Steps (each logged with its duration): parameters -> input validation and the passphrases of the
audiences to encrypt (exit 2 and nothing written on any problem) -> notebooks executed by papermill
into a staging folder (two at a time, each exported to self-contained HTML as soon as it is done;
each writes its own Excel workbooks and region pages there, and they compute the month's shared
results once, :mod:`kaplan.report.shared`) -> one folder per audience (:mod:`kaplan.run.audiences`), its
pages encrypted when the parameters say so (:mod:`kaplan.run.seal`) -> each audience's
``index.html`` and the version's ``manifest.json`` -> the staging folder renamed into place as
``outputs/YYYY-MM/vN`` -> the month indexes rebuilt (:mod:`kaplan.run.index`).

papermill and nbconvert are imported when the first notebook starts, not before the inputs are
validated: a bad input is refused sooner, and the run's imports overlap the kernels' work.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from jupyter_client.manager import KernelManager

from kaplan import __version__
from kaplan.assessment.assess import assessed_month
from kaplan.core.errors import KaplanError, PublishError
from kaplan.core.files import sha256_file
from kaplan.core.glossary import Lang, check_lang, label
from kaplan.core.memory import release_memory
from kaplan.core.months import Month, as_of_date
from kaplan.core.params import (
    NATIONAL_AUDIENCES,
    REGION_PREFIX,
    Params,
    adjustments_dir,
    load_params,
    locks_dir,
    params_as_dict,
)
from kaplan.inputs.coverage import check_coverage
from kaplan.inputs.database import is_database_url, redacted
from kaplan.inputs.loader import database_snapshot, load_tables
from kaplan.plan.adjustments import adjustment_records
from kaplan.report.excel import safe_file_name
from kaplan.report.layout import region_names
from kaplan.run.audiences import (
    TITLES,
    arrange,
    audience_label,
    audience_name,
    audience_of,
    audiences,
    folder_of,
    page_titles,
)
from kaplan.run.index import MONTH_INDEX, Link, version_index_html, write_month_index
from kaplan.run.kernels import WORKERS, ReadyKernels
from kaplan.run.publish import MANIFEST, publish, staging_dir, write_manifest
from kaplan.run.seal import Sealer, passphrases, seal_pages
from kaplan.sample.write import data_folder

log = logging.getLogger(__name__)

SHARED_DIR = ".shared"  # what the notebooks of a run compute once (kaplan.report.shared); never published
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"  # package data


@dataclass(frozen=True)
class Report:
    notebook: str  # file stem in notebooks/
    title: str  # glossary term


REPORTS = (
    Report("01_targets", "report_targets"),
    Report("02_progress", "report_progress"),
    Report("03_pipeline", "report_pipeline"),
    Report("04_assessment", "report_assessment"),
)


@contextmanager
def step(name: str, timings: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    log.info("%s ...", name)
    yield
    timings[name] = round(time.perf_counter() - started, 3)
    log.info("%s done in %.1f s", name, timings[name])


# the order the run starts the notebooks in: the longest first (benchmarks/RESULTS.md, bench_run), so that
# the two workers finish together; the first two also compute the shared results (kaplan.report.shared)
LONGEST_FIRST = ("03_pipeline", "02_progress", "01_targets", "04_assessment")


def available_reports(folder: Path = NOTEBOOK_DIR) -> list[Report]:
    return [r for r in REPORTS if (folder / f"{r.notebook}.ipynb").exists()]


def longest_first(reports: list[Report]) -> list[Report]:
    """``reports`` in the order the run starts them (:data:`LONGEST_FIRST`; another notebook last)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    return sorted(reports, key=lambda r: rank.get(r.notebook, len(rank)))


@dataclass(frozen=True)
class Inputs:
    """What the run keeps of the validated input: the notebooks load the tables themselves."""

    as_of: pd.Timestamp
    data_hash: str
    hashes: dict[str, str]
    folder: Path  # what the notebooks read: the input folder, or the snapshot of a database
    source: str  # what the manifest records: the folder, or the database URL without its password
    regions: tuple[str, ...] = ()  # the regions of the organisation, as their folders are named


def validated_inputs(source: Path | str | None, params_file: Path | None, month: str, as_of: object,
                     params: Params | None = None) -> Inputs:  # fmt: skip
    """Validate the input folder or database (and the annual locks) before anything is written.

    Then the month's coverage (:func:`kaplan.inputs.coverage.check_coverage`): no sales up to the
    month or no annual targets of its year stop the run (exit code 4); stale data are logged and
    shown in the reports' headlines, or stop the run when the parameters say so.

    The tables themselves are dropped here: each notebook kernel reads them again from the
    validated-table cache, so the run does not hold a third copy in memory. A database is read once,
    here: the notebooks read its snapshot (:func:`kaplan.inputs.loader.database_snapshot`).
    """
    params = params or load_params(params_file, month)
    locks = locks_dir(params_file)
    existing = locks if locks.exists() else None
    if is_database_url(source):
        tables = load_tables(str(source), locks=existing, database=params.database)
        folder, shown = database_snapshot(tables), redacted(str(source))
    else:
        folder = data_folder(source)
        tables = load_tables(folder, locks=existing)
        shown = str(folder.resolve())
    stale = check_coverage(tables.sales["date"], tables.annual_targets["year"], month, params.stale_data_days,
                           params.stale_data_refuse)  # fmt: skip
    if stale is not None:
        log.warning("stale data: the newest sale is of %s, %d days before %s began (stale_data_days = %d)",
                    stale.last_sale, stale.days, month, stale.limit)  # fmt: skip
    stamp = as_of_date(tables.sales["date"], month, as_of)
    regions = tuple(safe_file_name(r) for r in region_names(tables.org))
    inputs = Inputs(stamp, tables.data_hash, dict(sorted(tables.hashes.items())), folder, shown, regions)
    del tables
    release_memory()
    return inputs


def refuse_file_as_folder(out_dir: Path) -> None:
    """KaplanError (exit 2) when ``--out`` or a folder above it exists as a file: nothing is written."""
    for path in (out_dir, *out_dir.parents):
        if path.exists():
            if not path.is_dir():
                what = "" if path == out_dir else f" (in --out {out_dir})"
                raise KaplanError(
                    f"--out {path} is a file, not a folder{what}: give the folder to publish into; nothing was written"
                )
            return


def adjustment_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every manual adjustment record (``YYYY-MM/NNNN.json``) under ``folder``, by relative path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.glob("*/*.json"))}


def run_month(
    month: str,
    as_of: object = None,
    data_dir: Path | str | None = None,
    params_file: Path | None = None,
    out_dir: Path = Path("outputs"),
    lang: str = "zh",
    notebook_dir: Path = NOTEBOOK_DIR,
    workers: int = WORKERS,
    assess: str = "",
    kernels: ReadyKernels | None = None,
) -> Path:
    """Publish month ``month`` (and the assessment of ``assess``, default the month before); the new version folder."""
    timings: dict[str, float] = {}
    # papermill changes the process's working directory while it starts a kernel; with two
    # notebooks at once a relative path would be read against the other one's folder
    out_dir, notebook_dir = Path(out_dir).resolve(), Path(notebook_dir).resolve()
    params_file = Path(params_file).resolve() if params_file else None
    source = data_dir if is_database_url(data_dir) else (Path(data_dir).resolve() if data_dir else None)
    refuse_file_as_folder(out_dir)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    language = check_lang(lang)
    month = str(Month.of(month))
    assessed = assessed_month(month, assess)
    with step("parameters", timings):
        params = load_params(params_file, month)
        adjustment_records(params_file, month)  # a record edited by hand stops the run before anything is written
        adjustments = adjustment_hashes(adjustments_dir(params_file))
    reports = available_reports(notebook_dir)
    if not reports:
        raise KaplanError(f"no report notebooks found in {notebook_dir}")
    workdir = Path.cwd().resolve()  # the deployment: kernels find params/ where the run does
    # the first notebooks' kernels start and import while the inputs are validated (kaplan.run.kernels)
    # kernels given by the caller (``kaplan run`` starts them first) stay open for its next month
    ready = kernels if kernels is not None else ReadyKernels(min(workers, len(reports)), workdir)
    with nullcontext(ready) if kernels is not None else ready:
        with step("input validation", timings):
            inputs = validated_inputs(source, params_file, month, as_of, params)
            names = [*NATIONAL_AUDIENCES, *(f"{REGION_PREFIX}{r}" for r in inputs.regions)]
            keys = passphrases(params.audiences.encrypt, names)  # a missing passphrase stops the run here
        stamp = inputs.as_of
        month_dir = Path(out_dir) / month
        staging = staging_dir(month_dir)
        try:
            parameters = {
                "month": month,
                "assess_month": assessed,
                "as_of": stamp.date().isoformat(),
                "data_dir": str(inputs.folder.resolve()),
                "params_file": str(Path(params_file).resolve()) if params_file else "",
                "language": language,
                "output_dir": str(staging.resolve()),
                "interactive": False,
                "shared_dir": str(staging / SHARED_DIR),
            }
            (staging / "notebooks").mkdir()
            (staging / SHARED_DIR).mkdir()
            _ready_to_execute()  # while the kernels finish starting

            def report_page(report: Report) -> None:
                kernel = ready.take()
                _execute(report, notebook_dir, staging, parameters, timings, workdir, kernel)
                if kernel is not None:
                    ready.give_back(kernel)  # the worker's next notebook runs on it, as a new session
                with step(f"html export {report.notebook}", timings):
                    _export(report, staging, language)

            with step("notebooks", timings), ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(report_page, longest_first(reports)))
            shutil.rmtree(staging / SHARED_DIR)
            with step("audiences", timings):
                published_to = audiences(staging, params.audiences, month, assessed)
                arrange(staging, published_to)
                sealers = {a: Sealer.of(k, params.audiences.kdf_iterations, language) for a, k in keys.items()}
                for audience, sealer in sealers.items():
                    folder = staging / folder_of(audience)
                    seal_pages(folder, sealer, page_titles(folder, language))
            manifest = {
                "month": month,
                "assessed_month": assessed,
                "as_of": stamp.date().isoformat(),
                "language": language,
                "kaplan_version": __version__,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "data_dir": inputs.source,
                "data_hash": inputs.data_hash,
                "inputs": inputs.hashes,
                "params": params_as_dict(params),
                "adjustments": adjustments,
                "reports": [r.notebook for r in reports],
                "encrypted": sorted(sealers),
                "timings_s": timings,
            }

            def finalize(path: Path, version: str) -> None:
                for audience in published_to:
                    folder = path / audience.folder
                    page = index_html(month, manifest["as_of"], inputs.data_hash, version, folder, language, assessed,
                                      audience.name)  # fmt: skip
                    sealer = sealers.get(audience.name)
                    text = page if sealer is None else sealer.page(page, label("index_title", language))
                    (folder / "index.html").write_text(text, encoding="utf-8")
                files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
                audience = {f: audience_of(f) for f in files if f != MANIFEST}
                write_manifest(path, {**manifest, "version": version, "audiences": audience})

            with step("publish", timings):
                published = publish(staging, month_dir, finalize)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    write_month_index(out_dir, language, lambda folder: audience_label(audience_name(folder), language))
    log.info("timings: %s", json.dumps(timings))
    return published


def _ready_to_execute() -> None:
    """Import papermill and compile the page templates (each notebook needs them) before the notebooks start."""
    import kaplan.run.engine  # noqa: F401 (registers the engine, imports papermill)
    from kaplan.report.export import ready_exporter

    ready_exporter()


def _execute(report: Report, notebook_dir: Path, staging: Path, parameters: dict, timings: dict,
             workdir: Path, kernel: KernelManager | None = None) -> Report:  # fmt: skip
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from kaplan.run.engine import ENGINE

    source = notebook_dir / f"{report.notebook}.ipynb"
    target = staging / "notebooks" / f"{report.notebook}.ipynb"
    declared = notebook_parameters(source)
    started = time.perf_counter()
    try:
        pm.execute_notebook(
            str(source),
            str(target),
            parameters={k: v for k, v in parameters.items() if k in declared},
            kernel_name="python3",
            cwd=str(workdir),
            progress_bar=False,
            log_output=False,
            # written once when the notebook ends, not at each cell's start and end (two JSON dumps of
            # the whole notebook per cell: seconds of the run's CPU at national scale)
            request_save_on_cell_execute=False,
            **({"engine_name": ENGINE, "km": kernel} if kernel is not None else {}),
        )
    except PapermillExecutionError as exc:
        raise PublishError(
            f"notebook {report.notebook} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n"
            "nothing was published; fix the input or parameters named above and run again"
        ) from None
    timings[f"notebook {report.notebook}"] = round(time.perf_counter() - started, 3)
    return report


def notebook_parameters(path: Path) -> set[str]:
    """Names assigned in the notebook's ``parameters`` cell."""
    import ast

    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise KaplanError(f"{path.name} has no cell tagged 'parameters'")
    return {
        node.target.id
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }


def _export(report: Report, staging: Path, lang: Lang) -> None:
    from kaplan.report.export import notebook_html

    page = notebook_html(staging / "notebooks" / f"{report.notebook}.ipynb", label(report.title, lang))
    (staging / f"{report.notebook}.html").write_text(page, encoding="utf-8")


def index_html(month: str, as_of: str, data_hash: str, version: str, folder: Path, lang: Lang, assessed: str = "",
               audience: str = "") -> str:  # fmt: skip
    """The front page of one audience's folder of a version (:func:`kaplan.run.index.version_index_html`): facts,
    its headline, its reports by title, its workbooks by what they hold, its executed notebooks."""
    facts = [("month", month), ("assessed_month", assessed), ("as_of", as_of), ("version", version),
             ("data_hash", data_hash)]  # fmt: skip
    titles = page_titles(folder, lang)
    pages = [Link(name, titles[name]) for name in TITLES if name in titles]
    notebooks = [Link(p.relative_to(folder).as_posix(), f"{label(TITLES[p.stem + '.html'], lang)} (.ipynb)")
                 for p in sorted(folder.glob("notebooks/*.ipynb"))]  # fmt: skip
    back = f"../../../{folder.name}/{MONTH_INDEX}"
    return version_index_html(facts, pages, folder, notebooks, lang, back, audience_label(audience, lang))
