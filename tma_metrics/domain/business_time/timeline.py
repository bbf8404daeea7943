"""Derive each ticket's SLA events (response, workaround, resolution) from the canonical data.

Honest by construction: an event is dated only from a column or a status change that
says so; when nothing dates it, it stays null and the ``*_source`` / ``*_pending``
columns tell the SLA engine whether it is unknown or known not to have happened yet.
A date that only bounds the resolution (a closing, a last update) is kept apart, as
``resolution_bound_at``: never the event (DOMAIN.md §4).

The status history lists, per ticket, each status the ticket *entered* and when. Its
first row is the ticket's initial status when it is dated at the creation (within a
minute); importers that know the "from" status of the first change should emit it so.
Everything is viewed as of ``as_of``: later history rows and later dates are ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tma_metrics.domain import ticket_states
from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.domain.model import STATUS_HISTORY_COLUMNS, Kind

__all__ = [
    "CREATION_TOLERANCE",
    "NEW_STATUSES",
    "PREPARED_COLUMNS",
    "WORKAROUND_MARKERS",
    "normalised",
    "prepare_tickets",
    "ticket_changes",
    "waiting_intervals",
]

#: Statuses meaning "nobody has picked the ticket up yet". Without a history, an open
#: ticket still in one of them has not been responded to (DOMAIN.md: prise en charge).
NEW_STATUSES = (
    "Nouveau",
    "Nouvelle",
    "New",
    "Open",
    "Ouvert",
    "Ouverte",
    "To Do",
    "À faire",
    "Novo",
    "Nova",
    "Nuevo",
    "Nueva",
    "Abierta",
    "Aberto",
)
#: A history status whose normalised label contains one of these dates the workaround
#: ("Contourné", "Contournement appliqué", "Workaround applied").
WORKAROUND_MARKERS = ("contourn", "workaround")
#: A first history row dated this close to the creation is the ticket's initial status.
CREATION_TOLERANCE = pd.Timedelta(minutes=1)

_KEYS = ["source", "ticket_key"]

#: Columns `prepare_tickets` adds (or rewrites: kind, workaround_at) and their dtypes.
PREPARED_COLUMNS: dict[str, str] = {
    "severity": "string",
    "kind": "string",
    "rejected": "bool",
    "status_resolved": "bool",
    "waiting_now": "bool",  # the export's current status is a waiting one
    "has_history": "bool",
    "response_at": "datetime64[us]",
    "response_source": "string",  # export, history
    "response_pending": "bool",  # known not to have happened as of as_of
    "workaround_at": "datetime64[us]",
    "workaround_source": "string",  # export, history
    "workaround_tracked": "bool",  # the data would show a workaround if there were one
    "resolution_at": "datetime64[us]",  # the event: history, else the export's own date
    "resolution_bound_at": "datetime64[us]",  # no event: the resolution happened by then
    "resolution_source": "string",  # history, export (events); closing, update (bounds); unknown
    "resolution_pending": "bool",
    "resolution_bound_later": "bool",  # only a bound after as_of: it may have happened
    "clock_proof_at": "datetime64[us]",  # a running clock surely runs unpaused from then
    "resolved_on": "datetime64[us]",  # counted resolved then (ticket_states); NaT: never
    "export_resolution": "datetime64[us]",  # the export's resolution: event, else bound
    "status_known": "bool",  # the export gives the ticket's status
    "reopened": "bool",  # open again as of as_of after a resolution
    "is_open": "bool",
}


def prepare_tickets(
    tickets: pd.DataFrame,
    history: pd.DataFrame | None,
    contract: Contract,
    as_of: pd.Timestamp,
    *,
    tracked: tuple[bool, bool] | None = None,
) -> pd.DataFrame:
    """Return the tickets created by ``as_of`` with their severity, kind and dated SLA events.

    Rules (each one a column):

    - ``severity``: ``contract.severity_of(priority)``, null when the label is unknown;
    - ``kind``: the given kind, else ``contract.kind_of(tracker)``, else ``"other"``;
    - ``rejected``: status or resolution among ``contract.rejected_labels``;
    - ``response_at``: the export's ``responded_at``, else the first history change to a
      status that is neither the initial one, a "new" one nor a waiting one;
    - ``resolution_at`` (an event): the first history row in a resolved status, else the
      export's ``resolved_at``; without one, ``resolution_bound_at``: the closing date or,
      for a ticket in a resolved status, its last update, whichever comes first (source
      ``closing`` or ``update``); a ticket in a resolved status with no date at all has
      source ``unknown``;
    - ``workaround_at``: the export's ``workaround_at``, else the first history row whose
      status names a workaround (`WORKAROUND_MARKERS`);
    - ``is_open``, ``resolved_on``, ``reopened``: `ticket_states.state_changes` as of
      ``as_of``. A reopened ticket keeps its first resolution for the SLA;
    - ``clock_proof_at``: the creation when the history shows the pauses (or when the
      export has no last update); without history, the last update of a ticket that is
      not waiting now (no pause since), none when it waits now or when only a bound
      after ``as_of`` dates its resolution: such a running clock is never breached.

    ``workaround_tracked`` reads two facts of the whole set of tickets: does the export
    fill ``workaround_at`` for any ticket, does the history of a ticket created by
    ``as_of`` name a workaround. ``tracked`` gives them when ``tickets`` is only part of
    that set (`figures.settled` prepares again only the tickets still moving).
    """
    as_of = pd.Timestamp(as_of)
    column_used = bool(tickets["workaround_at"].notna().any())
    t = tickets[~(tickets["created_at"] > as_of)].reset_index(drop=True)
    if "updated_at" not in t:
        t["updated_at"] = pd.Series(pd.NaT, index=t.index, dtype="datetime64[us]")
    _classify(t, contract)
    facts = _history_facts(history, t, contract, as_of)
    t = t.merge(facts, how="left", left_on=["source", "key"], right_on=_KEYS)
    t = t.drop(columns="ticket_key")
    t["has_history"] = t["has_history"].astype("boolean").fillna(False).to_numpy(bool)
    _resolution(t, as_of)
    _states(t, history, contract, as_of)
    _response(t, as_of)
    history_tracks = bool(facts["workaround_seen"].any()) if len(facts) else False
    _workaround(t, as_of, tracked or (column_used, history_tracks))
    helpers = [c for c in facts.columns if c not in (*_KEYS, "has_history")]
    t = t.drop(columns=[*helpers, "new_status"])
    return t.astype(PREPARED_COLUMNS)


def _workaround(t: pd.DataFrame, as_of: pd.Timestamp, tracked: tuple[bool, bool]) -> None:
    """Add the workaround: the explicit column, else a history status naming it (in place).

    ``tracked``: the export fills the column for some ticket, the history of some ticket
    names a workaround (then every ticket with a history would show one if it had one).
    """
    explicit = t["workaround_at"].where(t["workaround_at"] <= as_of)
    from_history = t["first_workaround_at"].where(t["first_workaround_at"] <= as_of)
    t["workaround_at"] = explicit.fillna(from_history)
    t["workaround_source"] = _text(
        np.select([explicit.notna(), from_history.notna()], ["export", "history"], "")
    )
    t["workaround_tracked"] = tracked[0] | (t["has_history"] & tracked[1])


def _classify(t: pd.DataFrame, contract: Contract) -> None:
    """Add severity, kind, rejected, status_resolved and waiting_now (in place)."""
    # Same lookups as Contract.severity_of / kind_of, with the table's keys normalised too
    # so that accented defaults ("Très haute", "Immédiat") match.
    t["severity"] = normalised(t["priority"]).map(_lookup(contract.priorities)).astype("string")
    derived = normalised(t["tracker"]).map(_lookup(contract.kinds)).astype("string")
    given = t["kind"].astype("string").replace("", pd.NA)
    t["kind"] = given.fillna(derived).fillna(Kind.OTHER)
    status = normalised(t["status"])
    rejected = {normalise_label(label) for label in contract.rejected_labels}
    resolved = {normalise_label(label) for label in contract.resolved_statuses}
    waiting = {normalise_label(label) for label in contract.waiting_statuses}
    t["rejected"] = (status.isin(rejected) | normalised(t["resolution"]).isin(rejected)).to_numpy(
        dtype=bool, na_value=False
    )
    t["status_resolved"] = status.isin(resolved).to_numpy(dtype=bool, na_value=False)
    t["waiting_now"] = status.isin(waiting).to_numpy(dtype=bool, na_value=False)
    t["new_status"] = status.isin({normalise_label(s) for s in NEW_STATUSES}).to_numpy(
        bool, na_value=False
    )


def _resolution(t: pd.DataFrame, as_of: pd.Timestamp) -> None:
    """Add the resolution's event, bound, source and proof instant (in place)."""
    event = t["first_resolved_at"].fillna(t["resolved_at"])
    event_source = np.where(t["first_resolved_at"].notna(), "history", "export")
    # Upper bounds: the closing; the last update of a ticket now in a resolved status.
    update = t["updated_at"].where(t["status_resolved"])
    closing = t["closed_at"]
    by_closing = (closing.notna() & ~(update < closing)).to_numpy(bool)
    bound = closing.where(by_closing, update)
    bound_source = np.where(by_closing, "closing", "update")
    no_event = event.isna().to_numpy(bool)
    bound = bound.where(no_event)
    happened = (event <= as_of).to_numpy(bool)
    bounded = (bound <= as_of).to_numpy(bool)
    t["resolution_at"] = event.where(happened)
    t["resolution_bound_at"] = bound.where(bounded)
    t["resolution_bound_later"] = (bound > as_of).to_numpy(bool)
    unknown = no_event & bound.isna().to_numpy(bool) & t["status_resolved"].to_numpy(bool)
    t["resolution_source"] = _text(
        np.select([happened, bounded, unknown], [event_source, bound_source, "unknown"], "")
    )
    # What ticket_states counts: the export's first resolution, event else bound.
    t["export_resolution"] = t["resolved_at"].fillna(bound).astype("datetime64[us]")
    # Without history, a pause may hide before the last update, never after it (the
    # status has not changed since, and it is not a waiting one).
    created = t["created_at"]
    updated = t["updated_at"]
    after_update = ~t["has_history"] & updated.notna() & ~(updated <= created)
    proof = updated.where(after_update, created)
    no_proof = (~t["has_history"] & t["waiting_now"]) | t["resolution_bound_later"]
    t["clock_proof_at"] = proof.where(~no_proof.to_numpy(bool)).astype("datetime64[us]")


def _states(
    t: pd.DataFrame, history: pd.DataFrame | None, contract: Contract, as_of: pd.Timestamp
) -> None:
    """Add is_open, resolved_on and reopened from the tickets' state changes (in place)."""
    t["status_known"] = t["status"].notna().to_numpy(bool)
    changes = ticket_changes(t, history, contract, as_of)
    index = pd.MultiIndex.from_arrays([t["source"].astype("string"), t["key"].astype("string")])
    by = [changes["source"], changes["key"]]
    is_open = ticket_states.open_at(changes, as_of)
    t["is_open"] = is_open.reindex(index).fillna(False).to_numpy(bool)
    resolved = changes["change"] == "resolved"
    first = changes["at"].where(resolved).groupby(by, sort=False).min()
    t["resolved_on"] = first.reindex(index).to_numpy("datetime64[us]")
    ever = resolved.groupby(by, sort=False).any().reindex(index).fillna(False)
    t["reopened"] = t["is_open"].to_numpy(bool) & ever.to_numpy(bool)


def ticket_changes(
    prepared: pd.DataFrame, history: pd.DataFrame | None, contract: Contract, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Return `ticket_states.state_changes` of prepared tickets up to ``as_of``."""
    h = _clean_history(history, None)
    resolved = {normalise_label(s) for s in contract.resolved_statuses}
    rows = pd.DataFrame(
        {
            "source": h["source"],
            "ticket_key": h["ticket_key"],
            "at": h["at"],
            "resolved": normalised(h["status"]).isin(resolved).to_numpy(bool, na_value=False),
        }
    )
    return ticket_states.state_changes(prepared, rows, pd.Timestamp(as_of))


def _response(t: pd.DataFrame, as_of: pd.Timestamp) -> None:
    """Add the response's event, source and whether it is known not to have happened."""
    explicit = t["responded_at"].where(t["responded_at"] <= as_of)
    pickup = t["pickup_at"].where(t["pickup_at"] <= as_of)
    t["response_at"] = explicit.fillna(pickup)
    t["response_source"] = _text(
        np.select([explicit.notna(), pickup.notna()], ["export", "history"], "")
    )
    later = (t["responded_at"] > as_of) | (t["pickup_at"] > as_of)
    no_pickup_yet = np.where(t["has_history"], True, t["new_status"])
    # The resolution (event or bound) dates the response at the latest: not pending.
    resolved = t["resolution_at"].notna() | t["resolution_bound_at"].notna()
    t["response_pending"] = (
        t["response_at"].isna() & t["is_open"] & ~resolved & (no_pickup_yet | later)
    )
    t["resolution_pending"] = (
        t["is_open"] & t["resolution_at"].isna() & t["resolution_bound_at"].isna()
    )


def waiting_intervals(
    history: pd.DataFrame | None, contract: Contract, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Return the intervals each ticket spent in a waiting status: source, ticket_key, start, end.

    An interval ends at the ticket's next status change, or at ``as_of`` while it still waits.
    """
    as_of = pd.Timestamp(as_of)
    h = _clean_history(history, as_of)
    waiting = normalised(h["status"]).isin({normalise_label(s) for s in contract.waiting_statuses})
    nxt = h.groupby(_KEYS, sort=False, dropna=False)["at"].shift(-1)
    out = pd.DataFrame(
        {
            "source": h["source"],
            "ticket_key": h["ticket_key"],
            "start": h["at"],
            "end": nxt.fillna(as_of).astype("datetime64[us]"),
        }
    )
    out = out[waiting.to_numpy(bool, na_value=False) & (out["end"] > out["start"]).to_numpy()]
    return out.reset_index(drop=True)


def normalised(values: pd.Series) -> pd.Series:
    """Return `normalise_label` of each value (computed once per distinct label), NA kept."""
    mapping = {v: normalise_label(v) for v in values.dropna().unique()}
    return values.map(mapping).astype("string")


def _clean_history(history: pd.DataFrame | None, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Return the dated history rows (up to ``as_of`` if given), by ticket then time (stable)."""
    used = {c: STATUS_HISTORY_COLUMNS[c] for c in ("source", "ticket_key", "at", "status")}
    if history is None or history.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in used.items()})
    h = history[list(used)].astype(used)
    h = h[h["at"].notna() & ((h["at"] <= as_of) if as_of is not None else True)]
    return h.sort_values([*_KEYS, "at"], kind="stable", na_position="first").reset_index(drop=True)


def _history_facts(
    history: pd.DataFrame | None, tickets: pd.DataFrame, contract: Contract, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Return, per ticket with history, its pickup, first resolution and first workaround.

    Dates are taken from the whole history (the caller hides those after ``as_of``, which
    then are known not to have happened yet); ``has_history`` looks at the rows up to
    ``as_of`` only (the open / resolved states are `ticket_states`').
    """
    h = _clean_history(history, None)
    created = tickets[["source", "key", "created_at"]].rename(columns={"key": "ticket_key"})
    h = h.merge(created, on=_KEYS, how="inner")
    facts_columns = {
        "source": "string",
        "ticket_key": "string",
        "has_history": "bool",
        "pickup_at": "datetime64[us]",
        "first_resolved_at": "datetime64[us]",
        "first_workaround_at": "datetime64[us]",
        "workaround_seen": "bool",
    }
    if h.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in facts_columns.items()})
    seen = (h["at"] <= as_of).to_numpy(bool)
    status = normalised(h["status"])
    groups = h.groupby(_KEYS, sort=False, dropna=False)
    first_row = (groups.cumcount() == 0).to_numpy()
    creation = first_row & (h["at"] <= h["created_at"] + CREATION_TOLERANCE).to_numpy(
        bool, na_value=False
    )
    initial = status.where(creation).groupby([h["source"], h["ticket_key"]], dropna=False)
    initial = initial.transform("first")
    waiting = status.isin({normalise_label(s) for s in contract.waiting_statuses})
    new = status.isin({normalise_label(s) for s in NEW_STATUSES})
    pickup = ~creation & ~waiting & ~new & (status != initial).fillna(True)
    resolved = status.isin({normalise_label(s) for s in contract.resolved_statuses})
    workaround = status.str.contains("|".join(WORKAROUND_MARKERS), regex=True)
    flags = pd.DataFrame(
        {
            "source": h["source"],
            "ticket_key": h["ticket_key"],
            "pickup_at": h["at"].where(pickup.to_numpy(bool, na_value=False)),
            "first_resolved_at": h["at"].where(resolved.to_numpy(bool, na_value=False)),
            "first_workaround_at": h["at"].where(workaround.to_numpy(bool, na_value=False)),
            "has_history": seen,
        }
    )
    facts = flags.groupby(_KEYS, sort=False, dropna=False).agg(
        pickup_at=("pickup_at", "min"),
        first_resolved_at=("first_resolved_at", "min"),
        first_workaround_at=("first_workaround_at", "min"),
        has_history=("has_history", "max"),
    )
    facts = facts.reset_index()
    facts["workaround_seen"] = facts["first_workaround_at"].notna()
    return facts.astype(facts_columns)


def _lookup(table: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {normalise_label(label): value for label, value in table}


def _text(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object).replace("", None).astype("string")
