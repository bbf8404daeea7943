"""Compliance and coverage: hand-made tables, and a seeded data set recomputed naively."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.naive import states as naive_states
from tests.naive.core import naive_minutes
from tests.ticket_builders import T, contract, history, tickets
from tma_metrics.domain.business_time.timeline import prepare_tickets, waiting_intervals
from tma_metrics.domain.contracts.model import ALWAYS_OPEN, CalendarSpec
from tma_metrics.domain.sla.compliance import COUNT_COLUMNS, RATE_COLUMNS, compliance, summarise
from tma_metrics.domain.sla.outcomes import sla_outcomes


def table(*rows: tuple[str, str, bool, bool, str, str]) -> pd.DataFrame:
    """Build outcomes by hand: (severity, sla_kind, applicable, measurable, outcome, period)."""
    return pd.DataFrame(
        [
            {
                "severity": sev,
                "sla_kind": kind,
                "kind": "corrective",
                "applicable": app,
                "measurable": meas,
                "outcome": out,
                "period_at": T(period),
            }
            for sev, kind, app, meas, out, period in rows
        ]
    )


HAND = table(
    ("majeure", "response", True, True, "met", "2026-10-05"),
    ("majeure", "response", True, True, "met", "2026-11-05"),
    ("majeure", "response", True, True, "breached", "2026-11-06"),
    ("majeure", "response", True, False, "not_measurable", "2026-11-07"),
    ("majeure", "response", True, True, "open", "2026-11-30"),
    ("majeure", "resolution", True, True, "at_risk", "2026-11-30"),
    ("majeure", "resolution", True, False, "not_measurable", "2026-11-30"),
    ("mineure", "resolution", False, False, "not_applicable", "2026-11-30"),
)


# (id, by, start, end, expected rows as dicts of a few columns)
HAND_CASES = [
    (
        "by-severity-and-kind",
        ("severity", "sla_kind"),
        None,
        None,
        [
            {"severity": "majeure", "sla_kind": "resolution", "applicable": 2, "measurable": 1},
            {
                "severity": "majeure",
                "sla_kind": "response",
                "met": 2,
                "breached": 1,
                "open": 1,
                "compliance": 2 / 3,
                "coverage": 4 / 5,
            },
            {"severity": "mineure", "sla_kind": "resolution", "not_applicable": 1},
        ],
    ),
    (
        "november-only",
        ("sla_kind",),
        date(2026, 11, 1),
        date(2026, 11, 30),  # a date end includes its whole day
        [
            {"sla_kind": "resolution", "at_risk": 1, "not_measurable": 1, "coverage": 0.5},
            {"sla_kind": "response", "met": 1, "breached": 1, "compliance": 0.5},
        ],
    ),
    (
        "by-month",
        ("month",),
        None,
        None,
        [
            {"month": T("2026-10-01"), "met": 1, "compliance": 1.0},
            {"month": T("2026-11-01"), "met": 1, "breached": 1, "rows": 7},
        ],
    ),
    (
        "total",
        (),
        None,
        None,
        [{"applicable": 7, "measurable": 5, "compliance": 2 / 3, "coverage": 5 / 7}],
    ),
    (
        "timestamp-end-is-an-instant",
        (),
        None,
        T("2026-11-04 23:59"),
        [{"rows": 1, "met": 1}],
    ),
]


@pytest.mark.parametrize(
    ("by", "start", "end", "expected"),
    [case[1:] for case in HAND_CASES],
    ids=[case[0] for case in HAND_CASES],
)
def test_compliance_hand_made(
    by: tuple[str, ...], start: object, end: object, expected: list[dict[str, Any]]
) -> None:
    got = compliance(HAND, by=by, start=start, end=end)
    assert len(got) == len(expected)
    for (_, row), want in zip(got.iterrows(), expected, strict=True):
        for column, value in want.items():
            if isinstance(value, pd.Timestamp):
                assert row[column] == value, column
            else:
                assert row[column] == pytest.approx(value), column


@pytest.mark.parametrize(
    ("rows", "compliance_nan", "coverage_nan"),
    [
        ([("majeure", "response", True, False, "not_measurable", "2026-11-05")], True, False),
        ([("majeure", "response", True, True, "open", "2026-11-05")], True, False),
        ([("mineure", "resolution", False, False, "not_applicable", "2026-11-05")], True, True),
    ],
    ids=["nothing-measurable", "only-open", "nothing-applicable"],
)
def test_rates_are_nan_not_zero_when_undefined(
    rows: list[tuple[str, str, bool, bool, str, str]], compliance_nan: bool, coverage_nan: bool
) -> None:
    summary = summarise(table(*rows))
    assert np.isnan(summary.compliance) == compliance_nan
    assert np.isnan(summary.coverage) == coverage_nan


def test_unknown_severity_is_its_own_group() -> None:
    rows = table(("majeure", "response", True, True, "met", "2026-11-05"))
    unknown = rows.assign(severity=pd.NA, applicable=False, measurable=False)
    unknown["outcome"] = "not_applicable"
    got = compliance(pd.concat([rows, unknown]), by=("severity",))
    assert len(got) == 2
    assert got["severity"].isna().sum() == 1
    assert got.loc[got["severity"].isna(), "not_applicable"].item() == 1


def test_summary_is_frozen() -> None:
    summary = summarise(HAND)
    assert (summary.met, summary.breached, summary.not_measurable) == (2, 1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.met = 3  # type: ignore[misc]


# ----------------------------------------------------------- seeded data set, naive


AS_OF = datetime(2026, 12, 1, 12, 0)
CONTRACT = contract('[contract.sla.bloquante]\ncalendar = "24/7"\n')
SEVERITY = {"Urgent": "bloquante", "Haut": "majeure", "Normal": "mineure", "Bas": "mineure"}
ALLOWANCE = {  # DOMAIN.md's matrix, bloquante on a 24/7 calendar (1j = 24 h)
    ("bloquante", "response"): 120,
    ("bloquante", "workaround"): 240,
    ("bloquante", "resolution"): 1440,
    ("majeure", "response"): 240,
    ("majeure", "workaround"): 960,
    ("majeure", "resolution"): 2400,
    ("mineure", "response"): 1440,
}


def random_dataset(seed: int, n: int) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Draw tickets (explicit columns) and, for a third of them, a status history.

    A third of the tickets without history are exported as Redmine does: no resolution
    date, only the closing (« Fermé ») and the last update (« Mis à jour »), which only
    bound the resolution; some open ones wait on the client (« En attente client »).
    """
    rng = np.random.default_rng(seed)
    rows, hist = [], []
    for i in range(1, n + 1):
        # A fifth of the tickets arrive in the last days, so that clocks are still running.
        recent = rng.random() < 0.2
        created = datetime(2026, 11, 26) if recent else datetime(2026, 9, 1)
        span = 5 * 1440 + 12 * 60 if recent else 91 * 1440
        created += timedelta(minutes=int(rng.integers(0, span)))

        def later(mean: float, after: datetime = created) -> datetime:
            return after + timedelta(minutes=int(rng.exponential(mean)) + 1)

        row: dict[str, Any] = {
            "key": str(i),
            "created_at": created,
            "priority": rng.choice(["Urgent", "Haut", "Haut", "Normal", "Bas", "P7", ""]) or None,
            "tracker": "Anomalie" if rng.random() < 0.85 else "Évolution",
        }
        draw = rng.random()
        resolved = later(3000) if draw < 0.6 else None
        status = "Résolu" if resolved else ("Nouveau" if draw < 0.8 else "En cours")
        if 0.6 <= draw < 0.65:
            status = "Résolu"  # resolved, but no date anywhere
        if rng.random() < 0.05 and resolved:
            status, resolved = "Rejeté", later(200)
        with_history = rng.random() < 0.35 and status != "Rejeté" and not (0.6 <= draw < 0.65)
        if with_history:
            key = str(i)
            hist.append((key, created.isoformat(), "Nouveau"))
            moment = created
            if rng.random() < 0.5:
                moment = later(300)
                hist.append((key, moment.isoformat(), "En attente client"))
            if rng.random() < 0.8:
                moment = later(400, moment)
                hist.append((key, moment.isoformat(), "En cours"))
                status = "En cours" if not resolved else status
            if resolved:
                resolved = max(resolved, later(60, moment))
                hist.append((key, resolved.isoformat(), "Résolu"))
        else:
            if rng.random() < 0.6:
                row["responded_at"] = later(500)
            if status == "En cours" and rng.random() < 0.4:
                status = "En attente client"  # waiting now: paused since an unknown time
            if not resolved and rng.random() < 0.5:
                row["updated_at"] = later(2000)  # the last update of an open ticket
        if resolved:
            if rng.random() < 0.4:
                row["workaround_at"] = later(400)
            redmine = not with_history and rng.random() < 0.35
            if redmine:  # Redmine: only the closing and the last update bound it
                closing = later(1500, resolved)
                row["closed_at"] = closing if rng.random() < 0.7 else None
                row["updated_at"] = later(600, closing)
                status = "Fermé" if row["closed_at"] else status
            else:
                row["resolved_at"] = resolved
        row["status"] = status
        rows.append(row)
    return rows, hist


def naive_outcomes(
    rows: list[dict[str, Any]], hist: list[tuple[str, str, str]], as_of: datetime
) -> dict[tuple[str, str], dict[str, Any]]:
    """Apply DOMAIN.md's rules ticket by ticket, with plain loops and the naive calendar."""
    by_ticket: dict[str, list[tuple[datetime, str]]] = {}
    for key, at, status in hist:
        by_ticket.setdefault(key, []).append((datetime.fromisoformat(at), status))
    resolved_labels = CONTRACT.resolved_statuses
    linked = [("redmine", k, datetime.fromisoformat(at), s) for k, at, s in hist]
    full = [{"source": "redmine", "closed_at": None, "updated_at": None, **r} for r in rows]
    states = naive_states.changes_of(full, linked, resolved_labels, as_of)
    still_open = {k for _, k in naive_states.open_keys_at(states, as_of)}
    result = {}
    for row in full:
        if row["tracker"] != "Anomalie" or row["created_at"] > as_of:
            continue
        key, created, status = row["key"], row["created_at"], row["status"]
        changes = sorted(by_ticket.get(key, []))
        seen = [(at, s) for at, s in changes if at <= as_of]
        resolved_rows = [at for at, s in changes if s == "Résolu"]
        resolution = resolved_rows[0] if resolved_rows else row.get("resolved_at")
        bound = None
        if resolution is None:
            bound = naive_states.bound_of(row, {naive_states.norm(x) for x in resolved_labels})
        bound_later = bound is not None and bound > as_of
        bound = bound if bound is not None and bound <= as_of else None
        resolution = resolution if resolution is not None and resolution <= as_of else None
        is_open = key in still_open
        resolution_pending = is_open and resolution is None and bound is None
        responded = row.get("responded_at")
        pickups = [at for at, s in seen[1:] if s in ("En cours", "Résolu")]
        response = responded if responded and responded <= as_of else None
        response = response or (pickups[0] if pickups else None)
        later = (responded is not None and responded > as_of) or any(
            at > as_of for at, s in changes[1:] if s in ("En cours", "Résolu")
        )
        known_not_yet = bool(seen) or status == "Nouveau" or later
        response_bound = resolution or bound
        response_pending = response is None and is_open and response_bound is None and known_not_yet
        workaround = row.get("workaround_at")
        workaround = workaround if workaround and workaround <= as_of else None
        workaround_bound = None
        if resolution is not None:
            workaround = min(workaround, resolution) if workaround else resolution
        elif workaround is not None and bound is not None and bound < workaround:
            workaround, workaround_bound = None, bound
        elif workaround is None:
            workaround_bound = bound
        waits = []
        ends = [at for at, _ in seen[1:]] + [as_of]
        for (at, s), end in zip(seen, ends[: len(seen)], strict=True):
            if s == "En attente client" and end > at:
                waits.append((at, end))
        if seen:
            proof = created
        elif status == "En attente client":
            proof = None  # waiting now, since an unknown time
        else:
            updated = row.get("updated_at")
            proof = updated if updated is not None and updated > created else created
        proof = None if bound_later else proof
        severity = SEVERITY.get(row["priority"] or "")
        events = {
            "response": (response, response_bound if response is None else None, response_pending),
            "workaround": (
                workaround,
                workaround_bound,
                (resolution_pending and row.get("workaround_at") is None)
                or (resolution_pending and row["workaround_at"] > as_of),
            ),
            "resolution": (resolution, bound, resolution_pending),
        }
        for sla_kind, (event, stop_bound, pending) in events.items():
            allowance = ALLOWANCE.get((severity, sla_kind)) if severity else None
            applicable = allowance is not None and (sla_kind == "response" or status != "Rejeté")
            spec = ALWAYS_OPEN if severity == "bloquante" else CalendarSpec()
            out: dict[str, Any] = {"outcome": "not_measurable", "elapsed": None, "waits": []}
            if not applicable:
                out["outcome"] = "not_applicable"
            elif (
                (event is not None and event >= created)
                or (event is None and stop_bound is not None and stop_bound >= created)
                or (event is None and stop_bound is None and pending)
            ):
                stop = event or stop_bound or as_of
                clipped = [(max(s, created), min(e, stop)) for s, e in waits]
                clipped = [(s, e) for s, e in clipped if e > s]
                paused = sum(naive_minutes(spec, s, e) for s, e in clipped)
                elapsed = naive_minutes(spec, created, stop) - paused
                left = allowance - elapsed
                within = elapsed <= allowance + 1e-6
                if event is not None:
                    out["outcome"] = "met" if within else "breached"
                elif stop_bound is not None:
                    out["outcome"] = "met" if within else "not_measurable"
                else:
                    # only the time surely run unpaused (from ``proof``) proves anything
                    hidden = naive_minutes(spec, created, proof) if proof else None
                    surely = -math.inf if hidden is None else elapsed - hidden
                    if left < -1e-6:
                        proven = surely > allowance + 1e-6
                        out["outcome"] = "breached" if proven else "not_measurable"
                    elif allowance - surely < 0.25 * allowance - 1e-6:
                        out["outcome"] = "at_risk"
                    else:
                        out["outcome"] = "open"
                if out["outcome"] != "not_measurable":
                    out.update(elapsed=elapsed, waits=clipped, spec=spec, allowance=allowance)
            out.update(severity=severity, created=created)
            result[(key, sla_kind)] = out
    return result


@pytest.fixture(
    scope="module",
    params=[AS_OF, datetime(2026, 11, 27, 16, 30)],
    ids=["as-of-after-everything", "as-of-inside-the-activity"],
)
def seeded(
    request: pytest.FixtureRequest,
) -> tuple[pd.DataFrame, dict[tuple[str, str], dict[str, Any]]]:
    rows, hist = random_dataset(seed=20261122, n=400)
    h = history(*hist)
    as_of = pd.Timestamp(request.param)
    prepared = prepare_tickets(tickets(*rows), h, CONTRACT, as_of)
    waiting = waiting_intervals(h, CONTRACT, as_of)
    outcomes = sla_outcomes(prepared, waiting, CONTRACT, as_of, history_available=True)
    return outcomes, naive_outcomes(rows, hist, request.param)


def test_seeded_outcomes_match_naive_rules(
    seeded: tuple[pd.DataFrame, dict[tuple[str, str], dict[str, Any]]],
) -> None:
    outcomes, naive = seeded
    assert len(outcomes) == len(naive)
    assert Counter(outcomes["outcome"]).keys() >= {"met", "breached", "open", "not_measurable"}
    for row in outcomes.itertuples():
        want = naive[(row.key, row.sla_kind)]
        assert row.outcome == want["outcome"], (row.key, row.sla_kind)
        if want["elapsed"] is not None:
            assert row.elapsed_minutes == pytest.approx(want["elapsed"], abs=1e-6)
            # At the deadline, exactly the allowance has elapsed net of the pauses.
            spec, deadline = want["spec"], row.deadline.to_pydatetime()
            net = naive_minutes(spec, want["created"], deadline) - sum(
                naive_minutes(spec, s, min(e, deadline)) for s, e in want["waits"] if s < deadline
            )
            assert net == pytest.approx(want["allowance"], abs=1e-6), (row.key, row.sla_kind)


def test_seeded_compliance_and_coverage_match_naive_loops(
    seeded: tuple[pd.DataFrame, dict[tuple[str, str], dict[str, Any]]],
) -> None:
    outcomes, naive = seeded
    counts: dict[tuple[str | None, str], Counter[str]] = {}
    for (_, sla_kind), want in naive.items():
        bucket = counts.setdefault((want["severity"], sla_kind), Counter())
        bucket[want["outcome"]] += 1
    got = compliance(outcomes, by=("severity", "sla_kind"))
    assert len(got) == len(counts)
    for row in got.itertuples():
        severity = None if pd.isna(row.severity) else row.severity
        bucket = counts[(severity, row.sla_kind)]
        met, breached = bucket["met"], bucket["breached"]
        measurable = met + breached + bucket["open"] + bucket["at_risk"]
        applicable = measurable + bucket["not_measurable"]
        assert (row.met, row.breached, row.open, row.at_risk) == (
            met,
            breached,
            bucket["open"],
            bucket["at_risk"],
        )
        assert (row.measurable, row.applicable) == (measurable, applicable)
        assert row.not_applicable == bucket["not_applicable"]
        if met + breached:
            assert row.compliance == pytest.approx(met / (met + breached))
        else:
            assert np.isnan(row.compliance)
        if applicable:
            assert row.coverage == pytest.approx(measurable / applicable)
        else:
            assert np.isnan(row.coverage)
        unknown = bucket["not_measurable"]
        if met + breached + unknown:
            span = met + breached + unknown
            assert row.compliance_low == pytest.approx(met / span)
            assert row.compliance_high == pytest.approx((met + unknown) / span)
        else:
            assert np.isnan(row.compliance_low) and np.isnan(row.compliance_high)
    totals = compliance(outcomes, by=())
    assert int(totals["rows"].item()) == len(naive)
    assert list(totals.columns) == [*COUNT_COLUMNS, *RATE_COLUMNS]
