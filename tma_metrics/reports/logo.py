"""The client's logo of a contract (``logo = "logos/client.png"``), read for its decks.

The path is relative to the contracts file's folder and must stay inside it (the parser
refuses absolute paths and ``..``; a symbolic link leading out is refused here). The file
is read only if it is a PNG or JPEG of at most `MAX_LOGO_BYTES`. A logo that cannot be
used never stops a deck: it is left out, with a French reason to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.french import formats as fr
from tma_metrics.reports.slides import image_size

__all__ = ["MAX_LOGO_BYTES", "Logo", "contract_logo"]

#: Largest logo file read (bytes): a logo is a few dozen kilobytes.
MAX_LOGO_BYTES = 2_000_000


@dataclass(frozen=True)
class Logo:
    """A contract's logo: its bytes, or why there is none (French)."""

    data: bytes | None = None
    problem: str | None = None


def contract_logo(contract: Contract, contracts_file: Path) -> Logo:
    """Read the logo a contract names, relative to ``contracts_file``'s folder."""
    if not contract.logo:
        return Logo()
    base = contracts_file.resolve().parent
    path = (base / contract.logo).resolve()
    where = f"logo du contrat « {contract.name} » ({contract.logo})"
    if not path.is_relative_to(base):
        return Logo(problem=f"Le {where} sort du dossier du fichier des contrats : ignoré.")
    try:
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            return Logo(
                problem=f"Le {where} pèse {fr.number(size / 1e6, 1)} Mo : attendu au plus "
                f"{fr.number(MAX_LOGO_BYTES / 1e6, 0)} Mo ; ignoré."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        return Logo(problem=f"Le {where} est introuvable (cherché dans {base}) : ignoré.")
    except OSError as exc:
        return Logo(problem=f"Le {where} est illisible ({exc.strerror or exc}) : ignoré.")
    if image_size(data) is None:
        return Logo(problem=f"Le {where} n'est pas une image PNG ou JPEG lisible : ignoré.")
    return Logo(data=data)
