"""GitLab issue exports ("Export as CSV" of an issue list).

``Created/Closed At (UTC)`` are converted to the contract's time zone; ``Time
Estimate`` and ``Time Spent`` are seconds, and an estimate of 0 means "no estimate".
``Issue ID`` is the project-scoped iid (before GitLab 18.4, whose work-item export adds
an ``IID`` column and may write the global id in ``ID``/``Issue ID``): the iid is read from
``IID``, else from the URL (``.../-/issues/12`` or ``.../-/work_items/12``), else from
``Issue ID``. The key is the project path plus the iid (``group/project#12``, GitLab's
own full reference) and two projects never collide.
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
from tma_metrics.sources.plan import HOURS, KEY, TEXT, TS, Field, TablePlan, col

__all__ = ["ADAPTER", "FIELDS", "SIGNATURES", "build"]

FIELDS = {
    "title": {"en": ("Title",)},
    "description": {"en": ("Description",)},
    "issue_id": {"en": ("Issue ID",)},
    "iid": {"en": ("IID",)},
    "url": {"en": ("URL",)},
    "type": {"en": ("Type",)},
    "state": {"en": ("State",)},
    "author": {"en": ("Author", "Author Username")},
    "assignee": {"en": ("Assignee",)},
    "assignee_username": {"en": ("Assignee Username",)},
    "flags": {"en": ("Confidential", "Locked")},
    "start": {"en": ("Start Date",)},
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
    "parent": {"en": ("Parent IID", "Parent ID", "Parent Title")},
}

SIGNATURES = (
    Signature("gitlab", "issues", required=("issue_id", "url", "created")),
    Signature("gitlab", "issues", required=("iid", "url", "created")),
    Signature("gitlab", "issues", required=("iid", "url", "state")),
)

_TEXT = "tma_text(regexp_replace({c}, '^''([=+@;-])', '\\1'))"
_SECONDS = 1 / 3600
#: group/project from https://host/group/project/-/issues/12 (or the older /issues/12,
#: or /-/work_items/12 since GitLab 18), and the iid at its end.
_URL = "^https?://[^/]+/(.+?)(/-)?/(issues|work_items)/(\\d+)"
_PATH = f"nullif(regexp_extract(tma_text({{c}}), '{_URL}', 1), '')"
_URL_IID = f"nullif(regexp_extract(tma_text({{c}}), '{_URL}', 4), '')"


def _iid(ctx: Context) -> Field | None:
    """Return the project-scoped iid: ``IID``, else the URL's number, else ``Issue ID``."""
    readers = {
        "iid": col,
        "url": lambda i: _URL_IID.replace("{c}", f"c{int(i)}"),
        "issue_id": col,
    }
    found = [(f, read(i)) for f, read in readers.items() if (i := ctx.match.first(f)) is not None]
    if not found:
        return None
    parts = [sql for _, sql in found]
    named = [f for f, _ in found if f != "url"] or ["url"]
    return Field(
        "_iid",
        KEY,
        parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})",
        header=ctx.name(named[0]),
        required=True,
        parse_sql="tma_digits({r})",
        expected="un numéro de ticket GitLab (ex. 12)",
    )


def build(ctx: Context) -> Build:
    """Return the plan of a GitLab issue export."""
    fields = present(
        _iid(ctx),
        ctx.field("url", "_path", TEXT, wrap=_PATH),
        ctx.field("title", "title", TEXT, wrap=_TEXT),
        ctx.field("type", "tracker", TEXT, wrap=_TEXT),
        ctx.field("state", "status", TEXT),
        ctx.field("assignee", "assignee", TEXT, wrap=_TEXT),
        ctx.field("created", "created_at", TS, utc=True),
        ctx.field("closed", "closed_at", TS, utc=True),
        ctx.field("updated", "updated_at", TS, utc=True),
        ctx.field("estimate", "estimate_hours", HOURS, unit_hours=_SECONDS, min_value=0.0),
        ctx.field("spent", "spent_hours", HOURS, unit_hours=_SECONDS, min_value=0.0),
    )
    extra = tuple(
        (ctx.header[i], _TEXT.replace("{c}", f"c{i}"))
        for f in ("labels", "milestone", "weight", "start", "due", "epic", "parent", "url")
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
        }
        # GitLab has no resolved state: closing an issue is its resolution (an event).
        | ({"resolved_at": "{closed_at}"} if ctx.match.has("closed") else {}),
        extra=extra,
    )
    return Build("gitlab", "GitLab — export des tickets (en)", [plan])


ADAPTER = Adapter("gitlab", FIELDS, SIGNATURES, build)
