"""Naive references for the business-time tests: plain loops, day by day, window by window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays

from tma_metrics.domain.contracts.model import CalendarSpec

_PUBLIC: dict[tuple[str, int], set[date]] = {}


def naive_open(spec: CalendarSpec, day: date) -> bool:
    """Say whether ``day`` is worked, asking the holidays package directly."""
    public: set[date] = set()
    if spec.holidays is not None:
        key = (spec.holidays, day.year)
        if key not in _PUBLIC:
            subdiv = spec.holidays.partition("-")[2] or None
            _PUBLIC[key] = set(holidays.France(subdiv=subdiv, years=day.year))
        public = _PUBLIC[key]
    return day.weekday() in spec.weekdays and day not in public and day not in spec.closed


def naive_minutes(spec: CalendarSpec, start: datetime, end: datetime) -> float:
    """Sum, window by window and day by day, the overlap of [start, end] with open hours."""
    total = 0.0
    day = start.date()
    while day <= end.date():
        if naive_open(spec, day):
            midnight = datetime(day.year, day.month, day.day)
            for w_start, w_end in spec.windows:
                lo = max(start, midnight + timedelta(minutes=w_start))
                hi = min(end, midnight + timedelta(minutes=w_end))
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
        day += timedelta(days=1)
    return total
