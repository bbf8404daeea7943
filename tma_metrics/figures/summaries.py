"""Many contracts summarised on one as-of date: the portfolio, the report, the JSON.

The money figures come from the derived tables (`figures.derive`: every entry billed
once per data version, summed per contract, ticket and day): a balance reads its
contract's per-day totals, the estimation and the commitments read each ticket's hours
up to the as-of date. The SLA figures and the tickets' state come from the SLA engines
run once per group of like contracts (`figures.batch.sla_groups`). Every figure is
computed by the same domain functions as a contract's pages (`compute_figures`); only
where the per-entry sums come from differs.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from tma_metrics.domain import estimation, ticket_states
from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.carnet import billing, consumption
from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.domain.carnet.ledger import BALANCE_MODELS
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.estimation import AccuracySummary
from tma_metrics.domain.frames import positions_in
from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.figures import derive
from tma_metrics.figures.batch import SlaGroup, TicketRows, sla_groups
from tma_metrics.figures.contract_figures import (
    ended_on,
    moment,
    warning_facts_of,
    warning_texts,
)
from tma_metrics.figures.periods import Period, contract_period
from tma_metrics.store import derived as tables

__all__ = [
    "CHUNK_CONTRACTS",
    "ContractSummary",
    "iter_summaries",
    "summaries",
]

#: Contracts whose SLA engines run together: enough to share the runs among like
#: contracts, few enough that their SLA tables never all sit in memory at once.
CHUNK_CONTRACTS = 200


@dataclass(frozen=True)
class ContractSummary:
    """What the portfolio and the report show of one contract on one as-of date."""

    contract: Contract
    period: Period
    at: pd.Timestamp  # instant the SLA clocks are read at
    balance: Balance
    sla_period: pd.DataFrame  # SLA outcomes placed in the period
    sla_summary: ComplianceSummary
    estimation_summary: AccuracySummary
    open_tickets: int
    warnings: tuple[str, ...]
    monthly: pd.DataFrame  # consumption.monthly (empty for a carnet: not read)
    changes: pd.DataFrame  # `timeline.ticket_changes`, as `ContractFigures.changes`
    ticket_flow: dict[str, int]  # `ticket_states.flow` of ``changes`` over the period

    @property
    def name(self) -> str:
        return self.contract.name


def iter_summaries(
    store: object,
    contracts: Sequence[Contract],
    as_of: date,
    *,
    names: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    chunk: int = CHUNK_CONTRACTS,
) -> Iterator[ContractSummary]:
    """Yield the summaries of the contracts ``names`` (default: all), in order.

    ``contracts`` is the whole contracts file: the derived tables and each contract's
    rows are those of every contract, whoever reads them.
    """
    found = derive.ensure(store, contracts)  # type: ignore[arg-type]
    wanted = [c for c in contracts if names is None or c.name in set(names)]
    if names is not None:
        order = {n: i for i, n in enumerate(names)}
        wanted.sort(key=lambda c: order[c.name])
    at = moment(as_of, now or datetime.now())
    scope = _ticket_scope(found, contracts, [c.name for c in wanted])
    money = _Money(found, wanted, as_of)
    for first in range(0, len(wanted), max(chunk, 1)):
        part = wanted[first : first + max(chunk, 1)]
        rows = [
            TicketRows(c, *scope.of(c.name), contract_period(c, as_of, start, end)) for c in part
        ]
        out: list[ContractSummary | None] = [None] * len(part)
        for group in sla_groups(rows, at, scope.memo):
            for i, summary in zip(group.members, _summarise(group, rows, money, at), strict=True):
                out[i] = summary
        yield from (s for s in out if s is not None)


def summaries(
    store: object, contracts: Sequence[Contract], as_of: date, **options: object
) -> list[ContractSummary]:
    """Return `iter_summaries` as a list."""
    return list(iter_summaries(store, contracts, as_of, **options))  # type: ignore[arg-type]


def _summarise(
    group: SlaGroup, rows: list[TicketRows], money: _Money, at: pd.Timestamp
) -> list[ContractSummary]:
    """The summaries of one SLA group's contracts, its money figures computed at once."""
    contract, as_of = group.contract, money.as_of
    members = [rows[i] for i in group.members]
    n = len(members)
    view, estimates = money.tickets_seen(members, contract.margin, group.prepared)
    facts = estimation.ticket_facts(
        group.prepared,
        view,
        as_of,
        resolved_statuses=contract.resolved_statuses,
        estimates=estimates,
    )
    commitments = consumption.commitments(
        group.prepared, view, as_of, facts=facts, descriptive=False
    )
    uids = pd.Index(group.prepared["ticket_uid"].to_numpy())
    committed_owner = group.owner[positions_in(commitments["ticket_uid"], uids)]
    committed = _by_owner(commitments, committed_owner, n)
    accuracy = estimation.accuracy(
        group.prepared,
        view,
        contract.margin,
        contract.hours_per_day,
        as_of=as_of,
        facts=facts,
        descriptive=False,
    )
    pos = positions_in(accuracy["ticket_uid"], uids)  # every row is a prepared ticket
    ended = ended_on(group.prepared, accuracy["ticket_uid"]).to_numpy("datetime64[us]")
    accuracy_owner = group.owner[pos]
    starts = np.array([np.datetime64(r.period.start, "us") for r in members])
    stops = np.array([np.datetime64(r.period.end, "us") + np.timedelta64(1, "D") for r in members])
    window = (ended >= starts[accuracy_owner]) & (ended < stops[accuracy_owner])
    accuracy_summaries = estimation.summaries(accuracy[window], accuracy_owner[window], n)
    warned = warning_facts_of(contract, group.prepared, group.owner, money.unknown(members), n)
    open_tickets = np.bincount(group.owner[group.prepared["is_open"].to_numpy(bool)], minlength=n)
    changes, flows = _changes(group, [r.period for r in members], at)
    out = []
    for i, r in enumerate(members):
        days = money.days(r.contract)
        balance = consumption.balance_from_days(
            r.contract, days, consumption.committed_hours(committed[i]), as_of
        )
        monthly = (
            consumption.monthly_from_days(r.contract, pd.DataFrame(days), as_of)
            if r.contract.model not in BALANCE_MODELS
            else _NO_MONTHS
        )
        outcomes = group.outcomes[i]
        out.append(
            ContractSummary(
                contract=r.contract,
                period=r.period,
                at=at,
                balance=balance,
                sla_period=outcomes[group.in_period[i]],
                sla_summary=group.sla_summary[i],
                estimation_summary=accuracy_summaries[i],
                open_tickets=int(open_tickets[i]),
                warnings=tuple(warning_texts(r.contract, balance, warned[i])),
                monthly=monthly,
                changes=changes[i],
                ticket_flow=flows[i],
            )
        )
    return out


_NO_MONTHS = pd.DataFrame()


def _changes(
    group: SlaGroup, periods: list[Period], at: pd.Timestamp
) -> tuple[list[pd.DataFrame], list[dict[str, int]]]:
    """Each member's `timeline.ticket_changes` and its `ticket_states.flow` over its
    period, computed once for the group.

    A ticket's changes read its own row and history only, and (source, key) is a
    ticket's identity (its uid) held by one contract alone: the group's run, split by
    the owner of each row's ticket, gives each contract's.
    """
    prepared = group.prepared
    keys = pd.MultiIndex.from_arrays(
        [prepared["source"].astype("string"), prepared["key"].astype("string")]
    )
    changes = group.changes
    if changes is None:
        changes = timeline.ticket_changes(prepared, group.history, group.contract, at)
    found = keys.get_indexer(pd.MultiIndex.from_arrays([changes["source"], changes["key"]]))
    owner = group.owner[found]
    parts = _by_owner(changes, owner, len(periods))
    flows = ticket_states.flows(changes, owner, [(p.start, p.end) for p in periods])
    return [part.reset_index(drop=True) for part in parts], flows


def _by_owner(frame: pd.DataFrame, owner: np.ndarray, n: int) -> list[pd.DataFrame]:
    """Split ``frame`` by the owner of each row, keeping the rows' order."""
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(n + 1))
    ordered = frame.take(order)
    return [ordered.iloc[bounds[i] : bounds[i + 1]] for i in range(n)]


class _Money:
    """The derived sums of a set of contracts on one as-of date."""

    def __init__(self, found: derive.Derived, contracts: list[Contract], as_of: date) -> None:
        self.found, self.as_of = found, as_of
        cur = found.store.cursor()
        ids = found.ids_of(contracts)
        self._days = _day_frames(cur, found.schema, ids, as_of)
        totals = tables.ticket_totals(cur, found.schema, ids, as_of)
        self._totals = pd.DataFrame(
            {
                "spent_hours": totals["spent_hours"].to_numpy(),
                "entry_count": totals["entry_count"].to_numpy(),
            },
            index=pd.Index(totals["ticket_id"].to_numpy()),
        )
        self._tickets = _derived_tickets(found, ids)

    def days(self, contract: Contract) -> dict[str, np.ndarray]:
        """The contract's per-day totals up to the as-of date (`ledger.days_until`'s)."""
        return self._days.get(self.found.ids[contract.name], _NO_DAYS)

    def _of(self, members: list[TicketRows], known: bool) -> pd.DataFrame:
        """The derived tickets of ``members`` (known or not), with their hours and
        entries up to the as-of date and their contract's position (``owner``)."""
        ids = tuple(self.found.ids[r.contract.name] for r in members)

        def build() -> pd.DataFrame:
            t = self._tickets
            chosen = t["contract_id"].isin(ids).to_numpy() & (t["known"].to_numpy() == known)
            rows = t[chosen].reset_index(drop=True)
            owner = pd.Series(np.arange(len(ids)), index=ids).reindex(rows["contract_id"])
            return rows.assign(owner=owner.to_numpy())

        found = self.found
        key = ("group", str(found.store.path), id(found.store), found.key, ids, known)
        rows: pd.DataFrame = _cached(key, build)  # type: ignore[assignment]
        at = self._totals.index.get_indexer(rows["ticket_id"].to_numpy())
        spent = _take_or(self._totals["spent_hours"].to_numpy(), at, 0.0)
        count = _take_or(self._totals["entry_count"].to_numpy(), at, 0)
        return rows.assign(spent_hours=spent, entry_count=count.astype(np.int64))

    def tickets_seen(
        self, members: list[TicketRows], margin: float, prepared: pd.DataFrame
    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """`billing.ticket_billing`'s columns that commitments and estimation read, on
        the as-of date (spent hours, entries, rule, late re-estimate, per ticket), and
        `billing.effective_estimates`, both in ``prepared``'s order (the estimates are
        None, and the rows every derived ticket's, when a prepared ticket is missing)."""
        rows = self._of(members, known=True)
        uids = pd.Index(rows["uid"].to_numpy(), name="ticket_uid")
        at = positions_in(prepared["ticket_uid"], uids)
        aligned = not (at < 0).any()
        if aligned:  # one row per prepared ticket, in its order: lookups need no hashing
            rows = rows.take(at)
            uids = pd.Index(prepared["ticket_uid"].to_numpy(), name="ticket_uid")
        terms = rows.set_axis(uids)
        seen = billing.terms_at(terms, margin, self.as_of)
        view = pd.DataFrame(
            {
                "ticket_uid": uids.to_numpy(),
                "spent_hours": rows["spent_hours"].to_numpy(),
                "entry_count": rows["entry_count"].to_numpy(),
                "late_reestimate": seen["late_reestimate"].to_numpy(),
                "rule": seen["ticket_rule"].to_numpy(),
            }
        )
        return view, terms[list(_ESTIMATE_COLUMNS)] if aligned else None

    def unknown(self, members: list[TicketRows]) -> pd.DataFrame:
        """Per contract, the tickets missing from the exports its entries name (up to
        the as-of date): ``owner``, ``ticket_uid``, ``entries``."""
        rows = self._of(members, known=False)
        rows = rows[rows["entry_count"].to_numpy() > 0]
        return pd.DataFrame(
            {
                "owner": rows["owner"].to_numpy(np.int64),
                "ticket_uid": rows["uid"].to_numpy(),
                "entries": rows["entry_count"].to_numpy(),
            }
        )


def _take_or(values: np.ndarray, at: np.ndarray, missing: object) -> np.ndarray:
    """``values[at]``, ``missing`` where ``at`` is -1 (a ticket without entries)."""
    return np.append(values, np.array([missing], dtype=values.dtype))[at]


#: The columns of `billing.effective_estimates`, kept in the derived tickets.
_ESTIMATE_COLUMNS = (
    "estimate_hours",
    "reestimate_hours",
    "effective_estimate_hours",
    "base_rule",
    "reestimated",
    "reestimate_day",
)

_NO_DAYS = {
    "date": np.array([], "datetime64[us]"),
    "hours": np.array([], float),
    "deducted_hours": np.array([], float),
    "management_hours": np.array([], float),
    "entries": np.array([], np.int64),
}


def _day_frames(
    cur: object, schema: str, ids: list[int], as_of: date
) -> dict[int, dict[str, np.ndarray]]:
    """Each contract's per-day totals up to ``as_of`` (`ledger.days_until`'s columns, as
    arrays), refused re-estimates seen on that day."""
    table = tables.days(cur, schema, ids, as_of)  # type: ignore[arg-type]
    contract = table["contract_id"].to_numpy()
    day = table["day"].cast(pa.timestamp("us")).to_numpy()
    deducted = table["deducted_hours"].to_numpy().copy()
    management = table["management_hours"].to_numpy().copy()
    waiting = tables.in_time(cur, schema, ids, as_of)  # type: ignore[arg-type]
    if waiting.num_rows:
        seen = billing.deducted_at(
            waiting["deducted_hours"].to_numpy(),
            waiting["deducted_in_time"].to_numpy(),
            waiting["late_since"].to_numpy(),
            as_of,
        )
        delta = seen - waiting["deducted_hours"].to_numpy()
        key = pd.MultiIndex.from_arrays([contract, day])
        at = key.get_indexer(
            pd.MultiIndex.from_arrays(
                [
                    waiting["contract_id"].to_numpy(),
                    waiting["day"].cast(pa.timestamp("us")).to_numpy(),
                ]
            )
        )
        np.add.at(deducted, at, delta)
        np.add.at(management, at, np.where(waiting["management"].to_numpy(), delta, 0.0))
    if not len(contract):
        return {}
    hours = table["hours"].to_numpy()
    entries = table["entries"].to_numpy().astype(np.int64)
    bounds = np.flatnonzero(np.concatenate(([True], contract[1:] != contract[:-1], [True])))
    frames = {}
    for a, b in itertools.pairwise(bounds):
        frames[int(contract[a])] = {
            "date": day[a:b],
            "hours": hours[a:b],
            "deducted_hours": deducted[a:b],
            "management_hours": management[a:b],
            "entries": entries[a:b],
        }
    return frames


# -- caches keyed by the derived tables' key (data version and contracts) -------------

#: Entries kept per kind of cached value: the ticket scope (every column of the
#: portfolio's tickets) is large, the derived tickets and groups' rows smaller.
_CACHE_SIZES = {"scope": 2, "tickets": 4, "group": 64}
_CACHES: dict[str, OrderedDict[tuple[object, ...], object]] = {
    kind: OrderedDict() for kind in _CACHE_SIZES
}
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple[object, ...], build: object) -> object:
    """Return the value kept under ``key`` (its first item: the kind), else build it."""
    cache = _CACHES[str(key[0])]
    with _CACHE_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = build()  # type: ignore[operator]
    with _CACHE_LOCK:
        cache[key] = value
        while len(cache) > _CACHE_SIZES[str(key[0])]:
            cache.popitem(last=False)
    return value


def _derived_tickets(found: derive.Derived, ids: list[int]) -> pd.DataFrame:
    """The derived tickets of contracts ``ids`` (read once per data version)."""

    def build() -> pd.DataFrame:
        table = tables.tickets(found.store.cursor(), found.schema, ids)
        return table.to_pandas()

    key = ("tickets", str(found.store.path), id(found.store), found.key, tuple(ids))
    return _cached(key, build)  # type: ignore[return-value]


class _Scope:
    """The tickets and status history of a set of contracts, by contract."""

    def __init__(self, tickets: pd.DataFrame, history: pd.DataFrame) -> None:
        self.tickets = tickets
        self.history = history
        #: What is worked out once from these rows (`figures.batch.sla_groups`' memo).
        self.memo: dict[object, object] = {}
        self._tickets = _positions(tickets["contract"])
        owner = pd.Series(tickets["contract"].to_numpy(), index=tickets["uid"].to_numpy())
        contract = owner.reindex(history["ticket_uid"].to_numpy())
        self._history = _positions(pd.Series(contract.to_numpy()))

    def of(self, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return the contract's tickets and history, on positional indexes."""
        return _take(self.tickets, self._tickets.get(name)), _take(
            self.history, self._history.get(name)
        )


def _ticket_scope(found: derive.Derived, contracts: Sequence[Contract], names: list[str]) -> _Scope:
    def build() -> _Scope:
        tickets, history = tables.ticket_scope(found.store.cursor(), contracts, names)
        return _Scope(tickets, history)

    key = ("scope", str(found.store.path), id(found.store), found.key, tuple(names))
    return _cached(key, build)  # type: ignore[return-value]


def _positions(contract: pd.Series) -> dict[str, np.ndarray]:
    """Return the row positions of each contract, in row order."""
    codes, names = pd.factorize(contract, use_na_sentinel=True)
    codes = np.asarray(codes)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {str(n): order[bounds[i] : bounds[i + 1]] for i, n in enumerate(names)}


def _take(frame: pd.DataFrame, rows: np.ndarray | None) -> pd.DataFrame:
    """Return ``frame``'s rows at ``rows`` (none when None), on a fresh positional index."""
    if rows is None:
        return frame.iloc[:0].reset_index(drop=True)
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return frame.iloc[rows[0] : rows[-1] + 1].reset_index(drop=True)
    return frame.take(rows).reset_index(drop=True)
