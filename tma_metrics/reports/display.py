"""Table cells as French display text (slides, text reports), through `french.formats`.

The unit is the KPI catalog's (see ``columns.unit_of``): ``12,5 j``, ``7,5 h``,
``2 h 05``, ``93 %``, ``12 jours``, ``3,5 j/mois``; dates ``22/11/2026``, timestamps
``22/11/2026 09:31``, months ``novembre 2026``, booleans ``Oui`` / ``Non``; integers
without a unit are written plainly (they are often ticket numbers); a missing value
is an em dash.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.metrics import calendar_days
from tma_metrics.reports.columns import Column, Kind, columns_of

__all__ = ["MAX_CELL_TEXT", "NUMERIC_UNITS", "display_frame", "display_texts", "is_numeric"]

#: Longest text kept in a cell before it is cut with an ellipsis.
MAX_CELL_TEXT = 80

#: Catalog unit -> French text of a number of that unit (``decimals``: 1 for floats).
_UNIT_TEXT: dict[str, Callable[[float, int], str]] = {
    "j": lambda v, d: fr.days(v, d),
    "h": lambda v, d: fr.hours(v, 2 if d and round(v * 100) % 10 else d),
    "j/mois": lambda v, _d: f"{fr.days(v)}/mois",
    "duration": lambda v, _d: fr.minutes_as_duration(v),
    "%": lambda v, _d: fr.percent(v),
    "jours": lambda v, _d: calendar_days(v),
    "ratio": lambda v, _d: fr.number(v, 2),
    "nb": lambda v, _d: fr.number(v, 0),
}


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with every cell as French display text (same index)."""
    texts = {c.name: display_texts(c) for c in columns_of(df)}
    out = pd.DataFrame(texts, dtype=object)
    out.index = df.index
    return out


def display_texts(column: Column) -> list[str]:
    """Return a column's values as French display texts."""
    values = column.data.astype(object).where(column.data.notna(), None)
    return [_text(column, value) for value in values]


#: Catalog units of numbers: their columns are right-aligned even once written as text.
NUMERIC_UNITS = frozenset({"j", "h", "%", "nb", "jours", "ratio", "j/mois", "duration", "row"})


def is_numeric(column: Column) -> bool:
    """Tell whether a column reads as numbers (right-aligned in tables)."""
    return column.kind in (Kind.NUMBER, Kind.INTEGER, Kind.DURATION) or (
        column.unit in NUMERIC_UNITS
    )


def _text(column: Column, value: object) -> str:
    if value is None:
        return fr.MISSING
    kind = column.kind
    if kind == Kind.TEXT:
        text = str(value)
        return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"
    if kind == Kind.BOOL:
        return "Oui" if value else "Non"
    if kind == Kind.DATE:
        return fr.day(value)
    if kind == Kind.DATETIME:
        return fr.timestamp(value)
    if kind == Kind.MONTH:
        return fr.month(value)
    if kind == Kind.DURATION:
        return fr.minutes_as_duration(value / pd.Timedelta(minutes=1))
    decimals = 1 if kind == Kind.NUMBER else 0
    if column.unit in _UNIT_TEXT:
        return _UNIT_TEXT[column.unit](value, decimals)
    return fr.number(value, decimals) if kind == Kind.NUMBER else str(value)
