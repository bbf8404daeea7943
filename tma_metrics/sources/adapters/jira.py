"""Jira issue exports ("all fields" / "current fields"), Cloud and Data Center, en/fr/es/pt/de.

- Headers are localised (alias tables below); repeated columns (``Log Work``,
  ``Sprint``, ``Comment``) stay addressable by position.
- Time tracking is in seconds (``Original estimate``, ``Time Spent``; the ``Σ``
  variants add sub-tasks and serve only when the plain column is absent).
- Each ``Log Work`` cell (``comment;date;author;seconds``) becomes a time entry whose
  id is derived from the issue key, the cell and its rank among identical cells of
  that issue, so a re-import matches the same entries. Cloud writes its author as an
  account id: the user columns paired with their id columns name it.
- JSM SLA columns (``... (Time to first response)``) hold the *remaining* time of the
  SLA as ``H:MM``: they are kept as is in ``extra``, never turned into timestamps. SLA
  names are data (« Délai de première réponse »): such columns are found by their values.
- The key column is found by name, else as the column whose values all look like
  ``ABC-123``.
"""

from __future__ import annotations

import re

from tma_metrics.domain.model import ImportFormatError
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

__all__ = ["ADAPTER", "FIELDS", "KEY_PATTERN", "SIGNATURES", "build"]

FIELDS = {
    "key": {
        "en": ("Issue key", "Work item key", "Key"),
        "fr": (
            "Clé de ticket",
            "Clé du ticket",
            "Clé de l'élément de travail",
            "Clé",
            # Jira Server / Data Center in French says "demande" for an issue.
            "Clé de la demande",
            "Clé de demande",
        ),
        "es": ("Clave de incidencia", "Clave del elemento de trabajo", "Clave"),
        "pt": ("Chave do item", "Chave da item", "Chave da issue", "Chave"),
        "de": ("Vorgangsschlüssel", "Schlüssel"),
    },
    "id": {
        "en": ("Issue id", "Work item id"),
        "fr": ("ID de ticket", "ID du ticket", "ID de la demande", "ID de demande"),
        "es": ("ID de la incidencia",),
        "pt": ("ID do item", "ID da issue"),
        "de": ("Vorgangs-ID",),
    },
    "summary": {
        "en": ("Summary",),
        "fr": ("Résumé",),
        "es": ("Resumen",),
        "pt": ("Resumo",),
        "de": ("Zusammenfassung",),
    },
    "issue_type": {
        "en": ("Issue Type", "Work type", "Work item type"),
        "fr": ("Type de ticket", "Type d'élément de travail", "Type de travail", "Type de demande"),
        "es": ("Tipo de Incidencia", "Tipo de trabajo"),
        "pt": ("Tipo de item", "Tipo de issue", "Tipo de trabalho"),
        "de": ("Vorgangstyp", "Arbeitstyp"),
    },
    "status": {"en": ("Status",), "fr": ("État", "Statut"), "es": ("Estado",), "pt": ("Status",)},
    "project_key": {
        "en": ("Project key",),
        "fr": ("Clé de projet", "Clé du projet"),
        "es": ("Clave del proyecto",),
        "pt": ("Chave do projeto",),
        "de": ("Projektschlüssel",),
    },
    "project_name": {
        "en": ("Project name",),
        "fr": ("Nom du projet", "Nom de projet"),
        "es": ("Nombre del proyecto",),
        "pt": ("Nome do projeto",),
        "de": ("Projektname",),
    },
    "project_type": {
        "en": ("Project type",),
        "fr": ("Type de projet",),
        "es": ("Tipo de proyecto",),
        "pt": ("Tipo de projeto",),
        "de": ("Projekttyp",),
    },
    "project_url": {"en": ("Project url",), "fr": ("URL du projet",), "de": ("Projekt-URL",)},
    "priority": {
        "en": ("Priority",),
        "fr": ("Priorité",),
        "es": ("Prioridad",),
        "pt": ("Prioridade",),
        "de": ("Priorität",),
    },
    "resolution": {
        "en": ("Resolution",),
        "fr": ("Résolution",),
        "es": ("Resolución",),
        "pt": ("Resolução",),
        "de": ("Lösung",),
    },
    "assignee": {
        "en": ("Assignee",),
        "fr": ("Personne assignée", "Responsable"),
        "es": ("Persona asignada",),
        "pt": ("Responsável",),
        "de": ("Zugewiesene Person", "Bearbeiter"),
    },
    "assignee_id": {
        "en": ("Assignee Id",),
        "fr": ("ID de la personne assignée", "ID du responsable"),
        "es": ("ID de la persona asignada",),
        "pt": ("ID do responsável",),
        "de": ("ID der zugewiesenen Person", "Bearbeiter-ID"),
    },
    "reporter": {
        "en": ("Reporter",),
        "fr": ("Rapporteur",),
        "es": ("Informador",),
        "pt": ("Relator",),
        "de": ("Autor",),
    },
    "reporter_id": {
        "en": ("Reporter Id",),
        "fr": ("ID de rapporteur", "ID du rapporteur"),
        "es": ("ID del informador",),
        "pt": ("ID do relator",),
        "de": ("ID des Autors", "Autor-ID"),
    },
    "creator": {
        "en": ("Creator",),
        "fr": ("Créateur",),
        "es": ("Creador",),
        "pt": ("Criador",),
        "de": ("Ersteller",),
    },
    "creator_id": {
        "en": ("Creator Id",),
        "fr": ("ID du créateur", "ID de créateur"),
        "es": ("ID del creador",),
        "pt": ("ID do criador",),
        "de": ("Ersteller-ID", "ID des Erstellers"),
    },
    "created": {
        "en": ("Created",),
        "fr": ("Création", "Créé", "Créée", "Date de création"),
        "es": ("Creada", "Creado"),
        "pt": ("Criado", "Criada"),
        "de": ("Erstellt",),
    },
    "updated": {
        "en": ("Updated",),
        "fr": ("Mise à jour", "Mis à jour"),
        "es": ("Actualizada", "Actualizado"),
        "pt": ("Atualizado", "Atualizada"),
        "de": ("Aktualisiert",),
    },
    "last_viewed": {
        "en": ("Last Viewed",),
        "fr": ("Dernière consultation", "Dernière vue"),
        "es": ("Vista por Última Vez",),
        "de": ("Zuletzt angezeigt",),
    },
    "resolved": {
        "en": ("Resolved",),
        "fr": ("Résolu", "Résolue", "Date de résolution"),
        "es": ("Resuelta", "Resuelto"),
        "pt": ("Resolvido", "Resolvida"),
        "de": ("Erledigt",),
    },
    "due": {
        "en": ("Due date",),
        "fr": ("Date d'échéance",),
        "es": ("Fecha de vencimiento",),
        "pt": ("Data limite",),
        "de": ("Fälligkeitsdatum", "Fällig"),
    },
    "votes": {"en": ("Votes",), "es": ("Votos",), "pt": ("Votos",), "de": ("Stimmen",)},
    "labels": {
        "en": ("Labels",),
        "fr": ("Étiquettes",),
        "es": ("Etiquetas",),
        "de": ("Stichwörter",),
    },
    "description": {
        "en": ("Description",),
        "es": ("Descripción",),
        "pt": ("Descrição",),
        "de": ("Beschreibung",),
    },
    "environment": {
        "en": ("Environment",),
        "fr": ("Environnement",),
        "es": ("Entorno",),
        "de": ("Umgebung",),
    },
    "watchers": {
        "en": ("Watchers",),
        "fr": ("Observateurs",),
        "es": ("Interesados",),
        "de": ("Beobachter",),
    },
    "watchers_id": {
        "en": ("Watchers Id",),
        "fr": ("ID des observateurs",),
        "es": ("ID de los interesados",),
        "de": ("ID des Beobachters", "Beobachter-ID"),
    },
    "original_estimate": {
        "en": ("Original estimate",),
        "fr": ("Estimation originale", "Estimation initiale"),
        "es": ("Estimación original",),
        "pt": ("Estimativa original",),
        "de": ("Ursprüngliche Schätzung",),
    },
    "remaining": {
        "en": ("Remaining Estimate",),
        "fr": ("Estimation restante",),
        "es": ("Trabajo restante estimado",),
        "pt": ("Estimativa restante",),
        "de": ("Restschätzung", "Verbleibende Schätzung"),
    },
    "time_spent": {
        "en": ("Time Spent",),
        "fr": ("Temps consacré", "Temps passé"),
        "es": ("Tiempo Trabajado", "Tiempo empleado"),
        "pt": ("Tempo gasto",),
        "de": ("Benötigte Zeit", "Aufgewendete Zeit"),
    },
    "work_ratio": {
        "en": ("Work Ratio",),
        "fr": ("Ratio de travail",),
        "es": ("Relación de trabajo",),
        "de": ("Verhältnis tatsächlicher zu geschätzter Arbeit",),
    },
    "sum_estimate": {
        "en": ("Σ Original Estimate",),
        "fr": ("Σ Estimation originale", "Σ Estimation initiale"),
        "es": ("Σ Estimación original",),
        "pt": ("Σ Estimativa original",),
        "de": ("Σ Ursprüngliche Schätzung",),
    },
    "sum_remaining": {
        "en": ("Σ Remaining Estimate",),
        "fr": ("Σ Estimation restante",),
        "es": ("Σ Trabajo restante estimado",),
        "de": ("Σ Restschätzung", "Σ Verbleibende Schätzung"),
    },
    "sum_spent": {
        "en": ("Σ Time Spent",),
        "fr": ("Σ Temps consacré", "Σ Temps passé"),
        "es": ("Σ Tiempo empleado", "Σ Tiempo Trabajado"),
        "pt": ("Σ Tempo gasto",),
        "de": ("Σ Benötigte Zeit", "Σ Aufgewendete Zeit"),
    },
    "log_work": {
        "en": ("Log Work",),
        "fr": ("Journal de travail", "Enregistrer le travail"),
        "es": ("Registrar trabajo", "Registro de trabajo"),
        "pt": ("Registrar trabalho",),
        "de": ("Arbeit protokollieren",),
    },
    "comment": {
        "en": ("Comment",),
        "fr": ("Commentaire",),
        "es": ("Comentario",),
        "pt": ("Comentário",),
        "de": ("Kommentar",),
    },
    "attachment": {
        "en": ("Attachment",),
        "fr": ("Pièce jointe",),
        "es": ("Adjunto",),
        "pt": ("Anexo",),
        "de": ("Anhang",),
    },
    "sprint": {"any": ("Sprint",)},
    "parent": {"en": ("Parent", "Parent id"), "es": ("Principal",), "de": ("Übergeordnet",)},
    "parent_key": {
        "en": ("Parent key",),
        "fr": ("Clé parent",),
        "es": ("Clave principal",),
        "de": ("Übergeordneter Schlüssel",),
    },
    "parent_summary": {"any": ("Parent summary",)},
    "status_category": {
        "en": ("Status Category",),
        "fr": ("Catégorie d'état",),
        "es": ("Categoría de estado",),
        "de": ("Statuskategorie",),
    },
    "status_category_changed": {
        "en": ("Status Category Changed",),
        "fr": ("Catégorie d'état modifiée",),
        "es": ("Categoría de estado cambiada",),
        "de": ("Statuskategorie geändert",),
    },
    "security": {
        "en": ("Security Level",),
        "fr": ("Niveau de sécurité",),
        "es": ("Nivel de Seguridad",),
        "de": ("Sicherheitsstufe",),
    },
    "project_lead": {
        "en": ("Project lead",),
        "fr": ("Responsable de projet", "Responsable du projet"),
        "es": ("Responsable del proyecto",),
        "de": ("Projektleiter",),
    },
    "project_lead_id": {
        "en": ("Project lead id",),
        "fr": ("ID du responsable de projet",),
        "es": ("ID del responsable del proyecto",),
        "de": ("ID des Projektleiters",),
    },
    "project_description": {
        "en": ("Project description",),
        "es": ("Descripción del proyecto",),
        "de": ("Projektbeschreibung",),
    },
}


def _damaged_sigma(names: tuple[str, ...]) -> tuple[str, ...]:
    """Return ``Σ`` names with the forms a spreadsheet re-save leaves.

    Saved in Windows-1252, « Σ Time Spent » becomes « ? Time Spent »; a UTF-8 file opened
    as Windows-1252 and saved again shows « Î£ Time Spent ».
    """
    return tuple(f"{p}{n.removeprefix('Σ')}" for n in names for p in ("Σ", "?", "Î£"))


for _sum in ("sum_estimate", "sum_remaining", "sum_spent"):
    FIELDS[_sum] = {lang: _damaged_sigma(names) for lang, names in FIELDS[_sum].items()}

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
#: Words of an SLA name in other languages (accents removed), checked with the values.
_SLA_WORDS = re.compile(
    r"\b(sla|delai|delais|reponse|resolution|tiempo|respuesta|resolucion|tempo|resposta|"
    r"resolucao|frist|reaktion|antwort|losung|zeit bis)\b"
)
_SLA_VALUE = r"-?\d+:\d{2}"
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
    """Return (SLA name, raw SQL) of the JSM SLA columns (remaining time, kept as text).

    SLA names are data: the default ones say ``Time to ...``, but a project created in
    French may call them « Délai de première réponse ». A column whose name speaks of
    delays, responses or resolution is an SLA too when each of its values is a ``H:MM``.
    """
    found, candidates = [], []
    matched = {i for positions in ctx.match.positions.values() for i in positions}
    for i, name in enumerate(ctx.header):
        if _SLA.search(norm(name)):
            found.append(i)
        elif i not in matched and _SLA_WORDS.search(norm(name)):
            candidates.append(i)
    if candidates:
        aggs = ", ".join(
            f"count(c{i}), count(*) FILTER (WHERE regexp_full_match(trim(c{i}), '{_SLA_VALUE}'))"
            for i in candidates
        )
        counts = ctx.probe(aggs)
        found += [
            i
            for n, i in enumerate(candidates)
            if counts[2 * n] and counts[2 * n] == counts[2 * n + 1]
        ]
    return [
        (re.sub(r"^.*\(|\)$", "", ctx.header[i]).strip(), f"tma_text(c{i})") for i in sorted(found)
    ]


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
    estimate, spent = _hours_fields(ctx, notes)
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
        ctx.field("updated", "updated_at", TS),
        estimate,
        spent,
    )
    log_work = ctx.match.all("log_work")
    carry = {}
    people = _people(ctx) if log_work else []
    if log_work:
        carry["_worklogs"] = "list_value(" + ", ".join(f"c{i}" for i in log_work) + ")"
    if people:
        carry["_people"] = "[" + ", ".join(people) + "]"
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
    follow = _worklogs(ctx.header[log_work[0]], bool(people)) if log_work else None
    return Build("jira", _variant(ctx, slas), [tickets], notes=notes, follow=follow)


def _hours_fields(ctx: Context, notes: list[str]) -> tuple[Field | None, Field | None]:
    """Return the estimate and spent-time fields, the sums of sub-tasks when alone (noted)."""
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
    return estimate, spent


def _people(ctx: Context) -> list[str]:
    """Return SQL structs {id, name} of the user columns paired with their id column.

    Jira Cloud writes the author of a ``Log Work`` cell as an account id
    (``712020:40e6...``); the same export names the assignee, reporter, creator and
    watchers next to their ids, which lets the entries carry a person's name.
    """
    pairs = [
        (ctx.match.all(name), ctx.match.all(f"{name}_id"))
        for name in ("assignee", "reporter", "creator", "project_lead", "watchers")
    ]
    return [
        f"{{'id': tma_text(c{i}), 'name': tma_text(c{n})}}"
        for names, ids in pairs
        for n, i in zip(names, ids, strict=False)
    ]


def _worklogs(header: str, people: bool):
    def follow(tickets: Materialised) -> list[tuple[Source, TablePlan]]:
        """Return the Log Work cells of the good ticket rows as a time-entry source."""
        source = _worklog_source(tickets, header, people)
        fields = _worklog_fields(header)
        plan = TablePlan(
            "time_entries",
            fields,
            constants={"source": "jira", "ticket_source": "jira"},
            counts_rows=False,
        )
        return [(source, plan)]

    return follow


def _worklog_source(tickets: Materialised, header: str, people: bool) -> Source:
    """Return one row per Log Work cell of the good ticket rows, its author named."""
    author = f"regexp_extract(cell, '{_LOG_WORK_CELL}', 3)"
    names = ""
    if people:
        # Account id -> name, from the user columns of every good row of the file.
        author = f"coalesce(people.name, {author})"
        names = (
            "LEFT JOIN (SELECT p.id AS id, min(p.name) AS name FROM (SELECT "
            f"unnest(_people) AS p FROM {tickets.name} WHERE _ok) "
            "WHERE p.id IS NOT NULL AND p.name IS NOT NULL GROUP BY p.id) AS people "
            f"ON people.id = tma_text(regexp_extract(cell, '{_LOG_WORK_CELL}', 3)) "
        )
    return Source(
        from_sql=(
            "(SELECT _line, "
            f"regexp_extract(cell, '{_LOG_WORK_CELL}', 1) AS c0, "
            f"CASE WHEN regexp_matches(cell, '{_LOG_WORK_CELL}') "
            f"THEN regexp_extract(cell, '{_LOG_WORK_CELL}', 2) ELSE cell END AS c1, "
            f"{author} AS c2, "
            f"regexp_extract(cell, '{_LOG_WORK_CELL}', 4) AS c3, "
            "key AS c4, project AS c5, "
            "md5(key || chr(31) || cell || chr(31) || row_number() OVER "
            "(PARTITION BY key, cell ORDER BY pos)::VARCHAR) AS c6 "
            "FROM (SELECT _line, key, project, unnest(_worklogs) AS cell, "
            "generate_subscripts(_worklogs, 1) AS pos "
            f"FROM (SELECT {tickets.line_sql} AS _line, key, project, _worklogs "
            f"FROM {tickets.name} WHERE _ok)) AS cells {names}"
            "WHERE cell IS NOT NULL) AS tma_worklogs"
        ),
        header=[header] * 4 + ["key", "project", "entry_id"],
        has_line=True,
    )


def _worklog_fields(header: str) -> tuple[Field, ...]:
    """Return the fields of a Log Work cell: date, start, hours, person, comment, ticket."""
    return (
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


ADAPTER = Adapter("jira", FIELDS, SIGNATURES, build)
