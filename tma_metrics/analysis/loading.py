"""Read a set of contracts' rows from the store and compute their figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from tma_metrics.analysis.figures import ContractFigures, compute_figures, moment
from tma_metrics.analysis.periods import Period, default_period
from tma_metrics.contracts import Contract
from tma_metrics.store import Scope, Store


def figures_for(
    store: Store,
    contracts: Sequence[Contract],
    as_of: date,
    *,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> list[ContractFigures]:
    """Compute the figures of ``contracts`` (one store read for all of them)."""
    scope = store.scope(contracts)
    at = moment(as_of, now or datetime.now())
    return [figures_from_scope(c, scope, _period(c, as_of, start, end), at) for c in contracts]


def figures_from_scope(
    contract: Contract, scope: Scope, period: Period, at: pd.Timestamp
) -> ContractFigures:
    """Compute one contract's figures from a scope holding several contracts."""
    return compute_figures(
        contract,
        _rows(scope.tickets, contract.name),
        _rows(scope.entries, contract.name),
        _history_of(scope, contract.name),
        period,
        at,
    )


def _period(contract: Contract, as_of: date, start: date | None, end: date | None) -> Period:
    default = default_period(contract, as_of)
    return Period(as_of=as_of, start=start or default.start, end=end or default.end)


def _rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame[frame["contract"] == name].reset_index(drop=True)


def _history_of(scope: Scope, name: str) -> pd.DataFrame:
    uids = set(scope.tickets.loc[scope.tickets["contract"] == name, "uid"])
    return scope.history[scope.history["ticket_uid"].isin(uids)].reset_index(drop=True)
