"""Jira worklog reports: Tempo Timesheets exports and worklog-report apps.

- Tempo ("Export to Excel" of a worklog list): ``Issue Key``, ``Hours`` (decimal
  hours), ``Work date``; a row with no hours is rejected.
- Marketplace worklog-report apps: an issue key column, a start date and a duration
  (``35m``, ``10h 40m``, or seconds), ``_`` for empty cells, a final total row that is
  left out (FORMATS.md section 2.3).
"""

from __future__ import annotations

from tma_metrics.sources.adapters.base import Adapter, Build, Context, Signature, present
from tma_metrics.sources.plan import DATE, HOURS, TEXT, TS, TablePlan

_SECONDS = 1 / 3600

TEMPO_FIELDS = {
    "issue_key": {"en": ("Issue Key",), "ru": ("Ключ запроса",)},
    "issue_summary": {"en": ("Issue summary",), "ru": ("Тема запроса",)},
    "hours": {"en": ("Hours",), "ru": ("Часов",)},
    "work_date": {"en": ("Work date",), "ru": ("Дата работы",)},
    "username": {"en": ("Username",), "ru": ("Пользователь",)},
    "full_name": {"en": ("Full name",), "ru": ("Полное имя",)},
    "worklog_id": {"en": ("Worklog Id", "Tempo Worklog ID", "Jira Worklog ID")},
    "period": {"en": ("Period",)},
    "account": {
        "any": (
            "Account Key",
            "Account Name",
            "Account Lead",
            "Account Category",
            "Account Customer",
        ),
    },
    "activity": {"en": ("Activity Name",)},
    "components": {"en": ("Component", "All Components", "Version Name")},
    "issue_type": {"en": ("Issue Type",)},
    "issue_status": {"en": ("Issue Status",)},
    "project_key": {"en": ("Project Key",)},
    "project_name": {"en": ("Project Name",)},
    "epic": {"any": ("Epic", "Epic Link", "Epic Name")},
    "description": {"en": ("Work Description",)},
    "parent_key": {"en": ("Parent Key",)},
    "reporter": {"en": ("Reporter",)},
    "external_hours": {"en": ("External Hours",)},
    "billed_hours": {"en": ("Billed Hours",)},
    "estimates": {"en": ("Issue Original Estimate", "Issue Remaining Estimate")},
}

TEMPO_SIGNATURES = (Signature("tempo", "tempo", required=("issue_key", "hours", "work_date")),)


def build_tempo(ctx: Context) -> Build:
    """Return the plan of a Tempo worklog export."""
    fields = present(
        ctx.field("work_date", "date", DATE, required=True),
        ctx.field("work_date", "started_at", TS),
        ctx.field("hours", "hours", HOURS, required=True, min_value=0.0),
        ctx.field("full_name", "_full_name", TEXT),
        ctx.field("username", "_username", TEXT),
        ctx.field("issue_key", "ticket_key", TEXT),
        ctx.field("project_key", "_project_key", TEXT),
        ctx.field("project_name", "_project_name", TEXT),
        ctx.field("activity", "activity", TEXT),
        ctx.field("description", "comment", TEXT),
        ctx.field("worklog_id", "entry_id", TEXT),
    )
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": "tempo"},
        derived={
            "person": "coalesce({_full_name}, {_username})",
            "project": "coalesce({_project_key}, {_project_name})",
            "ticket_source": "CASE WHEN {ticket_key} IS NOT NULL THEN 'jira' END",
        },
    )
    return Build("tempo", "Tempo Timesheets — worklogs (en)", [plan])


WORKLOG_FIELDS = {
    "worklog_id": {"en": ("Worklog id", "Worklog Id", "Worklog ID")},
    "author": {"en": ("Author", "Worker", "Logged by", "Author name")},
    "summary": {"en": ("Summary", "Issue summary")},
    "description": {"en": ("Work description", "Worklog description", "Worklog comment")},
    "issue": {"en": ("Issue", "Issue key", "Issue Key")},
    "parent": {"en": ("Parent", "Parent key")},
    "epic": {"en": ("Epic", "Epic link")},
    "project": {"en": ("Project", "Project key", "Project name")},
    "started": {"en": ("Started", "Start date", "Date started", "Started at", "Date")},
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
    "time_spent_hours": {"en": ("Time spent (h)", "Time spent hours", "Hours", "Logged hours")},
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
