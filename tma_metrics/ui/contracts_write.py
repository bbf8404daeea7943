"""The only way the app changes the contracts file: role checked, then validated and kept.

Pages confirm a save with `ui.flash` (re-exported here): `st.rerun` would wipe a message
written before it.
"""

from __future__ import annotations

from pathlib import Path

from tma_metrics.auth.principal import Principal, can_edit_contracts
from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.errors import AccessDenied
from tma_metrics.store.contracts_file import (
    ContractDraft,
    read_contracts_text,
    versions_folder,
    with_contract,
)
from tma_metrics.store.contracts_file import save_contracts as store_save_contracts
from tma_metrics.ui.flash import flash, show_flash

__all__ = [
    "ContractsWriteDenied",
    "create_contract",
    "flash",
    "save_contracts",
    "saved_note",
    "show_flash",
]


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
    return store_save_contracts(WriteScope(principal), text)


def saved_note(written: Path) -> str:
    """Say where the contracts went and what was kept of the previous file."""
    folder = versions_folder(written)
    if folder.exists() and any(folder.iterdir()):
        return f"enregistré dans {written} ; la version précédente est gardée dans {folder}."
    return (
        f"enregistré dans {written}, votre fichier de contrats ; le fichier de démonstration "
        "du dépôt reste inchangé."
    )


def create_contract(draft: ContractDraft, principal: Principal) -> Path:
    """Append ``draft`` to the contracts file when ``principal`` may; return the file."""
    _check(principal)
    return store_save_contracts(WriteScope(principal), with_contract(read_contracts_text(), draft))
