"""Header names: cleaning, matching against alias tables, and the header signature."""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Alias",
    "HeaderMatch",
    "alias_table",
    "clean_header",
    "header_signature",
    "match_header",
    "norm",
]

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_EDGE = " \t\r\n\u00a0\u202f\ufeff\"'"


def clean_header(name: object) -> str:
    """Return a header cell as a person reads it: no BOM, no stray quotes, one space.

    >>> clean_header('\\ufeff"ID"')
    'ID'
    >>> clean_header('  Date  de   soumission ')
    'Date de soumission'
    """
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip(_EDGE)
    return _SPACES.sub(" ", text)


def norm(name: object) -> str:
    """Return the matching form of a header: lower-case, no accents, one space.

    >>> norm("Priorité ")
    'priorite'
    >>> norm("Date d’ouverture")
    "date d'ouverture"
    """
    text = clean_header(name).replace("’", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def header_signature(header: list[str]) -> str:
    """Return a stable hash of a header (normalised names, repeated runs collapsed).

    Collapsing runs keeps one signature for a Jira export whose number of repeated
    ``Log Work`` columns changes with the data.

    >>> header_signature(["Date", "Heures"]) == header_signature(["date ", "HEURES", ""])
    True
    """
    names = [norm(h) for h in header]
    while names and not names[-1]:
        names.pop()
    collapsed = [name for name, _ in itertools.groupby(names)]
    return hashlib.sha256("\x1f".join(collapsed).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Alias:
    """One header name a tool writes for a logical field, with its UI language."""

    field: str
    name: str
    lang: str


def _degree_free(normalised: str) -> str:
    """Return a normalised name with « n° » written « no » (as « Nº » and « № » are)."""
    return normalised.replace("°", "o")


def alias_table(fields: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, list[Alias]]:
    """Index ``{field: {lang: names}}`` by normalised name (one name may serve several).

    A name written with « n° » is also indexed as « no » (« Nº », « № » and « No » in
    a header); `norm` itself keeps the « ° » so that header signatures stay stable.
    """
    index: dict[str, list[Alias]] = {}
    for field, by_lang in fields.items():
        for lang, names in by_lang.items():
            for name in names:
                key = norm(name)
                index.setdefault(key, []).append(Alias(field, name, lang))
                if _degree_free(key) != key:
                    index.setdefault(_degree_free(key), []).append(Alias(field, name, lang))
    return index


@dataclass(frozen=True)
class HeaderMatch:
    """Where each logical field sits in a header, and the languages seen."""

    positions: dict[str, list[int]]
    langs: dict[str, int]

    def first(self, field: str) -> int | None:
        """Return the first column of ``field``, or None."""
        found = self.positions.get(field)
        return found[0] if found else None

    def all(self, field: str) -> list[int]:
        """Return every column of ``field`` (repeated columns), in order."""
        return list(self.positions.get(field, ()))

    def has(self, field: str) -> bool:
        return field in self.positions

    @property
    def lang(self) -> str:
        """Return the main UI language ("en" when nothing language-specific matched)."""
        ranked = sorted(
            ((n, lang) for lang, n in self.langs.items() if lang != "any"), reverse=True
        )
        return ranked[0][1] if ranked else "en"


def match_header(
    header: list[str], index: Mapping[str, list[Alias]], normalised: list[str] | None = None
) -> HeaderMatch:
    """Locate the logical fields of ``index`` in ``header`` (case and accents ignored).

    ``normalised`` is ``[norm(h) for h in header]`` when the caller already has it.
    """
    positions: dict[str, list[int]] = {}
    langs: dict[str, int] = {}
    names = normalised if normalised is not None else [norm(h) for h in header]
    for i, name in enumerate(names):
        for alias in index.get(name) or index.get(_degree_free(name), ()):
            found = positions.setdefault(alias.field, [])
            if i not in found:
                found.append(i)
                langs[alias.lang] = langs.get(alias.lang, 0) + 1
    return HeaderMatch(positions, langs)
