"""Read a set of contracts' rows from the store and compute their figures."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.figures.batch import Rows, figures_of
from tma_metrics.figures.contract_figures import ContractFigures, compute_figures, moment
from tma_metrics.figures.periods import Period, contract_period
from tma_metrics.store import Scope, Store

__all__ = ["CHUNK_CONTRACTS", "figures_for", "figures_from_scope", "iter_figures"]

#: Contracts computed together by `iter_figures`: enough to share the engines' runs
#: among like contracts, few enough that their figures (every time entry, deducted)
#: never all sit in memory at once.
CHUNK_CONTRACTS = 100


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
    return list(iter_figures(store, contracts, as_of, start=start, end=end, now=now))


def iter_figures(
    store: Store,
    contracts: Sequence[Contract],
    as_of: date,
    *,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    chunk: int = CHUNK_CONTRACTS,
) -> Iterator[ContractFigures]:
    """Yield the figures of ``contracts``, in order, computed `chunk` contracts at a time.

    One store read for all of them; a caller that keeps only a summary of each contract
    (the portfolio, the JSON report) holds one chunk's figures at a time.
    """
    scope = store.scope(contracts)
    at = moment(as_of, now or datetime.now())
    parts = _split_of(scope)
    for first in range(0, len(contracts), max(chunk, 1)):
        rows = [
            Rows(
                c,
                parts.tickets(c.name),
                parts.entries(c.name),
                parts.history(c.name),
                contract_period(c, as_of, start, end),
                parts.shared(c.name),
            )
            for c in contracts[first : first + max(chunk, 1)]
        ]
        yield from figures_of(rows, at)


def _split_of(scope: Scope) -> _Split:
    """Return the scope's rows by contract, worked out once per cached scope."""
    found = scope.memo.get("split")
    if not isinstance(found, _Split):
        found = _Split(scope)
        scope.memo["split"] = found
    found.scope = scope
    return found


def figures_from_scope(
    contract: Contract, scope: Scope, period: Period, at: pd.Timestamp
) -> ContractFigures:
    """Compute one contract's figures from a scope holding several contracts."""
    parts = _split_of(scope)
    return compute_figures(
        contract,
        parts.tickets(contract.name),
        parts.entries(contract.name),
        parts.history(contract.name),
        period,
        at,
    )


class _Split:
    """A scope's rows by contract: rows grouped once, then taken per contract.

    Comparing the contract column of two million entries with each of 200 names cost
    more than the figures themselves.
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._shared: np.ndarray | None = None
        self._tickets = _positions(scope.tickets["contract"])
        self._entries = _positions(scope.entries["contract"])
        ticket_uid = scope.history["ticket_uid"]
        self._history: dict[str, np.ndarray] = {}
        if len(ticket_uid):
            owner = pd.Series(
                scope.tickets["contract"].to_numpy(), index=scope.tickets["uid"].to_numpy()
            )
            # A ticket belongs to one contract of the scope (scope_tickets.sql).
            contract = owner.reindex(ticket_uid.to_numpy())
            self._history = _positions(pd.Series(contract.to_numpy()))

    def shared(self, name: str) -> np.ndarray:
        """Flag, per entry of contract ``name``, the entries another contract also has."""
        if self._shared is None:
            uid = self.scope.entries["uid"]
            self._shared = uid.duplicated(keep=False).to_numpy(bool)
        rows = self._entries.get(name)
        return self._shared[rows] if rows is not None else np.zeros(0, dtype=bool)

    def tickets(self, name: str) -> pd.DataFrame:
        return _take(self.scope.tickets, self._tickets.get(name))

    def entries(self, name: str) -> pd.DataFrame:
        return _take(self.scope.entries, self._entries.get(name))

    def history(self, name: str) -> pd.DataFrame:
        return _take(self.scope.history, self._history.get(name))


def _positions(contract: pd.Series) -> dict[str, np.ndarray]:
    """Return the row positions of each contract, in row order."""
    codes, names = pd.factorize(contract, use_na_sentinel=True)
    codes = np.asarray(codes)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {str(n): order[bounds[i] : bounds[i + 1]] for i, n in enumerate(names)}


def _take(frame: pd.DataFrame, rows: np.ndarray | None) -> pd.DataFrame:
    """Return ``frame``'s rows at ``rows`` (none when None), on a fresh positional index.

    The store sorts rows by contract, so a contract's rows are one run: a slice, which
    shares the scope's memory instead of copying it.
    """
    if rows is None:
        return frame.iloc[:0].reset_index(drop=True)
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return frame.iloc[rows[0] : rows[-1] + 1].reset_index(drop=True)
    return frame.take(rows).reset_index(drop=True)
