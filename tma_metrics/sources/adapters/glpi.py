"""GLPI ticket search exports (GLPI 10 and 11; fr, en, pt-BR, es UI).

Quirks (FORMATS.md section 3): BOM, every value quoted, a trailing ``;``; ids written
``2 553``; several technicians joined with ``<br>`` (GLPI 9: a line break), joined here
with ", " and user-id suffixes `` (1234)`` dropped; durations in words
(``1 horas 18 minutos``); dates ``dd-mm-yyyy hh:mm`` by default. ``Date de résolution``
is the resolution, ``Date de clôture`` the closing. The entity is the project (GLPI has
no projects in tickets; an agency's client is an entity). A file re-saved by a
spreadsheet keeps its BOM inside the first quoted cell: it is read the same way.
Spanish headers vary with the translation (``Asignado a - Técnico``,
``Asignada a - Técnico``, ``Asignado a: - Técnico``).

GLPI writes its durations (``Durée totale``, statistics) with
``Html::timestampToString``: a day there is 24 hours (86 400 s), not the 8-hour working
day the shared duration parser counts, so days are turned into hours first. Without
``Durée totale``, ``Tâches - Durée`` (one duration per task, several in one cell) is
summed instead: GLPI keeps a ticket's total as the sum of its tasks' durations.
SLA columns (``Temps de prise en charge``, ``Temps de résolution``, their internal and
``+ Progression`` forms) hold deadlines, not measured delays: they stay in ``extra``.
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
from tma_metrics.sources.plan import HOURS, KEY, TEXT, TS, Field, TablePlan

__all__ = ["ADAPTER", "FIELDS", "SIGNATURES", "build"]

FIELDS = {
    "id": {"any": ("ID",)},
    "title": {"fr": ("Titre",), "en": ("Title",), "pt": ("Título",), "es": ("Título",)},
    "status": {"fr": ("Statut",), "en": ("Status",), "pt": ("Status",), "es": ("Estado",)},
    "opened": {
        "fr": ("Date d'ouverture",),
        "en": ("Opening Date", "Opening date"),
        "pt": ("Data de abertura",),
        "es": ("Fecha de apertura",),
    },
    "resolved": {
        "fr": ("Date de résolution", "Date de solution"),
        "en": ("Resolution Date", "Resolution date", "Solution date"),
        "pt": ("Data da solução", "Data de solução", "Data de resolução"),
        "es": ("Fecha de resolución", "Fecha de solución"),
    },
    "closed": {
        "fr": ("Date de clôture",),
        "en": ("Closing Date", "Closing date"),
        "pt": ("Data de fechamento",),
        "es": ("Fecha de cierre",),
    },
    "updated": {
        "fr": ("Dernière modification", "Dernière mise à jour"),
        "en": ("Last Update", "Last update"),
        "pt": ("Última atualização",),
        "es": ("Última actualización",),
    },
    "priority": {
        "fr": ("Priorité",),
        "en": ("Priority",),
        "pt": ("Prioridade",),
        "es": ("Prioridad",),
    },
    "urgency": {"fr": ("Urgence",), "en": ("Urgency",), "pt": ("Urgência",), "es": ("Urgencia",)},
    "type": {"fr": ("Type",), "en": ("Type",), "pt": ("Tipo",), "es": ("Tipo",)},
    "category": {
        "fr": ("Catégorie",),
        "en": ("Category",),
        "pt": ("Categoria",),
        "es": ("Categoría",),
    },
    "entity": {"fr": ("Entité",), "en": ("Entity",), "pt": ("Entidade",), "es": ("Entidad",)},
    "location": {
        "fr": ("Lieu",),
        "en": ("Location",),
        "pt": ("Localização",),
        "es": ("Localización",),
    },
    "requester": {
        "fr": ("Demandeur - Demandeur",),
        "en": ("Requester - Requester",),
        "pt": ("Requerente - Requerente",),
        "es": ("Solicitante - Solicitante",),
    },
    "technician": {
        "fr": ("Attribué à - Technicien",),
        "en": ("Assigned To - Technician", "Assigned to - Technician"),
        "pt": ("Atribuído - Técnico", "Atribuído para - Técnico"),
        # "Asignada a" (GLPI 10, es_ES) and "Asignado a:" (colon kept by the es_CO
        # translation) are both seen in real exports.
        "es": ("Asignado a - Técnico", "Asignada a - Técnico", "Asignado a: - Técnico"),
    },
    "technician_group": {
        "fr": ("Attribué à - Groupe de techniciens",),
        "en": ("Assigned To - Technician Group", "Assigned to - Technician group"),
        "pt": ("Atribuído - Grupo técnico", "Atribuído para - Grupo técnico"),
        "es": (
            "Asignado a - Grupo técnico",
            "Asignada a - Grupo técnico",
            "Asignado a: - Grupo técnico",
        ),
    },
    "total_duration": {
        "fr": ("Durée totale",),
        "en": ("Total Duration", "Total duration"),
        "pt": ("Duração total",),
        "es": ("Duración total",),
    },
    # One duration per task (several joined like every multi-valued cell); their sum is
    # the ticket's total duration, which GLPI keeps as the sum of its tasks' durations.
    "task_duration": {
        "fr": ("Tâches - Durée",),
        "en": ("Tasks - Duration", "Task - Duration"),
        "pt": ("Tarefas - Duração",),
        "es": ("Tareas - Duración",),
    },
    "take_into_account": {
        "fr": ("Statistiques - Temps de prise en compte", "Temps de prise en compte"),
        "en": ("Statistics - Take into account time", "Take into account time"),
        "es": ("Estadísticas - Tiempo de asignación",),
    },
    "impact": {"fr": ("Impact",), "en": ("Impact",), "pt": ("Impacto",), "es": ("Impacto",)},
    "request_source": {
        "fr": ("Source de la demande",),
        "en": ("Request source",),
        "pt": ("Origem da requisição",),
        "es": ("Origen de la solicitud",),
    },
    "description": {"fr": ("Description",), "en": ("Description",), "pt": ("Descrição",)},
    "followups": {
        "fr": ("Suivis - Nombre de suivis",),
        "en": ("Followups - Number of Followups",),
        "pt": ("Acompanhamentos - Número de acompanhamentos",),
    },
    "watcher": {"en": ("Watcher - Watcher Group",), "fr": ("Observateur - Groupe observateur",)},
    "requester_group": {
        "en": ("Requester - Requester Group",),
        "fr": ("Demandeur - Groupe demandeur",),
    },
    "satisfaction": {"en": ("Satisfaction Survey - Creation Date",)},
    "solution": {
        "fr": ("Solution - Solution",),
        "en": ("Solution - Solution",),
        "pt": ("Solução - Solução",),
    },
    "sla_ttr": {
        "fr": ("TTR", "Temps de résolution", "Temps de résolution + Progression"),
        "en": ("Time to resolve", "Time to resolve + Progress"),
        "pt": ("Tempo para solução", "Tempo para solução + Progresso"),
        "es": ("Tiempo para resolver", "Tiempo para resolver + Progreso"),
    },
    "sla_tto": {
        "fr": ("TTO", "Temps de prise en charge", "Temps de prise en charge + Progression"),
        "en": ("Time to own", "Time to own + Progress"),
        "pt": ("Tempo para atendimento", "Tempo para atendimento + Progresso"),
    },
    "sla_internal": {
        "fr": (
            "Temps interne de prise en charge",
            "Temps interne de prise en charge + Progression",
            "Temps interne de résolution",
            "Temps interne de résolution + Progression",
            "Temps interne de prise en charge dépassé",
            "Temps interne de résolution dépassé",
        ),
        "en": (
            "Internal time to own",
            "Internal time to own + Progress",
            "Internal time to resolve",
            "Internal time to resolve + Progress",
            "Internal time to own exceeded",
            "Internal time to resolve exceeded",
        ),
    },
    "sla_exceeded": {
        "fr": ("Temps de résolution dépassé", "Temps de prise en charge dépassé"),
        "en": ("Time to resolve exceeded", "Time to own exceeded"),
        "pt": ("Tempo para resolver excedido", "Tempo para atender excedido"),
    },
    "sla_name": {
        "fr": (
            "SLA - SLA Temps de résolution",
            "SLA - SLA Temps de prise en charge",
            "OLA - OLA Temps interne de résolution",
            "OLA - OLA Temps interne de prise en charge",
        ),
        "en": (
            "SLA - SLA Time to resolve",
            "SLA - SLA Time to own",
            "OLA - OLA Internal time to resolve",
            "OLA - OLA Internal time to own",
        ),
        "pt": ("SLA - SLA Tempo para solução", "SLA - SLA Tempo para atendimento"),
    },
    # Statistics measured by GLPI (durations in words), kept as written.
    "stats": {
        "fr": (
            "Statistiques - Temps de résolution",
            "Statistiques - Temps de clôture",
            "Statistiques - Temps d'attente",
        ),
        "en": (
            "Statistics - Resolution time",
            "Statistics - Closing time",
            "Statistics - Pending time",
        ),
        "pt": (
            "Estatísticas - Tempo de espera",
            "Estatísticas - Tempo de atribuição",
            "Estatísticas - Tempo de solução",
        ),
    },
    # Asset (computer) exports, recognised to be refused.
    "name": {"fr": ("Nom",), "en": ("Name",), "pt": ("Nome",)},
    "manufacturer": {"fr": ("Fabricant",), "en": ("Manufacturer",), "pt": ("Fabricante",)},
    "serial": {"fr": ("Numéro de série",), "en": ("Serial number",), "pt": ("Número de série",)},
    "model": {"fr": ("Modèle",), "en": ("Model",), "pt": ("Modelo",)},
    "inventory": {"fr": ("Numéro d'inventaire",), "en": ("Inventory number",)},
}

_NO_OPENING = (
    "Export GLPI des tickets sans la colonne « Date d'ouverture » (« Opening date ») : "
    "attendu la date d'ouverture de chaque ticket, d'où partent tous les délais ; trouvé "
    "un export sans cette colonne. Ajoutez « Date d'ouverture » aux colonnes affichées "
    "de la recherche des tickets (Assistance → Tickets), puis exportez de nouveau."
)

SIGNATURES = (
    Signature("glpi", "tickets", required=("id", "title", "opened")),
    # A ticket search without its opening date (the GLPI-only group columns tell it):
    # refused with the reason rather than left to the generic "unknown format".
    Signature("glpi", "tickets", required=("id", "technician"), refuse=_NO_OPENING),
    Signature("glpi", "tickets", required=("id", "requester"), refuse=_NO_OPENING),
    Signature(
        "glpi",
        "assets",
        required=("name", "manufacturer", "serial"),
        refuse=(
            "Export GLPI d'inventaire (ordinateurs) : attendu un export des tickets "
            "(Assistance → Tickets → Exporter en CSV), trouvé des colonnes « Nom », "
            "« Fabricant », « Numéro de série »."
        ),
    ),
)

#: GLPI 10 replaces " by '' in its CSV: the SQL literal '''''' is two apostrophes.
_QUOTES = """tma_text(replace({c}, '''''', '"'))"""

_SLA_FIELDS = (
    "sla_tto",
    "sla_ttr",
    "sla_internal",
    "sla_exceeded",
    "sla_name",
    "stats",
    "category",
    "urgency",
    "impact",
    "request_source",
    "technician_group",
)

#: The status label of a ticket nobody has taken yet (GLPI's INCOMING), per UI language.
_NEW = "('nouveau', 'new', 'novo', 'nuevo')"

#: A number of days as GLPI writes it (fr, en, pt-BR, es), singular or plural.
_DAYS = r"(\d+)\s*(?:jours?|days?|dias?|días?)\b"
#: A multi-valued cell (one duration per task) as one text: its values are summed
#: below. GLPI 10 joins values with ``<br>``, GLPI 9 with a line break.
_JOINED = r"regexp_replace({c}, '\s*(<br\s*/?>|[\r\n]+)\s*', ' ', 'gi')"
#: GLPI's days are 24 h: "1 jour 2 heures" -> "24 h 2 heures" before the shared parser,
#: every day count of the cell included ("1 dia<br>2 dias" -> "72 h").
_GLPI_DURATION = (
    (
        "CASE WHEN regexp_matches(tma_text({j}), '(?i){d}') "
        "THEN (list_sum(list_transform(regexp_extract_all(tma_text({j}), '(?i){d}', 1), "
        "lambda n: n::BIGINT)) * 24)::VARCHAR "
        "|| ' h ' || regexp_replace(tma_text({j}), '(?i){d}', '', 'g') "
        "ELSE tma_text({j}) END"
    )
    .replace("{d}", _DAYS)
    .replace("{j}", _JOINED)
)
#: GLPI 9 joins several people with a line break, GLPI 10 with ``<br>``.
_PEOPLE = r"tma_people(regexp_replace({c}, '\s*[\r\n]+\s*', '<br>', 'g'))"


def build(ctx: Context) -> Build:
    """Return the plan of a GLPI ticket export."""
    fields = _ticket_fields(ctx)
    derived = {}
    if ctx.match.has("take_into_account"):
        # Measured by GLPI (delay between opening and taking into account), not invented.
        # GLPI keeps 0 until a ticket is taken: a "New" ticket at 0 has no response yet.
        derived["responded_at"] = (
            f"CASE WHEN {{_take_into_account}} = 0 AND lower({{status}}) IN {_NEW} THEN NULL "
            "ELSE tma_after({created_at}, {_take_into_account}) END"
        )
    extra = tuple((ctx.header[i], f"tma_text(c{i})") for f in _SLA_FIELDS for i in ctx.match.all(f))
    plan = TablePlan(
        "tickets",
        fields,
        constants={"source": "glpi"},
        derived=derived,
        extra=extra,
    )
    resaved = bool(ctx.raw_header) and "\ufeff" in ctx.raw_header[0]
    variant = f"GLPI — tickets ({lang_label(ctx.lang)})"
    if resaved:
        variant += ", réenregistré par un tableur"
    return Build("glpi", variant, [plan])


def _ticket_fields(ctx: Context) -> tuple[Field, ...]:
    """Return the fields of a GLPI ticket export that its header holds."""
    return present(
        ctx.field(
            "id",
            "key",
            KEY,
            required=True,
            parse_sql="tma_digits({r})",
            expected="un numéro de ticket GLPI (ex. 2553 ou 2 553)",
        ),
        # GLPI 10 writes a double quote as two apostrophes: put it back.
        ctx.field("title", "title", TEXT, wrap=_QUOTES),
        ctx.field("status", "status", TEXT),
        ctx.field("priority", "priority", TEXT),
        ctx.field("type", "tracker", TEXT),
        ctx.field("technician", "assignee", TEXT, wrap=_PEOPLE),
        ctx.field("entity", "project", TEXT),
        ctx.field("opened", "created_at", TS),
        ctx.field("resolved", "resolved_at", TS),
        ctx.field("closed", "closed_at", TS),
        ctx.field("updated", "updated_at", TS),
        # GLPI's raw action time is in seconds; exports write it in words. Without the
        # ticket's total, the tasks' durations add up to it.
        ctx.field(
            "total_duration" if ctx.match.has("total_duration") else "task_duration",
            "spent_hours",
            HOURS,
            wrap=_GLPI_DURATION,
            unit_hours=1 / 3600,
            min_value=0.0,
        ),
        ctx.field(
            "take_into_account",
            "_take_into_account",
            HOURS,
            wrap=_GLPI_DURATION,
            unit_hours=1 / 3600,
        ),
    )


ADAPTER = Adapter("glpi", FIELDS, SIGNATURES, build)
