"""Naive references for the view tests: plain loops over the figures' raw frames."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta

import pandas as pd

from tests.naive import states as naive_states

HOURS_PER_DAY = 8.0


def in_days(stamp: object, start: date, end: date) -> bool:
    """Whether a timestamp falls on a day of [start, end] (missing: no)."""
    if stamp is None or stamp is pd.NaT or (isinstance(stamp, float) and math.isnan(stamp)):
        return False
    if pd.isna(stamp):
        return False
    day = pd.Timestamp(stamp).date()
    return start <= day <= end


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts."""
    return frame.to_dict("records")


def number(value: object) -> float:
    """A float, 0 for missing."""
    if value is None or pd.isna(value):
        return 0.0
    return float(value)


def created_keys(tickets: pd.DataFrame, start: date, end: date) -> set[str]:
    return {str(r["key"]) for r in records(tickets) if in_days(r["created_at"], start, end)}


def resolved_keys(figures, start: date, end: date) -> list[str]:
    """The key of each resolution in [start, end] (`tests.naive.states`), one per change."""
    changes = naive_changes(figures)
    return [k for _, k, when, c in changes if c == "resolved" and in_days(when, start, end)]


def naive_changes(figures) -> list:
    """`tests.naive.states.changes_of` of a `ContractFigures`' tickets and history."""
    history = [
        (r["source"], r["ticket_key"], r["at"], r["status"]) for r in records(figures.history)
    ]
    return naive_states.changes_of(
        records(figures.tickets),
        history,
        figures.contract.resolved_statuses,
        figures.at.to_pydatetime(),
    )


def open_keys(tickets: pd.DataFrame) -> set[str]:
    return {str(r["key"]) for r in records(tickets) if r["is_open"]}


def deducted_hours_between(entries: pd.DataFrame, start: date, end: date) -> float:
    total = 0.0
    for r in records(entries):
        if in_days(r["date"], start, end):
            total += float(r["deducted_hours"])
    return total


def hours_by(entries: pd.DataFrame, start: date, end: date, key) -> dict[str, float]:
    """Deducted hours of the entries of [start, end] grouped by ``key(row)``."""
    out: dict[str, float] = defaultdict(float)
    for r in records(entries):
        if in_days(r["date"], start, end):
            out[key(r)] += float(r["deducted_hours"])
    return dict(out)


def entry_kind(row: dict) -> str:
    """The kind of an entry: its ticket's, management without ticket, other when unknown."""
    if row["ticket_uid"] is None or pd.isna(row["ticket_uid"]):
        return "management"
    kind = row.get("ticket_kind")
    return "other" if kind is None or pd.isna(kind) else str(kind)


def sla_counts(outcomes: pd.DataFrame, start: date, end: date, severity: str | None = None):
    """(met, breached, measurable, applicable) of the outcomes placed in [start, end]."""
    met = breached = measurable = applicable = 0
    for r in records(outcomes):
        if not in_days(r["period_at"], start, end):
            continue
        if severity is not None and r["severity"] != severity:
            continue
        if r["applicable"]:
            applicable += 1
        if r["measurable"]:
            measurable += 1
        met += r["outcome"] == "met"
        breached += r["outcome"] == "breached"
    return met, breached, measurable, applicable


def age_days(created: object, as_of: date) -> int:
    return (as_of - pd.Timestamp(created).date()).days


def last_day_of_month(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59)
