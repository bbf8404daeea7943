"""The Point TMA view: every figure recomputed from the raw frames with plain loops."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

import pandas as pd
import pytest

from tests.naive import states as naive_states
from tests.naive import views as naive
from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.metrics import kpi
from tma_metrics.views.alerts import balance_alerts
from tma_metrics.views.point import POINT_DAYS, point_view
from tma_metrics.views.tables import INTERNAL_COLUMNS

AS_OF = date(2026, 11, 20)
SINCE = date(2026, 11, 14)


@pytest.fixture(scope="module")
def view(demo_figures, previous_figures):
    return point_view(demo_figures, previous_figures)


@pytest.fixture(scope="module")
def client(demo_figures, previous_figures):
    return point_view(demo_figures, previous_figures, client_view=True)


def test_window_runs_from_the_day_after_the_previous_point(view, demo_figures) -> None:
    assert (view.since, view.as_of, view.previous_as_of) == (SINCE, AS_OF, date(2026, 11, 13))
    alone = point_view(demo_figures)
    assert alone.since == AS_OF - timedelta(days=POINT_DAYS - 1)
    assert alone.previous_as_of is None
    assert all(c.change is None for c in alone.cards)


def naive_day_cards(figures) -> dict[str, float]:
    """The four day figures of a Point, summed from the entries and commitments by a loop."""
    b = figures.balance
    consumed = naive.deducted_hours_between(figures.entries, b.carnet_start, b.as_of) / 8.0
    committed = 0.0
    for r in naive.records(figures.commitments):
        committed += max(0.0, r["effective_estimate_hours"] - r["spent_hours"]) / 8.0
    remaining = b.purchased_days + b.carried_over_days - consumed
    return {
        "remaining_days": remaining,
        "consumed_days": consumed,
        "committed_days": committed,
        "projected_days": remaining - committed,
    }


@pytest.mark.parametrize(
    "name",
    ["remaining_days", "consumed_days", "committed_days", "projected_days"],
    ids=lambda n: n,
)
def test_day_cards_are_the_balance_with_its_change(view, demo_figures, previous_figures, name):
    card = next(c for c in view.cards if c.key == name)
    now = naive_day_cards(demo_figures)[name]
    before = naive_day_cards(previous_figures)[name]
    assert card.value == pytest.approx(now)
    assert card.change == pytest.approx(now - before)
    assert card.label == kpi(name).label
    assert card.text.endswith("\u00a0j") and card.text != kpi(name).format(None)


def naive_forecast(figures) -> date:
    """As-of + remaining / (mean deducted days of the 3 full months before) x 365.25 / 12."""
    as_of = figures.balance.as_of
    month = as_of.replace(day=1)
    first = month
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
    hours = naive.deducted_hours_between(figures.entries, first, month - timedelta(days=1))
    burn = hours / 8.0 / 3
    remaining = naive_day_cards(figures)["remaining_days"]
    return as_of + timedelta(days=math.ceil(remaining / burn * 365.25 / 12))


def test_forecast_card_change_is_in_calendar_days(view, demo_figures, previous_figures) -> None:
    card = next(c for c in view.cards if c.key == "forecast_exhaustion_date")
    now, before = naive_forecast(demo_figures), naive_forecast(previous_figures)
    assert card.value == now
    assert card.change == (now - before).days


def test_remaining_balance_is_purchased_minus_deducted_entries(view, demo_figures) -> None:
    b = demo_figures.balance
    deducted = naive.deducted_hours_between(demo_figures.entries, b.carnet_start, AS_OF)
    remaining = next(c for c in view.cards if c.key == "remaining_days").value
    assert remaining == pytest.approx(b.purchased_days + b.carried_over_days - deducted / 8.0)


def test_window_deducted_days_match_loop(view, demo_figures) -> None:
    expected = naive.deducted_hours_between(demo_figures.entries, SINCE, AS_OF) / 8.0
    assert view.window_deducted_days == pytest.approx(expected)
    assert expected > 0
    spent = sum(
        float(r["hours"])
        for r in naive.records(demo_figures.entries)
        if naive.in_days(r["date"], SINCE, AS_OF)
    )
    assert view.window_spent_hours == pytest.approx(spent)


def test_tables_list_the_tickets_a_loop_finds(view, demo_figures) -> None:
    t = demo_figures.tickets
    assert set(view.incoming["key"]) == naive.created_keys(t, SINCE, AS_OF)
    assert sorted(view.resolved["key"]) == sorted(naive.resolved_keys(demo_figures, SINCE, AS_OF))
    assert set(view.in_progress["key"]) == naive.open_keys(t)
    assert len(view.incoming) and len(view.resolved) and len(view.in_progress)


def test_the_window_reconciles(view, demo_figures) -> None:
    counts = naive_states.window_counts(naive.naive_changes(demo_figures), SINCE, AS_OF)
    assert view.flow == counts
    assert view.flow["received"] == len(view.incoming)
    assert view.flow["resolved"] == len(view.resolved)
    assert view.flow["open_end"] == len(view.in_progress)
    f = view.flow
    assert f["open_end"] == f["open_start"] + f["received"] - f["resolved"] + f["reopened"]


def test_in_progress_committed_hours_are_the_commitments(view, demo_figures) -> None:
    committed = {}
    for r in naive.records(demo_figures.commitments):
        committed[str(r["key"])] = max(0.0, r["effective_estimate_hours"] - r["spent_hours"])
    got = {
        k: v
        for k, v in zip(view.in_progress["key"], view.in_progress["committed_hours"], strict=True)
        if not pd.isna(v)
    }
    assert got == pytest.approx(committed)
    total = sum(committed.values()) / 8.0
    assert total == pytest.approx(next(c for c in view.cards if c.key == "committed_days").value)


def test_in_progress_puts_blocking_tickets_first(view) -> None:
    rank = {"bloquante": 0, "majeure": 1, "mineure": 2}
    ranks = [rank.get(s, 3) for s in view.in_progress["severity"].fillna("")]
    assert ranks == sorted(ranks)


def test_sla_tables_match_loops(view, demo_figures) -> None:
    watch, late = set(), set()
    for r in naive.records(demo_figures.outcomes):
        key = (r["key"], r["sla_kind"])
        if r["applicable"] and r["outcome"] in ("at_risk", "open"):
            watch.add(key)
        running = pd.isna(r["stop_at"])
        if r["outcome"] == "breached" and (naive.in_days(r["period_at"], SINCE, AS_OF) or running):
            late.add(key)
    assert set(zip(view.to_watch["key"], view.to_watch["sla_kind"], strict=True)) == watch
    assert set(zip(view.breaches["key"], view.breaches["sla_kind"], strict=True)) == late
    assert watch and late
    assert view.to_watch["outcome"].iloc[0] == "at_risk"
    overrun = view.breaches["elapsed_minutes"] - view.breaches["allowance_minutes"]
    assert (view.breaches["overrun_minutes"] == overrun).all() and (overrun > 0).all()


def test_sla_of_the_window_matches_loop(view, demo_figures) -> None:
    met, breached, measurable, applicable = naive.sla_counts(demo_figures.outcomes, SINCE, AS_OF)
    s = view.sla_window
    assert (s.met, s.breached, s.measurable, s.applicable) == (
        met,
        breached,
        measurable,
        applicable,
    )
    assert s.compliance == pytest.approx(met / (met + breached))
    assert view.sla_period == demo_figures.sla_summary


def test_pending_estimates_are_listed(view) -> None:
    assert len(view.pending_estimates) == 1
    assert view.pending_estimates["estimate_days"].iloc[0] == pytest.approx(3.0)


def test_alerts_name_the_breaches_and_the_risks(view) -> None:
    codes = [a.code for a in view.alerts]
    assert "sla_breached" in codes and "sla_at_risk" in codes
    breached = next(a for a in view.alerts if a.code == "sla_breached")
    assert f"{len(view.breaches)} délais SLA dépassés" in breached.message


def test_client_view_has_nothing_internal(client) -> None:
    for name, table in client.tables.items():
        assert not set(table.columns) & INTERNAL_COLUMNS, name
    assert not any(c.internal for c in client.cards)
    assert not any(a.internal for a in client.alerts)
    assert client.window_spent_hours is None
    assert "absorbed_hours" not in {c.key for c in client.cards}


def test_guarantee_overrun_alerts_the_agency_only(demo_figures, previous_figures) -> None:
    t = demo_figures.tickets.copy()
    i = t.index[t["is_open"] & t["effective_estimate_hours"].notna()][0]
    t.loc[i, "billed_spent_hours"] = 2 * float(t.loc[i, "effective_estimate_hours"])
    over = dataclasses.replace(demo_figures, tickets=t)
    internal = point_view(over, previous_figures)
    client = point_view(over, previous_figures, client_view=True)
    alert = next(a for a in internal.alerts if a.code == "past_guarantee")
    assert t.loc[i, "key"] in alert.message and alert.internal
    assert "past_guarantee" not in [a.code for a in client.alerts]


def test_data_warnings_alert_the_agency_only(demo_figures, previous_figures) -> None:
    warning = "2 saisie(s) de temps (3,0 h) datée(s) hors de tout carnet : elles ne sont décomptées"
    figures = dataclasses.replace(demo_figures, warnings=(warning,))
    internal = point_view(figures, previous_figures)
    client = point_view(figures, previous_figures, client_view=True)
    assert [a.message for a in internal.alerts if a.code == "data"] == [warning]
    assert not [a for a in client.alerts if a.code == "data"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Autre contrat"}, "même contrat"),
        ({"as_of": AS_OF}, "antérieur"),
    ],
    ids=["other-contract", "not-earlier"],
)
def test_previous_point_must_be_an_earlier_point_of_the_same_contract(
    demo_figures, previous_figures, change, message
) -> None:
    previous = previous_figures
    if "name" in change:
        contract = dataclasses.replace(previous.contract, name=change["name"])
        previous = dataclasses.replace(previous, contract=contract)
    else:
        period = dataclasses.replace(previous.period, as_of=change["as_of"])
        previous = dataclasses.replace(previous, period=period)
    with pytest.raises(ValueError, match=message):
        point_view(demo_figures, previous)


BASE = Balance(
    as_of=AS_OF,
    model="carnet",
    carnet_start=date(2026, 2, 1),
    expiry_date=date(2027, 1, 31),
    purchased_days=130.0,
    carried_over_days=0.0,
    remaining_days=16.0,
    forecast_exhaustion_date=date(2027, 3, 1),
    exhausted=False,
    exhausts_before_end=False,
    likely_unused_days=0.0,
    low_balance=False,
)


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, []),
        ({"remaining_days": 3.5, "low_balance": True}, ["low_balance"]),
        (
            {"remaining_days": 0.0, "low_balance": True, "exhausted": True},
            ["exhausted"],
        ),
        (
            {"exhausts_before_end": True, "forecast_exhaustion_date": date(2026, 12, 29)},
            ["exhaustion_before_end"],
        ),
        ({"likely_unused_days": 5.0}, ["likely_unused"]),
        ({"likely_unused_days": 0.01}, []),
        ({"remaining_days": None}, []),
    ],
    ids=[
        "all-good",
        "low-balance",
        "exhausted-not-also-low",
        "exhausting-before-end",
        "days-left-unused",
        "noise-unused-ignored",
        "no-carnet",
    ],
)
def test_balance_alerts(changes, codes) -> None:
    balance = dataclasses.replace(BASE, **changes)
    assert [a.code for a in balance_alerts(balance, 4.0)] == codes


def test_low_balance_alert_wording() -> None:
    balance = dataclasses.replace(BASE, remaining_days=2.5, low_balance=True)
    (alert,) = balance_alerts(balance, 4.0)
    assert alert.message.startswith("Solde de 2,5\u00a0j, sous le seuil d'alerte de 4,0\u00a0j")


def test_a_contract_without_carnet_gets_only_the_window_card(demo_figures) -> None:
    contract = dataclasses.replace(demo_figures.contract, model="regie")
    figures = dataclasses.replace(
        demo_figures, contract=contract, balance=Balance(as_of=AS_OF, model="regie")
    )
    view = point_view(figures)
    assert [c.key for c in view.cards] == ["window_deducted_days"]
    assert not [a for a in view.alerts if a.code in ("low_balance", "exhausted")]
