"""Ticket and entry selections of the views agree with plain loops over the raw frames."""

from __future__ import annotations

import statistics
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.naive import views as naive
from tma_metrics.views import activity
from tma_metrics.views.activity import AGE_CLASSES

WINDOWS = [
    (date(2026, 11, 14), date(2026, 11, 20)),
    (date(2026, 10, 1), date(2026, 10, 31)),
    (date(2026, 2, 1), date(2026, 11, 20)),
    (date(2026, 11, 21), date(2026, 11, 30)),
]
WINDOW_IDS = ["point-week", "october", "whole-carnet", "after-as-of-empty"]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2026-11-14 00:00", True),
        ("2026-11-20 23:59:59", True),
        ("2026-11-21 00:00", False),
        ("2026-11-13 23:59", False),
        (None, False),
    ],
    ids=["start-midnight-in", "end-last-second-in", "next-midnight-out", "day-before-out", "NaT"],
)
def test_window_bounds(stamp, expected) -> None:
    stamps = pd.Series(pd.to_datetime([stamp]))
    assert activity.in_window(stamps, date(2026, 11, 14), date(2026, 11, 20))[0] == expected


@pytest.mark.parametrize(("start", "end"), WINDOWS, ids=WINDOW_IDS)
def test_came_in_and_resolved_match_loops(demo_figures, start, end) -> None:
    t = demo_figures.tickets
    rows = activity.ticket_rows(t, demo_figures.period.as_of, demo_figures.contract.margin)
    assert set(activity.created_between(rows, start, end)["key"]) == naive.created_keys(
        t, start, end
    )
    resolved = activity.resolved_between(rows, demo_figures.changes, start, end)
    assert sorted(resolved["key"]) == sorted(naive.resolved_keys(demo_figures, start, end))


def test_ticket_rows_ages_and_figures_match_loops(demo_figures) -> None:
    t = demo_figures.tickets
    as_of = demo_figures.period.as_of
    rows = activity.ticket_rows(t, as_of, demo_figures.contract.margin)
    assert len(rows) == len(t)
    for row, raw in zip(naive.records(rows), naive.records(t), strict=True):
        assert row["key"] == raw["key"]
        assert row["age_days"] == naive.age_days(raw["created_at"], as_of)
        assert row["spent_hours"] == pytest.approx(naive.number(raw["billed_spent_hours"]))
        assert row["deducted_hours"] == pytest.approx(naive.number(raw["deducted_hours"]))


def test_backlog_matches_loops(demo_figures) -> None:
    t = demo_figures.tickets
    as_of = demo_figures.period.as_of
    rows = activity.ticket_rows(t, as_of, demo_figures.contract.margin)
    open_rows = activity.open_rows(t, rows)
    summary = activity.backlog(open_rows)
    ages = [naive.age_days(r["created_at"], as_of) for r in naive.records(t) if r["is_open"]]
    assert set(open_rows["key"]) == naive.open_keys(t)
    assert summary.open == len(ages) > 0
    assert summary.median_age_days == pytest.approx(statistics.median(ages))
    assert summary.oldest_age_days == max(ages)
    counts = [sum(low <= a < high for a in ages) for low, high, _ in AGE_CLASSES]
    assert summary.by_age["tickets"].tolist() == counts
    assert int(summary.by_kind["tickets"].sum()) == len(ages)


def test_empty_backlog_has_no_median() -> None:
    empty = pd.DataFrame({"key": [], "kind": [], "age_days": pd.array([], dtype="Int64")})
    summary = activity.backlog(empty)
    assert (summary.open, summary.median_age_days, summary.oldest_key) == (0, None, None)
    assert summary.by_age["tickets"].sum() == 0


def test_pending_estimates_match_loop(demo_figures) -> None:
    t = demo_figures.tickets
    pending = activity.pending_estimates(t, demo_figures.period.as_of, 8.0)
    expected = {}
    for r in naive.records(t):
        est = str(r["estimate_status"]).strip().lower() if not pd.isna(r["estimate_status"]) else ""
        re = r["reestimate_status"]
        re = str(re).strip().lower() if not pd.isna(re) else ""
        if r["is_open"] and "pending" in (est, re):
            hours = r["reestimate_hours"] if re == "pending" else r["estimate_hours"]
            expected[r["key"]] = float(hours)
    assert expected, "the demo has a pending estimate"
    assert dict(zip(pending["key"], pending["estimate_hours"], strict=True)) == expected
    assert pending["estimate_days"].tolist() == [h / 8.0 for h in pending["estimate_hours"]]


def test_reestimate_pending_wins_and_waiting_days_count_from_sending(demo_figures) -> None:
    t = demo_figures.tickets.copy()
    i = int(np.flatnonzero(t["is_open"].to_numpy())[0])
    t.loc[i, ["estimate_status", "reestimate_status"]] = ["validated", "pending"]
    t.loc[i, "reestimate_hours"] = 12.0
    t.loc[i, "reestimated_at"] = pd.Timestamp("2026-11-17 10:00")
    pending = activity.pending_estimates(t, date(2026, 11, 20), 8.0)
    row = pending[pending["key"] == t.loc[i, "key"]].iloc[0]
    assert (row["subject"], row["estimate_hours"], row["waiting_days"]) == ("reestimate", 12.0, 3)


def test_past_guarantee_is_open_and_spent_over_cap(demo_figures) -> None:
    t = demo_figures.tickets.copy()
    estimated_open = np.flatnonzero(
        t["is_open"].to_numpy() & t["effective_estimate_hours"].notna().to_numpy()
    )
    i, j = int(estimated_open[0]), int(estimated_open[1])
    estimate_i = float(t.loc[i, "effective_estimate_hours"])
    estimate_j = float(t.loc[j, "effective_estimate_hours"])
    t.loc[i, "billed_spent_hours"] = 1.25 * estimate_i + 0.25  # over the cap
    t.loc[j, "billed_spent_hours"] = 1.25 * estimate_j  # exactly the cap: within
    rows = activity.ticket_rows(t, demo_figures.period.as_of, 0.25)
    expected = {
        r["key"]
        for r in naive.records(t)
        if r["is_open"]
        and not pd.isna(r["effective_estimate_hours"])
        and r["billed_spent_hours"] > 1.25 * float(r["effective_estimate_hours"]) + 1e-9
    }
    assert set(rows.loc[rows["past_guarantee"], "key"]) == expected
    assert t.loc[i, "key"] in expected and t.loc[j, "key"] not in expected


@pytest.mark.parametrize(("start", "end"), WINDOWS, ids=WINDOW_IDS)
def test_time_by_kind_and_activity_match_loops(demo_figures, start, end) -> None:
    entries = activity.entries_between(demo_figures.entries, start, end)
    by_kind = activity.time_by_kind(entries, 8.0)
    by_activity = activity.time_by_activity(entries, 8.0)
    expected_kind = naive.hours_by(demo_figures.entries, start, end, naive.entry_kind)
    expected_activity = naive.hours_by(
        demo_figures.entries, start, end, lambda r: str(r["activity"])
    )
    got_kind = dict(zip(by_kind["kind"], by_kind["deducted_hours"], strict=True))
    got_activity = dict(zip(by_activity["activity"], by_activity["deducted_hours"], strict=True))
    assert got_kind == pytest.approx(expected_kind)
    assert got_activity == pytest.approx(expected_activity)
    total = naive.deducted_hours_between(demo_figures.entries, start, end)
    if total:
        assert by_kind["deducted_share"].sum() == pytest.approx(1.0)
        assert by_kind["deducted_days"].sum() == pytest.approx(total / 8.0)


def test_entries_without_ticket_count_as_management_and_unknown_ones_as_other() -> None:
    entries = pd.DataFrame(
        {
            "ticket_uid": pd.array([None, "x:1", "x:2"], dtype="string"),
            "ticket_kind": pd.array([None, None, "corrective"], dtype="string"),
        }
    )
    assert activity.entry_kinds(entries).tolist() == ["management", "other", "corrective"]


def test_time_by_ticket_matches_loop(demo_figures) -> None:
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    f = demo_figures
    rows = activity.ticket_rows(f.tickets, f.period.as_of, f.contract.margin)
    entries = activity.entries_between(f.entries, start, end)
    table = activity.time_by_ticket(entries, rows, 8.0)
    spent: dict[str, float] = {}
    for r in naive.records(f.entries):
        if naive.in_days(r["date"], start, end):
            key = "" if pd.isna(r["ticket_uid"]) else str(r["ticket_key"])
            spent[key] = spent.get(key, 0.0) + float(r["hours"])
    keys = table["key"].fillna("").tolist()
    assert dict(zip(keys, table["spent_hours"], strict=True)) == pytest.approx(spent)
    assert table["spent_hours"].is_monotonic_decreasing


def test_time_by_ticket_names_time_without_ticket(demo_figures) -> None:
    f = demo_figures
    entries = f.entries.head(3).copy()
    entries["ticket_uid"] = pd.array([None, None, entries["ticket_uid"].iloc[2]], dtype="string")
    rows = activity.ticket_rows(f.tickets, f.period.as_of, f.contract.margin)
    table = activity.time_by_ticket(entries, rows, 8.0)
    no_ticket = table[table["ticket_uid"].isna()].iloc[0]
    assert (no_ticket["title"], no_ticket["kind"], no_ticket["rule"]) == (
        "(sans demande)",
        "management",
        "no_ticket",
    )
    assert no_ticket["entries"] == 2
