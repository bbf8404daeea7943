"""The Bilan mensuel view: each figure recomputed from the raw frames with plain loops."""

from __future__ import annotations

import statistics
from datetime import date

import pandas as pd
import pytest

from tests.naive import views as naive
from tma_metrics.views.bilan import bilan_view, month_bounds
from tma_metrics.views.tables import INTERNAL_COLUMNS

OCT_1, OCT_31 = date(2026, 10, 1), date(2026, 10, 31)


@pytest.fixture(scope="module")
def october(october_figures):
    return bilan_view(october_figures, OCT_1)


@pytest.mark.parametrize(
    ("month", "as_of", "expected"),
    [
        (date(2026, 10, 17), date(2026, 10, 31), (OCT_1, OCT_31, False)),
        (date(2026, 11, 1), date(2026, 11, 20), (date(2026, 11, 1), date(2026, 11, 20), True)),
        (date(2026, 2, 1), date(2026, 11, 20), (date(2026, 2, 1), date(2026, 2, 28), False)),
        (date(2026, 12, 1), date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 1), True)),
    ],
    ids=["whole-month", "current-month-cut", "february-past", "first-day-only"],
)
def test_month_bounds(month, as_of, expected) -> None:
    assert month_bounds(month, as_of) == expected


def test_a_month_after_the_as_of_date_is_refused(october_figures) -> None:
    with pytest.raises(ValueError, match="novembre 2026"):
        bilan_view(october_figures, date(2026, 11, 1))


@pytest.mark.parametrize(
    ("fixture", "month"),
    [("october_figures", OCT_1), ("demo_figures", date(2026, 11, 1))],
    ids=["october-closed", "november-partial"],
)
def test_days_consumed_in_the_month_match_loop(request, fixture, month) -> None:
    figures = request.getfixturevalue(fixture)
    view = bilan_view(figures, month)
    expected = naive.deducted_hours_between(figures.entries, month, view.month_end)
    assert view.consumed_month_days == pytest.approx(expected / 8.0)
    assert view.deducted_month_hours == pytest.approx(expected)
    assert view.consumed_month_days > 0
    assert view.by_kind["deducted_days"].sum() == pytest.approx(expected / 8.0)
    assert view.by_activity["deducted_days"].sum() == pytest.approx(expected / 8.0)
    assert view.by_ticket["deducted_days"].sum() == pytest.approx(expected / 8.0)


def test_total_and_remaining_are_the_carnet_balance(october, october_figures) -> None:
    b = october_figures.balance
    deducted = naive.deducted_hours_between(october_figures.entries, b.carnet_start, OCT_31)
    assert october.consumed_total_days == pytest.approx(deducted / 8.0)
    assert october.remaining_days == pytest.approx(b.purchased_days - deducted / 8.0)
    assert october.carnet_end == date(2027, 1, 31)


def test_split_by_kind_and_activity_match_loops(october, october_figures) -> None:
    e = october_figures.entries
    by_kind = naive.hours_by(e, OCT_1, OCT_31, naive.entry_kind)
    by_activity = naive.hours_by(e, OCT_1, OCT_31, lambda r: str(r["activity"]))
    got_kind = dict(zip(october.by_kind["kind"], october.by_kind["deducted_hours"], strict=True))
    got_act = dict(
        zip(october.by_activity["activity"], october.by_activity["deducted_hours"], strict=True)
    )
    assert got_kind == pytest.approx(by_kind)
    assert got_act == pytest.approx(by_activity)


def test_by_ticket_is_sorted_by_time_spent(october) -> None:
    assert october.by_ticket["spent_hours"].is_monotonic_decreasing


def test_management_share_matches_loop(october, october_figures) -> None:
    management = total = 0.0
    for r in naive.records(october_figures.entries):
        if naive.in_days(r["date"], OCT_1, OCT_31):
            total += r["deducted_hours"]
            if naive.entry_kind(r) == "management":
                management += r["deducted_hours"]
    assert october.management_share == pytest.approx(management / total)
    assert october.management_target == 0.10
    assert october.management_flag == (abs(management / total - 0.10) > 0.05)


@pytest.mark.parametrize("severity", ["bloquante", "majeure", "mineure"], ids=str)
def test_sla_compliance_of_the_month_per_severity_matches_loop(
    october, october_figures, severity
) -> None:
    met, breached, measurable, applicable = naive.sla_counts(
        october_figures.outcomes, OCT_1, OCT_31, severity
    )
    row = october.sla_by_severity.set_index("severity").loc[severity]
    assert (row["met"], row["breached"], row["measurable"], row["applicable"]) == (
        met,
        breached,
        measurable,
        applicable,
    )
    unknown = applicable - measurable
    span = met + breached + unknown
    if met + breached:
        assert row["compliance_low"] == pytest.approx(met / span)
        assert row["compliance_high"] == pytest.approx((met + unknown) / span)
    else:  # « non mesurable »: no « 0 % to 100 % » beside it
        assert pd.isna(row["compliance_low"]) and pd.isna(row["compliance_high"])
    if not applicable:
        assert row["compliance_text"] == "—"
    elif not met + breached:
        assert row["compliance_text"] == "non mesurable"
    elif not unknown:
        assert row["compliance_text"] == f"{round(100 * met / (met + breached))}\u00a0%"
    else:
        assert row["compliance_text"].startswith("entre ")
    if applicable:
        assert row["coverage"] == pytest.approx(measurable / applicable)


def test_month_compliance_totals_the_severities(october) -> None:
    table = october.sla_by_severity
    assert october.sla_month.met == table["met"].sum()
    assert october.sla_month.breached == table["breached"].sum()


def test_within_guarantee_rate_of_the_month_matches_loop(october, october_figures) -> None:
    within = tickets = 0
    for r in naive.records(october_figures.estimation):
        if pd.Timestamp(r["month"]).date() == OCT_1:
            tickets += 1
            within += r["actual_hours"] <= 1.25 * r["estimate_hours"] + 1e-9
    assert october.estimation.tickets == tickets > 0
    assert october.estimation.within_guarantee_rate == pytest.approx(within / tickets)
    assert october.estimation_covered


def test_a_period_not_covering_the_month_is_noted(demo_figures) -> None:
    # demo_figures' period starts in February: it covers November; a month before it does not.
    view = bilan_view(demo_figures, date(2026, 1, 1))
    assert not view.estimation_covered
    assert any("ne couvre pas" in note for note in view.notes)


def test_tickets_without_estimate_match_loop(october, october_figures) -> None:
    worked = {
        str(r["ticket_uid"])
        for r in naive.records(october_figures.entries)
        if naive.in_days(r["date"], OCT_1, OCT_31) and not pd.isna(r["ticket_uid"])
    }
    expected, over = set(), set()
    for r in naive.records(october_figures.tickets):
        unestimated = r["rule"] in ("no_estimate", "estimate_pending")
        if r["ticket_uid"] in worked and unestimated and r["kind"] != "management":
            expected.add(r["key"])
            if r["billed_spent_hours"] > 2.0:
                over.add(r["key"])
    assert set(october.unestimated["key"]) == expected
    flagged = october.unestimated.loc[october.unestimated["qualification_over_2h"], "key"]
    assert set(flagged) == over
    assert october.qualification_over_2h == len(over)


def test_backlog_at_the_as_of_date_matches_loop(october, october_figures) -> None:
    ages = [
        naive.age_days(r["created_at"], OCT_31)
        for r in naive.records(october_figures.tickets)
        if r["is_open"]
    ]
    assert october.backlog.open == len(ages) == len(october.backlog_rows)
    assert october.backlog.median_age_days == pytest.approx(statistics.median(ages))


def test_partial_month_is_noted(demo_figures) -> None:
    view = bilan_view(demo_figures, date(2026, 11, 1))
    assert view.partial and view.month_end == date(2026, 11, 20)
    assert any("arrêtés au 20/11/2026" in note for note in view.notes)


def test_client_view_has_nothing_internal(october_figures) -> None:
    view = bilan_view(october_figures, OCT_1, client_view=True)
    assert view.spent_month_hours is None and view.absorbed_month_hours is None
    for name, table in view.tables.items():
        assert not set(table.columns) & INTERNAL_COLUMNS, name
    assert view.by_ticket["deducted_hours"].is_monotonic_decreasing
