"""The compte rendu of a Point TMA: the e-mail the PM sends to the client afterwards.

Always client-safe: internal cards, alerts and figures are left out even when the view
is internal, since the e-mail goes to the client.
"""

from __future__ import annotations

import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import SEVERITY_LABELS_FR, SLA_KIND_LABELS_FR, label
from tma_metrics.reports.texts.common import (
    ACTION_PLACEHOLDER,
    DECISION_PLACEHOLDER,
    GREETING,
    capped,
    count,
    hours,
    join_parts,
    jours,
    mail,
    missing,
    section,
    signature,
    subject,
    ticket_label,
)
from tma_metrics.views.cards import Card
from tma_metrics.views.point import PointView
from tma_metrics.views.sla_range import ComplianceRange

__all__ = ["point_text"]

#: Alerts detailed in the SLA section rather than among the points of attention.
_IN_SLA = ("sla_breached", "sla_at_risk")


def point_text(view: PointView, *, author: str | None = None) -> str:
    """Return the compte rendu draft of the Point TMA, in French, ready to paste."""
    opening = (
        f"Voici le compte rendu de notre point TMA du {fr.long_day(view.as_of)}, "
        f"qui couvre la période du {fr.day(view.since)} au {fr.day(view.as_of)}."
    )
    return mail(
        subject(view.contract_name, f"Compte rendu du point TMA du {fr.day(view.as_of)}"),
        GREETING,
        opening,
        section("Consommation", _consumption(view)),
        _tickets(view),
        section(
            "Devis en attente de validation",
            _pending(view.pending_estimates),
            "Aucun devis en attente de validation.",
        ),
        section(
            "Points d'attention",
            [a.message for a in view.alerts if not a.internal and a.code not in _IN_SLA],
            "Rien à signaler sur la période.",
        ),
        section("SLA", _sla(view)),
        section("Actions", [ACTION_PLACEHOLDER]),
        section("Décisions", [DECISION_PLACEHOLDER]),
        signature(author),
    )


def _consumption(view: PointView) -> list[str]:
    cards = {c.key: c for c in view.cards if not c.internal}
    since = f"depuis le point du {fr.day(view.previous_as_of)}" if view.previous_as_of else ""
    lines = []
    if "remaining_days" in cards:
        remaining = cards["remaining_days"]
        lines.append(
            f"Solde du carnet : {remaining.text} {remaining.detail}{_change(remaining, since)}."
        )
        consumed = cards["consumed_days"]
        lines.append(
            f"Consommé {consumed.detail} : {consumed.text}, dont "
            f"{fr.days(view.window_deducted_days)} sur la période du point."
        )
    else:
        lines.append(
            f"Temps décompté sur la période du point : {fr.days(view.window_deducted_days)}."
        )
    if "committed_days" in cards:
        lines.append(
            f"Engagé sur les demandes au devis validé : {cards['committed_days'].text}, soit "
            f"un solde prévisionnel de {cards['projected_days'].text}."
        )
    forecast = cards.get("forecast_exhaustion_date")
    if forecast is not None and forecast.value is not None:
        lines.append(f"Épuisement prévu le {forecast.text} ({forecast.detail}).")
    elif forecast is not None:
        lines.append(f"Épuisement non prévisible : {forecast.detail}.")
    return lines


def _change(card: Card, since: str) -> str:
    if not card.change_text or not since:
        return ""
    return f" ({card.change_text} {since})"


def _tickets(view: PointView) -> str:
    incoming = [ticket_label(r) + _status(r) for r in view.incoming.itertuples(index=False)]
    resolved = [
        ticket_label(r) + f", résolue le {fr.day(r.resolved_at)}"
        for r in view.resolved.itertuples(index=False)
    ]
    in_progress = [_in_progress(r) for r in view.in_progress.itertuples(index=False)]
    blocks = [
        section(
            f"Demandes entrées ({len(incoming)})", capped(incoming), "Aucune nouvelle demande."
        ),
        section(
            f"Demandes résolues ({len(resolved)})", capped(resolved), "Aucune demande résolue."
        ),
        section(
            f"Demandes en cours ({len(in_progress)})",
            capped(in_progress),
            "Aucune demande en cours.",
        ),
    ]
    return "\n\n".join(blocks)


def _status(row: object) -> str:
    status = getattr(row, "status", None)
    return "" if missing(status) else f" – {status}"


def _in_progress(row: object) -> str:
    who = getattr(row, "assignee", None)
    state = join_parts(
        [None if missing(row.status) else str(row.status), None if missing(who) else str(who)]
    )
    figures = []
    if not missing(row.estimate_hours):
        figures.append(f"devis {hours(row.estimate_hours)}")
    figures.append(f"décompté {hours(row.deducted_hours)}")
    if not missing(row.committed_hours):
        figures.append(f"reste engagé {hours(row.committed_hours)}")
    return join_parts([ticket_label(row), state, ", ".join(figures)], " – ")


def _pending(pending: pd.DataFrame) -> list[str]:
    lines = []
    for row in pending.itertuples(index=False):
        what = "réestimation" if row.subject == "reestimate" else "devis"
        text = f"{ticket_label(row)} : {what} de {fr.days(row.estimate_days)}"
        text += f" ({hours(row.estimate_hours)})"
        if not missing(row.sent_at):
            text += f", envoyé le {fr.day(row.sent_at)}"
            if not missing(row.waiting_days) and int(row.waiting_days) > 0:
                text += f" (il y a {jours(int(row.waiting_days))})"
        lines.append(text + ", en attente de votre validation.")
    return capped(lines, what="devis")


def _sla(view: PointView) -> list[str]:
    window, period = view.sla_window, view.sla_period
    lines = []
    found = ComplianceRange.of(window)
    if window.applicable == 0:
        lines.append("Aucune demande soumise aux SLA sur la période du point.")
    elif not found.measured and not found.unknown:
        lines.append(
            f"Sur la période du point : aucun délai arrivé à son terme "
            f"({count(window.open + window.at_risk, 'délai', feminine=False)} en cours)."
        )
    elif found.is_range or not found.measured:
        lines.append(f"Sur la période du point : {found.sentence()}.")
    else:
        lines.append(
            f"Sur la période du point : {window.met} délai{'s' if window.met > 1 else ''} "
            f"respecté{'s' if window.met > 1 else ''} sur {found.decided}, soit "
            f"{found.text()} ({found.coverage_text()})."
        )
    whole = ComplianceRange.of(period)
    if whole.measured or whole.unknown:
        lines.append(f"Depuis le {fr.day(view.period_start)} : {whole.sentence()}.")
    for row in view.breaches.itertuples(index=False):
        what = label(SLA_KIND_LABELS_FR, row.sla_kind).lower()
        state = "toujours en cours" if row.still_open else f"arrêté le {fr.timestamp(row.stop_at)}"
        lines.append(
            f"Délai dépassé – {_sla_ticket(row)} : {what}, échéance le "
            f"{fr.timestamp(row.deadline)}, {state}."
        )
    for row in view.to_watch.itertuples(index=False):
        what = label(SLA_KIND_LABELS_FR, row.sla_kind).lower()
        risk = " (à risque)" if row.outcome == "at_risk" else ""
        lines.append(
            f"À surveiller{risk} – {_sla_ticket(row)} : {what} avant le "
            f"{fr.timestamp(row.deadline)}, reste {fr.minutes_as_duration(row.remaining_minutes)} "
            "(temps ouvré)."
        )
    return lines


def _sla_ticket(row: object) -> str:
    text = join_parts([str(row.key), None if missing(row.title) else str(row.title)], " – ")
    if missing(row.severity):
        return text
    return f"{text} ({label(SEVERITY_LABELS_FR, row.severity).lower()})"
