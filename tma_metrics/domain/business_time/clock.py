"""SLA clocks: business time elapsed net of pauses, deadline and outcome (pure, vectorised).

One clock per row: it starts at ``start_at`` and stops at ``event_at``; when the event is
unknown but known not to have happened yet (``pending``), it runs until ``as_of``.
Pauses are intervals (waiting on the client) removed from the elapsed business time and
pushing the deadline back. The SLA engines (`sla`, `delivery`) build their rows, call
`run_clocks`, then word the notes.

Bounds are not events (DOMAIN.md §4). A clock whose event is unknown may have a
``bound``: a date the event happened at the latest (a closing date, a last update). The
elapsed time to the bound is an upper bound of the true one: within the allowance it
proves the clock met; past it, the clock is not measurable, never breached. Likewise a
running clock is breached only when the time it surely ran unpaused, from
``proof_at`` to ``as_of``, exceeds the allowance; past its deadline otherwise, it is not
measurable (a pause the data does not show may explain it). It is at risk only when that
sure time leaves less than 25 % of the allowance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tma_metrics.domain.business_time.calendar import BusinessCalendar, calendar_for
from tma_metrics.domain.contracts.model import CalendarSpec

__all__ = [
    "AT_RISK",
    "AT_RISK_SHARE",
    "BEFORE_START",
    "BOUND_LATE",
    "BREACHED",
    "CLOCK_COLUMNS",
    "EPSILON_MINUTES",
    "MET",
    "NOT_APPLICABLE",
    "NOT_MEASURABLE",
    "NO_START",
    "OPEN",
    "OUTCOMES",
    "PAUSE_UNKNOWN",
    "PROBLEMS",
    "UNKNOWN",
    "Measured",
    "arrow_text",
    "measure",
    "pause_codes",
    "period_of",
    "run_clocks",
]

OUTCOMES = ("met", "breached", "open", "at_risk", "not_measurable", "not_applicable")
#: An open clock with less than this share of its allowance left is at risk (DOMAIN.md §4).
AT_RISK_SHARE = 0.25
#: Business minutes below which two durations are equal (float noise, well under a second).
EPSILON_MINUTES = 1e-6

#: Why a clock could not be measured (column ``problem``); "" when it was. ``bound_late``:
#: only a bound dates the event and it falls past the deadline; ``pause_unknown``: a
#: running clock past its deadline whose unpaused time does not prove the breach.
NO_START, BEFORE_START, UNKNOWN = "no_start", "before_start", "unknown"
BOUND_LATE, PAUSE_UNKNOWN = "bound_late", "pause_unknown"

CLOCK_COLUMNS: dict[str, str] = {
    "stop_at": "datetime64[us]",
    "elapsed_minutes": "float64",
    "paused_minutes": "float64",
    "deadline": "datetime64[us]",
    "remaining_minutes": "float64",
    "outcome": "string",
    "measurable": "bool",
    "problem": "string",
}


def run_clocks(
    clocks: pd.DataFrame,
    pauses: pd.DataFrame | None,
    as_of: pd.Timestamp,
    *,
    timezone: str | None = None,
) -> pd.DataFrame:
    """Measure each clock; return `CLOCK_COLUMNS` aligned on ``clocks``' index.

    ``clocks`` holds ``source``, ``key``, ``start_at``, ``event_at``, ``pending`` (bool),
    ``allowance_minutes``, ``applicable`` (bool) and ``calendar`` (a `CalendarSpec`),
    and optionally ``bound_at`` (the event happened by then, `measure`);
    ``pauses`` holds ``source``, ``ticket_key``, ``start``, ``end``.

    A known event gives ``met`` when the elapsed time is at most the allowance, else
    ``breached``; a pending one gives ``breached`` past the deadline, ``at_risk`` when less
    than 25 % of the allowance is left, else ``open``; anything else is not measurable.
    ``timezone`` (the contract's) makes business time count the real minutes of the
    daylight-saving days (`BusinessCalendar`); None counts wall-clock minutes.
    """
    codes, specs = pd.factorize(clocks["calendar"])
    ticket = None
    pause_ticket = pause_start = pause_end = None
    if pauses is not None and not pauses.empty:
        ticket, pause_ticket = pause_codes(
            clocks["source"], clocks["key"], pauses["source"], pauses["ticket_key"]
        )
        pause_start = pauses["start"].to_numpy("datetime64[us]")
        pause_end = pauses["end"].to_numpy("datetime64[us]")
    m = measure(
        start=clocks["start_at"].to_numpy("datetime64[us]"),
        event=clocks["event_at"].to_numpy("datetime64[us]"),
        applicable=clocks["applicable"].to_numpy(bool),
        pending=clocks["pending"].to_numpy(bool),
        allowance=clocks["allowance_minutes"].to_numpy(float),
        calendar=codes,
        specs=list(specs),
        as_of=as_of,
        ticket=ticket,
        pause_ticket=pause_ticket,
        pause_start=pause_start,
        pause_end=pause_end,
        timezone=timezone,
        bound=clocks["bound_at"].to_numpy("datetime64[us]") if "bound_at" in clocks else None,
    )
    out = pd.DataFrame(
        {
            "stop_at": m.stop_at,
            "elapsed_minutes": m.elapsed,
            "paused_minutes": m.paused,
            "deadline": m.deadline,
            "remaining_minutes": m.remaining,
            "outcome": np.asarray(OUTCOMES, dtype=object)[m.outcome],
            "measurable": m.measurable,
            "problem": np.asarray(PROBLEMS, dtype=object)[m.problem],
        },
        index=clocks.index,
    )
    return out.astype(CLOCK_COLUMNS)


#: Problem codes of `Measured.problem` (index into this tuple).
PROBLEMS = ("", NO_START, BEFORE_START, UNKNOWN, BOUND_LATE, PAUSE_UNKNOWN)
#: Outcome codes of `Measured.outcome` (index into `OUTCOMES`).
MET, BREACHED, OPEN, AT_RISK, NOT_MEASURABLE, NOT_APPLICABLE = range(len(OUTCOMES))


@dataclass
class Measured:
    """Clocks measured, as arrays (codes into `OUTCOMES` and `PROBLEMS`)."""

    stop_at: np.ndarray  # the event, else the bound that stopped the clock
    elapsed: np.ndarray
    paused: np.ndarray
    deadline: np.ndarray
    remaining: np.ndarray
    outcome: np.ndarray
    measurable: np.ndarray
    problem: np.ndarray
    bounded: np.ndarray  # stopped at a bound (``stop_at`` is the bound), met or not


def measure(
    *,
    start: np.ndarray,
    event: np.ndarray,
    applicable: np.ndarray,
    pending: np.ndarray,
    allowance: np.ndarray,
    calendar: np.ndarray,
    specs: list[CalendarSpec],
    as_of: pd.Timestamp,
    ticket: np.ndarray | None = None,
    pause_ticket: np.ndarray | None = None,
    pause_start: np.ndarray | None = None,
    pause_end: np.ndarray | None = None,
    timezone: str | None = None,
    bound: np.ndarray | None = None,
    proof: np.ndarray | None = None,
) -> Measured:
    """Measure clocks given as arrays (`run_clocks`' rules); ``calendar`` indexes ``specs``.

    ``ticket`` numbers each clock's ticket and ``pause_ticket`` each pause's (the same
    numbering, -1 for a ticket without clock); without them no pause applies.
    ``timezone`` is passed to the business calendars (`run_clocks`). ``bound`` (NaT:
    none) dates an unknown event at the latest; ``proof`` is the instant from which a
    running clock surely runs unpaused (NaT: never; None: from its start).
    """
    as_of64 = np.datetime64(pd.Timestamp(as_of).as_unit("us"))
    measured, bounded, running, stop = _stops(start, event, applicable, pending, bound, as_of64)

    clocked = measured | bounded | running
    overlaps = None
    if ticket is not None and pause_ticket is not None and len(pause_ticket):
        overlaps = _overlaps(ticket, clocked, start, stop, pause_ticket, pause_start, pause_end)
    calendars = (calendar, specs, timezone)
    elapsed, paused, deadline = _clock_times(clocked, start, stop, allowance, overlaps, calendars)

    remaining, outcome, measurable, unproven = _outcomes(
        applicable, measured, bounded, running, elapsed, allowance, (start, proof, calendars)
    )
    return _measured(
        start,
        event,
        stop,
        applicable,
        measured,
        bounded,
        clocked,
        measurable,
        unproven,
        (elapsed, paused, deadline, remaining),
        outcome,
    )


def _outcomes(
    applicable: np.ndarray,
    measured: np.ndarray,
    bounded: np.ndarray,
    running: np.ndarray,
    elapsed: np.ndarray,
    allowance: np.ndarray,
    proofs: tuple,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return each clock's remaining minutes, outcome, measurability and unproven breach."""
    start, proof, calendars = proofs
    n = len(start)
    remaining = np.where(running, allowance - elapsed, np.nan)
    over = elapsed > allowance + EPSILON_MINUTES
    outcome = np.select(
        [~applicable, measured & over, measured | (bounded & ~over)],
        [NOT_APPLICABLE, BREACHED, MET],
        NOT_MEASURABLE,
    )
    # Running clocks are few: their outcome is worked out on them alone.
    live = np.flatnonzero(running)
    surely = _surely_elapsed(live, start, proof, elapsed, calendars)
    outcome[live], unproven_live = _running_outcomes(remaining[live], allowance[live], surely)
    unproven = np.zeros(n, dtype=bool)
    unproven[live[unproven_live]] = True
    measurable = measured | (bounded & ~over) | (running & ~unproven)
    return remaining, outcome, measurable, unproven


def _stops(
    start: np.ndarray,
    event: np.ndarray,
    applicable: np.ndarray,
    pending: np.ndarray,
    bound: np.ndarray | None,
    as_of64: np.datetime64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return which clocks stop at their event, at their bound or run on, and each stop."""
    n = len(start)
    nat = np.datetime64("NaT")
    has_start = ~np.isnat(start)
    has_event = ~np.isnat(event)
    if bound is None:
        bound = np.full(n, nat, dtype="datetime64[us]")
    has_bound = ~np.isnat(bound)
    measured = applicable & has_start & has_event & (event >= start)
    bounded = applicable & has_start & ~has_event & has_bound & (bound >= start)
    running = applicable & has_start & ~has_event & ~has_bound & pending & (as_of64 >= start)
    stop = np.full(n, nat, dtype="datetime64[us]")
    stop[running] = as_of64
    np.copyto(stop, event, where=measured)
    np.copyto(stop, bound, where=bounded)
    return measured, bounded, running, stop


def _measured(
    start: np.ndarray,
    event: np.ndarray,
    stop: np.ndarray,
    applicable: np.ndarray,
    measured: np.ndarray,
    bounded: np.ndarray,
    clocked: np.ndarray,
    measurable: np.ndarray,
    unproven: np.ndarray,
    times: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    outcome: np.ndarray,
) -> Measured:
    """Blank the times that only bound a clock and code why the others are unmeasurable."""
    elapsed, paused, deadline, remaining = times
    # A bound past the deadline or an unproven breach: the elapsed time is only an upper
    # bound; it is not shown as the clock's (the deadline is kept).
    vague = clocked & ~measurable
    elapsed[vague] = paused[vague] = remaining[vague] = np.nan
    problem = np.select(
        [~applicable | measurable, bounded, unproven, np.isnat(start), ~np.isnat(event)],
        [0, 4, 5, 1, 2],
        3,
    )
    return Measured(
        # The event, or the bound that stopped the clock; NaT for the others.
        stop_at=np.where(measured | bounded, stop, event).astype("datetime64[us]"),
        elapsed=elapsed,
        paused=paused,
        deadline=deadline,
        remaining=remaining,
        outcome=outcome,
        measurable=measurable,
        problem=problem,
        bounded=bounded,
    )


def _clock_times(
    clocked: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    allowance: np.ndarray,
    overlaps: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    calendars: tuple[np.ndarray, list[CalendarSpec], str | None],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return elapsed and paused minutes and the deadline of the ``clocked`` clocks."""
    calendar, specs, timezone = calendars
    n = len(start)
    elapsed = np.full(n, np.nan)
    paused = np.full(n, np.nan)
    deadline = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    for code in _distinct(calendar[clocked]):
        rows = np.flatnonzero(clocked & (calendar == code))
        cal = calendar_for(specs[code], timezone)
        e, p, d = _measure(cal, rows, start, stop, allowance, overlaps)
        elapsed[rows], paused[rows], deadline[rows] = e, p, d
    return elapsed, paused, deadline


def _running_outcomes(
    left: np.ndarray, allowed: np.ndarray, surely: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the outcome codes of running clocks, and which are late but unproven.

    Only the time they surely ran (`_surely_elapsed`) proves a breach or a risk: late
    without that proof is not measurable.
    """
    late = left < -EPSILON_MINUTES
    proven = late & (surely > allowed + EPSILON_MINUTES)
    risky = allowed - surely < AT_RISK_SHARE * allowed - EPSILON_MINUTES
    codes = np.select([proven, late, risky], [BREACHED, NOT_MEASURABLE, AT_RISK], OPEN)
    return codes, late & ~proven


def _surely_elapsed(
    live: np.ndarray,
    start: np.ndarray,
    proof: np.ndarray | None,
    elapsed: np.ndarray,
    calendars: tuple[np.ndarray, list[CalendarSpec], str | None],
) -> np.ndarray:
    """Return the business minutes the running clocks ``live`` surely ran.

    Their elapsed time less the business time between the start and ``proof`` (a pause
    may hide there); -inf for a clock without ``proof`` (nothing is sure).
    """
    surely = elapsed[live].copy()
    if proof is None:
        return surely
    calendar, specs, timezone = calendars
    from_proof = proof[live]
    surely[np.isnat(from_proof)] = -np.inf
    later = ~np.isnat(from_proof) & (from_proof > start[live])
    for code in _distinct(calendar[live][later]):
        pick = np.flatnonzero(later & (calendar[live] == code))
        cal = calendar_for(specs[code], timezone)
        hidden = cal.minutes_between(start[live][pick], from_proof[pick])
        surely[pick] -= hidden
    return surely


def pause_codes(
    source: pd.Series, key: pd.Series, pause_source: pd.Series, pause_key: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Number the pauses' (source, key) pairs, and each ticket's pair the same way.

    Returns (ticket codes, pause codes): small non-negative numbers, equal when the pairs
    are (nulls equal nulls); a ticket whose source or key no pause has gets -1. Only the
    pauses' texts are hashed; the tickets' are looked up in them.
    """
    sources = pc.dictionary_encode(arrow_text(pause_source), null_encoding="encode")
    keys = pc.dictionary_encode(arrow_text(pause_key), null_encoding="encode")
    width = len(keys.dictionary)
    pause = sources.indices.to_numpy().astype(np.int64) * width + keys.indices.to_numpy()
    # skip_nulls=False (the default): a null finds the dictionaries' null entry.
    s = pc.index_in(arrow_text(source), value_set=sources.dictionary)
    k = pc.index_in(arrow_text(key), value_set=keys.dictionary)
    found = pc.and_(s.is_valid(), k.is_valid()).to_numpy(zero_copy_only=False)
    s_codes = pc.fill_null(s, 0).to_numpy().astype(np.int64)
    k_codes = pc.fill_null(k, 0).to_numpy()
    return np.where(found, s_codes * width + k_codes, -1), pause


def arrow_text(values: pd.Series) -> pa.Array:
    """Return ``values`` as one Arrow text array (no Python strings)."""
    arrow = pa.array(values.astype("string").array)
    return arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow


def period_of(clocks: pd.DataFrame, fallback: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """Return the instant that places each measured clock in a month.

    The stop when the event is known; the deadline for a running clock already breached;
    ``as_of`` for an open or at-risk one; ``fallback`` for the rest (not measurable or not
    applicable: the caller passes the resolution or closing date, else the creation).
    """
    running = clocks["measurable"] & clocks["stop_at"].isna()
    period = clocks["stop_at"].where(clocks["measurable"], fallback)
    period = period.mask(running & (clocks["outcome"] == "breached"), clocks["deadline"])
    return period.mask(running & clocks["outcome"].isin(["open", "at_risk"]), as_of)


def _measure(
    cal: BusinessCalendar,
    rows: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    allowance: np.ndarray,
    overlaps: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return elapsed (net of pauses), paused minutes and deadline of clocks ``rows``.

    ``overlaps`` are every clock's pauses (clock position, start, end; merged, sorted);
    only those of ``rows`` count here.
    """
    start, stop, allowance = start[rows], stop[rows], allowance[rows]
    # Elapsed time, and the deadline as if there were no pause (that of most clocks).
    gross, deadline = cal.elapsed_and_deadline(start, stop, allowance)
    paused = np.zeros(len(rows))
    pos = s = e = None
    if overlaps is not None:
        # Pauses of these clocks, renumbered 0..len(rows)-1 (rows is sorted).
        at = np.searchsorted(rows, overlaps[0])
        hit = (at < len(rows)) & (rows[np.minimum(at, len(rows) - 1)] == overlaps[0])
        pos, s, e = at[hit], overlaps[1][hit], overlaps[2][hit]
        if len(pos):
            minutes = cal.minutes_between(s, e)
            paused = np.bincount(pos, weights=minutes, minlength=len(rows))

    # Deadline: walk the k-th pause of every clock at once (k is small), consuming the
    # allowance up to each pause; a clock whose deadline falls before its next pause is done.
    if pos is not None and len(pos):
        t = start.copy()
        rest = np.where(np.isnan(allowance), 0.0, allowance)
        done = np.isnan(allowance)
        rank = _rank_in_group(pos)
        for k in range(int(rank.max()) + 1):
            sel = rank == k
            p, ps, pe = pos[sel], s[sel], e[sel]
            live = ~done[p]
            p, ps, pe = p[live], ps[live], pe[live]
            # Before its first pause a clock's candidate is the deadline without pause.
            candidate = deadline[p] if k == 0 else cal.add_minutes(t[p], rest[p])
            ends_before = candidate <= ps
            deadline[p[ends_before]] = candidate[ends_before]
            done[p[ends_before]] = True
            p, ps, pe = p[~ends_before], ps[~ends_before], pe[~ends_before]
            rest[p] = np.maximum(rest[p] - cal.minutes_between(t[p], ps), 0.0)
            t[p] = pe
        # Clocks past all their pauses; the others' deadline is the one without pause.
        left = pos[rank == 0]  # each clock with pauses once (pos is sorted)
        left = left[~done[left]]
        deadline[left] = cal.add_minutes(t[left], rest[left])
    return gross - paused, paused, deadline


def _rank_in_group(groups: np.ndarray) -> np.ndarray:
    """Return each element's rank within its run of equal values (``groups`` sorted)."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    starts = np.flatnonzero(first)
    return np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Return the distinct values of small non-negative ``codes``, sorted (`np.unique`)."""
    if len(codes) and codes.min() >= 0:
        return np.flatnonzero(np.bincount(codes))
    return np.unique(codes)


def _runs_of(
    sorted_codes: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find ``wanted``'s values in ``sorted_codes`` (not empty): which are, where, how many.

    Returns the positions in ``wanted`` of the values found, where each one's run starts
    in ``sorted_codes`` and its length. Two `np.searchsorted`; when the codes span a small
    range (`pause_codes` numbers them densely), a count per code and a lookup instead.
    """
    low, high = int(sorted_codes[0]), int(sorted_codes[-1])
    if high - low < 4 * (len(sorted_codes) + len(wanted)):
        # Slot 0 and the last slot stand for every value below and above the range.
        counts = np.zeros(high - low + 3, dtype=np.int64)
        counts[1:-1] = np.bincount(sorted_codes - low, minlength=high - low + 1)
        starts = np.cumsum(counts) - counts
        at = wanted - (low - 1)
        np.maximum(at, 0, out=at)
        np.minimum(at, high - low + 2, out=at)
        found = np.flatnonzero(counts[at])
        at = at[found]
        return found, starts[at], counts[at]
    lo = np.searchsorted(sorted_codes, wanted, side="left")
    count = np.searchsorted(sorted_codes, wanted, side="right") - lo
    found = np.flatnonzero(count)
    return found, lo[found], count[found]


def _overlaps(
    ticket: np.ndarray,
    clocked: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    pause_ticket: np.ndarray,
    pause_start: np.ndarray,
    pause_end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Return each running clock's pauses clipped to [start, stop], merged and sorted.

    Arrays (clock position, pause start, pause end), sorted by position then start; a
    clock's overlapping pauses are merged so that no minute is removed twice.
    """
    order = np.argsort(pause_ticket, kind="stable")
    p_ticket, p_start, p_end = pause_ticket[order], pause_start[order], pause_end[order]
    clocks = np.flatnonzero(clocked)
    found, lo, count = _runs_of(p_ticket, ticket[clocks])
    clocks = clocks[found]
    total = int(count.sum())
    if total == 0:
        return None
    pos = np.repeat(clocks, count)
    first = np.repeat(lo - (np.cumsum(count) - count), count)
    which = first + np.arange(total)
    s = np.maximum(p_start[which], start[pos])
    e = np.minimum(p_end[which], stop[pos])
    keep = e > s
    pos, s, e = pos[keep], s[keep], e[keep]
    if not len(pos):
        return None
    # Sort by clock then start (stable: equal starts keep the pauses' order). ``pos`` is
    # already sorted; most clocks have one pause, so the starts are usually in order too.
    if not np.all((s[1:] >= s[:-1]) | (pos[1:] != pos[:-1])):
        order = np.lexsort((s, pos))
        pos, s, e = pos[order], s[order], e[order]
    # Merge overlapping pauses of a clock: a new block starts where a pause begins after
    # everything before it (in its clock) has ended.
    reach = pd.Series(e.view("int64")).groupby(pos).cummax().to_numpy()
    new_clock = np.ones(len(pos), dtype=bool)
    new_clock[1:] = pos[1:] != pos[:-1]
    previous = np.empty(len(pos), dtype=np.int64)
    previous[1:] = reach[:-1]
    block = np.cumsum(new_clock | (s.view("int64") > previous))
    starts = np.flatnonzero(np.diff(block, prepend=0) > 0)
    merged_e = np.maximum.reduceat(e.view("int64"), starts).view("datetime64[us]")
    return pos[starts], s[starts], merged_e
