"""GitLab issue exports ("Export as CSV" of an issue list).

``Created/Closed At (UTC)`` are converted to the contract's time zone; ``Time
Estimate`` and ``Time Spent`` are seconds, and an estimate of 0 means "no estimate".
``Issue ID`` is the project-scoped iid, so the key is the project path plus the iid
(``group/project#12``, GitLab's own full reference) and two projects never collide.
GitLab only dates the closing. Cells a formula could start with are prefixed with
``'``: the prefix is removed.
"""

from __future__ import annotations

from tma_metrics.sources.adapters.base import (
    Adapter,
    Build,
    Context,
    Signature,
    hours_validated,
    present,
)
from tma_metrics.sources.plan import HOURS, KEY, TEXT, TS, TablePlan

FIELDS = {
    "title": {"en": ("Title",)},
    "description": {"en": ("Description",)},
    "iid": {"en": ("Issue ID",)},
    "url": {"en": ("URL",)},
    "state": {"en": ("State",)},
    "author": {"en": ("Author", "Author Username")},
    "assignee": {"en": ("Assignee",)},
    "assignee_username": {"en": ("Assignee Username",)},
    "flags": {"en": ("Confidential", "Locked")},
    "due": {"en": ("Due Date",)},
    "created": {"en": ("Created At (UTC)",)},
    "updated": {"en": ("Updated At (UTC)",)},
    "closed": {"en": ("Closed At (UTC)",)},
    "milestone": {"en": ("Milestone",)},
    "weight": {"en": ("Weight",)},
    "labels": {"en": ("Labels",)},
    "estimate": {"en": ("Time Estimate",)},
    "spent": {"en": ("Time Spent",)},
    "epic": {"en": ("Epic ID", "Epic Title")},
}

SIGNATURES = (Signature("gitlab", "issues", required=("iid", "url", "created")),)

_TEXT = "tma_text(regexp_replace({c}, '^''([=+@;-])', '\\1'))"
_SECONDS = 1 / 3600
#: group/project from https://host/group/project/-/issues/12 (or the older /issues/12).
_PATH = "nullif(regexp_extract(tma_text({c}), '^https?://[^/]+/(.+?)(/-)?/issues/\\d+', 1), '')"


def build(ctx: Context) -> Build:
    """Return the plan of a GitLab issue export."""
    fields = present(
        ctx.field(
            "iid",
            "_iid",
            KEY,
            required=True,
            parse_sql="tma_digits({r})",
            expected="un numéro de ticket GitLab (ex. 12)",
        ),
        ctx.field(
            "url",
            "_path",
            TEXT,
            wrap=_PATH,
        ),
        ctx.field("title", "title", TEXT, wrap=_TEXT),
        ctx.field("state", "status", TEXT),
        ctx.field("assignee", "assignee", TEXT, wrap=_TEXT),
        ctx.field("created", "created_at", TS, utc=True),
        ctx.field("closed", "closed_at", TS, utc=True),
        ctx.field("estimate", "estimate_hours", HOURS, unit_hours=_SECONDS, min_value=0.0),
        ctx.field("spent", "spent_hours", HOURS, unit_hours=_SECONDS, min_value=0.0),
    )
    extra = tuple(
        (ctx.header[i], _TEXT.replace("{c}", f"c{i}"))
        for f in ("labels", "milestone", "weight", "due", "url")
        for i in ctx.match.all(f)
    )
    plan = TablePlan(
        "tickets",
        fields,
        constants={"source": "gitlab"},
        derived={
            "key": "CASE WHEN {_path} IS NOT NULL THEN {_path} || '#' || {_iid} ELSE {_iid} END",
            "project": "{_path}",
            "estimate_hours": "nullif({estimate_hours}, 0)",
            "estimate_status": hours_validated("nullif({estimate_hours}, 0)"),
        },
        extra=extra,
    )
    return Build("gitlab", "GitLab — export des tickets (en)", [plan])


ADAPTER = Adapter("gitlab", FIELDS, SIGNATURES, build)
