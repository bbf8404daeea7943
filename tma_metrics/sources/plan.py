"""How an adapter describes its output: one `TablePlan` per canonical table.

A plan says, for each canonical column, which raw SQL expression over the source
columns (``c0``..``cN``) holds it and how to parse it. The engine (`engine.py`) turns
the plan into one ``CREATE TEMP TABLE ... AS SELECT`` and the import report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "CHOICE",
    "DATE",
    "HOURS",
    "KEY",
    "NUMBER",
    "PARSED_KINDS",
    "TEXT",
    "TS",
    "Field",
    "TablePlan",
    "col",
]

# Parse kinds of a field.
TEXT = "text"  # trimmed text
KEY = "key"  # an identifier: `parse_sql` over {r} must give it, NULL when invalid
TS = "ts"  # a timestamp (format chosen per column)
DATE = "date"  # a day (timestamp at midnight)
HOURS = "hours"  # a duration in hours (bare numbers count in `unit_hours`)
NUMBER = "number"  # a decimal number
CHOICE = "choice"  # one of `choices` (normalised label -> canonical value)

PARSED_KINDS = (KEY, TS, DATE, HOURS, NUMBER, CHOICE)


def col(i: int) -> str:
    """Return the raw SQL of source column ``i`` as trimmed text (NULL when empty)."""
    return f"tma_text(c{int(i)})"


@dataclass(frozen=True)
class Field:
    """One value read from the file: a canonical column or a helper (name ``_...``)."""

    name: str
    kind: str
    raw: str  # SQL over the source giving the raw text, NULL when empty
    header: str = ""  # the file's column name, for messages
    required: bool = False
    unit_hours: float = 1.0  # HOURS: hours per unit of a bare number
    utc: bool = False  # TS: the file writes UTC
    parse_sql: str | None = None  # KEY: SQL over {r}
    expected: str | None = None  # French: what a valid value looks like (KEY, CHOICE)
    choices: Mapping[str, str] | None = None  # CHOICE: normalised label -> value
    min_value: float | None = None  # HOURS/NUMBER: smaller values are refused


@dataclass(frozen=True)
class TablePlan:
    """Everything the engine needs to build one canonical table from a source."""

    table: str  # "tickets" | "time_entries" | "status_history"
    fields: tuple[Field, ...]
    constants: Mapping[str, str] = field(default_factory=dict)
    #: Canonical column -> SQL over the fields, written with {field} placeholders.
    derived: Mapping[str, str] = field(default_factory=dict)
    #: Rows to leave out without rejecting them (total rows...): SQL with {field}.
    skip: str | None = None
    skip_note: tuple[str, str] | None = None  # French singular/plural, "{n}" = rows left out
    #: Values kept as is in the ``extra`` JSON: (key shown to people, raw SQL).
    extra: tuple[tuple[str, str], ...] = ()
    #: Raw SQL columns copied into the temporary table for a later plan.
    carry: Mapping[str, str] = field(default_factory=dict)
    order: str = "dmy"  # preferred day/month order for ambiguous dates
    counts_rows: bool = True  # its source rows are the file's "rows read"
    #: French notes computed from the stats (non-null counts per column, rows kept).
    notes: Callable[[Mapping[str, int]], list[str]] | None = None

    def field(self, name: str) -> Field | None:
        """Return the field called ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)
