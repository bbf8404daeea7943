"""Contracts as code: parse and validate the contracts TOML into frozen value objects.

Pure: takes the TOML text, returns `Contract` objects or raises `ContractError` with a
French message naming the contract, the key, what was expected and what was found.
Reading the file from disk is `contract_file.load_contracts`.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tma_metrics.model import Kind, Severity
from tma_metrics.vocabulary import (
    DEFAULT_KINDS,
    DEFAULT_PRIORITIES,
    DEFAULT_REJECTED_LABELS,
    DEFAULT_RESOLVED_STATUSES,
    DEFAULT_WAITING_STATUSES,
)

SLA_KINDS = ("response", "workaround", "resolution")
SLA_KIND_LABELS_FR = {
    "response": "Prise en charge",
    "workaround": "Contournement",
    "resolution": "Résolution",
}
PLANNED = "planned"

#: DOMAIN.md section 4, the default SLA matrix.
DEFAULT_SLA: dict[str, dict[str, str]] = {
    Severity.BLOQUANTE: {"response": "2h", "workaround": "4h", "resolution": "1j"},
    Severity.MAJEURE: {"response": "4h", "workaround": "2j", "resolution": "5j"},
    Severity.MINEURE: {"response": "3j", "workaround": PLANNED, "resolution": PLANNED},
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MODELS = ("carnet", "subscription", "regie", "forfait")
MODEL_LABELS_FR = {
    "carnet": "Carnet de jours",
    "subscription": "Abonnement mensuel",
    "regie": "Régie (à la demande)",
    "forfait": "Forfait",
}

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
)
CARNET_KEYS = ("start", "end", "days", "daily_rate")
CALENDAR_KEYS = ("windows", "weekdays", "holidays", "closed")

_ALLOWANCE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(min|h|j|d)\s*$", re.IGNORECASE)
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class ContractError(ValueError):
    """The contracts file is wrong; the message (French) names contract, key, expected, found."""


def normalise_label(text: str) -> str:
    """Return ``text`` lower-cased, trimmed, with accents and inner spaces normalised.

    >>> normalise_label("  Très   Haute ")
    'tres haute'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("’", "'").lower().split())


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


def allowance_minutes(text: str, day_minutes: int) -> float:
    """Convert an allowance such as ``2h``, ``1j``, ``30min`` to business minutes.

    >>> allowance_minutes("1j", 480), allowance_minutes("2h", 480), allowance_minutes("0,5j", 480)
    (480.0, 120.0, 240.0)
    """
    match = _ALLOWANCE.match(text)
    if not match:
        raise ContractError(
            f"Délai « {text} » illisible : attendu un nombre suivi de min, h ou j "
            "(« 2h », « 1j », « 30min ») ou « planned »."
        )
    value = float(match.group(1).replace(",", "."))
    unit = match.group(2).lower()
    return value * {"min": 1, "h": 60, "j": day_minutes, "d": day_minutes}[unit]


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


def parse_contracts(text: str) -> tuple[Contract, ...]:
    """Parse the contracts TOML text into contracts; raise `ContractError` on any fault."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContractError(
            "Fichier de contrats illisible : attendu du TOML valide ([[contract]], "
            f"clé = valeur), trouvé une erreur de syntaxe — {exc}."
        ) from exc
    raw_contracts = doc.get("contract", [])
    if not isinstance(raw_contracts, list):
        raise ContractError(
            "Clé « contract » : attendu des blocs [[contract]], trouvé "
            f"{type(raw_contracts).__name__}."
        )
    contracts = tuple(_parse_contract(raw, i) for i, raw in enumerate(raw_contracts, 1))
    names = [c.name for c in contracts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ContractError(f"Nom de contrat en double : {', '.join(duplicates)}.")
    owners: dict[str, str] = {}
    for contract in contracts:
        for project in contract.projects:
            owner = owners.setdefault(normalise_label(project), contract.name)
            if owner != contract.name:
                raise ContractError(
                    f"Contrat « {contract.name} », clé « projects » : attendu des projets "
                    f"propres au contrat, trouvé « {project} » déjà rattaché à « {owner} »."
                )
    return contracts


class _Reader:
    """Typed access to one TOML table with French errors naming contract and key."""

    def __init__(self, table: dict[str, Any], contract: str, prefix: str = "") -> None:
        self.table = table
        self.contract = contract
        self.prefix = prefix

    def fail(self, key: str, expected: str, found: Any) -> ContractError:
        return ContractError(
            f"Contrat « {self.contract} », clé « {self.prefix}{key} » : attendu {expected}, "
            f"trouvé {found!r}."
        )

    def number(self, key: str, default: float | None, *, minimum: float = 0.0) -> float | None:
        value = self.table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.fail(key, f"un nombre ≥ {minimum:g}", value)
        return float(value)

    def text(self, key: str, default: str | None) -> str | None:
        value = self.table.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "un texte", value)
        return value

    def texts(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.table.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "une liste de textes", value)
        return tuple(value)

    def day(self, key: str, default: date | None = None) -> date | None:
        value = self.table.get(key, default)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise self.fail(key, "une date AAAA-MM-JJ", value) from None
        if not isinstance(value, date):
            raise self.fail(key, "une date AAAA-MM-JJ", value)
        return value

    def unknown_keys(self, allowed: set[str]) -> None:
        extra = sorted(set(self.table) - allowed)
        if extra:
            raise self.fail(extra[0], "une des clés " + ", ".join(sorted(allowed)), extra[0])


def _parse_contract(raw: Any, index: int) -> Contract:
    if not isinstance(raw, dict):
        raise ContractError(f"Contrat n° {index} : attendu une table, trouvé {raw!r}.")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ContractError(f"Contrat n° {index}, clé « name » : attendu un nom, trouvé {name!r}.")
    r = _Reader(raw, name)
    r.unknown_keys(set(CONTRACT_KEYS))
    projects = r.texts("projects", ())
    if not projects:
        raise r.fail("projects", "au moins un projet", raw.get("projects"))
    model = r.text("model", "carnet")
    if model not in MODELS:
        raise r.fail("model", "un de " + ", ".join(MODELS), model)
    hours_per_day = r.number("hours_per_day", 8.0, minimum=0.1)
    calendar = _parse_calendar(raw.get("calendar", {}), name, "calendar.")
    carnets = _parse_carnets(raw.get("carnet", []), name)
    if model == "carnet" and not carnets:
        raise r.fail("carnet", "au moins un bloc [[contract.carnet]] (start, days)", None)
    timezone = r.text("timezone", "Europe/Paris")
    sla = _parse_sla(raw.get("sla", {}), name)
    priorities = {normalise_label(k): v for k, v in DEFAULT_PRIORITIES.items()}
    for label, severity in _table(raw, "priorities", name).items():
        if severity not in set(Severity):
            raise _Reader(raw, name, "priorities.").fail(
                label, "bloquante, majeure ou mineure", severity
            )
        priorities[normalise_label(label)] = severity
    kinds = {normalise_label(k): v for k, v in DEFAULT_KINDS.items()}
    for label, kind in _table(raw, "kinds", name).items():
        if kind not in set(Kind):
            raise _Reader(raw, name, "kinds.").fail(label, "un de " + ", ".join(Kind), kind)
        kinds[normalise_label(label)] = kind
    sla_kinds = r.texts("sla_ticket_kinds", (Kind.CORRECTIVE,))
    for kind in sla_kinds:
        if kind not in set(Kind):
            raise r.fail("sla_ticket_kinds", "des types parmi " + ", ".join(Kind), kind)
    return Contract(
        name=name.strip(),
        projects=projects,
        carnets=carnets,
        model=model,
        hours_per_day=hours_per_day,
        margin=r.number("margin", 0.25),
        alert_days=r.number("alert_days", 4.0),
        timezone=timezone,
        waiting_statuses=r.texts("waiting_statuses", DEFAULT_WAITING_STATUSES),
        resolved_statuses=r.texts("resolved_statuses", DEFAULT_RESOLVED_STATUSES),
        rejected_labels=r.texts("rejected_labels", DEFAULT_REJECTED_LABELS),
        calendar=calendar,
        sla=sla,
        sla_ticket_kinds=tuple(str(k) for k in sla_kinds),
        priorities=tuple(sorted((k, str(v)) for k, v in priorities.items())),
        kinds=tuple(sorted((k, str(v)) for k, v in kinds.items())),
        monthly_days=r.number("monthly_days", None),
        management_share_target=r.number("management_share_target", 0.10),
    )


def _table(raw: dict[str, Any], key: str, contract: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ContractError(
            f"Contrat « {contract} », clé « {key} » : attendu une table [contract.{key}], "
            f"trouvé {value!r}."
        )
    return value


def _parse_carnets(raw: Any, contract: str) -> tuple[Carnet, ...]:
    if not isinstance(raw, list):
        raise ContractError(
            f"Contrat « {contract} », clé « carnet » : attendu des blocs [[contract.carnet]], "
            f"trouvé {raw!r}."
        )
    carnets: list[Carnet] = []
    for i, item in enumerate(raw, 1):
        r = _Reader(item if isinstance(item, dict) else {}, contract, f"carnet[{i}].")
        if not isinstance(item, dict):
            raise r.fail("", "une table", item)
        r.unknown_keys(set(CARNET_KEYS))
        start = r.day("start")
        if start is None:
            raise r.fail("start", "une date de début AAAA-MM-JJ", None)
        days = r.number("days", None)
        if days is None:
            raise r.fail("days", "le nombre de jours achetés", None)
        end = r.day("end") or default_end(start)
        if end < start:
            raise r.fail("end", f"une date de fin postérieure au début ({start})", str(end))
        carnets.append(Carnet(start, end, days, r.number("daily_rate", None)))
    carnets.sort(key=lambda c: c.start)
    for previous, current in itertools.pairwise(carnets):
        if current.start == previous.start:
            raise ContractError(
                f"Contrat « {contract} », clé « carnet » : deux carnets commencent le "
                f"{current.start.isoformat()}."
            )
    return tuple(carnets)


def _parse_windows(values: tuple[str, ...], r: _Reader) -> tuple[tuple[int, int], ...]:
    windows: list[tuple[int, int]] = []
    for text in values:
        match = _WINDOW.match(text)
        if not match:
            raise r.fail("windows", "des plages « HH:MM-HH:MM »", text)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
            raise r.fail("windows", "une plage croissante entre 00:00 et 24:00", text)
        if windows and start < windows[-1][1]:
            raise r.fail("windows", "des plages triées qui ne se chevauchent pas", text)
        windows.append((start, end))
    if not windows:
        raise r.fail("windows", "au moins une plage horaire", list(values))
    return tuple(windows)


def _parse_calendar(raw: Any, contract: str, prefix: str) -> CalendarSpec:
    if raw in ("24/7", "24x7"):
        return ALWAYS_OPEN
    r = _Reader(raw if isinstance(raw, dict) else {}, contract, prefix)
    if not isinstance(raw, dict):
        raise r.fail("", "une table ou « 24/7 »", raw)
    r.unknown_keys(set(CALENDAR_KEYS))
    windows = _parse_windows(r.texts("windows", ("09:00-13:00", "14:00-18:00")), r)
    weekdays = []
    for day in r.texts("weekdays", WEEKDAYS[:5]):
        if day.lower() not in WEEKDAYS:
            raise r.fail("weekdays", "des jours parmi " + ", ".join(WEEKDAYS), day)
        weekdays.append(WEEKDAYS.index(day.lower()))
    holidays = raw.get("holidays", "FR")
    if holidays in (False, "", "none", None):
        holidays = None
    elif not isinstance(holidays, str) or not re.fullmatch(r"FR(-[0-9A-Za-z ]+)?", holidays):
        raise r.fail("holidays", "« FR », « FR-57 » (Alsace-Moselle) ou « none »", holidays)
    closed = []
    for value in raw.get("closed", []):
        try:
            closed.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise r.fail("closed", "des dates AAAA-MM-JJ", value) from None
    return CalendarSpec(
        windows=windows,
        weekdays=tuple(sorted(set(weekdays))),
        holidays=holidays,
        closed=tuple(sorted(closed)),
    )


def _parse_sla(raw: Any, contract: str) -> tuple[SlaTarget, ...]:
    if not isinstance(raw, dict):
        raise ContractError(
            f"Contrat « {contract} », clé « sla » : attendu des tables [contract.sla.<sévérité>], "
            f"trouvé {raw!r}."
        )
    unknown = sorted(set(raw) - set(Severity))
    if unknown:
        raise ContractError(
            f"Contrat « {contract} », clé « sla.{unknown[0]} » : attendu une sévérité "
            "(bloquante, majeure, mineure)."
        )
    targets: list[SlaTarget] = []
    for severity in Severity:
        row = raw.get(severity, {})
        r = _Reader(row if isinstance(row, dict) else {}, contract, f"sla.{severity}.")
        if not isinstance(row, dict):
            raise r.fail("", "une table", row)
        r.unknown_keys({*SLA_KINDS, "calendar"})
        calendar = (
            _parse_calendar(row["calendar"], contract, f"sla.{severity}.calendar.")
            if "calendar" in row
            else None
        )
        for kind in SLA_KINDS:
            value = r.text(kind, DEFAULT_SLA[severity][kind])
            if value is not None and value.strip().lower() == PLANNED:
                allowance = None
            else:
                try:
                    allowance_minutes(value or "", 480)
                except ContractError:
                    raise r.fail(
                        kind, "un délai « 2h », « 1j », « 30min » ou « planned »", value
                    ) from None
                allowance = value.strip()
            targets.append(SlaTarget(str(severity), kind, allowance, calendar))
    return tuple(targets)


def carnet_label(carnet: Carnet) -> str:
    """French label of a carnet: « 40 j du 01/01/2026 au 31/12/2026 »."""
    days = f"{carnet.days:g}".replace(".", ",")
    return f"{days} j du {carnet.start:%d/%m/%Y} au {carnet.end:%d/%m/%Y}"
