"""Run the SLA engines over many contracts at once, with the same engines as `compute_figures`.

The row-wise SLA engines (ticket preparation, SLA clocks) cost mostly pandas' fixed
overhead on one contract's thousand tickets: they run here once per *group* of
contracts that share every setting those engines read and the few facts they take from
a contract's whole data (does it fill ``workaround_at``, does its history name
workarounds, has it a history at all). Each contract's rows are then taken back from
the group's results. `figures.summaries` reads the groups for the portfolio and the
report, and computes the money figures (billing, balance, estimation) from the derived
tables over the same groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.domain.frames import positions_in
from tma_metrics.domain.sla import outcomes as sla
from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.figures import settled
from tma_metrics.figures.contract_figures import (
    ContractFigures,
    compute_figures,
    history_frame,
    ticket_frame,
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


@dataclass(frozen=True)
class Rows:
    """One contract's rows, as `compute_figures` takes them, and its period."""

    contract: Contract
    tickets: pd.DataFrame
    entries: pd.DataFrame
    history: pd.DataFrame
    period: Period
    #: Per entry: another contract of the call has it too (unused, kept for callers).
    shared: np.ndarray | None = None


def figures_of(rows: Sequence[Rows], at: pd.Timestamp) -> list[ContractFigures]:
    """Return each contract's figures, in order: `compute_figures` on each.

    Many contracts' summaries come from `figures.summaries` (the derived tables); this
    computes every table of a contract, for its pages.
    """
    return [
        compute_figures(r.contract, r.tickets, r.entries, r.history, r.period, at) for r in rows
    ]


@dataclass(frozen=True)
class TicketRows:
    """One contract's tickets and status history, and its period (no time entries)."""

    contract: Contract
    tickets: pd.DataFrame
    history: pd.DataFrame
    period: Period


@dataclass(frozen=True)
class SlaGroup:
    """The SLA engines' results over a group of contracts sharing `ENGINE_SETTINGS`."""

    members: list[int]  # positions of the group's contracts among the rows given
    contract: Contract  # the first member (every member has the same engine settings)
    prepared: pd.DataFrame  # timeline.prepare_tickets of every member's tickets
    history: pd.DataFrame  # `history_frame` of every member's status history
    owner: np.ndarray  # per prepared ticket: its contract's position in ``members``
    outcomes: list[pd.DataFrame]  # per member: sla.sla_outcomes (all periods)
    in_period: list[np.ndarray]  # per member: its outcomes placed in its period
    sla_summary: list[ComplianceSummary]  # per member: over its period
    #: `timeline.ticket_changes` of ``prepared`` (None: not computed with the engines)
    changes: pd.DataFrame | None = None


def sla_groups(
    rows: Sequence[TicketRows], at: pd.Timestamp, memo: dict[object, object] | None = None
) -> list[SlaGroup]:
    """Run the SLA engines once per group of like contracts; keep each one's results.

    With a ``memo`` (kept as long as the rows, i.e. per data version), each group's
    settled tickets are measured once and taken from it at any later instant
    (`figures.settled`); only the tickets still moving go through the engines again.
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(_group_key(r, at), []).append(i)
    return [
        _sla_group([rows[i] for i in members], members, at, key, memo)
        for key, members in groups.items()
    ]


def _group_key(r: TicketRows, at: pd.Timestamp) -> tuple[object, ...]:
    """The settings and data facts that decide whether contracts can share engine runs.

    A contract without a ticket up to the as-of instant goes alone: its empty tables
    keep the column types the engines give empty inputs.
    """
    seen = ~(pd.to_datetime(r.tickets["created_at"]) > pd.Timestamp(at))
    if not seen.any():
        return ("alone", r.contract.name)
    settings = tuple(getattr(r.contract, name) for name in ENGINE_SETTINGS)
    return (*settings, *_facts(r, at))


def _facts(r: TicketRows, at: pd.Timestamp) -> tuple[bool, bool, bool]:
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


def _sla_group(
    rows: list[TicketRows],
    members: list[int],
    at: pd.Timestamp,
    key: tuple[object, ...],
    memo: dict[object, object] | None,
) -> SlaGroup:
    """Run the SLA engines once over a group of contracts and split their results."""
    contract = rows[0].contract  # every member has the same engine settings
    n = len(rows)
    tickets = ticket_frame(_concat([r.tickets for r in rows]))
    ticket_owner = np.repeat(np.arange(n), [len(r.tickets) for r in rows])
    history = history_frame(_concat([r.history for r in rows]))

    found = _from_settled(rows, tickets, history, at, key, memo)
    if found is not None:
        prepared, outcomes, changes = found.prepared, found.outcomes, found.changes
    else:
        prepared = timeline.prepare_tickets(tickets, history, contract, at)
        waiting = timeline.waiting_intervals(history, contract, at)
        outcomes = sla.sla_outcomes(
            prepared,
            waiting,
            contract,
            at,
            history_available=not history.empty,
            timezone=contract.timezone,
        )
        changes = None
    prepared_owner = _owner_of(prepared["ticket_uid"], tickets["ticket_uid"], ticket_owner)
    sla_tickets = prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)
    outcome_owner = np.tile(prepared_owner[sla_tickets], 3)
    starts, stops = _windows([r.period for r in rows])
    period_at = outcomes["period_at"].to_numpy("datetime64[us]")
    in_period = (period_at >= starts[outcome_owner]) & (period_at < stops[outcome_owner])
    if len(outcomes) != len(outcome_owner):  # the engine's documented row layout changed
        raise AssertionError("SLA rows do not follow their tickets' order")
    return SlaGroup(
        members=members,
        contract=contract,
        prepared=prepared,
        history=history,
        owner=prepared_owner,
        outcomes=_split(outcomes, outcome_owner, n),
        in_period=[in_period[outcome_owner == i] for i in range(n)],
        sla_summary=_sla_summaries(outcomes, in_period, outcome_owner, n),
        changes=changes,
    )


def _from_settled(
    rows: list[TicketRows],
    tickets: pd.DataFrame,
    history: pd.DataFrame,
    at: pd.Timestamp,
    key: tuple[object, ...],
    memo: dict[object, object] | None,
) -> settled.AtInstant | None:
    """The group's engine rows at ``at`` through its settled run (None: no memo)."""
    if memo is None or key[0] == "alone":
        return None
    uses_column, has_history, tracks = key[-3:]
    tracked = (bool(uses_column), bool(tracks))
    contract = rows[0].contract
    name = ("settled", tuple(r.contract.name for r in rows), key)
    if name not in memo:
        memo[name] = settled.settle(tickets, history, contract, tracked, bool(has_history))
    run = memo[name]
    if run is None:
        return None
    return settled.at_instant(
        run,
        tickets,
        history,
        contract,
        at,
        tracked,
        bool(has_history),  # type: ignore[arg-type]
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


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _owner_of(uids: pd.Series, ticket_uids: pd.Series, ticket_owner: np.ndarray) -> np.ndarray:
    """Return, per ticket id, the position of its contract in the group."""
    at = positions_in(uids, pd.Index(ticket_uids.to_numpy()))
    if (at < 0).any():
        raise AssertionError("a row names a ticket outside its group")
    return ticket_owner[at]


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
