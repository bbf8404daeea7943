"""What every contract page starts with: store, allowed contracts, sidebar filters."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from tma_metrics.contracts import Contract
from tma_metrics.store import Store
from tma_metrics.ui import state
from tma_metrics.ui.filters import Filters, sidebar_filters


@dataclass(frozen=True)
class PageContext:
    """The resources and selection a contract page works with."""

    store: Store
    contracts: tuple[Contract, ...]
    filters: Filters

    @property
    def contract(self) -> Contract | None:
        """The selected contract (always one of the allowed ones)."""
        return next((c for c in self.contracts if c.name == self.filters.contract), None)


def page_context() -> PageContext:
    """Open the store, load the contracts, draw the shared sidebar; stop on a bad file."""
    store = state.store()
    contracts, error = state.contracts()
    if error:
        st.error(error)
        st.stop()
    return PageContext(store=store, contracts=contracts, filters=sidebar_filters(contracts))


def not_built_yet(what: str) -> None:
    """Say plainly that a view is not built yet (never show a made-up number)."""
    st.info(
        f"{what} n'est pas encore disponible dans cette version : aucun chiffre n'est "
        "affiché plutôt qu'un chiffre inventé.",
        icon=":material/construction:",
    )
