"""The canonical format's columns: logical field, column, parsing, template header, aliases.

Logical fields are prefixed by table: ``t.`` tickets, ``e.`` time entries, ``h.`` status
history. Aliases are matched without case or accents (English names, French labels).
"""

from __future__ import annotations

from typing import NamedTuple

from tma_metrics.sources.plan import CHOICE, DATE, HOURS, KEY, TEXT, TS

__all__ = ["COLUMNS", "ENTRIES", "HISTORY", "TICKETS", "Column"]


class Column(NamedTuple):
    """One column of the canonical format."""

    logical: str
    name: str  # canonical column (helpers start with "_")
    kind: str
    required: bool
    french: str  # header of the Excel template
    aliases: tuple[str, ...]


def _column(
    logical: str, name: str, kind: str, french: str, *aliases: str, required: bool = False
) -> Column:
    return Column(logical, name, kind, required, french, aliases)


# fmt: off
TICKETS = (
    _column("t.key", "key", KEY, "Clé",
            "key", "ticket key", "#", "clé", "clé de la demande", "n° de demande", "numéro",
            "référence", required=True),
    _column("t.project", "project", TEXT, "Projet",
            "project", "projet"),
    _column("t.title", "title", TEXT, "Titre",
            "title", "summary", "subject", "titre", "sujet", "résumé", "objet"),
    _column("t.type", "_type", TEXT, "Type",
            "kind", "type", "nature", "type de demande"),
    _column("t.priority", "priority", TEXT, "Priorité",
            "priority", "priorité", "sévérité", "criticité"),
    _column("t.status", "status", TEXT, "Statut",
            "status", "statut", "état"),
    _column("t.created_at", "created_at", TS, "Créé le",
            "created_at", "created", "created at", "créé le", "créée le", "date de création",
            "ouvert le", "ouverte le", "date d'ouverture"),
    _column("t.responded_at", "responded_at", TS, "Pris en charge le",
            "responded_at", "responded at", "first response", "pris en charge le",
            "prise en charge le", "date de prise en charge", "première réponse le"),
    _column("t.workaround_at", "workaround_at", TS, "Contourné le",
            "workaround_at", "workaround at", "contourné le", "date de contournement"),
    _column("t.resolved_at", "resolved_at", TS, "Résolu le",
            "resolved_at", "resolved", "resolved at", "résolu le", "résolue le",
            "date de résolution"),
    _column("t.closed_at", "closed_at", TS, "Clos le",
            "closed_at", "closed", "closed at", "clos le", "close le", "fermé le", "fermée le",
            "date de clôture"),
    _column("t.updated_at", "updated_at", TS, "Mis à jour le",
            "updated_at", "updated", "updated at", "last updated", "mis à jour le",
            "mis à jour", "mis-à-jour", "date de mise à jour", "dernière mise à jour",
            "dernière modification", "modifié le", "modifiée le"),
    _column("t.estimate_hours", "estimate_hours", HOURS, "Estimation (h)",
            "estimate_hours", "estimate", "estimate (h)", "estimation (h)", "estimation",
            "charge estimée (h)", "estimé (h)"),
    _column("t.estimate_status", "estimate_status", CHOICE, "Statut estimation",
            "estimate_status", "estimate status", "statut estimation", "statut de l'estimation",
            "validation de l'estimation"),
    _column("t.reestimate_hours", "reestimate_hours", HOURS, "Réestimation (h)",
            "reestimate_hours", "reestimate", "reestimate (h)", "réestimation (h)",
            "réestimation"),
    _column("t.reestimated_at", "reestimated_at", TS, "Réestimé le",
            "reestimated_at", "reestimated at", "réestimé le", "réestimée le",
            "date de réestimation"),
    _column("t.reestimate_status", "reestimate_status", CHOICE, "Statut réestimation",
            "reestimate_status", "reestimate status", "statut réestimation",
            "statut de la réestimation"),
    _column("t.assignee", "assignee", TEXT, "Assigné à",
            "assignee", "assigned to", "assigné à", "assignée à", "responsable"),
    _column("t.tracker", "tracker", TEXT, "Tracker",
            "tracker"),
    _column("t.resolution", "resolution", TEXT, "Résolution",
            "resolution", "résolution"),
    _column("t.estimated_at", "estimated_at", TS, "Estimé le",
            "estimated_at", "estimated at", "estimé le", "estimation envoyée le",
            "date d'estimation"),
    _column("t.approved_at", "approved_at", TS, "Validé le",
            "approved_at", "approved at", "validé le", "validée le", "approuvé le",
            "date de validation"),
    _column("t.delivered_at", "delivered_at", TS, "Livré le",
            "delivered_at", "delivered at", "livré le", "livrée le", "date de livraison"),
    _column("t.spent_hours", "spent_hours", HOURS, "Temps passé (h)",
            "spent_hours", "spent (h)", "spent", "temps passé (h)", "temps passé total (h)"),
    _column("t.project_name", "project_name", TEXT, "Nom du projet",
            "project_name", "project name", "nom du projet"),
)
# fmt: on

# fmt: off
ENTRIES = (
    _column("e.date", "date", DATE, "Date",
            "date", "day", "jour", "date de la saisie", "date de saisie", "date d'intervention",
            "date de réalisation", "date du travail", required=True),
    _column("e.person", "person", TEXT, "Personne",
            "person", "personne", "intervenant", "intervenante", "collaborateur",
            "collaboratrice", "consultant", "consultante", "ressource", "nom", "employé",
            "salarié", "technicien", "technicienne", "agent", "développeur", "employee", "name"),
    _column("e.hours", "hours", HOURS, "Heures",
            "hours", "duration", "heures", "durée", "durée (h)", "temps (h)", "nombre d'heures",
            "temps passé", "temps passé (h)", "temps", "temps (heures)", "heures passées",
            "nb heures", "nb d'heures", "nombre heures", "charge (h)", "durée (heures)",
            "temps consommé", "consommé (h)", "hours spent", "spent hours", "temps (en heure)",
            "temps (en heures)", "durée (en heure)", "durée (en heures)",
            "temps passé (en heure)", "temps passé (en heures)", required=True),
    _column("e.days", "_days", HOURS, "Jours",
            "days", "jours", "jours-homme", "jh", "j/h", "durée (j)", "temps (j)", "charge (j)",
            "charge (jours)", "temps passé (j)", "temps passé (jours)", "temps (jours)",
            "nb jours", "nb de jours", "nombre de jours", "jours passés", "jours-hommes",
            "jours homme", "j.h", "durée (jours)", "consommé (j)", "man-days", "man days",
            "temps (en jours)", "durée (en jours)", "temps passé (en jours)",
            "charge (en jours)", required=True),
    _column("e.ticket", "ticket_key", TEXT, "Demande",
            "ticket", "ticket_key", "ticket key", "issue", "demande", "n° de demande",
            "ticket n°", "n° ticket", "n° de ticket", "no ticket", "numéro de ticket",
            "numéro de demande", "demande n°", "id ticket", "ticket id", "réf. ticket",
            "référence", "réf.", "réf", "ref", "clé", "key", "incident", "n° incident"),
    _column("e.project", "project", TEXT, "Projet",
            "project", "projet"),
    _column("e.activity", "activity", TEXT, "Activité",
            "activity", "activité", "tâche", "type d'activité", "type de tâche",
            "type d'intervention", "nature", "catégorie", "task"),
    _column("e.comment", "comment", TEXT, "Commentaire",
            "comment", "description", "notes", "commentaire", "commentaires", "remarque",
            "remarques", "libellé", "détail", "détails", "travail effectué", "travaux réalisés",
            "observation", "observations", "note"),
    _column("e.entry_id", "entry_id", TEXT, "Identifiant",
            "entry_id", "entry id", "identifiant", "id saisie"),
    _column("e.started_at", "started_at", TS, "Début",
            "started_at", "started at", "start", "début", "heure de début", "commencé à"),
)
# fmt: on

# fmt: off
HISTORY = (
    _column("h.ticket", "ticket_key", KEY, "Demande",
            "ticket", "ticket_key", "ticket key", "demande", "clé", "n° de demande",
            required=True),
    _column("h.at", "at", TS, "Date",
            "at", "date", "changed at", "le", "changé le", "date du changement", required=True),
    _column("h.status", "status", TEXT, "Statut",
            "status", "statut", "état", "nouveau statut", required=True),
    _column("h.project", "project", TEXT, "Projet",
            "project", "projet"),
)
# fmt: on

COLUMNS = {"tickets": TICKETS, "time_entries": ENTRIES, "status_history": HISTORY}
