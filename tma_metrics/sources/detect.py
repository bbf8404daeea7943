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


_TOTAL = {"total time", "temps total", "total", "temps passé total", "total spent time"}
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def _is_pivot_report(records: list[Row]) -> bool:
    """Redmine's spent-time report: criteria cells, period columns, a total row."""
    if len(records) < 2:
        return False
    last = [c.strip() for c in records[-1]]
    numeric_tail = len(last) >= 2 and all(_NUMBER.match(c) for c in last[-2:] if c)
    first_is_total = bool(last) and norm(last[0]) in _TOTAL
    header_total = any(norm(c) in _TOTAL for c in records[0][1:])
    return numeric_tail and (first_is_total or header_total)


CONTENT_RULES = (
    ContentRule(
        "redmine-report",
        _is_pivot_report,
        "Rapport croisé Redmine (temps passé → Rapport) : attendu une liste de temps passés "
        "(une ligne par saisie), trouvé un tableau de totaux par période ; exportez la "
        "liste des temps passés (onglet « Détail ») au format CSV.",
    ),
)


def content_refusal(records: list[Row]) -> str | None:
    """Return the French reason to refuse a file recognised by its content, or None."""
    for rule in CONTENT_RULES:
        if rule.applies(records):
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
