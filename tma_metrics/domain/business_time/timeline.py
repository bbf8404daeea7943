"""Derive each ticket's SLA events (response, workaround, resolution) from the canonical data.

Honest by construction: an event is dated only from a column or a status change that
says so; when nothing dates it, it stays null and the ``*_source`` / ``*_pending``
columns tell the SLA engine whether it is unknown or known not to have happened yet.

The status history lists, per ticket, each status the ticket *entered* and when. Its
first row is the ticket's initial status when it is dated at the creation (within a
minute); importers that know the "from" status of the first change should emit it so.
Everything is viewed as of ``as_of``: later history rows and later dates are ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.domain.model import STATUS_HISTORY_COLUMNS, Kind

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
    "has_history": "bool",
    "response_at": "datetime64[us]",
    "response_source": "string",  # export, history
    "response_pending": "bool",  # known not to have happened as of as_of
    "workaround_at": "datetime64[us]",
    "workaround_source": "string",  # export, history
    "workaround_tracked": "bool",  # the data would show a workaround if there were one
    "resolution_at": "datetime64[us]",
    "resolution_source": "string",  # history, export, closing, unknown
    "resolution_pending": "bool",
    "is_open": "bool",
}


def prepare_tickets(
    tickets: pd.DataFrame,
    history: pd.DataFrame | None,
    contract: Contract,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """Return the tickets created by ``as_of`` with their severity, kind and dated SLA events.

    Rules (each one a column):

    - ``severity``: ``contract.severity_of(priority)``, null when the label is unknown;
    - ``kind``: the given kind, else ``contract.kind_of(tracker)``, else ``"other"``;
    - ``rejected``: status or resolution among ``contract.rejected_labels``;
    - ``response_at``: the export's ``responded_at``, else the first history change to a
      status that is neither the initial one, a "new" one nor a waiting one;
    - ``resolution_at``: the first history row in a resolved status, else the export's
      ``resolved_at``, else ``closed_at`` (source ``closing``); a ticket in a resolved
      status with no date at all gets source ``unknown``;
    - ``workaround_at``: the export's ``workaround_at``, else the first history row whose
      status names a workaround (`WORKAROUND_MARKERS`);
    - ``is_open``: not resolved as of ``as_of`` (dated after it, or not dated and not in a
      resolved status), or reopened: the history moved it to an unresolved status after
      its resolution or, without a history, its current status is not a resolved one.
      A reopened ticket keeps its first resolution date for the SLA.
    """
    as_of = pd.Timestamp(as_of)
    workaround_column_used = bool(tickets["workaround_at"].notna().any())
    t = tickets[~(tickets["created_at"] > as_of)].reset_index(drop=True)

    # Same lookups as Contract.severity_of / kind_of, with the table's keys normalised too
    # so that accented defaults ("Très haute", "Immédiat") match.
    t["severity"] = normalised(t["priority"]).map(_lookup(contract.priorities)).astype("string")
    derived = normalised(t["tracker"]).map(_lookup(contract.kinds)).astype("string")
    given = t["kind"].astype("string").replace("", pd.NA)
    t["kind"] = given.fillna(derived).fillna(Kind.OTHER)

    status = normalised(t["status"])
    rejected = {normalise_label(label) for label in contract.rejected_labels}
    resolved = {normalise_label(label) for label in contract.resolved_statuses}
    t["rejected"] = (status.isin(rejected) | normalised(t["resolution"]).isin(rejected)).to_numpy(
        dtype=bool, na_value=False
    )
    t["status_resolved"] = status.isin(resolved).to_numpy(dtype=bool, na_value=False)

    facts = _history_facts(history, t, contract, as_of)
    t = t.merge(facts, how="left", left_on=["source", "key"], right_on=_KEYS)
    t = t.drop(columns="ticket_key")
    t["has_history"] = t["has_history"].astype("boolean").fillna(False).to_numpy(bool)
    new = status.isin({normalise_label(s) for s in NEW_STATUSES}).to_numpy(bool, na_value=False)

    # Resolution: history, then the export's own date, then the closing date.
    candidates = [
        ("history", t["first_resolved_at"]),
        ("export", t["resolved_at"]),
        ("closing", t["closed_at"]),
    ]
    raw = _coalesce([c for _, c in candidates])
    raw_source = _first_source(candidates)
    happened = raw.notna() & (raw <= as_of)
    t["resolution_at"] = raw.where(happened)
    unknown = raw.isna() & t["status_resolved"]
    t["resolution_source"] = _text(np.where(happened, raw_source, np.where(unknown, "unknown", "")))
    # Reopened: the history moved the ticket to an unresolved status after its resolution
    # (a history that merely stops earlier proves nothing); without a history, the
    # export's current status is not a resolved one.
    history_reopens = (
        t["has_history"]
        & ~t["last_resolved"].astype("boolean").fillna(False).to_numpy(bool)
        & (t["last_at"] > t["resolution_at"]).to_numpy(bool)
    )
    status_reopens = ~t["has_history"] & status.notna().to_numpy(bool) & ~t["status_resolved"]
    reopened = happened & (history_reopens | status_reopens)
    t["is_open"] = (t["resolution_at"].isna() & ~unknown) | reopened
    t["resolution_pending"] = t["is_open"] & t["resolution_at"].isna()

    # Response: explicit column, else the history's first pickup.
    explicit = t["responded_at"].where(t["responded_at"] <= as_of)
    pickup = t["pickup_at"].where(t["pickup_at"] <= as_of)
    t["response_at"] = explicit.fillna(pickup)
    t["response_source"] = _text(
        np.select([explicit.notna(), pickup.notna()], ["export", "history"], "")
    )
    later = (t["responded_at"] > as_of) | (t["pickup_at"] > as_of)
    no_pickup_yet = np.where(t["has_history"], True, new)
    t["response_pending"] = t["response_at"].isna() & t["is_open"] & (no_pickup_yet | later)

    # Workaround: explicit column, else a history status naming it.
    explicit = t["workaround_at"].where(t["workaround_at"] <= as_of)
    from_history = t["first_workaround_at"].where(t["first_workaround_at"] <= as_of)
    t["workaround_at"] = explicit.fillna(from_history)
    t["workaround_source"] = _text(
        np.select([explicit.notna(), from_history.notna()], ["export", "history"], "")
    )
    history_tracks = bool(facts["workaround_seen"].any()) if len(facts) else False
    t["workaround_tracked"] = workaround_column_used | (t["has_history"] & history_tracks)

    t = t.drop(columns=[c for c in facts.columns if c not in (*_KEYS, "has_history")])
    return t.astype(PREPARED_COLUMNS)


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
    columns = list(STATUS_HISTORY_COLUMNS)
    if history is None or history.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in STATUS_HISTORY_COLUMNS.items()})
    h = history[columns].astype(STATUS_HISTORY_COLUMNS)
    h = h[h["at"].notna() & ((h["at"] <= as_of) if as_of is not None else True)]
    return h.sort_values([*_KEYS, "at"], kind="stable", na_position="first").reset_index(drop=True)


def _history_facts(
    history: pd.DataFrame | None, tickets: pd.DataFrame, contract: Contract, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Return, per ticket with history, its pickup, first resolution and first workaround.

    Dates are taken from the whole history (the caller hides those after ``as_of``, which
    then are known not to have happened yet); the latest status and ``has_history`` look
    at the rows up to ``as_of`` only.
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
        "last_resolved": "bool",
        "last_at": "datetime64[us]",
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
            "last_resolved": resolved.astype("boolean").where(seen),
            "has_history": seen,
            "last_at": h["at"].where(seen),
        }
    )
    facts = flags.groupby(_KEYS, sort=False, dropna=False).agg(
        pickup_at=("pickup_at", "min"),
        first_resolved_at=("first_resolved_at", "min"),
        first_workaround_at=("first_workaround_at", "min"),
        last_resolved=("last_resolved", "last"),
        has_history=("has_history", "max"),
        last_at=("last_at", "max"),
    )
    facts = facts.reset_index()
    facts["last_resolved"] = facts["last_resolved"].astype("boolean").fillna(False)
    facts["workaround_seen"] = facts["first_workaround_at"].notna()
    return facts.astype(facts_columns)


def _lookup(table: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {normalise_label(label): value for label, value in table}


def _coalesce(series: list[pd.Series]) -> pd.Series:
    out = series[0]
    for s in series[1:]:
        out = out.fillna(s)
    return out


def _first_source(candidates: list[tuple[str, pd.Series]]) -> np.ndarray:
    """Name, per row, the first candidate column that holds a value."""
    return np.select([c.notna().to_numpy() for _, c in candidates], [n for n, _ in candidates], "")


def _text(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object).replace("", None).astype("string")
