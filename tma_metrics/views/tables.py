"""French headers, labels and formats of the views' columns; client-safe selection.

The views' frames keep English column names with their unit (``spent_hours``) and
codes (``corrective``); this module turns them into what people read, with the
headers and units of the KPI catalog (`tma_metrics.metrics.COLUMNS`):

- `french_table`: French headers (unit in the header: ``Temps passé (h)``), codes as
  French labels, numbers still numbers, dates still dates, business minutes as
  durations; for exports (`reports.excel`, `reports.csv_fr`) and ``st.dataframe``;
- `display_table`: the same with every cell as French text (slides, e-mails);
- `excel_formats`: French header → format name of `reports.excel.FORMAT_CODES`.

Client views drop `INTERNAL_COLUMNS`: the time spent (next to the deducted time it
would reveal the absorbed hours), the absorbed hours, the guarantee overruns, and the
agency's people and comments from time entries. The assignee stays: the client sees
who handles its ticket in the tool anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import (
    labels,
)
from tma_metrics.metrics import COLUMNS as CATALOG_COLUMNS
from tma_metrics.metrics import calendar_days

__all__ = [
    "COLUMNS",
    "FORMAT_OF_UNIT",
    "INTERNAL_COLUMNS",
    "TECHNICAL_COLUMNS",
    "ColumnSpec",
    "cell_text",
    "display_table",
    "excel_formats",
    "for_client",
    "french_table",
]


@dataclass(frozen=True)
class ColumnSpec:
    """How one column is shown: French header, format, labels of its codes."""

    header: str
    format: str  # a reports.excel.FORMAT_CODES name, or "bool"
    labels: Mapping[str, str] | None = None
    internal: bool = False


#: Catalog unit (`metrics.COLUMN_UNITS`) -> format name (`reports.excel.FORMAT_CODES`).
FORMAT_OF_UNIT: dict[str, str] = {
    "j": "days",
    "h": "hours",
    "%": "percent",
    "date": "date",
    "nb": "integer",
    "ratio": "ratio",
    "j/mois": "days_per_month",
    "bool": "bool",
    "jours": "calendar_days",
    "id": "identifier",
    "text": "text",
    "datetime": "datetime",
    "month": "month",
    "duration": "duration",
    "row": "row",
}

#: Every column of the views, from the KPI catalog (`tma_metrics.metrics.COLUMNS`).
COLUMNS: dict[str, ColumnSpec] = {
    name: ColumnSpec(c.header, FORMAT_OF_UNIT[c.unit], c.codes, c.internal)
    for name, c in CATALOG_COLUMNS.items()
}

#: Columns a client never sees (see the module's docstring).
INTERNAL_COLUMNS = frozenset(name for name, spec in COLUMNS.items() if spec.internal)
#: Technical columns the views keep for joins; never shown nor exported.
TECHNICAL_COLUMNS = frozenset({"ticket_uid", "source", "code", "internal"})


def for_client(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the internal columns of a view's frame."""
    return frame.drop(columns=[c for c in frame.columns if c in INTERNAL_COLUMNS])


def french_table(frame: pd.DataFrame, *, client_view: bool = False) -> pd.DataFrame:
    """Return ``frame`` with French headers and labels, values kept typed.

    Raises ValueError when a column is not declared in `COLUMNS` (nor technical).
    """
    out = {}
    for name in frame.columns:
        if name in TECHNICAL_COLUMNS or (client_view and name in INTERNAL_COLUMNS):
            continue
        spec = _spec(name)
        values = frame[name].reset_index(drop=True)
        if spec.labels is not None:
            values = labels(values, spec.labels)
        elif spec.format == "duration":
            values = pd.to_timedelta(pd.to_numeric(values), unit="min")
        out[spec.header] = values
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def display_table(frame: pd.DataFrame, *, client_view: bool = False) -> pd.DataFrame:
    """Return ``frame`` with French headers and every cell as French text.

    The unit is in the header, so numbers are written without it (two decimals for
    days and hours, none for counts).
    """
    typed = french_table(frame, client_view=client_view)
    by_header = {spec.header: spec for spec in COLUMNS.values()}
    out = {}
    for header in typed.columns:
        fmt = by_header[header].format
        out[header] = [cell_text(value, fmt) for value in typed[header].astype(object)]
    return pd.DataFrame(out, index=typed.index, dtype=object)


def cell_text(value: object, fmt: str) -> str:
    """Write one value of a column of format ``fmt`` as French text ("—" when missing).

    >>> cell_text(7.25, "hours"), cell_text(0.934, "percent"), cell_text(125.0, "minutes")
    ('7,25', '93\u00a0%', '2 h 05')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return fr.MISSING
    if isinstance(value, float) and value != value:
        return fr.MISSING
    if fmt in ("days", "hours", "number", "ratio", "row"):
        return fr.number(value, 2)
    if fmt == "days_per_month":
        return fr.number(value, 1)
    if fmt == "integer":
        return fr.number(value, 0)
    if fmt == "calendar_days":
        return calendar_days(value)
    if fmt == "percent":
        return fr.percent(value)
    if fmt == "date":
        return fr.day(value)
    if fmt == "datetime":
        return fr.timestamp(value)
    if fmt == "month":
        return fr.month(value)
    if fmt == "minutes":
        return fr.minutes_as_duration(value)
    if fmt == "duration":
        return fr.minutes_as_duration(pd.Timedelta(value) / pd.Timedelta(minutes=1))
    if fmt == "bool":
        return "Oui" if value else "Non"
    return str(value)


def excel_formats(frames: Mapping[str, pd.DataFrame] | None = None) -> dict[str, str]:
    """Map French headers to `reports.excel` format names (``column_formats=``).

    Every header maps to one format (a test checks it); text and booleans are left to
    the writer.
    """
    headers = None
    if frames is not None:
        headers = {h for frame in frames.values() for h in frame.columns}
    return {
        spec.header: spec.format
        for spec in COLUMNS.values()
        if spec.format not in ("text", "bool") and (headers is None or spec.header in headers)
    }


def _spec(name: str) -> ColumnSpec:
    try:
        return COLUMNS[name]
    except KeyError:
        raise ValueError(
            f"Colonne « {name} » sans en-tête français : ajoutez-la au catalogue "
            "(tma_metrics/metrics.py, COLUMNS)."
        ) from None
