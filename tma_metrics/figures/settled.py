"""The SLA engines' rows of tickets that no longer move, computed once per data version.

A ticket's prepared row (`timeline.prepare_tickets`) and its state changes
(`timeline.ticket_changes`) read its own dates and status history only, each compared
with the as-of instant; from the latest of them (its *settling instant*) on, they are
the same at every later instant. Its SLA rows (`sla.sla_outcomes`) are too once every
applicable clock has stopped at its event or its bound (``final``; checked: its rows
are the same at two instants far apart after all the data). A running clock is never
final, even when its row no longer changes: its outcome moved at its deadline.

So a group of contracts is prepared and measured once, at an instant after all its
data; at an as-of instant, the tickets settled by then take their rows from that run,
and only the others (open tickets, tickets changed since) go through the engines again.
The rows are laid out as one run at the as-of instant lays them out.

The two facts `prepare_tickets` reads of the whole group (`timeline.prepare_tickets`'s
``tracked``) are those of the as-of instant: a settled run is kept per value of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.sla import outcomes as sla

__all__ = ["AtInstant", "Settled", "at_instant", "settle"]

#: The second far instant, after the first: a clock still running differs between them.
_LATER = pd.Timedelta(days=400)
_SLA_KINDS = len(sla.SLA_KINDS)


@dataclass(frozen=True)
class Settled:
    """A group's engine rows at an instant after all its data, for the settled tickets."""

    settles_at: np.ndarray  # per ticket (input order): its latest date (int64 µs)
    final: np.ndarray  # per ticket: its SLA rows no longer depend on the instant
    prepared: pd.DataFrame  # one row per ticket, input order
    outcomes: pd.DataFrame  # the final tickets' SLA rows, by SLA kind then ticket
    outcome_pos: np.ndarray  # per outcome row: its ticket's input position
    outcome_kind: np.ndarray  # per outcome row: its SLA kind's position
    changes: pd.DataFrame  # every ticket's state changes, by ticket then time
    change_pos: np.ndarray  # per change row: its ticket's input position
    history_pos: np.ndarray  # per history row: its ticket's input position, -1: none


@dataclass(frozen=True)
class AtInstant:
    """What the engines give at one instant, as one run over the whole group would."""

    prepared: pd.DataFrame
    outcomes: pd.DataFrame
    changes: pd.DataFrame
    recomputed: int  # tickets that went through the engines again


def settle(
    tickets: pd.DataFrame,
    history: pd.DataFrame,
    contract: Contract,
    tracked: tuple[bool, bool],
    history_available: bool,
) -> Settled | None:
    """Run the engines once after all the data of ``tickets`` (None: nothing is dated).

    ``tickets`` and ``history`` are `ticket_frame` / `history_frame` frames.
    """
    history_pos = _history_positions(tickets, history)
    settles_at = _settling_instants(tickets, history, history_pos)
    if not len(tickets) or (settles_at == np.iinfo(np.int64).min).all():
        return None
    far = pd.Timestamp(int(settles_at.max()), unit="us") + pd.Timedelta(days=1)
    prepared = timeline.prepare_tickets(tickets, history, contract, far, tracked=tracked)
    if len(prepared) != len(tickets):  # every ticket is created by ``far``
        return None

    def measure(at: pd.Timestamp) -> pd.DataFrame:
        waiting = timeline.waiting_intervals(history, contract, at)
        return sla.sla_outcomes(
            prepared,
            waiting,
            contract,
            at,
            history_available=history_available,
            timezone=contract.timezone,
        )

    first, second = measure(far), measure(far + _LATER)
    keep = np.flatnonzero(_sla_rows(prepared, contract))
    kind = np.repeat(np.arange(_SLA_KINDS), len(keep))
    pos = np.tile(keep, _SLA_KINDS)
    # A clock that has not stopped may change at its deadline (an unproven breach), then
    # stay the same: the same rows far apart do not make it final, only a stop does.
    stopped = ~first["applicable"].to_numpy(bool) | first["stop_at"].notna().to_numpy(bool)
    same = _same_rows(first, second) & stopped
    moving = np.bincount(pos[~same], minlength=len(tickets)) > 0
    final = ~moving
    chosen = final[pos]
    changes = timeline.ticket_changes(prepared, history, contract, far)
    return Settled(
        settles_at=settles_at,
        final=final,
        prepared=prepared,
        outcomes=first[chosen].reset_index(drop=True),
        outcome_pos=pos[chosen],
        outcome_kind=kind[chosen],
        changes=changes,
        change_pos=_ticket_positions(prepared, changes["source"], changes["key"]),
        history_pos=history_pos,
    )


def at_instant(
    settled: Settled,
    tickets: pd.DataFrame,
    history: pd.DataFrame,
    contract: Contract,
    at: pd.Timestamp,
    tracked: tuple[bool, bool],
    history_available: bool,
) -> AtInstant:
    """The engines' rows at ``at``: settled tickets' from ``settled``, the others computed.

    A ticket is taken from ``settled`` when it is final and its settling instant is not
    after ``at``; every other ticket created by ``at`` is prepared, measured and has its
    state changes computed again, with its own status history.
    """
    at = pd.Timestamp(at).as_unit("us")
    created = tickets["created_at"].to_numpy("datetime64[us]")
    seen = ~(created > at.to_datetime64())
    at_us = int(np.datetime64(at.to_datetime64(), "us").astype(np.int64))
    done = seen & settled.final & (settled.settles_at <= at_us)
    redo = np.flatnonzero(seen & ~done)
    rows = settled.history_pos >= 0
    rows[rows] = np.isin(settled.history_pos[rows], redo)
    part_history = history[rows].reset_index(drop=True)
    part_tickets = tickets.take(redo).reset_index(drop=True)
    part = timeline.prepare_tickets(part_tickets, part_history, contract, at, tracked=tracked)
    waiting = timeline.waiting_intervals(part_history, contract, at)
    part_outcomes = sla.sla_outcomes(
        part, waiting, contract, at, history_available=history_available, timezone=contract.timezone
    )
    part_changes = timeline.ticket_changes(part, part_history, contract, at)

    kept = np.flatnonzero(done)
    prepared = _merged([settled.prepared.take(kept), part], np.argsort(np.r_[kept, redo]))
    part_keep = np.flatnonzero(_sla_rows(part, contract))
    part_pos = np.tile(redo[part_keep], _SLA_KINDS)
    part_kind = np.repeat(np.arange(_SLA_KINDS), len(part_keep))
    final = done[settled.outcome_pos]
    pos = np.r_[settled.outcome_pos[final], part_pos]
    kind = np.r_[settled.outcome_kind[final], part_kind]
    outcomes = _merged([settled.outcomes[final], part_outcomes], np.lexsort((pos, kind)))
    mine = done[settled.change_pos]
    part_change_pos = redo[_ticket_positions(part, part_changes["source"], part_changes["key"])]
    change_pos = np.r_[settled.change_pos[mine], part_change_pos]
    changes = _merged([settled.changes[mine], part_changes], np.argsort(change_pos, kind="stable"))
    return AtInstant(prepared, outcomes, changes, len(redo))


# -- helpers -------------------------------------------------------------------------


def _sla_rows(prepared: pd.DataFrame, contract: Contract) -> np.ndarray:
    """The prepared tickets that get SLA rows (as `sla.sla_outcomes` chooses them)."""
    return prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)


def _history_positions(tickets: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """Per history row, the input position of its ticket (-1: a ticket not in the group)."""
    if history.empty:
        return np.zeros(0, dtype=np.int64)
    return _ticket_positions(tickets, history["source"], history["ticket_key"])


def _ticket_positions(tickets: pd.DataFrame, source: pd.Series, key: pd.Series) -> np.ndarray:
    """Per (source, key), the position of that ticket in ``tickets`` (-1: none)."""
    index = pd.MultiIndex.from_arrays(
        [tickets["source"].astype("string"), tickets["key"].astype("string")]
    )
    wanted = pd.MultiIndex.from_arrays([source.astype("string"), key.astype("string")])
    return np.asarray(index.get_indexer(wanted), dtype=np.int64)


def _settling_instants(
    tickets: pd.DataFrame, history: pd.DataFrame, history_pos: np.ndarray
) -> np.ndarray:
    """Per ticket, its latest date (export columns and status history), as int64 µs.

    A ticket without any date gets the smallest integer: it is settled from the start.
    """
    none = np.iinfo(np.int64).min
    latest = np.full(len(tickets), none, dtype=np.int64)
    for name in tickets.columns:
        if pd.api.types.is_datetime64_any_dtype(tickets[name].dtype):
            values = tickets[name].to_numpy("datetime64[us]").view(np.int64)
            latest = np.maximum(latest, values)  # NaT is the smallest int64
    if len(history_pos):
        at = history["at"].to_numpy("datetime64[us]").view(np.int64)
        mine = history_pos >= 0
        np.maximum.at(latest, history_pos[mine], at[mine])
    return latest


def _same_rows(first: pd.DataFrame, second: pd.DataFrame) -> np.ndarray:
    """Per row, whether every column holds the same value in both (missing = missing)."""
    same = np.ones(len(first), dtype=bool)
    for name in first.columns:
        a, b = first[name], second[name]
        equal = (a == b).to_numpy(bool, na_value=False) if len(a) else np.zeros(0, bool)
        same &= equal | (a.isna().to_numpy(bool) & b.isna().to_numpy(bool))
    return same


def _merged(parts: list[pd.DataFrame], order: np.ndarray) -> pd.DataFrame:
    """Concatenate ``parts`` and put the rows in ``order`` (positions in the whole)."""
    kept = [p.reset_index(drop=True) for p in parts if len(p)]
    if not kept:
        return parts[-1].iloc[:0].reset_index(drop=True)
    whole = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
    return whole.take(order).reset_index(drop=True)
