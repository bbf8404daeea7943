"""Find, read and save the contracts file.

Which file (for the README):

- **Read**: a file named explicitly (``--contracts``, ``TMA_METRICS_CONTRACTS``); else
  the user's file beside the database (``data/tma_metrics.domain.contracts.model.toml``) when it
  exists; else the demo's seed ``data/contracts.toml``, tracked in the repository.
- **Written**: the user's file (`Settings.user_contracts_path`), never the seed: the
  first save starts from what was read. Every save is validated first (a text that
  does not parse is never written) and keeps the previous file in a ``…-versions``
  folder beside it. The writer's role is checked by the caller
  (`ui.contracts_write.save_contracts`: managers only, the file names every client).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tma_metrics.auth.principal import LOCAL_MANAGER
from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.config import settings
from tma_metrics.domain.contracts.model import MODELS, Contract, ContractError
from tma_metrics.domain.contracts.parser import parse_contracts

__all__ = [
    "CONTRACTS_ENV",
    "DEFAULT_CONTRACTS",
    "ContractDraft",
    "decode_contracts",
    "keep_version",
    "load_contracts",
    "local_scope",
    "read_contracts_text",
    "resolve_contracts_path",
    "save_contracts",
    "save_contracts_text",
    "user_contracts_path",
    "versions_folder",
    "with_contract",
]

#: Environment variable that overrides the default contracts file.
CONTRACTS_ENV = "TMA_METRICS_CONTRACTS"
#: The demo's seed, tracked in the repository: read, never written.
DEFAULT_CONTRACTS = Path(__file__).resolve().parents[2] / "data" / "contracts.toml"


def resolve_contracts_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the contracts file read: explicit, else the user's file, else the demo seed."""
    found = settings(contracts_path=explicit)
    if found.contracts_path_explicit:
        return found.contracts_path
    user = found.user_contracts_path
    return user if user.exists() else found.contracts_path


def user_contracts_path() -> Path:
    """Return the file the app writes the contracts to (see the module's docstring)."""
    return settings().user_contracts_path


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


def read_contracts_text() -> str:
    """Return the text of the contracts file read (empty when there is none)."""
    file = resolve_contracts_path()
    return decode_contracts(file.read_bytes(), file) if file.exists() else ""


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


def save_contracts_text(text: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Validate, then replace the user's contracts file, keeping the previous one.

    Returns the file written. Raises `ContractError` when the text does not validate or
    when the target is the repository's demo seed.
    """
    parse_contracts(text)
    file = Path(path) if path is not None else user_contracts_path()
    if file.resolve() == DEFAULT_CONTRACTS.resolve():
        raise ContractError(
            f"Le fichier de démonstration du dépôt ({file}) n'est jamais modifié : "
            f"définissez {CONTRACTS_ENV} vers votre propre fichier."
        )
    file.parent.mkdir(parents=True, exist_ok=True)
    if file.exists():
        keep_version(file)
    temporary = file.with_name(file.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)
    return file


def versions_folder(file: Path) -> Path:
    """Return the folder where the previous versions of ``file`` are kept."""
    return file.with_name(f"{file.stem}-versions")


def keep_version(file: Path, now: datetime | None = None) -> Path:
    """Copy ``file`` into its versions folder, named after the moment it is replaced."""
    folder = versions_folder(file)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{file.stem}-{stamp}{file.suffix}"
    target.write_bytes(file.read_bytes())
    return target


@dataclass(frozen=True)
class ContractDraft:
    """A new contract as the form gives it (validated by `with_contract`)."""

    name: str
    projects: tuple[str, ...]
    model: str = "carnet"
    days: float | None = None  # carnet: days bought; subscription: days per month
    start: date | None = None
    hours_per_day: float = 8.0

    def toml(self) -> str:
        """Return the contract's TOML block (texts quoted, never pasted raw)."""
        if self.model not in MODELS:
            raise ContractError(
                f"Modèle « {self.model} » inconnu : attendu un de {', '.join(MODELS)}."
            )
        lines = [
            "[[contract]]",
            f"name = {_quoted(self.name.strip())}",
            f"projects = [{', '.join(_quoted(p) for p in self.projects)}]",
            f'model = "{self.model}"',
            f"hours_per_day = {self.hours_per_day:g}",
        ]
        if self.model == "subscription" and self.days is not None:
            lines.append(f"monthly_days = {self.days:g}")
        if self.model == "carnet" and self.days is not None and self.start is not None:
            lines += ["", "[[contract.carnet]]", f"start = {self.start:%Y-%m-%d}"]
            lines.append(f"days = {self.days:g}")
        return "\n".join(lines) + "\n"


def with_contract(text: str, draft: ContractDraft, today: date | None = None) -> str:
    """Return the contracts text with ``draft`` appended, after checking it parses.

    Raises `ContractError` (French) when the draft is incomplete or the result is not a
    valid contracts file (a name already used, a project already covered...).
    """
    missing = [
        label
        for label, empty in (
            ("un nom", not draft.name.strip()),
            ("au moins un projet", not draft.projects),
            ("le nombre de jours", draft.model in ("carnet", "subscription") and not draft.days),
            ("la date de début", draft.model == "carnet" and draft.start is None),
        )
        if empty
    ]
    if missing:
        raise ContractError(f"Contrat non créé : indiquez {', '.join(missing)}.")
    when = (today or date.today()).strftime("%d/%m/%Y")
    block = f"\n# Ajouté le {when} depuis la page Contrats.\n{draft.toml()}"
    combined = text.rstrip("\n") + "\n" + block if text.strip() else block.lstrip("\n")
    parse_contracts(combined)
    return combined


def _quoted(text: str) -> str:
    r"""Return ``text`` as a TOML basic string (quotes, backslashes, controls escaped).

    >>> _quoted('Ma "TMA" \\ 1')
    '"Ma \\"TMA\\" \\\\ 1"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    safe = "".join(c if c >= " " and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{safe}"'


def save_contracts(
    scope: WriteScope, text: str, path: str | os.PathLike[str] | None = None
) -> Path:
    """Check ``scope`` may edit the contracts, then validate and save ``text``.

    Raises `AccessDenied` (French) for any role but a manager, before reading the text;
    `ContractError` when the text is not a valid contracts file (nothing is written).
    """
    scope.require("edit_contracts")
    return save_contracts_text(text, path)


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
