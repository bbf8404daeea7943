"""Story beats: the hand-placed tickets every demo client must contain.

Random arrivals make the bulk of the year; these tickets make sure the dashboard has
something to show on every screen whatever the seed: openings on public holidays, at
night and on weekends, a blocking incident past its deadline, tickets at risk or
already breached at the export, tickets waiting on the client, rejected and duplicate
tickets, big estimate overruns, and for Gamma the re-estimates and refused estimate.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from tma_metrics.demo.clock import working_days
from tma_metrics.demo.scenario import ClientStory
from tma_metrics.domain.model import Kind, Severity

__all__ = ["B", "C", "E", "M", "S", "forced_tickets", "gamma_beats", "m"]

C, E, S = str(Kind.CORRECTIVE), str(Kind.EVOLUTIVE), str(Kind.SUPPORT)
B, M, m = str(Severity.BLOQUANTE), str(Severity.MAJEURE), str(Severity.MINEURE)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _workday_before(story: ClientStory, k: int) -> date:
    """Return the k-th working day before ``end`` (0: ``end`` itself when it is one)."""
    days = working_days(story.start, story.end)
    return days[-1 - k].astype(object)


def _day_in_period(story: ClientStory, month: int, day: int) -> date | None:
    for year in (story.end.year, story.end.year - 1):
        candidate = date(year, month, day)
        if story.start <= candidate < story.end:
            return candidate
    return None


def _fraction(story: ClientStory, share: float, weekday: int | None = None) -> date:
    """Return the day at ``share`` of the period, moved to the next ``weekday`` if given."""
    day = story.start + timedelta(days=int((story.end - story.start).days * share))
    while weekday is not None and day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def forced_tickets(story: ClientStory) -> pd.DataFrame:
    """Return the story beats of ``story``: kind, created, project and attribute overrides."""
    rows = _holiday_beats(story) + _anomaly_beats(story) + _near_end_beats(story)
    if story.code == "gamma":
        rows += gamma_beats(story)
    frame = pd.DataFrame(
        {
            "kind": [r[0] for r in rows],
            "created": pd.to_datetime([r[1] for r in rows]).astype("datetime64[s]"),
            "project": [story.projects[i % len(story.projects)] for i in range(len(rows))],
        }
    )
    frame["overrides"] = [r[2] for r in rows]
    return frame


def _holiday_beats(story: ClientStory) -> list[tuple[str, datetime, dict]]:
    """Return tickets opened on the public holidays the story works."""
    rows: list[tuple[str, datetime, dict]] = []
    holiday_plan = [
        (C, 21, 40, {"severity": B, "response_min": 45.0, "resolution_min": 360.0}),
        (C, 10, 15, {"severity": M}),
        (S, 9, 50, {"severity": m}),
        (C, 14, 20, {"severity": m}),
    ]
    for (month, day), (kind, hour, minute, over) in zip(
        story.holiday_openings, holiday_plan, strict=False
    ):
        when = _day_in_period(story, month, day)
        if when is not None:
            rows.append((kind, _at(when, hour, minute), over))
    return rows


def _anomaly_beats(story: ClientStory) -> list[tuple[str, datetime, dict]]:
    """Return the weekend, blocking, rejected and over-estimate tickets of the period."""
    rows: list[tuple[str, datetime, dict]] = []
    saturday = _fraction(story, 0.4, weekday=5)
    rows += [
        (C, _at(saturday, 23, 10), {"severity": M}),
        (C, _at(_fraction(story, 0.3, weekday=1), 15, 0), {"severity": B, "resolution_min": 900.0}),
        (
            C,
            _at(_fraction(story, 0.5, weekday=2), 11, 5),
            {"reject": "duplicate", "estimate_h": None},
        ),
        (
            C,
            _at(_fraction(story, 0.6, weekday=3), 9, 35),
            {"reject": "not_a_bug", "estimate_h": None},
        ),
        (E, _at(_fraction(story, 0.45, weekday=0), 10, 20), {"estimate_h": 16.0, "actual_h": 27.5}),
        (
            C,
            _at(_fraction(story, 0.7, weekday=4), 14, 45),
            {"severity": M, "estimate_h": 4.0, "actual_h": 6.5},
        ),
    ]
    for over in ({"estimate_h": 6.0}, {"estimate_h": 2.0}):
        over.update(estimate_status="validated", actual_h=over["estimate_h"] * 1.5)
        rows.append((C, _at(_fraction(story, 0.55, weekday=1), 10, 0), over))
    return rows


def _near_end_beats(story: ClientStory) -> list[tuple[str, datetime, dict]]:
    """Return the tickets still open near the export date (SLA running, at risk, breached)."""
    rows: list[tuple[str, datetime, dict]] = []
    near_end = {
        "bloquante_today": (
            C,
            _at(_workday_before(story, 0), 9, 40),
            {"severity": B, "response_min": 20.0},
        ),
        "at_risk": (
            C,
            _at(_workday_before(story, 4), 10, 0),
            {"severity": M, "response_min": 60.0},
        ),
        "breached": (C, _at(_workday_before(story, 9), 11, 0), {"severity": M, "estimate_h": 6.0}),
        "waiting": (
            S,
            _at(_workday_before(story, 5), 16, 10),
            {"resolution_min": 600.0, "wait_min": 9000.0},
        ),
        "new": (C, _at(_workday_before(story, 1), 16, 55), {"severity": m, "response_min": 9000.0}),
    }
    for kind, when, over in near_end.values():
        rows.append((kind, when, {"wait_min": 0.0, **over, "open": True}))
    approval = {"estimate_h": 24.0, "study_min": 300.0, "wait_min": 20000.0, "open": True}
    if story.code == "gamma":
        approval["estimate_status"] = "pending"
    rows.append((E, _at(_workday_before(story, 6), 14, 30), approval))
    return rows


def gamma_beats(story: ClientStory) -> list[tuple[str, datetime, dict]]:
    """Gamma's re-estimates, refused estimate and round-the-clock blocking incidents."""
    sunday = _fraction(story, 0.35, weekday=6)
    saturday = _fraction(story, 0.8, weekday=5)
    return [
        # Re-estimated within the first 25 % of the estimate, accepted by the client.
        (E, _at(_fraction(story, 0.5, weekday=0), 9, 30), {
            "estimate_h": 16.0, "actual_h": 26.0, "reestimate_h": 24.0, "resolution_min": 4800.0,
            "reestimate_status": "accepted", "spent_before_reestimate": 3.0,
            "title": "Refonte du parcours de mensualisation (réestimé)",
        }),
        # Re-estimated after 5 h on an 8 h estimate (too late) and refused: 5 h offered.
        (E, _at(_fraction(story, 0.62, weekday=1), 14, 0), {
            "estimate_h": 8.0, "actual_h": 5.0, "reestimate_h": 20.0,
            "reestimate_status": "refused", "spent_before_reestimate": 5.0,
            "reject": "refused", "resolution_min": 6000.0, "wait_min": 0.0,
            "title": "Export comptable des factures (réestimation refusée)",
        }),
        # Estimate refused: the study time is charged.
        (E, _at(_fraction(story, 0.4, weekday=3), 11, 0), {
            "estimate_h": 40.0, "estimate_status": "refused", "actual_h": 1.5,
            "reject": "refused", "resolution_min": 2400.0, "wait_min": 0.0,
            "title": "Application mobile de relevé de compteur (chiffrage refusé)",
        }),
        (C, _at(sunday, 3, 20), {
            "severity": B, "response_min": 25.0, "workaround_min": 95.0, "resolution_min": 420.0,
            "title": "Portail abonnés inaccessible (erreur 503)",
        }),
        (C, _at(saturday, 19, 45), {
            "severity": B, "response_min": 150.0, "workaround_min": 300.0, "resolution_min": 1900.0,
            "title": "Paiement en ligne des factures en échec pour tous les abonnés",
        }),
    ]  # fmt: skip
