"""The loaded input: ten DataFrames with the dtypes of :mod:`kaplan.core.schema`.

:func:`kaplan.load` returns a :class:`Tables` after validation. :meth:`Tables.from_frames`
builds one from frames already known to be clean (tests, the sample generator) by only fixing
dtypes: it does not validate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields

import pandas as pd
import pyarrow
import pyarrow.compute as pc

from kaplan.core.schema import DTYPES, TABLES


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with exactly the contract's columns of table ``name``, in order, typed."""
    spec = TABLES[name]
    out = {}
    for column in spec.columns:
        values = frame[column.name] if column.name in frame else pd.Series([pd.NA] * len(frame))
        dtype = DTYPES[column.kind]
        if column.kind == "date":
            out[column.name] = pd.to_datetime(values).astype("datetime64[ns]")
        elif column.kind == "int":
            out[column.name] = values.astype("int64")
        elif column.kind == "float":
            out[column.name] = pd.to_numeric(values).astype("float64")
        else:
            out[column.name] = values.astype(dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


@dataclass(frozen=True)
class Tables:
    org: pd.DataFrame
    staff: pd.DataFrame
    products: pd.DataFrame
    customers: pd.DataFrame
    sales: pd.DataFrame
    annual_targets: pd.DataFrame
    leads: pd.DataFrame
    lead_factors: pd.DataFrame
    lead_contacts: pd.DataFrame
    kpi_submissions: pd.DataFrame
    # sha256 of each input file read, by table name (empty when built from frames)
    hashes: Mapping[str, str] = field(default_factory=dict, compare=False)
    # clean-ups applied while loading (trimmed spaces, full-width digits, ...), as text
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame) -> Tables:
        """Tables from clean frames; a table not given is empty."""
        unknown = set(frames) - set(TABLES)
        if unknown:
            raise TypeError(f"unknown tables: {sorted(unknown)}")
        built = {
            name: typed(name, frames.get(name, pd.DataFrame(columns=list(spec.column_names))))
            for name, spec in TABLES.items()
        }
        return cls(**built)

    def __iter__(self) -> Iterator[tuple[str, pd.DataFrame]]:
        for f in fields(self):
            if f.name in TABLES:
                yield f.name, getattr(self, f.name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(name)
        return getattr(self, name)

    @property
    def data_hash(self) -> str:
        """One short hash of all input files (blank when built from frames)."""
        import hashlib

        joined = "".join(f"{k}={v};" for k, v in sorted(self.hashes.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:12] if joined else ""


def pa_array(values: pd.Series) -> pyarrow.Array:
    """The arrow strings behind a ``str`` Series (missing cells as nulls), as one array."""
    array = pyarrow.array(values, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pyarrow.ChunkedArray) else array


def isin(values: pd.Series, allowed: pd.Series) -> pd.Series:
    """``values.isin(allowed)`` for text, by arrow's hash lookup: pandas 3 loops over ``allowed`` in Python
    for arrow-backed strings (measured: 1.27 s for 84 k lead ids against 0.02 s here)."""
    found = pc.is_in(pa_array(values), value_set=pa_array(allowed.drop_duplicates()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype="bool")
