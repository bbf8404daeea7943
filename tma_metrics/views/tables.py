"""French headers, labels and formats of the views' columns; client-safe selection.

The views' frames keep English column names with their unit (``spent_hours``) and
codes (``corrective``); this module turns them into what people read:

- `french_table`: French headers (unit in the header: ``Temps passé (h)``), codes as
  French labels, numbers still numbers, dates still dates, business minutes as
  durations; for exports (`reports.excel`, `reports.csv_fr`) and ``st.dataframe``;
- `display_table`: the same with every cell as French text (slides, e-mails);
- `excel_formats`: French header → format name of `reports.excel.FORMAT_CODES`.

Client views drop `INTERNAL_COLUMNS`: the time spent (next to the deducted time it
would reveal the absorbed hours), the absorbed hours, the guarantee overruns, and the
agency's people and comments from time entries. The assignee stays: the client sees
who handles its ticket in the tool anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import (
    ALERT_LEVEL_LABELS_FR,
    KIND_LABELS_FR,
    MODEL_LABELS_FR,
    OUTCOME_LABELS_FR,
    RULE_LABELS_FR,
    SEVERITY_LABELS_FR,
    SLA_KIND_LABELS_FR,
    SUBJECT_LABELS_FR,
    labels,
)
from tma_metrics.views.rag import TOPIC_LABELS_FR


@dataclass(frozen=True)
class ColumnSpec:
    """How one column is shown: French header, format, labels of its codes."""

    header: str
    format: str  # a reports.excel.FORMAT_CODES name, or "bool"
    labels: Mapping[str, str] | None = None
    internal: bool = False


def _c(header: str, fmt: str = "text", labels: Mapping[str, str] | None = None) -> ColumnSpec:
    return ColumnSpec(header, fmt, labels)


def _internal(header: str, fmt: str) -> ColumnSpec:
    return ColumnSpec(header, fmt, internal=True)


COLUMNS: dict[str, ColumnSpec] = {
    # tickets
    "key": _c("Demande"),
    "title": _c("Titre"),
    "kind": _c("Type", labels=KIND_LABELS_FR),
    "severity": _c("Sévérité", labels=SEVERITY_LABELS_FR),
    "status": _c("Statut"),
    "assignee": _c("Assigné à"),
    "created_at": _c("Créée le", "date"),
    "resolved_at": _c("Résolue le", "date"),
    "age_days": _c("Ancienneté (jours)", "integer"),
    "reopened": _c("Réouverte", "bool"),
    # time and estimates
    "entries": _c("Saisies", "integer"),
    "estimate_hours": _c("Devis (h)", "hours"),
    "estimate_days": _c("Devis (j)", "days"),
    "cap_hours": _c("Plafond garanti (h)", "hours"),
    "spent_hours": _internal("Temps passé (h)", "hours"),
    "deducted_hours": _c("Temps décompté (h)", "hours"),
    "absorbed_hours": _internal("Temps absorbé (h)", "hours"),
    "deducted_days": _c("Décompté (j)", "days"),
    "deducted_share": _c("Part du décompté", "percent"),
    "committed_hours": _c("Reste engagé (h)", "hours"),
    "rule": _c("Règle de décompte", labels=RULE_LABELS_FR),
    "past_guarantee": _internal("Au-delà de la garantie", "bool"),
    "total_spent_hours": _internal("Temps passé total (h)", "hours"),
    "qualification_over_2h": _c("Qualification au-delà de 2 h", "bool"),
    "activity": _c("Activité"),
    "person": _internal("Intervenant", "text"),
    "comment": _internal("Commentaire", "text"),
    # approvals
    "subject": _c("Objet", labels=SUBJECT_LABELS_FR),
    "sent_at": _c("Envoyé le", "date"),
    "waiting_days": _c("En attente depuis (jours)", "integer"),
    # SLA
    "sla_kind": _c("Délai", labels=SLA_KIND_LABELS_FR),
    "outcome": _c("État du délai", labels=OUTCOME_LABELS_FR),
    "remaining_minutes": _c("Temps ouvré restant", "duration"),
    "allowance_minutes": _c("Délai contractuel (ouvré)", "duration"),
    "elapsed_minutes": _c("Temps ouvré écoulé", "duration"),
    "overrun_minutes": _c("Dépassement (ouvré)", "duration"),
    "median_minutes": _c("Durée médiane (ouvré)", "duration"),
    "p90_minutes": _c("Durée à 90 % (ouvré)", "duration"),
    "deadline": _c("Échéance", "datetime"),
    "stop_at": _c("Arrêt du délai", "datetime"),
    "still_open": _c("Toujours ouverte", "bool"),
    "applicable": _c("Soumis au SLA", "integer"),
    "measurable": _c("Mesurables", "integer"),
    "not_measurable": _c("Non mesurables", "integer"),
    "met": _c("Dans les délais", "integer"),
    "breached": _c("Hors délai", "integer"),
    "open": _c("En cours", "integer"),
    "at_risk": _c("À risque", "integer"),
    "compliance": _c("Respect des SLA", "percent"),
    "coverage": _c("Couverture de la mesure", "percent"),
    "resolved": _c("Résolues (mesurées)", "integer"),
    # months, counts, estimation
    "month": _c("Mois", "month"),
    "partial": _c("Mois incomplet", "bool"),
    "management_share": _c("Part gestion de projet", "percent"),
    "management_flag": _c("Gestion hors cible", "bool"),
    "allowance_days": _c("Inclus (j)", "days"),
    "overrun_days": _c("Dépassement (j)", "days"),
    "unused_days": _c("Non utilisé (j)", "days"),
    "tickets": _c("Demandes", "integer"),
    "created": _c("Demandes reçues", "integer"),
    "created_share": _c("Part des demandes reçues", "percent"),
    "age_class": _c("Ancienneté"),
    "size_class": _c("Taille du devis"),
    "within_guarantee_rate": _c("Dans la garantie", "percent"),
    "within_25_rate": _c("À ±25 % du devis", "percent"),
    "median_ratio": _c("Ratio médian passé / devis", "number"),
    "bias": _c("Biais d'estimation", "percent"),
    "reestimation_rate": _c("Taux de réestimation", "percent"),
    "late_reestimations": _c("Réestimations tardives", "integer"),
    # key figures, cards and alerts
    "indicator": _c("Indicateur"),
    "value": _c("Valeur", "number"),
    "unit": _c("Unité"),
    "date_value": _c("Date", "date"),
    "change": _c("Évolution", "number"),
    "text": _c("Valeur affichée"),
    "detail": _c("Précision"),
    "change_text": _c("Évolution (texte)"),
    "level": _c("Niveau", labels=ALERT_LEVEL_LABELS_FR),
    "message": _c("Message"),
    # portfolio
    "name": _c("Contrat"),
    "model": _c("Modèle", labels=MODEL_LABELS_FR),
    "purchased_days": _c("Jours achetés (j)", "days"),
    "carried_over_days": _c("Report (j)", "days"),
    "consumed_days": _c("Consommé (j)", "days"),
    "remaining_days": _c("Solde (j)", "days"),
    "committed_days": _c("Engagé (j)", "days"),
    "projected_days": _c("Solde prévisionnel (j)", "days"),
    "burn_rate_days_per_month": _c("Rythme (j/mois)", "number"),
    "forecast_exhaustion_date": _c("Épuisement prévu", "date"),
    "expiry_date": _c("Échéance du carnet", "date"),
    "days_to_expiry": _c("Jours avant échéance", "integer"),
    "sla_compliance": _c("Respect des SLA", "percent"),
    "sla_coverage": _c("Couverture de la mesure", "percent"),
    "estimated_tickets": _c("Demandes estimées", "integer"),
    "open_tickets": _c("Demandes ouvertes", "integer"),
    "breaches": _c("Hors délai", "integer"),
    "runway_days": _c("Jours avant fin du carnet", "integer"),
    "overall_status": _c("Statut global"),
    "overall_topic": _c("Sujet du statut global", labels=TOPIC_LABELS_FR),
    "overall_reason": _c("Motif du statut global"),
    **{
        f"{topic}_{part}": _c(f"{name} : {word}")
        for topic, name in TOPIC_LABELS_FR.items()
        for part, word in (("status", "statut"), ("reason", "motif"))
    },
}

#: Columns a client never sees (see the module's docstring).
INTERNAL_COLUMNS = frozenset(name for name, spec in COLUMNS.items() if spec.internal)
#: Technical columns the views keep for joins; never shown nor exported.
TECHNICAL_COLUMNS = frozenset({"ticket_uid", "source", "code", "internal"})


def for_client(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the internal columns of a view's frame."""
    return frame.drop(columns=[c for c in frame.columns if c in INTERNAL_COLUMNS])


def french_table(frame: pd.DataFrame, *, client_view: bool = False) -> pd.DataFrame:
    """Return ``frame`` with French headers and labels, values kept typed.

    Raises ValueError when a column is not declared in `COLUMNS` (nor technical).
    """
    out = {}
    for name in frame.columns:
        if name in TECHNICAL_COLUMNS or (client_view and name in INTERNAL_COLUMNS):
            continue
        spec = _spec(name)
        values = frame[name].reset_index(drop=True)
        if spec.labels is not None:
            values = labels(values, spec.labels)
        elif spec.format == "duration":
            values = pd.to_timedelta(pd.to_numeric(values), unit="min")
        out[spec.header] = values
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def display_table(frame: pd.DataFrame, *, client_view: bool = False) -> pd.DataFrame:
    """Return ``frame`` with French headers and every cell as French text.

    The unit is in the header, so numbers are written without it (two decimals for
    days and hours, none for counts).
    """
    typed = french_table(frame, client_view=client_view)
    by_header = {spec.header: spec for spec in COLUMNS.values()}
    out = {}
    for header in typed.columns:
        fmt = by_header[header].format
        out[header] = [cell_text(value, fmt) for value in typed[header].astype(object)]
    return pd.DataFrame(out, index=typed.index, dtype=object)


def cell_text(value: object, fmt: str) -> str:
    """Write one value of a column of format ``fmt`` as French text ("—" when missing).

    >>> cell_text(7.25, "hours"), cell_text(0.934, "percent"), cell_text(125.0, "minutes")
    ('7,25', '93\u00a0%', '2 h 05')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return fr.MISSING
    if isinstance(value, float) and value != value:
        return fr.MISSING
    if fmt in ("days", "hours", "number"):
        return fr.number(value, 2)
    if fmt == "integer":
        return fr.number(value, 0)
    if fmt == "percent":
        return fr.percent(value)
    if fmt == "date":
        return fr.day(value)
    if fmt == "datetime":
        return fr.timestamp(value)
    if fmt == "month":
        return fr.month(value)
    if fmt == "minutes":
        return fr.minutes_as_duration(value)
    if fmt == "duration":
        return fr.minutes_as_duration(pd.Timedelta(value) / pd.Timedelta(minutes=1))
    if fmt == "bool":
        return "Oui" if value else "Non"
    return str(value)


def excel_formats(frames: Mapping[str, pd.DataFrame] | None = None) -> dict[str, str]:
    """Map French headers to `reports.excel` format names (``column_formats=``).

    Every header maps to one format (a test checks it); text and booleans are left to
    the writer.
    """
    headers = None
    if frames is not None:
        headers = {h for frame in frames.values() for h in frame.columns}
    return {
        spec.header: spec.format
        for spec in COLUMNS.values()
        if spec.format not in ("text", "bool") and (headers is None or spec.header in headers)
    }


def _spec(name: str) -> ColumnSpec:
    try:
        return COLUMNS[name]
    except KeyError:
        raise ValueError(
            f"Colonne « {name} » sans en-tête français : ajoutez-la à views.tables.COLUMNS."
        ) from None
