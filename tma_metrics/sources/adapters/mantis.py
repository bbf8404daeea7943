"""MantisBT CSV exports (en, fr of every Mantis version, pt-BR, ru).

Ids are zero-padded to 7 digits (``0012236``): the key drops the padding (``12236``,
how commits and time sheets cite a Mantis issue). ``Date Submitted`` is a date with no
time (midnight). No resolution date is exported. Values a formula could start with get
a leading tab (CSV-injection protection): it is removed. The category is the tracker;
severity and reproducibility are kept in ``extra``. A file re-saved by Excel (cp1251,
records wrapped in quotes) is repaired where possible and broken records are rejected.
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
from tma_metrics.sources.plan import HOURS, KEY, TEXT, TS, TablePlan

__all__ = ["ADAPTER", "FIELDS", "SIGNATURES", "build"]

FIELDS = {
    "id": {"en": ("Id", "ID"), "fr": ("Identifiant",), "pt": ("Núm", "Número"), "ru": ("Номер",)},
    "project": {"en": ("Project",), "fr": ("Projet",), "pt": ("Projeto",), "ru": ("Проект",)},
    "reporter": {
        "en": ("Reporter",),
        "fr": ("Rapporteur",),
        "pt": ("Relator",),
        "ru": ("Инициатор",),
    },
    "handler": {
        "en": ("Assigned To", "Assigned to"),
        "fr": ("Assigné à", "Affecté à"),
        "pt": ("Atribuído a",),
        "ru": ("Ответственный",),
    },
    "priority": {
        "en": ("Priority",),
        "fr": ("Priorité",),
        "pt": ("Prioridade",),
        "ru": ("Приоритет",),
    },
    "severity": {
        "en": ("Severity",),
        "fr": ("Impact", "Sévérité"),
        "pt": ("Gravidade",),
        "ru": ("Влияние",),
    },
    "reproducibility": {
        "en": ("Reproducibility",),
        "fr": ("Reproductibilité",),
        "pt": ("Freqüência", "Frequência"),
        "ru": ("Воспроизводимость",),
    },
    "version": {
        "en": ("Product Version",),
        "fr": ("Version du produit",),
        "pt": ("Versão do Produto",),
        "ru": ("Версия продукта",),
    },
    "category": {
        "en": ("Category",),
        "fr": ("Catégorie",),
        "pt": ("Categoria",),
        "ru": ("Категория",),
    },
    "submitted": {
        "en": ("Date Submitted",),
        "fr": ("Date de soumission",),
        "pt": ("Data de Envio",),
        "ru": ("Создан",),
    },
    "os": {
        "en": ("OS", "OS Version", "OS Build"),
        "fr": ("Système d'exploitation", "Version du système d'exploitation", "Version de l'OS"),
        "pt": ("SO", "Versão SO"),
        "ru": ("Операционная система", "Версия ОС"),
    },
    "platform": {
        "en": ("Platform",),
        "fr": ("Plateforme", "Plate-forme"),
        "pt": ("Plataforma",),
        "ru": ("Платформа",),
    },
    "view_status": {
        "en": ("View Status",),
        "fr": ("Visibilité", "Afficher les statuts"),
        "pt": ("Visibilidade",),
        "ru": ("Видимость",),
    },
    "updated": {
        "en": ("Updated",),
        "fr": ("Mis à jour",),
        "pt": ("Atualizado",),
        "ru": ("Изменена",),
    },
    "summary": {"en": ("Summary",), "fr": ("Résumé",), "pt": ("Resumo",), "ru": ("Тема",)},
    "status": {
        "en": ("Status",),
        "fr": ("Statut", "État"),
        "pt": ("Estado",),
        "ru": ("Состояние",),
    },
    "resolution": {
        "en": ("Resolution",),
        "fr": ("Résolution",),
        "pt": ("Resolução",),
        "ru": ("Решение",),
    },
    "target_version": {"en": ("Target Version",), "pt": ("Versão Alvo",)},
    "due_date": {"en": ("Due Date",)},
    "tags": {"en": ("Tags",), "fr": ("Étiquettes",), "pt": ("Marcadores",)},
    #: Time tracking column (``$g_time_tracking_enabled``): the issue's total, ``h:mm``.
    "time_tracking": {"en": ("Time Tracking",)},
    "fixed_in": {
        "en": ("Fixed in Version",),
        "fr": ("Résolu dans la version", "Résolue dans la version"),
        "pt": ("Corrigido na Versão",),
        "ru": ("Решена в версии",),
    },
}

SIGNATURES = (
    Signature("mantis", "issues", required=("id", "reporter", "submitted", "view_status")),
    Signature("mantis", "issues", required=("id", "reporter", "submitted", "summary")),
)

_TEXT = "tma_text(ltrim({c}, chr(9)))"


def build(ctx: Context) -> Build:
    """Return the plan of a MantisBT export."""
    fields = present(
        ctx.field(
            "id",
            "key",
            KEY,
            required=True,
            parse_sql=(
                "CASE WHEN regexp_full_match({r}, '\\d+') "
                "THEN coalesce(nullif(ltrim({r}, '0'), ''), '0') END"
            ),
            expected="un numéro de bogue Mantis (ex. 0012236)",
        ),
        ctx.field("project", "project", TEXT, wrap=_TEXT),
        ctx.field("summary", "title", TEXT, wrap=_TEXT),
        ctx.field("category", "tracker", TEXT, wrap=_TEXT),
        ctx.field("priority", "priority", TEXT, wrap=_TEXT),
        ctx.field("status", "status", TEXT, wrap=_TEXT),
        ctx.field("resolution", "resolution", TEXT, wrap=_TEXT),
        ctx.field("handler", "assignee", TEXT, wrap=_TEXT),
        ctx.field("submitted", "created_at", TS),
        ctx.field("updated", "updated_at", TS),
        ctx.field("time_tracking", "spent_hours", HOURS, wrap=_TEXT, min_value=0.0),
    )
    extra = tuple(
        (ctx.header[i], _TEXT.replace("{c}", f"c{i}"))
        for f in ("severity", "reproducibility", "fixed_in", "target_version", "due_date", "tags")
        for i in ctx.match.all(f)
    )
    plan = TablePlan(
        "tickets",
        fields,
        constants={"source": "mantis"},
        extra=extra,
        order="dmy",
    )
    notes = [
        "Export MantisBT : la création est datée sans heure (minuit) et aucune date de "
        "résolution n'est exportée ; les clés perdent leurs zéros de tête (0012236 → 12236)."
    ]
    return Build("mantis", f"MantisBT — export CSV ({lang_label(ctx.lang)})", [plan], notes=notes)


ADAPTER = Adapter("mantis", FIELDS, SIGNATURES, build)
