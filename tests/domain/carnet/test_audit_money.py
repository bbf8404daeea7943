"""Audit of the money engines against DOMAIN.md §2 (billing) and §5 (estimation accuracy).

Every expectation below is worked out by hand from the rule quoted next to it, never
taken from running the engines. Hours are chosen so that each case fails when the rule
is applied differently (wrong order, wrong cap, wrong threshold, wrong unit).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.naive.money import entries_frame, tickets_frame
from tma_metrics.domain.carnet.billing import deduct, ticket_billing
from tma_metrics.domain.carnet.ledger import carnet_history
from tma_metrics.domain.contracts.model import Carnet, Contract
from tma_metrics.domain.estimation import accuracy, summary

D1, D2, D3, D4 = "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"


def ticket(
    estimate: float | None = 8.0,
    status: str | None = "validated",
    reestimate: float | None = None,
    reestimated_at: str | None = None,
    re_status: str | None = None,
    uid: str = "T1",
    **extra: object,
) -> dict:
    return {
        "ticket_uid": uid,
        "estimate_hours": estimate,
        "estimate_status": status,
        "reestimate_hours": reestimate,
        "reestimated_at": date.fromisoformat(reestimated_at) if reestimated_at else None,
        "reestimate_status": re_status,
        **extra,
    }


def entry(uid: str, day: str, hours: float, start: str | None = None, ticket_uid="T1") -> dict:
    return {
        "entry_uid": uid,
        "ticket_uid": ticket_uid,
        "date": date.fromisoformat(day),
        "started_at": pd.Timestamp(f"{day} {start}") if start else None,
        "hours": float(hours),
    }


def tenths(prefix: str, day: str, count: int, ticket_uid: str = "T1") -> list[dict]:
    """``count`` entries of 0.1 h on ``day`` (uids sort in creation order)."""
    return [entry(f"{prefix}{i:03d}", day, 0.1, ticket_uid=ticket_uid) for i in range(count)]


def deducted_by_uid(
    tickets: list[dict], entries: list[dict], margin: float = 0.25
) -> dict[str, float]:
    out = deduct(entries_frame(entries), tickets_frame(tickets), margin)
    return dict(zip(out["entry_uid"], out["deducted_hours"], strict=True))


# ---- §2 billing: per-entry deduction ---------------------------------------------------

BILLING_CASES = [
    # §2.1 cap = (1 + 0.25) * 8 = 10 h, cumulative in date order. Same day: the engine's
    # documented tie-break (README) is the start time; hours past 10 h are absorbed.
    pytest.param(
        [ticket(8)],
        [entry("a", D1, 5, "14:00"), entry("b", D1, 4, "09:00"), entry("c", D1, 3, "11:00")],
        0.25,
        {"b": 4, "c": 3, "a": 3},
        id="same-day-three-entries-absorbed-last-by-start-time",
    ),
    # The date wins over the time of day: D1 17:00 comes before D2 08:00.
    pytest.param(
        [ticket(8)],
        [entry("late", D2, 4, "08:00"), entry("early", D1, 8, "17:00")],
        0.25,
        {"early": 8, "late": 2},
        id="date-before-start-time",
    ),
    # §2.1 A is the ticket's whole time: entries logged before the estimate was approved
    # (qualification, study) count towards the cap. 3 + 9 = 12 h -> 10 h deducted.
    pytest.param(
        [ticket(8, approved_at=pd.Timestamp(D3))],
        [entry("qualif", D1, 3), entry("work", D3, 9)],
        0.25,
        {"qualif": 3, "work": 7},
        id="entries-before-approval-count-towards-cap",
    ),
    # §2.2 accepted re-estimate announced within the first 2 h (1 h spent): cap 1.25*16=20.
    pytest.param(
        [ticket(8, reestimate=16, reestimated_at=D1, re_status="accepted")],
        [entry("a", D1, 1), entry("b", D3, 25)],
        0.25,
        {"a": 1, "b": 19},
        id="accepted-reestimate-in-time-new-cap",
    ),
    # §2.2 an accepted re-estimate *replaces* E, even lowered: cap 1.25*4 = 5 h.
    pytest.param(
        [ticket(8, reestimate=4, reestimated_at=D2, re_status="accepted")],
        [entry("a", D1, 6), entry("b", D2, 2)],
        0.25,
        {"a": 5, "b": 0},
        id="accepted-lower-reestimate-replaces-estimate",
    ),
    # Estimate raised after the 10 h cap was reached: E' = 16 replaces E for the ticket,
    # so deducted = min(A, 20) = min(16, 20) = 16: the 2 h absorbed before become due.
    pytest.param(
        [ticket(8, reestimate=16, reestimated_at=D2, re_status="accepted")],
        [entry("a", D1, 12), entry("b", D3, 4)],
        0.25,
        {"a": 12, "b": 4},
        id="estimate-raised-after-cap-reached",
    ),
    # §2.2 late (3 h > 2 h spent on D2) and refused: the time spent is free, including
    # entries after the announcement.
    pytest.param(
        [ticket(8, reestimate=16, reestimated_at=D2, re_status="refused")],
        [entry("a", D1, 3), entry("b", D3, 5)],
        0.25,
        {"a": 0, "b": 0},
        id="late-refused-reestimate-everything-free",
    ),
    # §2.2 "only before margin*E has been spent": 20 x 0.1 h = exactly 2 h (float sum
    # 2.0000000000000004) is still in time; refused -> the original 10 h cap stays.
    pytest.param(
        [ticket(8, reestimate=16, reestimated_at=D1, re_status="refused")],
        [*tenths("x", D1, 20), entry("y", D2, 10)],
        0.25,
        {**{f"x{i:03d}": 0.1 for i in range(20)}, "y": 8},
        id="tenths-summing-to-exactly-25pc-not-late",
    ),
    # 21 x 0.1 h = 2.1 h > 2 h: late, refused -> free.
    pytest.param(
        [ticket(8, reestimate=16, reestimated_at=D1, re_status="refused")],
        [*tenths("x", D1, 21), entry("y", D2, 10)],
        0.25,
        {**{f"x{i:03d}": 0.0 for i in range(21)}, "y": 0},
        id="tenths-just-over-25pc-late",
    ),
    # A late re-estimate still pending: the original cap applies (nothing accepted).
    pytest.param(
        [ticket(8, reestimate=16, reestimated_at=D2, re_status="pending")],
        [entry("a", D1, 3), entry("b", D3, 9)],
        0.25,
        {"a": 3, "b": 7},
        id="late-pending-reestimate-original-cap",
    ),
    # §2.3 refused estimate: study time deducted as spent, no cap.
    pytest.param(
        [ticket(8, status="refused")],
        [entry("a", D1, 7), entry("b", D2, 7)],
        0.25,
        {"a": 7, "b": 7},
        id="refused-estimate-as-spent",
    ),
    # Pending estimate (no approved figure): as spent.
    pytest.param(
        [ticket(8, status="pending")],
        [entry("a", D1, 7), entry("b", D2, 7)],
        0.25,
        {"a": 7, "b": 7},
        id="pending-estimate-as-spent",
    ),
    # §2.4 no estimate / estimate 0: as spent (a 0 h cap would bill nothing).
    pytest.param(
        [ticket(None, status=None), ticket(0.0, uid="T2")],
        [entry("a", D1, 7), entry("b", D1, 7, ticket_uid="T2")],
        0.25,
        {"a": 7, "b": 7},
        id="no-estimate-and-zero-estimate-as-spent",
    ),
    # §2.5 entries without ticket: as spent, even next to a capped ticket.
    pytest.param(
        [ticket(8)],
        [entry("a", D1, 12), entry("m", D1, 12, ticket_uid=None)],
        0.25,
        {"a": 10, "m": 12},
        id="entry-without-ticket-as-spent",
    ),
    # Zero-hour entries deduct 0 and do not move the cap: 0 + 9 + 0 + 3 -> 0, 9, 0, 1.
    pytest.param(
        [ticket(8)],
        [entry("a", D1, 0), entry("b", D2, 9), entry("c", D3, 0), entry("d", D4, 3)],
        0.25,
        {"a": 0, "b": 9, "c": 0, "d": 1},
        id="zero-hour-entries",
    ),
    # Another margin: 0.1 -> cap 1.1 * 10 = 11 h; late threshold 0.1 * 10 = 1 h.
    pytest.param(
        [ticket(10)],
        [entry("a", D1, 6), entry("b", D2, 6)],
        0.1,
        {"a": 6, "b": 5},
        id="margin-10pc-cap",
    ),
    pytest.param(
        [ticket(10, reestimate=20, reestimated_at=D1, re_status="refused")],
        [entry("a", D1, 1.5), entry("b", D2, 6)],
        0.1,
        {"a": 0, "b": 0},
        id="margin-10pc-late-threshold-1h",
    ),
    # A 1-day estimate on a 7 h day is 7 h (the estimate is stored in hours): cap 8.75 h.
    pytest.param(
        [ticket(7)],
        [entry("a", D1, 5), entry("b", D2, 5)],
        0.25,
        {"a": 5, "b": 3.75},
        id="one-day-estimate-at-7h-per-day",
    ),
    # Same-day entries with the same start: billed in entry-id order.
    pytest.param(
        [ticket(8)],
        [entry("e2", D1, 6, "09:00"), entry("e1", D1, 6, "09:00")],
        0.25,
        {"e1": 6, "e2": 4},
        id="same-start-ordered-by-entry-id",
    ),
]


@pytest.mark.parametrize(("tickets", "entries", "margin", "expected"), BILLING_CASES)
def test_billing_case(
    tickets: list[dict], entries: list[dict], margin: float, expected: dict[str, float]
) -> None:
    got = deducted_by_uid(tickets, entries, margin)
    assert got.keys() == expected.keys()
    for uid, hours in expected.items():
        assert got[uid] == pytest.approx(hours, abs=1e-9), uid


@pytest.mark.parametrize(
    ("count", "deducted", "absorbed"),
    [
        pytest.param(100, 10.0, 0.0, id="100-tenths-exactly-at-cap"),
        pytest.param(120, 10.0, 2.0, id="120-tenths-2h-absorbed"),
        pytest.param(99, 9.9, 0.0, id="99-tenths-under-cap"),
    ],
)
def test_many_tenths_totals(count: int, deducted: float, absorbed: float) -> None:
    """§2.1 with float sums: 1.25 * 8 = 10 h whatever the rounding of 0.1 h entries."""
    tickets = [ticket(8)]
    entries = tenths("e", D1, count)
    out = deduct(entries_frame(entries), tickets_frame(tickets), 0.25)
    per_ticket = ticket_billing(out, tickets_frame(tickets), 0.25).iloc[0]
    assert per_ticket["spent_hours"] == pytest.approx(count / 10)
    assert per_ticket["deducted_hours"] == pytest.approx(deducted)
    assert per_ticket["absorbed_hours"] == pytest.approx(absorbed, abs=1e-9)
    # No entry deducts a negative amount nor more than it spent.
    assert (out["deducted_hours"] >= 0).all()
    assert (out["deducted_hours"] <= out["hours"] + 1e-12).all()


def test_same_day_order_changes_no_total() -> None:
    """However same-day entries are ordered, the ticket's total is min(A, cap)."""
    tickets = [ticket(8)]
    forward = [entry("a", D1, 4), entry("b", D1, 4), entry("c", D1, 4)]
    backward = [entry("c", D1, 4, "08:00"), entry("b", D1, 4, "09:00"), entry("a", D1, 4)]
    for rows in (forward, backward):
        assert sum(deducted_by_uid(tickets, rows).values()) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("ticket_row", "rule", "cap", "late"),
    [
        pytest.param(ticket(8), "estimate_cap", 10.0, False, id="validated"),
        pytest.param(
            ticket(8, reestimate=16, reestimated_at=D2, re_status="refused"),
            "late_reestimate_refused",
            0.0,
            True,
            id="late-refused",
        ),
        pytest.param(
            ticket(8, reestimate=16, reestimated_at=D2, re_status="accepted"),
            "reestimate_accepted",
            20.0,
            True,
            id="late-accepted",
        ),
        pytest.param(
            ticket(8, reestimate=16, reestimated_at=D1, re_status="accepted"),
            "reestimate_accepted",
            20.0,
            False,
            id="in-time-accepted",
        ),
        pytest.param(ticket(8, status="refused"), "estimate_refused", None, False, id="refused"),
        pytest.param(ticket(8, status="pending"), "estimate_pending", None, False, id="pending"),
        pytest.param(ticket(None, status=None), "no_estimate", None, False, id="none"),
    ],
)
def test_ticket_rule_cap_and_lateness(
    ticket_row: dict, rule: str, cap: float | None, late: bool
) -> None:
    """Entries: 1 h on D1, 2 h on D2, 20 h on D3. By the end of D1 1 h <= 2 h is spent (in
    time); by the end of D2 3 h > 2 h (late)."""
    rows = [entry("a", D1, 1), entry("b", D2, 2), entry("c", D3, 20)]
    tickets = tickets_frame([ticket_row])
    billing = ticket_billing(deduct(entries_frame(rows), tickets, 0.25), tickets, 0.25).iloc[0]
    assert billing["rule"] == rule
    assert bool(billing["late_reestimate"]) is late
    spent = 23.0
    assert billing["spent_hours"] == pytest.approx(spent)
    if cap is None:
        assert pd.isna(billing["cap_hours"])
        assert billing["deducted_hours"] == pytest.approx(spent)
    else:
        assert billing["cap_hours"] == pytest.approx(cap)
        assert billing["deducted_hours"] == pytest.approx(min(spent, cap))
        assert billing["absorbed_hours"] == pytest.approx(spent - min(spent, cap))


# ---- §1/§2 each deducted hour belongs to the carnet valid on its entry's date -----------

TWO_CARNETS = (
    Carnet(date(2025, 1, 1), date(2025, 12, 31), 20.0),
    Carnet(date(2026, 1, 1), date(2026, 12, 31), 20.0),
)


@pytest.mark.parametrize(
    ("ticket_row", "rows", "hours_per_day", "spent", "deducted"),
    [
        # Cap 10 h: 6 h in carnet 1, then 6 h of which 4 h deducted in carnet 2.
        pytest.param(
            ticket(8),
            [entry("a", "2025-12-20", 6), entry("b", "2026-01-05", 6)],
            8.0,
            (6, 6),
            (6, 4),
            id="cap-crossed-in-second-carnet",
        ),
        # Cap reached in carnet 1 (12 h -> 10 h): carnet 2 gets nothing of this ticket.
        pytest.param(
            ticket(8),
            [entry("a", "2025-12-20", 12), entry("b", "2026-01-05", 3)],
            8.0,
            (12, 3),
            (10, 0),
            id="cap-reached-in-first-carnet",
        ),
        # Boundary days: 31/12 belongs to carnet 1, 01/01 to carnet 2; 7 h days.
        pytest.param(
            ticket(8),
            [entry("a", "2025-12-31", 7), entry("b", "2026-01-01", 7)],
            7.0,
            (7, 7),
            (7, 3),
            id="carnet-boundary-days-7h-per-day",
        ),
    ],
)
def test_ticket_spanning_two_carnets(
    ticket_row: dict,
    rows: list[dict],
    hours_per_day: float,
    spent: tuple[float, float],
    deducted: tuple[float, float],
) -> None:
    contract = Contract(
        name="Client", projects=("P",), carnets=TWO_CARNETS, hours_per_day=hours_per_day
    )
    out = deduct(entries_frame(rows), tickets_frame([ticket_row]), contract.margin)
    history = carnet_history(contract, out, date(2026, 6, 30))
    assert history["spent_hours"].tolist() == pytest.approx(list(spent))
    assert history["deducted_hours"].tolist() == pytest.approx(list(deducted))
    assert history["consumed_days"].tolist() == pytest.approx([d / hours_per_day for d in deducted])
    # All unused days carry over: 20 - consumed_1 then 20 + that - consumed_2.
    first = 20 - deducted[0] / hours_per_day
    assert history["remaining_days"].tolist() == pytest.approx(
        [first, first + 20 - deducted[1] / hours_per_day]
    )


# ---- §5 estimation accuracy --------------------------------------------------------------


def closed(uid: str, estimate: float | None = 8.0, **values: object) -> dict:
    base = ticket(estimate, uid=uid)
    return (
        base
        | {
            "kind": "corrective",
            "created_at": date(2026, 1, 5),
            "closed_at": date(2026, 2, 10),
            "resolved_at": None,
            "spent_hours": None,
        }
        | values
    )


def table(rows: list[dict], spent: dict[str, float], margin=0.25, hours_per_day=8.0, **opts):
    series = pd.Series(spent, dtype=float)
    return accuracy(tickets_frame(rows), series, margin, hours_per_day, **opts)


@pytest.mark.parametrize(
    ("margin", "estimate", "actual", "ratio", "guarantee", "within_25", "absorbed"),
    [
        # margin 0.1: guarantee cap 11 h, but ±25 % stays 7.5..12.5 h.
        pytest.param(0.1, 10, 11.5, 1.15, False, True, 0.5, id="margin-10pc-out-of-guarantee"),
        pytest.param(0.1, 10, 11.0, 1.1, True, True, 0.0, id="margin-10pc-at-cap"),
        # margin 0.5: cap 12 h; 11 h is inside the guarantee but above +25 % (10 h).
        pytest.param(0.5, 8, 11.0, 1.375, True, False, 0.0, id="margin-50pc-over-plus-25"),
        pytest.param(0.25, 8, 5.9, 0.7375, True, False, 0.0, id="under-minus-25"),
        pytest.param(0.25, 8, 16.0, 2.0, False, False, 6.0, id="double-absorbs-6h"),
    ],
)
def test_accuracy_definitions(
    margin: float,
    estimate: float,
    actual: float,
    ratio: float,
    guarantee: bool,
    within_25: bool,
    absorbed: float,
) -> None:
    row = table([closed("A", estimate)], {"A": actual}, margin=margin).iloc[0]
    assert row["ratio"] == pytest.approx(ratio)
    assert row["bias_term"] == pytest.approx(ratio - 1)
    assert bool(row["within_guarantee"]) is guarantee
    assert bool(row["within_25"]) is within_25
    assert row["absorbed_hours"] == pytest.approx(absorbed)


@pytest.mark.parametrize(
    ("count", "guarantee", "within_25"),
    [
        pytest.param(100, True, True, id="100-tenths-at-cap"),  # A = 10 = 1.25 * 8
        pytest.param(60, True, True, id="60-tenths-at-minus-25"),  # A = 6 = 0.75 * 8
        pytest.param(101, False, False, id="101-tenths-over"),
    ],
)
def test_accuracy_boundaries_with_float_sums(count: int, guarantee: bool, within_25: bool) -> None:
    rows = [closed("A")]
    tickets = tickets_frame(rows)
    billing = ticket_billing(
        deduct(entries_frame(tenths("e", D1, count, "A")), tickets, 0.25), tickets, 0.25
    )
    row = accuracy(tickets, billing, 0.25, 8.0).iloc[0]
    assert row["actual_hours"] == pytest.approx(count / 10)
    assert bool(row["within_guarantee"]) is guarantee
    assert bool(row["within_25"]) is within_25
    assert row["absorbed_hours"] == pytest.approx(max(0.0, count / 10 - 10), abs=1e-9)


@pytest.mark.parametrize(
    ("estimate_hours", "hours_per_day", "size_class"),
    [
        pytest.param(35.0, 7.0, "5 à 25 j", id="35h-is-5-days-at-7h"),
        pytest.param(35.0, 8.0, "< 5 j", id="35h-under-5-days-at-8h"),
        pytest.param(175.0, 7.0, "5 à 25 j", id="175h-is-25-days-at-7h"),
        pytest.param(182.0, 7.0, "> 25 j", id="182h-is-26-days-at-7h"),
    ],
)
def test_size_class_uses_hours_per_day(
    estimate_hours: float, hours_per_day: float, size_class: str
) -> None:
    got = table([closed("A", estimate_hours)], {"A": 1.0}, hours_per_day=hours_per_day)
    assert got["size_class"].astype(str).tolist() == [size_class]


@pytest.mark.parametrize(
    ("values", "options", "kept"),
    [
        pytest.param({}, {}, True, id="closed-kept"),
        pytest.param({"closed_at": None}, {}, False, id="open-excluded"),
        pytest.param({"closed_at": None}, {"include_open": True}, True, id="open-when-stated"),
        pytest.param(
            {"closed_at": None, "resolved_at": date(2026, 2, 1)}, {}, True, id="resolved-kept"
        ),
        pytest.param({}, {"as_of": date(2026, 2, 9)}, False, id="still-open-on-as-of"),
        pytest.param({"estimate_status": "pending"}, {}, False, id="pending-estimate-excluded"),
        pytest.param({"estimate_status": "refused"}, {}, False, id="refused-estimate-excluded"),
        pytest.param({"estimate_hours": 0.0}, {}, False, id="zero-estimate-excluded"),
        pytest.param({"estimate_hours": None}, {}, False, id="no-estimate-excluded"),
    ],
)
def test_which_tickets_are_measured(values: dict, options: dict, kept: bool) -> None:
    assert len(table([closed("A", **values)], {"A": 8.0}, **options)) == int(kept)


def test_accepted_reestimate_is_the_measured_estimate() -> None:
    """E = 16 (accepted re-estimate) and A = 12: ratio 0.75, within ±25 %, no absorption."""
    row = table(
        [closed("A", reestimate_hours=16.0, reestimate_status="accepted")], {"A": 12.0}
    ).iloc[0]
    assert row["estimate_hours"] == 16.0
    assert row["original_estimate_hours"] == 8.0
    assert row["ratio"] == pytest.approx(0.75)
    assert bool(row["within_25"]) is True


def test_summary_even_count_median_and_bias() -> None:
    """Ratios 0.5, 1, 1.5, 3 on 8 h: median (1 + 1.5) / 2 = 1.25; bias mean(-0.5, 0, 0.5,
    2) = 0.5; within guarantee (A <= 10 h): 2 of 4; within ±25 % (6..10 h): 1 of 4;
    absorbed max(0, A - 10): 0 + 0 + 2 + 14 = 16 h."""
    rows = [closed(uid) for uid in "ABCD"]
    got = summary(table(rows, {"A": 4.0, "B": 8.0, "C": 12.0, "D": 24.0}))
    assert got.tickets == 4
    assert got.median_ratio == pytest.approx(1.25)
    assert got.bias == pytest.approx(0.5)
    assert got.within_guarantee_rate == pytest.approx(0.5)
    assert got.within_25_rate == pytest.approx(0.25)
    assert got.absorbed_hours == pytest.approx(16.0)
    assert got.reestimation_rate == pytest.approx(0.0)


def test_summary_late_reestimations_from_billing() -> None:
    """A: re-estimated on D2 after 3 h > 2 h (late, refused); B: on D1 after 1 h (in time,
    accepted); C: not re-estimated. Rate 2/3, one late re-estimation. A is measured
    against its original 8 h (the refused figure never applied): 13 h -> ratio 1.625."""
    rows = [
        closed(
            "A", reestimate_hours=16.0, reestimated_at=date(2026, 3, 3), reestimate_status="refused"
        ),
        closed(
            "B",
            reestimate_hours=16.0,
            reestimated_at=date(2026, 3, 2),
            reestimate_status="accepted",
        ),
        closed("C"),
    ]
    entries = [
        entry("a1", D1, 3, ticket_uid="A"),
        entry("a2", D3, 10, ticket_uid="A"),
        entry("b1", D1, 1, ticket_uid="B"),
        entry("b2", D3, 15, ticket_uid="B"),
        entry("c1", D1, 8, ticket_uid="C"),
    ]
    tickets = tickets_frame(rows)
    billing = ticket_billing(deduct(entries_frame(entries), tickets, 0.25), tickets, 0.25)
    got = accuracy(tickets, billing, 0.25, 8.0).set_index("ticket_uid")
    assert got["late_reestimate"].tolist() == [True, False, False]
    assert got.loc["A", "ratio"] == pytest.approx(13 / 8)
    assert got.loc["B", "ratio"] == pytest.approx(16 / 16)
    overall = summary(got.reset_index())
    assert overall.reestimation_rate == pytest.approx(2 / 3)
    assert overall.late_reestimations == 1
    # The billing side: A's 13 h are free, B's 16 h under its 20 h cap are deducted.
    deducted = billing.set_index("ticket_uid")["deducted_hours"]
    assert deducted.loc[["A", "B", "C"]].tolist() == pytest.approx([0.0, 16.0, 8.0])


# ---- §5 "closed tickets": the timeline's view of reopened / history-resolved tickets -----


def test_reopened_and_history_resolved_tickets_in_accuracy() -> None:
    """§5 measures closed tickets. A: resolved 20/01 then back to « En cours » (reopened,
    so open: left out). B: resolved 20/01 and still « Résolu »: kept, month January.
    C: no resolution date in the export, the history resolves it 21/01 (§4: the status
    history first): kept, month January (not an undated month)."""
    from tests.ticket_builders import contract, history, tickets
    from tma_metrics.domain.business_time.timeline import prepare_tickets

    base = {"created_at": "2026-01-05 10:00", "estimate_hours": 8.0}
    rows = tickets(
        {**base, "key": "1", "status": "En cours", "resolved_at": "2026-01-20 10:00"},
        {**base, "key": "2", "status": "Résolu", "resolved_at": "2026-01-20 10:00"},
        {**base, "key": "3", "status": "Livré"},
    )
    rows["ticket_uid"] = ["A", "B", "C"]
    moves = history(
        ("3", "2026-01-05 10:00", "Nouveau"),
        ("3", "2026-01-21 10:00", "Résolu"),
        ("3", "2026-01-22 10:00", "Livré"),
    )
    terms = contract()
    prepared = prepare_tickets(rows, moves, terms, pd.Timestamp("2026-03-01 12:00"))
    got = accuracy(
        prepared,
        pd.Series({"A": 8.0, "B": 8.0, "C": 8.0}),
        0.25,
        8.0,
        as_of=date(2026, 3, 1),
        resolved_statuses=terms.resolved_statuses,
    )
    assert got["ticket_uid"].tolist() == ["B", "C"]
    assert got["month"].tolist() == [pd.Timestamp("2026-01-01")] * 2
    with_open = accuracy(prepared, pd.Series({"A": 8.0}), 0.25, 8.0, include_open=True)
    assert with_open["ticket_uid"].tolist() == ["A"]
    assert with_open["closed"].tolist() == [False]


def test_reopened_ticket_commits_its_remaining_estimate() -> None:
    """§1 committed = max(0, E - spent) over *open* tickets: a reopened ticket (resolved
    20/01, « En cours » again) with 8 h estimated and 3 h spent commits 5 h."""
    from tests.ticket_builders import contract, tickets
    from tma_metrics.domain.business_time.timeline import prepare_tickets
    from tma_metrics.domain.carnet.consumption import commitments

    rows = tickets(
        {
            "key": "1",
            "status": "En cours",
            "created_at": "2026-01-05 10:00",
            "resolved_at": "2026-01-20 10:00",
            "estimate_hours": 8.0,
        }
    )
    rows["ticket_uid"] = ["A"]
    terms = contract()
    prepared = prepare_tickets(rows, None, terms, pd.Timestamp("2026-03-01 12:00"))
    got = commitments(
        prepared,
        pd.Series({"A": 3.0}),
        date(2026, 3, 1),
        resolved_statuses=terms.resolved_statuses,
    )
    assert got["committed_hours"].tolist() == [5.0]
