"""The deferred tables of `ContractFigures`: computed on first read, then kept.

The summaries of many contracts (JSON report, portfolio) never read the ticket table,
the monthly figures, the burn-up or the delivery commitments; a page reads them all.
Either way each table is the one its engine gives for the contract's rows.
"""

from __future__ import annotations

import dataclasses
import pickle

import pandas as pd

from tma_metrics.domain.carnet import consumption
from tma_metrics.domain.sla import delivery
from tma_metrics.figures.contract_figures import DEFERRED_FIELDS, PENDING, _ticket_table

from ..figures_fixtures import gamma_figures


def _held(figures: object, name: str) -> object:
    return figures.__dict__[f"_{name}_value"]


def test_deferred_tables_are_computed_on_first_read_with_their_engines(tmp_path) -> None:
    bare = gamma_figures(tmp_path)
    assert all(_held(bare, name) is PENDING for name in DEFERRED_FIELDS)
    tickets = bare.tickets
    assert _held(bare, "tickets") is tickets  # kept: read twice, computed once
    assert all(_held(bare, name) is PENDING for name in ("monthly", "burn_up", "delivery"))
    as_of = bare.period.as_of
    expected = {
        "tickets": _ticket_table(bare.prepared, bare.per_ticket, bare.outcomes),
        "monthly": consumption.monthly(bare.contract, bare.entries, as_of),
        "burn_up": consumption.burn_up(bare.contract, bare.entries, as_of),
        "delivery": delivery.delivery_commitments(bare.prepared, bare.contract, bare.at),
    }
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(getattr(bare, name), frame, obj=name)
    assert len(bare.tickets) == len(bare.prepared) > 0
    assert bare.burn_up["consumed_days"].notna().any()


def test_complete_figures_pickle_with_their_tables(demo_figures) -> None:
    done = demo_figures.complete()
    copy = pickle.loads(pickle.dumps(done))
    for name in DEFERRED_FIELDS:
        held = _held(copy, name)
        assert held is not PENDING, name
        pd.testing.assert_frame_equal(held, getattr(done, name), obj=name)


def test_a_table_given_to_replace_is_kept(demo_figures) -> None:
    few = demo_figures.tickets.head(2)
    changed = dataclasses.replace(demo_figures, tickets=few)
    assert changed.tickets is few
    pd.testing.assert_frame_equal(changed.monthly, demo_figures.monthly)
