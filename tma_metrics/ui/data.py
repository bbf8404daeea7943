"""Cached computations of the pages: hashable arguments in, frozen results out.

Every cache key holds the database's data version and the contracts file's token (a
hash of the file, computed again only when the file changes), so an import, an undo or
an edit of the contracts file invalidates the results at once; the clock minute is in
the key only for the as-of date of today (SLA clocks run). The portfolio reads the
derived tables (`figures.summaries`), never the time entries.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tma_metrics.charts.contract import contract_charts
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.filtering import filter_figures
from tma_metrics.figures.loading import figures_for
from tma_metrics.figures.summaries import iter_summaries
from tma_metrics.ui import memory, state
from tma_metrics.ui.context import PageContext
from tma_metrics.views.portfolio import portfolio_table

__all__ = ["charts", "contract_figures", "portfolio", "unassigned"]

_TTL = 3600


def _clock(as_of: date) -> str:
    """The part of a cache key that makes today's figures follow the clock."""
    now = datetime.now()
    return now.strftime("%Y-%m-%dT%H:%M") if as_of == now.date() else "fixed"


def _contract(name: str) -> Contract:
    contracts, _ = state.contracts()
    return next(c for c in contracts if c.name == name)


def _all_contracts() -> tuple[Contract, ...]:
    """The contracts file, resolved once per call site (not once per contract)."""
    contracts, _ = state.contracts()
    return contracts


@st.cache_data(max_entries=128, ttl=_TTL, show_spinner="Calcul des indicateurs…")
def _figures(
    db: str,
    version: str,
    token: str,
    name: str,
    as_of: date,
    start: date,
    end: date,
    clock: str,
) -> ContractFigures:
    del version, token, clock  # cache keys only
    store = state.get_store(db)
    (figures,) = figures_for(store, [_contract(name)], as_of, start=start, end=end)
    # The cache keeps a pickled copy: every table must be in it, not recomputed per run.
    complete = figures.complete()
    memory.release()
    return complete


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner="Calcul du portefeuille…")
def _portfolio(
    db: str, version: str, token: str, names: tuple[str, ...], as_of: date, clock: str
) -> pd.DataFrame:
    del version, token, clock
    store = state.get_store(db)
    # One row per contract is all the page shows: summaries from the derived tables
    # (per-day and per-ticket sums, brought up to date once per data version), reduced
    # to their rows as they come.
    summaries = iter_summaries(store, _all_contracts(), as_of, names=names)
    table = portfolio_table(summaries, as_of)
    memory.release()
    return table


@st.cache_data(max_entries=64, ttl=_TTL, show_spinner="Préparation des graphiques…")
def _charts(
    db: str,
    version: str,
    token: str,
    name: str,
    as_of: date,
    start: date,
    end: date,
    clock: str,
    severities: tuple[str, ...],
    kinds: tuple[str, ...],
    client_view: bool,
) -> dict[str, go.Figure]:
    figures = _figures(db, version, token, name, as_of, start, end, clock)
    return contract_charts(filter_figures(figures, severities, kinds), client_view=client_view)


def _key(ctx: PageContext) -> tuple[str, str, str]:
    return str(ctx.store.path), ctx.store.data_version(), state.contracts_token()


def contract_figures(
    ctx: PageContext,
    *,
    as_of: date | None = None,
    window: tuple[date, date] | None = None,
    filtered: bool = True,
) -> ContractFigures | None:
    """Figures of the selected contract (None: no contract).

    The SLA and estimation window is the sidebar's period, or ``window`` (start, end).
    """
    contract = ctx.contract
    if contract is None:
        return None
    day = as_of or ctx.filters.as_of
    period = ctx.filters.period(contract)
    start, end = window or (period.start, period.end)
    figures = _figures(*_key(ctx), contract.name, day, start, end, _clock(day))
    if not filtered:
        return figures
    return filter_figures(figures, ctx.filters.severities, ctx.filters.kinds)


def charts(ctx: PageContext) -> dict[str, go.Figure]:
    """Every chart of the selected contract, filtered, internal or client view."""
    contract = ctx.contract
    day = ctx.filters.as_of
    period = ctx.filters.period(contract)
    return _charts(
        *_key(ctx),
        contract.name,
        day,
        period.start,
        period.end,
        _clock(day),
        ctx.filters.severities,
        ctx.filters.kinds,
        not ctx.internal,
    )


def portfolio(ctx: PageContext) -> pd.DataFrame:
    """The portfolio table (`views.portfolio.portfolio_table`) of every contract the
    principal may see, at the sidebar's as-of date (one store read)."""
    names = tuple(c.name for c in ctx.contracts)
    day = ctx.filters.as_of
    return _portfolio(*_key(ctx), names, day, _clock(day))


@st.cache_data(max_entries=16, ttl=_TTL, show_spinner=False)
def _unassigned(db: str, version: str, token: str) -> pd.DataFrame:
    del version, token
    contracts, _ = state.contracts()
    return state.get_store(db).unassigned(contracts)


def unassigned(ctx: PageContext) -> pd.DataFrame:
    """Projects of the imported data that no contract covers (every contract, not only
    those the principal may see: a project of another contract is not unassigned)."""
    return _unassigned(*_key(ctx))
