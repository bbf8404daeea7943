"""Billing once for every as-of date (`deduct_over_time`) against the naive reference.

The derived tables bill every time entry once per data version; a page seen on an
earlier as-of date must show what `deduct` gives on the entries up to that date, which
differs only while a refused re-estimate is not late yet. Checked on random data
(every rule represented, random as-of dates and margins) against the loop of
``tests/naive/money.py``, written from DOMAIN.md §2.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tma_metrics.domain.carnet.billing import (
    deduct,
    deduct_over_time,
    deducted_at,
    terms_at,
    ticket_billing,
)

from ...naive.money import (
    FIRST_DAY,
    LAST_DAY,
    entries_frame,
    naive_deduct,
    naive_late,
    naive_ticket_rule,
    random_dataset,
    tickets_frame,
)


def _seen_on(billed, terms, entries: pd.DataFrame, as_of: date) -> np.ndarray:
    """What each entry up to ``as_of`` deducts, from the bill of all the entries."""
    since = terms["late_since"].reindex(entries["ticket_uid"].to_numpy()).to_numpy()
    seen = deducted_at(
        billed["deducted_hours"].to_numpy(),
        billed["deducted_in_time"].to_numpy(),
        since,
        as_of,
    )
    return seen[(entries["date"] <= pd.Timestamp(as_of)).to_numpy()]


@settings(deadline=None, max_examples=40)
@given(
    seed=st.integers(0, 10_000),
    margin=st.sampled_from([0.0, 0.1, 0.25, 0.5]),
    offset=st.integers(0, (LAST_DAY - FIRST_DAY).days + 60),
)
def test_billing_once_equals_billing_the_entries_up_to_any_day(
    seed: int, margin: float, offset: int
) -> None:
    tickets, entries = random_dataset(seed, n_tickets=60, n_entries=700)
    as_of = FIRST_DAY + timedelta(days=offset)
    frame = entries_frame(entries)
    billed, terms = deduct_over_time(frame, tickets_frame(tickets), margin)
    seen = _seen_on(billed, terms, frame, as_of)

    cut = [e for e in entries if e["date"] <= as_of]
    naive = naive_deduct(tickets, cut, margin)
    assert seen.tolist() == pytest.approx([naive[e["entry_uid"]] for e in cut], abs=1e-9)
    again = deduct(entries_frame(cut), tickets_frame(tickets), margin) if cut else None
    if again is not None:
        assert seen.tolist() == pytest.approx(again["deducted_hours"].tolist(), abs=1e-9)


@settings(deadline=None, max_examples=30)
@given(seed=st.integers(0, 10_000), offset=st.integers(0, (LAST_DAY - FIRST_DAY).days))
def test_ticket_rules_seen_on_a_day_are_the_naive_ones(seed: int, offset: int) -> None:
    tickets, entries = random_dataset(seed, n_tickets=60, n_entries=700)
    as_of = FIRST_DAY + timedelta(days=offset)
    _, terms = deduct_over_time(entries_frame(entries), tickets_frame(tickets), 0.25)
    seen = terms_at(terms, 0.25, as_of)
    cut = [e for e in entries if e["date"] <= as_of]
    for ticket in tickets:
        rule, cap = naive_ticket_rule(ticket, cut, 0.25)
        row = seen.loc[ticket["ticket_uid"]]
        assert row["ticket_rule"] == rule, ticket
        assert (np.isnan(row["cap_hours"]) and cap is None) or row["cap_hours"] == cap
        assert bool(row["late_reestimate"]) == naive_late(ticket, cut, 0.25)


LATE = {
    "ticket_uid": "T1",
    "estimate_hours": 8.0,
    "estimate_status": "validated",
    "reestimate_hours": 16.0,
    "reestimated_at": date(2026, 3, 10),
    "reestimate_status": "refused",
}


def _entry(uid: str, day: date, hours: float, ticket: str | None = "T1") -> dict:
    return {"entry_uid": uid, "ticket_uid": ticket, "date": day, "hours": hours}


CASES = [
    # (entries, as_of, deducted per entry up to as_of): margin 25 % of 8 h is 2 h.
    pytest.param(
        [_entry("a", date(2026, 3, 2), 1.5), _entry("b", date(2026, 3, 5), 1.0)],
        date(2026, 3, 3),
        [1.5],
        id="not-late-yet-on-the-day-before-the-crossing",
    ),
    pytest.param(
        [_entry("a", date(2026, 3, 2), 1.5), _entry("b", date(2026, 3, 5), 1.0)],
        date(2026, 3, 5),
        [0.0, 0.0],
        id="late-from-the-crossing-day-every-hour-is-free",
    ),
    pytest.param(
        [_entry("a", date(2026, 3, 2), 1.5), _entry("b", date(2026, 3, 12), 5.0)],
        date(2026, 3, 31),
        [1.5, 5.0],
        id="time-after-the-reestimate-day-never-makes-it-late",
    ),
    pytest.param(
        [_entry("a", date(2026, 3, 10), 3.0), _entry("x", date(2026, 3, 1), 4.0, None)],
        date(2026, 3, 9),
        [4.0],
        id="late-on-the-reestimate-day-itself-entries-without-ticket-as-spent",
    ),
]


@pytest.mark.parametrize(("entries", "as_of", "expected"), CASES)
def test_a_late_refused_reestimate_seen_on_each_day(
    entries: list[dict], as_of: date, expected: list[float]
) -> None:
    tickets = tickets_frame([LATE])
    frame = entries_frame([{**e, "started_at": None} for e in entries])
    billed, terms = deduct_over_time(frame, tickets, 0.25)
    seen = _seen_on(billed, terms, frame, as_of)
    assert seen.tolist() == pytest.approx(expected)
    kept = [e for e in entries if e["date"] <= as_of]
    cut = entries_frame([{**e, "started_at": None} for e in kept])
    per_ticket = ticket_billing(deduct(cut, tickets, 0.25), tickets, 0.25)
    assert seen.sum() == pytest.approx(
        per_ticket["deducted_hours"].sum() + sum(e["hours"] for e in kept if not e["ticket_uid"])
    )
