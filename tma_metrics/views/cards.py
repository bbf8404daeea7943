"""Balance cards: the carnet's key figures, French-formatted, with their change.

Labels, units and formats come from the KPI catalog (`tma_metrics.metrics`); values
from `consumption.Balance`. A card's change compares the same field of the previous
figures (days for day figures; calendar days for a date: positive when it moves later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.domain.carnet.ledger import BALANCE_MODELS
from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.french import formats as fr
from tma_metrics.metrics import kpi
from tma_metrics.views.alerts import forecast_range
from tma_metrics.views.sla_range import ComplianceRange

__all__ = ["DAY_CARDS", "Card", "balance_cards", "date_shift", "sla_card"]

#: Day figures of the carnet shown as cards, in order.
DAY_CARDS = ("remaining_days", "consumed_days", "committed_days", "projected_days")


@dataclass(frozen=True)
class Card:
    """One key figure: value, French text, optional change since the previous figures."""

    key: str  # KPI id (or the view's own id when the figure is not a catalog KPI)
    label: str
    value: float | date | None
    text: str
    unit: str = "j"  # the KPI catalog's units: "j", "h", "%", "date", "nb"...
    detail: str = ""
    change: float | None = None
    change_text: str = ""
    help: str = ""
    internal: bool = False
    #: A shorter text for a narrow card (« 25 à 97 % »); the page then writes ``text``
    #: in the caption. Empty: ``text`` fits.
    short_text: str = ""


def balance_cards(
    current: Balance, previous: Balance | None = None, *, client_view: bool = False
) -> tuple[Card, ...]:
    """Return the carnet's cards (none for a model without balance or without carnet)."""
    if current.model not in BALANCE_MODELS or current.remaining_days is None:
        return ()
    available = (current.purchased_days or 0.0) + (current.carried_over_days or 0.0)
    details = {
        "remaining_days": f"sur {fr.days(available)} disponibles",
        "consumed_days": f"depuis le {fr.day(current.carnet_start)}",
        "committed_days": "reste à faire des demandes au devis validé",
        "projected_days": "solde une fois le travail accepté terminé",
    }
    cards = [_day_card(name, current, previous, details[name]) for name in DAY_CARDS]
    if current.committed_days is None:
        cards = [c for c in cards if c.key not in ("committed_days", "projected_days")]
    cards.append(_forecast_card(current, previous))
    if not client_view:
        cards.append(_absorbed_card(current, previous))
    return tuple(cards)


def _day_card(name: str, current: Balance, previous: Balance | None, detail: str) -> Card:
    entry = kpi(name)
    value = getattr(current, name)
    before = getattr(previous, name) if previous is not None else None
    change = None if value is None or before is None else value - before
    return Card(
        key=name,
        label=entry.label,
        value=value,
        text=entry.format(value),
        detail=detail,
        change=change,
        change_text="" if change is None else fr.days(change, signed=True),
        help=entry.definition,
    )


def _forecast_card(current: Balance, previous: Balance | None) -> Card:
    entry = kpi("forecast_exhaustion_date")
    value = current.forecast_exhaustion_date
    if current.exhausted:
        detail = f"carnet épuisé ; échéance le {fr.day(current.expiry_date)}"
    elif value is None:
        detail = "pas de consommation récente pour estimer un rythme"
    else:
        rate = kpi("burn_rate_days_per_month").format(current.burn_rate_days_per_month)
        span = forecast_range(current, prefix=", ")
        detail = f"au rythme de {rate}{span} ; échéance le {fr.day(current.expiry_date)}"
    before = previous.forecast_exhaustion_date if previous is not None else None
    change = None if value is None or before is None else float((value - before).days)
    return Card(
        key="forecast_exhaustion_date",
        label=entry.label,
        value=value,
        text=entry.format(value) if value is not None else "Non prévisible",
        unit="date",
        detail=detail,
        change=change,
        change_text="" if change is None else date_shift(int(change)),
        help=entry.definition,
    )


def _absorbed_card(current: Balance, previous: Balance | None) -> Card:
    entry = kpi("absorbed_hours")
    value = current.absorbed_hours
    before = previous.absorbed_hours if previous is not None else None
    change = None if value is None or before is None else value - before
    return Card(
        key="absorbed_hours",
        label=entry.label,
        value=value,
        text=entry.format(value),
        unit="h",
        detail="au titre de la garantie sur devis, sur le carnet en cours",
        change=change,
        change_text="" if change is None else fr.hours(change, signed=True),
        help=entry.definition,
        internal=True,
    )


def sla_card(summary: ComplianceSummary) -> Card:
    """Return the SLA compliance card: a rate, a range or « non mesurable » (`sla_range`).

    Its value is the compliance only when every clock whose deadline has come is
    measured; a range or an unmeasured compliance has no single value (NaN), its text
    says it, and the detail gives the coverage and the action that would close the gap.
    """
    entry = kpi("sla_compliance")
    found = ComplianceRange.of(summary)
    value = found.compliance if found.measured and not found.is_range else float("nan")
    if not summary.applicable:
        detail = "aucune demande soumise aux SLA"
    else:
        detail = f"{found.detail()} ; {summary.breached} hors délai"
    short = found.short_text() if found.is_range else ""
    return Card(
        key="sla_compliance",
        label=entry.label,
        value=value,
        text=found.text(),
        unit=entry.unit,
        detail=detail,
        help=entry.definition,
        short_text=short,
    )


def date_shift(days: int) -> str:
    """Say in French how far a date moved: ``reculé de 9 jours``, ``inchangé``.

    >>> date_shift(9), date_shift(-1), date_shift(0)
    ('reculé de 9 jours', 'avancé de 1 jour', 'inchangé')
    """
    if days == 0:
        return "inchangé"
    word = "reculé" if days > 0 else "avancé"
    n = abs(days)
    return f"{word} de {n} jour{'s' if n > 1 else ''}"
