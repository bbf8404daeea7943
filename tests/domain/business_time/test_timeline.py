"""Deriving SLA events from tickets and status histories: tables of cases."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.ticket_builders import T, contract, history, tickets
from tma_metrics.domain.business_time.timeline import (
    PREPARED_COLUMNS,
    prepare_tickets,
    waiting_intervals,
)

CONTRACT = contract()
AS_OF = T("2026-11-27 18:00")  # Friday
CREATED = "2026-11-23 09:00"  # Monday


def prepare_one(
    row: dict[str, Any], hist: list[tuple[str, str]] | None = None, as_of: pd.Timestamp = AS_OF
) -> pd.Series:
    h = history(*[("1", at, status) for at, status in hist]) if hist is not None else None
    prepared = prepare_tickets(tickets({"created_at": CREATED, **row}), h, CONTRACT, as_of)
    assert len(prepared) == 1
    return prepared.iloc[0]


# (id, ticket fields, history rows, expected resolution_at, source, is_open)
RESOLUTION_CASES = [
    (
        "history-first",
        {"status": "Fermé", "resolved_at": "2026-11-25 10:00", "closed_at": "2026-11-26 10:00"},
        [(CREATED, "Nouveau"), ("2026-11-24 10:00", "Résolu"), ("2026-11-26 10:00", "Fermé")],
        "2026-11-24 10:00",
        "history",
        False,
    ),
    (
        "export-resolved-at",
        {"status": "Fermé", "resolved_at": "2026-11-25 10:00", "closed_at": "2026-11-26 10:00"},
        None,
        "2026-11-25 10:00",
        "export",
        False,
    ),
    (
        "closing-date-only-bounds-it",  # resolution_bound_at: see test_ticket_states
        {"status": "Fermé", "closed_at": "2026-11-26 10:00"},
        None,
        None,
        "closing",
        False,
    ),
    ("resolved-without-any-date", {"status": "Résolu"}, None, None, "unknown", False),
    ("open-ticket", {"status": "En cours"}, None, None, None, True),
    (
        "resolved-after-as-of-is-open",
        {"status": "Résolu", "resolved_at": "2026-11-30 10:00"},
        None,
        None,
        None,
        True,
    ),
    (
        "reopened-keeps-first-resolution",
        {"status": "En cours"},
        [(CREATED, "Nouveau"), ("2026-11-24 10:00", "Résolu"), ("2026-11-25 10:00", "En cours")],
        "2026-11-24 10:00",
        "history",
        True,
    ),
    (
        "history-without-resolution-falls-back-to-export",
        {"status": "Resolved", "resolved_at": "2026-11-25 10:00"},
        [(CREATED, "Nouveau"), ("2026-11-24 10:00", "En cours")],
        "2026-11-25 10:00",
        "export",
        False,  # the history stops before the resolution: not a reopening
    ),
    (
        "reopened-after-export-resolution",
        {"status": "En cours", "resolved_at": "2026-11-24 10:00"},
        [(CREATED, "Nouveau"), ("2026-11-25 10:00", "En cours")],
        "2026-11-24 10:00",
        "export",
        True,
    ),
    (
        "no-history-status-open-again",
        {"status": "En cours", "resolved_at": "2026-11-24 10:00"},
        None,
        "2026-11-24 10:00",
        "export",
        True,
    ),
    (
        "history-rows-after-as-of-ignored",
        {"status": "Fermé"},
        [(CREATED, "Nouveau"), ("2026-11-30 10:00", "Fermé")],
        None,
        None,
        True,
    ),
]


@pytest.mark.parametrize(
    ("row", "hist", "expected_at", "expected_source", "expected_open"),
    [case[1:] for case in RESOLUTION_CASES],
    ids=[case[0] for case in RESOLUTION_CASES],
)
def test_resolution_source_priority(
    row: dict[str, Any],
    hist: list[tuple[str, str]] | None,
    expected_at: str | None,
    expected_source: str | None,
    expected_open: bool,
) -> None:
    got = prepare_one(row, hist)
    assert _same(got["resolution_at"], expected_at)
    assert _same(got["resolution_source"], expected_source)
    assert got["is_open"] == expected_open
    assert got["resolution_pending"] == (expected_open and expected_at is None)


# (id, ticket fields, history rows, expected response_at, source, pending)
RESPONSE_CASES = [
    (
        "explicit-column",
        {"status": "En cours", "responded_at": "2026-11-23 10:00"},
        None,
        "2026-11-23 10:00",
        "export",
        False,
    ),
    (
        "explicit-column-wins-over-history",
        {"status": "En cours", "responded_at": "2026-11-23 10:00"},
        [(CREATED, "Nouveau"), ("2026-11-23 11:00", "En cours")],
        "2026-11-23 10:00",
        "export",
        False,
    ),
    (
        "history-waiting-is-not-a-pickup",
        {"status": "En cours"},
        [
            (CREATED, "Nouveau"),
            ("2026-11-23 10:00", "En attente client"),
            ("2026-11-24 10:00", "En cours"),
        ],
        "2026-11-24 10:00",
        "history",
        False,
    ),
    (
        "history-repeated-initial-status-is-not-a-pickup",
        {"status": "Résolu"},
        [(CREATED, "Nouveau"), ("2026-11-23 10:00", "Nouveau"), ("2026-11-24 10:00", "Résolu")],
        "2026-11-24 10:00",
        "history",
        False,
    ),
    (
        "history-without-creation-row",
        {"status": "En cours"},
        [("2026-11-24 15:00", "En cours")],
        "2026-11-24 15:00",
        "history",
        False,
    ),
    (
        "history-shows-no-pickup-yet",
        {"status": "Nouveau"},
        [(CREATED, "Nouveau")],
        None,
        None,
        True,
    ),
    (
        "history-pickup-after-as-of",
        {"status": "En cours"},
        [(CREATED, "Nouveau"), ("2026-11-30 10:00", "En cours")],
        None,
        None,
        True,
    ),
    ("no-history-still-new", {"status": "Nouveau"}, None, None, None, True),
    ("no-history-jira-to-do", {"status": "To Do"}, None, None, None, True),
    ("no-history-in-progress-unknown", {"status": "En cours"}, None, None, None, False),
    (
        "no-history-closed-unknown",
        {"status": "Fermé", "closed_at": "2026-11-25 10:00"},
        None,
        None,
        None,
        False,
    ),
    (
        "responded-after-as-of-is-pending",
        {"status": "En cours", "responded_at": "2026-11-30 10:00"},
        None,
        None,
        None,
        True,
    ),
]


@pytest.mark.parametrize(
    ("row", "hist", "expected_at", "expected_source", "expected_pending"),
    [case[1:] for case in RESPONSE_CASES],
    ids=[case[0] for case in RESPONSE_CASES],
)
def test_response_event(
    row: dict[str, Any],
    hist: list[tuple[str, str]] | None,
    expected_at: str | None,
    expected_source: str | None,
    expected_pending: bool,
) -> None:
    got = prepare_one(row, hist)
    assert _same(got["response_at"], expected_at)
    assert _same(got["response_source"], expected_source)
    assert got["response_pending"] == expected_pending


# (id, ticket fields, history rows, expected workaround_at, source, tracked)
WORKAROUND_CASES = [
    (
        "explicit-column",
        {"workaround_at": "2026-11-23 11:00"},
        None,
        "2026-11-23 11:00",
        "export",
        True,
    ),
    (
        "history-status-contourne",
        {"status": "Contourné"},
        [(CREATED, "Nouveau"), ("2026-11-23 15:00", "Contourné")],
        "2026-11-23 15:00",
        "history",
        True,
    ),
    (
        "history-workaround-applied",
        {"status": "Workaround applied"},
        [(CREATED, "New"), ("2026-11-23 15:00", "Workaround applied")],
        "2026-11-23 15:00",
        "history",
        True,
    ),
    ("nothing-tracks-workarounds", {"status": "En cours"}, None, None, None, False),
    (
        "column-after-as-of",
        {"workaround_at": "2026-11-30 11:00"},
        None,
        None,
        None,
        True,
    ),
]


@pytest.mark.parametrize(
    ("row", "hist", "expected_at", "expected_source", "expected_tracked"),
    [case[1:] for case in WORKAROUND_CASES],
    ids=[case[0] for case in WORKAROUND_CASES],
)
def test_workaround_event(
    row: dict[str, Any],
    hist: list[tuple[str, str]] | None,
    expected_at: str | None,
    expected_source: str | None,
    expected_tracked: bool,
) -> None:
    got = prepare_one(row, hist)
    assert _same(got["workaround_at"], expected_at)
    assert _same(got["workaround_source"], expected_source)
    assert got["workaround_tracked"] == expected_tracked


def test_workaround_column_used_by_another_ticket_means_tracked() -> None:
    frame = tickets(
        {"created_at": CREATED, "workaround_at": "2026-11-23 11:00"},
        {"created_at": CREATED},
    )
    got = prepare_tickets(frame, None, CONTRACT, AS_OF)
    assert got["workaround_tracked"].tolist() == [True, True]


# (id, ticket fields, expected severity, kind, rejected)
LABEL_CASES = [
    ("redmine-urgent", {"priority": "Urgent"}, "bloquante", "corrective", False),
    ("glpi-tres-haute", {"priority": "Très haute"}, "bloquante", "corrective", False),
    ("jira-medium", {"priority": "Medium", "tracker": "Bug"}, "mineure", "corrective", False),
    ("unknown-priority", {"priority": "P7"}, None, "corrective", False),
    ("missing-priority", {"priority": None}, None, "corrective", False),
    ("given-kind-wins", {"kind": "support", "tracker": "Bug"}, "majeure", "support", False),
    ("tracker-evolution", {"tracker": "Évolution"}, "majeure", "evolutive", False),
    ("unknown-tracker", {"tracker": "Truc"}, "majeure", "other", False),
    ("rejected-status", {"status": "Rejeté"}, "majeure", "corrective", True),
    (
        "duplicate-resolution",
        {"status": "Closed", "resolution": "Duplicate"},
        "majeure",
        "corrective",
        True,
    ),
    ("closed-not-rejected", {"status": "Fermé"}, "majeure", "corrective", False),
]


@pytest.mark.parametrize(
    ("row", "severity", "kind", "rejected"),
    [case[1:] for case in LABEL_CASES],
    ids=[case[0] for case in LABEL_CASES],
)
def test_severity_kind_rejected(
    row: dict[str, Any], severity: str | None, kind: str, rejected: bool
) -> None:
    got = prepare_one(row)
    assert _same(got["severity"], severity)
    assert got["kind"] == kind
    assert got["rejected"] == rejected


def test_tickets_created_after_as_of_are_dropped_undated_ones_kept() -> None:
    frame = tickets(
        {"created_at": "2026-11-23 09:00"},
        {"created_at": "2026-11-28 09:00"},
        {"created_at": None},
    )
    got = prepare_tickets(frame, None, CONTRACT, AS_OF)
    assert got["key"].tolist() == ["1", "3"]


def test_prepared_columns_and_dtypes() -> None:
    got = prepare_tickets(tickets({"created_at": CREATED}), None, CONTRACT, AS_OF)
    for column, dtype in PREPARED_COLUMNS.items():
        assert str(got[column].dtype) == str(pd.Series(dtype=dtype).dtype), column
    empty = prepare_tickets(tickets({"created_at": CREATED}).iloc[:0], None, CONTRACT, AS_OF)
    assert empty.empty and set(PREPARED_COLUMNS) <= set(empty.columns)


def test_history_of_several_tickets_is_not_mixed() -> None:
    frame = tickets({"created_at": CREATED}, {"created_at": CREATED})
    h = history(
        ("2", "2026-11-24 10:00", "En cours"),
        ("1", CREATED, "Nouveau"),
        ("2", CREATED, "Nouveau"),
        ("1", "2026-11-23 10:00", "En cours"),
    )
    got = prepare_tickets(frame, h, CONTRACT, AS_OF)
    assert got["response_at"].tolist() == [T("2026-11-23 10:00"), T("2026-11-24 10:00")]


# (id, history rows, as_of, expected intervals as (key, start, end))
WAITING_CASES = [
    (
        "wait-then-pickup",
        [("1", "2026-11-23 10:00", "En attente client"), ("1", "2026-11-24 10:00", "En cours")],
        AS_OF,
        [("1", "2026-11-23 10:00", "2026-11-24 10:00")],
    ),
    (
        "still-waiting-ends-at-as-of",
        [("1", "2026-11-23 10:00", "Nouveau"), ("1", "2026-11-26 10:00", "Waiting for customer")],
        AS_OF,
        [("1", "2026-11-26 10:00", "2026-11-27 18:00")],
    ),
    (
        "change-after-as-of-is-ignored",
        [("1", "2026-11-26 10:00", "En attente client"), ("1", "2026-11-30 10:00", "En cours")],
        AS_OF,
        [("1", "2026-11-26 10:00", "2026-11-27 18:00")],
    ),
    (
        "two-waits-unsorted-input",
        [
            ("1", "2026-11-25 10:00", "En attente client"),
            ("1", "2026-11-23 10:00", "En attente client"),
            ("1", "2026-11-24 10:00", "En cours"),
            ("1", "2026-11-26 10:00", "Résolu"),
        ],
        AS_OF,
        [
            ("1", "2026-11-23 10:00", "2026-11-24 10:00"),
            ("1", "2026-11-25 10:00", "2026-11-26 10:00"),
        ],
    ),
    (
        "two-tickets-interleaved",
        [
            ("1", "2026-11-23 10:00", "En attente client"),
            ("2", "2026-11-23 11:00", "En attente client"),
            ("1", "2026-11-23 12:00", "En cours"),
            ("2", "2026-11-23 16:00", "En cours"),
        ],
        AS_OF,
        [
            ("1", "2026-11-23 10:00", "2026-11-23 12:00"),
            ("2", "2026-11-23 11:00", "2026-11-23 16:00"),
        ],
    ),
    ("no-waiting-status", [("1", "2026-11-23 10:00", "En cours")], AS_OF, []),
]


@pytest.mark.parametrize(
    ("rows", "as_of", "expected"),
    [case[1:] for case in WAITING_CASES],
    ids=[case[0] for case in WAITING_CASES],
)
def test_waiting_intervals(
    rows: list[tuple[str, str, str]], as_of: pd.Timestamp, expected: list[tuple[str, str, str]]
) -> None:
    got = waiting_intervals(history(*rows), CONTRACT, as_of)
    assert list(got.columns) == ["source", "ticket_key", "start", "end"]
    triples = [
        (k, s, e) for k, s, e in zip(got["ticket_key"], got["start"], got["end"], strict=True)
    ]
    assert sorted(triples) == [(k, T(s), T(e)) for k, s, e in expected]


def test_waiting_intervals_without_history() -> None:
    assert waiting_intervals(None, CONTRACT, AS_OF).empty


def _same(value: object, expected: str | None) -> bool:
    """Compare a prepared value with an expected timestamp text, label or missing value."""
    if expected is None:
        return bool(pd.isna(value))
    if isinstance(value, pd.Timestamp):
        return value == T(expected)
    return value == expected
