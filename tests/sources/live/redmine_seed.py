"""The data the real Redmine of the tests is seeded with, and its naive SLA reference.

Times are written in Paris wall-clock time, as a project manager reads them; the seed
converts them to UTC for Redmine. The histories hold waits for the client, a reopening,
a priority change, a tracker change, a rejection, a change across the end of summer
time (25/10/2026) and the 11 November holiday.
"""

from __future__ import annotations

import json
import zoneinfo
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from tests.naive.core import naive_open
from tma_metrics.domain.contracts.model import CalendarSpec

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WAITING = "En attente client"
RESOLVED = ("Résolu", "Fermé", "Rejeté")
#: DOMAIN.md's default matrix in business minutes (None: planned, no SLA).
ALLOWANCES = {
    "bloquante": {"response": 120, "workaround": 240, "resolution": 480},
    "majeure": {"response": 240, "workaround": 960, "resolution": 2400},
    "mineure": {"response": 1440, "workaround": None, "resolution": None},
}
SEVERITY = {"Immédiat": "bloquante", "Urgent": "bloquante", "Haut": "majeure",
            "Normal": "mineure", "Bas": "mineure"}  # fmt: skip


@dataclass(frozen=True)
class SeedIssue:
    name: str
    project: str
    tracker: str
    priority: str
    created: str  # Paris wall-clock time
    changes: tuple[tuple[str, str, str], ...] = ()  # (Paris time, attribute, new value)
    estimate: float | None = None
    status: str = "Nouveau"

    @property
    def subject(self) -> str:
        return f"{self.name} — demande de test ; « guillemets »"

    def final(self, attribute: str) -> str:
        initial = {"status": self.status, "priority": self.priority, "tracker": self.tracker}
        found = [v for _, a, v in self.changes if a == attribute]
        return found[-1] if found else initial[attribute]


@dataclass(frozen=True)
class SeedEntry:
    name: str
    issue: str | None
    project: str
    day: str
    hours: float
    activity: str
    comment: str
    user: str
    updated: str | None = None  # an entry edited later (Paris time)


def _c(at: str, attribute: str, value: str) -> tuple[str, str, str]:
    return (at, attribute, value)


ISSUES = (
    SeedIssue("A1", "sync-alpha", "Anomalie", "Urgent", "2026-10-05 10:00", (
        _c("2026-10-05 11:30", "status", "En cours"),
        _c("2026-10-05 14:30", "status", WAITING),
        _c("2026-10-06 10:00", "status", "En cours"),
        _c("2026-10-06 15:00", "status", "Résolu"),
        _c("2026-10-09 10:00", "status", "Fermé"),
    )),
    SeedIssue("A2", "sync-alpha", "Anomalie", "Haut", "2026-10-06 16:00", (
        _c("2026-10-07 11:00", "status", "En cours"),
        _c("2026-10-12 17:00", "status", "Résolu"),
        _c("2026-10-13 09:30", "status", "En cours"),
        _c("2026-10-14 12:00", "status", "Résolu"),
        _c("2026-10-20 10:00", "status", "Fermé"),
    )),
    SeedIssue("A3", "sync-alpha", "Anomalie", "Normal", "2026-10-07 15:00", (
        _c("2026-10-08 09:00", "priority", "Urgent"),
        _c("2026-10-08 10:30", "status", "En cours"),
        _c("2026-10-09 16:00", "status", "Résolu"),
    )),
    SeedIssue("A4", "sync-alpha", "Anomalie", "Urgent", "2026-11-23 09:15", (
        _c("2026-11-23 10:00", "status", "En cours"),
        _c("2026-11-23 11:00", "status", WAITING),
    )),
    SeedIssue("A5", "sync-alpha", "Assistance", "Haut", "2026-10-13 09:00", (
        _c("2026-10-13 09:30", "tracker", "Anomalie"),
        _c("2026-10-13 10:00", "status", "En cours"),
        _c("2026-10-14 17:00", "status", "Résolu"),
    )),
    SeedIssue("A6", "sync-alpha", "Anomalie", "Urgent", "2026-10-15 14:00", (
        _c("2026-10-15 15:00", "status", "En cours"),
        _c("2026-10-16 10:00", "status", "Rejeté"),
    )),
    SeedIssue("A7", "sync-alpha", "Anomalie", "Urgent", "2026-10-23 17:00", (
        _c("2026-10-26 09:30", "status", "En cours"),
        _c("2026-10-26 11:00", "status", "Résolu"),
    )),
    SeedIssue("A8", "sync-alpha", "Evolution", "Normal", "2026-10-19 10:00", (
        _c("2026-10-19 11:00", "status", "En cours"),
        _c("2026-10-28 16:00", "status", "Résolu"),
    ), estimate=16.0),
    SeedIssue("A9", "sync-alpha", "Anomalie", "Haut", "2026-11-10 16:00", (
        _c("2026-11-12 10:00", "status", "En cours"),
        _c("2026-11-13 12:00", "status", "Résolu"),
    )),
    SeedIssue("A10", "sync-alpha", "Anomalie", "Haut", "2026-11-26 09:00"),
    SeedIssue("S1", "sync-alpha-extranet", "Anomalie", "Immédiat", "2026-11-02 09:00", (
        _c("2026-11-02 12:00", "status", "En cours"),
        _c("2026-11-03 09:00", "status", "Résolu"),
    )),
    SeedIssue("B1", "sync-beta", "Anomalie", "Urgent", "2026-10-05 09:00", (
        _c("2026-10-05 09:10", "status", "En cours"),
        _c("2026-10-05 12:00", "status", "Résolu"),
    )),
    SeedIssue("G1", "sync-gamma", "Anomalie", "Normal", "2026-11-02 09:00"),
    SeedIssue("P1", "sync-prive", "Anomalie", "Normal", "2026-11-02 09:00"),
)  # fmt: skip

ENTRIES = (
    SeedEntry("e1", "A1", "sync-alpha", "2026-10-05", 2.5, "Développement",
              "Diagnostic du paiement", "camille"),
    SeedEntry("e2", "A1", "sync-alpha", "2026-10-06", 1.75, "Développement",
              "Correctif ; « urgent »", "louis"),
    SeedEntry("e3", "A2", "sync-alpha", "2026-10-08", 4.0, "Développement",
              "Génération PDF", "camille", updated="2026-10-20 09:00"),
    SeedEntry("e4", "A8", "sync-alpha", "2026-10-19", 8.0, "Conception", "Maquettes", "camille"),
    SeedEntry("e5", "A8", "sync-alpha", "2026-10-20", 8.0, "Développement", "Développement",
              "louis"),
    SeedEntry("e6", "A8", "sync-alpha", "2026-10-27", 6.0, "Développement",
              "Recette et livraison", "camille"),
    SeedEntry("e7", None, "sync-alpha", "2026-10-30", 1.0, "Conception",
              "Point TMA hebdomadaire", "louis"),
    SeedEntry("e8", "S1", "sync-alpha-extranet", "2026-11-02", 3.0, "Développement",
              "Correctif extranet", "camille"),
    SeedEntry("e9", "A9", "sync-alpha", "2026-11-12", 2.0, "Développement", "Analyse",
              "camille"),
    SeedEntry("e10", "B1", "sync-beta", "2026-10-05", 1.5, "Développement", "Beta", "camille"),
    SeedEntry("e11", "A2", "sync-alpha", "2026-10-12", 0.25, "Développement", "Relecture",
              "louis"),
)  # fmt: skip

PROJECTS = (
    {"name": "Sync Alpha", "identifier": "sync-alpha", "public": True, "parent": None,
     "members": ["camille", "louis"]},
    {"name": "Sync Alpha - Extranet", "identifier": "sync-alpha-extranet", "public": True,
     "parent": "sync-alpha", "members": ["camille"]},
    {"name": "Sync Beta", "identifier": "sync-beta", "public": True, "parent": None,
     "members": ["camille"]},
    {"name": "Sync Gamma", "identifier": "sync-gamma", "public": True, "parent": None,
     "members": ["camille"]},
    {"name": "Sync Privé", "identifier": "sync-prive", "public": False, "parent": None,
     "members": ["camille"]},
)  # fmt: skip
USERS = (
    {"login": "camille", "firstname": "Camille", "lastname": "Martin",
     "mail": "camille@example.test"},
    {"login": "louis", "firstname": "Louis", "lastname": "Durand", "mail": "louis@example.test"},
    {"login": "lecteur", "firstname": "Léa", "lastname": "Lecteur",
     "mail": "lecteur@example.test"},
)  # fmt: skip

#: The contract the SLA and consumption tests read (projects by their Redmine names).
CONTRACT_TOML = """
[[contract]]
name = "Sync Alpha"
projects = ["Sync Alpha", "Sync Alpha - Extranet"]

[[contract.carnet]]
start = 2026-09-01
days = 50
"""
ALPHA = ("sync-alpha", "sync-alpha-extranet")


def paris(text: str) -> datetime:
    """Return a Paris wall-clock time (naive, as the store keeps it)."""
    return datetime.fromisoformat(text)


def utc_text(text: str) -> str:
    """Return the Redmine UTC text of a Paris wall-clock time."""
    local = datetime.fromisoformat(text).replace(tzinfo=PARIS)
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def spec_json() -> str:
    """Return the seed script's input."""
    issues = [
        {**asdict(i), "subject": i.subject, "created": utc_text(i.created),
         "changes": [[utc_text(at), a, v] for at, a, v in i.changes]}
        for i in ISSUES
    ]  # fmt: skip
    entries = []
    for e in ENTRIES:
        created = utc_text(f"{e.day} 18:00")
        entries.append(
            {
                **asdict(e),
                "created": created,
                "updated": utc_text(e.updated) if e.updated else created,
            }
        )
    return json.dumps(
        {"issues": issues, "entries": entries, "projects": PROJECTS, "users": USERS},
        ensure_ascii=False,
        sort_keys=True,
    )


# -- the naive SLA reference -------------------------------------------------------------


def naive_business_minutes(
    start: datetime, end: datetime, pauses: list[tuple[datetime, datetime]]
) -> float:
    """Count, minute by minute, the business minutes of [start, end) outside ``pauses``."""
    spec = CalendarSpec()
    total = 0
    minute = start
    while minute < end:
        midnight = datetime(minute.year, minute.month, minute.day)
        of_day = (minute - midnight).total_seconds() / 60
        worked = naive_open(spec, minute.date()) and any(
            lo <= of_day < hi for lo, hi in spec.windows
        )
        paused = any(a <= minute < b for a, b in pauses)
        if worked and not paused:
            total += 1
        minute += timedelta(minutes=1)
    return float(total)


def naive_outcomes(issue: SeedIssue, at: datetime) -> dict[str, tuple[str, float | None]]:
    """Return, per SLA kind, (outcome, elapsed business minutes) read at ``at``.

    Straight from DOMAIN.md: the response stops at the first status other than the
    initial, a new or a waiting one; the resolution at the first resolved status;
    waiting statuses pause every clock; a rejected ticket only counts for the response;
    the current priority gives the severity. No history here has a workaround status,
    so the resolution is the workaround (DOMAIN.md §4): it stops that clock too, and
    while the ticket is open the workaround clock runs like the resolution's.
    """
    created = paris(issue.created)
    statuses = [(created, issue.status)] + [
        (paris(t), v) for t, a, v in issue.changes if a == "status"
    ]
    pauses = [
        (t, statuses[i + 1][0] if i + 1 < len(statuses) else at)
        for i, (t, s) in enumerate(statuses)
        if s == WAITING
    ]
    response = next(
        (t for t, s in statuses[1:] if s not in (issue.status, "Nouveau", WAITING)), None
    )
    resolution = next((t for t, s in statuses if s in RESOLVED), None)
    severity = SEVERITY[issue.final("priority")]
    rejected = issue.final("status") == "Rejeté"
    out: dict[str, tuple[str, float | None]] = {}
    for kind, stop in (("response", response), ("workaround", resolution),
                       ("resolution", resolution)):  # fmt: skip
        allowance = ALLOWANCES[severity][kind]
        if allowance is None or (rejected and kind != "response"):
            out[kind] = ("not_applicable", None)
            continue
        if stop is not None and stop <= at:
            elapsed = naive_business_minutes(created, stop, pauses)
            out[kind] = ("met" if elapsed <= allowance else "breached", elapsed)
            continue
        elapsed = naive_business_minutes(created, at, pauses)
        if elapsed > allowance:
            out[kind] = ("breached", elapsed)
        elif allowance - elapsed < 0.25 * allowance:
            out[kind] = ("at_risk", elapsed)
        else:
            out[kind] = ("open", elapsed)
    return out
