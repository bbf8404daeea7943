"""SLA engine rules beyond single outcomes: pauses, periods, kinds, defaults, robustness."""

from __future__ import annotations

import dataclasses
import doctest

import pytest

from tests.domain.sla.test_outcomes import AS_OF, CONTRACT, MON, outcomes_for, row_of
from tests.ticket_builders import T, contract, tickets
from tma_metrics.domain.business_time import calendar as business_calendar
from tma_metrics.domain.business_time.calendar import calendar_for
from tma_metrics.domain.business_time.timeline import prepare_tickets
from tma_metrics.domain.sla import delivery
from tma_metrics.domain.sla.outcomes import OUTCOME_COLUMNS, OUTCOMES, sla_outcomes, sla_targets


def test_pause_removes_eight_hours_and_pushes_deadlines() -> None:
    hist = [
        ("1", f"{MON} 09:00", "Nouveau"),
        ("1", f"{MON} 10:00", "En attente client"),
        ("1", "2026-11-24 10:00", "En cours"),
        ("1", "2026-11-25 10:00", "Résolu"),
    ]
    out = outcomes_for([{"created_at": f"{MON} 09:00", "status": "Résolu"}], hist)
    response, resolution = row_of(out, "response"), row_of(out, "resolution")
    assert response["paused_minutes"] == 480
    assert response["deadline"] == T("2026-11-24 13:00")  # 1 h before the pause, 3 h after
    assert resolution["paused_minutes"] == 480
    assert resolution["deadline"] == T("2026-11-30 18:00")  # 5 days + the 8 h paused
    assert resolution["stop_source"] == "history"


def test_still_waiting_clock_is_paused_until_as_of() -> None:
    hist = [("1", f"{MON} 09:00", "Nouveau"), ("1", f"{MON} 10:00", "En attente client")]
    out = outcomes_for([{"created_at": f"{MON} 09:00", "status": "En attente client"}], hist)
    got = row_of(out, "resolution")
    assert got["outcome"] == "open"
    assert got["elapsed_minutes"] == 60
    assert got["paused_minutes"] == 5 * 480 - 60
    # The deadline assumes the ticket leaves the waiting status now: 2340 minutes from as_of.
    cal = calendar_for(CONTRACT.calendar)
    assert cal.business_minutes(AS_OF, got["deadline"]) == pytest.approx(2400 - 60)


def test_period_at_rules() -> None:
    rows = [
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-24 10:00", "status": "Résolu"},
        {"created_at": "2026-11-02 09:00", "status": "En cours"},
        {"created_at": f"{MON} 09:00", "status": "En cours"},
        {"created_at": "2026-10-20 09:00", "status": "Fermé", "closed_at": None},
        {"created_at": "2026-10-20 09:00", "status": "Fermé", "closed_at": "2026-11-02 09:00"},
    ]
    out = outcomes_for(rows)
    assert row_of(out, "resolution", "1")["period_at"] == T("2026-11-24 10:00")  # the stop
    breached = row_of(out, "resolution", "2")
    assert breached["outcome"] == "breached"
    assert breached["period_at"] == breached["deadline"] == T("2026-11-06 18:00")
    assert row_of(out, "resolution", "3")["period_at"] == AS_OF  # open: as of the report
    assert row_of(out, "resolution", "4")["period_at"] == T("2026-10-20 09:00")  # creation
    response = row_of(out, "response", "5")
    assert response["outcome"] == "not_measurable"
    assert response["period_at"] == T("2026-11-02 09:00")  # the closing date


def test_only_contract_ticket_kinds_get_rows() -> None:
    rows = [
        {"created_at": f"{MON} 09:00", "tracker": "Anomalie"},
        {"created_at": f"{MON} 09:00", "tracker": "Évolution"},
        {"created_at": f"{MON} 09:00", "tracker": "Support"},
    ]
    assert set(outcomes_for(rows)["key"]) == {"1"}
    wider = contract('sla_ticket_kinds = ["corrective", "support"]\n')
    out = outcomes_for(rows, contract=wider)
    assert set(out["key"]) == {"1", "3"}
    assert len(out) == 2 * 3


def test_contract_without_sla_uses_the_default_matrix() -> None:
    bare = dataclasses.replace(CONTRACT, sla=())
    targets = sla_targets(bare)
    assert targets[("bloquante", "response")].allowance == "2h"
    assert targets[("mineure", "resolution")].allowance is None
    row = {"created_at": f"{MON} 09:00", "responded_at": f"{MON} 14:01"}
    assert row_of(outcomes_for([row], contract=bare), "response")["outcome"] == "breached"


def test_columns_dtypes_and_empty_input() -> None:
    out = outcomes_for([{"created_at": f"{MON} 09:00"}])
    assert list(out.columns) == list(OUTCOME_COLUMNS)
    assert set(out["outcome"]) <= set(OUTCOMES)
    assert out["sla_kind"].tolist() == ["response", "workaround", "resolution"]
    empty = prepare_tickets(tickets({"created_at": f"{MON} 09:00"}).iloc[:0], None, CONTRACT, AS_OF)
    none = sla_outcomes(empty, None, CONTRACT, AS_OF, history_available=False)
    assert none.empty and list(none.columns) == list(OUTCOME_COLUMNS)


def test_messy_data_never_raises() -> None:
    rows = [
        {"created_at": f"{MON} 09:00", "responded_at": "2026-11-01 09:00"},
        {"created_at": f"{MON} 09:00", "workaround_at": "2026-11-01 09:00"},
        {"created_at": f"{MON} 09:00", "resolved_at": "2026-11-01 09:00", "status": "Résolu"},
        {"created_at": None, "priority": None, "tracker": "Bug"},
    ]
    out = outcomes_for(rows)
    assert (out.loc[out["key"] != "4", "outcome"] != "met").all()
    assert out["note"].notna().sum() >= 4


@pytest.mark.parametrize("module", [business_calendar, delivery], ids=lambda m: m.__name__)
def test_docstring_examples_hold(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
