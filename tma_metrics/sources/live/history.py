"""Status histories and attribute changes from a tool's change log (journals, changelog)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import datetime

__all__ = ["Change", "changes_text", "history_rows"]

#: (when, old value, new value) of one change, when as the API writes it (with offset).
Change = tuple[str, str | None, str | None]


def history_rows(
    key: str, created_at: str | None, current: str | None, changes: Sequence[Change]
) -> list[list[str]]:
    """Return the status-history rows (key, at, status) of one ticket.

    The first row is the status the ticket was created in, dated at its creation (the
    first change's old value, else the current status): the SLA engine reads a first
    row at the creation as the initial status, not as a pickup.

    >>> rows = history_rows("7", "2026-10-05T08:00:00Z", "Résolu",
    ...                     [("2026-10-05T09:00:00Z", "Nouveau", "En cours"),
    ...                      ("2026-10-06T10:00:00Z", "En cours", "Résolu")])
    >>> [status for _, _, status in rows]
    ['Nouveau', 'En cours', 'Résolu']
    """
    rows = []
    initial = next((old for _, old, _ in changes if old), None) or current
    if created_at and initial:
        rows.append([key, created_at, initial])
    rows += [[key, at, new] for at, _, new in changes if at and new]
    return rows


def changes_text(changes: Sequence[Change], timezone: str) -> str:
    """Return changes as French text in local time ('' when none).

    >>> changes_text([("2026-10-05T13:47:54Z", "Normal", "Urgent")], "Europe/Paris")
    '05/10/2026 15:47 : Normal → Urgent'
    """
    zone = zoneinfo.ZoneInfo(timezone)
    parts = []
    for at, old, new in changes:
        try:
            when = datetime.fromisoformat(at).astimezone(zone).strftime("%d/%m/%Y %H:%M")
        except (TypeError, ValueError):
            when = str(at)
        parts.append(f"{when} : {old or '∅'} → {new or '∅'}")
    return " ; ".join(parts)
