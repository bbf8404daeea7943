"""The canonical format: the project's own CSV/Excel layout (and the Excel template).

Columns are named in English (``key``, ``created_at``...) or with the French labels
of the template (``Clé``, ``Créé le``...). Rules:

- an estimate without a status is validated (a tool without approval flow);
- ``Type`` holds a kind (``corrective``, ``Évolutive``...) or the tool's own type label
  (``Anomalie``), which then goes to ``tracker`` for the contract to map;
- a ``Jours`` column of time entries counts man-days of 8 hours;
- dates are ISO (``2026-11-20 17:30``) or French (``20/11/2026 17:30``).
"""

from __future__ import annotations

from collections.abc import Mapping

from tma_metrics.domain.model import Kind
from tma_metrics.french.labels import KIND_LABELS_FR
from tma_metrics.sources.adapters.base import Adapter, Build, Context, Signature
from tma_metrics.sources.adapters.canonical_columns import COLUMNS
from tma_metrics.sources.headers import norm
from tma_metrics.sources.plan import CHOICE, KEY, Field, TablePlan, col

__all__ = [
    "ADAPTER",
    "FIELDS",
    "SIGNATURES",
    "TOTAL_NOTE",
    "build",
    "plan_for",
    "template_columns",
    "template_headers",
    "total_row_skip",
]

FIELDS = {logical: {"any": aliases} for spec in COLUMNS.values() for logical, *_, aliases in spec}

SIGNATURES = (
    Signature("canonical", "tickets", required=("t.key", "t.created_at")),
    Signature("canonical", "tickets", required=("t.key", "t.title")),
    Signature("canonical", "tickets", required=("t.key", "t.status", "t.priority")),
    Signature("canonical", "time_entries", required=("e.date", "e.hours")),
    Signature("canonical", "time_entries", required=("e.date", "e.days")),
    Signature("canonical", "status_history", required=("h.ticket", "h.at", "h.status")),
)

#: Words people write for an estimate's status -> EstimateStatus value.
_STATUS_WORDS = {
    "validated": ("validated", "validée", "validé", "accepted", "acceptée", "oui", "yes", "ok"),
    "refused": ("refused", "refusée", "refusé", "rejected", "rejetée", "non", "no"),
    "pending": ("pending", "en attente", "attente", "à valider", "waiting"),
}
_ESTIMATE_STATUS = {norm(w): status for status, words in _STATUS_WORDS.items() for w in words}
#: A re-estimate is "accepted" (ReestimateStatus) rather than "validated".
_REESTIMATE_STATUS = {
    w: ("accepted" if status == "validated" else status) for w, status in _ESTIMATE_STATUS.items()
}
_KINDS = {norm(k.value): k.value for k in Kind} | {norm(v): k for k, v in KIND_LABELS_FR.items()}
#: A cell opening a total row of a spreadsheet (« Total », « Sous-total : », « TOTAUX »).
_TOTAL = r"(?i)^\s*(sous[- ]?total|grand total|total|totaux)(\s|:|$)"
#: French note of the rows `total_row_skip` leaves out.
TOTAL_NOTE = ("{n} ligne de total ignorée", "{n} lignes de total ignorées")


def total_row_skip(texts: tuple[str, ...], date: str = "date") -> str:
    """Return the plan's ``skip`` SQL for total rows written below the data.

    A row is a total when its ``date`` field did not parse and one of the ``texts``
    fields (``date_raw`` among them) opens with « Total », « Sous-total »..., or when
    every one of them is empty (a row of sums only, as Kimai's spreadsheet ends).
    """
    found = " OR ".join(f"regexp_matches({{{name}}}, '{_TOTAL}')" for name in texts)
    bare = " AND ".join(f"{{{name}}} IS NULL" for name in texts)
    return f"{{{date}}} IS NULL AND ({found} OR ({bare}))"


#: Rows left out of a sheet: totals written below the data (a date or a key cell that
#: says « Total », or a total in another text column of a row without date).
_SKIP = {
    "tickets": (
        "{created_at} IS NULL AND {title} IS NULL AND regexp_matches({key_raw}, '" + _TOTAL + "')"
    ),
    "time_entries": total_row_skip(
        ("date_raw", "person", "ticket_key", "project", "activity", "comment")
    ),
}


def _kind_case(value: str) -> str:
    cases = " ".join(f"WHEN '{label}' THEN '{kind}'" for label, kind in _KINDS.items())
    return f"CASE strip_accents(lower({value})) {cases} END"


def plan_for(
    table: str, positions: Mapping[str, int], header: list[str], order: str = "dmy"
) -> TablePlan:
    """Return the plan of a canonical ``table`` whose logical fields sit at ``positions``."""
    fields = []
    for logical, name, kind, required, _, _ in COLUMNS[table]:
        if logical not in positions:
            continue
        i = positions[logical]
        options: dict[str, object] = {"header": header[i], "required": required}
        if name in ("hours", "_days"):
            options["min_value"] = 0.0
            options["unit_hours"] = 8.0 if name == "_days" else 1.0
            options["required"] = "e.hours" not in positions or name == "hours"
        if name in ("estimate_hours", "reestimate_hours", "spent_hours"):
            options["min_value"] = 0.0
        if kind == CHOICE:
            choices = _ESTIMATE_STATUS if name == "estimate_status" else _REESTIMATE_STATUS
            options["choices"] = choices
            options["expected"] = (
                "validée, refusée ou en attente"
                if name == "estimate_status"
                else "acceptée, refusée ou en attente"
            )
        if kind == KEY:
            options["parse_sql"] = "nullif(ltrim({r}, '#'), '')"
            options["expected"] = "une référence de demande (ex. 123 ou ABC-12)"
        fields.append(Field(name, kind, col(i), **options))  # type: ignore[arg-type]
    derived: dict[str, str] = {}
    if table == "tickets":
        # No status at all means validated; an unreadable one stays unknown (warned).
        derived["estimate_status"] = (
            "CASE WHEN {estimate_status_raw} IS NULL AND {estimate_hours} IS NOT NULL "
            "THEN 'validated' ELSE {estimate_status} END"
        )
        if "t.type" in positions:
            kind = _kind_case("{_type}")
            derived["kind"] = kind
            # A type that is no kind ("Anomalie") is the tool's label: the tracker.
            derived["tracker"] = (
                f"coalesce({{tracker}}, CASE WHEN {kind} IS NULL THEN {{_type}} END)"
            )
    if table == "time_entries":
        derived["hours"] = "coalesce({hours}, {_days})"
        derived["ticket_key"] = (
            "nullif(ltrim({ticket_key}, '#'), '')"
            if "e.ticket" in positions
            # A sheet without a ticket column names it in the text (« Ticket 14494 »,
            # « #123 », « ABC-12 »), as the timesheet tools do.
            else "coalesce(tma_ticket_ref({comment}), tma_ticket_ref({activity}))"
        )
    return TablePlan(
        table,
        tuple(fields),
        constants={"source": "canonical"},
        derived=derived,
        skip=_SKIP.get(table),
        skip_note=TOTAL_NOTE,
        order=order,
    )


def _positions(ctx: Context, table: str) -> dict[str, int]:
    found = {}
    for logical, *_ in COLUMNS[table]:
        i = ctx.match.first(logical)
        if i is not None:
            found[logical] = i
    return found


def build(ctx: Context) -> Build:
    """Return the plan of a file (or sheet) in the canonical format."""
    table = ctx.variant
    plan = plan_for(table, _positions(ctx, table), ctx.header, "dmy")
    label = {"tickets": "demandes", "time_entries": "temps passé", "status_history": "historique"}
    return Build("canonical", f"Format TMA Metrics — {label[table]}", [plan])


def template_headers(table: str) -> list[str]:
    """Return the French headers of the Excel template for ``table``."""
    return [french for logical, _, _, _, french, _ in COLUMNS[table] if logical != "e.days"]


def template_columns(table: str) -> list[str]:
    """Return the column names behind `template_headers`, in the same order."""
    return [name for logical, name, *_ in COLUMNS[table] if logical != "e.days"]


ADAPTER = Adapter("canonical", FIELDS, SIGNATURES, build)
