"""Timesheet tools: Kimai (en/fr), Harvest detailed time, Clockify detailed report.

None of them has a ticket column: the ticket of an entry is the first ``ABC-123`` or
``#123`` reference found in its description (or task, or external link), with no
ticket source (it may match any tool), else none (an entry without ticket).
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

KIMAI_FIELDS = {
    "date": {"any": ("Date",)},
    "from": {"en": ("From",), "fr": ("De",)},
    "to": {"en": ("To",), "fr": ("À", "A")},
    "duration": {"en": ("Duration",), "fr": ("Durée",)},
    "money": {
        "en": ("Currency", "Price", "Internal price", "Hourly price", "Fixed price", "Rate"),
        "fr": ("Devise", "Taux", "Taux interne", "Taux horaire", "Taux fixe"),
    },
    "name": {"en": ("Name",), "fr": ("Nom",)},
    "user": {"en": ("User", "Username"), "fr": ("Nom d'utilisateur", "Utilisateur")},
    "email": {"en": ("E-mail", "Email"), "fr": ("Courriel",)},
    "staff": {"en": ("Staff number",), "fr": ("Numéro d'équipe",)},
    "customer": {"en": ("Customer",), "fr": ("Client",)},
    "project": {"en": ("Project",), "fr": ("Projet",)},
    "activity": {"en": ("Activity",), "fr": ("Activité",)},
    "description": {"any": ("Description",)},
    "billable": {"en": ("Billable", "Exported"), "fr": ("Facturable", "Exporté")},
    "tags": {"en": ("Tags",), "fr": ("Mots-clés",)},
    "type": {"any": ("Type", "category")},
    "numbers": {
        "en": ("Account", "Project number", "VAT-ID", "Order number"),
        "fr": ("Compte", "Numéro de projet", "ID de TVA", "Numéro de commande"),
    },
}
KIMAI_SIGNATURES = (Signature("kimai", "timesheet", required=("date", "from", "to", "duration")),)


def build_kimai(ctx: Context) -> Build:
    """Return the plan of a Kimai timesheet export."""
    start = None
    day, begin = ctx.match.first("date"), ctx.match.first("from")
    if day is not None and begin is not None:
        start = ctx.field("from", "started_at", TS, wrap=f"tma_text(c{day} || ' ' || {{c}})")
    fields = present(
        ctx.field("date", "date", DATE, required=True),
        start,
        ctx.field("duration", "hours", HOURS, required=True, min_value=0.0),
        ctx.field("name", "_name", TEXT),
        ctx.field("user", "_user", TEXT),
        ctx.field("project", "project", TEXT),
        ctx.field("activity", "activity", TEXT),
        ctx.field("description", "comment", TEXT),
    )
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": "kimai"},
        derived={"person": "coalesce({_name}, {_user})", "ticket_key": "tma_ticket_ref({comment})"},
    )
    return Build("kimai", f"Kimai — export des temps ({lang_label(ctx.lang)})", [plan])


HARVEST_FIELDS = {
    "date": {"en": ("Date",)},
    "client": {"en": ("Client",)},
    "project": {"en": ("Project",)},
    "project_code": {"en": ("Project Code",)},
    "task": {"en": ("Task",)},
    "notes": {"en": ("Notes",)},
    "hours": {"en": ("Hours",)},
    "hours_rounded": {"en": ("Hours Rounded",)},
    "flags": {"en": ("Billable?", "Invoiced?", "Approved?", "Employee?")},
    "first_name": {"en": ("First Name",)},
    "last_name": {"en": ("Last Name",)},
    "people": {"en": ("Employee Id", "Roles", "Teams")},
    "money": {
        "en": ("Billable Rate", "Billable Amount", "Cost Rate", "Cost Amount", "Currency"),
    },
    "external": {"en": ("External Reference URL",)},
}
HARVEST_SIGNATURES = (
    Signature("harvest", "detailed", required=("date", "client", "project", "task", "hours")),
)


def build_harvest(ctx: Context) -> Build:
    """Return the plan of a Harvest detailed time report."""
    fields = present(
        ctx.field("date", "date", DATE, required=True),
        ctx.field("hours", "hours", HOURS, required=True, min_value=0.0),
        ctx.field("first_name", "_first", TEXT),
        ctx.field("last_name", "_last", TEXT),
        ctx.field("project", "project", TEXT),
        ctx.field("task", "activity", TEXT),
        ctx.field("notes", "comment", TEXT),
        ctx.field("external", "_external", TEXT),
    )
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": "harvest"},
        derived={
            "person": "nullif(trim(concat_ws(' ', {_first}, {_last})), '')",
            "ticket_key": "coalesce(tma_ticket_ref({comment}), tma_ticket_ref({_external}))",
        },
        order="mdy",
    )
    return Build("harvest", "Harvest — rapport détaillé des temps (en)", [plan])


CLOCKIFY_FIELDS = {
    "project": {"en": ("Project",)},
    "client": {"en": ("Client",)},
    "description": {"en": ("Description",)},
    "task": {"en": ("Task",)},
    "user": {"en": ("User",)},
    "group": {"en": ("Group",)},
    "email": {"en": ("Email",)},
    "tags": {"en": ("Tags",)},
    "billable": {"en": ("Billable",)},
    "start_date": {"en": ("Start Date",)},
    "start_time": {"en": ("Start Time",)},
    "end_date": {"en": ("End Date",)},
    "end_time": {"en": ("End Time",)},
    "duration_h": {"en": ("Duration (h)",)},
    "duration_decimal": {"en": ("Duration (decimal)",)},
    "created": {"en": ("Date of creation",)},
}
CLOCKIFY_SIGNATURES = (
    Signature("clockify", "detailed", required=("start_date", "start_time", "duration_h")),
    Signature("clockify", "detailed", required=("start_date", "duration_decimal")),
)


def build_clockify(ctx: Context) -> Build:
    """Return the plan of a Clockify detailed report."""
    day, clock = ctx.match.first("start_date"), ctx.match.first("start_time")
    start = None
    if day is not None and clock is not None:
        start = ctx.field("start_time", "started_at", TS, wrap=f"tma_text(c{day} || ' ' || {{c}})")
    hours = ctx.field("duration_decimal", "hours", HOURS, required=True, min_value=0.0)
    if hours is None:
        hours = ctx.field("duration_h", "hours", HOURS, required=True, min_value=0.0)
    fields = present(
        ctx.field("start_date", "date", DATE, required=True),
        start,
        hours,
        ctx.field("user", "person", TEXT),
        ctx.field("project", "project", TEXT),
        ctx.field("task", "activity", TEXT),
        ctx.field("description", "comment", TEXT),
    )
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": "clockify"},
        derived={
            "ticket_key": "coalesce(tma_ticket_ref({comment}), tma_ticket_ref({activity}))",
        },
    )
    return Build("clockify", "Clockify — rapport détaillé (en)", [plan])


KIMAI = Adapter("kimai", KIMAI_FIELDS, KIMAI_SIGNATURES, build_kimai)
HARVEST = Adapter("harvest", HARVEST_FIELDS, HARVEST_SIGNATURES, build_harvest)
CLOCKIFY = Adapter("clockify", CLOCKIFY_FIELDS, CLOCKIFY_SIGNATURES, build_clockify)
