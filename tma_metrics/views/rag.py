"""Red / amber / green statuses of a contract, each with its French reason.

Four topics, thresholds for the README (a bound belongs to the better status):

- **balance** (solde): rouge when exhausted or under the contract's alert days (DOMAIN.md
  §1: time to propose a renewal); orange when the accepted work (committed days) will
  bring it under the alert days (projected balance); vert otherwise;
- **forecast** (échéance): when the current carnet stops covering work, the worse of
  its exhaustion forecast and its expiry: rouge when exhausted, forecast within
  `EXHAUSTION_RED_DAYS` days, or expiring within `EXPIRY_RED_DAYS` days (or expired)
  without a renewal ordered; orange when forecast before the carnet's end, or expiring
  within `EXPIRY_AMBER_DAYS` days without renewal; vert otherwise (a later carnet
  ordered clears the expiry);
- **sla**: `sla_figure` (the one place that chooses which compliance figure is judged),
  rouge under `SLA_RED_BELOW`, orange under `SLA_AMBER_BELOW`, or when the coverage is
  under `SLA_MIN_COVERAGE` (a partial measure is never green). When some clocks are
  not measurable the compliance is a range and the status reads its low end (every
  unknown breached), as its reason says;
- **estimation** (devis): within-guarantee rate of the period's closed estimated
  tickets, rouge under `ESTIMATION_RED_BELOW`, orange under `ESTIMATION_AMBER_BELOW`.

"gris" when the topic cannot be measured: no balance (régie, forfait, no carnet on the
date), no burn to forecast from, no SLA clock met or breached, no estimated ticket
closed in the period. The overall status is the worst topic, grey ignored, with that
topic's reason (the first in `TOPICS` order on a tie).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.domain.carnet.ledger import BALANCE_MODELS
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.estimation import AccuracySummary
from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import MODEL_LABELS_FR
from tma_metrics.views.sla_range import ComplianceRange, percent_down

__all__ = [
    "AMBER",
    "ESTIMATION_AMBER_BELOW",
    "ESTIMATION_RED_BELOW",
    "EXHAUSTION_RED_DAYS",
    "EXPIRY_AMBER_DAYS",
    "EXPIRY_RED_DAYS",
    "GREEN",
    "GREY",
    "RAG_COLORS",
    "RAG_RANK",
    "RED",
    "SLA_AMBER_BELOW",
    "SLA_MIN_COVERAGE",
    "SLA_RED_BELOW",
    "TOPICS",
    "Rag",
    "balance_rag",
    "estimation_rag",
    "exhaustion_rag",
    "expiry_rag",
    "forecast_rag",
    "overall",
    "runway_days",
    "sla_figure",
    "sla_rag",
    "worst",
]

RED, AMBER, GREEN, GREY = "rouge", "orange", "vert", "gris"
#: Worst first: sort contracts by ``RAG_RANK[status]``.
RAG_RANK = {RED: 0, AMBER: 1, GREEN: 2, GREY: 3}
#: Colours of the statuses (Office palette), for pages and charts.
RAG_COLORS = {RED: "#C00000", AMBER: "#ED7D31", GREEN: "#70AD47", GREY: "#A5A5A5"}

#: The topics, in the order a tie on the overall status is broken.
TOPICS = ("balance", "forecast", "sla", "estimation")
#: French names of the topics (column headers, the reasons' lead-in).

SLA_RED_BELOW = 0.80
SLA_AMBER_BELOW = 0.95
SLA_MIN_COVERAGE = 0.50
ESTIMATION_RED_BELOW = 0.70
ESTIMATION_AMBER_BELOW = 0.85
EXPIRY_RED_DAYS = 30
EXPIRY_AMBER_DAYS = 60
EXHAUSTION_RED_DAYS = 30


@dataclass(frozen=True)
class Rag:
    """A status and the French sentence explaining it."""

    status: str  # RED, AMBER, GREEN, GREY
    reason: str


def _days(value: float) -> str:
    """Write days with no decimal when whole: ``4 j``, ``2,5 j``."""
    return fr.days(value, 0 if float(value).is_integer() else 1)


def _pct(value: float) -> str:
    return fr.percent(value)


def balance_rag(balance: Balance, alert_days: float) -> Rag:
    """Return the status of the carnet's balance, today and once accepted work is done."""
    if balance.model not in BALANCE_MODELS:
        return Rag(GREY, f"Pas de solde : {MODEL_LABELS_FR.get(balance.model, balance.model)}")
    if balance.remaining_days is None:
        return Rag(GREY, f"Aucun carnet valide au {fr.day(balance.as_of)}")
    remaining = _days(balance.remaining_days)
    if balance.exhausted:
        when = fr.day(balance.forecast_exhaustion_date)
        return Rag(RED, f"Carnet épuisé depuis le {when} (solde {remaining})")
    if balance.low_balance:
        return Rag(RED, f"Solde {remaining} sous le seuil d'alerte de {_days(alert_days)}")
    projected = balance.projected_days
    if projected is not None and projected < alert_days:
        return Rag(
            AMBER,
            f"Solde {remaining}, {_days(round(projected, 1))} une fois le travail accepté "
            f"fait : sous le seuil d'alerte de {_days(alert_days)}",
        )
    return Rag(GREEN, f"Solde {remaining}, au-dessus du seuil d'alerte de {_days(alert_days)}")


def exhaustion_rag(balance: Balance, today: date) -> Rag:
    """Return the status of the forecast exhaustion date, seen from ``today``."""
    if balance.remaining_days is None:
        return Rag(GREY, "Pas de carnet : pas d'épuisement à prévoir")
    when = balance.forecast_exhaustion_date
    if balance.exhausted:
        return Rag(RED, f"Carnet épuisé le {fr.day(when)}")
    if when is None:
        return Rag(GREY, "Pas de consommation récente : épuisement non prévisible")
    end = fr.day(balance.expiry_date)
    left = (when - today).days
    # Forecast after the carnet's end: the expiry comes first (`expiry_rag` judges it).
    if left < EXHAUSTION_RED_DAYS and (balance.exhausts_before_end or not balance.expiry_date):
        soon = f"dans {left} jour{'s' if abs(left) > 1 else ''}" if left >= 0 else "déjà passé"
        return Rag(RED, f"Épuisement prévu le {fr.day(when)} ({soon}), avant l'échéance du {end}")
    if balance.exhausts_before_end:
        return Rag(AMBER, f"Épuisement prévu le {fr.day(when)}, avant l'échéance du {end}")
    reason = f"Épuisement prévu le {fr.day(when)}, après l'échéance du {end}"
    unused = balance.likely_unused_days
    if unused is not None and unused >= 0.05:
        reason += f" ; environ {_days(round(unused, 1))} resteraient inutilisés"
    return Rag(GREEN, reason)


def expiry_rag(contract: Contract, balance: Balance, today: date) -> Rag:
    """Return the status of the current carnet's expiry, seen from ``today``."""
    if balance.expiry_date is None or balance.carnet_start is None:
        return Rag(GREY, "Pas de carnet en cours : pas d'échéance")
    later = sorted(c.start for c in contract.carnets if c.start > balance.carnet_start)
    if later:
        return Rag(
            GREEN, f"Renouvellement commandé : carnet suivant à partir du {fr.day(later[0])}"
        )
    left = (balance.expiry_date - today).days
    when = fr.day(balance.expiry_date)
    if left < 0:
        return Rag(RED, f"Carnet échu le {when}, sans renouvellement")
    reason = f"Échéance le {when}, dans {left} jour{'s' if left > 1 else ''}"
    if left < EXPIRY_RED_DAYS:
        return Rag(RED, f"{reason}, sans renouvellement commandé")
    if left < EXPIRY_AMBER_DAYS:
        return Rag(AMBER, f"{reason}, sans renouvellement commandé")
    return Rag(GREEN, reason)


def forecast_rag(contract: Contract, balance: Balance, today: date) -> Rag:
    """Return the status of the day the current carnet stops covering work.

    The worse of the exhaustion forecast and the expiry; on a tie, the earlier date.
    """
    exhaustion = exhaustion_rag(balance, today)
    expiry = expiry_rag(contract, balance, today)
    if balance.remaining_days is None:
        return Rag(GREY, "Pas de carnet en cours : pas d'échéance à prévoir")
    ranked = sorted(
        ((exhaustion, balance.forecast_exhaustion_date), (expiry, balance.expiry_date)),
        key=lambda pair: (RAG_RANK[pair[0].status], pair[1] or date.max),
    )
    return ranked[0][0]


def runway_days(contract: Contract, balance: Balance, today: date) -> int | None:
    """Return the days until the current carnet stops covering work (None: no carnet).

    The earlier of the exhaustion forecast and, without a renewal ordered, the expiry;
    0 when already exhausted. Contracts of one status are sorted by it, soonest first.
    """
    if balance.remaining_days is None:
        return None
    if balance.exhausted:
        return 0
    ends = [balance.forecast_exhaustion_date] if balance.forecast_exhaustion_date else []
    renewed = balance.carnet_start is not None and any(
        c.start > balance.carnet_start for c in contract.carnets
    )
    if balance.expiry_date is not None and not renewed:
        ends.append(balance.expiry_date)
    return (min(ends) - today).days if ends else None


def sla_figure(summary: ComplianceSummary) -> float:
    """Return the SLA compliance the portfolio judges (the one place to change it).

    The low end of the range when some clocks are not measurable (every unknown counted
    breached), else the compliance over measurable clocks; NaN when nothing is measured.
    """
    found = ComplianceRange.of(summary)
    if not found.measured:
        return math.nan
    return found.low if found.is_range else found.compliance


def sla_rag(summary: ComplianceSummary) -> Rag:
    """Return the status of the period's SLA compliance, with its coverage.

    A range (some clocks not measurable) is judged on its low end.
    """
    if summary.applicable == 0:
        return Rag(GREY, "Aucune demande soumise aux SLA sur la période")
    found = ComplianceRange.of(summary)
    coverage = _pct(summary.coverage)
    if not found.measured:
        action = found.action()
        return Rag(
            GREY,
            f"Respect des SLA non mesurable sur la période (couverture {coverage}"
            + (f" ; {action}" if action else "")
            + ")",
        )
    rate = found.low if found.is_range else found.compliance
    head = f"Respect des SLA {found.text()} (couverture {coverage})"
    if found.is_range:
        head += f", jugé sur le bas de la fourchette ({percent_down(found.low)})"
    if rate < SLA_RED_BELOW:
        return Rag(RED, f"{head} sous {_pct(SLA_RED_BELOW)}")
    if rate < SLA_AMBER_BELOW:
        return Rag(AMBER, f"{head} sous {_pct(SLA_AMBER_BELOW)}")
    if summary.coverage < SLA_MIN_COVERAGE:
        return Rag(AMBER, f"{head} : couverture sous {_pct(SLA_MIN_COVERAGE)}, mesure partielle")
    return Rag(GREEN, head)


def estimation_rag(summary: AccuracySummary) -> Rag:
    """Return the status of the within-guarantee rate of the period's estimated tickets."""
    rate = summary.within_guarantee_rate
    if summary.tickets == 0 or rate is None or math.isnan(rate):
        return Rag(GREY, "Aucune demande estimée close sur la période")
    plural = "s" if summary.tickets > 1 else ""
    head = f"Dans la garantie {_pct(rate)} ({summary.tickets} demande{plural} estimée{plural})"
    if rate < ESTIMATION_RED_BELOW:
        return Rag(RED, f"{head} sous {_pct(ESTIMATION_RED_BELOW)}")
    if rate < ESTIMATION_AMBER_BELOW:
        return Rag(AMBER, f"{head} sous {_pct(ESTIMATION_AMBER_BELOW)}")
    return Rag(GREEN, head)


def worst(rags: dict[str, Rag]) -> tuple[str, Rag]:
    """Return the topic with the worst status and its status (first topic on a tie).

    >>> worst({"balance": Rag(AMBER, "a"), "sla": Rag(RED, "b"), "forecast": Rag(RED, "c")})
    ('forecast', Rag(status='rouge', reason='c'))
    """
    position = {topic: i for i, topic in enumerate(TOPICS)}
    topic = min(rags, key=lambda t: (RAG_RANK[rags[t].status], position.get(t, len(TOPICS))))
    return topic, rags[topic]


def overall(statuses: list[str]) -> str:
    """Return the worst status, grey ignored (grey when all are grey).

    >>> overall([GREEN, GREY, AMBER]), overall([GREY, GREY])
    ('orange', 'gris')
    """
    measured = [s for s in statuses if s != GREY]
    return min(measured, key=RAG_RANK.__getitem__) if measured else GREY
