"""Zendesk Support ticket exports (legacy CSV, or Explore with the same metric names).

``Solved at`` is the resolution. Zendesk gives no first-reply *date*, only
``First reply time in minutes`` (calendar minutes since creation): the first reply is
dated ``created_at + that many minutes``. That is Zendesk's own measurement moved onto
the time line, not an invented timestamp. The business-hours variant cannot be turned
into a date without Zendesk's schedule: it stays in ``extra``. All ``... in minutes``
metrics and custom fields (``Name [list]``, ``-`` when empty) are kept in ``extra``.
"""

from __future__ import annotations

import re

from tma_metrics.sources.adapters.base import Adapter, Build, Context, Signature, present
from tma_metrics.sources.headers import norm
from tma_metrics.sources.plan import HOURS, KEY, TEXT, TS, TablePlan

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
    "submitter": {"en": ("Submitter",)},
    "assignee": {"en": ("Assignee",)},
    "group": {"en": ("Group",)},
    "subject": {"en": ("Subject",)},
    "tags": {"en": ("Tags",)},
    "status": {"en": ("Status",)},
    "priority": {"en": ("Priority",)},
    "via": {"en": ("Via",)},
    "ticket_type": {"en": ("Ticket type",)},
    "created": {"en": ("Created at",)},
    "updated": {"en": ("Updated at",)},
    "assigned": {"en": ("Assigned at", "Initially assigned at")},
    "organization": {"en": ("Organization",)},
    "due": {"en": ("Due date",)},
    "solved": {"en": ("Solved at",)},
    "resolution_time": {"en": ("Resolution time",)},
    "satisfaction": {"en": ("Satisfaction Score",)},
    "stations": {"en": ("Group stations", "Assignee stations")},
    "reopens": {"en": ("Reopens",)},
    "replies": {"en": ("Replies",)},
    "first_reply": {"en": ("First reply time in minutes",)},
    "first_reply_bh": {"en": ("First reply time in minutes within business hours",)},
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
        ),
    },
}

SIGNATURES = (
    Signature("zendesk", "tickets", required=("id", "created", "solved")),
    Signature("zendesk", "tickets", required=("id", "created", "first_reply")),
    Signature("zendesk", "tickets", required=("id", "created", "minutes")),
)

_KEPT = (
    "via",
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
        ctx.field("created", "created_at", TS),
        ctx.field("solved", "resolved_at", TS),
        ctx.field("first_reply", "_reply_minutes", HOURS, unit_hours=1 / 60, min_value=0.0),
    )
    derived = {"project": "coalesce({_organization}, {_group})"}
    notes = []
    if ctx.match.has("first_reply"):
        derived["responded_at"] = "tma_after({created_at}, {_reply_minutes})"
        notes.append(
            "Date de première réponse calculée : création + « First reply time in "
            "minutes » (minutes calendaires mesurées par Zendesk)."
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
    return Build("zendesk", "Zendesk Support — export des tickets (en)", [plan], notes=notes)


ADAPTER = Adapter("zendesk", FIELDS, SIGNATURES, build)
