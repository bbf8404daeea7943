"""The Copil view: figures recomputed with plain loops (its deck: tests/reports)."""

from __future__ import annotations

import dataclasses
import math
import statistics

import pytest

from tests.naive import views as naive
from tma_metrics.views.copil import COSTLIEST, copil_view
from tma_metrics.views.tables import INTERNAL_COLUMNS


@pytest.fixture(scope="module")
def view(quarter_figures):
    return copil_view(quarter_figures)


def _period(figures):
    return figures.period.start, figures.period.end


def test_consumption_of_the_period_matches_loop(view, quarter_figures) -> None:
    start, end = _period(quarter_figures)
    expected = naive.deducted_hours_between(quarter_figures.entries, start, end) / 8.0
    assert view.consumed_period_days == pytest.approx(expected)
    months = view.monthly["deducted_days"].sum()
    assert months == pytest.approx(expected)  # the quarter starts on a month's first day


def test_ticket_mix_matches_loop(view, quarter_figures) -> None:
    start, end = _period(quarter_figures)
    created: dict[str, int] = {}
    for r in naive.records(quarter_figures.tickets):
        if naive.in_days(r["created_at"], start, end):
            created[r["kind"]] = created.get(r["kind"], 0) + 1
    got = {k: n for k, n in zip(view.mix["kind"], view.mix["created"], strict=True) if n}
    assert got == created
    assert view.mix["created_share"].sum() == pytest.approx(1.0)
    time = naive.hours_by(quarter_figures.entries, start, end, naive.entry_kind)
    got_days = dict(zip(view.mix["kind"], view.mix["deducted_days"], strict=True))
    assert {k: v * 8.0 for k, v in got_days.items() if v} == pytest.approx(time)


def test_costliest_tickets_match_loop(view, quarter_figures) -> None:
    start, end = _period(quarter_figures)
    by_key = naive.hours_by(
        quarter_figures.entries,
        start,
        end,
        lambda r: "" if r["ticket_uid"] is None else str(r["ticket_key"]),
    )
    top = sorted(by_key.items(), key=lambda kv: (-kv[1], kv[0]))[:COSTLIEST]
    got = list(zip(view.costliest["key"].fillna(""), view.costliest["deducted_hours"], strict=True))
    assert [k for k, _ in got] == [k for k, _ in top]
    assert [h for _, h in got] == pytest.approx([h for _, h in top])


def test_sla_tables_agree_with_the_period_summary(view, quarter_figures) -> None:
    s = quarter_figures.sla_summary
    assert view.sla_summary == s
    assert view.sla_by_severity["met"].sum() == s.met
    assert view.sla_by_severity["breached"].sum() == s.breached
    assert view.sla_by_month["met"].sum() == s.met
    start, end = _period(quarter_figures)
    met, breached, _, _ = naive.sla_counts(quarter_figures.outcomes, start, end)
    assert (met, breached) == (s.met, s.breached)


def test_resolution_times_match_loop(view, quarter_figures) -> None:
    elapsed: dict[str, list[float]] = {}
    for r in naive.records(quarter_figures.sla_period):
        stopped = r["stop_at"] is not None and str(r["stop_at"]) != "NaT"
        if r["sla_kind"] == "resolution" and r["measurable"] and stopped:
            elapsed.setdefault(r["severity"], []).append(r["elapsed_minutes"])
    table = view.resolution_times.set_index("severity")
    assert set(table.index) == set(elapsed)
    for severity, values in elapsed.items():
        assert table.loc[severity, "resolved"] == len(values)
        assert table.loc[severity, "median_minutes"] == pytest.approx(statistics.median(values))


def test_backlog_and_reopened(view, quarter_figures) -> None:
    assert view.backlog.open == len(naive.open_keys(quarter_figures.tickets))
    assert view.reopened.empty  # the demo has no reopened ticket...
    t = quarter_figures.tickets.copy()
    resolved = t.index[t["resolution_at"].notna() & ~t["is_open"]][0]
    t.loc[resolved, ["is_open", "reopened"]] = True  # ...so reopen one
    reopened = copil_view(dataclasses.replace(quarter_figures, tickets=t)).reopened
    assert reopened["key"].tolist() == [t.loc[resolved, "key"]]


def test_key_figures_and_cost_reminder(view, quarter_figures) -> None:
    figures = {c.key: c for c in view.key_figures}
    sla = quarter_figures.sla_summary
    if sla.unknown:  # a range has no single value: its text says it
        assert math.isnan(figures["sla_compliance"].value)
        assert figures["sla_compliance"].text.startswith("entre ")
    else:
        assert figures["sla_compliance"].value == sla.compliance
    within = quarter_figures.estimation_summary.within_guarantee_rate
    assert figures["within_guarantee_rate"].value == within
    assert "1,5\u00a0j" in view.copil_cost_note
    forfait = dataclasses.replace(quarter_figures.contract, model="forfait")
    assert (
        copil_view(dataclasses.replace(quarter_figures, contract=forfait)).copil_cost_note is None
    )


def test_client_view_has_nothing_internal(quarter_figures) -> None:
    client = copil_view(quarter_figures, client_view=True)
    for name, table in client.tables.items():
        assert not set(table.columns) & INTERNAL_COLUMNS, name
    assert client.spent_period_hours is None and client.absorbed_period_hours is None
    assert not any(c.internal for c in client.cards)
