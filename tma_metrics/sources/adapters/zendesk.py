"""Zendesk Support ticket exports: the legacy CSV export, and Explore ticket reports.

``Solved at`` is the resolution. Zendesk gives no first-reply *date*, only
``First reply time in minutes`` (calendar minutes since creation): the first reply is
dated ``created_at + that many minutes``. That is Zendesk's own measurement moved onto
the time line, not an invented timestamp. The business-hours variant cannot be turned
into a date without Zendesk's schedule: it stays in ``extra``. All ``... in minutes``
metrics and custom fields (``Name [list]``, ``-`` when empty) are kept in ``extra``.

Explore reports name the same values after their attributes and metrics (``Ticket ID``,
``Ticket created - Timestamp``, ``First reply time (min)``...); a report keeping only the
day (``Ticket created - Date``) is read too. A Zendesk export without its creation date
is refused with the reason: every delay starts there.
"""

from __future__ import annotations

import re

from tma_metrics.sources.adapters.base import Adapter, Build, Context, Signature, present
from tma_metrics.sources.headers import norm
from tma_metrics.sources.plan import HOURS, KEY, TEXT, TS, TablePlan

__all__ = ["ADAPTER", "FIELDS", "SIGNATURES", "build"]

FIELDS = {
    "id": {"en": ("Id", "ID", "Ticket ID")},
    "summation": {"en": ("Summation column",)},
    "requester": {
        "en": (
            "Requester",
            "Requester id",
            "Requester external id",
            "Requester email",
            "Requester domain",
        ),
    },
    "requester_name": {"en": ("Requester name",)},
    "submitter": {"en": ("Submitter", "Submitter name")},
    "assignee": {"en": ("Assignee", "Assignee name")},
    "group": {"en": ("Group", "Ticket group")},
    "subject": {"en": ("Subject", "Ticket subject")},
    "tags": {"en": ("Tags", "Ticket tags")},
    "status": {"en": ("Status", "Ticket status")},
    "priority": {"en": ("Priority", "Ticket priority")},
    "via": {"en": ("Via", "Ticket channel")},
    "ticket_type": {"en": ("Ticket type",)},
    "created": {"en": ("Created at", "Ticket created - Timestamp")},
    "created_day": {"en": ("Ticket created - Date",)},
    "updated": {"en": ("Updated at", "Ticket updated - Timestamp")},
    "assigned": {"en": ("Assigned at", "Initially assigned at", "Ticket assigned - Timestamp")},
    "organization": {"en": ("Organization", "Ticket organization name")},
    "due": {"en": ("Due date", "Ticket due - Date")},
    "solved": {"en": ("Solved at", "Ticket solved - Timestamp")},
    "solved_day": {"en": ("Ticket solved - Date",)},
    "resolution_time": {"en": ("Resolution time",)},
    "satisfaction": {"en": ("Satisfaction Score",)},
    "stations": {"en": ("Group stations", "Assignee stations")},
    "reopens": {"en": ("Reopens",)},
    "replies": {"en": ("Replies",)},
    "first_reply": {"en": ("First reply time in minutes", "First reply time (min)")},
    "first_reply_hours": {"en": ("First reply time (hrs)",)},
    "first_reply_bh": {
        "en": (
            "First reply time in minutes within business hours",
            "First reply time - Business hours (min)",
            "First reply time - Business hours (hrs)",
        ),
    },
    "minutes": {
        "en": (
            "First resolution time in minutes",
            "First resolution time in minutes within business hours",
            "Full resolution time in minutes",
            "Full resolution time in minutes within business hours",
            "Agent wait time in minutes",
            "Agent wait time in minutes within business hours",
            "Requester wait time in minutes",
            "Requester wait time in minutes within business hours",
            "On hold time in minutes",
            "On hold time in minutes within business hours",
            # Explore metrics (calendar and business hours, minutes or hours).
            *(
                f"{metric}{hours} ({unit})"
                for metric in (
                    "First resolution time",
                    "Full resolution time",
                    "Agent wait time",
                    "Requester wait time",
                    "On-hold time",
                )
                for hours in ("", " - Business hours")
                for unit in ("min", "hrs", "days")
            ),
        ),
    },
}

_NO_CREATED = (
    "Export Zendesk sans date de création : attendu la colonne « Created at » (export CSV "
    "du compte) ou « Ticket created - Timestamp » (rapport Explore), d'où partent tous "
    "les délais ; trouvé un export de tickets Zendesk sans cette colonne. Ajoutez-la au "
    "rapport, puis exportez de nouveau."
)

SIGNATURES = (
    Signature("zendesk", "tickets", required=("id", "created", "solved")),
    Signature("zendesk", "tickets", required=("id", "created", "first_reply")),
    Signature("zendesk", "tickets", required=("id", "created", "minutes")),
    Signature("zendesk", "tickets", required=("id", "created_day", "solved_day")),
    Signature("zendesk", "tickets", required=("id", "created_day", "first_reply")),
    Signature("zendesk", "tickets", required=("id", "created_day", "minutes")),
    # Zendesk's own metric columns without any creation date: refused with the reason.
    Signature("zendesk", "tickets", required=("id", "first_reply"), refuse=_NO_CREATED),
    Signature("zendesk", "tickets", required=("id", "minutes"), refuse=_NO_CREATED),
    Signature("zendesk", "tickets", required=("id", "summation"), refuse=_NO_CREATED),
)

_KEPT = (
    "via",
    "first_reply_hours",
    "satisfaction",
    "reopens",
    "replies",
    "resolution_time",
    "first_reply",
    "first_reply_bh",
    "minutes",
    "group",
    "tags",
)
_CUSTOM = re.compile(r"\[[a-z ]+\]$")


def build(ctx: Context) -> Build:
    """Return the plan of a Zendesk ticket export."""
    # Explore reports may keep only the day; the timestamp wins when both are there.
    created = "created" if ctx.match.has("created") else "created_day"
    solved = "solved" if ctx.match.has("solved") else "solved_day"
    fields = present(
        ctx.field(
            "id",
            "key",
            KEY,
            required=True,
            parse_sql="tma_digits({r})",
            expected="un numéro de ticket Zendesk (ex. 297732)",
        ),
        ctx.field("subject", "title", TEXT),
        ctx.field("status", "status", TEXT),
        ctx.field("priority", "priority", TEXT),
        ctx.field("ticket_type", "tracker", TEXT, wrap="tma_text_or({c}, '-')"),
        ctx.field("assignee", "assignee", TEXT),
        ctx.field("organization", "_organization", TEXT),
        ctx.field("group", "_group", TEXT),
        ctx.field(created, "created_at", TS),
        ctx.field(solved, "resolved_at", TS),
        ctx.field("updated", "updated_at", TS),
        ctx.field("first_reply", "_reply_minutes", HOURS, unit_hours=1 / 60, min_value=0.0),
        ctx.field("first_reply_hours", "_reply_hours", HOURS, min_value=0.0),
    )
    derived = {"project": "coalesce({_organization}, {_group})"}
    notes = []
    reply = next((f for f in ("first_reply", "first_reply_hours") if ctx.match.has(f)), None)
    if reply is not None:
        delay = "{_reply_minutes}" if reply == "first_reply" else "{_reply_hours}"
        derived["responded_at"] = f"tma_after({{created_at}}, {delay})"
        notes.append(
            f"Date de première réponse calculée : création + « {ctx.name(reply)} » "
            "(délai calendaire mesuré par Zendesk)."
        )
    elif ctx.match.has("first_reply_bh"):
        notes.append(
            "Seul « First reply time in minutes within business hours » est présent : ce "
            "délai en heures ouvrées Zendesk ne donne pas de date ; ajoutez « First reply "
            "time in minutes » à l'export pour mesurer la prise en charge."
        )
    kept = [i for f in _KEPT for i in ctx.match.all(f)]
    kept += [i for i, h in enumerate(ctx.header) if _CUSTOM.search(norm(h)) and i not in kept]
    extra = tuple((ctx.header[i], f"tma_text_or(c{i}, '-')") for i in sorted(set(kept)))
    plan = TablePlan(
        "tickets",
        fields,
        constants={"source": "zendesk"},
        derived=derived,
        extra=extra,
    )
    explore = norm(ctx.name("id")) == "ticket id" and not ctx.match.has("summation")
    variant = "rapport Explore" if explore else "export des tickets"
    return Build("zendesk", f"Zendesk Support — {variant} (en)", [plan], notes=notes)


ADAPTER = Adapter("zendesk", FIELDS, SIGNATURES, build)
