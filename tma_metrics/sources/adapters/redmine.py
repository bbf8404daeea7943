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
from tma_metrics.sources.plan import DATE, HOURS, KEY, TEXT, TS, TablePlan

FIELDS = {
    "id": {"any": ("#",)},
    "project": {"fr": ("Projet",), "en": ("Project",)},
    "tracker": {"any": ("Tracker",)},
    "status": {"fr": ("Statut",), "en": ("Status",)},
    "priority": {"fr": ("Priorité",), "en": ("Priority",)},
    "subject": {"fr": ("Sujet",), "en": ("Subject",)},
    "assignee": {"fr": ("Assigné à",), "en": ("Assignee", "Assigned to")},
    "created": {"fr": ("Créé",), "en": ("Created",)},
    "updated": {"fr": ("Mis-à-jour", "Mis à jour"), "en": ("Updated",)},
    "closed": {"fr": ("Fermé",), "en": ("Closed",)},
    "estimated": {"fr": ("Temps estimé",), "en": ("Estimated time",)},
    "spent": {"fr": ("Temps passé",), "en": ("Spent time",)},
    "author": {"fr": ("Auteur",), "en": ("Author",)},
    "category": {"fr": ("Catégorie",), "en": ("Category",)},
    "target_version": {"fr": ("Version cible",), "en": ("Target version",)},
    "due_date": {"fr": ("Echéance", "Échéance"), "en": ("Due date",)},
    "done_ratio": {"fr": ("% réalisé",), "en": ("% Done",)},
    "parent": {"fr": ("Tâche parente",), "en": ("Parent task",)},
    "date": {"any": ("Date",)},
    "user": {"fr": ("Utilisateur",), "en": ("User",)},
    "activity": {"fr": ("Activité",), "en": ("Activity",)},
    "issue": {"fr": ("Demande",), "en": ("Issue",)},
    "comment": {"fr": ("Commentaire",), "en": ("Comment",)},
    "hours": {"fr": ("Heures",), "en": ("Hours",)},
    "week": {"fr": ("Semaine",), "en": ("Week",)},
}

SIGNATURES = (
    Signature(
        "redmine",
        "issues",
        required=("id", "tracker", "subject"),
        optional=("status", "priority", "project", "created", "closed", "estimated", "spent"),
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
    # Redmine's own defaults: %d/%m/%Y in French, %m/%d/%Y in English.
    return "dmy" if ctx.lang == "fr" or ctx.source.delimiter == ";" else "mdy"


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
    return TablePlan(
        "tickets",
        fields,
        constants={"source": "redmine"},
        derived=derived,
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
