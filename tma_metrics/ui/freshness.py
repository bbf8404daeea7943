"""How recent the data of the contracts in view is (cached per data version)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.store import Store
from tma_metrics.ui import state

__all__ = ["data_end_of"]


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _data_end(db: str, version: str, token: str, names: tuple[str, ...]) -> date | None:
    del version, token  # cache keys only
    contracts, _ = state.contracts()
    chosen = [c for c in contracts if c.name in set(names)]
    if not chosen:
        return None
    return state.get_store(db).data_end(chosen)


def data_end_of(store: Store, contracts: tuple[Contract, ...]) -> date | None:
    """Return the last day of data of ``contracts`` (None when they have none)."""
    names = tuple(c.name for c in contracts)
    return _data_end(str(store.path), store.data_version(), state.contracts_token(), names)
