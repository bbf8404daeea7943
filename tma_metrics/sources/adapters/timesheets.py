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
from tma_metrics.sources.adapters.canonical import TOTAL_NOTE, total_row_skip
from tma_metrics.sources.plan import DATE, HOURS, TEXT, TS, TablePlan


def start_wrap(day: int) -> str:
    """Return the ``wrap`` SQL of a start time column ``{c}`` completed by day column ``day``.

    A time (``09:31``, ``9:31 AM``) gets the day written before it; a cell already
    holding a date and a time (a spreadsheet's typed start, ``2026-11-20 09:31:00``)
    stands alone. A day typed in a spreadsheet (``2026-11-20 00:00:00``) loses its
    midnight before the time is added.
    """
    date_part = rf"regexp_replace(c{int(day)}, '[ T]0?0:00(:00(\.0+)?)?\s*$', '')"
    return (
        r"CASE WHEN regexp_matches({c}, '^\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d') "
        f"THEN tma_text({{c}}) ELSE tma_text({date_part} || ' ' || {{c}}) END"
    )


def _has_am_pm(ctx: Context, logical: str) -> bool:
    """Return True when the sampled cells of ``logical`` hold 12-hour times (AM/PM)."""
    i = ctx.match.first(logical)
    if i is None:
        return False
    found = ctx.probe(
        rf"count(*) FILTER (WHERE regexp_matches(c{int(i)}, '\d\s*[AaPp]\.?[Mm]\.?\s*$'))"
    )
    return bool(found[0])


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
        start = ctx.field("from", "started_at", TS, wrap=start_wrap(day))
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
        skip=total_row_skip(("date_raw", "_name", "_user", "project", "activity", "comment")),
        skip_note=TOTAL_NOTE,
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
        skip=total_row_skip(("date_raw", "_first", "project", "activity", "comment")),
        skip_note=TOTAL_NOTE,
        # Harvest writes ISO dates; other dates come from a re-saved file: month first
        # (the US default) unless the file went through a French spreadsheet (";").
        order="dmy" if ctx.source.delimiter == ";" else "mdy",
    )
    return Build("harvest", "Harvest — rapport détaillé des temps (en)", [plan])


# French captions: Clockify writes the export in the exporting user's language; the
# French names are the app's wording, not seen in a real export [unverified].
CLOCKIFY_FIELDS = {
    "project": {"en": ("Project",), "fr": ("Projet",)},
    "client": {"any": ("Client",)},
    "description": {"any": ("Description",)},
    "task": {"en": ("Task",), "fr": ("Tâche",)},
    "user": {"en": ("User",), "fr": ("Utilisateur",)},
    "group": {"en": ("Group",), "fr": ("Groupe",)},
    "email": {"en": ("Email",), "fr": ("E-mail", "Courriel")},
    "tags": {"en": ("Tags",), "fr": ("Étiquettes", "Balises")},
    "billable": {"en": ("Billable",), "fr": ("Facturable",)},
    "start_date": {"en": ("Start Date",), "fr": ("Date de début",)},
    "start_time": {"en": ("Start Time",), "fr": ("Heure de début",)},
    "end_date": {"en": ("End Date",), "fr": ("Date de fin",)},
    "end_time": {"en": ("End Time",), "fr": ("Heure de fin",)},
    "duration_h": {"en": ("Duration (h)",), "fr": ("Durée (h)",)},
    "duration_decimal": {
        "en": ("Duration (decimal)",),
        "fr": ("Durée (décimal)", "Durée (décimale)", "Durée (décimales)"),
    },
    "created": {"en": ("Date of creation",), "fr": ("Date de création",)},
    # The Summary report: totals per project/user, no entry dates.
    "time_h": {"en": ("Time (h)",), "fr": ("Temps (h)",)},
    "time_decimal": {"en": ("Time (decimal)",), "fr": ("Temps (décimal)", "Temps (décimale)")},
}
CLOCKIFY_SIGNATURES = (
    Signature("clockify", "detailed", required=("start_date", "start_time", "duration_h")),
    Signature("clockify", "detailed", required=("start_date", "duration_decimal")),
    Signature(
        "clockify",
        "summary",
        required=("time_h", "time_decimal"),
        refuse=(
            "Rapport récapitulatif Clockify : attendu le rapport détaillé (une ligne par "
            "saisie, colonnes « Start Date », « Duration (h) »…), trouvé des totaux par "
            "projet ou par personne (colonnes « Time (h) », « Time (decimal) ») ; exportez "
            "Reports → Detailed au format CSV ou Excel."
        ),
    ),
)


def build_clockify(ctx: Context) -> Build:
    """Return the plan of a Clockify detailed report."""
    day, clock = ctx.match.first("start_date"), ctx.match.first("start_time")
    start = None
    if day is not None and clock is not None:
        start = ctx.field("start_time", "started_at", TS, wrap=start_wrap(day))
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
        skip=total_row_skip(("date_raw", "person", "project", "activity", "comment")),
        skip_note=TOTAL_NOTE,
        # Dates follow the exporting user's settings: 12-hour times go with the US
        # month-first dates; otherwise day-first (settles 01/12/2026 only when every
        # date of the sample is ambiguous).
        order="mdy" if _has_am_pm(ctx, "start_time") else "dmy",
    )
    lang = lang_label(ctx.lang)
    return Build("clockify", f"Clockify — rapport détaillé ({lang})", [plan])


KIMAI = Adapter("kimai", KIMAI_FIELDS, KIMAI_SIGNATURES, build_kimai)
HARVEST = Adapter("harvest", HARVEST_FIELDS, HARVEST_SIGNATURES, build_harvest)
CLOCKIFY = Adapter("clockify", CLOCKIFY_FIELDS, CLOCKIFY_SIGNATURES, build_clockify)
