"""Pieces of the French e-mails: subject, greeting, sections, ticket lines, signature.

The e-mails are plain text to paste into a mail client: a title line per section,
then lines starting with "- "; no table, no markdown. Missing values never print
(no "nan", "None" or "NaT"): the sentence leaves the detail out instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import KIND_LABELS_FR, SEVERITY_LABELS_FR

__all__ = [
    "ACTION_PLACEHOLDER",
    "AUTHOR_PLACEHOLDER",
    "CLOSING",
    "DECISION_PLACEHOLDER",
    "GREETING",
    "MAX_LINES",
    "capped",
    "count",
    "hours",
    "join_parts",
    "jours",
    "mail",
    "missing",
    "of_month",
    "section",
    "signature",
    "subject",
    "ticket_label",
]

GREETING = "Bonjour,"
CLOSING = "Cordialement,"
#: What the PM fills in before sending.
AUTHOR_PLACEHOLDER = "[Prénom Nom]"
ACTION_PLACEHOLDER = "[À compléter : action, responsable, échéance]"
DECISION_PLACEHOLDER = "[À compléter : décision prise et par qui]"
#: Lines listed per section before "… et N autres".
MAX_LINES = 15


def missing(value: object) -> bool:
    """Say whether a value is absent (None, NA, NaN, NaT or blank text)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


def subject(contract_name: str, what: str) -> str:
    """Return the subject line: ``Objet : [Contrat] what``."""
    return f"Objet : [{contract_name}] {what}"


def section(title: str, lines: Iterable[str], empty: str | None = None) -> str:
    """Return a section: its title then one "- " line per item (``empty`` when none)."""
    items = [line for line in lines if line]
    if not items and empty is not None:
        items = [empty]
    return "\n".join([title, *(f"- {line}" for line in items)])


def capped(lines: Sequence[str], total: int | None = None, what: str = "demandes") -> list[str]:
    """Keep the first `MAX_LINES` lines and say how many more there are."""
    total = len(lines) if total is None else total
    kept = list(lines[:MAX_LINES])
    rest = total - len(kept)
    if rest > 0:
        kept.append(f"… et {rest} autre{'s' if rest > 1 else ''} {what} (voir le tableau joint).")
    return kept


def count(n: int, singular: str, plural: str | None = None, *, feminine: bool = True) -> str:
    """Count in words: ``aucune demande``, ``1 demande``, ``3 demandes``.

    >>> count(0, "demande"), count(1, "demande"), count(2, "délai", feminine=False)
    ('aucune demande', '1 demande', '2 délais')
    """
    if n == 0:
        return f"{'aucune' if feminine else 'aucun'} {singular}"
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def hours(value: float) -> str:
    """Write hours as people log them: ``8,75 h`` (quarters kept), ``16,5 h``."""
    decimals = 2 if round(float(value) * 100) % 10 else 1
    return fr.hours(value, decimals)


def jours(n: int) -> str:
    """Write calendar days in words: ``0 jour``, ``1 jour``, ``12 jours``."""
    return f"{n} jour{'s' if abs(n) > 1 else ''}"


def of_month(day: object) -> str:
    """Write "du mois de" a month with the French elision: ``d'octobre 2026``.

    >>> of_month(pd.Timestamp("2026-10-01")), of_month(pd.Timestamp("2026-11-01"))
    ("d'octobre 2026", 'de novembre 2026')
    """
    name = fr.month(day)
    return f"d'{name}" if name[0] in "aeiouyéèê" else f"de {name}"


def ticket_label(row: object) -> str:
    """Write ``G-12 – Titre (corrective, majeure)`` from a row's key, title, kind, severity."""
    key = getattr(row, "key", None)
    title = getattr(row, "title", None)
    if missing(key):  # time without ticket: its title says so
        text = str(title) if not missing(title) else "(sans numéro)"
    else:
        text = str(key) if missing(title) else f"{key} – {title}"
    details = []
    kind = getattr(row, "kind", None)
    if not missing(kind):
        details.append(KIND_LABELS_FR.get(str(kind), str(kind)).lower())
    severity = getattr(row, "severity", None)
    if not missing(severity) and str(kind) == "corrective":
        details.append(SEVERITY_LABELS_FR.get(str(severity), str(severity)).lower())
    return f"{text} ({', '.join(details)})" if details else text


def signature(author: str | None) -> str:
    """Return the closing formula and the author's name (a placeholder when not given)."""
    name = author.strip() if author and author.strip() else AUTHOR_PLACEHOLDER
    return f"{CLOSING}\n\n{name}"


def join_parts(parts: Iterable[str | None], sep: str = ", ") -> str:
    """Join the non-empty parts of a sentence."""
    return sep.join(p for p in parts if p)


def mail(*blocks: str) -> str:
    """Assemble the e-mail: blocks separated by a blank line, one final newline."""
    return "\n\n".join(b.strip("\n") for b in blocks if b) + "\n"
