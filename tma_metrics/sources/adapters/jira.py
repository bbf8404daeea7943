"""Jira issue exports ("all fields" / "current fields"), Cloud and Data Center, en/fr/es/pt.

- Headers are localised (alias tables below); repeated columns (``Log Work``,
  ``Sprint``, ``Comment``) stay addressable by position.
- Time tracking is in seconds (``Original estimate``, ``Time Spent``; the ``Σ``
  variants add sub-tasks and serve only when the plain column is absent).
- Each ``Log Work`` cell (``comment;date;author;seconds``) becomes a time entry whose
  id is derived from the issue key, the cell and its rank among identical cells of
  that issue, so a re-import matches the same entries.
- JSM SLA columns (``... (Time to first response)``) hold the *remaining* time of the
  SLA as ``H:MM``: they are kept as is in ``extra``, never turned into timestamps.
- The key column is found by name, else as the column whose values all look like
  ``ABC-123``.
"""

from __future__ import annotations

import re

from tma_metrics.model import ImportFormatError
from tma_metrics.sources.adapters.base import (
    Adapter,
    Build,
    Context,
    Signature,
    hours_validated,
    lang_label,
    present,
)
from tma_metrics.sources.engine import Materialised
from tma_metrics.sources.headers import norm
from tma_metrics.sources.plan import DATE, HOURS, KEY, TEXT, TS, Field, TablePlan
from tma_metrics.sources.source import Source

FIELDS = {
    "key": {
        "en": ("Issue key", "Work item key", "Key"),
        "fr": ("Clé de ticket", "Clé du ticket", "Clé de l'élément de travail", "Clé"),
        "es": ("Clave de incidencia", "Clave del elemento de trabajo", "Clave"),
        "pt": ("Chave do item", "Chave da item", "Chave da issue", "Chave"),
    },
    "id": {
        "en": ("Issue id", "Work item id"),
        "fr": ("ID de ticket", "ID du ticket"),
        "es": ("ID de la incidencia",),
        "pt": ("ID do item", "ID da issue"),
    },
    "summary": {"en": ("Summary",), "fr": ("Résumé",), "es": ("Resumen",), "pt": ("Resumo",)},
    "issue_type": {
        "en": ("Issue Type", "Work type", "Work item type"),
        "fr": ("Type de ticket", "Type d'élément de travail", "Type de travail"),
        "es": ("Tipo de Incidencia", "Tipo de trabajo"),
        "pt": ("Tipo de item", "Tipo de issue", "Tipo de trabalho"),
    },
    "status": {"en": ("Status",), "fr": ("État", "Statut"), "es": ("Estado",)},
    "project_key": {
        "en": ("Project key",),
        "fr": ("Clé de projet", "Clé du projet"),
        "es": ("Clave del proyecto",),
        "pt": ("Chave do projeto",),
    },
    "project_name": {
        "en": ("Project name",),
        "fr": ("Nom du projet", "Nom de projet"),
        "es": ("Nombre del proyecto",),
        "pt": ("Nome do projeto",),
    },
    "project_type": {
        "en": ("Project type",),
        "fr": ("Type de projet",),
        "es": ("Tipo de proyecto",),
        "pt": ("Tipo de projeto",),
    },
    "project_url": {"en": ("Project url",)},
    "priority": {
        "en": ("Priority",),
        "fr": ("Priorité",),
        "es": ("Prioridad",),
        "pt": ("Prioridade",),
    },
    "resolution": {
        "en": ("Resolution",),
        "fr": ("Résolution",),
        "es": ("Resolución",),
        "pt": ("Resolução",),
    },
    "assignee": {
        "en": ("Assignee",),
        "fr": ("Personne assignée", "Responsable"),
        "es": ("Persona asignada",),
        "pt": ("Responsável",),
    },
    "assignee_id": {
        "en": ("Assignee Id",),
        "fr": ("ID de la personne assignée",),
        "es": ("ID de la persona asignada",),
        "pt": ("ID do responsável",),
    },
    "reporter": {
        "en": ("Reporter",),
        "fr": ("Rapporteur",),
        "es": ("Informador",),
        "pt": ("Relator",),
    },
    "creator": {"en": ("Creator",), "fr": ("Créateur",), "es": ("Creador",), "pt": ("Criador",)},
    "created": {
        "en": ("Created",),
        "fr": ("Création", "Créé", "Créée", "Date de création"),
        "es": ("Creada", "Creado"),
        "pt": ("Criado", "Criada"),
    },
    "updated": {
        "en": ("Updated",),
        "fr": ("Mise à jour", "Mis à jour"),
        "es": ("Actualizada", "Actualizado"),
        "pt": ("Atualizado", "Atualizada"),
    },
    "last_viewed": {"en": ("Last Viewed",), "es": ("Vista por Última Vez",)},
    "resolved": {
        "en": ("Resolved",),
        "fr": ("Résolu", "Résolue", "Date de résolution"),
        "es": ("Resuelta", "Resuelto"),
        "pt": ("Resolvido", "Resolvida"),
    },
    "due": {
        "en": ("Due date",),
        "fr": ("Date d'échéance",),
        "es": ("Fecha de vencimiento",),
        "pt": ("Data limite",),
    },
    "votes": {"en": ("Votes",), "es": ("Votos",), "pt": ("Votos",)},
    "labels": {"en": ("Labels",), "fr": ("Étiquettes",), "es": ("Etiquetas",)},
    "description": {"en": ("Description",), "es": ("Descripción",), "pt": ("Descrição",)},
    "environment": {"en": ("Environment",), "fr": ("Environnement",), "es": ("Entorno",)},
    "watchers": {
        "en": ("Watchers", "Watchers Id"),
        "fr": ("Observateurs",),
        "es": ("Interesados", "ID de los interesados"),
    },
    "original_estimate": {
        "en": ("Original estimate",),
        "fr": ("Estimation originale", "Estimation initiale"),
        "es": ("Estimación original",),
        "pt": ("Estimativa original",),
    },
    "remaining": {
        "en": ("Remaining Estimate",),
        "fr": ("Estimation restante",),
        "es": ("Trabajo restante estimado",),
        "pt": ("Estimativa restante",),
    },
    "time_spent": {
        "en": ("Time Spent",),
        "fr": ("Temps consacré", "Temps passé"),
        "es": ("Tiempo Trabajado", "Tiempo empleado"),
        "pt": ("Tempo gasto",),
    },
    "work_ratio": {"en": ("Work Ratio",), "es": ("Relación de trabajo",)},
    "sum_estimate": {
        "en": ("Σ Original Estimate",),
        "fr": ("Σ Estimation originale", "Σ Estimation initiale"),
        "es": ("Σ Estimación original",),
        "pt": ("Σ Estimativa original",),
    },
    "sum_remaining": {
        "en": ("Σ Remaining Estimate",),
        "fr": ("Σ Estimation restante",),
        "es": ("Σ Trabajo restante estimado",),
    },
    "sum_spent": {
        "en": ("Σ Time Spent",),
        "fr": ("Σ Temps consacré", "Σ Temps passé"),
        "es": ("Σ Tiempo empleado", "Σ Tiempo Trabajado"),
        "pt": ("Σ Tempo gasto",),
    },
    "log_work": {
        "en": ("Log Work",),
        "fr": ("Journal de travail", "Enregistrer le travail"),
        "es": ("Registrar trabajo", "Registro de trabajo"),
        "pt": ("Registrar trabalho",),
    },
    "comment": {
        "en": ("Comment",),
        "fr": ("Commentaire",),
        "es": ("Comentario",),
        "pt": ("Comentário",),
    },
    "attachment": {
        "en": ("Attachment",),
        "fr": ("Pièce jointe",),
        "es": ("Adjunto",),
        "pt": ("Anexo",),
    },
    "sprint": {"any": ("Sprint",)},
    "parent": {"en": ("Parent", "Parent id"), "es": ("Principal",)},
    "parent_key": {"en": ("Parent key",), "fr": ("Clé parent",), "es": ("Clave principal",)},
    "parent_summary": {"any": ("Parent summary",)},
    "status_category": {
        "en": ("Status Category",),
        "fr": ("Catégorie d'état",),
        "es": ("Categoría de estado",),
    },
    "status_category_changed": {
        "en": ("Status Category Changed",),
        "es": ("Categoría de estado cambiada",),
    },
    "security": {"en": ("Security Level",), "es": ("Nivel de Seguridad",)},
    "project_lead": {
        "en": ("Project lead", "Project lead id"),
        "es": ("Responsable del proyecto", "ID del responsable del proyecto"),
    },
    "project_description": {"en": ("Project description",), "es": ("Descripción del proyecto",)},
}

SIGNATURES = (
    Signature("jira", "issues", required=("key", "summary")),
    Signature("jira", "issues", required=("key", "issue_type")),
    # "Current fields" views without the key column: recognised, then refused clearly.
    Signature("jira", "issues", required=("issue_type", "summary", "sum_spent")),
    Signature("jira", "issues", required=("issue_type", "summary", "sum_estimate")),
    Signature("jira", "issues", required=("issue_type", "summary", "time_spent")),
)

KEY_PATTERN = r"[A-Z][A-Z0-9_]+-\d+"
_SLA = re.compile(r"\((time to [^)]*)\)$|^(time to .*)$")
_LOG_WORK_CELL = r"(?s)^(.*);([^;]*);([^;]*);(-?\d+)$"
_SECONDS = 1 / 3600


def _key_column(ctx: Context) -> int:
    """Return the key column: by name, else the one whose values all look like ABC-123."""
    found = ctx.match.first("key")
    if found is not None:
        return found
    aggs = ", ".join(
        f"count(c{i}), count(*) FILTER (WHERE regexp_full_match(trim(c{i}), '{KEY_PATTERN}'))"
        for i in range(ctx.source.width)
    )
    counts = ctx.probe(aggs)
    best = None
    for i in range(ctx.source.width):
        filled, keys = counts[2 * i], counts[2 * i + 1]
        if filled and keys == filled and (best is None or keys > counts[2 * best + 1]):
            best = i
    if best is None:
        shown = ", ".join(f"« {h} »" for h in ctx.header[:8] if h)
        raise ImportFormatError(
            "Export Jira sans clé de ticket : attendu une colonne « Issue key » (ou des "
            f"valeurs comme ABC-123), trouvé les colonnes {shown}. Ajoutez la colonne "
            "« Clé » à la vue avant d'exporter, ou exportez « tous les champs »."
        )
    return best


def _sla_columns(ctx: Context) -> list[tuple[str, str]]:
    """Return (SLA name, raw SQL) of the JSM SLA columns (remaining time, kept as text)."""
    found = []
    for i, name in enumerate(ctx.header):
        m = _SLA.search(norm(name))
        if m:
            sla = re.sub(r"^.*\(|\)$", "", name).strip()
            found.append((sla, f"tma_text(c{i})"))
    return found


def _variant(ctx: Context, slas: list[tuple[str, str]]) -> str:
    cloud = any(ctx.match.has(f) for f in ("assignee_id", "status_category", "parent_key"))
    server = ctx.match.has("project_url") or (
        ctx.match.has("parent") and not ctx.match.has("parent_key")
    )
    product = "Jira Service Management" if slas else "Jira"
    product += " Cloud" if cloud else " Data Center" if server else ""
    everything = ctx.match.has("id") and ctx.source.width >= 30
    kind = "tous les champs" if everything else "champs actuels"
    return f"{product} — {kind} ({lang_label(ctx.lang)})"


def build(ctx: Context) -> Build:
    """Return the plans of a Jira issue export (tickets, then Log Work entries)."""
    key = _key_column(ctx)
    slas = _sla_columns(ctx)
    notes = []
    estimate = ctx.field(
        "original_estimate", "estimate_hours", HOURS, unit_hours=_SECONDS, min_value=0.0
    )
    spent = ctx.field("time_spent", "spent_hours", HOURS, unit_hours=_SECONDS, min_value=0.0)
    if estimate is None:
        estimate = ctx.field(
            "sum_estimate", "estimate_hours", HOURS, unit_hours=_SECONDS, min_value=0.0
        )
    if spent is None:
        spent = ctx.field("sum_spent", "spent_hours", HOURS, unit_hours=_SECONDS, min_value=0.0)
        if spent is not None:
            notes.append(f"Temps passé lu dans « {spent.header} » : il comprend les sous-tâches.")
    fields = present(
        Field(
            "key",
            KEY,
            f"tma_text(c{key})",
            header=ctx.header[key],
            required=True,
            parse_sql=f"CASE WHEN regexp_full_match({{r}}, '{KEY_PATTERN}') THEN {{r}} END",
            expected="une clé Jira (ex. ABC-123)",
        ),
        ctx.field("project_key", "project", TEXT),
        ctx.field("project_name", "project_name", TEXT),
        ctx.field("summary", "title", TEXT),
        ctx.field("issue_type", "tracker", TEXT),
        ctx.field("priority", "priority", TEXT),
        ctx.field("status", "status", TEXT),
        ctx.field("resolution", "resolution", TEXT),
        ctx.field("assignee", "assignee", TEXT),
        ctx.field("created", "created_at", TS),
        ctx.field("resolved", "resolved_at", TS),
        estimate,
        spent,
    )
    log_work = ctx.match.all("log_work")
    carry = {}
    if log_work:
        carry["_worklogs"] = "list_value(" + ", ".join(f"c{i}" for i in log_work) + ")"
    tickets = TablePlan(
        "tickets",
        fields,
        constants={"source": "jira"},
        derived={
            "project": "coalesce({project}, regexp_extract({key}, '^([A-Z][A-Z0-9_]+)-', 1))",
            "estimate_status": hours_validated(),
        },
        extra=tuple(slas),
        carry=carry,
    )
    follow = _worklogs(ctx.header[log_work[0]]) if log_work else None
    return Build("jira", _variant(ctx, slas), [tickets], notes=notes, follow=follow)


def _worklogs(header: str):
    def follow(tickets: Materialised) -> list[tuple[Source, TablePlan]]:
        """Return the Log Work cells of the good ticket rows as a time-entry source."""
        source = Source(
            from_sql=(
                "(SELECT _line, "
                f"regexp_extract(cell, '{_LOG_WORK_CELL}', 1) AS c0, "
                f"CASE WHEN regexp_matches(cell, '{_LOG_WORK_CELL}') "
                f"THEN regexp_extract(cell, '{_LOG_WORK_CELL}', 2) ELSE cell END AS c1, "
                f"regexp_extract(cell, '{_LOG_WORK_CELL}', 3) AS c2, "
                f"regexp_extract(cell, '{_LOG_WORK_CELL}', 4) AS c3, "
                "key AS c4, project AS c5, "
                "md5(key || chr(31) || cell || chr(31) || row_number() OVER "
                "(PARTITION BY key, cell ORDER BY pos)::VARCHAR) AS c6 "
                "FROM (SELECT _line, key, project, unnest(_worklogs) AS cell, "
                "generate_subscripts(_worklogs, 1) AS pos "
                f"FROM (SELECT {tickets.line_sql} AS _line, key, project, _worklogs "
                f"FROM {tickets.name} WHERE _ok)) WHERE cell IS NOT NULL) AS tma_worklogs"
            ),
            header=[header] * 4 + ["key", "project", "entry_id"],
            has_line=True,
        )
        fields = (
            Field("date", DATE, "tma_text(c1)", header=header, required=True),
            Field("started_at", TS, "tma_text(c1)", header=header),
            Field(
                "hours",
                HOURS,
                "tma_text(c3)",
                header=header,
                required=True,
                unit_hours=_SECONDS,
                min_value=0.0,
            ),
            Field("person", TEXT, "tma_text(c2)", header=header),
            Field("comment", TEXT, "tma_text(c0)", header=header),
            Field("ticket_key", TEXT, "c4", header=header),
            Field("project", TEXT, "c5", header=header),
            Field("entry_id", TEXT, "c6", header=header),
        )
        plan = TablePlan(
            "time_entries",
            fields,
            constants={"source": "jira", "ticket_source": "jira"},
            counts_rows=False,
        )
        return [(source, plan)]

    return follow


ADAPTER = Adapter("jira", FIELDS, SIGNATURES, build)
