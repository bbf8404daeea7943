"""Compute many contracts' figures at once, with the same engines as `compute_figures`.

The row-wise engines (ticket preparation, billing, SLA, estimation) cost mostly pandas'
fixed overhead on one contract's thousand tickets: they run here once per *group* of
contracts that share every setting those engines read and the few facts they take from
a contract's whole data (does it fill ``workaround_at``, does its history name
workarounds, has it a history at all). Each contract's rows are then taken back from
the group's results, and what depends on the contract alone (balance, carnets, periods,
summaries, warnings) is computed per contract, as `compute_figures` does: the figures
are the same, value for value and row for row. The deferred tables (ticket table,
monthly figures, burn-up, delivery) are computed per contract when first read.

Rows of different contracts never meet: an entry whose ticket is not one of its own
contract's tickets gets a ticket id no ticket has (the contract's number appended), and
an entry that two contracts share is told apart the same way; both are restored after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tma_metrics.domain import estimation
from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.carnet import billing, consumption
from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.domain.frames import positions_in
from tma_metrics.domain.sla import outcomes as sla
from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.figures.contract_figures import (
    BOUND_SOURCES,
    NAMED,
    ContractFigures,
    WarningFacts,
    compute_figures,
    ended_on,
    entry_frame,
    history_frame,
    kind_of,
    own_billing,
    ticket_frame,
    ticket_names,
    warning_texts,
)
from tma_metrics.figures.periods import Period

#: Contract settings read by the row-wise engines: contracts equal on these (and on the
#: data facts of `_facts`) can go through the engines together.
ENGINE_SETTINGS = (
    "margin",
    "hours_per_day",
    "calendar",
    "sla",
    "sla_ticket_kinds",
    "priorities",
    "kinds",
    "rejected_labels",
    "resolved_statuses",
    "waiting_statuses",
    "timezone",
)
#: Marks a ticket id made unique to one contract (never in a real id).
_APART = "\x00"


@dataclass(frozen=True)
class Rows:
    """One contract's rows, as `compute_figures` takes them, and its period."""

    contract: Contract
    tickets: pd.DataFrame
    entries: pd.DataFrame
    history: pd.DataFrame
    period: Period
    #: Per entry: another contract of the call has it too (None: work it out).
    shared: np.ndarray | None = None


def figures_of(rows: Sequence[Rows], at: pd.Timestamp) -> list[ContractFigures]:
    """Return each contract's figures, in order; the same as `compute_figures` on each."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(_group_key(r, at), []).append(i)
    out: list[ContractFigures | None] = [None] * len(rows)
    for members in groups.values():
        if len(members) == 1:
            r = rows[members[0]]
            out[members[0]] = compute_figures(
                r.contract, r.tickets, r.entries, r.history, r.period, at
            )
            continue
        for i, figures in zip(members, _group([rows[i] for i in members], at), strict=True):
            out[i] = figures
    return [f for f in out if f is not None]


def _group_key(r: Rows, at: pd.Timestamp) -> tuple[object, ...]:
    """The settings and data facts that decide whether contracts can share engine runs.

    A contract without a ticket or an entry up to the as-of date goes alone: its empty
    tables keep the column types the engines give empty inputs.
    """
    seen = ~(pd.to_datetime(r.tickets["created_at"]) > pd.Timestamp(at))
    dated = pd.to_datetime(r.entries["date"]) <= pd.Timestamp(r.period.as_of)
    if not seen.any() or not dated.any():
        return ("alone", r.contract.name)
    settings = tuple(getattr(r.contract, name) for name in ENGINE_SETTINGS)
    return (*settings, *_facts(r, at))


def _facts(r: Rows, at: pd.Timestamp) -> tuple[bool, bool, bool]:
    """The three whole-contract facts the engines read (see `timeline.prepare_tickets`)."""
    tickets, history = r.tickets, r.history
    uses_column = "workaround_at" in tickets and bool(tickets["workaround_at"].notna().any())
    has_history = len(history) > 0
    tracks = False
    if has_history:
        status = history["status"].astype("string")
        labels = {s: normalise_label(s) for s in status.dropna().unique()}
        named = status.map(labels).astype("string")
        marked = named.str.contains("|".join(timeline.WORKAROUND_MARKERS), regex=True)
        marked = marked.fillna(False).to_numpy(bool) & history["at"].notna().to_numpy(bool)
        if marked.any():
            seen = tickets[~(pd.to_datetime(tickets["created_at"]) > pd.Timestamp(at))]
            keys = set(zip(seen["source"], seen["key"], strict=True))
            pairs = zip(history["source"][marked], history["ticket_key"][marked], strict=True)
            tracks = any(pair in keys for pair in pairs)
    return uses_column, has_history, tracks


# -- one group ---------------------------------------------------------------------


def _group(rows: list[Rows], at: pd.Timestamp) -> list[ContractFigures]:
    """Run the engines once over a group of contracts and split their results."""
    contract = rows[0].contract  # every member has the same engine settings
    as_of = rows[0].period.as_of
    n = len(rows)
    tickets = ticket_frame(_concat([r.tickets for r in rows]))
    ticket_owner = np.repeat(np.arange(n), [len(r.tickets) for r in rows])
    history = history_frame(_concat([r.history for r in rows]))
    # Each contract's entries as `compute_figures` cuts them; the engines get the billing
    # columns of all of them (the other columns are put back per contract after).
    own_entries = [entry_frame(r.entries, as_of) for r in rows]
    entry_owner = np.repeat(np.arange(n), [len(e) for e in own_entries])
    entries = _concat([e[[c for c in _BILLING_COLUMNS if c in e]] for e in own_entries])
    if all(r.shared is not None for r in rows):
        kept = [_kept(r.entries, as_of) for r in rows]
        shared = np.concatenate([r.shared[k] for r, k in zip(rows, kept, strict=True)])
    else:
        shared = entries["entry_uid"].duplicated(keep=False).to_numpy(bool)
    entries, restore = _apart(entries, entry_owner, shared, tickets["ticket_uid"], ticket_owner)

    prepared = timeline.prepare_tickets(tickets, history, contract, at)
    prepared_owner = _owner_of(prepared["ticket_uid"], tickets["ticket_uid"], ticket_owner)
    # Ids are unique: the store's key within a contract, marked apart across contracts.
    deducted = billing.deduct(entries, tickets, contract.margin, unique_ids=True)
    deducted["ticket_kind"] = kind_of(deducted["ticket_uid"], prepared)
    per_ticket = billing.ticket_billing(deducted, tickets, contract.margin)
    # per_ticket keeps the marked ids: it is read by ticket id below (set_index) and is
    # not part of the figures; the entries get their own ids back.
    deducted["ticket_uid"] = restore["ticket_uid"]
    deducted["entry_uid"] = restore["entry_uid"]
    commitments = consumption.commitments(
        prepared, per_ticket, as_of, resolved_statuses=contract.resolved_statuses
    )
    waiting = timeline.waiting_intervals(history, contract, at)
    outcomes = sla.sla_outcomes(
        prepared,
        waiting,
        contract,
        at,
        history_available=not history.empty,
        timezone=contract.timezone,
    )
    sla_tickets = prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)
    outcome_owner = np.tile(prepared_owner[sla_tickets], 3)
    accuracy = estimation.accuracy(
        prepared,
        per_ticket,
        contract.margin,
        contract.hours_per_day,
        as_of=as_of,
        resolved_statuses=contract.resolved_statuses,
    )
    ended = ended_on(prepared, accuracy["ticket_uid"]).to_numpy("datetime64[us]")
    accuracy_owner = _owner_of(accuracy["ticket_uid"], tickets["ticket_uid"], ticket_owner)
    starts, stops = _windows([r.period for r in rows])
    window = (ended >= starts[accuracy_owner]) & (ended < stops[accuracy_owner])
    accuracy, accuracy_owner = accuracy[window].reset_index(drop=True), accuracy_owner[window]
    period_at = outcomes["period_at"].to_numpy("datetime64[us]")
    in_period = (period_at >= starts[outcome_owner]) & (period_at < stops[outcome_owner])
    if len(outcomes) != len(outcome_owner):  # the engine's documented row layout changed
        raise AssertionError("SLA rows do not follow their tickets' order")
    # Billing of the group's own tickets (rows of marked ids are another contract's
    # entries on a ticket not theirs: no contract's ticket table reads them).
    billed = own_billing(per_ticket, tickets["ticket_uid"])
    billed_owner = _owner_of(billed["ticket_uid"], tickets["ticket_uid"], ticket_owner)

    split = {
        "prepared": _split(prepared, prepared_owner, n),
        "deducted": _entries_back(own_entries, deducted, n),
        "commitments": _split(
            commitments,
            _owner_of(commitments["ticket_uid"], tickets["ticket_uid"], ticket_owner),
            n,
        ),
        "outcomes": _split(outcomes, outcome_owner, n),
        "accuracy": _split(accuracy, accuracy_owner, n),
        "in_period": [in_period[outcome_owner == i] for i in range(n)],
        "sla_summary": _sla_summaries(outcomes, in_period, outcome_owner, n),
        "estimation_summary": _accuracy_summaries(accuracy, accuracy_owner, n),
        "warnings": _warning_facts(contract, prepared, prepared_owner, deducted, entry_owner, n),
        "per_ticket": _split(billed, billed_owner, n),
    }
    return [_finish(r, {k: v[i] for k, v in split.items()}, at) for i, r in enumerate(rows)]


def _finish(r: Rows, part: dict[str, object], at: pd.Timestamp) -> ContractFigures:
    """Compute what depends on one contract alone, as `compute_figures` does."""
    contract, period = r.contract, r.period
    as_of = period.as_of
    deducted: pd.DataFrame = part["deducted"]  # type: ignore[assignment]
    commitments: pd.DataFrame = part["commitments"]  # type: ignore[assignment]
    outcomes: pd.DataFrame = part["outcomes"]  # type: ignore[assignment]
    balance, carnets = consumption.balance_figures(contract, deducted, commitments, as_of)
    sla_period = outcomes[part["in_period"]]  # as `in_period` (keeps the row labels)
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
        sla_summary=part["sla_summary"],  # type: ignore[arg-type]
        estimation=part["accuracy"],  # type: ignore[arg-type]
        estimation_summary=part["estimation_summary"],  # type: ignore[arg-type]
        prepared=part["prepared"],  # type: ignore[arg-type]
        per_ticket=part["per_ticket"],  # type: ignore[arg-type]
        warnings=tuple(warning_texts(contract, balance, part["warnings"])),  # type: ignore[arg-type]
        history=history_frame(r.history),
    )


# -- helpers -------------------------------------------------------------------------


def _windows(periods: list[Period]) -> tuple[np.ndarray, np.ndarray]:
    """Return each period's first instant and the instant after its last day."""
    starts = np.array([np.datetime64(p.start, "us") for p in periods])
    stops = np.array([np.datetime64(p.end, "us") + np.timedelta64(1, "D") for p in periods])
    return starts, stops


def _sla_summaries(
    outcomes: pd.DataFrame, kept: np.ndarray, owner: np.ndarray, n: int
) -> list[ComplianceSummary]:
    """`compliance.summarise` of each contract's outcomes in its period, counted at once."""
    outcome = outcomes["outcome"].to_numpy(object)
    applicable = outcomes["applicable"].to_numpy(bool)
    measurable = outcomes["measurable"].to_numpy(bool)

    def count(flag: np.ndarray) -> np.ndarray:
        return np.bincount(owner[kept & flag], minlength=n).astype(np.int64)

    met, breached = count(outcome == "met"), count(outcome == "breached")
    n_applicable, n_measurable = count(applicable), count(measurable)
    open_, at_risk, not_applicable = (
        count(outcome == "open"),
        count(outcome == "at_risk"),
        count(~applicable),
    )
    unknown = n_applicable - n_measurable
    with np.errstate(invalid="ignore", divide="ignore"):
        decided = (met + breached).astype(float)
        rate = np.where(decided > 0, met.astype(float) / decided, np.nan)
        cover = np.where(n_applicable > 0, n_measurable.astype(float) / n_applicable, np.nan)
        span = decided + unknown
        low = np.where(span > 0, met.astype(float) / span, np.nan)
        high = np.where(span > 0, (met + unknown).astype(float) / span, np.nan)
    gaps = _main_gaps(outcomes, kept & applicable & ~measurable, owner)
    return [
        ComplianceSummary(
            applicable=int(n_applicable[i]),
            measurable=int(n_measurable[i]),
            met=int(met[i]),
            breached=int(breached[i]),
            open=int(open_[i]),
            at_risk=int(at_risk[i]),
            not_applicable=int(not_applicable[i]),
            compliance=float(rate[i]),
            coverage=float(cover[i]),
            compliance_low=float(low[i]),
            compliance_high=float(high[i]),
            gap=gaps.get(i),
        )
        for i in range(n)
    ]


def _main_gaps(outcomes: pd.DataFrame, unknown: np.ndarray, owner: np.ndarray) -> dict[int, str]:
    """`compliance.main_gap` of each contract: its unknowns' most frequent gap."""
    if "gap" not in outcomes.columns or not unknown.any():
        return {}
    found = pd.DataFrame(
        {"owner": owner[unknown], "gap": outcomes["gap"].to_numpy(object)[unknown]}
    )
    found = found.dropna()
    counts = found.groupby(["owner", "gap"]).size().reset_index(name="n")
    counts = counts.sort_values(["owner", "n", "gap"], ascending=[True, False, True])
    first = counts.drop_duplicates("owner")
    return {int(o): str(g) for o, g in zip(first["owner"], first["gap"], strict=True)}


def _accuracy_summaries(
    accuracy: pd.DataFrame, owner: np.ndarray, n: int
) -> list[estimation.AccuracySummary]:
    """`estimation.summary` of each contract's rows, aggregated in one group-by."""
    empty = estimation.AccuracySummary(0, None, None, None, None, 0.0, None, 0)
    out = [empty] * n
    if accuracy.empty:
        return out
    table = estimation.aggregate_groups(accuracy.groupby(owner))
    for i, row in zip(table.index, table.itertuples(index=False), strict=True):
        out[int(i)] = estimation.AccuracySummary(
            tickets=int(row.tickets),
            within_guarantee_rate=float(row.within_guarantee_rate),
            within_25_rate=float(row.within_25_rate),
            median_ratio=float(row.median_ratio),
            bias=float(row.bias),
            absorbed_hours=float(row.absorbed_hours),
            reestimation_rate=float(row.reestimation_rate),
            late_reestimations=int(row.late_reestimations),
        )
    return out


#: The entry columns `billing.deduct` reads.
_BILLING_COLUMNS = ("entry_uid", "ticket_uid", "date", "hours", "started_at")
#: The columns `compute_figures` adds to the entries.
_ADDED = ("deducted_hours", "absorbed_hours", "rule", "ticket_rule", "cap_hours", "ticket_kind")


def _kept(entries: pd.DataFrame, as_of: object) -> np.ndarray:
    """The rows `entry_frame` keeps (dated on or before as_of)."""
    return (pd.to_datetime(entries["date"]) <= pd.Timestamp(as_of)).to_numpy(bool)


def _entries_back(own: list[pd.DataFrame], deducted: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """Each contract's entries with the columns the group's billing added to them."""
    bounds = np.cumsum([0, *(len(e) for e in own)])
    out = []
    for i in range(n):
        part = deducted.iloc[bounds[i] : bounds[i + 1]]
        frame = own[i].copy(deep=False)
        for name in _ADDED:
            frame[name] = (
                part[name].to_numpy() if part[name].dtype.kind in "fb" else (part[name].array)
            )
        out.append(frame)
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _owner_of(uids: pd.Series, ticket_uids: pd.Series, ticket_owner: np.ndarray) -> np.ndarray:
    """Return, per ticket id, the position of its contract in the group."""
    at = positions_in(uids, pd.Index(ticket_uids.to_numpy()))
    if (at < 0).any():
        raise AssertionError("a row names a ticket outside its group")
    return ticket_owner[at]


def _apart(
    entries: pd.DataFrame,
    owner: np.ndarray,
    twice: np.ndarray,
    ticket_uids: pd.Series,
    ticket_owner: np.ndarray,
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Make entries of one contract unable to meet another's tickets or entries.

    ``twice`` flags the entries another contract also has. Returns the entries to bill
    and their original ``ticket_uid`` and ``entry_uid``.
    """
    restore = {"ticket_uid": entries["ticket_uid"], "entry_uid": entries["entry_uid"]}
    at = positions_in(entries["ticket_uid"], pd.Index(ticket_uids.to_numpy()))
    own = (at >= 0) & (ticket_owner[np.maximum(at, 0)] == owner)
    foreign = ~own & entries["ticket_uid"].notna().to_numpy(bool)
    if not foreign.any() and not twice.any():
        return entries, restore
    entries = entries.copy()
    for column, rows in (("ticket_uid", foreign), ("entry_uid", twice)):
        if rows.any():
            values = entries[column].astype("string").to_numpy(object, na_value=None)
            marked = [f"{v}{_APART}{o}" for v, o in zip(values[rows], owner[rows], strict=True)]
            values[rows] = marked
            entries[column] = pd.array(values, dtype=entries[column].dtype)
    return entries, restore


def _split(frame: pd.DataFrame, owner: np.ndarray, n: int) -> list[pd.DataFrame]:
    """Return each contract's rows of ``frame``, in their order, on a positional index.

    One reordering of the whole frame, then a slice per contract (no copy); a selection
    per contract would copy every column of the group once per contract.
    """
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(n + 1))
    # Slicing (no copy) is cheap whatever the chunks; a selection on an Arrow column of
    # many chunks first glues them together, so reorder only when needed, once.
    ordered = frame.take(order) if (np.diff(order) != 1).any() else frame
    ordered = ordered.reset_index(drop=True)
    return [ordered.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True) for i in range(n)]


def _warning_facts(
    contract: Contract,
    prepared: pd.DataFrame,
    ticket_owner: np.ndarray,
    deducted: pd.DataFrame,
    entry_owner: np.ndarray,
    n: int,
) -> list[WarningFacts]:
    """`figures.warning_facts` of each contract, counted at once."""
    in_scope = prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)
    no_severity = in_scope & prepared["severity"].isna().to_numpy()
    unmapped = no_severity & prepared["priority"].notna().to_numpy()
    unprioritised = np.bincount(
        ticket_owner[no_severity & prepared["priority"].isna().to_numpy()], minlength=n
    )
    closing = prepared["resolution_source"].isin(BOUND_SOURCES).to_numpy(bool, na_value=False)
    unknown = (deducted["rule"] == "unknown_ticket").to_numpy(bool, na_value=False)
    labels: dict[int, set[str]] = {}
    priority = prepared["priority"].to_numpy(object)
    for i in np.flatnonzero(unmapped):  # a few tickets at most
        labels.setdefault(int(ticket_owner[i]), set()).add(priority[i])
    counts = np.bincount(ticket_owner[unmapped], minlength=n)
    closed = np.bincount(ticket_owner[closing], minlength=n)
    missing = np.bincount(entry_owner[unknown], minlength=n)
    named = pd.DataFrame(
        {"owner": entry_owner[unknown], "key": ticket_names(deducted["ticket_uid"][unknown])}
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
