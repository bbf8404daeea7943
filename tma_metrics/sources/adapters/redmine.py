"""Redmine issue and spent-time list exports (French and English UI).

Redmine writes ``;`` and a decimal comma in French, ``,`` and a dot in English, in
ISO-8859-1 unless UTF-8 was chosen (FORMATS.md section 4). Time entries point to their
issue with a ``Tracker #123: subject`` cell. Redmine dates only the closing (``Fermé``):
it is imported as ``closed_at`` and the engine decides whether it stands in for the
resolution.
"""

from __future__ import annotations

from tma_metrics.sources.adapters.base import (
    Adapter,
    Build,
    Context,
    Signature,
    hours_validated,
    lang_label,
    present,
)
from tma_metrics.sources.plan import DATE, HOURS, KEY, TEXT, TS, TablePlan, col

#: Column captions from Redmine's locale files (``field_*`` / ``label_*`` of
#: config/locales/{en,fr,de,es,pt-BR,it}.yml). The id column is always ``#``.
FIELDS = {
    "id": {"any": ("#",)},
    "project": {
        "fr": ("Projet",),
        "en": ("Project",),
        "de": ("Projekt",),
        "es": ("Proyecto",),
        "pt": ("Projeto",),
        "it": ("Progetto",),
    },
    "tracker": {"any": ("Tracker",), "es": ("Tipo",), "pt": ("Tipo",)},
    "status": {
        "fr": ("Statut",),
        "en": ("Status",),
        "es": ("Estado",),
        "pt": ("Situação",),
        "it": ("Stato",),
    },
    "priority": {
        "fr": ("Priorité",),
        "en": ("Priority",),
        "de": ("Priorität",),
        "es": ("Prioridad",),
        "pt": ("Prioridade",),
        "it": ("Priorità",),
    },
    "subject": {
        "fr": ("Sujet",),
        "en": ("Subject",),
        "de": ("Thema",),
        "es": ("Asunto",),
        "pt": ("Título",),
        "it": ("Oggetto",),
    },
    "assignee": {
        "fr": ("Assigné à",),
        "en": ("Assignee", "Assigned to"),
        "de": ("Zugewiesen an",),
        "es": ("Asignado a",),
        "pt": ("Atribuído para",),
        "it": ("Assegnato a",),
    },
    "created": {
        "fr": ("Créé",),
        "en": ("Created",),
        "de": ("Angelegt",),
        "es": ("Creado",),
        "pt": ("Criado em",),
        "it": ("Creato",),
    },
    "updated": {
        "fr": ("Mis-à-jour", "Mis à jour"),
        "en": ("Updated",),
        "de": ("Aktualisiert",),
        "es": ("Actualizado",),
        "pt": ("Alterado em",),
        "it": ("Aggiornato",),
    },
    "closed": {
        "fr": ("Fermé",),
        "en": ("Closed",),
        "de": ("Geschlossen",),
        "es": ("Cerrada",),
        "pt": ("Fechado",),
        "it": ("Chiuso",),
    },
    "estimated": {
        "fr": ("Temps estimé",),
        "en": ("Estimated time",),
        "de": ("Geschätzter Aufwand",),
        "es": ("Tiempo estimado",),
        "pt": ("Tempo estimado",),
        "it": ("Tempo stimato",),
    },
    "spent": {
        "fr": ("Temps passé",),
        "en": ("Spent time",),
        "de": ("Aufgewendete Zeit",),
        "es": ("Tiempo dedicado",),
        "pt": ("Tempo gasto",),
        "it": ("Tempo impiegato",),
    },
    "author": {"fr": ("Auteur",), "en": ("Author",), "de": ("Autor",), "es": ("Autor",)},
    "category": {
        "fr": ("Catégorie",),
        "en": ("Category",),
        "de": ("Kategorie",),
        "es": ("Categoría",),
        "pt": ("Categoria",),
    },
    "target_version": {
        "fr": ("Version cible",),
        "en": ("Target version",),
        "de": ("Zielversion",),
        "es": ("Versión prevista",),
    },
    "due_date": {
        "fr": ("Echéance", "Échéance"),
        "en": ("Due date",),
        "de": ("Abgabedatum",),
        "es": ("Fecha fin",),
        "pt": ("Data prevista",),
    },
    "done_ratio": {
        "fr": ("% réalisé",),
        "en": ("% Done",),
        "de": ("% erledigt",),
        "es": ("% Realizado",),
        "pt": ("% Terminado",),
    },
    "parent": {
        "fr": ("Tâche parente",),
        "en": ("Parent task",),
        "de": ("Übergeordnete Aufgabe",),
        "es": ("Tarea padre",),
        "pt": ("Tarefa pai",),
    },
    "date": {
        "any": ("Date",),
        "de": ("Datum",),
        "es": ("Fecha",),
        "pt": ("Data",),
        "it": ("Data",),
    },
    "user": {
        "fr": ("Utilisateur",),
        "en": ("User",),
        "de": ("Benutzer",),
        "es": ("Usuario",),
        "pt": ("Usuário",),
        "it": ("Utente",),
    },
    "activity": {
        "fr": ("Activité",),
        "en": ("Activity",),
        "de": ("Aktivität",),
        "es": ("Actividad",),
        "pt": ("Atividade",),
        "it": ("Attività",),
    },
    "issue": {
        "fr": ("Demande",),
        "en": ("Issue",),
        "de": ("Ticket",),
        "es": ("Petición",),
        "pt": ("Tarefa",),
        "it": ("Segnalazione",),
    },
    "comment": {
        "fr": ("Commentaire",),
        "en": ("Comment",),
        "de": ("Kommentar",),
        "es": ("Comentario",),
        "pt": ("Comentário",),
        "it": ("Commento",),
    },
    "hours": {
        "fr": ("Heures",),
        "en": ("Hours",),
        "de": ("Stunden",),
        "es": ("Horas",),
        "pt": ("Horas",),
        "it": ("Ore",),
    },
    "week": {
        "fr": ("Semaine",),
        "en": ("Week",),
        "de": ("Woche",),
        "es": ("Semana",),
        "pt": ("Semana",),
        "it": ("Settimana",),
    },
}

SIGNATURES = (
    Signature(
        "redmine",
        "issues",
        required=("id", "tracker", "subject"),
        optional=("status", "priority", "project", "created", "closed", "estimated", "spent"),
    ),
    # The tracker column can be taken out of the query; "#" + subject + status stays Redmine.
    Signature(
        "redmine",
        "issues",
        required=("id", "subject", "status"),
        optional=("priority", "project", "created", "closed", "estimated", "spent"),
    ),
    Signature(
        "redmine",
        "timelog",
        required=("date", "user", "hours"),
        optional=("activity", "issue", "comment", "project", "week"),
    ),
)

_ID = "un numéro de demande Redmine (ex. 1234)"


def _order(ctx: Context) -> str:
    # Redmine's own defaults: %m/%d/%Y in English only; %d/%m/%Y (fr, pt-BR, it),
    # %d.%m.%Y (de) or ISO (es) elsewhere. A ";" file comes from a non-English UI.
    return "mdy" if ctx.lang == "en" and ctx.source.delimiter != ";" else "dmy"


def build(ctx: Context) -> Build:
    """Return the plan of a Redmine issue list or spent-time list."""
    lang = lang_label(ctx.lang)
    if ctx.variant == "issues":
        return Build("redmine", f"Redmine — demandes ({lang})", [_issues(ctx)])
    return Build("redmine", f"Redmine — temps passé ({lang})", [_timelog(ctx)])


def _issues(ctx: Context) -> TablePlan:
    wanted = [
        ctx.field("id", "key", KEY, required=True, parse_sql="tma_digits({r})", expected=_ID),
        ctx.field("project", "project", TEXT),
        ctx.field("subject", "title", TEXT),
        ctx.field("tracker", "tracker", TEXT),
        ctx.field("priority", "priority", TEXT),
        ctx.field("status", "status", TEXT),
        ctx.field("assignee", "assignee", TEXT),
        ctx.field("created", "created_at", TS),
        ctx.field("closed", "closed_at", TS),
        ctx.field("estimated", "estimate_hours", HOURS, min_value=0.0),
        ctx.field("spent", "spent_hours", HOURS, min_value=0.0),
    ]
    fields = present(*wanted)
    derived = {"estimate_status": hours_validated()} if ctx.match.has("estimated") else {}
    extra = tuple(
        (ctx.header[i], col(i))
        for f in ("parent", "category", "target_version", "due_date")
        for i in ctx.match.all(f)
    )
    return TablePlan(
        "tickets",
        fields,
        constants={"source": "redmine"},
        derived=derived,
        extra=extra,
        order=_order(ctx),
    )


def _timelog(ctx: Context) -> TablePlan:
    wanted = [
        ctx.field("date", "date", DATE, required=True),
        ctx.field("hours", "hours", HOURS, required=True, min_value=0.0),
        ctx.field("user", "person", TEXT),
        ctx.field("project", "project", TEXT),
        ctx.field("activity", "activity", TEXT),
        ctx.field("comment", "comment", TEXT),
        ctx.field(
            "issue",
            "ticket_key",
            KEY,
            parse_sql="nullif(regexp_extract({r}, '#(\\d+)', 1), '')",
            expected="une demande Redmine (ex. Anomalie #1234: sujet)",
        ),
    ]
    fields = present(*wanted)
    derived = {"ticket_source": "CASE WHEN {ticket_key} IS NOT NULL THEN 'redmine' END"}
    return TablePlan(
        "time_entries",
        fields,
        constants={"source": "redmine"},
        derived=derived if ctx.match.has("issue") else {},
        order=_order(ctx),
    )


ADAPTER = Adapter("redmine", FIELDS, SIGNATURES, build)
