"""The KPI catalog: every indicator declared once (id, French label, unit, definition).

Pages, exports and the README's glossary read these entries; a test fails when one
lacks a definition or when the README does not list it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tma_metrics import frenchfmt as fr


@dataclass(frozen=True)
class Kpi:
    """One indicator."""

    id: str
    label: str  # French, as shown on screen
    unit: str  # "j", "h", "%", "date", "nb", "ratio", "j/mois", "bool"
    definition: str  # French, shown in the app's glossary and help texts
    definition_en: str  # English, for the README glossary
    higher_is_better: bool | None  # None: neither (a volume, a date)
    group: str  # "Consommation", "SLA", "Estimation", "Activité"

    def format(self, value: object) -> str:
        """Format a value of this KPI the French way."""
        if self.unit == "j":
            return fr.days(value)
        if self.unit == "j/mois":
            return fr.days(value) + "/mois" if value is not None else fr.MISSING
        if self.unit == "h":
            return fr.hours(value)
        if self.unit == "%":
            return fr.percent(value)
        if self.unit == "date":
            return fr.day(value)
        if self.unit == "ratio":
            return fr.number(value, 2)
        if self.unit == "bool":
            return "Oui" if value else "Non"
        return fr.number(value, 0)


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
        "estimation_tickets",
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
        "nb",
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
