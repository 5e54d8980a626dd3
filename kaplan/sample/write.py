"""``kaplan sample``: a synthetic, deterministic input data set, and the bundled demo data set.

- :func:`sample_tables` draws the ten tables of :mod:`kaplan.core.schema` for a scale (``small``, ``demo``,
  ``national``; sizes in :data:`SCALES`), a seed and the last date covered (``until``). How each table
  is drawn is stated in :mod:`kaplan.sample.world` (dealers, staff, products, customers, sales,
  annual targets) and :mod:`kaplan.sample.leads` (leads, factors, contacts, KPI submissions).
- :func:`write_sample` writes them as ``NAME.csv`` (UTF-8, no index, ISO dates), ``NAME.xlsx`` (one
  sheet named NAME, real date cells) or ``NAME.parquet``, or as one table each into a SQLite file
  (``--format sqlite``, :func:`write_database`, which also writes into any SQLAlchemy URL).
- :func:`demo_data_dir` returns the bundled demo data set (scale demo, seed 7, until 2026-06-20, CSV),
  generated once into a per-user cache folder.

Determinism: each table has its own numpy ``Generator`` spawned from ``SeedSequence(seed)``, nothing
reads the clock, rows come out in a fixed order, and the writers embed no timestamps (XlsxWriter's
document dates are fixed to ``until``; parquet and CSV carry none), so the same options give
byte-identical files.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kaplan import __version__
from kaplan.core.errors import KaplanError
from kaplan.core.files import cache_root, source_hash
from kaplan.core.params import load_params
from kaplan.core.schema import TABLES
from kaplan.core.tables import Tables
from kaplan.sample import leads as pipeline
from kaplan.sample import world
from kaplan.sample.world import SCALES, Scale

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "parquet", "sqlite")
DEMO = {"scale": "demo", "seed": 7, "until": date(2026, 6, 20)}
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2035, 12, 31)
XLSX_MAX_ROWS = 1_048_575
STREAMS = ("org", "staff", "customers", "intensity", "sales", "annual_targets", "leads", "scorecards", "kpi", "wins")

__all__ = ["FORMATS", "SCALES", "Scale", "demo_data_dir", "sample_tables", "write_sample"]


def _check(scale: str, until: date, fmt: str, seed: int = 0) -> None:
    if seed < 0:
        raise KaplanError(f"--seed {seed} is negative: give a whole number 0 or above")
    if scale not in SCALES:
        raise KaplanError(f"unknown sample scale {scale!r}: use one of {', '.join(SCALES)}")
    if fmt not in FORMATS:
        raise KaplanError(f"unknown sample format {fmt!r}: use one of {', '.join(FORMATS)}")
    if not FIRST_DAY <= until <= LAST_DAY:
        raise KaplanError(f"--until {until} is outside {FIRST_DAY} .. {LAST_DAY}: give a date in that range")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}


def _split_deadline_day() -> int:
    return load_params().kpi.split_deadline_day


def sample_tables(scale: str = "demo", seed: int = 7, until: date = DEMO["until"]) -> Tables:
    """The ten synthetic tables for ``scale``, ``seed`` and last date ``until`` (typed, not validated)."""
    _check(scale, until, "csv", seed)
    size = SCALES[scale]
    rng = _streams(seed)
    end = np.datetime64(until.isoformat(), "D")
    traits = world.dealers(rng["org"], size.dealers, end)
    product_frame = world.products(size)
    staff_frame = world.staff(rng["staff"], traits, size.staff)
    customer_frame = world.customers(rng["customers"], size.customers)
    month_starts = world.months(end)
    expected = world.intensity(rng["intensity"], traits, size, month_starts)
    sales = world.sales(rng["sales"], traits, product_frame, customer_frame, expected, month_starts, end)
    targets = world.annual_targets(rng["annual_targets"], traits, product_frame, sales, expected, month_starts)
    owner_ids = world.owners(staff_frame, traits)
    leads = pipeline.leads(rng["leads"], size.leads, traits, owner_ids, product_frame, customer_frame, end)
    leads = pipeline.wins_from_orders(rng["wins"], leads, sales, traits, owner_ids, product_frame, customer_frame)
    factors, contacts = pipeline.scorecards(rng["scorecards"], leads)
    kpi = pipeline.kpi_submissions(rng["kpi"], staff_frame, end, _split_deadline_day())
    return Tables.from_frames(
        org=traits,
        staff=staff_frame,
        products=product_frame,
        customers=customer_frame,
        sales=sales,
        annual_targets=targets,
        leads=leads,
        lead_factors=factors,
        lead_contacts=contacts,
        kpi_submissions=kpi,
    )


# ---------------------------------------------------------------- writing


def arrow_table(name: str, frame: pd.DataFrame) -> pa.Table:
    """The table as a pyarrow Table with contract types (dates as date32, blanks as nulls)."""
    import pyarrow as pa

    arrays = {}
    for column in TABLES[name].columns:
        values = frame[column.name]
        if column.kind == "date":
            arrays[column.name] = pa.array(values.to_numpy().astype("datetime64[D]"), type=pa.date32(),
                                           mask=values.isna().to_numpy())  # fmt: skip
        elif column.kind == "int":
            arrays[column.name] = pa.array(values.to_numpy(), type=pa.int64())
        elif column.kind == "float":
            arrays[column.name] = pa.array(values.to_numpy(), type=pa.float64(), from_pandas=True)
        else:
            arrays[column.name] = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return pa.table(arrays)


def write_csv(path: Path, name: str, frame: pd.DataFrame) -> None:
    """UTF-8 CSV, header row, no index, ISO dates, ints without decimals, blanks empty."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = arrow_table(name, frame)
    try:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
    except pa.ArrowInvalid:  # a value holds a comma, quote or line break: quote strings
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def write_parquet(path: Path, name: str, frame: pd.DataFrame) -> None:
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(name, frame), path, compression="zstd")


def write_xlsx(path: Path, name: str, frame: pd.DataFrame, created: datetime) -> None:
    """One sheet named ``name``; dates as date cells, blanks as empty cells, text never a formula."""
    import xlsxwriter

    if len(frame) > XLSX_MAX_ROWS:
        raise KaplanError(
            f"table {name} has {len(frame):,} rows, more than an Excel sheet holds: "
            "use --format csv or --format parquet at this scale"
        )
    options = {"constant_memory": True, "default_date_format": "yyyy-mm-dd", "strings_to_formulas": False,
               "strings_to_numbers": False, "strings_to_urls": False}  # fmt: skip
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"created": created})
    sheet = book.add_worksheet(name)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, list(frame.columns))
    columns = [_cells(frame[c]) for c in frame.columns]
    is_date = [pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame.columns]
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if is_date[c]:
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    book.close()


def _cells(series: pd.Series) -> list:
    """Python cell values of a column: dates as datetime, NaN/NA as None."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    values = series.astype(object).where(series.notna(), None)
    return values.tolist()


WRITERS = {"csv": write_csv, "parquet": write_parquet}
FILE_FORMATS = ("csv", "xlsx", "parquet")


def write_database(url: str, tables: Tables) -> None:
    """Each table into the database at ``url`` (replacing a table of that name), in one transaction.

    Contract types: dates as DATE, whole numbers as BIGINT, numbers as DOUBLE PRECISION, text as TEXT;
    blank cells as NULL.
    """
    import sqlalchemy as sa

    kinds = {"date": sa.Date(), "int": sa.BigInteger(), "float": sa.Float(precision=53)}
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for name, frame in tables:
                types = {c.name: kinds.get(c.kind, sa.Text()) for c in TABLES[name].columns}
                frame.to_sql(name, connection, if_exists="replace", index=False, dtype=types, chunksize=50_000)
    finally:
        engine.dispose()


def other_format_files(out: Path, fmt: str) -> list[str]:
    """Table files in ``out`` of another format than ``fmt`` (the loader would see two of a table)."""
    if not out.is_dir():
        return []
    others = [f"{name}.{other}" for name in TABLES for other in FILE_FORMATS if other != fmt]
    return sorted(name for name in others if (out / name).exists())


def write_tables(out: Path, tables: Tables, fmt: str, created: datetime) -> None:
    """Write every table into ``out`` (each file written beside and renamed into place)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables:
        final = out / f"{name}.{fmt}"
        partial = out / f".{name}.{fmt}.partial"
        try:
            if fmt == "xlsx":
                write_xlsx(partial, name, frame, created)
            else:
                WRITERS[fmt](partial, name, frame)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)


def document_date(until: date) -> datetime:
    """The creation date written into xlsx files: ``until`` (never the clock)."""
    return datetime(until.year, until.month, until.day)


def write_sample(
    out: Path, scale: str = "demo", seed: int = 7, until: date = DEMO["until"], fmt: str = "csv"
) -> Path:
    """Generate the sample data set and write one file per table into ``out``; returns ``out``."""
    _check(scale, until, fmt, seed)
    out = Path(out)
    if fmt == "sqlite":
        if out.is_dir():
            raise KaplanError(f"{out} is a folder: give the SQLite file to write the sample tables into")
        out.parent.mkdir(parents=True, exist_ok=True)
        tables = sample_tables(scale, seed, until)
        write_database(f"sqlite:///{out.resolve()}", tables)
        log.info("sample %s seed %d until %s written into %s", scale, seed, until, out)
        return out
    if out.exists() and not out.is_dir():
        raise KaplanError(f"{out} is a file: give a folder to write the sample tables into")
    clash = other_format_files(out, fmt)
    if clash:
        raise KaplanError(
            f"{out} already holds {', '.join(clash[:3])}: write the {fmt} sample into an empty folder "
            "(a folder with two files of one table cannot be loaded)"
        )
    started = time.perf_counter()
    tables = sample_tables(scale, seed, until)
    drawn = time.perf_counter()
    write_tables(out, tables, fmt, document_date(until))
    log.info(
        "sample %s seed %d until %s: %s orders, %s leads; drawn in %.1fs, written (%s) in %.1fs",
        scale, seed, until, f"{len(tables.sales):,}", f"{len(tables.leads):,}", drawn - started, fmt,
        time.perf_counter() - drawn,
    )  # fmt: skip
    return out


# ---------------------------------------------------------------- the bundled demo data set


GENERATOR_MODULES = ("kaplan.sample.write", "kaplan.sample.world", "kaplan.sample.leads", "kaplan.sample.reference",
                     "kaplan.core.schema")  # fmt: skip
ABANDONED_AFTER_S = 3600


def generator_fingerprint() -> str:
    """Short hash of the generator's source, so a changed generator never reuses an old demo set."""
    return source_hash(GENERATOR_MODULES)[:8]


def demo_folder_name() -> str:
    until = DEMO["until"].isoformat()
    return f"sample-{__version__}-{DEMO['scale']}-seed{DEMO['seed']}-until{until}-g{generator_fingerprint()}"


def sweep_abandoned(root: Path, prefix: str = ".sample-") -> None:
    """Remove temporary demo folders left by killed runs (untouched for an hour)."""
    cutoff = time.time() - ABANDONED_AFTER_S
    for folder in root.glob(f"{prefix}*"):
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def data_folder(data_dir: str | Path | None) -> Path:
    """``data_dir``, or the bundled demo data set (:func:`demo_data_dir`) when none is given."""
    return Path(data_dir) if data_dir else demo_data_dir()


def demo_data_dir() -> Path:
    """The bundled demo data set (demo scale, seed 7, until 2026-06-20, CSV), generated on first use.

    It is written into a temporary sibling folder and renamed into place, so a killed run never
    leaves half a data set and two processes generating at once both end up with the same folder.
    The folder name holds kaplan's version, the options and :func:`generator_fingerprint`.
    """
    root = cache_root()
    final = root / demo_folder_name()
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    sweep_abandoned(root)
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=root))
    try:
        write_sample(partial, scale=DEMO["scale"], seed=DEMO["seed"], until=DEMO["until"], fmt="csv")
        partial.chmod(0o755)  # mkdtemp makes it private; the data set is not secret
        try:
            partial.rename(final)
        except OSError:
            if not final.is_dir():  # not a concurrent winner: a real failure
                raise
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    log.info("demo data set ready in %s", final)
    return final
