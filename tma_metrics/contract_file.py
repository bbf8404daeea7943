"""Find, read and save the contracts file (`data/contracts.toml` by default)."""

from __future__ import annotations

import os
from pathlib import Path

from tma_metrics.contracts import Contract, parse_contracts

#: Environment variable that overrides the default contracts file.
CONTRACTS_ENV = "TMA_METRICS_CONTRACTS"
DEFAULT_CONTRACTS = Path(__file__).resolve().parents[1] / "data" / "contracts.toml"


def resolve_contracts_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the contracts file: the explicit one, else $TMA_METRICS_CONTRACTS, else data/."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONTRACTS_ENV)
    return Path(env) if env else DEFAULT_CONTRACTS


def load_contracts(path: str | os.PathLike[str] | None = None) -> tuple[Contract, ...]:
    """Read and validate the contracts file; raise `ContractError` (French) when wrong."""
    file = resolve_contracts_path(path)
    if not file.exists():
        from tma_metrics.contracts import ContractError

        raise ContractError(
            f"Fichier de contrats introuvable : {file}. Attendu un fichier TOML avec des "
            "blocs [[contract]] (voir le README, section « Fichier des contrats »)."
        )
    return parse_contracts(file.read_text(encoding="utf-8"))


def save_contracts_text(text: str, path: str | os.PathLike[str] | None = None) -> None:
    """Validate then atomically replace the contracts file (a bad text is never written)."""
    parse_contracts(text)
    file = resolve_contracts_path(path)
    temporary = file.with_suffix(".toml.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)
