"""Per-ticket SLA outcomes of the severity matrix (DOMAIN.md §4), vectorised across tickets.

One row per (ticket, SLA kind): response, workaround, resolution. Only tickets of
``contract.sla_ticket_kinds`` get rows (corrective by default). The clock starts at the
creation, runs in the business time of the SLA target's calendar (else the contract's),
minus the time spent waiting on the client, and stops at the event dated by `timeline`.
When no event is dated, a bound may stop it (``stop_kind`` says which): the closing date
or last update bound the resolution, the resolution bounds the response; a bound proves
the clock met when within the allowance, and nothing when past it (`clock.measure`).
The resolution is the workaround when no workaround is recorded before it.
Compliance, its range and coverage over these rows are `compliance.compliance`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tma_metrics.domain.business_time.clock import (
    AT_RISK,
    OPEN,
    OUTCOMES,
    PAUSE_UNKNOWN,
    PROBLEMS,
    Measured,
    arrow_text,
    measure,
    pause_codes,
)
from tma_metrics.domain.contracts.model import DEFAULT_SLA, PLANNED, SLA_KINDS, Contract, SlaTarget
from tma_metrics.domain.sla.notes import gaps, notes

__all__ = [
    "OUTCOMES",
    "OUTCOME_COLUMNS",
    "sla_outcomes",
    "sla_targets",
]

OUTCOME_COLUMNS: dict[str, str] = {
    "source": "string",
    "key": "string",
    "severity": "string",
    "kind": "string",  # the ticket's kind
    "sla_kind": "string",  # response, workaround, resolution
    "allowance_minutes": "float64",
    "applicable": "bool",
    "measurable": "bool",
    "start_at": "datetime64[us]",
    "stop_at": "datetime64[us]",  # the event, else the bound, that stopped the clock
    "stop_source": "string",  # export, history (events); closing, update; resolution
    "stop_kind": "string",  # event, bound (null: the clock has not stopped)
    "elapsed_minutes": "float64",  # business minutes, pauses removed
    "paused_minutes": "float64",
    "deadline": "datetime64[us]",  # pauses taken into account
    "remaining_minutes": "float64",  # open clocks only
    "outcome": "string",  # clock.OUTCOMES
    "period_at": "datetime64[us]",  # places the row in a month
    "note": "string",  # French: why not measurable / how it was dated
    "gap": "string",  # not measurable: what would measure it (`sla_notes.gap_text`)
}


def sla_targets(contract: Contract) -> dict[tuple[str, str], SlaTarget]:
    """Return the contract's SLA targets by (severity, SLA kind), DOMAIN.md's matrix by default."""
    targets = {
        (str(sev), kind): SlaTarget(str(sev), kind, None if text == PLANNED else text)
        for sev, row in DEFAULT_SLA.items()
        for kind, text in row.items()
    }
    targets.update({(t.severity, t.kind): t for t in contract.sla})
    return targets


def sla_outcomes(
    prepared: pd.DataFrame,
    waiting: pd.DataFrame | None,
    contract: Contract,
    as_of: pd.Timestamp,
    *,
    history_available: bool,
    timezone: str | None = None,
) -> pd.DataFrame:
    """Return one row per (ticket, SLA kind) with its clock, outcome and a French note.

    ``prepared`` comes from `timeline.prepare_tickets`, ``waiting`` from
    `timeline.waiting_intervals` (ignored unless ``history_available``). ``timezone``
    (pass ``contract.timezone``) counts the real minutes of daylight-saving days on
    calendars open at 02:00-03:00 (24/7); None counts wall-clock minutes.

    Rules: planned allowances and unknown severities are not applicable; rejected tickets
    count for the response only. Each clock stops at its event, else at its bound:

    - response: the first response; bound: the resolution (event or bound);
    - workaround: the workaround or the resolution, whichever comes first (the
      resolution is the workaround when none is recorded before it); bound: the
      resolution's bound;
    - resolution: the resolution; bound: the closing date or the last update.

    ``period_at`` is the stop (event or bound), the deadline for running clocks past it,
    ``as_of`` for open / at-risk ones, else the resolution or its bound, else creation.

    Rows are the tickets of ``contract.sla_ticket_kinds`` for the response, then the same
    tickets for the workaround, then for the resolution. Everything is computed on arrays
    (texts as codes into small vocabularies, turned into text columns at the end).
    """
    as_of = pd.Timestamp(as_of).as_unit("us")
    keep = prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)
    t = _Tickets.of(prepared, np.flatnonzero(keep))
    c = _clock_inputs(t, contract)
    m = _measure(c, _pauses(t, waiting, history_available), as_of, timezone)
    out = _outcome_frame(t, c, m, as_of, history_available)
    wrong = {name: dtype for name, dtype in OUTCOME_COLUMNS.items() if out[name].dtype != dtype}
    return out.astype(wrong) if wrong else out


def _pauses(t: _Tickets, waiting: pd.DataFrame | None, history_available: bool) -> dict:
    """Return the client pauses as `measure` arguments (none without the history)."""
    pauses = {}
    if history_available and waiting is not None and not waiting.empty:
        ticket, pause_ticket = pause_codes(
            t.source, t.key, waiting["source"], waiting["ticket_key"]
        )
        pauses = {
            "ticket": np.tile(ticket, len(SLA_KINDS)),
            "pause_ticket": pause_ticket,
            "pause_start": waiting["start"].to_numpy("datetime64[us]"),
            "pause_end": waiting["end"].to_numpy("datetime64[us]"),
        }
    return pauses


def _measure(c: _Clocks, pauses: dict, as_of: pd.Timestamp, timezone: str | None) -> Measured:
    """Run every clock of ``c`` (pauses deducted) to its stop or to ``as_of``."""
    return measure(
        start=c.start,
        event=c.event,
        applicable=c.applicable,
        pending=c.pending,
        allowance=c.allowance,
        calendar=c.calendar,
        specs=c.specs,
        as_of=as_of,
        timezone=timezone,
        bound=c.bound,
        proof=c.proof,
        **pauses,
    )


def _outcome_frame(
    t: _Tickets, c: _Clocks, m: Measured, as_of: pd.Timestamp, history_available: bool
) -> pd.DataFrame:
    """Lay the measured clocks out as `OUTCOME_COLUMNS` rows, with their notes and gaps."""
    k = len(SLA_KINDS)
    stopped = m.measurable | m.bounded
    stop_source = np.where(m.bounded, c.bound_source, c.stop_source)
    stop_kind = np.select([m.bounded, m.measurable & ~np.isnat(m.stop_at)], [1, 0], 2)
    kind_codes = np.repeat(np.arange(k), t.n)
    gap = gaps(t, m, kind_codes, history_available)
    return pd.DataFrame(
        {
            "source": _tile_text(t.source, k),
            "key": _tile_text(t.key, k),
            "severity": _tile_text(t.severity, k),
            "kind": _tile_text(t.kind, k),
            "sla_kind": _repeat_text(SLA_KINDS, t.n),
            "allowance_minutes": np.where(c.applicable, c.allowance, np.nan),
            "applicable": c.applicable,
            "measurable": m.measurable,
            "start_at": c.start,
            "stop_at": np.where(stopped, m.stop_at, np.datetime64("NaT")).astype("datetime64[us]"),
            "stop_source": _text(list(_STOP_SOURCES), np.where(stopped, stop_source, _NONE)),
            "stop_kind": _text(["event", "bound", None], stop_kind),
            "elapsed_minutes": m.elapsed,
            "paused_minutes": m.paused,
            "deadline": m.deadline,
            "remaining_minutes": m.remaining,
            "outcome": _text(list(OUTCOMES), m.outcome),
            "period_at": _period(t, m, as_of, k),
            "note": notes(t, c, m, kind_codes, gap, history_available),
            "gap": gap,
        },
        copy=False,
    )


def _period(t: _Tickets, m: Measured, as_of: pd.Timestamp, k: int) -> np.ndarray:
    """Place each row in time (see `sla_outcomes`)."""
    as_of64 = as_of.to_datetime64()
    fallback = np.where(~np.isnat(t.resolution_at), t.resolution_at, t.resolution_bound_at)
    fallback = np.where(np.isnat(fallback), t.created_at, fallback)
    stopped = (m.measurable | m.bounded) & ~np.isnat(m.stop_at)
    period = np.where(stopped, m.stop_at, np.tile(fallback, k))
    # Clocks that ran to as_of (few): measured running ones, and those whose breach is
    # unproven (past their deadline without the history that would prove it).
    ran = np.flatnonzero(
        (m.measurable & np.isnat(m.stop_at)) | (m.problem == PROBLEMS.index(PAUSE_UNKNOWN))
    )
    outcome = m.outcome[ran]
    period[ran] = np.where(np.isin(outcome, [OPEN, AT_RISK]), as_of64, m.deadline[ran])
    return period.astype("datetime64[us]", copy=False)


#: Where a clock's stop comes from (codes of `_Clocks.stop_source`; -1: nowhere).
#: ``resolution``: the resolution stopped the workaround clock (an event) or bounds the
#: response; ``closing`` and ``update`` are bounds.
STOP_SOURCES = ("export", "history", "closing", "update", "resolution")
_STOP_SOURCES = (*STOP_SOURCES, None)
_NONE = len(STOP_SOURCES)


class _Tickets:
    """The SLA tickets' columns: arrays, and the text columns (for their codes and take)."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        every = len(rows) == len(frame)

        def column(name: str) -> pd.Series:
            values = frame[name]
            return values if every else values.iloc[rows].reset_index(drop=True)

        def array(name: str, dtype: str) -> np.ndarray:
            values = frame[name].to_numpy(dtype)
            return values if every else values[rows]

        self.n = len(rows)
        self.source, self.key = column("source"), column("key")
        self.severity, self.kind = column("severity"), column("kind")
        self.priority, self.status = column("priority"), column("status")
        for name in ("rejected", "has_history", "waiting_now"):
            setattr(self, name, array(name, "bool"))
        for name in (
            "created_at",
            "response_at",
            "workaround_at",
            "resolution_at",
            "resolution_bound_at",
            "clock_proof_at",
            "responded_at",
            "resolved_at",
        ):
            setattr(self, name, array(name, "datetime64[us]"))
        for name in ("response_pending", "resolution_pending", "workaround_tracked"):
            setattr(self, name, array(name, "bool"))
        for name in ("response_source", "workaround_source", "resolution_source"):
            setattr(self, name, _codes(column(name), _STOP_SOURCES))

    @classmethod
    def of(cls, prepared: pd.DataFrame, rows: np.ndarray) -> _Tickets:
        return cls(prepared, rows)


def _codes(values: pd.Series, vocabulary: tuple[str | None, ...]) -> np.ndarray:
    """Return the position of each value in ``vocabulary`` (null or unknown: the last)."""
    index = {v: i for i, v in enumerate(vocabulary) if v is not None}
    last = len(vocabulary) - 1
    arrow = arrow_text(values)
    found = pc.index_in(arrow, value_set=pa.array(list(index), arrow.type), skip_nulls=True)
    mapped = np.array([*index.values(), last], dtype=np.int64)
    return mapped[pc.fill_null(found, len(index)).to_numpy()]


class _Clocks:
    """Clock inputs of every ticket for each SLA kind (kind-major), as arrays."""

    def __init__(self, **arrays: object) -> None:
        self.__dict__.update(arrays)


def _clock_inputs(t: _Tickets, contract: Contract) -> _Clocks:
    targets = sla_targets(contract)
    severities = list(dict.fromkeys(sev for sev, _ in targets))
    code, known = _severity_codes(t.severity, severities)
    specs: list = []
    k, n = len(SLA_KINDS), t.n
    # Each SLA kind fills its block of n rows of the (kind-major) arrays.
    allowance = np.empty(k * n)
    calendar = np.empty(k * n, dtype=np.int64)
    applicable = np.empty(k * n, dtype=bool)
    for i, sla_kind in enumerate(SLA_KINDS):
        block = slice(i * n, (i + 1) * n)
        minutes = np.array(
            [
                np.nan if (m := targets[(sev, sla_kind)].minutes(contract.calendar)) is None else m
                for sev in severities
            ]
            + [np.nan]
        )
        spec_codes = []
        for sev in severities:
            spec = targets[(sev, sla_kind)].calendar or contract.calendar
            if spec not in specs:
                specs.append(spec)
            spec_codes.append(specs.index(spec))
        if contract.calendar not in specs:
            specs.append(contract.calendar)
        spec_codes.append(specs.index(contract.calendar))  # unknown severities
        np.take(minutes, code, out=allowance[block])
        np.take(np.array(spec_codes, dtype=np.int64), code, out=calendar[block])
        np.logical_not(np.isnan(allowance[block]), out=applicable[block])
        if sla_kind != "response":
            applicable[block] &= ~t.rejected
    stops = [_stops(t, sla_kind) for sla_kind in SLA_KINDS]
    return _Clocks(
        start=np.tile(t.created_at, k),
        allowance=allowance,
        calendar=calendar,
        specs=specs,
        applicable=applicable,
        known_severity=np.tile(known, k),
        proof=np.tile(t.clock_proof_at, k),
        **{name: np.concatenate([s[name] for s in stops]) for name in stops[0]},
    )


def _stops(t: _Tickets, sla_kind: str) -> dict[str, np.ndarray]:
    """Return the event, the bound, their sources and the pending flag of one SLA kind."""
    nat = np.datetime64("NaT")
    resolution, bound = t.resolution_at, t.resolution_bound_at
    bound_source = np.where(np.isnat(bound), _NONE, t.resolution_source)
    resolution_code = _STOP_SOURCES.index("resolution")
    if sla_kind == "resolution":
        return {
            "event": resolution,
            "stop_source": t.resolution_source,
            "bound": bound,
            "bound_source": bound_source,
            "pending": t.resolution_pending,
        }
    if sla_kind == "response":
        # No response dated: the resolution (event or bound) happened after it.
        by_resolution = ~np.isnat(resolution)
        return {
            "event": t.response_at,
            "stop_source": t.response_source,
            "bound": np.where(by_resolution, resolution, bound).astype("datetime64[us]"),
            "bound_source": np.where(by_resolution, resolution_code, bound_source),
            "pending": t.response_pending,
        }
    workaround = t.workaround_at
    by_resolution = ~np.isnat(resolution) & ~(workaround <= resolution)
    # A recorded workaround after the resolution's bound: the resolution came first.
    bound_first = np.isnat(resolution) & ~np.isnat(bound) & (bound < workaround)
    event = np.where(by_resolution, resolution, np.where(bound_first, nat, workaround))
    return {
        "event": event.astype("datetime64[us]"),
        "stop_source": np.where(by_resolution, resolution_code, t.workaround_source),
        "bound": np.where(np.isnat(event), bound, nat).astype("datetime64[us]"),
        "bound_source": bound_source,
        "pending": t.resolution_pending & np.isnat(workaround),
    }


def _severity_codes(severity: pd.Series, severities: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return each ticket's position in ``severities`` (len(severities) when unknown)."""
    codes = _codes(severity, (*severities, None))
    return codes, severity.notna().to_numpy(bool)


def _tile_text(values: pd.Series, times: int) -> pd.arrays.ArrowStringArray:
    """Return ``values`` repeated end to end ``times`` times as a "string" array."""
    return pd.array(pa.concat_arrays([arrow_text(values)] * times), dtype="string")


def _repeat_text(texts: tuple[str, ...], each: int) -> pd.arrays.ArrowStringArray:
    """Return each of ``texts`` ``each`` times in a row as a "string" array."""
    parts = [pa.repeat(pa.scalar(text, pa.large_string()), each) for text in texts]
    return pd.array(pa.concat_arrays(parts), dtype="string")


def _text(vocabulary: list[str | None], codes: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Return the texts of ``vocabulary`` at ``codes`` as a "string" array."""
    return pd.array(
        pa.array(vocabulary, pa.string()).take(pa.array(codes, pa.int64())), dtype="string"
    )
