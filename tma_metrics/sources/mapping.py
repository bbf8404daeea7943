"""Column mapping for files no adapter recognises: profiles and suggestions.

A `MappingProfile` says which file column holds each canonical column of one table.
The UI builds it from `suggest_mapping`, the store saves it under the header's
signature, and `read_export` applies it the next time the same header comes in.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.sources.adapters.canonical_columns import COLUMNS
from tma_metrics.sources.headers import norm

__all__ = [
    "REQUIRED",
    "TABLES",
    "MappingProfile",
    "guess_table",
    "mappable_columns",
    "suggest_mapping",
]

TABLES = tuple(COLUMNS)

#: Helper columns of the canonical format, under the name a mapping gives them.
_HELPERS = {"_type": "kind", "_days": "days"}

#: Canonical column -> logical field of the canonical adapter, per table (template order).
_LOGICAL = {
    table: {_HELPERS.get(column.name, column.name): column.logical for column in spec}
    for table, spec in COLUMNS.items()
}

#: Canonical columns a mapping must give, per table.
REQUIRED = {
    "tickets": ("key",),
    "time_entries": ("date", "hours"),
    "status_history": ("ticket_key", "at", "status"),
}
_RENAMES = {"ticket": "ticket_key"}
#: Close spellings are looked for among the first columns only (wide files stay fast).
_FUZZY_COLUMNS = 200


def mappable_columns(table: str) -> tuple[str, ...]:
    """Return the canonical columns a mapping of ``table`` may fill, in template order."""
    return tuple(_LOGICAL[table])


@dataclass(frozen=True)
class MappingProfile:
    """A saved column mapping: canonical column -> file header, for one table."""

    name: str
    table: str
    columns: tuple[tuple[str, str], ...]
    signature: str = ""

    def __post_init__(self) -> None:
        if self.table not in TABLES:
            raise ValueError(f"Table inconnue « {self.table} » : attendu {', '.join(TABLES)}.")
        known = set(_LOGICAL[self.table])
        unknown = [c for c, _ in self.columns if c not in known]
        if unknown:
            raise ValueError(
                f"Colonnes inconnues pour {self.table} : {', '.join(unknown)} ; "
                f"attendu parmi {', '.join(sorted(known))}."
            )
        given = {c for c, _ in self.columns}
        missing = [c for c in REQUIRED[self.table] if c not in given]
        if self.table == "time_entries" and "days" in given:
            missing = [c for c in missing if c != "hours"]
        if missing:
            raise ValueError(
                f"Correspondance incomplète : il faut une colonne pour {', '.join(missing)}."
            )

    def to_json(self) -> str:
        """Return the profile as a JSON object (what the store saves)."""
        return json.dumps(
            {
                "name": self.name,
                "table": self.table,
                "signature": self.signature,
                "columns": [list(pair) for pair in self.columns],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> MappingProfile:
        """Return the profile saved by `to_json` (a ValueError in French if damaged)."""
        try:
            data = json.loads(text)
            columns = tuple((_RENAMES.get(str(c), str(c)), str(h)) for c, h in data["columns"])
            return cls(
                name=str(data["name"]),
                table=str(data["table"]),
                columns=columns,
                signature=str(data.get("signature", "")),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"Correspondance enregistrée illisible : {exc}.") from exc

    def positions(self, header: list[str]) -> dict[str, int]:
        """Return logical field -> column index in ``header``, or raise if one is missing."""
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(norm(name), i)
        found, missing = {}, []
        for column, file_column in self.columns:
            i = index.get(norm(file_column))
            if i is None:
                missing.append(file_column)
            else:
                found[_LOGICAL[self.table][column]] = i
        if missing:
            raise ImportFormatError(
                "Colonnes de la correspondance introuvables : attendu "
                + ", ".join(f"« {m} »" for m in missing)
                + " ; trouvé "
                + ", ".join(f"« {h} »" for h in header[:30] if h)
                + "."
            )
        return found


def suggest_mapping(header: list[str], table: str) -> dict[str, str | None]:
    """Return canonical column -> the file column that most likely holds it (or None).

    Known names (English or French, case and accents ignored) first, then close
    spellings; each file column is used once.

    >>> suggest_mapping(["N° demande", "Date", "Durée (h)", "Qui"], "time_entries")["hours"]
    'Durée (h)'
    """
    if table not in TABLES:
        raise ValueError(f"Table inconnue « {table} » : attendu {', '.join(TABLES)}.")
    spec = {_HELPERS.get(c.name, c.name): c.aliases for c in COLUMNS[table]}
    names = [norm(h) for h in header]
    candidates: list[tuple[float, str, int]] = []
    for column, aliases in spec.items():
        wanted = [norm(a) for a in aliases]
        for i, name in enumerate(names):
            if not name:
                continue
            if name in wanted:
                score = 1.0
            elif i >= _FUZZY_COLUMNS:
                continue
            else:
                close = difflib.get_close_matches(name, wanted, n=1, cutoff=0.8)
                contained = any(len(w) >= 4 and w in name for w in wanted)
                score = 0.9 if close else 0.7 if contained else 0.0
            if score:
                candidates.append((score, column, i))
    result: dict[str, str | None] = dict.fromkeys(mappable_columns(table))
    used: set[int] = set()
    for score, column, i in sorted(candidates, key=lambda c: (-c[0], c[2])):
        del score
        if result.get(column) is None and i not in used and column in result:
            result[column] = header[i]
            used.add(i)
    return result


def guess_table(header: list[str]) -> str:
    """Return the canonical table whose columns ``header`` most resembles."""

    def found(table: str) -> tuple[int, int]:
        suggestion = suggest_mapping(header, table)
        required = sum(1 for c in REQUIRED[table] if suggestion.get(c))
        return required, sum(1 for v in suggestion.values() if v)

    return max(TABLES, key=found)
