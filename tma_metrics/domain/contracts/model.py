"""Contracts as code: the frozen value objects the engines read, and their defaults.

`Contract` and its parts (carnets, calendar, SLA targets). Parsing the TOML file is
`contract_parser.parse_contracts`; the values as managers write them are read by
`contract_values`; reading the file from disk is `contract_file.load_contracts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tma_metrics.domain.contracts.values import normalise_label, read_allowance
from tma_metrics.domain.model import Kind, Severity
from tma_metrics.domain.vocabulary import (
    DEFAULT_REJECTED_LABELS,
    DEFAULT_RESOLVED_STATUSES,
    DEFAULT_WAITING_STATUSES,
)
from tma_metrics.errors import ConfigurationError

__all__ = [
    "ALWAYS_OPEN",
    "CALENDAR_KEYS",
    "CARNET_KEYS",
    "CONTRACT_KEYS",
    "DEFAULT_SLA",
    "MODELS",
    "PLANNED",
    "SLA_KINDS",
    "CalendarSpec",
    "Carnet",
    "Contract",
    "ContractError",
    "SlaTarget",
    "add_months",
    "allowance_minutes",
    "carnet_label",
    "default_end",
]

SLA_KINDS = ("response", "workaround", "resolution")
PLANNED = "planned"

#: DOMAIN.md section 4, the default SLA matrix.
DEFAULT_SLA: dict[str, dict[str, str]] = {
    Severity.BLOQUANTE: {"response": "2h", "workaround": "4h", "resolution": "1j"},
    Severity.MAJEURE: {"response": "4h", "workaround": "2j", "resolution": "5j"},
    Severity.MINEURE: {"response": "3j", "workaround": PLANNED, "resolution": PLANNED},
}

MODELS = ("carnet", "subscription", "regie", "forfait")

#: Keys of a [[contract]] block, of a [[contract.carnet]] and of [contract.calendar]
#: (the README's "Contracts file" section documents each one; a test checks it).
CONTRACT_KEYS = (
    "name",
    "projects",
    "model",
    "hours_per_day",
    "margin",
    "alert_days",
    "timezone",
    "waiting_statuses",
    "resolved_statuses",
    "rejected_labels",
    "carnet",
    "calendar",
    "sla",
    "sla_ticket_kinds",
    "priorities",
    "kinds",
    "monthly_days",
    "management_share_target",
    "client",
    "logo",
)
CARNET_KEYS = ("start", "end", "days", "daily_rate")
CALENDAR_KEYS = ("windows", "weekdays", "holidays", "closed")


@dataclass(frozen=True)
class Carnet:
    """One order of prepaid days."""

    start: date
    end: date
    days: float
    daily_rate: float | None = None


@dataclass(frozen=True)
class CalendarSpec:
    """Business calendar of a contract (or of one severity, e.g. 24/7 for blocking)."""

    windows: tuple[tuple[int, int], ...] = ((9 * 60, 13 * 60), (14 * 60, 18 * 60))
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    holidays: str | None = "FR"  # "FR", "FR-57" (Alsace-Moselle), or None
    closed: tuple[date, ...] = ()

    @property
    def day_minutes(self) -> int:
        """Business minutes in one open day: what ``1j`` means."""
        return sum(end - start for start, end in self.windows)


ALWAYS_OPEN = CalendarSpec(windows=((0, 24 * 60),), weekdays=tuple(range(7)), holidays=None)


@dataclass(frozen=True)
class SlaTarget:
    """Allowance of one SLA kind for one severity; ``None`` means planned (no SLA)."""

    severity: str
    kind: str
    allowance: str | None
    calendar: CalendarSpec | None = None  # None: the contract's calendar

    def minutes(self, default_calendar: CalendarSpec) -> float | None:
        """Return the allowance in business minutes of the applicable calendar."""
        if self.allowance is None:
            return None
        cal = self.calendar or default_calendar
        return allowance_minutes(self.allowance, cal.day_minutes)


@dataclass(frozen=True)
class Contract:
    """A client contract and everything the engines need to compute its figures."""

    name: str
    projects: tuple[str, ...]
    carnets: tuple[Carnet, ...] = ()
    model: str = "carnet"
    hours_per_day: float = 8.0
    margin: float = 0.25
    alert_days: float = 4.0
    timezone: str = "Europe/Paris"
    waiting_statuses: tuple[str, ...] = DEFAULT_WAITING_STATUSES
    resolved_statuses: tuple[str, ...] = DEFAULT_RESOLVED_STATUSES
    rejected_labels: tuple[str, ...] = DEFAULT_REJECTED_LABELS
    calendar: CalendarSpec = field(default_factory=CalendarSpec)
    sla: tuple[SlaTarget, ...] = ()
    sla_ticket_kinds: tuple[str, ...] = (Kind.CORRECTIVE,)
    priorities: tuple[tuple[str, str], ...] = ()  # normalised label -> severity
    kinds: tuple[tuple[str, str], ...] = ()  # normalised tracker label -> kind
    monthly_days: float | None = None  # subscription allowance per month
    management_share_target: float = 0.10
    client: str | None = None  # the client's name on the decks (default: the contract's)
    logo: str | None = None  # the client's logo, relative to the contracts file's folder

    def sla_target(self, severity: str, kind: str) -> SlaTarget:
        """Return the SLA target of ``severity`` and ``kind`` (response, workaround...)."""
        for target in self.sla:
            if target.severity == severity and target.kind == kind:
                return target
        raise KeyError((severity, kind))

    def severity_of(self, priority: str | None) -> str | None:
        """Map a tool priority label to a severity; ``None`` when the label is unknown."""
        if priority is None:
            return None
        return dict(self.priorities).get(normalise_label(priority))

    def kind_of(self, tracker: str | None) -> str | None:
        """Map a tool tracker / type label to a ticket kind; ``None`` when unknown."""
        if tracker is None:
            return None
        return dict(self.kinds).get(normalise_label(tracker))

    def covers(self, project: str | None) -> bool:
        """Say whether a project name or key belongs to this contract."""
        if project is None:
            return False
        return normalise_label(project) in {normalise_label(p) for p in self.projects}

    def carnet_on(self, day: date) -> Carnet | None:
        """Return the carnet valid on ``day`` (the latest-starting one), if any."""
        valid = [c for c in self.carnets if c.start <= day <= c.end]
        return max(valid, key=lambda c: c.start) if valid else None


class ContractError(ConfigurationError):
    """The contracts file is wrong; the message (French) names contract, key, expected, found."""


def allowance_minutes(text: str, day_minutes: int) -> float:
    """Convert an allowance such as ``2h``, ``1j``, ``30min`` to business minutes.

    >>> allowance_minutes("1j", 480), allowance_minutes("2h", 480), allowance_minutes("0,5j", 480)
    (480.0, 120.0, 240.0)
    """
    parsed = read_allowance(text)
    if parsed is None:
        raise ContractError(
            f"Délai « {text} » illisible : attendu un nombre suivi de min, h ou j "
            "(« 2h », « 1j », « 30min ») ou « planned »."
        )
    value, unit = parsed
    return value * {"min": 1, "h": 60, "j": day_minutes}[unit]


def add_months(day: date, months: int) -> date:
    """Return ``day`` shifted by ``months``, clamped to the end of the target month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_end(start: date) -> date:
    """Default carnet end: start + 12 months - 1 day."""
    return add_months(start, 12) - timedelta(days=1)


def carnet_label(carnet: Carnet) -> str:
    """French label of a carnet: « 40 j du 01/01/2026 au 31/12/2026 »."""
    days = f"{carnet.days:g}".replace(".", ",")
    return f"{days} j du {carnet.start:%d/%m/%Y} au {carnet.end:%d/%m/%Y}"
