"""Billing rules (DOMAIN.md §2): the estimate guarantee, re-estimates, what is deducted."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.naive.money import (
    MARGIN,
    entries_frame,
    naive_deduct,
    naive_late,
    naive_ticket_rule,
    random_dataset,
    tickets_frame,
)
from tma_metrics.domain.carnet.billing import ENTRY_RULES, TICKET_RULES, deduct, ticket_billing


def ticket(
    estimate: float | None = 8.0,
    status: str | None = "validated",
    reestimate: float | None = None,
    reestimated_at: str | None = None,
    re_status: str | None = None,
    uid: str = "T1",
) -> dict:
    return {
        "ticket_uid": uid,
        "estimate_hours": estimate,
        "estimate_status": status,
        "reestimate_hours": reestimate,
        "reestimated_at": date.fromisoformat(reestimated_at) if reestimated_at else None,
        "reestimate_status": re_status,
    }


def entries(*rows: tuple, ticket_uid: str | None = "T1") -> list[dict]:
    """Rows (uid, "YYYY-MM-DD", hours[, "HH:MM" start]) of one ticket."""
    out = []
    for row in rows:
        uid, day, hours = row[:3]
        started = pd.Timestamp(f"{day} {row[3]}") if len(row) > 3 else None
        out.append(
            {
                "entry_uid": uid,
                "ticket_uid": ticket_uid,
                "date": date.fromisoformat(day),
                "started_at": started,
                "hours": float(hours),
            }
        )
    return out


def run(ticket_rows: list[dict], entry_rows: list[dict], margin: float = MARGIN) -> pd.DataFrame:
    return deduct(entries_frame(entry_rows), tickets_frame(ticket_rows), margin)


D1, D2, D3 = "2026-03-02", "2026-03-03", "2026-03-04"

CASES = [
    # DOMAIN.md §2.1: estimate 1 day (8 h), spent 11 h -> 10 h deducted, 1 h absorbed.
    pytest.param(
        ticket(8), entries(("a", D1, 11)), [10], ["capped"], id="domain-8h-estimate-11h-spent"
    ),
    pytest.param(ticket(8), entries(("a", D1, 6)), [6], ["within_cap"], id="domain-spent-6h"),
    pytest.param(
        ticket(8),
        entries(("a", D1, 4), ("b", D2, 4), ("c", D3, 3)),
        [4, 4, 2],
        ["within_cap", "within_cap", "capped"],
        id="cumulative-4+4+3-crosses-inside-third-entry",
    ),
    pytest.param(
        ticket(8),
        entries(("c", D3, 3), ("a", D1, 4), ("b", D2, 4)),
        [2, 4, 4],
        ["capped", "within_cap", "within_cap"],
        id="date-order-not-row-order",
    ),
    pytest.param(
        ticket(8),
        entries(("a", D1, 10), ("b", D2, 2), ("c", D3, 3)),
        [10, 0, 0],
        ["within_cap", "capped", "capped"],
        id="exactly-at-cap-then-nothing",
    ),
    pytest.param(
        ticket(8),
        entries(("a", D1, 6, "14:00"), ("b", D1, 6, "09:00")),
        [4, 6],
        ["capped", "within_cap"],
        id="same-day-ordered-by-start-time",
    ),
    pytest.param(
        ticket(8),
        entries(("b", D1, 6), ("a", D1, 6)),
        [4, 6],
        ["capped", "within_cap"],
        id="same-day-no-start-ordered-by-entry-uid",
    ),
    pytest.param(
        ticket(8),
        entries(("a", D1, 6), ("b", D1, 6, "09:00")),
        [4, 6],
        ["capped", "within_cap"],
        id="same-day-entry-without-start-comes-last",
    ),
    # DOMAIN.md §2.2: re-estimate later than margin*E spent (2 h of 8 h) and refused.
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D2, re_status="refused"),
        entries(("a", D1, 3), ("b", D2, 1), ("c", D3, 4)),
        [0, 0, 0],
        ["late_reestimate_refused"] * 3,
        id="late-reestimate-refused-time-is-free",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D1, re_status="refused"),
        entries(("a", D1, 2), ("b", D2, 10)),
        [2, 8],
        ["within_cap", "capped"],
        id="reestimate-at-exactly-margin-refused-keeps-cap",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D1, re_status="refused"),
        entries(("a", D1, 1), ("b", D2, 5), ("c", D3, 6)),
        [1, 5, 4],
        ["within_cap", "within_cap", "capped"],
        id="entries-after-reestimate-day-do-not-make-it-late",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D2, re_status="refused"),
        entries(("a", D1, 1), ("b", D2, 2)),
        [0, 0],
        ["late_reestimate_refused"] * 2,
        id="entries-of-the-reestimate-day-count-as-before",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=None, re_status="refused"),
        entries(("a", D1, 6), ("b", D2, 6)),
        [6, 4],
        ["within_cap", "capped"],
        id="undated-refused-reestimate-is-never-late",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D1, re_status="accepted"),
        entries(("a", D1, 12), ("b", D2, 12)),
        [12, 8],
        ["within_cap", "capped"],
        id="accepted-reestimate-new-cap-20h",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D2, re_status="accepted"),
        entries(("a", D1, 5), ("b", D2, 20)),
        [5, 15],
        ["within_cap", "capped"],
        id="late-but-accepted-reestimate-new-cap",
    ),
    pytest.param(
        ticket(8, status="pending", reestimate=16, reestimated_at=D1, re_status="accepted"),
        entries(("a", D1, 25)),
        [20],
        ["capped"],
        id="accepted-reestimate-wins-over-pending-estimate",
    ),
    pytest.param(
        ticket(8, reestimate=None, reestimated_at=D1, re_status="accepted"),
        entries(("a", D1, 12)),
        [10],
        ["capped"],
        id="accepted-reestimate-without-hours-ignored",
    ),
    pytest.param(
        ticket(8, reestimate=16, reestimated_at=D2, re_status="pending"),
        entries(("a", D1, 5), ("b", D2, 20)),
        [5, 5],
        ["within_cap", "capped"],
        id="pending-reestimate-original-cap",
    ),
    pytest.param(
        ticket(8, status="refused"),
        entries(("a", D1, 3), ("b", D2, 9)),
        [3, 9],
        ["estimate_refused"] * 2,
        id="refused-estimate-study-time-deducted",
    ),
    pytest.param(
        ticket(8, status="pending"),
        entries(("a", D1, 11)),
        [11],
        ["estimate_pending"],
        id="pending-estimate-deducted-as-spent",
    ),
    pytest.param(
        ticket(None, status=None),
        entries(("a", D1, 11)),
        [11],
        ["no_estimate"],
        id="no-estimate",
    ),
    pytest.param(
        ticket(0.0),
        entries(("a", D1, 11)),
        [11],
        ["no_estimate"],
        id="estimate-zero-is-no-estimate",
    ),
    pytest.param(
        ticket(8, status=None),
        entries(("a", D1, 11)),
        [10],
        ["capped"],
        id="estimate-without-status-taken-as-validated",
    ),
    pytest.param(
        ticket(8),
        entries(("a", D1, 0), ("b", D1, 12), ("c", D2, 0)),
        [0, 10, 0],
        ["within_cap", "capped", "within_cap"],
        id="zero-hour-entries",
    ),
]


@pytest.mark.parametrize(("ticket_row", "entry_rows", "expected", "rules"), CASES)
def test_deduct_case(
    ticket_row: dict, entry_rows: list[dict], expected: list[float], rules: list[str]
) -> None:
    out = run([ticket_row], entry_rows)
    assert out["deducted_hours"].tolist() == pytest.approx(expected)
    assert out["absorbed_hours"].tolist() == pytest.approx(
        [e["hours"] - d for e, d in zip(entry_rows, expected, strict=True)]
    )
    assert out["rule"].tolist() == rules
    # The naive reading of DOMAIN.md agrees with the hand-written expectation.
    naive = naive_deduct([ticket_row], entry_rows, MARGIN)
    assert [naive[e["entry_uid"]] for e in entry_rows] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("margin", "expected"),
    [
        pytest.param(0.0, [8, 0], id="margin-0-cap-is-estimate"),
        pytest.param(0.5, [10, 2], id="margin-50pc"),
        pytest.param(1.0, [10, 4], id="margin-100pc"),
    ],
)
def test_margin_sets_the_cap(margin: float, expected: list[float]) -> None:
    out = run([ticket(8)], entries(("a", D1, 10), ("b", D2, 4)), margin)
    assert out["deducted_hours"].tolist() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("assume_validated", "expected", "rule"),
    [
        pytest.param(True, 10, "capped", id="null-status-validated-by-default"),
        pytest.param(False, 11, "estimate_pending", id="null-status-not-approved-when-strict"),
    ],
)
def test_assume_validated(assume_validated: bool, expected: float, rule: str) -> None:
    out = deduct(
        entries_frame(entries(("a", D1, 11))),
        tickets_frame([ticket(8, status=None)]),
        MARGIN,
        assume_validated=assume_validated,
    )
    assert out["deducted_hours"].tolist() == [expected]
    assert out["rule"].tolist() == [rule]


def test_entry_without_ticket_and_unknown_ticket_deduct_as_spent() -> None:
    rows = [
        *entries(("a", D1, 3)),
        *entries(("b", D1, 2.5), ticket_uid=None),
        *entries(("c", D1, 20), ticket_uid="NOPE"),
    ]
    out = run([ticket(8)], rows)
    assert out["deducted_hours"].tolist() == [3, 2.5, 20]
    assert out["rule"].tolist() == ["within_cap", "no_ticket", "unknown_ticket"]
    assert out["ticket_rule"].isna().tolist() == [False, True, False]
    assert out.loc[2, "ticket_rule"] == "unknown_ticket"


def test_output_keeps_input_rows_index_and_columns() -> None:
    frame = entries_frame(entries(("c", D3, 3), ("a", D1, 4), ("b", D2, 4)))
    frame.index = [30, 10, 20]
    frame["person"] = ["x", "y", "z"]
    out = deduct(frame, tickets_frame([ticket(8)]), MARGIN)
    assert out.index.tolist() == [30, 10, 20]
    assert out["entry_uid"].tolist() == ["c", "a", "b"]
    assert out["person"].tolist() == ["x", "y", "z"]
    assert set(out["rule"]) <= set(ENTRY_RULES)
    assert set(out["ticket_rule"].dropna()) <= set(TICKET_RULES)


def test_missing_optional_columns_are_null() -> None:
    frame = entries_frame(entries(("a", D1, 11))).drop(columns=["started_at"])
    tickets = pd.DataFrame({"ticket_uid": ["T1"], "estimate_hours": [8.0]})
    out = deduct(frame, tickets, MARGIN)
    assert out["deducted_hours"].tolist() == [10]


def test_empty_entries() -> None:
    frame = entries_frame(entries(("a", D1, 1))).iloc[0:0]
    out = deduct(frame, tickets_frame([ticket(8)]), MARGIN)
    assert out.empty
    assert {"deducted_hours", "absorbed_hours", "rule"} <= set(out.columns)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(lambda e, t: (e.assign(hours=-1.0), t), "négative", id="negative-hours"),
        pytest.param(lambda e, t: (e.assign(hours=np.nan), t), "sans durée", id="null-hours"),
        pytest.param(lambda e, t: (e.assign(date=pd.NaT), t), "sans date", id="null-date"),
        pytest.param(lambda e, t: (e.assign(entry_uid="same"), t), "double", id="dup-entry-uid"),
        pytest.param(lambda e, t: (e.drop(columns=["hours"]), t), "hours", id="missing-column"),
        pytest.param(lambda e, t: (e, pd.concat([t, t])), "double", id="dup-ticket-uid"),
        pytest.param(
            lambda e, t: (e, t.drop(columns=["estimate_hours"])),
            "estimate_hours",
            id="missing-ticket-column",
        ),
    ],
)
def test_bad_input_raises_a_named_error(mutate, message: str) -> None:
    frame, tickets = mutate(
        entries_frame(entries(("a", D1, 1), ("b", D2, 2))), tickets_frame([ticket(8)])
    )
    with pytest.raises(ValueError, match=message):
        deduct(frame, tickets, MARGIN)


@pytest.mark.parametrize(
    ("ticket_row", "hours", "flag", "rule"),
    [
        pytest.param(ticket(None, None), 2.0, False, "no_estimate", id="no-estimate-2h-ok"),
        pytest.param(ticket(None, None), 2.5, True, "no_estimate", id="no-estimate-over-2h"),
        pytest.param(ticket(8, "pending"), 3.0, True, "estimate_pending", id="pending-over-2h"),
        pytest.param(ticket(8), 3.0, False, "estimate_cap", id="validated-not-flagged"),
        pytest.param(
            ticket(8, "refused"), 3.0, False, "estimate_refused", id="refused-not-flagged"
        ),
    ],
)
def test_qualification_over_2h(ticket_row: dict, hours: float, flag: bool, rule: str) -> None:
    rows = entries(("a", D1, hours / 2), ("b", D2, hours / 2))
    billing = ticket_billing(run([ticket_row], rows), tickets_frame([ticket_row]), MARGIN)
    assert billing["qualification_over_2h"].tolist() == [flag]
    assert billing["rule"].tolist() == [rule]


def test_ticket_billing_rows_and_totals() -> None:
    tickets = [
        ticket(8, uid="T1"),
        ticket(8, reestimate=16, reestimated_at=D2, re_status="refused", uid="T2"),
        ticket(8, reestimate=16, reestimated_at=D1, re_status="accepted", uid="T3"),
        ticket(4, uid="T4"),  # no entries
    ]
    rows = [
        *entries(("a", D1, 11), ticket_uid="T1"),
        *entries(("b", D1, 3), ("c", D3, 1), ticket_uid="T2"),
        *entries(("d", D1, 30), ticket_uid="T3"),
        *entries(("e", D1, 5), ticket_uid="UNKNOWN"),
        *entries(("f", D1, 5), ticket_uid=None),
    ]
    billing = ticket_billing(run(tickets, rows), tickets_frame(tickets), MARGIN).set_index(
        "ticket_uid"
    )
    assert billing.index.tolist() == ["T1", "T2", "T3", "T4", "UNKNOWN"]
    assert billing["spent_hours"].tolist() == [11, 4, 30, 0, 5]
    assert billing["deducted_hours"].tolist() == [10, 0, 20, 0, 5]
    assert billing["absorbed_hours"].tolist() == [1, 4, 10, 0, 0]
    assert billing["entry_count"].tolist() == [1, 2, 1, 0, 1]
    assert billing["rule"].tolist() == [
        "estimate_cap",
        "late_reestimate_refused",
        "reestimate_accepted",
        "estimate_cap",
        "unknown_ticket",
    ]
    # T3 spent 30 h on the re-estimate day: late, yet accepted, so the new cap applies.
    assert billing["late_reestimate"].tolist() == [False, True, True, False, False]
    assert billing["reestimated"].tolist() == [False, True, True, False, False]
    assert billing["effective_estimate_hours"].iloc[:4].tolist() == [8, 8, 16, 4]
    assert billing["cap_hours"].iloc[:4].tolist() == [10, 0, 20, 5]


# ---- the vectorised engine against a naive loop on a random data set -------------------


@pytest.fixture(scope="module")
def dataset() -> tuple[list[dict], list[dict], pd.DataFrame]:
    tickets, entry_rows = random_dataset(seed=20260322)
    deducted = deduct(entries_frame(entry_rows), tickets_frame(tickets), MARGIN)
    return tickets, entry_rows, deducted


def test_random_dataset_covers_every_rule(dataset) -> None:
    _, _, deducted = dataset
    assert set(deducted["rule"]) == set(ENTRY_RULES)
    assert set(deducted["ticket_rule"].dropna()) == set(TICKET_RULES)


def test_random_deducted_per_entry_matches_naive_loop(dataset) -> None:
    tickets, entry_rows, deducted = dataset
    naive = naive_deduct(tickets, entry_rows, MARGIN)
    engine = dict(zip(deducted["entry_uid"], deducted["deducted_hours"], strict=True))
    assert engine.keys() == naive.keys()
    mismatches = [uid for uid in naive if not math.isclose(naive[uid], engine[uid], abs_tol=1e-9)]
    assert mismatches == []


def test_random_totals_per_ticket_match_naive_loop(dataset) -> None:
    tickets, entry_rows, deducted = dataset
    billing = ticket_billing(deducted, tickets_frame(tickets), MARGIN).set_index("ticket_uid")
    naive = naive_deduct(tickets, entry_rows, MARGIN)
    for t in tickets:
        rows = [e for e in entry_rows if e["ticket_uid"] == t["ticket_uid"]]
        row = billing.loc[t["ticket_uid"]]
        spent = sum(e["hours"] for e in rows)
        deducted_hours = sum(naive[e["entry_uid"]] for e in rows)
        rule, cap = naive_ticket_rule(t, rows, MARGIN)
        assert row["spent_hours"] == pytest.approx(spent)
        assert row["deducted_hours"] == pytest.approx(deducted_hours)
        assert row["absorbed_hours"] == pytest.approx(spent - deducted_hours)
        assert row["rule"] == rule
        assert row["late_reestimate"] == naive_late(t, rows, MARGIN)
        if cap is None:
            assert np.isnan(row["cap_hours"])
            assert row["deducted_hours"] == pytest.approx(spent)
        else:
            assert row["cap_hours"] == pytest.approx(cap)
            assert row["deducted_hours"] == pytest.approx(min(spent, cap))
    assert deducted["deducted_hours"].sum() == pytest.approx(sum(naive.values()))
    assert (deducted["absorbed_hours"] >= -1e-9).all()


def test_entries_without_any_ticket_table_are_deducted_as_spent() -> None:
    """A timesheet imported alone (no ticket export yet): every hour deducted as spent."""
    import numpy as np
    import pandas as pd

    from tma_metrics.domain.carnet.billing import deduct

    entries = pd.DataFrame(
        {
            "entry_uid": ["a", "b", "c"],
            "ticket_uid": pd.array(["T-1", None, "T-2"], dtype="string"),
            "date": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07"]),
            "hours": [2.0, 3.0, 1.5],
        }
    )
    tickets = pd.DataFrame(
        {
            "ticket_uid": pd.Series([], dtype="string"),
            "estimate_hours": pd.Series([], dtype="float64"),
        }
    )
    out = deduct(entries, tickets, 0.25)
    assert np.allclose(out["deducted_hours"], [2.0, 3.0, 1.5])
    assert list(out["rule"]) == ["unknown_ticket", "no_ticket", "unknown_ticket"]
