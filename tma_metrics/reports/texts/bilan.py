"""The Bilan mensuel e-mail: the month's consumption, the balance, the improvement plan.

Client-safe whatever the view: deducted time only (never spent or absorbed hours).
"""

from __future__ import annotations

import math

import pandas as pd

from tma_metrics.domain.model import Kind
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import KIND_LABELS_FR, SEVERITY_LABELS_FR, label
from tma_metrics.reports.texts.common import (
    GREETING,
    count,
    hours,
    join_parts,
    jours,
    mail,
    missing,
    of_month,
    section,
    signature,
    subject,
    ticket_label,
)
from tma_metrics.views.bilan import BilanView
from tma_metrics.views.sla_range import ComplianceRange

__all__ = ["TOP_TICKETS", "bilan_text"]

#: Tickets listed in "Principales demandes du mois".
TOP_TICKETS = 10


def bilan_text(view: BilanView, *, author: str | None = None) -> str:
    """Return the monthly report e-mail, in French, ready to paste."""
    month = fr.month(view.month)
    opening = f"Veuillez trouver ci-dessous le bilan TMA du mois {of_month(view.month)}"
    opening += f", arrêté au {fr.day(view.month_end)}." if view.partial else "."
    return mail(
        subject(view.contract_name, f"Bilan TMA {of_month(view.month)}"),
        GREETING,
        opening,
        section("Consommation", _consumption(view, month)),
        section("Répartition du mois", _split(view), "Aucun temps décompté ce mois-ci."),
        section(
            "Principales demandes du mois",
            _top(view.by_ticket),
            "Aucune demande n'a consommé de temps ce mois-ci.",
        ),
        section("Plan d'amélioration continue", _improvement(view, month)),
        section("Remarques", view.notes) if view.notes else "",
        "Nous restons à votre disposition pour en parler lors de notre prochain point.",
        signature(author),
    )


def _consumption(view: BilanView, month: str) -> list[str]:
    lines = [f"Jours consommés en {month} : {fr.days(view.consumed_month_days)}."]
    if view.remaining_days is not None:
        available = (view.purchased_days or 0.0) + (view.carried_over_days or 0.0)
        lines.append(
            f"Total consommé sur le carnet en cours (depuis le {fr.day(view.carnet_start)}) : "
            f"{fr.days(view.consumed_total_days)} sur {fr.days(available)} disponibles."
        )
        lines.append(
            f"Reste à consommer sur la commande en cours : {fr.days(view.remaining_days)}, "
            f"valable jusqu'au {fr.day(view.carnet_end)}."
        )
        if view.low_balance:
            lines.append(
                f"Le solde est passé sous le seuil de {fr.days(view.alert_days)} : nous vous "
                "proposerons le renouvellement du carnet."
            )
    if view.allowance_days is not None:
        lines.append(
            f"Inclus dans l'abonnement : {fr.days(view.allowance_days)} ; dépassement : "
            f"{fr.days(view.overrun_days)}."
        )
    return lines


def _split(view: BilanView) -> list[str]:
    if view.deducted_month_hours <= 0:
        return []
    # Project management is said once, from the month's one figure (`management_share`):
    # not again among the kinds, nor among the activities (a « Gestion de projet »
    # activity is logged on any ticket: another figure). Activities are in the workbook.
    kinds = [
        f"{label(KIND_LABELS_FR, r.kind).lower()} {fr.days(r.deducted_days)} "
        f"({fr.percent(r.deducted_share)})"
        for r in view.by_kind.itertuples(index=False)
        if r.deducted_hours > 0 and r.kind != Kind.MANAGEMENT
    ]
    lines = [f"Par type de demande : {', '.join(kinds)}."] if kinds else []
    if view.management_share is not None:
        days = view.management_share * view.consumed_month_days
        text = (
            f"Gestion de projet (points, bilans, suivi) : {fr.days(days)}, soit "
            f"{fr.percent(view.management_share)} du temps décompté du mois, pour une cible "
            f"de {fr.percent(view.management_target)}"
        )
        lines.append(
            text + (" ; nous en reparlerons au prochain point." if view.management_flag else ".")
        )
    return lines


def _top(by_ticket: pd.DataFrame) -> list[str]:
    ranked = by_ticket[by_ticket["deducted_hours"] > 0].sort_values(
        ["deducted_hours", "key"], ascending=[False, True], kind="stable"
    )
    lines = [
        f"{ticket_label(r)} : {fr.days(r.deducted_days)} ({hours(r.deducted_hours)})"
        for r in ranked.head(TOP_TICKETS).itertuples(index=False)
    ]
    rest = len(ranked) - len(lines)
    if rest > 0:
        lines.append(
            f"… et {count(rest, 'autre demande', 'autres demandes')} (voir le tableau joint)."
        )
    return lines


def _improvement(view: BilanView, month: str) -> list[str]:
    return [
        _sla_line(view, month),
        _estimation_line(view),
        _unestimated_line(view),
        _backlog_line(view),
    ]


def _sla_line(view: BilanView, month: str) -> str:
    s = view.sla_month
    found = ComplianceRange.of(s)
    if s.applicable == 0:
        return f"Respect des SLA en {month} : aucune demande soumise aux SLA."
    if not found.measured and not found.unknown:
        return (
            f"Respect des SLA en {month} : aucun délai arrivé à son terme "
            f"(couverture {fr.percent(s.coverage)})."
        )
    parts = []
    for r in view.sla_by_severity.itertuples(index=False):
        row = ComplianceRange.of_row(r)
        if not row.measured or missing(r.severity):
            continue
        name = label(SEVERITY_LABELS_FR, r.severity).lower()
        detail = f"{r.met} sur {row.decided}"
        if row.unknown:
            detail += f", {row.unknown} non mesurable{'s' if row.unknown > 1 else ''}"
        parts.append(f"{name} {row.text()} ({detail})")
    tail = (" ; " + ", ".join(parts)) if parts else ""
    return f"Respect des SLA en {month} : {found.sentence()}{tail}."


def _estimation_line(view: BilanView) -> str:
    e = view.estimation
    if e.tickets == 0 or e.within_guarantee_rate is None or math.isnan(e.within_guarantee_rate):
        return "Devis tenus dans la garantie : aucune demande estimée close ce mois-ci."
    return (
        f"Devis tenus dans la garantie : {fr.percent(e.within_guarantee_rate)} "
        f"des {count(e.tickets, 'demande estimée close', 'demandes estimées closes')} du mois."
    )


def _unestimated_line(view: BilanView) -> str:
    n = len(view.unestimated)
    # tickets worked in the month that could carry an estimate: time without ticket and
    # project management never have one
    worked = view.by_ticket["ticket_uid"].notna() & (view.by_ticket["kind"] != Kind.MANAGEMENT)
    if not worked.fillna(False).any():
        return "Aucun temps saisi ce mois-ci sur une demande à devis (hors gestion de projet)."
    if n == 0:
        return "Toutes les demandes traitées ce mois-ci avaient un devis validé."
    over = view.unestimated[view.unestimated["qualification_over_2h"]]
    text = f"Demandes traitées sans devis validé : {n}"
    if len(over):
        keys = ", ".join(over["key"].astype(str).head(8))
        more = f" et {len(over) - 8} autres" if len(over) > 8 else ""
        text += f", dont {len(over)} au-delà de 2 h de qualification ({keys}{more})"
    return text + "."


def _backlog_line(view: BilanView) -> str:
    b = view.backlog
    head = f"Demandes ouvertes au {fr.day(view.as_of)} : {b.open}"
    if b.open == 0:
        return f"Aucune demande ouverte au {fr.day(view.as_of)}."
    parts = [head]
    if b.median_age_days is not None:
        parts.append(f"âge médian {jours(round(b.median_age_days))}")
    if b.oldest_key is not None:
        parts.append(f"la plus ancienne, {b.oldest_key}, a {jours(int(b.oldest_age_days or 0))}")
    return join_parts(parts, " ; ") + "."
