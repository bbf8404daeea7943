"""The workaround clock: stopped by the workaround or the resolution, honest when untracked."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.domain.sla.test_outcomes import AS_OF, CONTRACT, MON, check_outcome, outcomes_for, row_of
from tests.ticket_builders import T
from tma_metrics.domain.contracts.model import Contract

# (id, ticket fields, history, sla kind, as_of, contract, outcome, elapsed, note fragment)
CASES = [
    (
        "workaround-column-met",
        {"created_at": f"{MON} 09:00", "workaround_at": f"{MON} 15:00"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "met",
        300,
        None,
    ),
    (
        "workaround-after-resolution-stops-at-resolution",
        {
            "created_at": f"{MON} 09:00",
            "workaround_at": "2026-11-26 10:00",
            "resolved_at": "2026-11-24 10:00",
            "status": "Résolu",
        },
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "met",
        540,
        "par la résolution",
    ),
    (
        "untracked-workaround-quick-resolution-proves-it",
        {"created_at": f"{MON} 09:00", "resolved_at": f"{MON} 15:00", "status": "Résolu"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "met",
        300,
        "par la résolution",
    ),
    (
        "untracked-workaround-late-resolution-not-measurable",
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-26 10:00", "status": "Résolu"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "workaround_at",
    ),
    (
        "untracked-workaround-open-not-measurable",
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "Contourné",
    ),
]


@pytest.mark.parametrize(
    ("row", "hist", "sla_kind", "as_of", "contract", "outcome", "elapsed", "note"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_workaround_outcome(
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


# (id, other ticket using the workaround column, ticket 1, as_of, outcome, elapsed)
TRACKED_CASES = [
    (
        "column-used-elsewhere-late-resolution-breached",
        {"created_at": f"{MON} 09:00", "workaround_at": f"{MON} 10:00"},
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-26 10:00", "status": "Résolu"},
        AS_OF,
        "breached",
        1500,
    ),
    (
        "column-used-elsewhere-open-is-open",
        {"created_at": f"{MON} 09:00", "workaround_at": f"{MON} 10:00"},
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        T("2026-11-24 12:00"),
        "open",
        660,
    ),
    (
        "column-used-elsewhere-open-past-deadline",
        {"created_at": f"{MON} 09:00", "workaround_at": f"{MON} 10:00"},
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        T("2026-11-25 09:01"),
        "breached",
        961,
    ),
]


@pytest.mark.parametrize(
    ("other", "ticket", "as_of", "outcome", "elapsed"),
    [case[1:] for case in TRACKED_CASES],
    ids=[case[0] for case in TRACKED_CASES],
)
def test_tracked_workaround(
    other: dict[str, Any],
    ticket: dict[str, Any],
    as_of: pd.Timestamp,
    outcome: str,
    elapsed: float,
) -> None:
    got = row_of(outcomes_for([ticket, other], as_of=as_of), "workaround")
    assert got["outcome"] == outcome
    assert got["elapsed_minutes"] == pytest.approx(elapsed)
