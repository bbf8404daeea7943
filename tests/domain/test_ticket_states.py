"""Every ticket is open or resolved as of any date (DOMAIN.md §4), and the counts reconcile.

Each case is one ticket (its export columns, maybe a history) and the changes of its
state expected by hand; the engine's changes are also compared with the naive loop of
tests/naive/states.py, on the cases and on a seeded random data set.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.naive import states as naive_states
from tests.ticket_builders import T, contract, history, tickets
from tma_metrics.domain import ticket_states
from tma_metrics.domain.business_time.timeline import prepare_tickets, ticket_changes

CONTRACT = contract()
AS_OF = T("2026-11-27 18:00")
CREATED = "2026-11-23 09:00"

# (id, ticket fields, history rows (instant, status), expected changes (instant, change),
#  open at AS_OF, resolved_on)
CASES = [
    ("open", {"status": "En cours"}, None, [], True, None),
    (
        "jira-resolved-event",
        {"status": "Done", "resolved_at": "2026-11-24 10:00"},
        None,
        [("2026-11-24 10:00", "resolved")],
        False,
        "2026-11-24 10:00",
    ),
    (
        "redmine-closed-counts-at-its-closing",
        {"status": "Fermé", "closed_at": "2026-11-26 10:00", "updated_at": "2026-11-26 11:00"},
        None,
        [("2026-11-26 10:00", "resolved")],
        False,
        "2026-11-26 10:00",
    ),
    (
        "redmine-resolu-counts-at-its-last-update",
        {"status": "Résolu", "updated_at": "2026-11-25 15:00"},
        None,
        [("2026-11-25 15:00", "resolved")],
        False,
        "2026-11-25 15:00",
    ),
    (
        "resolved-status-without-any-date-is-resolved",
        {"status": "Résolu"},
        None,
        [(CREATED, "resolved")],
        False,
        CREATED,
    ),
    (
        "redmine-reopened-keeps-its-closing-reopens-at-its-update",
        {"status": "En cours", "closed_at": "2026-11-24 11:00", "updated_at": "2026-11-25 14:00"},
        None,
        [("2026-11-24 11:00", "resolved"), ("2026-11-25 14:00", "reopened")],
        True,
        "2026-11-24 11:00",
    ),
    (
        "reopened-without-update-reopens-at-once",
        {"status": "En cours", "resolved_at": "2026-11-24 10:00"},
        None,
        [("2026-11-24 10:00", "resolved"), ("2026-11-24 10:00", "reopened")],
        True,
        "2026-11-24 10:00",
    ),
    (
        "resolved-after-as-of-is-open",
        {"status": "Done", "resolved_at": "2026-11-30 10:00"},
        None,
        [],
        True,
        None,
    ),
    (
        "closing-after-as-of-is-open",
        {"status": "Fermé", "closed_at": "2026-11-30 10:00"},
        None,
        [],
        True,
        None,
    ),
    (
        "unknown-status-and-no-date-is-open",
        {"status": None},
        None,
        [],
        True,
        None,
    ),
    (
        "history-resolved-reopened-resolved",
        {"status": "Fermé", "closed_at": "2026-11-27 10:00"},
        [
            (CREATED, "Nouveau"),
            ("2026-11-23 14:00", "Résolu"),
            ("2026-11-24 09:00", "En cours"),
            ("2026-11-26 10:00", "Résolu"),
            ("2026-11-27 10:00", "Fermé"),  # still resolved: no change
        ],
        [
            ("2026-11-23 14:00", "resolved"),
            ("2026-11-24 09:00", "reopened"),
            ("2026-11-26 10:00", "resolved"),
        ],
        False,
        "2026-11-23 14:00",
    ),
    (
        "history-without-resolution-takes-the-export-bound",
        {"status": "Fermé", "closed_at": "2026-11-26 10:00"},
        [(CREATED, "Nouveau"), ("2026-11-23 10:00", "En cours")],
        [("2026-11-26 10:00", "resolved")],
        False,
        "2026-11-26 10:00",
    ),
    (
        "history-without-resolution-nor-date-resolves-after-its-last-row",
        {"status": "Résolu"},
        [(CREATED, "Nouveau"), ("2026-11-23 10:00", "En cours")],
        [("2026-11-23 10:00", "resolved")],
        False,
        "2026-11-23 10:00",
    ),
    (
        "history-reopened-after-the-export-resolution",
        {"status": "En cours", "resolved_at": "2026-11-24 10:00"},
        [(CREATED, "Nouveau"), ("2026-11-25 10:00", "En cours")],
        [("2026-11-24 10:00", "resolved"), ("2026-11-25 10:00", "reopened")],
        True,
        "2026-11-24 10:00",
    ),
    (
        "resolution-dated-before-creation-counts-at-creation",
        {"status": "Done", "resolved_at": "2026-11-20 10:00"},
        None,
        [(CREATED, "resolved")],
        False,
        CREATED,
    ),
]


def history_rows(h: pd.DataFrame | None) -> list[tuple]:
    """(source, key, instant, status) rows of a history frame, for the naive loop."""
    if h is None:
        return []
    return list(zip(h["source"], h["ticket_key"], h["at"], h["status"], strict=True))


def prepare(row: dict[str, Any], hist: list[tuple[str, str]] | None):
    t = tickets({"created_at": CREATED, **row})
    h = history(*[("1", at, status) for at, status in hist]) if hist else None
    return t, h, prepare_tickets(t, h, CONTRACT, AS_OF)


@pytest.mark.parametrize(
    ("row", "hist", "expected", "is_open", "resolved_on"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_state_changes(row, hist, expected, is_open, resolved_on) -> None:
    t, h, prepared = prepare(row, hist)
    changes = ticket_changes(prepared, h, CONTRACT, AS_OF)
    got = [(str(at)[:16], c) for at, c in zip(changes["at"], changes["change"], strict=True)]
    assert got == [(CREATED, "received"), *expected]
    (ticket,) = prepared.itertuples()
    assert ticket.is_open == is_open
    assert (None if pd.isna(ticket.resolved_on) else str(ticket.resolved_on)[:16]) == resolved_on
    # The naive loop finds the same changes, and the same state.
    rows = history_rows(h)
    naive = naive_states.changes_of(
        t.to_dict("records"), rows, CONTRACT.resolved_statuses, AS_OF.to_pydatetime()
    )
    assert [(str(w)[:16], c) for _, _, w, c in naive] == got
    assert bool(naive_states.open_keys_at(naive, AS_OF.to_pydatetime())) == is_open


def test_a_ticket_without_creation_date_was_always_there() -> None:
    t = tickets(
        {"created_at": None, "status": "En cours"}, {"created_at": None, "status": "Résolu"}
    )
    prepared = prepare_tickets(t, None, CONTRACT, AS_OF)
    changes = ticket_changes(prepared, None, CONTRACT, AS_OF)
    assert changes["at"].isna().all()
    counts = ticket_states.flow(changes, date(2026, 11, 1), date(2026, 11, 30))
    assert counts == {"open_start": 1, "received": 0, "resolved": 0, "reopened": 0, "open_end": 1}


# ------------------------------------------------------------------ the identity


def random_tickets(seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame | None, list]:
    """Draw tickets of every shape the cases cover, with a history for some."""
    rng = np.random.default_rng(seed)
    rows, hist = [], []
    start = datetime(2026, 9, 1)
    for i in range(1, n + 1):
        created = start + timedelta(minutes=int(rng.integers(0, 100 * 1440)))

        def later(mean: float, after: datetime = created) -> datetime:
            return after + timedelta(minutes=int(rng.exponential(mean)) + 1)

        row: dict[str, Any] = {"key": str(i), "created_at": created}
        shape = rng.integers(0, 7)
        if shape == 0:
            row["status"] = rng.choice(["Nouveau", "En cours", "En attente client"])
        elif shape == 1:
            row.update(status="Done", resolved_at=later(5000))
        elif shape == 2:
            closed = later(8000)
            row.update(status="Fermé", closed_at=closed, updated_at=later(500, closed))
        elif shape == 3:
            row.update(status="Résolu", updated_at=later(5000))
        elif shape == 4:
            closed = later(4000)
            row.update(status="En cours", closed_at=closed, updated_at=later(3000, closed))
        elif shape == 5:
            row["status"] = "Résolu"
        else:
            moment = created
            hist.append((str(i), created, "Nouveau"))
            for _ in range(int(rng.integers(1, 5))):
                moment = later(3000, moment)
                hist.append((str(i), moment, rng.choice(["En cours", "Résolu", "Fermé"])))
            row["status"] = hist[-1][2]
        rows.append(row)
    frame = tickets(*rows)
    h = history(*[(k, at.isoformat(), s) for k, at, s in hist]) if hist else None
    return frame, h, rows


@settings(deadline=None, max_examples=25)
@given(
    seed=st.integers(0, 10_000),
    start=st.dates(date(2026, 8, 1), date(2027, 2, 1)),
    days=st.integers(0, 120),
)
def test_open_at_the_end_is_open_at_the_start_plus_the_flows(seed, start, days) -> None:
    t, h, _ = random_tickets(seed, 60)
    at = pd.Timestamp("2027-01-15 18:00")
    prepared = prepare_tickets(t, h, CONTRACT, at)
    changes = ticket_changes(prepared, h, CONTRACT, at)
    end = start + timedelta(days=days)
    f = ticket_states.flow(changes, start, end)
    assert f["open_end"] == f["open_start"] + f["received"] - f["resolved"] + f["reopened"]
    # open_end is the number of tickets open at the end of the window, counted naively
    rows = history_rows(h)
    naive = naive_states.changes_of(
        t.to_dict("records"), rows, CONTRACT.resolved_statuses, at.to_pydatetime()
    )
    assert f == naive_states.window_counts(naive, start, end)
    # never both nor neither: each ticket's open count is 0 or 1 at any instant
    instant = datetime(end.year, end.month, end.day, 23, 59)
    net = ticket_states.open_at(changes, pd.Timestamp(instant))
    assert int(net.sum()) == len(naive_states.open_keys_at(naive, instant))


def test_the_backlog_at_as_of_is_the_open_tickets() -> None:
    t, h, _ = random_tickets(7, 200)
    prepared = prepare_tickets(t, h, CONTRACT, AS_OF)
    changes = ticket_changes(prepared, h, CONTRACT, AS_OF)
    by_periods = ticket_states.flow_by_period(
        changes, pd.date_range("2026-09-01", "2026-11-01", freq="MS"), AS_OF.date()
    )
    assert (by_periods["open_end"].iloc[:-1].to_numpy() == by_periods["open_start"].iloc[1:]).all()
    assert by_periods["open_end"].iloc[-1] == int(prepared["is_open"].sum())
    assert by_periods["received"].sum() == int(
        (prepared["created_at"] >= pd.Timestamp("2026-09-01")).sum()
    )


@settings(deadline=None, max_examples=20)
@given(
    seed=st.integers(0, 10_000),
    starts=st.lists(st.dates(date(2026, 8, 1), date(2027, 2, 1)), min_size=3, max_size=3),
    days=st.lists(st.integers(0, 120), min_size=3, max_size=3),
)
def test_flows_of_many_owners_are_each_owner_s_naive_counts(seed, starts, days) -> None:
    """`flows` counts each owner's changes in its own window (the portfolio's and the
    report's one pass over a group of contracts), as the naive count of its tickets."""
    t, h, _ = random_tickets(seed, 60)
    at = pd.Timestamp("2027-01-15 18:00")
    prepared = prepare_tickets(t, h, CONTRACT, at)
    changes = ticket_changes(prepared, h, CONTRACT, at)
    owner = changes["key"].astype(int).to_numpy() % 3
    windows = [(s, s + timedelta(days=d)) for s, d in zip(starts, days, strict=True)]
    found = ticket_states.flows(changes, owner, windows)
    naive = naive_states.changes_of(
        t.to_dict("records"), history_rows(h), CONTRACT.resolved_statuses, at.to_pydatetime()
    )
    for i, (start, end) in enumerate(windows):
        mine = [c for c in naive if int(c[1]) % 3 == i]
        assert found[i] == naive_states.window_counts(mine, start, end)
