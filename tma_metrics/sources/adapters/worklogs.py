"""Jira worklog reports: Tempo Timesheets exports and worklog-report apps.

- Tempo ("Export to Excel" of a worklog list): ``Issue Key``, ``Hours`` (decimal
  hours), ``Work date``; a row with no hours is rejected. A work date at midnight is a
  day, not a start time (a ``Start Time`` column gives it when present); the Tempo
  worklog id is preferred to Jira's; a final total row is left out.
- Marketplace worklog-report apps: an issue key column, a start date and a duration
  (``35m``, ``10h 40m``, or seconds), ``_`` for empty cells, a final total row that is
  left out (FORMATS.md section 2.3).
"""

from __future__ import annotations

from tma_metrics.sources.adapters.base import (
    Adapter,
    Build,
    Context,
    Signature,
    lang_label,
    present,
)
from tma_metrics.sources.plan import DATE, HOURS, TEXT, TS, TablePlan

__all__ = [
    "TEMPO",
    "TEMPO_FIELDS",
    "TEMPO_SIGNATURES",
    "WORKLOG_APP",
    "WORKLOG_FIELDS",
    "WORKLOG_SIGNATURES",
    "build_tempo",
    "build_worklogs",
]

_SECONDS = 1 / 3600

#: Tempo translates most captions with the account's locale (FORMATS.md 2.2): the
#: English and Russian names are from real files, the French and German ones from
#: Tempo's translated UI and kept beside them.
TEMPO_FIELDS = {
    "issue_key": {
        "en": ("Issue Key",),
        "fr": ("Clé du ticket", "Clé de ticket", "Clé de la demande"),
        "de": ("Vorgangsschlüssel",),
        "ru": ("Ключ запроса",),
    },
    "issue_summary": {
        "en": ("Issue summary",),
        "fr": ("Résumé du ticket", "Résumé de la demande"),
        "de": ("Vorgangszusammenfassung",),
        "ru": ("Тема запроса",),
    },
    "hours": {
        "en": ("Hours", "Logged Hours", "Time Spent (h)", "Hours Logged"),
        "fr": ("Heures", "Heures enregistrées", "Heures saisies"),
        "de": ("Stunden", "Erfasste Stunden"),
        "ru": ("Часов",),
    },
    "work_date": {
        "en": ("Work date", "Date", "Worklog date"),
        "fr": ("Date de travail", "Date du travail", "Date"),
        "de": ("Arbeitsdatum", "Datum"),
        "ru": ("Дата работы",),
    },
    "start_time": {
        "en": ("Start Time", "Start time of day"),
        "fr": ("Heure de début",),
        "de": ("Startzeit", "Beginn"),
    },
    "username": {
        "en": ("Username", "User name", "Worker ID", "Author ID"),
        "fr": ("Nom d'utilisateur",),
        "de": ("Benutzername",),
        "ru": ("Пользователь",),
    },
    "full_name": {
        "en": ("Full name", "Worker", "Author", "User", "Display name"),
        "fr": ("Nom complet", "Collaborateur", "Auteur", "Utilisateur"),
        "de": ("Vollständiger Name", "Mitarbeiter", "Autor"),
        "ru": ("Полное имя",),
    },
    "tempo_worklog_id": {"en": ("Tempo Worklog ID", "Tempo Worklog Id")},
    "worklog_id": {"en": ("Worklog Id", "Worklog ID"), "fr": ("ID du worklog",)},
    "jira_worklog_id": {"en": ("Jira Worklog ID", "Jira Worklog Id")},
    "period": {"en": ("Period",), "fr": ("Période",), "de": ("Zeitraum",)},
    "account": {
        "any": (
            "Account Key",
            "Account Name",
            "Account Lead",
            "Account Category",
            "Account Customer",
            "Account",
        ),
        "fr": ("Clé du compte", "Nom du compte", "Compte"),
        "de": ("Kontoschlüssel", "Kontoname", "Konto"),
    },
    "activity": {"en": ("Activity Name",), "fr": ("Activité",), "de": ("Aktivität",)},
    "components": {"en": ("Component", "All Components", "Version Name")},
    "issue_type": {"en": ("Issue Type",), "fr": ("Type de ticket",), "de": ("Vorgangstyp",)},
    "issue_status": {"en": ("Issue Status",), "fr": ("État du ticket",), "de": ("Vorgangsstatus",)},
    "project_key": {"en": ("Project Key",), "fr": ("Clé du projet", "Clé de projet")},
    "project_name": {"en": ("Project Name",), "fr": ("Nom du projet",), "de": ("Projektname",)},
    "epic": {"any": ("Epic", "Epic Link", "Epic Name")},
    "description": {
        "en": ("Work Description", "Worklog Description", "Description"),
        "fr": ("Description du travail", "Description"),
        "de": ("Arbeitsbeschreibung", "Beschreibung"),
    },
    "parent_key": {"en": ("Parent Key",), "fr": ("Clé parente", "Clé parent")},
    "reporter": {"en": ("Reporter",)},
    "external_hours": {"en": ("External Hours",)},
    "billed_hours": {
        "en": ("Billed Hours", "Billable Hours"),
        "fr": ("Heures facturées", "Heures facturables"),
        "de": ("Abgerechnete Stunden", "Abrechenbare Stunden"),
    },
    "estimates": {"en": ("Issue Original Estimate", "Issue Remaining Estimate")},
}

TEMPO_SIGNATURES = (Signature("tempo", "tempo", required=("issue_key", "hours", "work_date")),)


def _tempo_started(ctx: Context) -> str:
    """Return the derived SQL of ``started_at``: a work date at midnight is only a day.

    Tempo writes the day as ``2026-11-20 00:00`` (or a typed date in a workbook);
    the time of the day is known only when it is not midnight, or from a separate
    ``Start Time`` column.
    """
    if ctx.match.has("start_time"):
        return (
            "coalesce(CAST({date} AS DATE) + CAST(try_strptime({_start_raw}, "
            "['%H:%M', '%H:%M:%S', '%I:%M %p', '%I:%M:%S %p']) AS TIME), "
            "CASE WHEN {_stamp} <> {date} THEN {_stamp} END)"
        )
    return "CASE WHEN {_stamp} <> {date} THEN {_stamp} END"


def build_tempo(ctx: Context) -> Build:
    """Return the plan of a Tempo worklog export."""
    entry_id = next(
        (
            name
            for name in ("tempo_worklog_id", "worklog_id", "jira_worklog_id")
            if ctx.match.has(name)
        ),
        None,
    )
    fields = present(
        ctx.field("work_date", "date", DATE, required=True),
        ctx.field("work_date", "_stamp", TS),
        ctx.field("start_time", "_start", TEXT),
        ctx.field("hours", "hours", HOURS, required=True, min_value=0.0),
        ctx.field("full_name", "_full_name", TEXT),
        ctx.field("username", "_username", TEXT),
        ctx.field("issue_key", "ticket_key", TEXT),
        ctx.field("project_key", "_project_key", TEXT),
        ctx.field("project_name", "_project_name", TEXT),
        ctx.field("activity", "activity", TEXT),
        ctx.field("description", "comment", TEXT),
        ctx.field(entry_id, "entry_id", TEXT) if entry_id else None,
    )
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": "tempo"},
        derived={
            "started_at": _tempo_started(ctx),
            "person": "coalesce({_full_name}, {_username})",
            "project": (
                "coalesce({_project_key}, "
                "nullif(regexp_extract({ticket_key}, '^([A-Z][A-Z0-9_]+)-\\d+$', 1), ''), "
                "{_project_name})"
            ),
            "ticket_source": "CASE WHEN {ticket_key} IS NOT NULL THEN 'jira' END",
        },
        # A total row closes some reports: no date, and no key or a "Total" label.
        skip=(
            "{date_raw} IS NULL AND {hours_raw} IS NOT NULL AND ({ticket_key} IS NULL "
            "OR strip_accents(lower({ticket_key})) LIKE 'total%')"
        ),
        skip_note=("{n} ligne de total ignorée", "{n} lignes de total ignorées"),
    )
    variant = f"Tempo Timesheets — worklogs ({lang_label(ctx.lang)})"
    return Build("tempo", variant, [plan])


WORKLOG_FIELDS = {
    "worklog_id": {"en": ("Worklog id", "Worklog Id", "Worklog ID")},
    # Jira Assistant's worklog report says "Log user", "Ticket No", "Log Date & Time"
    # and "Hr. Spent" (decimal hours).
    "author": {"en": ("Author", "Worker", "Logged by", "Author name", "Log user")},
    "summary": {"en": ("Summary", "Issue summary")},
    "description": {
        "en": ("Work description", "Worklog description", "Worklog comment", "Comment"),
    },
    "issue": {"en": ("Issue", "Issue key", "Issue Key", "Ticket No")},
    "parent": {"en": ("Parent", "Parent key")},
    "epic": {"en": ("Epic", "Epic link")},
    "project": {"en": ("Project", "Project key", "Project name")},
    "started": {
        "en": ("Started", "Start date", "Date started", "Started at", "Date", "Log Date & Time")
    },
    "assignee": {"en": ("Assignee",)},
    "labels": {"en": ("Labels",)},
    "priority": {"en": ("Priority",)},
    "resolution": {"en": ("Resolution",)},
    "reporter": {"en": ("Reporter",)},
    "status": {"en": ("Status",)},
    "issue_type": {"en": ("Issue type",)},
    "sprint": {"en": ("Sprint",)},
    "time_spent": {"en": ("Time spent", "Time logged", "Logged time")},
    "time_spent_seconds": {"en": ("Time spent seconds", "Time spent (seconds)", "Time spent (s)")},
    "time_spent_hours": {
        "en": ("Time spent (h)", "Time spent hours", "Hours", "Logged hours", "Hr. Spent")
    },
}

WORKLOG_SIGNATURES = (
    Signature("jira-worklog", "app", required=("issue", "started", "author", "time_spent")),
    Signature("jira-worklog", "app", required=("issue", "started", "time_spent_seconds")),
    Signature("jira-worklog", "app", required=("issue", "started", "author", "time_spent_hours")),
)


def _placeholder(ctx: Context, logical: str, name: str, kind: str, **options: object):
    """A field of a worklog app export, where "_" means empty."""
    return ctx.field(logical, name, kind, wrap="tma_text_or({c}, '_')", **options)


def build_worklogs(ctx: Context) -> Build:
    """Return the plan of a worklog-report app export."""
    if ctx.match.has("time_spent_seconds"):
        hours = _placeholder(
            ctx,
            "time_spent_seconds",
            "hours",
            HOURS,
            required=True,
            unit_hours=_SECONDS,
            min_value=0.0,
        )
    elif ctx.match.has("time_spent"):
        # Raw exports write seconds ("2100"), formatted ones "35m" or "10h 40m".
        hours = _placeholder(
            ctx,
            "time_spent",
            "hours",
            HOURS,
            required=True,
            unit_hours=_SECONDS,
            min_value=0.0,
        )
    else:
        hours = _placeholder(ctx, "time_spent_hours", "hours", HOURS, required=True, min_value=0.0)
    fields = present(
        _placeholder(ctx, "started", "date", DATE, required=True),
        _placeholder(ctx, "started", "started_at", TS),
        hours,
        _placeholder(ctx, "author", "person", TEXT),
        _placeholder(ctx, "issue", "ticket_key", TEXT),
        _placeholder(ctx, "project", "project", TEXT),
        _placeholder(ctx, "description", "comment", TEXT),
        _placeholder(ctx, "worklog_id", "entry_id", TEXT),
    )
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": "jira-worklog"},
        derived={"ticket_source": "CASE WHEN {ticket_key} IS NOT NULL THEN 'jira' END"},
        # The app ends its file with a total row: no date, no issue, no author.
        skip="{date_raw} IS NULL AND {ticket_key} IS NULL AND {person} IS NULL",
        skip_note=("{n} ligne de total ignorée", "{n} lignes de total ignorées"),
        order="mdy",
    )
    started = ctx.match.first("started")
    iso = ctx.probe(f"count(*) FILTER (WHERE regexp_matches(c{started}, '^\\d{{4}}-'))")[0]
    values = "valeurs brutes" if iso else "valeurs formatées"
    return Build("jira-worklog", f"Jira — rapport de worklogs d'une application ({values})", [plan])


TEMPO = Adapter("tempo", TEMPO_FIELDS, TEMPO_SIGNATURES, build_tempo)
WORKLOG_APP = Adapter("jira-worklog", WORKLOG_FIELDS, WORKLOG_SIGNATURES, build_worklogs)
