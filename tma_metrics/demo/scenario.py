"""The business story of the demo: three fictional clients, their teams and their carnets.

Everything is relative to ``end`` (the day the exports are taken), so the story keeps
its shape whatever the date. The carnet figures below are the ones written in
``data/contracts.toml`` for the default ``end``; the generator makes the deducted time
of each carnet land exactly on ``consumed_days`` (see `work.calibrate`).

- **Alpha** (Redmine, French): a first carnet that expired with unused days, renewed
  (the unused days carry over) and now under the low-balance alert.
- **Beta** (Jira Cloud, English UI): one 12-month carnet on a steady burn, on track.
- **Gamma** (hand-filled canonical spreadsheet): an autumn security programme makes the
  burn rate jump, so the carnet runs out before its end date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from tma_metrics.demo.clock import working_days
from tma_metrics.domain.contracts.model import add_months, default_end
from tma_metrics.domain.model import Kind
from tma_metrics.french.formats import MONTHS_FR

__all__ = [
    "ALERT_DAYS",
    "EXPORT_TIME",
    "HOURS_PER_DAY",
    "MARGIN",
    "CarnetPlan",
    "ClientStory",
    "MonthTarget",
    "month_end",
    "month_label",
    "month_start",
    "month_targets",
    "stories",
]

#: When the exports are taken on the ``end`` day (nothing in the files is later).
EXPORT_TIME = time(17, 30)
HOURS_PER_DAY = 8.0
MARGIN = 0.25
ALERT_DAYS = 4.0


@dataclass(frozen=True)
class CarnetPlan:
    """One order of days and the deducted days the story puts in it up to ``end``."""

    start: date
    end: date
    days: float
    consumed_days: float
    daily_rate: float | None = None


@dataclass(frozen=True)
class ClientStory:
    """Everything the generator needs to invent one client's year."""

    code: str
    contract: str
    tool: str  # redmine, jira, canonical
    start: date  # first day of activity in the exports
    end: date
    projects: tuple[str, ...]
    project_weights: tuple[float, ...]
    team: tuple[str, ...]  # agency people; the first one is the TMA project manager
    requesters: tuple[str, ...]  # client-side people who open tickets
    shares: tuple[tuple[str, float], ...]  # share of the hours per ticket kind
    season: tuple[float, ...]  # activity multiplier per calendar month (January first)
    carnets: tuple[CarnetPlan, ...]
    copil_months: tuple[int, ...]  # calendar months with a steering committee
    copil_on_ticket: bool  # copil logged on the monthly management ticket (else no ticket)
    bloquante_24_7: bool  # blocking incidents handled around the clock
    holiday_openings: tuple[tuple[int, int], ...]  # (month, day) of forced holiday tickets
    #: Anomalies' workaround and resolution delays against the generator's medians (under
    #: 1: faster). Tuned so that, whatever the end date, the demo's SLA compliance stays
    #: near the 80-95 % a real TMA reports; Beta's team is the fastest.
    sla_pace: float = 1.0

    @property
    def export_at(self) -> datetime:
        """Moment the exports are taken."""
        return datetime.combine(self.end, EXPORT_TIME)


def month_start(day: date) -> date:
    """Return the first day of the month of ``day``."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """Return the last day of the month of ``day``."""
    return add_months(month_start(day), 1) - timedelta(days=1)


def stories(end: date) -> tuple[ClientStory, ClientStory, ClientStory]:
    """Return the three client stories for exports taken on ``end``."""
    return _alpha(end), _beta(end), _gamma(end)


def _alpha(end: date) -> ClientStory:
    """Return the city council on Redmine: two carnets, the second one running."""
    alpha_start = add_months(end, -12)
    alpha_c1_end = month_end(add_months(end, -6))
    alpha_c2_start = alpha_c1_end + timedelta(days=1)
    return ClientStory(
        code="alpha",
        contract="Alpha - Mairie de Valbonne-sur-Loire",
        tool="redmine",
        start=alpha_start,
        end=end,
        projects=("Valbonne - Site internet", "Valbonne - Extranet agents"),
        project_weights=(0.65, 0.35),
        team=("Nicolas Garnier", "Camille Martin", "Julien Moreau", "Sophie Lefèvre"),
        requesters=("Martine Lambert", "Hélène Perrin", "François Dupuis", "Agnès Caron"),
        shares=((Kind.CORRECTIVE, 0.38), (Kind.EVOLUTIVE, 0.30), (Kind.SUPPORT, 0.22)),
        season=(1.05, 1.0, 1.05, 1.0, 0.95, 1.0, 0.9, 0.55, 1.15, 1.1, 1.05, 0.85),
        carnets=(
            CarnetPlan(alpha_start, alpha_c1_end, 100, 94.0, 620.0),
            CarnetPlan(alpha_c2_start, default_end(alpha_c2_start), 80, 83.5, 620.0),
        ),
        copil_months=(1, 7),
        copil_on_ticket=False,
        bloquante_24_7=False,
        holiday_openings=((11, 11), (7, 14), (5, 1), (12, 25)),
        sla_pace=0.7,
    )


def _beta(end: date) -> ClientStory:
    """Return the retailer on Jira: one carnet, its copil logged on the management ticket."""
    beta_start = month_start(add_months(end, -10))
    return ClientStory(
        code="beta",
        contract="Beta - Comptoir des Bastides",
        tool="jira",
        start=beta_start,
        end=end,
        projects=("BETA",),
        project_weights=(1.0,),
        team=("Léa Fontaine", "Hugo Chevalier", "Manon Rousseau", "Antoine Mercier", "Inès Benali"),
        requesters=("Sandrine Vidal", "Marc-Olivier Petit", "Chloé Roche"),
        shares=(
            (Kind.CORRECTIVE, 0.34),
            (Kind.EVOLUTIVE, 0.30),
            (Kind.SUPPORT, 0.16),
            (Kind.PREVENTIVE, 0.10),
        ),
        season=(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.85, 1.0, 1.05, 1.1, 1.0),
        carnets=(CarnetPlan(beta_start, default_end(beta_start), 170, 149.0, 680.0),),
        copil_months=(6,),
        copil_on_ticket=True,
        bloquante_24_7=False,
        holiday_openings=((5, 1), (7, 14), (11, 11)),
        sla_pace=0.5,
    )


def _gamma(end: date) -> ClientStory:
    """Return the water board in the canonical format: 24/7 blocking anomalies, busy autumn."""
    gamma_start = month_start(add_months(end, -9))
    return ClientStory(
        code="gamma",
        contract="Gamma - Syndicat des Eaux de la Gâtine",
        tool="canonical",
        start=gamma_start,
        end=end,
        projects=("Portail abonnés", "Site institutionnel"),
        project_weights=(0.7, 0.3),
        team=("Claire Dubois", "Mathieu Laurent", "Élodie Bernard"),
        requesters=("Service clientèle", "Direction", "Service communication"),
        shares=(
            (Kind.CORRECTIVE, 0.30),
            (Kind.EVOLUTIVE, 0.24),
            (Kind.PREVENTIVE, 0.16),
            (Kind.SUPPORT, 0.20),
        ),
        # The autumn security programme (PHP and Drupal upgrades) doubles the burn.
        season=(1.0, 1.0, 1.0, 1.0, 0.95, 1.0, 0.9, 0.7, 1.6, 1.8, 1.8, 1.0),
        carnets=(CarnetPlan(gamma_start, default_end(gamma_start), 130, 114.0, 590.0),),
        copil_months=(3, 6, 9),
        copil_on_ticket=True,
        bloquante_24_7=True,
        holiday_openings=((5, 1), (7, 14), (8, 15), (11, 11)),
        sla_pace=0.7,
    )


@dataclass(frozen=True)
class MonthTarget:
    """Deducted hours the story puts on the days ``first``..``last`` (one month or less)."""

    first: date
    last: date
    hours: float


def month_targets(story: ClientStory) -> tuple[MonthTarget, ...]:
    """Split each carnet's consumed days over its months, by season and working days.

    Each carnet's total is exact (hours rounded to the quarter, remainder on its
    busiest month), so the balances of the story do not depend on rounding.
    """
    targets: list[MonthTarget] = []
    for carnet in story.carnets:
        first, last = max(carnet.start, story.start), min(carnet.end, story.end)
        if last < first:
            continue
        pieces: list[tuple[date, date]] = []
        cursor = first
        while cursor <= last:
            pieces.append((cursor, min(month_end(cursor), last)))
            cursor = month_end(cursor) + timedelta(days=1)
        workdays = np.array([len(working_days(a, b)) for a, b in pieces], dtype=float)
        season = np.array([story.season[a.month - 1] for a, _ in pieces])
        weights = workdays * season
        total = carnet.consumed_days * HOURS_PER_DAY
        hours = np.round(total * weights / weights.sum() * 4) / 4
        hours[int(np.argmax(hours))] += total - hours.sum()
        targets.extend(MonthTarget(a, b, float(h)) for (a, b), h in zip(pieces, hours, strict=True))
    return tuple(targets)


def month_label(day: date) -> str:
    """French month label: « novembre 2025 »."""
    return f"{MONTHS_FR[day.month - 1]} {day.year}"
