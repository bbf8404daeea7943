"""The only way the app changes the contracts file: role checked, then validated and kept.

A message for the next run (`flash`) says what was saved: `st.rerun` would wipe one
written before it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tma_metrics.auth.principal import Principal, can_edit_contracts
from tma_metrics.errors import AccessDenied
from tma_metrics.store.contracts_file import (
    ContractDraft,
    read_contracts_text,
    save_contracts_text,
    with_contract,
)

_FLASH = "contrats-message"


class ContractsWriteDenied(AccessDenied):
    """The user may not change the contracts file."""


def _check(principal: Principal) -> None:
    if not can_edit_contracts(principal):
        raise ContractsWriteDenied(
            "Modification refusée : seul un responsable peut modifier les contrats "
            f"(le rôle de « {principal.login} » est {principal.role})."
        )


def save_contracts(text: str, principal: Principal) -> Path:
    """Replace the contracts file with ``text`` when ``principal`` may (see the store)."""
    _check(principal)
    return save_contracts_text(text)


def create_contract(draft: ContractDraft, principal: Principal) -> Path:
    """Append ``draft`` to the contracts file when ``principal`` may; return the file."""
    _check(principal)
    return save_contracts_text(with_contract(read_contracts_text(), draft))


def flash(message: str) -> None:
    """Keep ``message`` for the next run (shown once by `show_flash`)."""
    st.session_state[_FLASH] = message


def show_flash() -> None:
    """Show, once, the message a save left before its rerun."""
    message = st.session_state.pop(_FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
