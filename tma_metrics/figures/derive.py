"""Derive, once per data version, what the figures need from the time entries.

Every entry is billed once with the domain's rule (`billing.deduct_over_time`: the
estimate guarantee, re-estimates, refused estimates, tickets without estimate, entries
without ticket), then summed per contract, ticket and day, and per contract and day
(`ledger.day_totals`); the store keeps the sums (`tma_metrics.store.derived`). After
an import, an undo or a change of the contracts file, only the contracts whose rows or
settings changed are billed again. Per-as-of figures then read these sums
(`figures.summaries`), never the two million entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.carnet import billing, ledger
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.frames import positions_in
from tma_metrics.figures.contract_figures import entry_frame, kind_of, ticket_frame
from tma_metrics.store import Store
from tma_metrics.store import derived as tables

#: Contracts billed together (their entries in memory at once, as pandas frames).
CHUNK_CONTRACTS = 40
#: Ticket ids are ``contract_id × TICKET_ID_SPAN + position`` (integers, stable per build).
TICKET_ID_SPAN = 1 << 32
#: Marks a ticket id that is another contract's ticket (never in a real id).
_APART = "\x00"


@dataclass(frozen=True)
class Derived:
    """Derived tables up to date for a contracts file: where they are, contracts' ids."""

    store: Store
    schema: str
    key: str
    ids: dict[str, int]  # contract name -> contract_id
    rebuilt: tuple[str, ...] = ()  # the contracts this call billed again

    def ids_of(self, contracts: Sequence[Contract]) -> list[int]:
        """The ids of ``contracts`` (each must be one of the file's)."""
        return [self.ids[c.name] for c in contracts]


def ensure(store: Store, contracts: Sequence[Contract]) -> Derived:
    """Bring the derived tables up to date for ``contracts`` (the whole contracts file).

    Cheap when nothing changed (two small queries); otherwise bills again the contracts
    whose settings or rows changed, and drops the contracts no longer in the file.
    """
    cur = store.cursor()
    with tables.lock_for(store.path):
        key = f"{store.data_version()}|{_digest(repr(c) for c in contracts)}"
        schema = tables.schema_of(cur, key)
        found = tables.built(cur, schema)
        if found.key == key and all(c.name in found.ids for c in contracts):
            return Derived(store, schema, key, {c.name: found.ids[c.name] for c in contracts})
        with tables.Stage(cur, contracts) as stage:
            rows = stage.fingerprints()
            prints = {c.name: _digest([repr(c), rows.get(c.name, "")]) for c in contracts}
            ids = _ids(found.ids, [c.name for c in contracts])
            changed = [c for c in contracts if found.fingerprints.get(c.name) != prints[c.name]]
            gone = [i for name, i in found.ids.items() if name not in prints]
            made = _derive(stage, changed, ids, prints)
        tables.replace(cur, schema, key, [ids[c.name] for c in changed] + gone, made)
    return Derived(store, schema, key, ids, tuple(c.name for c in changed))


def _digest(parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:  # type: ignore[attr-defined]
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _ids(known: dict[str, int], names: list[str]) -> dict[str, int]:
    """Keep each contract's id; give new contracts the next free ones."""
    out = {n: known[n] for n in names if n in known}
    free = max(known.values(), default=0) + 1
    for name in names:
        if name not in out:
            out[name], free = free, free + 1
    return out


def _derive(
    stage: tables.Stage,
    changed: list[Contract],
    ids: dict[str, int],
    prints: dict[str, str],
) -> dict[str, pa.Table]:
    """Bill the ``changed`` contracts' entries; return the rows of every derived table."""
    names = [c.name for c in changed]
    parts: list[dict[str, pa.Table]] = []
    if names:
        tickets, entries = stage.rows_of(names)
        by_margin: dict[float, list[int]] = {}
        for i, c in enumerate(changed):
            by_margin.setdefault(c.margin, []).append(i)
        # A contract's entries only ever meet its own tickets: billing a few dozen
        # contracts at a time gives the same rows, with a fraction of the memory.
        for margin, members in by_margin.items():
            for first in range(0, len(members), CHUNK_CONTRACTS):
                chunk = members[first : first + CHUNK_CONTRACTS]
                t_rows, e_rows = (_rows_of(table, chunk) for table in (tickets, entries))
                parts.append(_bill_group(changed, chunk, margin, t_rows, e_rows, ids))
    contract_rows = pa.table(
        {
            "contract_id": pa.array([ids[n] for n in names], pa.int32()),
            "name": pa.array(names, pa.string()),
            "fingerprint": pa.array([prints[n] for n in names], pa.string()),
        }
    )
    out = {"contract": contract_rows}
    for name in ("ticket", "ticket_day", "day"):
        found = [p[name] for p in parts]
        out[name] = pa.concat_tables(found) if found else _EMPTY[name]
    return out


def _rows_of(table: pa.Table, members: list[int]) -> pd.DataFrame:
    """The rows of contracts ``members`` of an Arrow table, as a DataFrame."""
    chosen = table.filter(pc.is_in(table["owner"], pa.array(members, table["owner"].type)))
    return chosen.to_pandas()


def _bill_group(
    changed: list[Contract],
    members: list[int],
    margin: float,
    t_rows: pd.DataFrame,
    e_rows: pd.DataFrame,
    ids: dict[str, int],
) -> dict[str, pa.Table]:
    """Bill the entries of contracts ``members`` (same margin) in one run of the rule."""
    group_tickets = ticket_frame(t_rows.drop(columns="owner"))
    ticket_owner = t_rows["owner"].to_numpy(np.int64)
    last = e_rows["date"].max() if len(e_rows) else pd.Timestamp(date.today())
    own = entry_frame(e_rows.drop(columns="owner"), pd.Timestamp(last).date())
    entry_owner = e_rows["owner"].to_numpy(np.int64)
    marked, original = _apart(own, entry_owner, group_tickets["ticket_uid"], ticket_owner)
    billed, terms = billing.deduct_over_time(marked, group_tickets, margin, unique_ids=True)
    management = _management(changed, members, group_tickets, ticket_owner)
    known_at = positions_in(marked["ticket_uid"], pd.Index(group_tickets["ticket_uid"]))
    return _rows(
        _Group(changed, ids, group_tickets, ticket_owner, terms, management),
        billed.assign(ticket_uid=original),
        entry_owner,
        known_at,
    )


def _apart(
    entries: pd.DataFrame, owner: np.ndarray, ticket_uids: pd.Series, ticket_owner: np.ndarray
) -> tuple[pd.DataFrame, pd.Series]:
    """Mark the entries naming another contract's ticket, so that they meet no ticket.

    For their contract such a ticket is missing from the exports (« unknown ticket »,
    deducted as spent). Returns the entries to bill and their original ticket ids.
    """
    original = entries["ticket_uid"]
    if not len(ticket_uids):
        return entries, original
    at = positions_in(original, pd.Index(ticket_uids.to_numpy()))
    foreign = (at >= 0) & (ticket_owner[np.maximum(at, 0)] != owner)
    if not foreign.any():
        return entries, original
    values = original.astype("string").to_numpy(object, na_value=None)
    values[foreign] = [
        f"{v}{_APART}{o}" for v, o in zip(values[foreign], owner[foreign], strict=True)
    ]
    return entries.assign(ticket_uid=pd.array(values, dtype=original.dtype)), original


def _management(
    changed: list[Contract], members: list[int], tickets: pd.DataFrame, owner: np.ndarray
) -> np.ndarray:
    """Say which tickets are project management (their kind, as the timeline reads it)."""
    out = np.zeros(len(tickets), dtype=bool)
    by_kinds: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for i in members:
        by_kinds.setdefault(changed[i].kinds, []).append(i)
    for group in by_kinds.values():
        rows = np.isin(owner, group)
        if not rows.any():
            continue
        part = tickets[rows].reset_index(drop=True)
        prepared = timeline.prepare_tickets(part, None, changed[group[0]], pd.Timestamp.max)
        kinds = kind_of(part["ticket_uid"], prepared)
        out[rows] = kinds.eq("management").to_numpy(bool, na_value=False)
    return out


@dataclass(frozen=True)
class _Group:
    """A billed group's tickets, with their contract and terms."""

    changed: list[Contract]
    ids: dict[str, int]
    tickets: pd.DataFrame
    owner: np.ndarray
    terms: pd.DataFrame  # billing terms, index ticket_uid, in the tickets' order
    management: np.ndarray


def _rows(
    group: _Group, billed: pd.DataFrame, entry_owner: np.ndarray, known_at: np.ndarray
) -> dict[str, pa.Table]:
    """The derived rows of one billed group: tickets, ticket-days and days."""
    contract_id = np.array([group.ids[c.name] for c in group.changed], np.int64)
    ticket_id, unknown = _ticket_ids(group, billed, entry_owner, known_at, contract_id)
    dates = billed["date"].to_numpy("datetime64[us]")
    hours = billed["hours"].to_numpy("float64")
    deducted = billed["deducted_hours"].to_numpy("float64")
    in_time = billed["deducted_in_time"].to_numpy("float64")
    flags = np.append(group.management, False)  # position -1: no known ticket
    management = flags[np.where(known_at >= 0, known_at, len(group.management))]
    management |= billed["ticket_uid"].isna().to_numpy()
    made = {
        "ticket": pa.concat_tables([_known_tickets(group, contract_id), unknown]),
        "ticket_day": _ticket_days(
            contract_id[entry_owner], ticket_id, dates, hours, deducted, in_time
        ),
        "day": _days(contract_id, entry_owner, dates, hours, deducted, management),
    }
    # Empty inputs give null-typed columns: every table gets the derived tables' types.
    return {name: table.cast(_EMPTY[name].schema) for name, table in made.items()}


def _ticket_ids(
    group: _Group,
    billed: pd.DataFrame,
    entry_owner: np.ndarray,
    known_at: np.ndarray,
    contract_id: np.ndarray,
) -> tuple[np.ndarray, pa.Table]:
    """Each entry's ticket id (-1: none), and the rows of the tickets missing from exports.

    A contract's own tickets are numbered in its tickets' order; the tickets only its
    entries name come after them, by id.
    """
    position = _positions(group.owner, len(group.changed))
    counts = np.bincount(group.owner, minlength=len(group.changed))
    base = contract_id * TICKET_ID_SPAN
    ticket_id = np.full(len(billed), -1, np.int64)
    known = known_at >= 0
    ticket_id[known] = base[group.owner[known_at[known]]] + position[known_at[known]]
    missing = ~known & billed["ticket_uid"].notna().to_numpy()
    if not missing.any():
        return ticket_id, _EMPTY["ticket"]
    pairs = pd.DataFrame(
        {"owner": entry_owner[missing], "uid": billed["ticket_uid"].to_numpy(object)[missing]}
    )
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs), sort=True)
    first = pd.DataFrame(list(uniques), columns=["owner", "uid"])
    first_owner = first["owner"].to_numpy(np.int64)
    rank = first.groupby("owner").cumcount().to_numpy(np.int64)
    new_ids = base[first_owner] + counts[first_owner] + rank
    ticket_id[missing] = new_ids[codes]
    unknown = pa.table(
        {
            "contract_id": pa.array(contract_id[first_owner], pa.int32()),
            "ticket_id": pa.array(new_ids, pa.int64()),
            "uid": pa.array(first["uid"].astype("string").to_numpy(object), pa.string()),
            "known": pa.array(np.zeros(len(first), bool)),
            **{name: pa.nulls(len(first), kind) for name, kind in _TERMS.items()},
            "management": pa.array(np.zeros(len(first), bool)),
        }
    )
    return ticket_id, unknown


#: The billing terms kept per ticket, with their Arrow types.
_TERMS = {
    "estimate_hours": pa.float64(),
    "reestimate_hours": pa.float64(),
    "effective_estimate_hours": pa.float64(),
    "base_rule": pa.string(),
    "reestimated": pa.bool_(),
    "reestimate_day": pa.timestamp("us"),
    "late_since": pa.timestamp("us"),
}


def _known_tickets(group: _Group, contract_id: np.ndarray) -> pa.Table:
    """The rows of a group's own tickets: ids, uid and billing terms."""
    terms = group.terms
    position = _positions(group.owner, len(group.changed))
    return pa.table(
        {
            "contract_id": pa.array(contract_id[group.owner], pa.int32()),
            "ticket_id": pa.array(contract_id[group.owner] * TICKET_ID_SPAN + position),
            "uid": pa.array(
                group.tickets["ticket_uid"].astype("string").to_numpy(object), pa.string()
            ),
            "known": pa.array(np.ones(len(group.tickets), bool)),
            **{
                name: pa.array(_values(terms[name]), kind, from_pandas=True)
                for name, kind in _TERMS.items()
            },
            "management": pa.array(group.management),
        }
    )


def _positions(owner: np.ndarray, n: int) -> np.ndarray:
    """Each row's position among its contract's rows (rows sorted by contract)."""
    first = np.searchsorted(owner, np.arange(n))
    return np.arange(len(owner)) - first[owner]


def _values(column: pd.Series) -> np.ndarray:
    if column.dtype.kind == "M":
        return column.to_numpy("datetime64[us]")
    return column.to_numpy()


def _ticket_days(
    contract_id: np.ndarray,
    ticket_id: np.ndarray,
    dates: np.ndarray,
    hours: np.ndarray,
    deducted: np.ndarray,
    in_time: np.ndarray,
) -> pa.Table:
    """Sum the entries per contract, ticket and day."""
    day = dates.astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((day, ticket_id, contract_id))
    c, t, d = contract_id[order], ticket_id[order], day[order]
    first = np.concatenate(([True], (c[1:] != c[:-1]) | (t[1:] != t[:-1]) | (d[1:] != d[:-1])))
    start = np.flatnonzero(first) if len(order) else np.zeros(0, np.int64)
    group = np.cumsum(first[: len(order)]) - 1

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values[order], minlength=len(start))

    timed = ~np.isnan(in_time)
    waiting = total(np.where(timed, in_time, 0.0))
    return pa.table(
        {
            "contract_id": pa.array(c[start], pa.int32()),
            "ticket_id": pa.array(t[start], pa.int64(), mask=t[start] < 0),
            "day": pa.array(d[start].astype("datetime64[D]"), pa.date32()),
            "hours": pa.array(total(hours)),
            "deducted_hours": pa.array(total(deducted)),
            "deducted_in_time": pa.array(waiting, mask=total(timed.astype(float)) == 0),
            "entries": pa.array(np.bincount(group, minlength=len(start)), pa.int32()),
        }
    )


def _days(
    contract_id: np.ndarray,
    entry_owner: np.ndarray,
    dates: np.ndarray,
    hours: np.ndarray,
    deducted: np.ndarray,
    management: np.ndarray,
) -> pa.Table:
    """`ledger.day_totals` of each contract's entries, one contract after the other."""
    order = np.argsort(entry_owner, kind="stable")
    bounds = np.searchsorted(entry_owner[order], np.arange(len(contract_id) + 1))
    parts = []
    for i in np.unique(entry_owner):  # the contracts with entries
        cid = contract_id[i]
        rows = order[bounds[i] : bounds[i + 1]]
        days = ledger.day_totals(
            dates[rows], hours[rows], deducted[rows], np.where(management[rows], deducted[rows], 0)
        )
        parts.append(days.assign(contract_id=np.int32(cid)))
    frame = pd.concat(parts, ignore_index=True) if parts else None
    if frame is None or frame.empty:
        return _EMPTY["day"]
    return pa.table(
        {
            "contract_id": pa.array(frame["contract_id"].to_numpy(np.int32)),
            "day": pa.array(frame["date"].to_numpy("datetime64[D]"), pa.date32()),
            "hours": pa.array(frame["hours"].to_numpy()),
            "deducted_hours": pa.array(frame["deducted_hours"].to_numpy()),
            "management_hours": pa.array(frame["management_hours"].to_numpy()),
            "entries": pa.array(frame["entries"].to_numpy(np.int32)),
        }
    )


_EMPTY = {
    "ticket": pa.schema(
        [
            ("contract_id", pa.int32()),
            ("ticket_id", pa.int64()),
            ("uid", pa.string()),
            ("known", pa.bool_()),
            *_TERMS.items(),
            ("management", pa.bool_()),
        ]
    ).empty_table(),
    "ticket_day": pa.schema(
        [
            ("contract_id", pa.int32()),
            ("ticket_id", pa.int64()),
            ("day", pa.date32()),
            ("hours", pa.float64()),
            ("deducted_hours", pa.float64()),
            ("deducted_in_time", pa.float64()),
            ("entries", pa.int32()),
        ]
    ).empty_table(),
    "day": pa.schema(
        [
            ("contract_id", pa.int32()),
            ("day", pa.date32()),
            ("hours", pa.float64()),
            ("deducted_hours", pa.float64()),
            ("management_hours", pa.float64()),
            ("entries", pa.int32()),
        ]
    ).empty_table(),
}
