"""Compute every figure of one contract from its rows, through the pure engines.

This is the single place where the engines are chained (billing → consumption, timeline
→ SLA, estimation); pages, the ``report`` command and exports all read its result, so a
figure is computed one way only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tma_metrics.domain import estimation, ticket_states
from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.carnet import billing, consumption
from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.domain.contracts.model import SLA_KINDS, Contract
from tma_metrics.domain.estimation import AccuracySummary
from tma_metrics.domain.frames import positions_in
from tma_metrics.domain.model import STATUS_HISTORY_COLUMNS, TICKET_COLUMNS, Kind
from tma_metrics.domain.sla import delivery
from tma_metrics.domain.sla import outcomes as sla
from tma_metrics.domain.sla.compliance import ComplianceSummary, in_period, summarise
from tma_metrics.figures.periods import Period
from tma_metrics.french import formats as fr


def moment(as_of: date, now: datetime) -> pd.Timestamp:
    """The instant clocks are read at: now for today, else the end of the as-of day."""
    if as_of == now.date():
        return pd.Timestamp(now).floor("min")
    return pd.Timestamp(as_of) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


class _Pending(Enum):
    PENDING = "pending"


#: What a deferred field holds until it is first read.
PENDING = _Pending.PENDING


class _Deferred:
    """A `ContractFigures` field computed from the others on first read, then kept.

    A descriptor-typed dataclass field: its default is `PENDING`; a value given to the
    constructor (or to `dataclasses.replace`) is kept as is. The summaries of many
    contracts (the JSON report, the portfolio) never read these tables, so they are
    not computed for them; a page reads them all (`ContractFigures.complete`).
    """

    def __init__(self, build: Callable[[ContractFigures], pd.DataFrame]) -> None:
        self._build = build
        self._slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}_value"

    def __get__(self, obj: ContractFigures | None, owner: type | None = None) -> Any:
        if obj is None:
            return PENDING  # the dataclass default
        value = obj.__dict__.get(self._slot, PENDING)
        if value is PENDING:
            value = self._build(obj)
            obj.__dict__[self._slot] = value
        return value

    def __set__(self, obj: ContractFigures, value: Any) -> None:
        obj.__dict__[self._slot] = value


@dataclass(frozen=True)
class ContractFigures:
    """Everything the views show about one contract for one period (frozen, cacheable).

    ``tickets``, ``monthly``, ``burn_up`` and ``delivery`` are computed from the other
    fields when first read (`_Deferred`), always the same way.
    """

    contract: Contract
    period: Period
    at: pd.Timestamp  # instant the SLA clocks are read at
    balance: Balance
    entries: pd.DataFrame  # time entries up to as_of with deducted / absorbed hours
    carnets: pd.DataFrame  # ledger.carnet_history
    commitments: pd.DataFrame  # open tickets with an approved estimate
    outcomes: pd.DataFrame  # sla.sla_outcomes (every ticket x SLA kind, all periods)
    sla_period: pd.DataFrame  # outcomes placed in the period
    sla_summary: ComplianceSummary  # over the period
    estimation: pd.DataFrame  # estimation.accuracy rows of tickets closed in the period
    estimation_summary: AccuracySummary
    prepared: pd.DataFrame  # timeline.prepare_tickets (every ticket, with ``is_open``)
    per_ticket: pd.DataFrame  # billing.ticket_billing (at least every prepared ticket)
    warnings: tuple[str, ...] = field(default=())
    history: pd.DataFrame | None = None  # the status history of the tickets (linked)
    # prepared tickets + billing per ticket + SLA summary
    tickets: pd.DataFrame = _Deferred(  # type: ignore[assignment]
        lambda f: _ticket_table(f.prepared, f.per_ticket, f.outcomes)
    )
    # consumption.monthly
    monthly: pd.DataFrame = _Deferred(  # type: ignore[assignment]
        lambda f: consumption.monthly(f.contract, f.entries, f.period.as_of)
    )
    # consumption.burn_up
    burn_up: pd.DataFrame = _Deferred(  # type: ignore[assignment]
        lambda f: consumption.burn_up_from(f.contract, f.entries, f.balance, f.period.as_of)
    )
    # evolutions' delivery commitments
    delivery: pd.DataFrame = _Deferred(  # type: ignore[assignment]
        lambda f: delivery.delivery_commitments(
            f.prepared, f.contract, f.at, timezone=f.contract.timezone
        )
    )
    # every open / resolved state change of the tickets (ticket_states): the one source
    # of every count of tickets received, resolved, reopened and open
    changes: pd.DataFrame = _Deferred(  # type: ignore[assignment]
        lambda f: timeline.ticket_changes(f.prepared, f.history, f.contract, f.at)
    )

    @property
    def name(self) -> str:
        return self.contract.name

    @property
    def ticket_flow(self) -> dict[str, int]:
        """`ticket_states.flow` of ``changes`` over the period."""
        return ticket_states.flow(self.changes, self.period.start, self.period.end)

    @property
    def open_tickets(self) -> int:
        """How many tickets are open on the as-of date."""
        return int(self.prepared["is_open"].sum())

    def complete(self) -> ContractFigures:
        """Compute every deferred field now (before caching: a copy keeps them)."""
        for name in DEFERRED_FIELDS:
            getattr(self, name)
        return self


#: The fields `ContractFigures` computes on first read.
DEFERRED_FIELDS = ("tickets", "monthly", "burn_up", "delivery", "changes")


def compute_figures(
    contract: Contract,
    tickets: pd.DataFrame,
    entries: pd.DataFrame,
    history: pd.DataFrame,
    period: Period,
    at: pd.Timestamp,
) -> ContractFigures:
    """Chain the engines over one contract's rows (as `Store.scope` returns them)."""
    as_of = period.as_of
    tickets = ticket_frame(tickets)
    history = history_frame(history)
    entries = entry_frame(entries, as_of)

    prepared = timeline.prepare_tickets(tickets, history, contract, at)
    deducted = billing.deduct(entries, tickets, contract.margin)
    deducted["ticket_kind"] = kind_of(deducted["ticket_uid"], prepared)
    per_ticket = billing.ticket_billing(deducted, tickets, contract.margin)

    commitments = consumption.commitments(
        prepared, per_ticket, as_of, resolved_statuses=contract.resolved_statuses
    )
    balance, carnets = consumption.balance_figures(contract, deducted, commitments, as_of)

    waiting = timeline.waiting_intervals(history, contract, at)
    outcomes = sla.sla_outcomes(
        prepared,
        waiting,
        contract,
        at,
        history_available=not history.empty,
        timezone=contract.timezone,
    )
    sla_period = in_period(outcomes, period.start, period.end)

    accuracy = estimation.accuracy(
        prepared,
        per_ticket,
        contract.margin,
        contract.hours_per_day,
        as_of=as_of,
        resolved_statuses=contract.resolved_statuses,
    )
    ended = ended_on(prepared, accuracy["ticket_uid"])
    in_window = (ended >= pd.Timestamp(period.start)) & (
        ended < pd.Timestamp(period.end) + pd.Timedelta(days=1)
    )
    accuracy = accuracy[in_window.to_numpy(bool)].reset_index(drop=True)

    return ContractFigures(
        contract=contract,
        period=period,
        at=at,
        balance=balance,
        entries=deducted,
        carnets=carnets,
        commitments=commitments,
        outcomes=outcomes,
        sla_period=sla_period,
        sla_summary=summarise(sla_period),
        estimation=accuracy,
        estimation_summary=estimation.summary(accuracy),
        prepared=prepared,
        per_ticket=own_billing(per_ticket, tickets["ticket_uid"]),
        warnings=tuple(_warnings(contract, prepared, balance, deducted)),
        history=history,
    )


def own_billing(per_ticket: pd.DataFrame, ticket_uids: pd.Series) -> pd.DataFrame:
    """The rows of `billing.ticket_billing` that are tickets of ``ticket_uids``.

    Entries naming a ticket missing from the exports have a billing row too; no ticket
    table reads it (their entries are counted in the warnings).
    """
    found = positions_in(per_ticket["ticket_uid"], pd.Index(ticket_uids.to_numpy())) >= 0
    return per_ticket if found.all() else per_ticket[found].reset_index(drop=True)


# -- inputs ------------------------------------------------------------------------


def ticket_frame(tickets: pd.DataFrame) -> pd.DataFrame:
    out = tickets.copy()
    for name, dtype in TICKET_COLUMNS.items():
        if name not in out.columns:
            out[name] = pd.Series(pd.NA, index=out.index, dtype=dtype)
        elif dtype == "string":
            out[name] = out[name].astype("string")
        elif dtype == "Float64":
            out[name] = out[name].astype("float64")
    out["ticket_uid"] = out["uid"].astype("string") if "uid" in out else out["key"]
    return out.reset_index(drop=True)


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    columns = list(STATUS_HISTORY_COLUMNS)
    if history is None or history.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in STATUS_HISTORY_COLUMNS.items()})
    out = history.reindex(columns=columns)
    for name in ("source", "ticket_key", "status", "project"):
        out[name] = out[name].astype("string")
    return out.reset_index(drop=True)


def entry_frame(entries: pd.DataFrame, as_of: date) -> pd.DataFrame:
    # Copy-on-write (pandas 3): the columns set below never touch the caller's frame.
    out = entries.rename(columns={"uid": "entry_uid"})
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[us]")
    keep = (out["date"] <= pd.Timestamp(as_of)).to_numpy(bool)
    kept = int(keep.sum())
    # The store sorts by date: the rows kept come first, a slice (no copy) takes them.
    out = out.iloc[:kept] if keep[:kept].all() else out[keep]
    out["ticket_uid"] = _quoted_uid(out)
    out["hours"] = out["hours"].astype("float64")
    return out.reset_index(drop=True)


#: Starts the ticket id of an entry that quotes a ticket missing from the exports.
UNKNOWN_TICKET_MARK = "?"


def _quoted_uid(entries: pd.DataFrame) -> pd.Series:
    """Each entry's ticket id; an entry quoting a ticket no export holds gets its own.

    Such an entry is work on a ticket, not transverse management: billing counts it
    under its « unknown ticket » rule (deducted as spent, reported in the warnings).
    """
    uid = entries["ticket_uid"].astype("string")
    if "ticket_key" not in entries:
        return uid
    key = entries["ticket_key"].astype("string")
    quoted = uid.isna() & key.notna() & (key.str.strip() != "")
    if not quoted.any():
        return uid
    return uid.mask(quoted, UNKNOWN_TICKET_MARK + key)


def ended_on(prepared: pd.DataFrame, ticket_uids: pd.Series) -> pd.Series:
    """When each ticket ended: counted resolved (`resolved_on`), else closed (NaT: unknown)."""
    ended = prepared["resolved_on"].fillna(prepared["closed_at"]).to_numpy("datetime64[us]")
    at = positions_in(ticket_uids, pd.Index(prepared["ticket_uid"].to_numpy()))
    padded = np.append(ended, np.datetime64("NaT", "us"))  # -1: not a prepared ticket
    return pd.Series(padded[at], index=ticket_uids.index)


# -- per-ticket table ----------------------------------------------------------------

#: Outcomes from worst to best, to show one SLA state per ticket.
_OUTCOME_RANK = {"breached": 0, "at_risk": 1, "open": 2, "met": 3, "not_measurable": 4}


def _ticket_table(
    prepared: pd.DataFrame, per_ticket: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    bill = per_ticket.set_index("ticket_uid")
    table = prepared.copy()
    at = positions_in(table["ticket_uid"], bill.index)
    every = len(at) > 0 and bool((at >= 0).all())
    for name in (
        "spent_hours",
        "deducted_hours",
        "absorbed_hours",
        "effective_estimate_hours",
        "cap_hours",
        "rule",
        "qualification_over_2h",
        "late_reestimate",
    ):
        if name not in bill:
            values = np.nan
        elif every:  # what `map` gives when every ticket is billed, without its hashing
            mapped = table["ticket_uid"].iloc[:1].map(bill[name]).dtype  # map's result type
            values = bill[name].take(at).set_axis(table.index).astype(mapped)
        else:
            values = table["ticket_uid"].map(bill[name])
        table[f"billed_{name}" if name == "spent_hours" else name] = values
    table["billed_spent_hours"] = table["billed_spent_hours"].astype("float64").fillna(0.0)
    for name in ("deducted_hours", "absorbed_hours"):
        table[name] = table[name].astype("float64").fillna(0.0)
    _stop_columns(table, outcomes)
    applicable = outcomes[outcomes["applicable"]].copy()
    if applicable.empty:
        table["sla_state"] = pd.Series(pd.NA, index=table.index, dtype="string")
        table["sla_remaining_minutes"] = np.nan
        table["sla_deadline"] = pd.NaT
        return table
    applicable["rank"] = applicable["outcome"].map(_OUTCOME_RANK).fillna(9)
    worst = applicable.sort_values(["rank", "remaining_minutes"]).drop_duplicates(["source", "key"])
    worst = worst.set_index(["source", "key"])
    index = pd.MultiIndex.from_arrays([table["source"], table["key"]])
    table["sla_state"] = worst["outcome"].reindex(index).to_numpy()
    table["sla_kind"] = worst["sla_kind"].reindex(index).to_numpy()
    table["sla_remaining_minutes"] = worst["remaining_minutes"].reindex(index).to_numpy()
    table["sla_deadline"] = worst["deadline"].reindex(index).to_numpy()
    return table


#: Per SLA kind, the outcome columns the ticket table repeats (`STOP_COLUMNS` names).
_STOP_FIELDS = ("outcome", "stop_at", "stop_kind", "stop_source")
#: Columns `_stop_columns` adds: ``resolution_stop_at``, ``response_stop_kind``...
STOP_COLUMNS = tuple(f"{kind}_{name}" for kind in SLA_KINDS for name in _STOP_FIELDS)


def _stop_columns(table: pd.DataFrame, outcomes: pd.DataFrame) -> None:
    """Add, per SLA kind, the clock's outcome, what stopped it and whether an event or a bound.

    ``{kind}_stop_kind`` is ``event`` (the response, workaround or resolution itself)
    or ``bound`` (a date it happened by: the closing, the last update, the resolution
    for the response); null while the clock runs or when nothing dates it.
    """
    index = pd.MultiIndex.from_arrays([table["source"], table["key"]])
    for kind in SLA_KINDS:
        rows = outcomes[(outcomes["sla_kind"] == kind).to_numpy(bool)]
        rows = rows.set_index(["source", "key"])
        for name in _STOP_FIELDS:
            values = rows[name].reindex(index)
            table[f"{kind}_{name}"] = values.to_numpy() if name == "stop_at" else values.array


# -- warnings ------------------------------------------------------------------------


def _warnings(
    contract: Contract, prepared: pd.DataFrame, balance: Balance, deducted: pd.DataFrame
) -> list[str]:
    return warning_texts(contract, balance, warning_facts(contract, prepared, deducted))


@dataclass(frozen=True)
class WarningFacts:
    """What the warnings of one contract count (see `warning_texts`)."""

    unmapped: int  # SLA tickets whose priority the contract does not map
    unmapped_labels: tuple[str, ...]  # those priorities, sorted
    closing: int  # tickets whose resolution only a bound dates (closing, last update)
    unknown_entries: int  # entries naming a ticket missing from the exports
    unknown_keys: tuple[str, ...] = ()  # the first `NAMED` of those tickets, sorted
    unknown_key_count: int = 0  # how many different tickets they name
    unprioritised: int = 0  # SLA tickets without any priority (hence no severity)


#: Tickets named in a warning, at most.
NAMED = 5
#: Resolution sources that only bound the resolution (`timeline.prepare_tickets`).
BOUND_SOURCES = ("closing", "update")


def warning_facts(
    contract: Contract, prepared: pd.DataFrame, deducted: pd.DataFrame
) -> WarningFacts:
    """Count what the warnings report, for one contract's rows."""
    unknown = (deducted["rule"] == "unknown_ticket").to_numpy(bool, na_value=False)
    missing = deducted["ticket_uid"][unknown].value_counts(dropna=True)
    named = pd.DataFrame(
        {"owner": 0, "ticket_uid": missing.index.to_numpy(), "entries": missing.to_numpy()}
    )
    (facts,) = warning_facts_of(contract, prepared, np.zeros(len(prepared), np.int64), named, 1)
    return facts


def warning_facts_of(
    contract: Contract,
    prepared: pd.DataFrame,
    ticket_owner: np.ndarray,
    unknown: pd.DataFrame,
    n: int,
) -> list[WarningFacts]:
    """Count what the warnings of ``n`` contracts report, at once.

    ``prepared`` holds the tickets of every contract (``ticket_owner``: the position of
    each one's contract, 0 to n − 1), all read with ``contract``'s settings;
    ``unknown`` has a row per contract and ticket missing from the exports that its
    entries name: ``owner``, ``ticket_uid`` and ``entries`` (how many).
    """
    in_scope = prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)
    no_severity = in_scope & prepared["severity"].isna().to_numpy()
    unmapped = no_severity & prepared["priority"].notna().to_numpy()
    unprioritised = np.bincount(
        ticket_owner[no_severity & prepared["priority"].isna().to_numpy()], minlength=n
    )
    closing = prepared["resolution_source"].isin(BOUND_SOURCES).to_numpy(bool, na_value=False)
    labels: dict[int, set[str]] = {}
    priority = prepared["priority"].to_numpy(object)
    for i in np.flatnonzero(unmapped):  # a few tickets at most
        labels.setdefault(int(ticket_owner[i]), set()).add(priority[i])
    counts = np.bincount(ticket_owner[unmapped], minlength=n)
    closed = np.bincount(ticket_owner[closing], minlength=n)
    owner = unknown["owner"].to_numpy(np.int64)
    missing = np.bincount(owner, weights=unknown["entries"].to_numpy(), minlength=n)
    named = pd.DataFrame(
        {"owner": owner, "key": ticket_names(unknown["ticket_uid"].astype("string"))}
    ).drop_duplicates()
    key_count = np.bincount(named["owner"].to_numpy(np.int64), minlength=n)
    first = named.sort_values(["owner", "key"]).groupby("owner").head(NAMED)
    keys = {int(o): tuple(k) for o, k in first.groupby("owner")["key"]}
    return [
        WarningFacts(
            unmapped=int(counts[i]),
            unmapped_labels=tuple(sorted(labels.get(i, ()))),
            closing=int(closed[i]),
            unknown_entries=int(missing[i]),
            unknown_keys=keys.get(i, ()),
            unknown_key_count=int(key_count[i]),
            unprioritised=int(unprioritised[i]),
        )
        for i in range(n)
    ]


def ticket_names(uids: pd.Series) -> list[str]:
    """The ticket keys of entry ticket ids, for people.

    A store id is ``source:key``; an entry quoting a ticket no export holds has the key
    behind `UNKNOWN_TICKET_MARK`.

    >>> ticket_names(pd.Series(["redmine:123", "?ABC-7", "jira:OPS-1"]))
    ['123', 'ABC-7', 'OPS-1']
    """
    text = uids.astype("string").dropna()
    marked = text.str.startswith(UNKNOWN_TICKET_MARK)
    keys = text.str.split(":", n=1).str[-1].where(~marked, text.str[1:])
    return keys.tolist()


def warning_texts(contract: Contract, balance: Balance, facts: WarningFacts) -> list[str]:
    """Word the warnings of one contract (French)."""
    found: list[str] = []
    if facts.unmapped:
        labels = ", ".join(f"« {p} »" for p in facts.unmapped_labels)
        found.append(
            f"{facts.unmapped} demande(s) sans sévérité : priorité(s) {labels} absente(s) de "
            "[contract.priorities] — leurs SLA ne sont pas comptés."
        )
    if facts.closing:
        found.append(
            f"{facts.closing} demande(s) sans date de résolution : la date de fermeture "
            "(« Fermé ») ou de dernière mise à jour ne fait que borner la résolution ; "
            "leurs SLA ne sont respectés que si cette borne tombe dans le délai, sinon non "
            "mesurables. Synchronisez l'historique des statuts pour les mesurer."
        )
    if balance.out_of_carnet is not None and balance.out_of_carnet.entries:
        ooc = balance.out_of_carnet
        found.append(
            f"{ooc.entries} saisie(s) de temps ({fr.hours(ooc.spent_hours)}) datée(s) hors de "
            "tout carnet : elles ne sont décomptées d'aucun solde."
        )
    if contract.model == "carnet" and balance.remaining_days is None:
        found.append(
            f"Aucun carnet n'est valide au {balance.as_of:%d/%m/%Y} : pas de solde à cette date."
        )
    if facts.unprioritised:
        found.append(
            f"{facts.unprioritised} demande(s) sans priorité dans l'export : pas de sévérité, "
            "leurs SLA ne sont pas comptés."
        )
    if facts.unknown_entries:
        named = ", ".join(facts.unknown_keys)
        rest = facts.unknown_key_count - len(facts.unknown_keys)
        if rest > 0:
            named += f" et {rest} autre(s)"
        found.append(
            f"{facts.unknown_entries} saisie(s) de temps visent une demande absente des "
            f"exports ({named}) : décomptées au temps passé, sans devis ; importez l'export "
            "des demandes pour les rattacher."
        )
    return found


def kind_of(ticket_uids: pd.Series, prepared: pd.DataFrame) -> pd.Series:
    """Return the kind of each entry's ticket (NA when not among ``prepared``).

    ``ticket_uids.map(prepared.set_index("ticket_uid")["kind"]).astype("string")``, with
    one Arrow lookup instead of hashing millions of ids in Python objects.
    """
    at = positions_in(ticket_uids, pd.Index(prepared["ticket_uid"].to_numpy()))
    kinds = pa.array(prepared["kind"].astype("string").array)
    found = at >= 0
    taken = (
        kinds.take(pa.array(np.where(found, at, 0)))
        if len(kinds)
        else pa.nulls(len(at), pa.string())
    )
    taken = pc.if_else(pa.array(found), taken, pa.scalar(None, pa.string()))
    return pd.Series(pd.array(taken, dtype="string"), index=ticket_uids.index)


def kinds_present(figures: ContractFigures) -> list[str]:
    """Ticket kinds present in the contract's tickets, in the catalog's order."""
    present = set(figures.tickets["kind"].dropna())
    return [k.value for k in Kind if k.value in present]


def previous_as_of(as_of: date, days: int = 7) -> date:
    """The as-of date of the previous weekly point."""
    return as_of - timedelta(days=days)
