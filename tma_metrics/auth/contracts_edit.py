"""Save the contracts file on behalf of a user: only a manager may (it names every client)."""

from __future__ import annotations

import os

from tma_metrics.auth.write_scope import WriteScope


def save_contracts(
    scope: WriteScope, text: str, path: str | os.PathLike[str] | None = None
) -> None:
    """Check ``scope`` may edit the contracts, then validate and save ``text``.

    Raises `AccessDenied` (French) for any role but a manager, before reading the text;
    `ContractError` when the text is not a valid contracts file (nothing is written).
    """
    scope.require("edit_contracts")
    from tma_metrics.contract_file import save_contracts_text

    save_contracts_text(text, path)
