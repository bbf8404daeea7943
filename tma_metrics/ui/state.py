"""Process-wide resources of the app: the store (one connection) and the contracts."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import streamlit as st

from tma_metrics.config import settings
from tma_metrics.domain.contracts.model import Contract, ContractError
from tma_metrics.store import Store, resolve_db_path
from tma_metrics.store.contracts_file import (
    load_contracts,
    resolve_contracts_path,
    user_contracts_path,
)

__all__ = ["DEMO_ENV", "contracts", "contracts_token", "get_store", "store"]

#: Set to "0" to start on an empty database instead of seeding the demo data.
DEMO_ENV = "TMA_METRICS_DEMO"


@st.cache_resource(show_spinner="Ouverture de la base…")
def get_store(db_path: str) -> Store:
    """Return the process's single Store; seed the demo data on a brand-new database."""
    store = Store(db_path)
    if settings().demo_on_first_start:
        from tma_metrics.demo.database import is_empty, start_demo

        if is_empty(store):
            # Dated from today, with its contracts in the user's file (the repository's
            # seed is never written): the demo always shows a current carnet.
            start_demo(store, user_contracts_path(), date.today())
    return store


def store() -> Store:
    """Return the store of the database this process serves."""
    return get_store(str(resolve_db_path()))


def contracts_token() -> str:
    """Return a token that changes when the contracts file changes (cache key).

    The hash of the file's bytes, read again only when the file's size, time or inode
    changed: a page calls this on every rerun, the file is hashed once per edit.
    """
    path = resolve_contracts_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "absent"
    return _content_token(str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)


@st.cache_resource(max_entries=8, show_spinner=False)
def _content_token(path: str, mtime_ns: int, size: int, inode: int) -> str:
    del mtime_ns, size, inode  # cache keys only
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


# A resource, not data: the same frozen contracts for every caller, never pickled and
# unpickled again per call (the portfolio resolves 200 contracts per rerun).
@st.cache_resource(max_entries=8, show_spinner=False)
def _load_contracts(token: str) -> tuple[tuple[Contract, ...], str | None]:
    try:
        return load_contracts(), None
    except ContractError as exc:
        return (), str(exc)


def contracts() -> tuple[tuple[Contract, ...], str | None]:
    """Return the contracts and, when the file is wrong, the French error to show."""
    return _load_contracts(contracts_token())
