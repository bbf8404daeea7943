"""Narrow a contract's figures to some severities and ticket kinds (page filters).

Contract-level figures (balance, carnets, monthly consumption, burn-up) stay whole: a
filter on severity or kind changes the lists, the SLA and the estimation figures, never
the carnet's balance.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import pandas as pd

from tma_metrics.domain import estimation
from tma_metrics.domain.sla.compliance import summarise
from tma_metrics.figures.contract_figures import ContractFigures

__all__ = ["filter_figures"]


def filter_figures(
    figures: ContractFigures,
    severities: Collection[str] = (),
    kinds: Collection[str] = (),
) -> ContractFigures:
    """Return ``figures`` restricted to tickets of ``severities`` and ``kinds`` (empty: all)."""
    if not severities and not kinds:
        return figures

    def keep(frame: pd.DataFrame) -> pd.Series:
        mask = pd.Series(True, index=frame.index)
        if severities:
            mask &= frame["severity"].isin(list(severities)).fillna(False).astype(bool)
        if kinds:
            mask &= frame["kind"].isin(list(kinds)).fillna(False).astype(bool)
        return mask

    tickets = figures.tickets[keep(figures.tickets)].reset_index(drop=True)
    uids = set(tickets["ticket_uid"])
    pairs = pd.MultiIndex.from_frame(tickets[["source", "key"]])

    def by_ticket(frame: pd.DataFrame) -> pd.DataFrame:
        index = pd.MultiIndex.from_frame(frame[["source", "key"]])
        return frame[index.isin(pairs)].reset_index(drop=True)

    sla_period = by_ticket(figures.sla_period)
    accuracy = figures.estimation[figures.estimation["ticket_uid"].isin(uids)]
    accuracy = accuracy.reset_index(drop=True)
    entries = figures.entries[figures.entries["ticket_uid"].isin(uids)].reset_index(drop=True)
    return replace(
        figures,
        tickets=tickets,
        entries=entries,
        commitments=figures.commitments[figures.commitments["ticket_uid"].isin(uids)],
        outcomes=by_ticket(figures.outcomes),
        sla_period=sla_period,
        sla_summary=summarise(sla_period),
        delivery=by_ticket(figures.delivery),
        changes=by_ticket(figures.changes),
        estimation=accuracy,
        estimation_summary=estimation.summary(accuracy),
    )
