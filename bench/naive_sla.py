"""The SLA baseline: a straightforward loop over tickets, SLA kinds and days.

What a developer writes first: for each ticket and each SLA kind, decide the clock's
start and stop with ``if`` statements, then walk the calendar day by day and window by
window to add up open minutes, subtract the client's pauses and find the deadline.
Correct (the benchmark checks it against `sla.sla_outcomes` on the sample it times),
and slow: the cost grows with the tickets times the days their clocks run.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays as holidays_lib
import pandas as pd

from tma_metrics.domain.business_time.clock import AT_RISK_SHARE, EPSILON_MINUTES
from tma_metrics.domain.contracts.model import SLA_KINDS, CalendarSpec, Contract
from tma_metrics.domain.sla.outcomes import sla_targets

_PUBLIC: dict[tuple[str, int], set[date]] = {}


def _is_open(spec: CalendarSpec, day: date) -> bool:
    if day.weekday() not in spec.weekdays or day in spec.closed:
        return False
    if spec.holidays is None:
        return True
    key = (spec.holidays, day.year)
    if key not in _PUBLIC:
        subdiv = spec.holidays.partition("-")[2] or None
        _PUBLIC[key] = set(holidays_lib.France(subdiv=subdiv, years=day.year))
    return day not in _PUBLIC[key]


def _open_pieces(spec: CalendarSpec, start: datetime, end: datetime | None):
    """Yield the open stretches [a, b] from ``start`` (to ``end``), day by day."""
    day = start.date()
    while end is None or day <= end.date():
        if _is_open(spec, day):
            midnight = datetime(day.year, day.month, day.day)
            for w_start, w_end in spec.windows:
                a = max(start, midnight + timedelta(minutes=w_start))
                b = midnight + timedelta(minutes=w_end)
                if end is not None:
                    b = min(b, end)
                if b > a:
                    yield a, b
        day += timedelta(days=1)


def _minutes(spec: CalendarSpec, start: datetime, end: datetime) -> float:
    return sum((b - a).total_seconds() / 60 for a, b in _open_pieces(spec, start, end))


def _without(a: datetime, b: datetime, pauses: list[tuple[datetime, datetime]]):
    """Yield the parts of [a, b] outside the (sorted, disjoint) pauses."""
    for s, e in pauses:
        if e <= a or s >= b:
            continue
        if s > a:
            yield a, s
        a = max(a, e)
        if a >= b:
            return
    if b > a:
        yield a, b


def _deadline(
    spec: CalendarSpec, start: datetime, minutes: float, pauses: list[tuple[datetime, datetime]]
) -> datetime:
    if minutes == 0:
        return start
    remaining = minutes
    for a, b in _open_pieces(spec, start, None):
        for p, q in _without(a, b, pauses):
            length = (q - p).total_seconds() / 60
            if length >= remaining:
                return p + timedelta(minutes=remaining)
            remaining -= length
    raise AssertionError("unreachable: calendars have open days")


def _merged(pauses: list[tuple[datetime, datetime]], start: datetime, stop: datetime):
    clipped = sorted((max(s, start), min(e, stop)) for s, e in pauses)
    out: list[tuple[datetime, datetime]] = []
    for s, e in clipped:
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _stamp(value: object) -> datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def naive_outcomes(
    prepared: pd.DataFrame,
    waiting: pd.DataFrame,
    contract: Contract,
    as_of: pd.Timestamp,
    *,
    history_available: bool,
) -> list[tuple[str, str, str, float | None, datetime | None]]:
    """Return (key, SLA kind, outcome, elapsed minutes, deadline) per ticket and kind."""
    targets = sla_targets(contract)
    now = pd.Timestamp(as_of).to_pydatetime()
    pauses: dict[str, list[tuple[datetime, datetime]]] = {}
    if history_available:
        for row in waiting.itertuples(index=False):
            pauses.setdefault(row.ticket_key, []).append((_stamp(row.start), _stamp(row.end)))
    out = []
    for t in prepared.itertuples(index=False):
        if t.kind not in contract.sla_ticket_kinds:
            continue
        for kind in SLA_KINDS:
            out.append(_one(t, kind, targets, contract, now, pauses.get(t.key, [])))
    return out


def _one(t, kind, targets, contract, now, pauses):
    target = targets.get((t.severity, kind)) if isinstance(t.severity, str) else None
    spec = (target.calendar if target else None) or contract.calendar
    allowance = target.minutes(contract.calendar) if target else None
    applicable = allowance is not None and (kind == "response" or not t.rejected)
    resolution = _stamp(t.resolution_at)
    bound = _stamp(t.resolution_bound_at)  # the resolution happened by then
    if kind == "response":
        event, pending = _stamp(t.response_at), t.response_pending
        limit = None if event is not None else (resolution or bound)
    elif kind == "resolution":
        event, pending, limit = resolution, t.resolution_pending, bound
    else:
        # The resolution is the workaround when none is recorded before it.
        workaround = _stamp(t.workaround_at)
        limit = None
        if resolution is not None:
            event = min(workaround, resolution) if workaround else resolution
        elif workaround is not None and bound is not None and bound < workaround:
            event, limit = None, bound
        else:
            event, limit = workaround, None if workaround else bound
        pending = t.resolution_pending and workaround is None
    start = _stamp(t.created_at)
    if not applicable or start is None:
        return (t.key, kind, "not_applicable" if not applicable else "not_measurable", None, None)
    if event is not None:
        if event < start:
            return (t.key, kind, "not_measurable", None, None)
        stop, running = event, False
    elif limit is not None and limit >= start:
        stop, running = limit, False
    elif event is None and limit is None and pending and now >= start:
        stop, running = now, True
    else:
        return (t.key, kind, "not_measurable", None, None)
    merged = _merged(pauses, start, stop)
    paused = sum(_minutes(spec, s, e) for s, e in merged)
    elapsed = _minutes(spec, start, stop) - paused
    deadline = _deadline(spec, start, allowance, merged)
    if not running:
        within = elapsed <= allowance + EPSILON_MINUTES
        if event is None and not within:  # a bound past the deadline proves nothing
            return (t.key, kind, "not_measurable", None, None)
        return (t.key, kind, "met" if within else "breached", elapsed, deadline)
    # Only the time surely run unpaused (from clock_proof_at) proves a breach or a risk.
    proof = _stamp(t.clock_proof_at)
    surely = (
        float("-inf")
        if proof is None
        else elapsed - (_minutes(spec, start, proof) if proof > start else 0.0)
    )
    left = allowance - elapsed
    if left < -EPSILON_MINUTES:
        if surely > allowance + EPSILON_MINUTES:
            return (t.key, kind, "breached", elapsed, deadline)
        return (t.key, kind, "not_measurable", None, None)
    risky = allowance - surely < AT_RISK_SHARE * allowance - EPSILON_MINUTES
    return (t.key, kind, "at_risk" if risky else "open", elapsed, deadline)
