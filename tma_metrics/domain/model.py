"""The canonical model every importer produces and every engine reads.

Importers turn a tool's export into DataFrames with exactly these columns (extra
columns are dropped, missing optional ones are filled with nulls by `conform`).
Timestamps are naive ``datetime64`` values in the contract's local wall-clock time,
as the tools export them; durations are hours (float); keys are strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from tma_metrics.errors import InputError

__all__ = [
    "LINE_COLUMN",
    "REJECT_COLUMNS",
    "STATUS_HISTORY_COLUMNS",
    "TABLE_COLUMNS",
    "TICKET_COLUMNS",
    "TIME_ENTRY_COLUMNS",
    "EstimateStatus",
    "ImportFormatError",
    "Kind",
    "ParsedFile",
    "ReestimateStatus",
    "Severity",
    "conform",
    "empty_frame",
    "rejects",
]


class Kind(StrEnum):
    """Kind of ticket, as DOMAIN.md names them."""

    CORRECTIVE = "corrective"
    EVOLUTIVE = "evolutive"
    PREVENTIVE = "preventive"
    SUPPORT = "support"
    MANAGEMENT = "management"
    OTHER = "other"


class Severity(StrEnum):
    """Severity of a corrective ticket, which selects its SLA row."""

    BLOQUANTE = "bloquante"
    MAJEURE = "majeure"
    MINEURE = "mineure"


class EstimateStatus(StrEnum):
    VALIDATED = "validated"
    REFUSED = "refused"
    PENDING = "pending"


class ReestimateStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    PENDING = "pending"


# Column name -> pandas dtype. Order is the canonical order.
TICKET_COLUMNS: dict[str, str] = {
    "source": "string",  # tool family that owns the key: redmine, jira, glpi, ...
    "key": "string",  # ticket key as the tool shows it: "123", "ALPHA-12"
    "project": "string",  # project key or name as the export writes it
    "project_name": "string",  # second spelling of the project when the export has both
    "title": "string",
    "tracker": "string",  # the tool's own type label ("Anomalie", "Bug", "Incident")
    "kind": "string",  # a Kind value, derived from tracker when not given
    "priority": "string",  # the tool's own priority label; the contract maps it to a severity
    "status": "string",  # the tool's own status label
    "resolution": "string",  # the tool's resolution label (Duplicate, Won't fix, ...)
    "created_at": "datetime64[us]",
    "responded_at": "datetime64[us]",
    "workaround_at": "datetime64[us]",
    "resolved_at": "datetime64[us]",  # the tool's own resolution date: an event
    "closed_at": "datetime64[us]",  # the closing (after the client's acceptance): a bound
    "updated_at": "datetime64[us]",  # the last update of any kind: a bound, never an event
    "estimate_hours": "Float64",
    "estimate_status": "string",  # EstimateStatus value or null
    "reestimate_hours": "Float64",
    "reestimated_at": "datetime64[us]",
    "reestimate_status": "string",  # ReestimateStatus value or null
    "estimated_at": "datetime64[us]",  # when the estimate was sent to the client (evolutions)
    "approved_at": "datetime64[us]",  # when the client approved the estimate
    "delivered_at": "datetime64[us]",  # when the evolution was delivered
    "spent_hours": "Float64",  # total the tool reports on the ticket (informative)
    "assignee": "string",
    "extra": "string",  # JSON object of tool-specific values kept as is (JSM SLA columns...)
}

TIME_ENTRY_COLUMNS: dict[str, str] = {
    "source": "string",  # tool that wrote the entry: redmine, jira, tempo, kimai, ...
    "entry_id": "string",  # the tool's own id of the entry, when the export has one
    "date": "datetime64[us]",  # day the work was done (midnight)
    "started_at": "datetime64[us]",  # start time when the export has it
    "person": "string",
    "hours": "Float64",
    "ticket_source": "string",  # tool family of ticket_key (null: match any)
    "ticket_key": "string",
    "project": "string",
    "activity": "string",
    "comment": "string",
}

STATUS_HISTORY_COLUMNS: dict[str, str] = {
    "source": "string",  # who wrote the row (a tool, "canonical"); not part of the link
    "ticket_key": "string",  # links the row to the ticket with this key, whatever its tool
    "at": "datetime64[us]",
    "status": "string",  # the status the ticket entered
    "project": "string",  # tells tickets of different tools with the same key apart
}

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "tickets": TICKET_COLUMNS,
    "time_entries": TIME_ENTRY_COLUMNS,
    "status_history": STATUS_HISTORY_COLUMNS,
}

#: Column holding the 1-based line of the source file a row came from (for reports).
LINE_COLUMN = "_line"


def empty_frame(table: str) -> pd.DataFrame:
    """Return an empty DataFrame with the canonical columns and dtypes of ``table``."""
    return conform(pd.DataFrame(), table)


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``df`` restricted to the canonical columns of ``table``, in order and typed.

    Missing columns become null; the ``_line`` column is kept when present.
    """
    columns = TABLE_COLUMNS[table]
    out = pd.DataFrame(index=df.index)
    for name, dtype in columns.items():
        if name in df.columns:
            out[name] = df[name].astype(dtype)
        else:
            out[name] = pd.Series(pd.NA if dtype != "datetime64[us]" else pd.NaT, index=df.index)
            out[name] = out[name].astype(dtype)
    if LINE_COLUMN in df.columns:
        out[LINE_COLUMN] = df[LINE_COLUMN].astype("Int64")
    return out.reset_index(drop=True)


#: Columns of the rejected-rows table of an import report.
REJECT_COLUMNS: dict[str, str] = {
    "line": "Int64",  # 1-based line (CSV) or row (spreadsheet) of the record; null: whole file
    "column": "string",
    "raw": "string",
    "reason": "string",  # in French: what was expected, what was found
}


def rejects(rows: list[dict[str, object]] | None = None) -> pd.DataFrame:
    """Return a rejected-rows table (empty, or built from dicts with REJECT_COLUMNS keys)."""
    df = pd.DataFrame(rows or [], columns=list(REJECT_COLUMNS))
    return df.astype(REJECT_COLUMNS)


@dataclass
class ParsedFile:
    """What an adapter extracted from one file, before it is written to the store.

    The three tables are DuckDB relations (on the connection given to the reader) with
    exactly the canonical columns of `TABLE_COLUMNS` plus ``_line``; ``None`` when the
    file holds no such data. They are lazy: the store inserts them without going
    through Python row by row.
    """

    tool: str  # "redmine", "jira", ...
    variant: str  # "temps passé (fr)", "all fields (en)", ...
    rows_read: int
    tickets: Any = None  # duckdb.DuckDBPyRelation
    time_entries: Any = None
    status_history: Any = None
    rejected: pd.DataFrame = field(default_factory=rejects)
    warnings: list[str] = field(default_factory=list)
    #: Rows the source says no longer exist (a live sync's deleted time entries):
    #: canonical table -> DataFrame with a ``uid`` column. Files never remove rows.
    removed: dict[str, pd.DataFrame] = field(default_factory=dict)


class ImportFormatError(InputError):
    """A file cannot be read or recognised; the message (French) says expected vs found."""
