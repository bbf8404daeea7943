"""The workaround clock: stopped by the workaround or the resolution (DOMAIN.md §4: when no
workaround is recorded before the resolution, the resolution is the workaround)."""

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
        "untracked-workaround-late-resolution-is-the-workaround-breached",
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-26 10:00", "status": "Résolu"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "breached",
        1500,  # Mon 09:00 to Thu 10:00: 3 days of 8 h and 1 h
        "par la résolution",
    ),
    (
        "untracked-workaround-open-runs-until-the-resolution",
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "breached",
        2400,  # Mon 09:00 to Fri 18:00, nothing recorded: past the 2j allowance
        None,
    ),
    (
        "workaround-bounded-by-closing-within-allowance-is-met",
        {"created_at": f"{MON} 09:00", "closed_at": f"{MON} 16:00", "status": "Fermé"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "met",
        360,
        "Contournement non daté ; la date de fermeture",
    ),
    (
        "workaround-bounded-by-a-late-closing-not-measurable",
        {"created_at": f"{MON} 09:00", "closed_at": "2026-11-26 10:00", "status": "Fermé"},
        None,
        "workaround",
        AS_OF,
        CONTRACT,
        "not_measurable",
        None,
        "synchronisez l'historique des statuts",
    ),
    (
        "history-resolution-stops-the-workaround-of-a-redmine-ticket",
        {"created_at": f"{MON} 09:00", "closed_at": "2026-11-27 10:00", "status": "Fermé"},
        [("1", f"{MON} 09:00", "Nouveau"), ("1", f"{MON} 15:00", "Résolu")],
        "workaround",
        AS_OF,
        CONTRACT,
        "met",
        300,
        "par la résolution",
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
