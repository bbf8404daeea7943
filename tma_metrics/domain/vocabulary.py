"""Default vocabularies: how tools label priorities, ticket types and statuses.

A contract can extend each table; labels are matched without case or accents
(`contracts.normalise_label`).
"""

from __future__ import annotations

from tma_metrics.domain.model import Kind, Severity

__all__ = [
    "DEFAULT_KINDS",
    "DEFAULT_PRIORITIES",
    "DEFAULT_REJECTED_LABELS",
    "DEFAULT_RESOLVED_STATUSES",
    "DEFAULT_WAITING_STATUSES",
    "EVENT_COLUMNS_FR",
]

#: Tool priority label -> severity. Matched without case or accents. A contract's
#: [contract.priorities] table is merged over this one.
DEFAULT_PRIORITIES: dict[str, str] = {
    # canonical names
    "bloquante": Severity.BLOQUANTE,
    "bloquant": Severity.BLOQUANTE,
    "majeure": Severity.MAJEURE,
    "majeur": Severity.MAJEURE,
    "mineure": Severity.MINEURE,
    "mineur": Severity.MINEURE,
    # Redmine (fr / en)
    "immédiat": Severity.BLOQUANTE,
    "immediate": Severity.BLOQUANTE,
    "urgent": Severity.BLOQUANTE,
    "haut": Severity.MAJEURE,
    "haute": Severity.MAJEURE,
    "high": Severity.MAJEURE,
    "normal": Severity.MINEURE,
    "normale": Severity.MINEURE,
    "bas": Severity.MINEURE,
    "basse": Severity.MINEURE,
    "low": Severity.MINEURE,
    # Jira
    "highest": Severity.BLOQUANTE,
    "blocker": Severity.BLOQUANTE,
    "critical": Severity.BLOQUANTE,
    "major": Severity.MAJEURE,
    "medium": Severity.MINEURE,
    "minor": Severity.MINEURE,
    "lowest": Severity.MINEURE,
    "trivial": Severity.MINEURE,
    # GLPI (fr / en / pt-BR); GLPI's "Majeure" priority is above "Très haute"
    "très haute": Severity.BLOQUANTE,
    "very high": Severity.BLOQUANTE,
    "muito alta": Severity.BLOQUANTE,
    "moyenne": Severity.MINEURE,
    "alta": Severity.MAJEURE,
    "média": Severity.MINEURE,
    "baixa": Severity.MINEURE,
    "très basse": Severity.MINEURE,
    "very low": Severity.MINEURE,
    "muito baixa": Severity.MINEURE,
    # Zendesk / Mantis
    "urgente": Severity.BLOQUANTE,
    "imediato": Severity.BLOQUANTE,
}

#: Tool tracker / type label -> ticket kind. Matched without case or accents.
DEFAULT_KINDS: dict[str, str] = {
    "anomalie": Kind.CORRECTIVE,
    "anomaly": Kind.CORRECTIVE,
    "bug": Kind.CORRECTIVE,
    "bogue": Kind.CORRECTIVE,
    "incident": Kind.CORRECTIVE,
    "incidente": Kind.CORRECTIVE,
    "defect": Kind.CORRECTIVE,
    "défaut": Kind.CORRECTIVE,
    "problem": Kind.CORRECTIVE,
    "problème": Kind.CORRECTIVE,
    "corrective": Kind.CORRECTIVE,
    "correctif": Kind.CORRECTIVE,
    "évolution": Kind.EVOLUTIVE,
    "evolution": Kind.EVOLUTIVE,
    "évolutive": Kind.EVOLUTIVE,
    "evolutive": Kind.EVOLUTIVE,
    "feature": Kind.EVOLUTIVE,
    "fonctionnalité": Kind.EVOLUTIVE,
    "story": Kind.EVOLUTIVE,
    "user story": Kind.EVOLUTIVE,
    "récit": Kind.EVOLUTIVE,
    "improvement": Kind.EVOLUTIVE,
    "amélioration": Kind.EVOLUTIVE,
    "new feature": Kind.EVOLUTIVE,
    "demande d'évolution": Kind.EVOLUTIVE,
    "change request": Kind.EVOLUTIVE,
    "préventive": Kind.PREVENTIVE,
    "preventive": Kind.PREVENTIVE,
    "maintenance": Kind.PREVENTIVE,
    "mise à jour": Kind.PREVENTIVE,
    "sécurité": Kind.PREVENTIVE,
    "security": Kind.PREVENTIVE,
    "audit": Kind.PREVENTIVE,
    "support": Kind.SUPPORT,
    "assistance": Kind.SUPPORT,
    "question": Kind.SUPPORT,
    "demande": Kind.SUPPORT,
    "request": Kind.SUPPORT,
    "service request": Kind.SUPPORT,
    "requisição": Kind.SUPPORT,
    "solicitud": Kind.SUPPORT,
    "task": Kind.SUPPORT,
    "tâche": Kind.SUPPORT,
    "gestion de projet": Kind.MANAGEMENT,
    "pilotage": Kind.MANAGEMENT,
    "project management": Kind.MANAGEMENT,
    "management": Kind.MANAGEMENT,
}

#: Statuses that wait on the client: they pause the SLA clocks (with a status history)
#: and, without one, a ticket in one of them is never breached on its unpaused clock.
#: Jira Service Management, GLPI (« En attente » / Pending), Redmine's « Commentaire »
#: (Feedback: waiting for the reporter's answer).
DEFAULT_WAITING_STATUSES = (
    "En attente client",
    "Waiting for customer",
    "En attente du client",
    "En attente",
    "Pending",
    "En espera",
    "Pendente",
    "Commentaire",
    "Feedback",
)
#: Statuses meaning the ticket is resolved (DOMAIN.md §4: resolved even without a date),
#: as the tools the importers read name them: Redmine (fr, en, de, es, pt-BR, ja),
#: Jira (fr, en, de, es), GLPI (fr, en, es, pt-BR), Mantis, Zendesk, GitLab.
DEFAULT_RESOLVED_STATUSES = (
    "Résolu",
    "Résolue",
    "Resolved",
    "Fermé",
    "Fermée",
    "Closed",
    "Clos",
    "Close",
    "Done",
    "Terminé",
    "Terminée",
    "Fini",
    "Livré",
    "Solved",
    "Rejeté",
    "Rejected",
    "Annulé",
    "Cancelled",
    "Canceled",
    "Gelöst",
    "Erledigt",
    "Fertig",
    "Geschlossen",
    "Abgewiesen",
    "Resuelta",
    "Resuelto",
    "Cerrada",
    "Cerrado",
    "Rechazada",
    "Listo",
    "Hecho",
    "Solucionado",
    "Resolvida",
    "Resolvido",
    "Fechada",
    "Fechado",
    "Rejeitada",
    "Concluído",
    "解決",
    "終了",
    "却下",
)
#: Resolution / status labels meaning "not an anomaly" or "duplicate": such tickets count
#: for the response SLA but not for workaround or resolution (DOMAIN.md section 4).
DEFAULT_REJECTED_LABELS = (
    "Rejeté",
    "Rejected",
    "Abgewiesen",
    "Rechazada",
    "Rejeitada",
    "却下",
    "Annulé",
    "Cancelled",
    "Canceled",
    "Duplicate",
    "Doublon",
    "Dupliqué",
    "Won't Do",
    "Won't Fix",
    "Not a bug",
    "Cannot Reproduce",
    "Invalid",
    "Invalide",
)

#: Per SLA event, the column of each tool's export that dates it (French header as the
#: user sees it): what to add to the export when the event is unknown. A tool absent
#: here exports no such date (Redmine: only a status history dates its resolution).
EVENT_COLUMNS_FR: dict[str, dict[str, str]] = {
    "resolution": {
        "jira": "Résolu (Resolved)",
        "glpi": "Date de résolution",
        "zendesk": "Solved at",
        "gitlab": "Closed At (UTC)",
        "canonical": "Résolu le",
    },
    "response": {
        "glpi": "Temps de prise en compte",
        "zendesk": "First reply time in minutes",
        "canonical": "Pris en charge le",
    },
    "created": {
        "redmine": "Créé",
        "jira": "Créé (Created)",
        "glpi": "Date d'ouverture",
        "zendesk": "Created at",
        "gitlab": "Created At (UTC)",
        "mantis": "Date de soumission",
        "canonical": "Créé le",
    },
}
