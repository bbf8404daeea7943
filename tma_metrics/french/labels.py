"""French labels of the codes the engines write (kinds, severities, outcomes, rules...)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tma_metrics.domain.model import Kind, Severity

__all__ = [
    "ALERT_LEVEL_LABELS_FR",
    "COMMITMENT_LABELS_FR",
    "ESTIMATE_STATUS_LABELS_FR",
    "KIND_LABELS_FR",
    "MODEL_LABELS_FR",
    "NO_TICKET_FR",
    "OUTCOME_LABELS_FR",
    "RESOLVED_BY_LABELS_FR",
    "RULE_LABELS_FR",
    "SEVERITY_LABELS_FR",
    "SLA_KIND_LABELS_FR",
    "STOP_KIND_LABELS_FR",
    "STOP_SOURCE_LABELS_FR",
    "SUBJECT_LABELS_FR",
    "label",
    "labels",
]

#: Billing rules of a ticket (`billing.TICKET_RULES`) and of an entry (`billing.ENTRY_RULES`).
RULE_LABELS_FR: dict[str, str] = {
    "no_ticket": "Sans demande (gestion transverse) : décompté au temps passé",
    "unknown_ticket": "Demande absente des exports : décomptée au temps passé",
    "no_estimate": "Sans devis : décompté au temps passé",
    "estimate_pending": "Devis en attente : décompté au temps passé",
    "estimate_refused": "Devis refusé : temps d'étude décompté",
    "estimate_cap": "Devis validé : décompte plafonné par la garantie",
    "reestimate_accepted": "Réestimation acceptée : plafond sur la réestimation",
    "reestimate_pending": "Réestimation en attente : plafond du devis initial",
    "reestimate_refused": "Réestimation refusée : plafond du devis initial",
    "late_reestimate_refused": "Réestimation tardive refusée : rien n'est décompté",
    "within_cap": "Sous le plafond de la garantie",
    "capped": "Au-delà du plafond de la garantie : non décompté",
}

ESTIMATE_STATUS_LABELS_FR: dict[str, str] = {
    "validated": "Validé",
    "accepted": "Acceptée",
    "refused": "Refusé",
    "pending": "En attente",
}

#: What a pending approval is about (`activity.pending_estimates`' ``subject``).
SUBJECT_LABELS_FR: dict[str, str] = {"estimate": "Devis", "reestimate": "Réestimation"}

ALERT_LEVEL_LABELS_FR: dict[str, str] = {
    "danger": "Alerte",
    "warning": "Attention",
    "info": "Information",
}

#: What stopped an SLA clock (`sla.STOP_SOURCES`).
STOP_SOURCE_LABELS_FR: dict[str, str] = {
    "export": "Date de l'export",
    "history": "Historique des statuts",
    "closing": "Date de fermeture",
    "update": "Dernière mise à jour",
    "resolution": "Résolution",
}
#: Whether that date is the event itself or only bounds it from above.
STOP_KIND_LABELS_FR: dict[str, str] = {
    "event": "Événement daté",
    "bound": "Borne (au plus tard)",
}
#: How a ticket's resolution date is known (`activity.ticket_rows`' ``resolved_by``).
RESOLVED_BY_LABELS_FR: dict[str, str] = {
    "event": "Date de résolution",
    "bound": "Borne : fermeture ou mise à jour",
    "undated": "Aucune date de résolution connue",
}

#: Row label of time logged without a ticket (transverse management).
NO_TICKET_FR = "(sans demande)"
MISSING_TICKET_FR = "(demande absente des exports)"


def label(mapping: Mapping[str, str], code: object, default: str | None = None) -> str:
    """Return the French label of one code (the code itself when unknown, "—" when missing).

    >>> label(SEVERITY_LABELS_FR, "majeure"), label(SEVERITY_LABELS_FR, None)
    ('Majeure', '—')
    """
    if code is None or code is pd.NA or (isinstance(code, float) and code != code):
        return "—" if default is None else default
    return mapping.get(str(code), str(code) if default is None else default)


def labels(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Map a column of codes to French labels (unknown codes kept, missing stay missing)."""
    text = values.astype("string")
    return text.replace({str(k): v for k, v in mapping.items()}).astype("string")


KIND_LABELS_FR: dict[str, str] = {
    Kind.CORRECTIVE: "Corrective",
    Kind.EVOLUTIVE: "Évolutive",
    Kind.PREVENTIVE: "Préventive",
    Kind.SUPPORT: "Support",
    Kind.MANAGEMENT: "Gestion de projet",
    Kind.OTHER: "Autre",
}


SEVERITY_LABELS_FR: dict[str, str] = {
    Severity.BLOQUANTE: "Bloquante",
    Severity.MAJEURE: "Majeure",
    Severity.MINEURE: "Mineure",
}


OUTCOME_LABELS_FR = {
    "met": "Respecté",
    "breached": "Dépassé",
    "open": "En cours",
    "at_risk": "À risque",
    "not_measurable": "Non mesurable",
    "not_applicable": "Non applicable",
}


SLA_KIND_LABELS_FR = {
    "response": "Prise en charge",
    "workaround": "Contournement",
    "resolution": "Résolution",
}


MODEL_LABELS_FR = {
    "carnet": "Carnet de jours",
    "subscription": "Abonnement mensuel",
    "regie": "Régie (à la demande)",
    "forfait": "Forfait",
}


COMMITMENT_LABELS_FR = {"estimate": "Remise de l'estimation", "delivery": "Livraison"}
