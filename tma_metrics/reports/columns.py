"""What a DataFrame column holds, for the export writers: kind of value and unit.

Every writer (Excel, CSV, slides) first turns each column into a :class:`Column`
whose values have one predictable representation per kind, so pandas' many dtypes
(numpy, nullable ``Int64``/``Float64``/``boolean``, ``string``/``str``, object columns
of ``date`` objects, tz-aware timestamps, periods) are handled in one place. The unit
is the KPI catalog's (`tma_metrics.metrics.COLUMNS`), found by the column's field name
or by its French header; a column the catalog does not know has no unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from tma_metrics.metrics import COLUMNS as CATALOG
from tma_metrics.metrics import Column as CatalogColumn

__all__ = ["LOCAL_TZ", "Column", "Kind", "catalog_entry", "columns_of", "normalise", "unit_of"]

#: Wall-clock zone used when a timestamp column carries a time zone.
LOCAL_TZ = "Europe/Paris"


class Kind(StrEnum):
    """The kind of values a column holds once normalised."""

    TEXT = "text"  # object Series of str, None when missing
    BOOL = "bool"  # pandas "boolean" Series
    INTEGER = "integer"  # pandas "Int64" Series
    NUMBER = "number"  # float64 Series, NaN when missing (infinities too)
    DATE = "date"  # naive datetime64 Series, all at midnight (or named as a date)
    DATETIME = "datetime"  # naive datetime64 Series
    MONTH = "month"  # naive datetime64 Series, first day of each month
    DURATION = "duration"  # timedelta64 Series


#: Catalog entries by French header (`metrics.Column.header`), next to field names.
_BY_HEADER: dict[str, CatalogColumn] = {c.header: c for c in CATALOG.values()}
#: Names of columns holding a calendar date (time of day dropped).
_DATE_NAME = re.compile(r"(^|_)(date|day|on|start|end)$")
#: Names of columns holding a moment (date and time).
_DATETIME_NAME = re.compile(r"_at$")


@dataclass(frozen=True, eq=False)
class Column:
    """One column ready to be written: header, kind, unit and normalised values (``data``)."""

    name: str
    kind: Kind
    data: pd.Series
    unit: str | None = None  # the catalog's unit (`metrics.COLUMN_UNITS`)


def catalog_entry(name: str) -> CatalogColumn | None:
    """Return the catalog entry of a column named by its field name or its French header."""
    return CATALOG.get(name) or _BY_HEADER.get(name)


def unit_of(name: str) -> str | None:
    """Return the catalog unit of a column, None when the catalog does not know it.

    >>> unit_of("consumed_days"), unit_of("Temps passé (h)"), unit_of("compliance"), unit_of("x")
    ('j', 'h', '%', None)
    """
    entry = catalog_entry(name)
    return entry.unit if entry is not None else None


def columns_of(df: pd.DataFrame) -> list[Column]:
    """Normalise every column of a frame (the index is ignored)."""
    return [
        normalise(str(name), df.iloc[:, i].reset_index(drop=True))
        for i, name in enumerate(df.columns)
    ]


def normalise(name: str, series: pd.Series) -> Column:
    """Classify one column and convert its values to its kind's representation."""
    kind, values = _classify(name, series)
    return Column(name=name, kind=kind, data=values, unit=unit_of(name))


def _classify(name: str, s: pd.Series) -> tuple[Kind, pd.Series]:
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _classify(name, s.astype(object))
    if ptypes.is_bool_dtype(dtype):
        return Kind.BOOL, s.astype("boolean")
    if ptypes.is_integer_dtype(dtype):
        return Kind.INTEGER, s.astype("Int64")
    if ptypes.is_float_dtype(dtype):
        return Kind.NUMBER, _floats(s)
    if isinstance(dtype, pd.PeriodDtype):
        return _periods(name, s)
    if ptypes.is_datetime64_any_dtype(dtype):
        return _moments(name, s)
    if ptypes.is_timedelta64_dtype(dtype):
        return Kind.DURATION, s
    if ptypes.is_string_dtype(dtype) and not ptypes.is_object_dtype(dtype):
        return Kind.TEXT, _texts(s)
    return _classify_objects(name, s)


def _classify_objects(name: str, s: pd.Series) -> tuple[Kind, pd.Series]:
    inferred = ptypes.infer_dtype(s, skipna=True)
    if inferred == "boolean":
        return Kind.BOOL, s.astype("boolean")
    if inferred == "integer":
        return Kind.INTEGER, s.astype("Int64")
    if inferred in ("floating", "mixed-integer-float", "decimal"):
        return Kind.NUMBER, _floats(pd.to_numeric(s))
    if inferred in ("date", "datetime", "datetime64"):
        try:
            return _moments(name, pd.to_datetime(s))
        except (TypeError, ValueError):  # mixed time zones: keep them as text
            return Kind.TEXT, _texts(s)
    if inferred == "period":
        return _periods(name, s.astype(pd.PeriodDtype(s.dropna().iloc[0].freq)))
    if inferred == "timedelta":
        return Kind.DURATION, pd.to_timedelta(s)
    return Kind.TEXT, _texts(s)


def _floats(s: pd.Series) -> pd.Series:
    values = s.to_numpy(dtype=float, na_value=np.nan)
    # Excel has no infinity; an empty cell is more honest than a huge number.
    return pd.Series(np.where(np.isfinite(values), values, np.nan), dtype="float64")


def _texts(s: pd.Series) -> pd.Series:
    text = s.astype(object).map(str, na_action="ignore").astype(object)
    return text.where(s.notna(), None)


def _moments(name: str, s: pd.Series) -> tuple[Kind, pd.Series]:
    if s.dt.tz is not None:
        s = s.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    key = name.lower()
    if _DATETIME_NAME.search(key):
        return Kind.DATETIME, s
    at_midnight = bool(((s == s.dt.normalize()) | s.isna()).all())
    if _DATE_NAME.search(key) or at_midnight:
        return Kind.DATE, s.dt.normalize()
    return Kind.DATETIME, s


def _periods(name: str, s: pd.Series) -> tuple[Kind, pd.Series]:
    freq = s.dtype.freq
    if freq.n == 1 and isinstance(freq, pd.offsets.MonthEnd):
        return Kind.MONTH, s.dt.to_timestamp()
    if freq.n == 1 and isinstance(freq, pd.offsets.Day):
        return Kind.DATE, s.dt.to_timestamp()
    return Kind.TEXT, _texts(s)
