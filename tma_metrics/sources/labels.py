"""French wording of the import report: value labels, reject reasons, table notes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tma_metrics.sources.plan import CHOICE, DATE, HOURS, KEY, NUMBER, TS, Field

if TYPE_CHECKING:
    from tma_metrics.sources.dates import TsChoice
    from tma_metrics.sources.plan import TablePlan

__all__ = [
    "COLUMN_LABELS",
    "expected",
    "label",
    "plural",
    "reject_reasons",
    "table_notes",
    "unreadable",
]

#: Canonical (or helper) column -> (singular, plural, feminine?).
COLUMN_LABELS: dict[str, tuple[str, str, bool]] = {
    "key": ("clé de demande", "clés de demande", True),
    "created_at": ("date de création", "dates de création", True),
    "responded_at": ("date de première réponse", "dates de première réponse", True),
    "workaround_at": ("date de contournement", "dates de contournement", True),
    "resolved_at": ("date de résolution", "dates de résolution", True),
    "closed_at": ("date de clôture", "dates de clôture", True),
    "estimate_hours": ("estimation", "estimations", True),
    "estimate_status": ("statut d'estimation", "statuts d'estimation", False),
    "reestimate_hours": ("réestimation", "réestimations", True),
    "reestimated_at": ("date de réestimation", "dates de réestimation", True),
    "reestimate_status": ("statut de réestimation", "statuts de réestimation", False),
    "estimated_at": ("date d'envoi de l'estimation", "dates d'envoi de l'estimation", True),
    "approved_at": ("date de validation", "dates de validation", True),
    "delivered_at": ("date de livraison", "dates de livraison", True),
    "spent_hours": ("temps passé", "temps passés", False),
    "kind": ("type", "types", False),
    "date": ("date", "dates", True),
    "started_at": ("heure de début", "heures de début", True),
    "hours": ("durée", "durées", True),
    "ticket_key": ("référence de demande", "références de demande", True),
    "entry_id": ("identifiant de saisie", "identifiants de saisie", False),
    "at": ("date de changement de statut", "dates de changement de statut", True),
    "status": ("statut", "statuts", False),
    "_reply_minutes": ("délai de première réponse", "délais de première réponse", False),
}
_DEFAULT_LABEL = ("valeur", "valeurs", True)


def label(name: str, n: int = 1) -> str:
    """Return the French label of a column, singular or plural by ``n``."""
    singular, plural, _ = COLUMN_LABELS.get(name, _DEFAULT_LABEL)
    return singular if n == 1 else plural


def _feminine(name: str) -> bool:
    return COLUMN_LABELS.get(name, _DEFAULT_LABEL)[2]


def plural(n: int, singular: str, plural_form: str) -> str:
    """Return "n word" with the word agreeing with n ("1 demande", "3 demandes")."""
    return f"{n} {singular if n == 1 else plural_form}"


def unreadable(f: Field, n: int) -> str:
    """Return the warning for ``n`` optional values of ``f`` that did not parse."""
    word = "illisible" if n == 1 else "illisibles"
    return f"{n} {label(f.name, n)} {word} (colonne « {f.header} ») : valeur ignorée"


def expected(f: Field, choice: TsChoice | None = None) -> str:
    """Return, in French, what a valid value of ``f`` looks like."""
    if f.kind in (KEY, CHOICE) and f.expected:
        return f.expected
    if f.kind == TS:
        if choice is not None and choice.order == "mdy":
            return "une date et une heure (ex. 11/20/2026 5:30 PM ou 2026-11-20 17:30)"
        return "une date et une heure (ex. 20/11/2026 17:30 ou 2026-11-20 17:30)"
    if f.kind == DATE:
        if choice is not None and choice.order == "mdy":
            return "une date (ex. 11/20/2026 ou 2026-11-20)"
        return "une date (ex. 20/11/2026 ou 2026-11-20)"
    if f.kind == HOURS:
        if abs(f.unit_hours - 1 / 3600) < 1e-12:
            return "un nombre de secondes (ex. 3600) ou une durée (ex. 1h30)"
        if abs(f.unit_hours - 1 / 60) < 1e-12:
            return "un nombre de minutes (ex. 90) ou une durée (ex. 1h30)"
        return "un nombre d'heures (ex. 7,5 ; 1:30 ; 1h30 ; 90 min)"
    if f.kind == NUMBER:
        return "un nombre (ex. 7,5)"
    return f.expected or "une valeur"


def reject_reasons(f: Field, choice: TsChoice | None) -> dict[int, tuple[str, str]]:
    """Return, per reject code (1 missing, 2 unreadable, 3 negative), the reason's text.

    Each reason is ``head + raw value + tail``.
    """
    name = label(f.name).capitalize()
    e = "e" if _feminine(f.name) else ""
    what = expected(f, choice)
    return {
        1: (f"{name} absent{e} : attendu {what}, trouvé une cellule vide", ""),
        2: (f"{name} illisible : attendu {what}, trouvé « ", " »"),
        3: (
            f"{name} {'négative' if e else 'négatif'} : attendu une valeur positive ou "
            "nulle, trouvé « ",
            " »",
        ),
    }


def table_notes(plan: TablePlan, stats: Mapping[str, int]) -> list[str]:
    """Return the notes every import of this table gets (missing dates, no estimate...)."""
    kept = stats["kept"]
    if not kept:
        return []
    notes = []
    if plan.table == "tickets":
        estimate = plan.field("estimate_hours")
        if estimate is not None and stats["n_estimate_hours"] < kept:
            missing = kept - stats["n_estimate_hours"]
            notes.append(f"{plural(missing, 'demande', 'demandes')} sans temps estimé")
        if not stats["n_responded_at"]:
            notes.append(
                "Aucune date de première réponse dans ce fichier : seule la résolution "
                "bornera le délai de prise en charge (respecté si elle tombe dans le délai, "
                "sinon non mesurable) ; importez l'historique des statuts pour le mesurer"
            )
        closed = plan.field("closed_at")
        if not stats["n_resolved_at"] and not stats["n_closed_at"]:
            notes.append(
                "Aucune date de résolution ni de clôture dans ce fichier : le délai de "
                "résolution ne sera mesurable que par l'historique des statuts"
            )
        elif plan.field("resolved_at") is None and closed is not None:
            notes.append(
                f"Pas de date de résolution dans cet export : la date de clôture (colonne "
                f"« {closed.header} ») ne fait que borner la résolution (le délai est "
                "respecté si elle tombe dedans, non mesurable sinon, jamais dépassé) ; "
                "importez l'historique des statuts pour le mesurer"
            )
    if plan.table == "time_entries":
        without = kept - stats["n_ticket_key"]
        if without:
            notes.append(f"{plural(without, 'saisie', 'saisies')} de temps sans demande associée")
    return notes
