"""The compte rendu of a Copil: the e-mail sent to the client after the committee.

Client-safe whatever the view: internal cards are left out.
"""

from __future__ import annotations

from tma_metrics.french import formats as fr
from tma_metrics.reports.texts.common import (
    ACTION_PLACEHOLDER,
    DECISION_PLACEHOLDER,
    GREETING,
    mail,
    section,
    signature,
    subject,
    ticket_label,
)
from tma_metrics.views.cards import Card
from tma_metrics.views.copil import CopilView

__all__ = ["TOP_TICKETS", "copil_text"]

#: Costliest tickets named in the e-mail.
TOP_TICKETS = 5


def copil_text(view: CopilView, *, author: str | None = None) -> str:
    """Return the Copil's compte rendu draft, in French, ready to paste."""
    opening = (
        f"Voici le compte rendu du comité de pilotage du {fr.long_day(view.as_of)}, qui "
        f"portait sur la période du {fr.day(view.start)} au {fr.day(view.end)}. La "
        "présentation est jointe à ce message."
    )
    consumption = [_line(c) for c in view.cards if not c.internal]
    consumption += [_line(c) for c in view.key_figures if c.key == "period_deducted_days"]
    service = [_line(c) for c in view.key_figures if c.key != "period_deducted_days"]
    costliest = [
        f"{ticket_label(r)} : {fr.days(r.deducted_days)}"
        for r in view.costliest.head(TOP_TICKETS).itertuples(index=False)
        if r.deducted_hours > 0
    ]
    return mail(
        subject(view.contract_name, f"Compte rendu du comité de pilotage du {fr.day(view.as_of)}"),
        GREETING,
        opening,
        section("Consommation", consumption, "Pas de carnet pour ce contrat."),
        section("Activité et qualité de service", service),
        section("Demandes les plus consommatrices", costliest, "Aucun temps décompté."),
        section(
            "Points d'attention",
            [a.message for a in view.alerts if not a.internal],
            "Rien à signaler.",
        ),
        section("Actions", [ACTION_PLACEHOLDER]),
        section("Décisions", [DECISION_PLACEHOLDER]),
        signature(author),
    )


def _line(card: Card) -> str:
    text = f"{card.label} : {card.text}"
    return f"{text} ({card.detail})." if card.detail else f"{text}."
