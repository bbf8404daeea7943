"""The KPI catalog: every indicator, and every column a table shows, declared once.

- `CATALOG` (`kpi`): the indicators, with their French label, unit and definition; the
  README's glossary and the app's glossary page are generated from it.
- `COLUMNS` (`column`): every column of the views' tables, keyed by the field name it
  shows, with its French label and unit; a column that shows a KPI takes the KPI's
  label and unit. Pages, charts, exports and slides read headers and units here; a
  test fails when a column shown or exported has no entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import (
    ALERT_LEVEL_LABELS_FR,
    KIND_LABELS_FR,
    MODEL_LABELS_FR,
    OUTCOME_LABELS_FR,
    RESOLVED_BY_LABELS_FR,
    RULE_LABELS_FR,
    SEVERITY_LABELS_FR,
    SLA_KIND_LABELS_FR,
    STOP_KIND_LABELS_FR,
    STOP_SOURCE_LABELS_FR,
    SUBJECT_LABELS_FR,
)

__all__ = [
    "CATALOG",
    "COLUMNS",
    "COLUMN_UNITS",
    "HEADER_SUFFIX",
    "KPIS",
    "KPI_UNITS",
    "RAG_LABELS_FR",
    "TOPIC_LABELS_FR",
    "Column",
    "Kpi",
    "calendar_days",
    "column",
    "format_value",
    "glossary_markdown",
    "kpi",
]

#: Units of the KPIs: worked days (hours / hours per day), hours, fraction shown as a
#: percentage, date, count, ratio, worked days per month, yes / no, calendar days.
KPI_UNITS = ("j", "h", "%", "date", "nb", "ratio", "j/mois", "bool", "jours")
#: Units of the other columns: ticket key (a number when it is one), text, date and
#: time, month, business duration (minutes), and "row": the unit is given on each row
#: by the table's ``unit`` column (key-figure tables).
COLUMN_UNITS = (*KPI_UNITS, "id", "text", "datetime", "month", "duration", "row")
#: What a header adds after the label, per unit: ``Temps passé (h)``.
HEADER_SUFFIX = {"j": " (j)", "h": " (h)", "j/mois": " (j/mois)", "jours": " (jours)"}


@dataclass(frozen=True)
class Kpi:
    """One indicator."""

    id: str
    label: str  # French, as shown on screen
    unit: str  # one of KPI_UNITS
    definition: str  # French, shown in the app's glossary and help texts
    definition_en: str  # English, for the README glossary
    higher_is_better: bool | None  # None: neither (a volume, a date)
    group: str  # "Consommation", "SLA", "Estimation", "Activité"

    def format(self, value: object) -> str:
        """Format a value of this KPI the French way."""
        return format_value(value, self.unit)


def format_value(value: object, unit: str) -> str:
    """Format a value of a catalog unit the French way ("—" when missing).

    >>> format_value(12.5, "j"), format_value(0.934, "%"), format_value(3, "jours")
    ('12,5\xa0j', '93\xa0%', '3\xa0jours')
    """
    if unit == "j":
        return fr.days(value)
    if unit == "j/mois":
        return fr.days(value) + "/mois" if value is not None else fr.MISSING
    if unit == "h":
        return fr.hours(value)
    if unit == "%":
        return fr.percent(value)
    if unit == "date":
        return fr.day(value)
    if unit == "ratio":
        return fr.number(value, 2)
    if unit == "bool":
        return "Oui" if value else "Non"
    if unit == "jours":
        return calendar_days(value)
    return fr.number(value, 0)


def calendar_days(value: object) -> str:
    """Write calendar days: ``1 jour``, ``12 jours`` ("—" when missing)."""
    text = fr.number(value, 0)
    if text == fr.MISSING:
        return text
    return f"{text}{fr.NBSP}jour{'s' if abs(float(value)) >= 2 else ''}"  # type: ignore[arg-type]


_C, _S, _E, _A = "Consommation", "SLA", "Estimation", "Activité"

CATALOG: tuple[Kpi, ...] = (
    # -- consumption ---------------------------------------------------------------
    Kpi(
        "purchased_days",
        "Jours achetés",
        "j",
        "Jours commandés sur le carnet en cours.",
        "Days bought on the current carnet (order).",
        None,
        _C,
    ),
    Kpi(
        "carried_over_days",
        "Report",
        "j",
        "Jours non consommés du carnet précédent, reportés sur celui-ci au renouvellement "
        "(un dépassement est reporté en négatif).",
        "Unused days of the previous carnet carried over at renewal (an overrun is carried "
        "as a negative number).",
        None,
        _C,
    ),
    Kpi(
        "consumed_days",
        "Consommé",
        "j",
        "Temps décompté (après garantie sur devis) daté dans le carnet en cours, en jours.",
        "Deducted time (after the estimate guarantee) dated inside the current carnet, in days.",
        None,
        _C,
    ),
    Kpi(
        "remaining_days",
        "Solde",
        "j",
        "Jours achetés + report − consommé.",
        "Days purchased + carried over − consumed.",
        True,
        _C,
    ),
    Kpi(
        "committed_days",
        "Engagé",
        "j",
        "Reste à faire des demandes ouvertes au devis validé : somme de max(0, devis − passé).",
        "Work still to do on open tickets with a validated estimate: sum of "
        "max(0, estimate − spent).",
        None,
        _C,
    ),
    Kpi(
        "projected_days",
        "Solde prévisionnel",
        "j",
        "Solde − engagé : ce qui reste une fois le travail accepté terminé.",
        "Remaining − committed: what is left once the accepted work is done.",
        True,
        _C,
    ),
    Kpi(
        "spent_hours",
        "Temps passé",
        "h",
        "Heures saisies par l'équipe, avant garantie.",
        "Hours logged by the team, before the guarantee.",
        None,
        _C,
    ),
    Kpi(
        "deducted_hours",
        "Temps décompté",
        "h",
        "Heures facturées au carnet : pour une demande au devis validé E, au plus "
        "(1 + marge) × E en cumul, dans l'ordre des dates.",
        "Hours charged to the carnet: for a ticket with a validated estimate E, at most "
        "(1 + margin) × E cumulatively, in date order.",
        None,
        _C,
    ),
    Kpi(
        "absorbed_hours",
        "Temps absorbé",
        "h",
        "Heures passées mais non facturées au titre de la garantie sur devis (vue interne).",
        "Hours spent but not charged because of the estimate guarantee (internal view).",
        False,
        _C,
    ),
    Kpi(
        "burn_rate_days_per_month",
        "Rythme de consommation",
        "j/mois",
        "Jours décomptés par mois, en moyenne sur les 3 derniers mois complets.",
        "Deducted days per month, averaged over the last 3 full months.",
        None,
        _C,
    ),
    Kpi(
        "forecast_exhaustion_date",
        "Épuisement prévu",
        "date",
        "Date d'arrêté + solde / rythme ; la fourchette vient des mois le plus et le moins "
        "consommateurs. Date réelle si le solde est déjà épuisé.",
        "As-of date + remaining / burn rate; the range comes from the highest and lowest "
        "monthly burn. The actual date when the balance is already used up.",
        None,
        _C,
    ),
    Kpi(
        "likely_unused_days",
        "Jours probablement inutilisés",
        "j",
        "Solde − rythme × mois restants jusqu'à l'échéance, si positif : jours qui seront "
        "reportés si le client renouvelle.",
        "Remaining − burn rate × months left to the carnet's end, when positive: days that "
        "will carry over only if the client renews.",
        False,
        _C,
    ),
    Kpi(
        "low_balance",
        "Alerte solde bas",
        "bool",
        "Solde inférieur au seuil d'alerte du contrat (4 j par défaut) : proposer un "
        "renouvellement.",
        "Remaining below the contract's alert threshold (4 days by default): propose a renewal.",
        False,
        _C,
    ),
    Kpi(
        "management_share",
        "Part gestion de projet",
        "%",
        "Temps décompté de la demande mensuelle de pilotage / temps décompté du mois "
        "(cible 10 %, signalée hors de 5 à 15 %).",
        "Deducted time of the monthly project-management ticket / deducted time of the "
        "month (target 10 %, flagged outside 5–15 %).",
        None,
        _C,
    ),
    # -- SLA -----------------------------------------------------------------------
    Kpi(
        "sla_compliance",
        "Respect des SLA",
        "%",
        "Délais respectés / (respectés + dépassés), sur les délais mesurables, en temps "
        "ouvré du calendrier du contrat. Quand des délais échus ne sont pas mesurables, il "
        "est donné en fourchette (« entre 45 % et 100 % ») ; « non mesurable » quand rien "
        "ne l'est. Une date de fermeture ou de dernière mise à jour ne fait que borner la "
        "résolution : dans le délai elle prouve le délai respecté, au-delà elle ne prouve "
        "rien (jamais « dépassé » sur une borne).",
        "Met / (met + breached) over measurable clocks, in the contract's business time. "
        "When some clocks whose deadline has come are not measurable it is given as a range "
        "(« entre 45 % et 100 % »); « non mesurable » when none is. A closing or last-update "
        "date only bounds the resolution: within the deadline it proves the clock met, past "
        "it it proves nothing (never breached on a bound).",
        True,
        _S,
    ),
    Kpi(
        "sla_compliance_low",
        "Respect des SLA au pire",
        "%",
        "Bas de la fourchette : respectés / (respectés + dépassés + non mesurables), chaque "
        "délai non mesurable compté dépassé. Le statut rouge / orange / vert du "
        "portefeuille le lit.",
        "Low end of the range: met / (met + breached + unknown), every unknown counted "
        "breached. The portfolio's red / amber / green status reads it.",
        True,
        _S,
    ),
    Kpi(
        "sla_compliance_high",
        "Respect des SLA au mieux",
        "%",
        "Haut de la fourchette : (respectés + non mesurables) / (respectés + dépassés + non "
        "mesurables), chaque délai non mesurable compté respecté.",
        "High end of the range: (met + unknown) / (met + breached + unknown), every unknown "
        "counted met.",
        True,
        _S,
    ),
    Kpi(
        "sla_unknown",
        "Délais non mesurables",
        "nb",
        "Délais soumis au SLA dont l'événement n'est pas daté (ou seulement borné après "
        "l'échéance, ou une attente du client peut-être cachée faute d'historique) : ni "
        "respectés ni dépassés ; l'action qui les mesurerait est indiquée à côté.",
        "Applicable clocks whose event is not dated (or only bounded past the deadline, or "
        "a client wait possibly hidden for lack of a history): neither met nor breached; "
        "the action that would measure them is shown beside.",
        False,
        _S,
    ),
    Kpi(
        "sla_coverage",
        "Couverture de la mesure",
        "%",
        "Demandes mesurables / demandes soumises au SLA : la part dont on connaît la date "
        "de l'événement (jamais inventée).",
        "Measurable / applicable tickets: the share whose event time is known (never invented).",
        True,
        _S,
    ),
    Kpi(
        "sla_breached",
        "Hors délai",
        "nb",
        "Demandes dont le délai est dépassé (closes en retard ou ouvertes au-delà de l'échéance).",
        "Tickets past their deadline (closed late, or still open past it).",
        False,
        _S,
    ),
    Kpi(
        "sla_at_risk",
        "À risque",
        "nb",
        "Demandes ouvertes à qui il reste moins de 25 % du délai.",
        "Open tickets with less than 25 % of their allowance left.",
        False,
        _S,
    ),
    # -- estimation ----------------------------------------------------------------
    Kpi(
        "estimated_tickets",
        "Demandes estimées",
        "nb",
        "Demandes closes avec un devis (ou une réestimation acceptée) strictement positif.",
        "Closed tickets with a positive estimate (or accepted re-estimate).",
        None,
        _E,
    ),
    Kpi(
        "within_guarantee_rate",
        "Dans la garantie",
        "%",
        "Part des demandes estimées dont le passé A ≤ (1 + marge) × devis E.",
        "Share of estimated tickets whose actual A ≤ (1 + margin) × estimate E.",
        True,
        _E,
    ),
    Kpi(
        "within_25_rate",
        "À ±25 % du devis",
        "%",
        "Part des demandes estimées avec 0,75 E ≤ A ≤ 1,25 E.",
        "Share of estimated tickets with 0.75 E ≤ A ≤ 1.25 E.",
        True,
        _E,
    ),
    Kpi(
        "median_ratio",
        "Ratio médian passé / devis",
        "ratio",
        "Médiane de A / E sur les demandes estimées (1 = devis exact).",
        "Median of A / E over estimated tickets (1 = exact estimate).",
        None,
        _E,
    ),
    Kpi(
        "estimation_bias",
        "Biais d'estimation",
        "%",
        "Moyenne de (A − E) / E : positif quand les devis sont sous-estimés.",
        "Mean of (A − E) / E: positive when estimates are too low.",
        None,
        _E,
    ),
    Kpi(
        "estimation_absorbed_hours",
        "Heures absorbées (devis)",
        "h",
        "Somme de max(0, A − (1 + marge) × E) sur les demandes estimées closes.",
        "Sum of max(0, A − (1 + margin) × E) over closed estimated tickets.",
        False,
        _E,
    ),
    # -- activity ------------------------------------------------------------------
    Kpi(
        "tickets_created",
        "Demandes reçues",
        "nb",
        "Demandes créées dans la période.",
        "Tickets created in the period.",
        None,
        _A,
    ),
    Kpi(
        "tickets_resolved",
        "Demandes résolues",
        "nb",
        "Résolutions dans la période : une demande passe en statut résolu (Résolu, Fermé… "
        "même sans date : elle compte alors à sa borne, sinon à sa création).",
        "Resolutions in the period: a ticket entering a resolved status (Résolu, Fermé… even "
        "undated: it then counts at its bound, else at its creation).",
        None,
        _A,
    ),
    Kpi(
        "tickets_reopened",
        "Demandes réouvertes",
        "nb",
        "Réouvertures dans la période : une demande résolue repasse dans un statut ouvert "
        "(ses SLA gardent sa première résolution).",
        "Reopenings in the period: a resolved ticket back in an open status (its SLA keep "
        "its first resolution).",
        None,
        _A,
    ),
    Kpi(
        "backlog_open",
        "Demandes ouvertes",
        "nb",
        "Demandes non résolues à la date d'arrêté : ouvertes au début + reçues − résolues "
        "+ réouvertes. Chaque demande est ouverte ou résolue, jamais les deux ni aucun.",
        "Tickets not resolved at the as-of date: open at the start + received − resolved + "
        "reopened. Every ticket is open or resolved, never both nor neither.",
        None,
        _A,
    ),
    Kpi(
        "backlog_median_age_days",
        "Âge médian du stock",
        "jours",
        "Âge médian (jours calendaires) des demandes ouvertes à la date d'arrêté.",
        "Median age (calendar days) of the tickets open at the as-of date.",
        False,
        _A,
    ),
    Kpi(
        "tickets_without_estimate",
        "Demandes sans devis",
        "nb",
        "Demandes avec du temps passé mais sans devis validé : décomptées au temps passé.",
        "Tickets with time spent but no validated estimate: deducted as spent.",
        None,
        _A,
    ),
)

KPIS: dict[str, Kpi] = {k.id: k for k in CATALOG}


def kpi(kpi_id: str) -> Kpi:
    """Return the catalog entry of ``kpi_id`` (KeyError when it is not declared)."""
    return KPIS[kpi_id]


@dataclass(frozen=True)
class Column:
    """One column of the views' tables: the field it shows, its French label and unit."""

    name: str  # the field name in the views' frames
    label: str  # French, without the unit
    unit: str  # one of COLUMN_UNITS
    codes: Mapping[str, str] | None = None  # French labels of the codes it holds
    internal: bool = False  # never shown to a client
    kpi: str | None = None  # the KPI it shows, when it shows one

    @property
    def header(self) -> str:
        """Return the header shown above the column: label and unit, ``Temps passé (h)``."""
        return self.label + HEADER_SUFFIX.get(self.unit, "")


def _col(
    name: str, label: str, unit: str = "text", codes: Mapping[str, str] | None = None
) -> Column:
    return Column(name, label, unit, codes)


def _of_kpi(name: str, kpi_id: str | None = None, *, internal: bool = False) -> Column:
    entry = KPIS[kpi_id or name]
    return Column(name, entry.label, entry.unit, internal=internal, kpi=entry.id)


def _internal(name: str, label: str, unit: str) -> Column:
    return Column(name, label, unit, internal=True)


#: French labels of the portfolio's red / amber / green statuses (`views.rag`).
RAG_LABELS_FR = {"rouge": "Rouge", "orange": "Orange", "vert": "Vert", "gris": "Gris"}

#: The portfolio's topics, each with its red / amber / green status (`views.rag`).
TOPIC_LABELS_FR = {
    "balance": "Solde",
    "forecast": "Échéance",
    "sla": "SLA",
    "estimation": "Devis",
}

_COLUMN_LIST: tuple[Column, ...] = (
    # -- tickets -------------------------------------------------------------------
    _col("key", "Demande", "id"),
    _col("title", "Titre"),
    _col("kind", "Type", codes=KIND_LABELS_FR),
    _col("severity", "Sévérité", codes=SEVERITY_LABELS_FR),
    _col("status", "Statut"),
    _col("assignee", "Assigné à"),
    _col("created_at", "Créée le", "date"),
    _col("resolved_at", "Résolue le", "date"),
    _col("resolved_by", "Résolution datée par", codes=RESOLVED_BY_LABELS_FR),
    _col("age_days", "Ancienneté", "jours"),
    _col("reopened", "Réouverte", "bool"),
    # -- time and estimates --------------------------------------------------------
    _col("entries", "Saisies", "nb"),
    _col("estimate_hours", "Devis", "h"),
    _col("estimate_days", "Devis", "j"),
    _col("cap_hours", "Plafond garanti", "h"),
    _of_kpi("spent_hours", internal=True),
    _of_kpi("deducted_hours"),
    _of_kpi("absorbed_hours", internal=True),
    _col("deducted_days", "Décompté", "j"),
    _col("deducted_share", "Part du décompté", "%"),
    _col("committed_hours", "Reste engagé", "h"),
    _col("rule", "Règle de décompte", codes=RULE_LABELS_FR),
    _internal("past_guarantee", "Au-delà de la garantie", "bool"),
    _internal("total_spent_hours", "Temps passé total", "h"),
    _col("qualification_over_2h", "Qualification au-delà de 2 h", "bool"),
    _col("activity", "Activité"),
    _internal("person", "Intervenant", "text"),
    _internal("comment", "Commentaire", "text"),
    # -- approvals -----------------------------------------------------------------
    _col("subject", "Objet", codes=SUBJECT_LABELS_FR),
    _col("sent_at", "Envoyé le", "date"),
    _col("waiting_days", "En attente depuis", "jours"),
    # -- SLA -----------------------------------------------------------------------
    _col("sla_kind", "Délai", codes=SLA_KIND_LABELS_FR),
    _col("outcome", "État du délai", codes=OUTCOME_LABELS_FR),
    _col("remaining_minutes", "Temps ouvré restant", "duration"),
    _col("allowance_minutes", "Délai contractuel (ouvré)", "duration"),
    _col("elapsed_minutes", "Temps ouvré écoulé", "duration"),
    _col("overrun_minutes", "Dépassement (ouvré)", "duration"),
    _col("median_minutes", "Durée médiane (ouvré)", "duration"),
    _col("p90_minutes", "Durée à 90 % (ouvré)", "duration"),
    _col("deadline", "Échéance", "datetime"),
    _col("stop_at", "Arrêt du délai", "datetime"),
    _col("stop_source", "Arrêté par", codes=STOP_SOURCE_LABELS_FR),
    _col("stop_kind", "Nature de la date d'arrêt", codes=STOP_KIND_LABELS_FR),
    _col("note", "Explication"),
    _col("still_open", "Toujours ouverte", "bool"),
    _col("applicable", "Soumis au SLA", "nb"),
    _col("measurable", "Mesurables", "nb"),
    _col("not_measurable", "Non mesurables", "nb"),
    _col("met", "Dans les délais", "nb"),
    _of_kpi("breached", "sla_breached"),
    _col("open", "En cours", "nb"),
    _of_kpi("at_risk", "sla_at_risk"),
    _of_kpi("compliance", "sla_compliance"),
    _col("compliance_text", "Respect des SLA (fourchette)"),
    _col("compliance_low", "Respect au pire (non mesurables dépassés)", "%"),
    _col("compliance_high", "Respect au mieux (non mesurables respectés)", "%"),
    _of_kpi("coverage", "sla_coverage"),
    _col("resolved", "Résolues (mesurées)", "nb"),
    # -- months, counts, estimation ------------------------------------------------
    _col("month", "Mois", "month"),
    _col("partial", "Mois incomplet", "bool"),
    _of_kpi("management_share"),
    _col("management_flag", "Gestion hors cible", "bool"),
    _col("allowance_days", "Inclus", "j"),
    _col("overrun_days", "Dépassement", "j"),
    _col("unused_days", "Non utilisé", "j"),
    _col("tickets", "Demandes", "nb"),
    _of_kpi("created", "tickets_created"),
    _col("created_share", "Part des demandes reçues", "%"),
    _col("age_class", "Ancienneté"),
    _col("size_class", "Taille du devis"),
    _of_kpi("within_guarantee_rate"),
    _of_kpi("within_25_rate"),
    _of_kpi("median_ratio"),
    _of_kpi("bias", "estimation_bias"),
    _col("reestimation_rate", "Taux de réestimation", "%"),
    _col("late_reestimations", "Réestimations tardives", "nb"),
    # -- key figures, cards and alerts ---------------------------------------------
    _col("indicator", "Indicateur"),
    _col("value", "Valeur", "row"),
    _col("unit", "Unité"),
    _col("date_value", "Date", "date"),
    _col("change", "Évolution", "row"),
    _col("text", "Valeur affichée"),
    _col("detail", "Précision"),
    _col("change_text", "Évolution (texte)"),
    _col("level", "Niveau", codes=ALERT_LEVEL_LABELS_FR),
    _col("message", "Message"),
    # -- portfolio -----------------------------------------------------------------
    _col("name", "Contrat"),
    _col("model", "Modèle", codes=MODEL_LABELS_FR),
    _of_kpi("purchased_days"),
    _of_kpi("carried_over_days"),
    _of_kpi("consumed_days"),
    _of_kpi("remaining_days"),
    _of_kpi("committed_days"),
    _of_kpi("projected_days"),
    _of_kpi("burn_rate_days_per_month"),
    _of_kpi("forecast_exhaustion_date"),
    _col("expiry_date", "Échéance du carnet", "date"),
    _col("days_to_expiry", "Avant échéance", "jours"),
    _of_kpi("sla_compliance"),
    _col("sla_text", "Respect des SLA (fourchette)"),
    _of_kpi("sla_compliance_low"),
    _of_kpi("sla_compliance_high"),
    _of_kpi("sla_unknown"),
    _of_kpi("sla_coverage"),
    _of_kpi("estimated_tickets"),
    _of_kpi("open_tickets", "backlog_open"),
    _of_kpi("breaches", "sla_breached"),
    _col("received", "Reçues", "nb"),
    _col("reopened_count", "Réouvertes", "nb"),
    _col("resolved_count", "Résolues", "nb"),
    _col("open_start", "Ouvertes au début", "nb"),
    _col("open_end", "Ouvertes à la fin", "nb"),
    _col("runway_days", "Jours avant fin du carnet", "jours"),
    _col("overall_status", "Statut global", codes=RAG_LABELS_FR),
    _col("overall_topic", "Sujet du statut global", codes=TOPIC_LABELS_FR),
    _col("overall_reason", "Motif du statut global"),
    *(
        column
        for topic, name in TOPIC_LABELS_FR.items()
        for column in (
            _col(f"{topic}_status", f"{name} : statut", codes=RAG_LABELS_FR),
            _col(f"{topic}_reason", f"{name} : motif"),
        )
    ),
)

COLUMNS: dict[str, Column] = {c.name: c for c in _COLUMN_LIST}


def column(name: str) -> Column:
    """Return the catalog entry of the column ``name`` (KeyError when it is not declared)."""
    return COLUMNS[name]


def glossary_markdown() -> str:
    """Return the README's KPI glossary (kept identical to the catalog by a test)."""
    lines = []
    for group in dict.fromkeys(k.group for k in CATALOG):
        lines += [
            f"**{group}**",
            "",
            "| KPI | Label (UI) | Unit | Definition |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{k.id}` | {k.label} | {k.unit} | {k.definition_en} |"
            for k in CATALOG
            if k.group == group
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(glossary_markdown(), end="")
