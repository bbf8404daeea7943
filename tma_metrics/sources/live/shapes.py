"""Check the shape of decoded JSON before reading it: a wrong shape is a French error."""

from __future__ import annotations

from typing import Any

from tma_metrics.sources.live.errors import SyncError

__all__ = ["member", "name_of"]

_TYPE_FR = {list: "une liste", dict: "un objet", str: "un texte", int: "un nombre"}


def member(value: Any, key: str, kind: type, what: str, *, optional: bool = False) -> Any:
    """Return ``value[key]`` when it has type ``kind`` (None when optional and absent).

    >>> member({"issues": []}, "issues", list, "la liste des demandes")
    []
    """
    if not isinstance(value, dict):
        raise SyncError(
            f"Réponse inattendue en lisant {what} : attendu un objet JSON, trouvé {_found(value)}.",
            kind="json",
        )
    found = value.get(key)
    if found is None and optional:
        return None
    if not isinstance(found, kind) or (kind is int and isinstance(found, bool)):
        raise SyncError(
            f"Réponse inattendue en lisant {what} : attendu le champ « {key} » "
            f"({_TYPE_FR.get(kind, kind.__name__)}), trouvé {_found(found)}.",
            kind="json",
        )
    return found


def name_of(value: Any) -> str | None:
    """Return ``value["name"]`` of a reference object (``{"id": 3, "name": "Urgent"}``)."""
    if isinstance(value, dict):
        name = value.get("name")
        return str(name) if name is not None else None
    return None


def _found(value: Any) -> str:
    if value is None:
        return "rien"
    return _TYPE_FR.get(type(value), type(value).__name__)
