"""Recognise an export from its header: a data table of signatures, not a chain of ifs.

Every adapter declares its alias table (logical field -> header names per language)
and its signatures (the fields a variant's header must hold). A header is scored
against every signature whose required fields it holds: the adapter recognising the
most columns wins, then the most specific signature, then the table order (tools
before the canonical format).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tma_metrics.sources.adapters import ADAPTERS
from tma_metrics.sources.adapters.base import Adapter, Signature
from tma_metrics.sources.headers import HeaderMatch, clean_header, match_header, norm
from tma_metrics.sources.source import Row

__all__ = [
    "CONTENT_RULES",
    "ContentRule",
    "Detection",
    "cleaned",
    "content_refusal",
    "detect",
    "pick_header",
]


@dataclass(frozen=True)
class Detection:
    """The adapter and signature a header matched."""

    adapter: Adapter
    signature: Signature
    match: HeaderMatch
    score: tuple[int, int, int]


def detect(header: list[str], choice: str = "auto") -> Detection | None:
    """Return the best signature ``header`` matches (restricted to ``choice``), or None."""
    best: Detection | None = None
    names = [norm(h) for h in header]
    for rank, adapter in enumerate(ADAPTERS):
        match = match_header(header, adapter.index, names)
        covered = len({i for found in match.positions.values() for i in found})
        for signature in adapter.signatures:
            if choice != "auto" and (signature.choice or adapter.id) != choice:
                continue
            if not all(match.has(f) for f in signature.required):
                continue
            score = (covered, len(signature.required), -rank)
            if best is None or score > best.score:
                best = Detection(adapter, signature, match, score)
    return best


def cleaned(record: Row) -> list[str]:
    """Return a record's cells as header names (BOM, quotes and spaces cleaned)."""
    names = [clean_header(c) for c in record]
    while names and not names[-1]:
        names.pop()
    return names


@dataclass(frozen=True)
class ContentRule:
    """A file recognised by its content rather than its header, then refused."""

    name: str
    applies: Callable[[list[Row]], bool]
    reason: str
    choices: tuple[str, ...] = ("auto",)  # the --source values the rule applies under


_TOTAL = {
    norm(x) for x in ("total time", "temps total", "total", "temps passé total", "total spent time")
}
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def _is_pivot_report(records: list[Row]) -> bool:
    """Redmine's spent-time report: criteria cells, period columns, a total row."""
    if len(records) < 2:
        return False
    last = [c.strip() for c in records[-1]]
    tail = [c for c in last[-2:] if c]
    numeric_tail = len(last) >= 2 and bool(tail) and all(_NUMBER.match(c) for c in tail)
    first_is_total = bool(last) and norm(last[0]) in _TOTAL
    header_total = any(norm(c) in _TOTAL for c in records[0][1:])
    return numeric_tail and (first_is_total or header_total)


#: A column header that is a day: ``01/Nov/26``, ``2026-11-01``, ``01/11/2026``, ``01.11.26``.
_DAY_HEADER = re.compile(
    r"^(\d{1,2}[/. -]([a-zéû]{3,5}\.?|\d{1,2})[/. -]\d{2,4}|\d{4}-\d{2}-\d{2})$",
    re.IGNORECASE,
)
_KEY_HEADER = {norm(x) for x in ("key", "issue key", "issue", "clé", "ticket", "demande")}


def _is_day_grid(records: list[Row]) -> bool:
    """Tempo's timesheet grid: an issue or key column, then one column per day."""
    for record in records[:15]:
        cells = [c.strip() for c in record]
        days = sum(1 for c in cells if _DAY_HEADER.match(c))
        if days >= 3 and any(norm(c) in _KEY_HEADER for c in cells):
            return True
    return False


CONTENT_RULES = (
    ContentRule(
        "redmine-report",
        _is_pivot_report,
        "Rapport croisé Redmine (temps passé → Rapport) : attendu une liste de temps passés "
        "(une ligne par saisie), trouvé un tableau de totaux par période ; exportez la "
        "liste des temps passés (onglet « Détail ») au format CSV.",
        choices=("auto", "redmine"),
    ),
    ContentRule(
        "day-grid",
        _is_day_grid,
        "Feuille de temps en grille (une colonne par jour, ex. export « Timesheet » de "
        "Tempo) : attendu une liste de saisies (une ligne par saisie : Issue Key, Work "
        "date, Hours), trouvé des colonnes de dates ; exportez la liste des worklogs.",
        choices=("auto", "tempo"),
    ),
)


def content_refusal(records: list[Row], choice: str = "auto") -> str | None:
    """Return the French reason to refuse a file recognised by its content, or None."""
    for rule in CONTENT_RULES:
        if choice in rule.choices and rule.applies(records):
            return rule.reason
    return None


#: Data rows follow the header: a header row must not look like data.
_DATA_LIKE = re.compile(r"^[\d\s.,:/+-]+$")


def pick_header(records: list[Row], choice: str = "auto") -> tuple[int, Detection | None]:
    """Return the index of the header row among the first 15 records, and its detection.

    A row any signature recognises wins; otherwise the first row of at least two
    distinct text cells, as wide as half the widest row, that is followed by data.
    """
    window = records[:15]
    for i, record in enumerate(window):
        found = detect(cleaned(record), choice)
        if found is not None:
            return i, found
    widest = max((sum(1 for c in r if c.strip()) for r in window), default=0)
    for i, record in enumerate(window[:-1]):
        texts = [c.strip() for c in record if c.strip()]
        if (
            len(texts) >= 2
            and len(set(texts)) == len(texts)
            and len(texts) * 2 >= widest
            and not any(_DATA_LIKE.match(t) for t in texts)
        ):
            return i, None
    return 0, None
