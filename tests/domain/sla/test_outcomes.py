"""SLA outcomes per ticket: tables of cases for every rule of DOMAIN.md §4."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.ticket_builders import T, contract, history, tickets
from tma_metrics.domain.business_time.timeline import prepare_tickets, waiting_intervals
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.sla.outcomes import sla_outcomes

CONTRACT = contract()
ROUND_THE_CLOCK = contract('[contract.sla.bloquante]\ncalendar = "24/7"\n')
AS_OF = T("2026-11-27 18:00")  # Friday
MON = "2026-11-23"  # a Monday


def outcomes_for(
    rows: list[dict[str, Any]],
    hist: list[tuple[str, str, str]] | None = None,
    *,
    as_of: pd.Timestamp = AS_OF,
    contract: Contract = CONTRACT,
) -> pd.DataFrame:
    h = history(*hist) if hist is not None else None
    prepared = prepare_tickets(tickets(*rows), h, contract, as_of)
    waiting = waiting_intervals(h, contract, as_of)
    return sla_outcomes(prepared, waiting, contract, as_of, history_available=h is not None)


def row_of(outcomes: pd.DataFrame, sla_kind: str, key: str = "1") -> pd.Series:
    found = outcomes[(outcomes["key"] == key) & (outcomes["sla_kind"] == sla_kind)]
    assert len(found) == 1
    return found.iloc[0]


# (id, ticket fields, history, sla kind, as_of, contract, outcome, elapsed, note fragment)
CASES = [
    (
        "response-met-exactly-at-allowance",
        {"created_at": f"{MON} 09:00", "responded_at": f"{MON} 13:00", "status": "En cours"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        240,
        None,
    ),
    (
        "response-met-at-allowance-after-lunch",
        {"created_at": f"{MON} 09:00", "responded_at": f"{MON} 14:00", "status": "En cours"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        240,
        None,
    ),
    (
        "response-breached-one-minute-over",
        {"created_at": f"{MON} 09:00", "responded_at": f"{MON} 14:01", "status": "En cours"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "breached",
        241,
        None,
    ),
    (
        "night-creation-counts-from-opening",
        {"created_at": "2026-11-22 23:00", "responded_at": f"{MON} 12:59", "status": "En cours"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        239,
        None,
    ),
    (
        "holiday-creation-counts-from-next-day",
        {"created_at": "2026-11-11 10:00", "responded_at": "2026-11-12 12:00"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        180,
        None,
    ),
    (
        "weekend-creation-less-than-25-percent-left-at-risk",
        {"created_at": "2026-11-21 10:00", "status": "Nouveau"},
        None,
        "response",
        T(f"{MON} 12:01"),
        CONTRACT,
        "at_risk",
        181,
        "Pas encore pris en charge",
    ),
    (
        "exactly-25-percent-left-is-open",
        {"created_at": "2026-11-21 10:00", "status": "Nouveau"},
        None,
        "response",
        T(f"{MON} 12:00"),
        CONTRACT,
        "open",
        180,
        "Pas encore pris en charge",
    ),
    (
        "nothing-left-is-at-risk-not-yet-breached",
        {"created_at": "2026-11-21 10:00", "status": "Nouveau"},
        None,
        "response",
        T(f"{MON} 13:00"),
        CONTRACT,
        "at_risk",
        240,
        "Pas encore pris en charge",
    ),
    (
        "open-past-deadline-is-breached",
        {"created_at": "2026-11-21 10:00", "status": "Nouveau"},
        None,
        "response",
        T(f"{MON} 14:01"),
        CONTRACT,
        "breached",
        241,
        "Pas encore pris en charge",
    ),
    (
        "resolution-open-with-time-left",
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        None,
        "resolution",
        T("2026-11-24 18:00"),
        CONTRACT,
        "open",
        960,
        None,
    ),
    (
        "pause-removes-waiting-on-client",
        {"created_at": f"{MON} 09:00", "status": "Résolu"},
        [
            ("1", f"{MON} 09:00", "Nouveau"),
            ("1", f"{MON} 10:00", "En attente client"),
            ("1", "2026-11-24 10:00", "En cours"),
            ("1", "2026-11-25 10:00", "Résolu"),
        ],
        "resolution",
        AS_OF,
        CONTRACT,
        "met",
        1020 - 480,
        None,
    ),
    (
        "pause-saves-the-response",
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        [
            ("1", f"{MON} 09:00", "Nouveau"),
            ("1", f"{MON} 10:00", "En attente client"),
            ("1", "2026-11-24 10:00", "En cours"),
        ],
        "response",
        AS_OF,
        CONTRACT,
        "met",
        60,
        "historique",
    ),
    (
        "bloquante-24-7-breached-on-saturday",
        {
            "priority": "Urgent",
            "created_at": "2026-11-21 10:00",
            "responded_at": "2026-11-21 13:00",
        },
        None,
        "response",
        AS_OF,
        ROUND_THE_CLOCK,
        "breached",
        180,
        None,
    ),
    (
        "bloquante-business-hours-met-on-saturday",
        {
            "priority": "Urgent",
            "created_at": "2026-11-21 10:00",
            "responded_at": "2026-11-21 13:00",
        },
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        0,
        None,
    ),
    (
        "bloquante-24-7-one-day-is-24h",
        {"priority": "Urgent", "created_at": "2026-11-21 10:00", "resolved_at": "2026-11-22 10:00"},
        None,
        "resolution",
        AS_OF,
        ROUND_THE_CLOCK,
        "met",
        1440,
        None,
    ),
    (
        "rejected-counts-for-response",
        {
            "created_at": f"{MON} 09:00",
            "responded_at": f"{MON} 10:00",
            "resolved_at": f"{MON} 11:00",
            "status": "Rejeté",
            "resolution": "Doublon",
        },
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        60,
        None,
    ),
    (
        "rejected-not-for-resolution",
        {"created_at": f"{MON} 09:00", "resolved_at": f"{MON} 11:00", "status": "Rejeté"},
        None,
        "resolution",
        AS_OF,
        CONTRACT,
        "not_applicable",
        None,
        "rejeté",
    ),
    (
        "rejected-not-for-workaround",
        {
            "created_at": f"{MON} 09:00",
            "resolved_at": f"{MON} 11:00",
            "status": "Closed",
            "resolution": "Duplicate",
        },
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "not_applicable",
        None,
        "rejeté",
    ),
    (
        "resolution-bounded-by-closing-within-allowance-is-met",
        {"created_at": f"{MON} 09:00", "closed_at": "2026-11-24 10:00", "status": "Fermé"},
        None,
        "resolution",
        AS_OF,
        CONTRACT,
        "met",
        540,
        "date de fermeture (Fermé / closed_at), dans le délai, prouve",
    ),
    (
        "resolution-dated-by-export",
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-30 10:00", "status": "Résolu"},
        None,
        "resolution",
        T("2026-12-01 18:00"),
        CONTRACT,
        "breached",
        2460,
        None,
    ),
    (
        "resolved-without-date-not-measurable",
        {"created_at": f"{MON} 09:00", "status": "Résolu"},
        None,
        "resolution",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "Ticket résolu sans date : synchronisez l'historique des statuts",
    ),
    (
        "response-bounded-by-a-late-closing-not-measurable",
        {"created_at": f"{MON} 09:00", "closed_at": "2026-11-24 10:00", "status": "Fermé"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "tombe après l'échéance : délai non mesurable",
    ),
    (
        "response-unknown-while-in-progress",
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "Date de première réponse inconnue : synchronisez l'historique des statuts",
    ),
    (
        "response-history-shows-no-pickup-before-a-late-closing",
        {"created_at": f"{MON} 09:00", "closed_at": "2026-11-24 10:00", "status": "Fermé"},
        [("1", f"{MON} 09:00", "Nouveau")],
        "response",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "tombe après l'échéance",
    ),
    (
        "mineure-response-three-days",
        {"priority": "Normal", "created_at": f"{MON} 09:00", "responded_at": "2026-11-26 09:00"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "met",
        1440,
        None,
    ),
    (
        "planned-mineure-workaround-not-applicable",
        {"priority": "Normal", "created_at": f"{MON} 09:00"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "not_applicable",
        None,
        "planification",
    ),
    (
        "planned-mineure-resolution-not-applicable",
        {"priority": "Bas", "created_at": f"{MON} 09:00", "resolved_at": "2026-12-20 09:00"},
        None,
        "resolution",
        AS_OF,
        CONTRACT,
        "not_applicable",
        None,
        "planification",
    ),
    (
        "unknown-priority-not-applicable",
        {"priority": "P7", "created_at": f"{MON} 09:00", "responded_at": f"{MON} 10:00"},
        None,
        "response",
        AS_OF,
        CONTRACT,
        "not_applicable",
        None,
        "Priorité « P7 » non reconnue",
    ),
    (
        "resolved-before-created-not-measurable",
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-20 09:00", "status": "Résolu"},
        None,
        "resolution",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "avant la création",
    ),
    (
        "missing-creation-date",
        {"created_at": None, "resolved_at": "2026-11-20 09:00", "status": "Résolu"},
        None,
        "resolution",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "Date de création absente",
    ),
]


@pytest.mark.parametrize(
    ("row", "hist", "sla_kind", "as_of", "contract", "outcome", "elapsed", "note"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_outcome(
    row: dict[str, Any],
    hist: list[tuple[str, str, str]] | None,
    sla_kind: str,
    as_of: pd.Timestamp,
    contract: Contract,
    outcome: str,
    elapsed: float | None,
    note: str | None,
) -> None:
    check_outcome(row, hist, sla_kind, as_of, contract, outcome, elapsed, note)


def check_outcome(
    row: dict[str, Any],
    hist: list[tuple[str, str, str]] | None,
    sla_kind: str,
    as_of: pd.Timestamp,
    contract: Contract,
    outcome: str,
    elapsed: float | None,
    note: str | None,
) -> None:
    """Compute one ticket's outcomes and check the row of ``sla_kind``."""
    got = row_of(outcomes_for([row], hist, as_of=as_of, contract=contract), sla_kind)
    assert got["outcome"] == outcome
    assert got["measurable"] == (outcome in ("met", "breached", "open", "at_risk"))
    assert got["applicable"] == (outcome != "not_applicable")
    if elapsed is None:
        assert pd.isna(got["elapsed_minutes"])
    else:
        assert got["elapsed_minutes"] == pytest.approx(elapsed)
    if note is None:
        assert pd.isna(got["note"])
    else:
        assert note in got["note"]
