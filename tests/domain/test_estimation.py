"""Estimation accuracy (DOMAIN.md §5): estimate vs actual, per ticket and summarised."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from tests.naive.money import (
    HOURS_PER_DAY,
    MARGIN,
    entries_frame,
    naive_effective_estimate,
    naive_late,
    naive_summary,
    random_dataset,
    tickets_frame,
)
from tma_metrics.domain.carnet.billing import deduct, ticket_billing
from tma_metrics.domain.estimation import (
    SIZE_CLASSES,
    AccuracySummary,
    accuracy,
    closed_mask,
    summary,
)


def closed_ticket(uid: str = "T", **values: object) -> dict:
    base = {
        "ticket_uid": uid,
        "estimate_hours": 8.0,
        "estimate_status": "validated",
        "reestimate_hours": None,
        "reestimated_at": None,
        "reestimate_status": None,
        "kind": "corrective",
        "assignee": "Alice",
        "created_at": date(2026, 1, 5),
        "closed_at": date(2026, 2, 10),
        "resolved_at": None,
        "spent_hours": None,
    }
    return base | values


def one(ticket_row: dict, actual: float | None, **options: object) -> pd.DataFrame:
    spent = pd.Series({ticket_row["ticket_uid"]: actual} if actual is not None else {}, dtype=float)
    return accuracy(tickets_frame([ticket_row]), spent, MARGIN, HOURS_PER_DAY, **options)


@pytest.mark.parametrize(
    ("estimate", "actual", "ratio", "guarantee", "within_25", "absorbed"),
    [
        pytest.param(8, 8, 1.0, True, True, 0.0, id="on-estimate"),
        pytest.param(8, 10, 1.25, True, True, 0.0, id="at-guarantee-cap"),
        pytest.param(8, 11, 1.375, False, False, 1.0, id="domain-11h-on-8h-absorbs-1h"),
        pytest.param(8, 6, 0.75, True, True, 0.0, id="minus-25pc-boundary"),
        pytest.param(8, 5.5, 0.6875, True, False, 0.0, id="well-under"),
        pytest.param(8, 0, 0.0, True, False, 0.0, id="nothing-spent"),
    ],
)
def test_ticket_accuracy(
    estimate: float, actual: float, ratio: float, guarantee: bool, within_25: bool, absorbed: float
) -> None:
    row = one(closed_ticket(estimate_hours=estimate), actual).iloc[0]
    assert row["ratio"] == pytest.approx(ratio)
    assert row["bias_term"] == pytest.approx((actual - estimate) / estimate)
    assert bool(row["within_guarantee"]) is guarantee
    assert bool(row["within_25"]) is within_25
    assert row["absorbed_hours"] == pytest.approx(absorbed)


@pytest.mark.parametrize(
    ("estimate_hours", "size_class"),
    [
        pytest.param(39.9, "< 5 j", id="just-under-5-days"),
        pytest.param(40, "5 à 25 j", id="exactly-5-days"),
        pytest.param(200, "5 à 25 j", id="exactly-25-days"),
        pytest.param(200.5, "> 25 j", id="over-25-days"),
    ],
)
def test_size_class_from_estimate_in_days(estimate_hours: float, size_class: str) -> None:
    table = one(closed_ticket(estimate_hours=estimate_hours), 10)
    assert table["size_class"].tolist() == [size_class]
    assert list(table["size_class"].cat.categories) == list(SIZE_CLASSES)


@pytest.mark.parametrize(
    ("values", "estimate", "reestimated"),
    [
        pytest.param({}, 8.0, False, id="validated-estimate"),
        pytest.param({"estimate_status": None}, 8.0, False, id="estimate-without-status"),
        pytest.param(
            {"reestimate_hours": 16.0, "reestimate_status": "accepted"},
            16.0,
            True,
            id="accepted-reestimate-replaces",
        ),
        pytest.param(
            {"reestimate_hours": 16.0, "reestimate_status": "pending"},
            8.0,
            True,
            id="pending-reestimate-keeps-original",
        ),
        pytest.param(
            {"reestimate_hours": 16.0, "reestimate_status": "refused"},
            8.0,
            True,
            id="refused-reestimate-keeps-original",
        ),
        pytest.param({"estimate_status": "pending"}, None, None, id="pending-estimate-left-out"),
        pytest.param({"estimate_status": "refused"}, None, None, id="refused-estimate-left-out"),
        pytest.param({"estimate_hours": 0.0}, None, None, id="zero-estimate-left-out"),
        pytest.param({"estimate_hours": None}, None, None, id="no-estimate-left-out"),
    ],
)
def test_effective_estimate(values: dict, estimate: float | None, reestimated: bool | None) -> None:
    table = one(closed_ticket(**values), 9.0)
    if estimate is None:
        assert table.empty
        return
    assert table["estimate_hours"].tolist() == [estimate]
    assert table["original_estimate_hours"].tolist() == [8.0]
    assert table["reestimated"].tolist() == [reestimated]


@pytest.mark.parametrize(
    ("actual", "tool_spent", "expected", "source"),
    [
        pytest.param(9.0, 3.0, 9.0, "entries", id="entries-win-over-tool"),
        pytest.param(None, 3.0, 3.0, "tool", id="tool-spent-when-no-entries"),
        pytest.param(None, None, None, None, id="neither-not-measurable"),
    ],
)
def test_actual_hours_source(
    actual: float | None, tool_spent: float | None, expected: float | None, source: str | None
) -> None:
    table = one(closed_ticket(spent_hours=tool_spent), actual)
    if expected is None:
        assert table.empty
    else:
        assert table["actual_hours"].tolist() == [expected]
        assert table["actual_source"].tolist() == [source]


def test_tool_fallback_uses_entry_count_of_ticket_billing() -> None:
    tickets = tickets_frame(
        [closed_ticket("A", spent_hours=5.0), closed_ticket("B", spent_hours=5.0)]
    )
    entries = entries_frame(
        [
            {
                "entry_uid": "e",
                "ticket_uid": "A",
                "date": date(2026, 1, 6),
                "started_at": None,
                "hours": 7.0,
            }
        ]
    )
    billing = ticket_billing(deduct(entries, tickets, MARGIN), tickets, MARGIN)
    table = accuracy(tickets, billing, MARGIN, HOURS_PER_DAY)
    assert table["actual_hours"].tolist() == [7.0, 5.0]
    assert table["actual_source"].tolist() == ["entries", "tool"]


@pytest.mark.parametrize(
    ("values", "options", "kept"),
    [
        pytest.param({}, {}, True, id="closed"),
        pytest.param({"closed_at": None}, {}, False, id="open-left-out"),
        pytest.param({"closed_at": None}, {"include_open": True}, True, id="open-included"),
        pytest.param({"closed_at": None, "resolved_at": date(2026, 2, 1)}, {}, True, id="resolved"),
        pytest.param({}, {"as_of": date(2026, 2, 9)}, False, id="closed-after-as-of"),
        pytest.param({}, {"as_of": date(2026, 2, 10)}, True, id="closed-on-as-of"),
        pytest.param(
            {"closed_at": None, "status": "Fermé"},
            {"resolved_statuses": ("ferme",)},
            True,
            id="closed-status-without-date",
        ),
    ],
)
def test_closed_tickets_only_unless_asked(values: dict, options: dict, kept: bool) -> None:
    assert len(one(closed_ticket(**values), 8.0, **options)) == int(kept)


@pytest.mark.parametrize(
    ("values", "month"),
    [
        pytest.param({"resolved_at": date(2026, 1, 31)}, "2026-01-01", id="resolution-month-first"),
        pytest.param({}, "2026-02-01", id="closing-month-otherwise"),
    ],
)
def test_month_of_resolution_or_closing(values: dict, month: str) -> None:
    assert one(closed_ticket(**values), 8.0)["month"].tolist() == [pd.Timestamp(month)]


def test_closed_mask_takes_the_earlier_date() -> None:
    frame = tickets_frame([closed_ticket(resolved_at=date(2026, 1, 20))])
    assert closed_mask(frame, date(2026, 1, 25)).tolist() == [True]


def test_late_reestimate_known_from_ticket_billing() -> None:
    ticket_row = closed_ticket(
        reestimate_hours=16.0, reestimated_at=date(2026, 1, 7), reestimate_status="accepted"
    )
    tickets = tickets_frame([ticket_row])
    entries = entries_frame(
        [
            {
                "entry_uid": "e",
                "ticket_uid": "T",
                "date": date(2026, 1, 6),
                "started_at": None,
                "hours": 3.0,
            }
        ]
    )
    billing = ticket_billing(deduct(entries, tickets, MARGIN), tickets, MARGIN)
    assert accuracy(tickets, billing, MARGIN, HOURS_PER_DAY)["late_reestimate"].tolist() == [True]
    unknown = accuracy(tickets, pd.Series({"T": 3.0}), MARGIN, HOURS_PER_DAY)["late_reestimate"]
    assert unknown.isna().tolist() == [True]
    not_reestimated = one(closed_ticket(), 3.0)["late_reestimate"]
    assert not_reestimated.tolist() == [False]


def test_summary_by_hand() -> None:
    tickets = [
        closed_ticket("A", kind="corrective"),  # 8 h spent: ratio 1
        closed_ticket("B", kind="corrective"),  # 12 h: ratio 1.5, absorbs 2 h
        closed_ticket(
            "C",
            kind="evolutive",
            reestimate_hours=16.0,
            reestimate_status="accepted",
        ),  # 12 h on 16 h: ratio 0.75
    ]
    spent = pd.Series({"A": 8.0, "B": 12.0, "C": 12.0})
    table = accuracy(tickets_frame(tickets), spent, MARGIN, HOURS_PER_DAY)
    overall = summary(table)
    assert isinstance(overall, AccuracySummary)
    assert overall.tickets == 3
    assert overall.within_guarantee_rate == pytest.approx(2 / 3)
    assert overall.within_25_rate == pytest.approx(2 / 3)
    assert overall.median_ratio == pytest.approx(1.0)
    assert overall.bias == pytest.approx((0 + 0.5 - 0.25) / 3)
    assert overall.absorbed_hours == pytest.approx(2.0)
    assert overall.reestimation_rate == pytest.approx(1 / 3)
    by_kind = summary(table, by=["kind"]).set_index("kind")
    assert by_kind.loc["corrective", "tickets"] == 2
    assert by_kind.loc["corrective", "median_ratio"] == pytest.approx(1.25)
    assert by_kind.loc["evolutive", "within_guarantee_rate"] == 1.0


def test_summary_of_no_ticket() -> None:
    table = one(closed_ticket(estimate_hours=None), 8.0)
    overall = summary(table)
    assert overall == AccuracySummary(0, None, None, None, None, 0.0, None, 0)
    assert summary(table, by=["kind"]).empty


# ---- the vectorised engine against a naive loop on a random data set -------------------


def naive_rows(tickets: list[dict], entries: list[dict]) -> list[dict]:
    """Accuracy rows of closed tickets, computed ticket by ticket."""
    by_ticket: dict[str, list[dict]] = {}
    for entry in entries:
        by_ticket.setdefault(entry["ticket_uid"], []).append(entry)
    out = []
    for t in tickets:
        estimate = naive_effective_estimate(t)
        rows = by_ticket.get(t["ticket_uid"], [])
        actual = sum(e["hours"] for e in rows) if rows else t["spent_hours"]
        if estimate is None or actual is None or (t["closed_at"] or t["resolved_at"]) is None:
            continue
        days = estimate / HOURS_PER_DAY
        reestimated = t["reestimate_status"] is not None or t["reestimate_hours"] is not None
        out.append(
            {
                "ticket_uid": t["ticket_uid"],
                "kind": t["kind"],
                "ratio": actual / estimate,
                "within_guarantee": actual <= (1 + MARGIN) * estimate + 1e-9,
                "within_25": 0.75 * estimate - 1e-9 <= actual <= 1.25 * estimate + 1e-9,
                "absorbed_hours": max(0.0, actual - (1 + MARGIN) * estimate),
                "bias_term": (actual - estimate) / estimate,
                "size_class": "< 5 j" if days < 5 else "5 à 25 j" if days <= 25 else "> 25 j",
                "reestimated": reestimated,
                "late_reestimate": reestimated and naive_late(t, rows, MARGIN),
            }
        )
    return out


@pytest.fixture(scope="module")
def random_accuracy() -> tuple[pd.DataFrame, list[dict]]:
    tickets, entries = random_dataset(seed=5)
    tickets_df = tickets_frame(tickets)
    billing = ticket_billing(deduct(entries_frame(entries), tickets_df, MARGIN), tickets_df, MARGIN)
    return accuracy(tickets_df, billing, MARGIN, HOURS_PER_DAY), naive_rows(tickets, entries)


def test_random_rows_match_naive_loop(random_accuracy) -> None:
    table, naive = random_accuracy
    assert len(table) == len(naive) > 100
    engine = table.set_index("ticket_uid")
    for row in naive:
        got = engine.loc[row["ticket_uid"]]
        assert got["ratio"] == pytest.approx(row["ratio"])
        assert got["absorbed_hours"] == pytest.approx(row["absorbed_hours"])
        assert bool(got["within_guarantee"]) is row["within_guarantee"]
        assert bool(got["within_25"]) is row["within_25"]
        assert got["size_class"] == row["size_class"]
        assert bool(got["late_reestimate"]) is row["late_reestimate"]


def _assert_summary_matches(got: dict, expected: dict) -> None:
    for name, value in expected.items():
        if isinstance(value, float):
            assert got[name] == pytest.approx(value), name
        else:
            assert got[name] == value, name


def test_random_summary_matches_naive_loop(random_accuracy) -> None:
    table, naive = random_accuracy
    _assert_summary_matches(vars(summary(table)), naive_summary(naive))
    assert summary(table).late_reestimations > 0


@pytest.mark.parametrize("column", ["kind", "size_class"])
def test_random_summary_by_group_matches_naive_loop(random_accuracy, column: str) -> None:
    table, naive = random_accuracy
    grouped = summary(table, by=[column]).set_index(column)
    keys = sorted({row[column] for row in naive})
    assert sorted(grouped.index) == keys
    for key in keys:
        expected = naive_summary([row for row in naive if row[column] == key])
        _assert_summary_matches(grouped.loc[key].to_dict(), expected)
        assert not math.isnan(grouped.loc[key, "median_ratio"])
