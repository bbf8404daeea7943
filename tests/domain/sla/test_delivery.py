"""Delivery commitments of evolutions by size: tables of cases (DOMAIN.md §4, second table)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.ticket_builders import T, contract, tickets
from tma_metrics.domain.business_time.timeline import prepare_tickets
from tma_metrics.domain.sla.compliance import compliance
from tma_metrics.domain.sla.delivery import DELIVERY_COLUMNS, delivery_commitments, size_class

CONTRACT = contract()
AS_OF = T("2026-12-01 12:00")  # Tuesday
MON = "2026-11-23"


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0.5, "< 5 j"), (4.99, "< 5 j"), (5.0, "5 à 25 j"), (25.0, "5 à 25 j"), (25.01, "> 25 j")],
    ids=["half-day", "just-under-5", "exactly-5", "exactly-25", "just-over-25"],
)
def test_size_class(days: float, expected: str) -> None:
    assert size_class(pd.Series([days])).tolist() == [expected]


def test_size_class_unknown() -> None:
    assert size_class(pd.Series([np.nan], dtype="float64")).isna().all()


def commitments(row: dict[str, Any], as_of: pd.Timestamp = AS_OF) -> pd.DataFrame:
    ticket = {"tracker": "Évolution", "priority": "Normal", "created_at": f"{MON} 09:00", **row}
    prepared = prepare_tickets(tickets(ticket), None, CONTRACT, as_of)
    return delivery_commitments(prepared, CONTRACT, as_of)


# (id, ticket fields, commitment, outcome, allowance, elapsed, note fragment)
CASES = [
    (
        "small-estimate-within-2j",
        {"estimate_hours": 16, "estimated_at": "2026-11-25 09:00"},
        "estimate",
        "met",
        960,
        960,
        None,
    ),
    (
        "small-estimate-one-minute-late",
        {"estimate_hours": 16, "estimated_at": "2026-11-25 09:01"},
        "estimate",
        "breached",
        960,
        961,
        None,
    ),
    (
        "medium-estimate-within-5j",
        {"estimate_hours": 80, "estimated_at": "2026-11-30 09:00"},
        "estimate",
        "met",
        2400,
        2400,
        None,
    ),
    (
        "large-estimate-planned",
        {"estimate_hours": 240, "estimated_at": "2026-11-30 09:00"},
        "estimate",
        "not_applicable",
        None,
        None,
        "planification",
    ),
    (
        "estimate-not-yet-sized",
        {},
        "estimate",
        "not_measurable",
        None,
        None,
        "estimate_hours",
    ),
    (
        "estimate-sent-date-missing",
        {"estimate_hours": 16},
        "estimate",
        "not_measurable",
        960,
        None,
        "estimated_at",
    ),
    (
        "delivery-within-2e-plus-1",
        {
            "estimate_hours": 16,
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "delivered_at": "2026-11-30 09:00",
        },
        "delivery",
        "met",
        2400,
        2400,
        None,
    ),
    (
        "delivery-one-minute-late",
        {
            "estimate_hours": 16,
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "delivered_at": "2026-11-30 09:01",
        },
        "delivery",
        "breached",
        2400,
        2401,
        None,
    ),
    (
        "delivery-dated-by-resolution",
        {
            "estimate_hours": 4,
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "resolved_at": "2026-11-24 09:00",
            "status": "Résolu",
        },
        "delivery",
        "met",
        960,
        480,
        "résolution",
    ),
    (
        "delivery-bounded-by-a-closing-within-the-allowance-is-met",
        {
            "estimate_hours": 16,
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "closed_at": "2026-11-24 09:00",
            "status": "Fermé",
        },
        "delivery",
        "met",
        2400,  # 2 x 2 days + 1
        480,
        "prouve le délai tenu",
    ),
    (
        "delivery-bounded-by-a-late-closing-not-measurable",
        {
            "estimate_hours": 16,
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "closed_at": "2026-12-01 09:00",  # 2 880 minutes after the approval
            "status": "Fermé",
        },
        "delivery",
        "not_measurable",
        2400,
        None,
        "jamais « dépassé » sur une borne",
    ),
    (
        "delivery-open-past-deadline",
        {
            "estimate_hours": 16,
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "status": "En cours",
        },
        "delivery",
        "breached",
        2400,
        2400 + 480 + 180,
        None,
    ),
    (
        "delivery-medium-planned",
        {"estimate_hours": 80, "estimate_status": "validated", "approved_at": f"{MON} 09:00"},
        "delivery",
        "not_applicable",
        None,
        None,
        "planification",
    ),
    (
        "delivery-refused-estimate",
        {"estimate_hours": 16, "estimate_status": "refused"},
        "delivery",
        "not_applicable",
        None,
        None,
        "refusée",
    ),
    (
        "delivery-waiting-for-approval",
        {"estimate_hours": 16, "estimate_status": "pending"},
        "delivery",
        "not_applicable",
        None,
        None,
        "attente de l'accord",
    ),
    (
        "delivery-approved-after-as-of-not-started",
        {"estimate_hours": 16, "estimate_status": "validated", "approved_at": "2026-12-02 09:00"},
        "delivery",
        "not_applicable",
        None,
        None,
        "attente de l'accord",
    ),
    (
        "delivery-approval-date-missing",
        {"estimate_hours": 16, "estimate_status": "validated", "delivered_at": "2026-11-30 09:00"},
        "delivery",
        "not_measurable",
        2400,
        None,
        "approved_at",
    ),
    (
        "delivery-uses-accepted-reestimate",
        {
            "estimate_hours": 16,
            "reestimate_hours": 24,
            "reestimate_status": "accepted",
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "delivered_at": "2026-12-01 11:00",
        },
        "delivery",
        "met",
        7 * 480,
        2400 + 480 + 120,
        None,
    ),
    (
        "delivery-ignores-refused-reestimate",
        {
            "estimate_hours": 16,
            "reestimate_hours": 24,
            "reestimate_status": "refused",
            "estimate_status": "validated",
            "approved_at": f"{MON} 09:00",
            "delivered_at": "2026-12-01 11:00",
        },
        "delivery",
        "breached",
        5 * 480,
        2400 + 480 + 120,
        None,
    ),
    (
        "rejected-evolution-no-commitment",
        {"estimate_hours": 16, "estimated_at": "2026-11-24 09:00", "status": "Rejeté"},
        "estimate",
        "not_applicable",
        None,
        None,
        "rejeté",
    ),
]


@pytest.mark.parametrize(
    ("row", "commitment", "outcome", "allowance", "elapsed", "note"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_commitment(
    row: dict[str, Any],
    commitment: str,
    outcome: str,
    allowance: float | None,
    elapsed: float | None,
    note: str | None,
) -> None:
    out = commitments(row)
    got = out[out["commitment"] == commitment].iloc[0]
    assert got["outcome"] == outcome
    for column, value in (("allowance_minutes", allowance), ("elapsed_minutes", elapsed)):
        if value is None:
            assert pd.isna(got[column]), column
        else:
            assert got[column] == pytest.approx(value), column
    if note is None:
        assert pd.isna(got["note"])
    else:
        assert note in got["note"]


def test_columns_and_only_evolutions() -> None:
    rows = [
        {"tracker": "Évolution", "created_at": f"{MON} 09:00", "estimate_hours": 8},
        {"tracker": "Anomalie", "created_at": f"{MON} 09:00", "estimate_hours": 8},
    ]
    prepared = prepare_tickets(tickets(*rows), None, CONTRACT, AS_OF)
    out = delivery_commitments(prepared, CONTRACT, AS_OF)
    assert list(out.columns) == list(DELIVERY_COLUMNS)
    assert out["key"].tolist() == ["1", "1"]
    assert out["commitment"].tolist() == ["estimate", "delivery"]
    by_commitment = compliance(out, by=("commitment",))
    assert by_commitment["applicable"].tolist() == [1, 1]
