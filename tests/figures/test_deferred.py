"""The deferred tables of `ContractFigures`: computed on first read, then kept.

The summaries of many contracts (JSON report, portfolio) never read the ticket table,
the monthly figures, the burn-up or the delivery commitments; a page reads them all.
Either way each table holds what plain loops over the contract's rows find.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections import defaultdict

import pandas as pd
import pytest

from tests.naive import views as naive
from tma_metrics.figures.contract_figures import DEFERRED_FIELDS, PENDING

from ..figures_fixtures import gamma_figures


def _held(figures: object, name: str) -> object:
    return figures.__dict__[f"_{name}_value"]


def naive_sums(entries: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Deducted hours per month, per day and per ticket, and spent hours per month."""
    by_month, by_day, by_ticket, spent = (defaultdict(float) for _ in range(4))
    for row in naive.records(entries):
        day = pd.Timestamp(row["date"]).date()
        by_month[day.replace(day=1)] += float(row["deducted_hours"])
        spent[day.replace(day=1)] += float(row["hours"])
        by_day[day] += float(row["deducted_hours"])
        if not pd.isna(row["ticket_key"]):
            by_ticket[str(row["ticket_key"])] += float(row["deducted_hours"])
    return (by_month, spent), by_day, by_ticket


def assert_tables_match_loops(figures) -> None:
    """Check each deferred table against the entries and tickets summed by plain loops."""
    (by_month, spent), by_day, by_ticket = naive_sums(figures.entries)
    months = {
        pd.Timestamp(m).date(): r
        for m, r in zip(figures.monthly["month"], naive.records(figures.monthly), strict=True)
    }
    assert set(months) == set(by_month)
    for month, row in months.items():
        assert row["deducted_hours"] == pytest.approx(by_month[month]), month
        assert row["deducted_days"] == pytest.approx(by_month[month] / 8.0), month
        assert row["spent_hours"] == pytest.approx(spent[month]), month
    b = figures.balance
    consumed = 0.0
    for row in naive.records(figures.burn_up):
        day = pd.Timestamp(row["date"]).date()
        if b.carnet_start <= day <= b.as_of:
            consumed += by_day.get(day, 0.0) / 8.0
            assert row["consumed_days"] == pytest.approx(consumed), day
            assert row["available_days"] == b.purchased_days + b.carried_over_days
    tickets = figures.tickets
    assert set(tickets["key"]) == set(figures.prepared["key"])
    deducted = dict(zip(tickets["key"], tickets["deducted_hours"], strict=True))
    assert {k: v for k, v in deducted.items() if v} == pytest.approx(
        {k: v for k, v in by_ticket.items() if v}
    )
    evolutive = set(figures.prepared.loc[figures.prepared["kind"] == "evolutive", "key"])
    assert set(zip(figures.delivery["key"], figures.delivery["commitment"], strict=True)) == {
        (key, commitment) for key in evolutive for commitment in ("estimate", "delivery")
    }


def test_deferred_tables_are_computed_on_first_read_as_loops_find_them(tmp_path) -> None:
    bare = gamma_figures(tmp_path)
    assert all(_held(bare, name) is PENDING for name in DEFERRED_FIELDS)
    tickets = bare.tickets
    assert _held(bare, "tickets") is tickets  # kept: read twice, computed once
    assert all(_held(bare, name) is PENDING for name in ("monthly", "burn_up", "delivery"))
    assert_tables_match_loops(bare)
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
