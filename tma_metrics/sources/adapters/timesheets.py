"""Timesheet tools: Kimai (en/fr), Harvest detailed time, Clockify and Toggl Track reports.

None of them has a ticket column: the ticket of an entry is the first ``ABC-123`` or
``#123`` reference found in its description (or task, or external link), with no
ticket source (it may match any tool), else none (an entry without ticket).
"""

from __future__ import annotations

from tma_metrics.domain.model import ImportFormatError
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

__all__ = [
    "CLOCKIFY",
    "CLOCKIFY_FIELDS",
    "CLOCKIFY_SIGNATURES",
    "HARVEST",
    "HARVEST_FIELDS",
    "HARVEST_SIGNATURES",
    "KIMAI",
    "KIMAI_FIELDS",
    "KIMAI_SIGNATURES",
    "build_clockify",
    "build_harvest",
    "build_kimai",
    "start_wrap",
]


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


#: A clock time as Kimai writes ``From``/``To`` (``09:31``, ``9:31 AM``), or a typed start.
_CLOCK = r"^\s*(\d{4}-\d{1,2}-\d{1,2}[ T])?\d{1,2}[:h.]\d{2}(:\d{2})?\s*([AaPp]\.?[Mm]\.?)?\s*$"
#: Kimai columns besides the four times: without any, From/To must prove the file.
_KIMAI_CONTEXT = ("customer", "project", "activity", "description", "user", "name")


def _check_kimai_times(ctx: Context) -> None:
    """Refuse a ``Date, From, To, Duration`` header whose From/To hold no clock times.

    Kimai writes start and end times there; a travel log (``From`` = a city) has the
    same four names and must not become timesheet entries.
    """
    if any(ctx.match.has(f) for f in _KIMAI_CONTEXT):
        return
    i = ctx.match.first("from")
    if i is None:
        return
    filled, clock, example = ctx.probe(
        f"count(tma_text(c{int(i)})), "
        f"count(*) FILTER (WHERE regexp_matches(c{int(i)}, '{_CLOCK}')), "
        f"min(tma_text(c{int(i)}))"
    )
    if filled and clock * 2 < filled:
        raise ImportFormatError(
            f"Colonnes « {ctx.name('from')} » / « {ctx.name('to')} » sans heures : attendu "
            "un export Kimai (heures de début et de fin comme 09:30, avec Client, Projet ou "
            f"Activité), trouvé des valeurs comme « {str(example)[:60]} ». Si ce fichier "
            "contient bien des temps passés, importez-le avec une correspondance de colonnes."
        )


def _kimai_duration_unit(ctx: Context) -> tuple[float, list[str]]:
    """Return hours per bare number of ``Duration`` and the note saying so.

    Kimai writes ``h:mm`` or decimal hours; its import format (and tools writing "for
    Kimai") puts seconds there (``7260`` for 2 h 01). Whole numbers over 24 in every
    filled cell cannot be the hours of one entry: the column counts seconds.
    """
    i = ctx.match.first("duration")
    if i is None:
        return 1.0, []
    c = f"c{int(i)}"
    filled, whole, big = ctx.probe(
        f"count(tma_text({c})), "
        rf"count(*) FILTER (WHERE regexp_full_match(trim({c}), '\d+')), "
        rf"count(*) FILTER (WHERE regexp_full_match(trim({c}), '\d+') "
        f"AND TRY_CAST(trim({c}) AS BIGINT) > 24)"
    )
    if filled and whole == filled and big:
        return 1 / 3600, [
            f"Colonne « {ctx.name('duration')} » lue en secondes (nombres entiers au-delà "
            "de 24, comme dans le format d'import de Kimai) : 7260 = 2,02 h."
        ]
    return 1.0, []


def build_kimai(ctx: Context) -> Build:
    """Return the plan of a Kimai timesheet export."""
    _check_kimai_times(ctx)
    unit, notes = _kimai_duration_unit(ctx)
    start = None
    day, begin = ctx.match.first("date"), ctx.match.first("from")
    if day is not None and begin is not None:
        start = ctx.field("from", "started_at", TS, wrap=start_wrap(day))
    fields = present(
        ctx.field("date", "date", DATE, required=True),
        start,
        ctx.field("duration", "hours", HOURS, required=True, min_value=0.0, unit_hours=unit),
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
    lang = lang_label(ctx.lang)
    return Build("kimai", f"Kimai — export des temps ({lang})", [plan], notes=notes)


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
# Toggl Track's detailed report shares most names (``Start date``, ``Start time``...)
# with one plain ``Duration`` (``01:30:00``); newer Toggl reports say ``Member`` and
# ``Stop date`` / ``Stop time``. Both tools are read by this adapter.
CLOCKIFY_FIELDS = {
    "project": {"en": ("Project",), "fr": ("Projet",)},
    "client": {"any": ("Client",)},
    "description": {"any": ("Description",)},
    "task": {"en": ("Task",), "fr": ("Tâche",)},
    "user": {"en": ("User", "Member"), "fr": ("Utilisateur", "Membre")},
    "group": {"en": ("Group",), "fr": ("Groupe",)},
    "email": {"en": ("Email",), "fr": ("E-mail", "Courriel")},
    "tags": {"en": ("Tags",), "fr": ("Étiquettes", "Balises")},
    "billable": {"en": ("Billable",), "fr": ("Facturable",)},
    "start_date": {"en": ("Start Date",), "fr": ("Date de début",)},
    "start_time": {"en": ("Start Time",), "fr": ("Heure de début",)},
    "end_date": {"en": ("End Date", "Stop date"), "fr": ("Date de fin",)},
    "end_time": {"en": ("End Time", "Stop time"), "fr": ("Heure de fin",)},
    "duration_h": {"en": ("Duration (h)",), "fr": ("Durée (h)",)},
    "duration_decimal": {
        "en": ("Duration (decimal)",),
        "fr": ("Durée (décimal)", "Durée (décimale)", "Durée (décimales)"),
    },
    "created": {"en": ("Date of creation",), "fr": ("Date de création",)},
    # Toggl Track: one duration column, h:mm:ss or decimal hours.
    "duration": {"en": ("Duration",), "fr": ("Durée",)},
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
    # Toggl Track's detailed report: the start, one duration, and who or what it was.
    *(
        Signature(
            "toggl", "toggl", required=("start_date", "start_time", "duration", who), choice="toggl"
        )
        for who in ("user", "project", "description")
    ),
)


def build_clockify(ctx: Context) -> Build:
    """Return the plan of a Clockify detailed report (or of Toggl Track's)."""
    toggl = ctx.variant == "toggl"
    day, clock = ctx.match.first("start_date"), ctx.match.first("start_time")
    start = None
    if day is not None and clock is not None:
        start = ctx.field("start_time", "started_at", TS, wrap=start_wrap(day))
    durations = ("duration",) if toggl else ("duration_decimal", "duration_h")
    hours = None
    for logical in durations:
        hours = hours or ctx.field(logical, "hours", HOURS, required=True, min_value=0.0)
    fields = present(
        ctx.field("start_date", "date", DATE, required=True),
        start,
        hours,
        ctx.field("user", "_user" if toggl else "person", TEXT),
        ctx.field("project", "project", TEXT),
        ctx.field("task", "activity", TEXT),
        ctx.field("description", "comment", TEXT),
    )
    person = {}
    if toggl:
        # Toggl writes the member's e-mail address as the name when they set none, and a
        # report may keep the e-mail column only.
        fields += present(ctx.field("email", "_email", TEXT))
        person = {"person": "coalesce({_user}, {_email})"}
    tool = "toggl" if toggl else "clockify"
    plan = TablePlan(
        "time_entries",
        fields,
        constants={"source": tool},
        derived={
            "ticket_key": "coalesce(tma_ticket_ref({comment}), tma_ticket_ref({activity}))",
            **person,
        },
        skip=total_row_skip(
            ("date_raw", "_user" if toggl else "person", "project", "activity", "comment")
        ),
        skip_note=TOTAL_NOTE,
        # Dates follow the exporting user's settings: 12-hour times go with the US
        # month-first dates; otherwise day-first (settles 01/12/2026 only when every
        # date of the sample is ambiguous).
        order="mdy" if _has_am_pm(ctx, "start_time") else "dmy",
    )
    lang = lang_label(ctx.lang)
    if toggl:
        return Build("toggl", f"Toggl Track — rapport détaillé ({lang})", [plan])
    return Build("clockify", f"Clockify — rapport détaillé ({lang})", [plan])


KIMAI = Adapter("kimai", KIMAI_FIELDS, KIMAI_SIGNATURES, build_kimai)
HARVEST = Adapter("harvest", HARVEST_FIELDS, HARVEST_SIGNATURES, build_harvest)
CLOCKIFY = Adapter("clockify", CLOCKIFY_FIELDS, CLOCKIFY_SIGNATURES, build_clockify)
