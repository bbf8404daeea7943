"""Naive references for the open / resolved states and the SLA bounds: plain loops.

DOMAIN.md §4, written again ticket by ticket: no vectorisation, no shared code with
`tma_metrics.domain.ticket_states` or `tma_metrics.domain.business_time.timeline` (only
the contract's labels).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pandas as pd


def norm(label: object) -> str | None:
    """Lower case, no accents, single spaces (as the contract matches labels)."""
    if label is None or label is pd.NA or (isinstance(label, float) and label != label):
        return None
    text = unicodedata.normalize("NFKD", str(label).strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").split())


def stamp(value: object) -> datetime | None:
    """A datetime, or None for any missing value."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    found = pd.Timestamp(value)
    return None if pd.isna(found) else found.to_pydatetime()


def bound_of(ticket: dict, resolved: set[str]) -> datetime | None:
    """The earliest upper bound of a ticket's resolution: closing, or last update if resolved."""
    candidates = [stamp(ticket.get("closed_at"))]
    if norm(ticket.get("status")) in resolved:
        candidates.append(stamp(ticket.get("updated_at")))
    found = [c for c in candidates if c is not None]
    return min(found) if found else None


def changes_of(
    tickets: Iterable[dict],
    history: Iterable[tuple[str, str, datetime, str]],
    resolved_statuses: Iterable[str],
    at: datetime,
) -> list[tuple[str, str, datetime | None, str]]:
    """Every (source, key, instant, change) of the tickets up to ``at``, ticket by ticket.

    ``history`` rows are (source, key, instant, status) already linked to the tickets.
    """
    resolved = {norm(s) for s in resolved_statuses}
    rows_of: dict[tuple[str, str], list[tuple[datetime, bool]]] = {}
    for source, key, when, status in history:
        when = stamp(when)
        if when is None:
            continue
        rows_of.setdefault((source, key), []).append((when, norm(status) in resolved))
    out = []
    for t in tickets:
        source, key = str(t["source"]), str(t["key"])
        created = stamp(t["created_at"])
        if created is not None and created > at:
            continue
        mine: list[tuple[datetime | None, str]] = [(created, "received")]
        status_resolved = norm(t.get("status")) in resolved
        export = stamp(t.get("resolved_at")) or bound_of(t, resolved)
        observed = sorted(rows_of.get((source, key), []), key=lambda r: r[0])
        if [o for o in observed if o[0] <= at]:
            if not any(r for _, r in observed):
                fallback = export
                if fallback is None and status_resolved:
                    fallback = max(w for w, _ in observed)
                if fallback is not None:
                    observed = sorted([*observed, (fallback, True)], key=lambda r: r[0])
            state = False
            for when, is_resolved in observed:
                if is_resolved != state:
                    mine.append((when, "resolved" if is_resolved else "reopened"))
                    state = is_resolved
        else:
            resolution = export if export is not None else (created if status_resolved else None)
            if export is not None or status_resolved:
                mine.append((resolution, "resolved"))
                status_known = t.get("status") is not None and not pd.isna(t.get("status"))
                if status_known and not status_resolved:
                    updated = stamp(t.get("updated_at"))
                    reopen = resolution
                    if updated is not None and (resolution is None or updated > resolution):
                        reopen = updated
                    mine.append((reopen, "reopened"))
        for when, change in mine:
            if change != "received" and created is not None and (when is None or when < created):
                when = created
            if when is None or when <= at:
                out.append((source, key, when, change))
    return out


def open_keys_at(changes: list[tuple[str, str, datetime | None, str]], instant: datetime) -> set:
    """The (source, key) of the tickets open at ``instant``."""
    net: dict[tuple[str, str], int] = {}
    for source, key, when, change in changes:
        if when is None or when <= instant:
            sign = -1 if change == "resolved" else 1
            net[(source, key)] = net.get((source, key), 0) + sign
    return {k for k, n in net.items() if n > 0}


def window_counts(changes: list, start: date, end: date) -> dict[str, int]:
    """Open at the start, received / resolved / reopened in the window, open at the end."""
    low = datetime(start.year, start.month, start.day)
    high = datetime(end.year, end.month, end.day) + timedelta(days=1)
    counts = {"received": 0, "resolved": 0, "reopened": 0}
    for _, _, when, change in changes:
        if when is not None and low <= when < high:
            counts[change] += 1
    before = [c for c in changes if c[2] is None or c[2] < low]
    until = [c for c in changes if c[2] is None or c[2] < high]
    return {
        "open_start": len(open_keys_at(before, low)),
        **counts,
        "open_end": len(open_keys_at(until, high)),
    }
