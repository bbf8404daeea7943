"""Word each SLA clock in French (how it was dated, or why it is not measurable) and say
what would measure it: the ``note`` and ``gap`` columns of `sla.sla_outcomes`.

Texts are built once per distinct case (a few dozen), never per row: each row gets a
code into a small vocabulary, turned into a text column at the end.

A gap is one of: ``history`` (synchronise the status history), ``dates`` (the export's
dates contradict each other), or ``column:<header>`` (add that column to the export);
`gap_text` words it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tma_metrics.domain.business_time.clock import (
    BEFORE_START,
    BOUND_LATE,
    NO_START,
    NOT_APPLICABLE,
    PAUSE_UNKNOWN,
    PROBLEMS,
    UNKNOWN,
    Measured,
)
from tma_metrics.domain.contracts.model import SLA_KINDS
from tma_metrics.domain.vocabulary import EVENT_COLUMNS_FR

__all__ = ["GAP_COLUMN", "GAP_DATES", "GAP_HISTORY", "gap_text", "gaps", "notes"]

GAP_HISTORY, GAP_DATES, GAP_COLUMN = "history", "dates", "column:"
#: Column named when a tool's creation column is not known.
_CREATED_FR = "date de création"

_EVENT_FR = {
    "response": "Prise en charge datée",
    "workaround": "Contournement daté",
    "resolution": "Résolution datée",
}
_UNDATED_FR = {
    "response": "Prise en charge non datée",
    "workaround": "Contournement non daté",
    "resolution": "Résolution non datée",
}
#: What bounds a clock, by stop source (`sla.STOP_SOURCES`).
_BOUND_FR = {
    "closing": "la date de fermeture (Fermé / closed_at)",
    "update": "la dernière mise à jour (Mis à jour / updated_at)",
    "resolution": "la résolution",
}


def gap_text(gap: str | None) -> str:
    """Word a gap as the action that would close it (French, lower case).

    >>> gap_text("history")
    "synchronisez l'historique des statuts"
    >>> gap_text("column:Date de résolution")
    "ajoutez la colonne « Date de résolution » à l'export"
    """
    if not gap:
        return ""
    if gap.startswith(GAP_COLUMN):
        return f"ajoutez la colonne « {gap[len(GAP_COLUMN) :]} » à l'export"
    if gap == GAP_DATES:
        return "corrigez les dates incohérentes de l'export"
    return "synchronisez l'historique des statuts"


def gaps(t: Any, m: Measured, kind_codes: np.ndarray, history_available: bool) -> Any:
    """Return, per clock, what would measure it (null when measurable or not applicable).

    A resolution (or workaround) that is unknown or bounded past its deadline needs the
    tool's resolution column when the export lacks it, else the status history; the
    response likewise with the tool's response column. A running clock whose breach a
    hidden pause may explain needs the history; a missing creation, its column.
    """
    k = len(SLA_KINDS)
    vocabulary: list[str | None] = [None, GAP_HISTORY, GAP_DATES, GAP_COLUMN + _CREATED_FR]
    labels, source = _factorize(t.source.astype("string"))

    def column(event: str) -> np.ndarray:
        codes = []
        for label in labels:
            header = EVENT_COLUMNS_FR[event].get(label)
            if header is None:
                codes.append(-1)
            else:
                vocabulary.append(GAP_COLUMN + header)
                codes.append(len(vocabulary) - 1)
        return np.tile(np.array([*codes, -1], dtype=np.int64)[source], k)

    resolution, response, created = column("resolution"), column("response"), column("created")
    is_response = kind_codes == SLA_KINDS.index("response")
    missing = np.where(
        is_response, np.tile(np.isnat(t.responded_at), k), np.tile(np.isnat(t.resolved_at), k)
    )
    wanted = np.where(missing, np.where(is_response, response, resolution), -1)
    problem = m.problem
    undated = (problem == PROBLEMS.index(UNKNOWN)) | (problem == PROBLEMS.index(BOUND_LATE))
    code = np.select(
        [
            problem == PROBLEMS.index(NO_START),
            problem == PROBLEMS.index(BEFORE_START),
            undated & (wanted >= 0),
            undated | (problem == PROBLEMS.index(PAUSE_UNKNOWN)),
        ],
        [np.where(created >= 0, created, 3), 2, wanted, 1],
        0,
    )
    return _text(vocabulary, code)


def notes(
    t: Any,
    c: Any,
    m: Measured,
    kind_codes: np.ndarray,
    gap: Any,
    history_available: bool,
) -> Any:
    """Word, in French, why a row is not applicable or not measurable, or how it was dated.

    The first rule that matches gives the note; notes naming a priority, a status, a
    bound or a gap are built once per distinct case.
    """
    vocabulary: list[str | None] = [None]

    def add(texts: list[str]) -> np.ndarray:
        vocabulary.extend(texts)
        return np.arange(len(vocabulary) - len(texts), len(vocabulary))

    constant = _constant_codes(add)
    code = _first_rule_codes(t, c, m, kind_codes, constant)
    _word_by_ticket(code, t, add)
    rows = np.flatnonzero(code == _BY_BOUND)
    if len(rows):
        code[rows] = _bound_notes(rows, t, c, m, kind_codes, gap, add, history_available)
    rows = np.flatnonzero(code == _BY_HISTORY)
    if len(rows):
        code[rows] = add(["Prise en charge datée par l'historique des statuts"])[0]
    _word_by_status(code, t, add)
    return _text(vocabulary, code)


# Notes that depend on the ticket or on the SLA kind get a placeholder code first,
# replaced afterwards on their rows only.
_BY_PRIORITY, _BY_EVENT, _BY_HISTORY, _BY_STATUS, _BY_BOUND = -1, -2, -3, -4, -5


def _constant_codes(add: Any) -> dict[str, int]:
    """Add the notes that name nothing particular; return their codes by case."""
    return dict(
        zip(
            ("rejected", "planned", "no_start", "by_resolution", "by_history", "pause"),
            add(
                [
                    "Ticket rejeté (doublon ou hors anomalie) : compté pour la prise en charge "
                    "seulement",
                    "Sur planification : pas de délai contractuel pour cette sévérité",
                    "Date de création absente : le délai ne peut pas démarrer",
                    "Contournement daté par la résolution (aucun contournement noté avant)",
                    "Prise en charge datée par l'historique des statuts (premier changement "
                    "de statut)",
                    "Échéance passée, mais sans historique des statuts une attente du client "
                    "(pause) peut l'expliquer : non mesurable, jamais « dépassé » sur cette "
                    "base ; synchronisez l'historique des statuts",
                ]
            ),
            strict=True,
        )
    )


def _first_rule_codes(
    t: Any, c: Any, m: Measured, kind_codes: np.ndarray, constant: dict[str, int]
) -> np.ndarray:
    """Return each row's note code by the first rule that matches (placeholders included)."""
    response = kind_codes == SLA_KINDS.index("response")
    workaround = kind_codes == SLA_KINDS.index("workaround")
    outcome, problem = m.outcome, m.problem
    rejected = np.tile(t.rejected, len(SLA_KINDS))
    unknown = problem == PROBLEMS.index(UNKNOWN)
    bound_late = problem == PROBLEMS.index(BOUND_LATE)
    return np.select(
        [
            ~c.known_severity,
            (outcome == NOT_APPLICABLE) & rejected & ~response,
            outcome == NOT_APPLICABLE,
            problem == PROBLEMS.index(NO_START),
            problem == PROBLEMS.index(BEFORE_START),
            problem == PROBLEMS.index(PAUSE_UNKNOWN),
            unknown | bound_late | m.bounded,
            workaround & (c.stop_source == _RESOLUTION),
            response & (c.stop_source == _HISTORY),
            response & m.measurable & np.isnat(m.stop_at),
        ],
        [
            _BY_PRIORITY,
            constant["rejected"],
            constant["planned"],
            constant["no_start"],
            _BY_EVENT,
            constant["pause"],
            _BY_BOUND,
            constant["by_resolution"],
            constant["by_history"],
            _BY_STATUS,
        ],
        0,
    )


def _word_by_ticket(code: np.ndarray, t: Any, add: Any) -> None:
    """Replace the priority and event placeholders of ``code`` by their notes."""
    n = t.n
    rows = np.flatnonzero(code == _BY_PRIORITY)
    if len(rows):
        labels, codes = _factorize(t.priority.astype("string").iloc[rows % n])
        unknown_priority = add(
            ["Priorité absente : renseignez-la pour appliquer un délai"]
            + [
                f"Priorité « {p} » non reconnue : ajoutez-la au tableau [contract.priorities] "
                "du contrat"
                for p in labels
            ]
        )
        code[rows] = unknown_priority[codes + 1]
    rows = np.flatnonzero(code == _BY_EVENT)
    if len(rows):
        event_fr = add(
            [
                f"{_EVENT_FR[x]} avant la création du ticket : dates incohérentes dans l'export"
                for x in SLA_KINDS
            ]
        )
        code[rows] = event_fr[rows // n]


def _word_by_status(code: np.ndarray, t: Any, add: Any) -> None:
    """Replace the "not yet responded" placeholders of ``code`` by notes naming the status."""
    n = t.n
    rows = np.flatnonzero(code == _BY_STATUS)
    if len(rows):
        tickets = rows % n
        status = t.status.astype("string").iloc[tickets].fillna("(vide)")
        status_labels, status_codes = _factorize(status)
        picked = add(["Pas encore pris en charge d'après l'historique des statuts"])[0]
        named = add([f"Pas encore pris en charge (statut « {s} »)" for s in status_labels])
        code[rows] = np.where(t.has_history[tickets], picked, named[status_codes])


def _bound_notes(
    rows: np.ndarray,
    t: Any,
    c: Any,
    m: Measured,
    kind_codes: np.ndarray,
    gap: Any,
    add: Any,
    history_available: bool,
) -> np.ndarray:
    """Word the rows stopped by a bound (met, or past the deadline) or left undated.

    One text per distinct (SLA kind, case, bound source, gap) among ``rows``.
    """
    n = t.n
    kind = kind_codes[rows]
    met = m.bounded[rows] & (m.problem[rows] == 0)
    late = m.problem[rows] == PROBLEMS.index(BOUND_LATE)
    source = np.where(m.bounded[rows], c.bound_source[rows], -1)
    has_history = t.has_history[rows % n]
    gap_labels, gap_codes = _factorize(pd.Series(gap).iloc[rows])
    case = np.select([met, late], [0, 1], 2)
    # One integer per distinct case: kind, case, source, gap, history.
    width = len(gap_labels) + 1
    combined = (((kind * 3 + case) * 8 + source + 1) * width + gap_codes + 1) * 2 + has_history
    _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
    texts = [
        _bound_text(
            SLA_KINDS[int(kind[i])],
            int(case[i]),
            _SOURCES[int(source[i])] if source[i] >= 0 else "",
            gap_labels[gap_codes[i]] if gap_codes[i] >= 0 else "",
            bool(has_history[i]) and history_available,
        )
        for i in first
    ]
    return add(texts)[codes]


def _bound_text(sla_kind: str, case: int, source: str, gap: str, in_history: bool) -> str:
    """Word one case of `_bound_notes`: 0 met on a bound, 1 bound past due, 2 undated."""
    undated = _UNDATED_FR[sla_kind]
    action = gap_text(gap)
    bound = _BOUND_FR.get(source, "")
    if case == 0:
        return f"{undated} ; {bound}, dans le délai, prouve le délai respecté"
    if case == 1:
        return (
            f"{undated} ; {bound} tombe après l'échéance : délai non mesurable, jamais "
            f"« dépassé » sur une borne ; {action}"
        )
    if sla_kind == "response":
        if in_history:
            return (
                "L'historique des statuts ne montre aucune prise en charge et rien ne la "
                "borne : non mesurable"
            )
        return f"Date de première réponse inconnue : {action}"
    if sla_kind == "workaround":
        return f"Contournement et résolution non datés : {action}"
    return f"Ticket résolu sans date : {action}"


#: `sla.STOP_SOURCES`, copied to avoid an import cycle (sla imports this module).
_SOURCES = ("export", "history", "closing", "update", "resolution")
_HISTORY = _SOURCES.index("history")
_RESOLUTION = _SOURCES.index("resolution")


def _factorize(values: pd.Series) -> tuple[list[str], np.ndarray]:
    """Return the distinct non-null texts and each value's code (-1 for null)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return [str(u) for u in uniques], np.asarray(codes, dtype=np.int64)


def _text(vocabulary: list[str | None], codes: np.ndarray) -> Any:
    """Return the texts of ``vocabulary`` at ``codes`` as a "string" array."""
    return pd.array(
        pa.array(vocabulary, pa.string()).take(pa.array(codes, pa.int64())), dtype="string"
    )
