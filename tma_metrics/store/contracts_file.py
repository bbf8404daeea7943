"""Find, read and save the contracts file (`data/contracts.toml` by default)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tma_metrics.auth.principal import LOCAL_MANAGER
from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.config import settings
from tma_metrics.domain.contracts.model import Contract, ContractError
from tma_metrics.domain.contracts.parser import parse_contracts

#: Environment variable that overrides the default contracts file.
CONTRACTS_ENV = "TMA_METRICS_CONTRACTS"
DEFAULT_CONTRACTS = Path(__file__).resolve().parents[2] / "data" / "contracts.toml"


def resolve_contracts_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the contracts file: the explicit one, else $TMA_METRICS_CONTRACTS, else data/."""
    return settings(contracts_path=explicit).contracts_path


def load_contracts(path: str | os.PathLike[str] | None = None) -> tuple[Contract, ...]:
    """Read and validate the contracts file; raise `ContractError` (French) when wrong."""
    file = resolve_contracts_path(path)
    if not file.exists():
        raise ContractError(
            f"Fichier de contrats introuvable : {file}. Attendu un fichier TOML avec des "
            "blocs [[contract]] (voir le README, section « Fichier des contrats »)."
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        reason = {IsADirectoryError: "un dossier", PermissionError: "un accès refusé"}.get(
            type(exc), f"une erreur de lecture ({exc.strerror or exc})"
        )
        raise ContractError(
            f"Fichier de contrats illisible : {file}. Attendu un fichier TOML lisible, "
            f"trouvé {reason}."
        ) from None
    return parse_contracts(decode_contracts(data, file))


def decode_contracts(data: bytes, file: os.PathLike[str] | str = "") -> str:
    """Return the file's text: UTF-8 (with or without BOM), else Windows-1252 (old editors).

    >>> decode_contracts("\ufeffname = 'Évry'".encode()), decode_contracts("É".encode("cp1252"))
    ("name = 'Évry'", 'É')
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise ContractError(
                f"Fichier de contrats illisible : {file}, ligne {line} : attendu du texte "
                f"UTF-8, trouvé l'octet {data[exc.start]:#04x}."
            ) from None


def save_contracts_text(text: str, path: str | os.PathLike[str] | None = None) -> None:
    """Validate then atomically replace the contracts file (a bad text is never written)."""
    parse_contracts(text)
    file = resolve_contracts_path(path)
    temporary = file.with_suffix(".toml.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)


def save_contracts(
    scope: WriteScope, text: str, path: str | os.PathLike[str] | None = None
) -> None:
    """Check ``scope`` may edit the contracts, then validate and save ``text``.

    Raises `AccessDenied` (French) for any role but a manager, before reading the text;
    `ContractError` when the text is not a valid contracts file (nothing is written).
    """
    scope.require("edit_contracts")
    save_contracts_text(text, path)


def local_scope(contracts: Sequence[Contract] | None = None) -> WriteScope:
    """Return the scope of whoever runs the command line (the local manager).

    The contracts file is read when ``contracts`` is not given; a missing or broken file
    only means the imports cannot say which contracts they touched.
    """
    if contracts is None:
        try:
            contracts = load_contracts()
        except ContractError:
            contracts = ()
    return WriteScope(LOCAL_MANAGER, tuple(contracts))
