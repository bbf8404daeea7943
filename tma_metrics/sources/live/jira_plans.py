"""How the engine reads the text tables of a Jira sync (the Jira CSV adapter's rules).

Key ``ABC-12``, the project's key as ``project`` (contracts name Jira projects by key)
and its name as ``project_name``, estimate and spent time in seconds, worklogs tied to
their issue. Jira writes timestamps with their offset (``2026-10-05T15:47:54.123+0200``):
they become the contract's local time.
"""

from __future__ import annotations

from typing import Any

from tma_metrics.sources.adapters.base import hours_validated
from tma_metrics.sources.adapters.jira import KEY_PATTERN
from tma_metrics.sources.plan import DATE, HOURS, KEY, TEXT, TS, Field, TablePlan, col

__all__ = [
    "ENTRIES",
    "ENTRY_HEADER",
    "HISTORY",
    "HISTORY_HEADER",
    "MAX_COMMENT",
    "TICKETS",
    "TICKET_HEADER",
    "adf_text",
]

_SECONDS = 1 / 3600
_KEY_SQL = f"CASE WHEN regexp_full_match({{r}}, '{KEY_PATTERN}') THEN {{r}} END"
_KEY = "une clé Jira (ex. ABC-123)"
#: Longest worklog comment kept (characters).
MAX_COMMENT = 2000

TICKET_HEADER = (
    "key", "project.key", "project.name", "summary", "issuetype", "priority", "status",
    "resolution", "assignee", "created", "resolutiondate", "timeoriginalestimate",
    "timespent", "Changements de priorité", "Changements de type",
)  # fmt: skip
ENTRY_HEADER = ("id", "started", "author", "timeSpentSeconds", "issue", "project", "comment")
HISTORY_HEADER = ("issue", "created", "status")


def _f(name: str, kind: str, i: int, header: tuple[str, ...], **options: Any) -> Field:
    return Field(name, kind, col(i), header=header[i], **options)


TICKETS = TablePlan(
    "tickets",
    (
        _f("key", KEY, 0, TICKET_HEADER, required=True, parse_sql=_KEY_SQL, expected=_KEY),
        _f("project", TEXT, 1, TICKET_HEADER),
        _f("project_name", TEXT, 2, TICKET_HEADER),
        _f("title", TEXT, 3, TICKET_HEADER),
        _f("tracker", TEXT, 4, TICKET_HEADER),
        _f("priority", TEXT, 5, TICKET_HEADER),
        _f("status", TEXT, 6, TICKET_HEADER),
        _f("resolution", TEXT, 7, TICKET_HEADER),
        _f("assignee", TEXT, 8, TICKET_HEADER),
        _f("created_at", TS, 9, TICKET_HEADER),
        _f("resolved_at", TS, 10, TICKET_HEADER),
        _f("estimate_hours", HOURS, 11, TICKET_HEADER, unit_hours=_SECONDS, min_value=0.0),
        _f("spent_hours", HOURS, 12, TICKET_HEADER, unit_hours=_SECONDS, min_value=0.0),
    ),
    constants={"source": "jira"},
    derived={"estimate_status": hours_validated()},
    extra=((TICKET_HEADER[13], col(13)), (TICKET_HEADER[14], col(14))),
)

ENTRIES = TablePlan(
    "time_entries",
    (
        _f("entry_id", TEXT, 0, ENTRY_HEADER),
        _f("date", DATE, 1, ENTRY_HEADER, required=True),
        _f("started_at", TS, 1, ENTRY_HEADER),
        _f("person", TEXT, 2, ENTRY_HEADER),
        _f("hours", HOURS, 3, ENTRY_HEADER, required=True, unit_hours=_SECONDS, min_value=0.0),
        _f("ticket_key", TEXT, 4, ENTRY_HEADER),
        _f("project", TEXT, 5, ENTRY_HEADER),
        _f("comment", TEXT, 6, ENTRY_HEADER),
    ),
    constants={"source": "jira", "ticket_source": "jira"},
)

HISTORY = TablePlan(
    "status_history",
    (
        _f("ticket_key", KEY, 0, HISTORY_HEADER, required=True, parse_sql=_KEY_SQL,
           expected=_KEY),
        _f("at", TS, 1, HISTORY_HEADER, required=True),
        _f("status", TEXT, 2, HISTORY_HEADER, required=True),
    ),
    constants={"source": "jira"},
    counts_rows=False,
)  # fmt: skip


def adf_text(document: Any) -> str:
    """Return the plain text of an Atlassian Document Format value (paragraphs by line).

    >>> adf_text({"type": "doc", "content": [{"type": "paragraph", "content": [
    ...     {"type": "text", "text": "Analyse"}, {"type": "text", "text": " du bug"}]}]})
    'Analyse du bug'
    """
    if isinstance(document, str):
        return document[:MAX_COMMENT]
    lines: list[str] = []
    stack = [document]
    current: list[str] = []
    while stack and sum(map(len, lines)) < MAX_COMMENT:
        node = stack.pop()
        if node == "\n":
            lines.append("".join(current))
            current = []
            continue
        if not isinstance(node, dict):
            continue
        if node.get("type") == "text" and isinstance(node.get("text"), str):
            current.append(node["text"])
        children = node.get("content")
        if isinstance(children, list):
            if node.get("type") in ("paragraph", "heading", "listItem"):
                stack.append("\n")
            stack.extend(reversed(children))
    lines.append("".join(current))
    return "\n".join(line for line in lines if line)[:MAX_COMMENT]
