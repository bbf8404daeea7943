"""How the engine reads the text tables of a Redmine sync (the Redmine CSV adapter's rules).

Same canonical columns and parsing as a Redmine CSV export (`adapters/redmine.py`):
issue number as key, the project's name, estimate validated when present, time entries
tied to their issue. Timestamps carry their UTC ``Z`` and become local time.
"""

from __future__ import annotations

from tma_metrics.sources.adapters.base import hours_validated
from tma_metrics.sources.plan import DATE, HOURS, KEY, TEXT, TS, Field, TablePlan, col

__all__ = ["ENTRIES", "ENTRY_HEADER", "HISTORY", "HISTORY_HEADER", "TICKETS", "TICKET_HEADER"]

_ID = "un numéro de demande Redmine (ex. 1234)"

TICKET_HEADER = (
    "id", "project", "project_identifier", "subject", "tracker", "priority", "status",
    "assigned_to", "created_on", "closed_on", "estimated_hours", "spent_hours",
    "Changements de priorité", "Changements de tracker",
)  # fmt: skip
ENTRY_HEADER = (
    "id", "spent_on", "user", "hours", "issue", "project", "activity", "comments",
)  # fmt: skip
HISTORY_HEADER = ("issue", "created_on", "status")


def _f(name: str, kind: str, i: int, header: tuple[str, ...], **options: object) -> Field:
    return Field(name, kind, col(i), header=header[i], **options)  # type: ignore[arg-type]


TICKETS = TablePlan(
    "tickets",
    (
        _f("key", KEY, 0, TICKET_HEADER, required=True, parse_sql="tma_digits({r})", expected=_ID),
        _f("project", TEXT, 1, TICKET_HEADER),
        _f("project_name", TEXT, 2, TICKET_HEADER),
        _f("title", TEXT, 3, TICKET_HEADER),
        _f("tracker", TEXT, 4, TICKET_HEADER),
        _f("priority", TEXT, 5, TICKET_HEADER),
        _f("status", TEXT, 6, TICKET_HEADER),
        _f("assignee", TEXT, 7, TICKET_HEADER),
        _f("created_at", TS, 8, TICKET_HEADER),
        _f("closed_at", TS, 9, TICKET_HEADER),
        _f("estimate_hours", HOURS, 10, TICKET_HEADER, min_value=0.0),
        _f("spent_hours", HOURS, 11, TICKET_HEADER, min_value=0.0),
    ),
    constants={"source": "redmine"},
    derived={"estimate_status": hours_validated()},
    extra=((TICKET_HEADER[12], col(12)), (TICKET_HEADER[13], col(13))),
)

ENTRIES = TablePlan(
    "time_entries",
    (
        _f("entry_id", TEXT, 0, ENTRY_HEADER),
        _f("date", DATE, 1, ENTRY_HEADER, required=True),
        _f("person", TEXT, 2, ENTRY_HEADER),
        _f("hours", HOURS, 3, ENTRY_HEADER, required=True, min_value=0.0),
        _f("ticket_key", TEXT, 4, ENTRY_HEADER),
        _f("project", TEXT, 5, ENTRY_HEADER),
        _f("activity", TEXT, 6, ENTRY_HEADER),
        _f("comment", TEXT, 7, ENTRY_HEADER),
    ),
    constants={"source": "redmine"},
    derived={"ticket_source": "CASE WHEN {ticket_key} IS NOT NULL THEN 'redmine' END"},
)

HISTORY = TablePlan(
    "status_history",
    (
        _f("ticket_key", KEY, 0, HISTORY_HEADER, required=True, parse_sql="tma_digits({r})",
           expected=_ID),
        _f("at", TS, 1, HISTORY_HEADER, required=True),
        _f("status", TEXT, 2, HISTORY_HEADER, required=True),
    ),
    constants={"source": "redmine"},
    counts_rows=False,
)  # fmt: skip
