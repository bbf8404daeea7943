"""Redmine issue and spent-time list exports (French and English UI).

Redmine writes ``;`` and a decimal comma in French, ``,`` and a dot in English, in
ISO-8859-1 unless UTF-8 was chosen (FORMATS.md section 4). Time entries point to their
issue with a ``Tracker #123: subject`` cell. Redmine dates no resolution: its closing
(``Fermé``, often weeks after the fix) is imported as ``closed_at`` and its last update
(``Mis à jour``) as ``updated_at``; both only bound the resolution from above (DOMAIN.md
§4), a status history dates it.
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

__all__ = ["ADAPTER", "FIELDS", "SIGNATURES", "build"]

#: Column captions from Redmine's locale files (``field_*`` / ``label_*`` of
#: config/locales/{en,fr,de,es,pt-BR,it,ja}.yml). The id column is always ``#``.
FIELDS = {
    "id": {"any": ("#",)},
    "project": {
        "fr": ("Projet",),
        "en": ("Project",),
        "de": ("Projekt",),
        "es": ("Proyecto",),
        "pt": ("Projeto",),
        "it": ("Progetto",),
        "ja": ("プロジェクト",),
    },
    "tracker": {"any": ("Tracker",), "es": ("Tipo",), "pt": ("Tipo",), "ja": ("トラッカー",)},
    "status": {
        "fr": ("Statut",),
        "en": ("Status",),
        "es": ("Estado",),
        "pt": ("Situação",),
        "it": ("Stato",),
        "ja": ("ステータス",),
    },
    "priority": {
        "fr": ("Priorité",),
        "en": ("Priority",),
        "de": ("Priorität",),
        "es": ("Prioridad",),
        "pt": ("Prioridade",),
        "it": ("Priorità",),
        "ja": ("優先度",),
    },
    "subject": {
        "fr": ("Sujet",),
        "en": ("Subject",),
        "de": ("Thema",),
        "es": ("Asunto",),
        "pt": ("Título",),
        "it": ("Oggetto",),
        "ja": ("題名",),
    },
    "assignee": {
        "fr": ("Assigné à",),
        "en": ("Assignee", "Assigned to"),
        "de": ("Zugewiesen an",),
        "es": ("Asignado a",),
        "pt": ("Atribuído para",),
        "it": ("Assegnato a",),
        "ja": ("担当者",),
    },
    "created": {
        "fr": ("Créé",),
        "en": ("Created",),
        "de": ("Angelegt",),
        "es": ("Creado",),
        "pt": ("Criado em",),
        "it": ("Creato",),
        "ja": ("作成日",),
    },
    "updated": {
        "fr": ("Mis-à-jour", "Mis à jour"),
        "en": ("Updated",),
        "de": ("Aktualisiert",),
        "es": ("Actualizado",),
        "pt": ("Alterado em",),
        "it": ("Aggiornato",),
        "ja": ("更新日",),
    },
    "closed": {
        "fr": ("Fermé",),
        "en": ("Closed",),
        "de": ("Geschlossen",),
        "es": ("Cerrada",),
        "pt": ("Fechado",),
        "it": ("Chiuso",),
        "ja": ("終了日",),
    },
    "estimated": {
        "fr": ("Temps estimé",),
        "en": ("Estimated time",),
        "de": ("Geschätzter Aufwand",),
        "es": ("Tiempo estimado",),
        "pt": ("Tempo estimado",),
        "it": ("Tempo stimato",),
        "ja": ("予定工数",),
    },
    "spent": {
        "fr": ("Temps passé",),
        "en": ("Spent time",),
        "de": ("Aufgewendete Zeit",),
        "es": ("Tiempo dedicado",),
        "pt": ("Tempo gasto",),
        "it": ("Tempo impiegato",),
        "ja": ("作業時間",),
    },
    "author": {
        "fr": ("Auteur",),
        "en": ("Author",),
        "de": ("Autor",),
        "es": ("Autor",),
        "ja": ("作成者",),
    },
    "category": {
        "fr": ("Catégorie",),
        "en": ("Category",),
        "de": ("Kategorie",),
        "es": ("Categoría",),
        "pt": ("Categoria",),
        "ja": ("カテゴリ",),
    },
    "target_version": {
        "fr": ("Version cible",),
        "en": ("Target version",),
        "de": ("Zielversion",),
        "es": ("Versión prevista",),
        "ja": ("対象バージョン",),
    },
    "due_date": {
        "fr": ("Echéance", "Échéance"),
        "en": ("Due date",),
        "de": ("Abgabedatum",),
        "es": ("Fecha fin",),
        "pt": ("Data prevista",),
        "ja": ("期日",),
    },
    "done_ratio": {
        "fr": ("% réalisé",),
        "en": ("% Done",),
        "de": ("% erledigt",),
        "es": ("% Realizado",),
        "pt": ("% Terminado",),
        "ja": ("進捗率",),
    },
    "parent": {
        "fr": ("Tâche parente",),
        "en": ("Parent task",),
        "de": ("Übergeordnete Aufgabe",),
        "es": ("Tarea padre",),
        "pt": ("Tarefa pai",),
        "ja": ("親チケット",),
    },
    "date": {
        "any": ("Date",),
        "de": ("Datum",),
        "es": ("Fecha",),
        "pt": ("Data",),
        "it": ("Data",),
        "ja": ("日付",),
    },
    "user": {
        "fr": ("Utilisateur",),
        "en": ("User",),
        "de": ("Benutzer",),
        "es": ("Usuario",),
        "pt": ("Usuário",),
        "it": ("Utente",),
        "ja": ("ユーザー",),
    },
    "activity": {
        "fr": ("Activité",),
        "en": ("Activity",),
        "de": ("Aktivität",),
        "es": ("Actividad",),
        "pt": ("Atividade",),
        "it": ("Attività",),
        "ja": ("作業分類",),
    },
    "issue": {
        "fr": ("Demande",),
        "en": ("Issue",),
        "de": ("Ticket",),
        "es": ("Petición",),
        "pt": ("Tarefa",),
        "it": ("Segnalazione",),
        "ja": ("チケット",),
    },
    "comment": {
        "fr": ("Commentaire",),
        "en": ("Comment",),
        "de": ("Kommentar",),
        "es": ("Comentario",),
        "pt": ("Comentário",),
        "it": ("Commento",),
        "ja": ("コメント",),
    },
    "hours": {
        "fr": ("Heures",),
        "en": ("Hours",),
        "de": ("Stunden",),
        "es": ("Horas",),
        "pt": ("Horas",),
        "it": ("Ore",),
        "ja": ("時間",),
    },
    "week": {
        "fr": ("Semaine",),
        "en": ("Week",),
        "de": ("Woche",),
        "es": ("Semana",),
        "pt": ("Semana",),
        "it": ("Settimana",),
        "ja": ("週",),
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
        ctx.field("updated", "updated_at", TS),
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
