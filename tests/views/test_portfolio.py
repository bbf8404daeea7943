"""Portfolio: RAG statuses at their boundaries, and the table against the raw figures."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

import pytest

from tests.naive import views as naive
from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.domain.contracts.model import Carnet
from tma_metrics.domain.estimation import AccuracySummary
from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.views import rag
from tma_metrics.views.portfolio import PORTFOLIO_COLUMNS, portfolio_table
from tma_metrics.views.rag import AMBER, GREEN, GREY, RED

TODAY = date(2026, 11, 20)
END = date(2027, 1, 31)

BALANCE = Balance(
    as_of=TODAY,
    model="carnet",
    carnet_start=date(2026, 2, 1),
    expiry_date=END,
    purchased_days=130.0,
    carried_over_days=0.0,
    consumed_days=114.0,
    remaining_days=16.0,
    forecast_exhaustion_date=date(2027, 3, 15),
    exhausted=False,
    exhausts_before_end=False,
    likely_unused_days=0.0,
    low_balance=False,
)


def _sla(met: int, breached: int, applicable: int | None = None, measurable: int | None = None):
    decided = met + breached
    applicable = decided if applicable is None else applicable
    measurable = decided if measurable is None else measurable
    return ComplianceSummary(
        applicable=applicable,
        measurable=measurable,
        met=met,
        breached=breached,
        open=0,
        at_risk=0,
        not_applicable=0,
        compliance=met / decided if decided else math.nan,
        coverage=measurable / applicable if applicable else math.nan,
    )


def _estimation(within: int, tickets: int) -> AccuracySummary:
    rate = within / tickets if tickets else None
    return AccuracySummary(tickets, rate, rate, 1.0, 0.0, 0.0, 0.0, 0)


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, GREEN),
        ({"remaining_days": 3.99, "low_balance": True}, RED),
        ({"remaining_days": 4.0}, GREEN),
        ({"remaining_days": 0.0, "exhausted": True, "low_balance": True}, RED),
        ({"committed_days": 12.1, "projected_days": 3.9}, AMBER),
        ({"committed_days": 12.0, "projected_days": 4.0}, GREEN),
        ({"exhausts_before_end": True, "forecast_exhaustion_date": date(2027, 1, 31)}, GREEN),
        ({"model": "regie", "remaining_days": None}, GREY),
        ({"remaining_days": None}, GREY),
    ],
    ids=[
        "healthy",
        "just-under-alert",
        "exactly-alert-threshold",
        "exhausted",
        "accepted-work-brings-it-under-alert",
        "accepted-work-leaves-exactly-alert",
        "forecast-is-not-the-balance-topic",
        "regie",
        "no-carnet-on-date",
    ],
)
def test_balance_status(changes, status) -> None:
    balance = dataclasses.replace(BALANCE, **changes)
    assert rag.balance_rag(balance, 4.0).status == status


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"forecast_exhaustion_date": END + timedelta(days=40)}, GREEN),
        (
            {"forecast_exhaustion_date": TODAY + timedelta(days=40), "exhausts_before_end": True},
            AMBER,
        ),
        (
            {"forecast_exhaustion_date": TODAY + timedelta(days=30), "exhausts_before_end": True},
            AMBER,
        ),
        (
            {"forecast_exhaustion_date": TODAY + timedelta(days=29), "exhausts_before_end": True},
            RED,
        ),
        ({"exhausted": True, "forecast_exhaustion_date": date(2026, 11, 2)}, RED),
        ({"forecast_exhaustion_date": None}, GREY),
        ({"remaining_days": None, "forecast_exhaustion_date": None}, GREY),
        (
            {
                "forecast_exhaustion_date": TODAY + timedelta(days=20),
                "expiry_date": TODAY + timedelta(days=10),
            },
            GREEN,
        ),
    ],
    ids=[
        "after-end",
        "before-end-40-days",
        "before-end-30-days-boundary",
        "within-29-days",
        "exhausted",
        "no-burn",
        "no-carnet",
        "soon-but-after-the-end-is-the-expiry-topic",
    ],
)
def test_exhaustion_status(changes, status) -> None:
    balance = dataclasses.replace(BALANCE, **changes)
    assert rag.exhaustion_rag(balance, TODAY).status == status


@pytest.mark.parametrize(
    ("days_left", "status"),
    [(-1, RED), (0, RED), (29, RED), (30, AMBER), (59, AMBER), (60, GREEN), (200, GREEN)],
    ids=["expired", "today", "29-days", "30-days", "59-days", "60-days", "far"],
)
def test_expiry_status(demo_figures, days_left, status) -> None:
    balance = dataclasses.replace(BALANCE, expiry_date=TODAY + timedelta(days=days_left))
    assert rag.expiry_rag(demo_figures.contract, balance, TODAY).status == status


def test_expiry_is_green_once_a_renewal_is_ordered(demo_figures) -> None:
    renewal = Carnet(start=date(2026, 12, 1), end=date(2027, 11, 30), days=100.0)
    contract = dataclasses.replace(
        demo_figures.contract, carnets=(*demo_figures.contract.carnets, renewal)
    )
    balance = dataclasses.replace(BALANCE, expiry_date=TODAY + timedelta(days=10))
    found = rag.expiry_rag(contract, balance, TODAY)
    assert found == rag.Rag(
        GREEN, "Renouvellement commandé : carnet suivant à partir du 01/12/2026"
    )
    assert (
        rag.expiry_rag(contract, dataclasses.replace(BALANCE, expiry_date=None), TODAY).status
        == GREY
    )


@pytest.mark.parametrize(
    ("changes", "renewed", "status", "reason"),
    [
        ({}, False, GREEN, "Échéance le 31/01/2027, dans 72 jours"),
        (
            {"expiry_date": TODAY + timedelta(days=41)},
            False,
            AMBER,
            "Échéance le 31/12/2026, dans 41 jours, sans renouvellement commandé",
        ),
        ({"expiry_date": TODAY + timedelta(days=41)}, True, GREEN, None),
        (
            {"forecast_exhaustion_date": date(2026, 12, 29), "exhausts_before_end": True},
            False,
            AMBER,
            "Épuisement prévu le 29/12/2026, avant l'échéance du 31/01/2027",
        ),
        (
            {
                "forecast_exhaustion_date": date(2026, 11, 25),
                "exhausts_before_end": True,
                "expiry_date": TODAY + timedelta(days=10),
            },
            False,
            RED,
            "Épuisement prévu le 25/11/2026 (dans 5 jours), avant l'échéance du 30/11/2026",
        ),
        (
            {"forecast_exhaustion_date": date(2026, 11, 25), "exhausts_before_end": True},
            False,
            RED,
            "Épuisement prévu le 25/11/2026 (dans 5 jours), avant l'échéance du 31/01/2027",
        ),
        ({"remaining_days": None}, False, GREY, None),
    ],
    ids=[
        "both-green",
        "expiry-amber-wins",
        "renewal-clears-expiry",
        "exhaustion-amber",
        "both-red-earlier-date-wins",
        "exhaustion-red",
        "no-carnet",
    ],
)
def test_forecast_status_is_the_worse_of_exhaustion_and_expiry(
    demo_figures, changes, renewed, status, reason
) -> None:
    contract = demo_figures.contract
    base = dataclasses.replace(BALANCE, carnet_start=contract.carnets[-1].start)
    if renewed:
        later = Carnet(start=date(2027, 1, 1), end=date(2027, 12, 31), days=50.0)
        contract = dataclasses.replace(contract, carnets=(*contract.carnets, later))
    found = rag.forecast_rag(contract, dataclasses.replace(base, **changes), TODAY)
    assert found.status == status
    if reason is not None:
        assert found.reason == reason


@pytest.mark.parametrize(
    ("changes", "renewed", "expected"),
    [
        ({}, False, (END - TODAY).days),  # exhaustion after the end: the end comes first
        ({"forecast_exhaustion_date": date(2026, 12, 1)}, False, 11),
        ({}, True, (date(2027, 3, 15) - TODAY).days),  # renewed: only the exhaustion
        ({"exhausted": True}, False, 0),
        ({"remaining_days": None}, False, None),
        ({"forecast_exhaustion_date": None}, True, None),
    ],
    ids=["expiry-first", "exhaustion-first", "renewed", "exhausted", "no-carnet", "nothing"],
)
def test_runway_days(demo_figures, changes, renewed, expected) -> None:
    contract = demo_figures.contract
    base = dataclasses.replace(BALANCE, carnet_start=contract.carnets[-1].start)
    if renewed:
        later = Carnet(start=date(2027, 2, 1), end=date(2028, 1, 31), days=50.0)
        contract = dataclasses.replace(contract, carnets=(*contract.carnets, later))
    assert rag.runway_days(contract, dataclasses.replace(base, **changes), TODAY) == expected


@pytest.mark.parametrize(
    ("summary", "status"),
    [
        (_sla(79, 21), RED),
        (_sla(80, 20), AMBER),
        (_sla(94, 6), AMBER),
        (_sla(95, 5), GREEN),
        # 97 met, 3 breached, 199 running clocks measured: coverage 199/400 < 50 %
        (_sla(97, 3, applicable=400, measurable=199), RED),  # low end 97/301 = 32 %
        (_sla(97, 3, applicable=200, measurable=100), RED),  # low end 97/200 = 48,5 %
        (_sla(97, 3, applicable=202, measurable=100), RED),  # 102 unknown
        (_sla(95, 3, applicable=100, measurable=98), GREEN),  # low end 95/100 = 95 %
        (_sla(95, 3, applicable=101, measurable=98), AMBER),  # low end 95/101 = 94,1 %
        (_sla(94, 1, applicable=100, measurable=95), AMBER),  # range 94–99 %, low 94 %
        (_sla(79, 0, applicable=100, measurable=79), RED),  # range 79–100 %, low 79 %
        (_sla(0, 0, applicable=5, measurable=0), GREY),
        (_sla(0, 0, applicable=0, measurable=0), GREY),
    ],
    ids=[
        "79-red",
        "80-amber",
        "94-amber",
        "95-green",
        "low-end-32-red",
        "low-end-48-red",
        "many-unknown-red",
        "low-end-95-green",
        "low-end-94-amber",
        "range-94-99-amber",
        "range-79-100-red",
        "nothing-measurable",
        "nothing-applicable",
    ],
)
def test_sla_status(summary, status) -> None:
    assert rag.sla_rag(summary).status == status


def test_a_range_is_judged_on_its_low_end_and_says_so() -> None:
    found = rag.sla_rag(_sla(45, 0, applicable=100, measurable=45))
    assert found.status == RED
    assert found.reason == (
        "Respect des SLA entre 45\u00a0% et 100\u00a0% (couverture 45\u00a0%), jugé sur le "
        "bas de la fourchette (45\u00a0%) sous 80\u00a0%"
    )


@pytest.mark.parametrize(
    ("within", "tickets", "status"),
    [(69, 100, RED), (70, 100, AMBER), (84, 100, AMBER), (85, 100, GREEN), (0, 0, GREY)],
    ids=["69-red", "70-amber", "84-amber", "85-green", "no-ticket"],
)
def test_estimation_status(within, tickets, status) -> None:
    assert rag.estimation_rag(_estimation(within, tickets)).status == status


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (
            lambda: rag.balance_rag(
                dataclasses.replace(BALANCE, remaining_days=2.5, low_balance=True), 4.0
            ),
            "Solde 2,5\u00a0j sous le seuil d'alerte de 4\u00a0j",
        ),
        (
            lambda: rag.exhaustion_rag(
                dataclasses.replace(
                    BALANCE,
                    forecast_exhaustion_date=date(2026, 12, 29),
                    exhausts_before_end=True,
                ),
                TODAY,
            ),
            "Épuisement prévu le 29/12/2026, avant l'échéance du 31/01/2027",
        ),
        (
            lambda: rag.sla_rag(_sla(2, 1)),
            "Respect des SLA 67\u00a0% (couverture 100\u00a0%) sous 80\u00a0%",
        ),
    ],
    ids=["low-balance", "exhaustion-before-end", "sla-under-80"],
)
def test_reasons_are_french_sentences(found, expected) -> None:
    assert found().reason == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([GREEN, GREEN], GREEN),
        ([GREEN, AMBER, GREY], AMBER),
        ([AMBER, RED, GREEN], RED),
        ([GREY, GREY], GREY),
    ],
    ids=["all-green", "amber-wins", "red-wins", "all-grey"],
)
def test_overall_status_is_the_worst(statuses, expected) -> None:
    assert rag.overall(statuses) == expected


@pytest.mark.parametrize(
    ("statuses", "topic"),
    [
        ({"balance": GREEN, "forecast": AMBER, "sla": AMBER, "estimation": GREY}, "forecast"),
        ({"balance": GREEN, "forecast": AMBER, "sla": RED, "estimation": RED}, "sla"),
        ({"balance": GREY, "forecast": GREY, "sla": GREEN, "estimation": GREY}, "sla"),
        ({"balance": RED, "forecast": RED, "sla": RED, "estimation": RED}, "balance"),
    ],
    ids=["tie-first-topic", "red-wins", "grey-never-worst", "all-red"],
)
def test_the_overall_reason_is_the_worst_topics(statuses, topic) -> None:
    rags = {t: rag.Rag(s, f"motif {t}") for t, s in statuses.items()}
    assert rag.worst(rags) == (topic, rags[topic])


def test_portfolio_table_rows_match_the_figures(demo_figures) -> None:
    low = dataclasses.replace(
        demo_figures,
        balance=dataclasses.replace(demo_figures.balance, remaining_days=2.5, low_balance=True),
        contract=dataclasses.replace(demo_figures.contract, name="Contrat en alerte"),
    )
    table = portfolio_table([demo_figures, low], TODAY)
    assert list(table.columns) == list(PORTFOLIO_COLUMNS)
    assert table["name"].tolist() == ["Contrat en alerte", demo_figures.name]  # red first
    assert table.iloc[0]["overall_topic"] == "balance"
    assert table.iloc[0]["overall_reason"] == "Solde 2,5\u00a0j sous le seuil d'alerte de 4\u00a0j"
    row = table.iloc[1]
    b = demo_figures.balance
    assert row["remaining_days"] == b.remaining_days
    assert row["days_to_expiry"] == (b.expiry_date - TODAY).days
    assert row["open_tickets"] == len(naive.open_keys(demo_figures.tickets))
    met, breached, _, _ = naive.sla_counts(
        demo_figures.outcomes, demo_figures.period.start, demo_figures.period.end
    )
    assert row["breaches"] == breached
    assert row["sla_compliance"] == pytest.approx(met / (met + breached))
    assert row["within_guarantee_rate"] == demo_figures.estimation_summary.within_guarantee_rate
    assert table.iloc[0]["balance_status"] == RED
    assert table.iloc[0]["overall_status"] == RED


def test_portfolio_of_a_contract_without_balance_is_grey_where_unmeasurable(demo_figures) -> None:
    regie = dataclasses.replace(
        demo_figures,
        contract=dataclasses.replace(demo_figures.contract, model="regie"),
        balance=Balance(as_of=TODAY, model="regie"),
    )
    row = portfolio_table([regie], TODAY).iloc[0]
    assert (row["balance_status"], row["forecast_status"]) == (GREY,) * 2
    assert math.isnan(row["remaining_days"])
    assert row["balance_reason"] == "Pas de solde : Régie (à la demande)"


def test_contracts_of_one_status_are_sorted_by_the_soonest_end(demo_figures) -> None:
    def amber(name: str, exhaustion: date) -> object:
        balance = dataclasses.replace(
            demo_figures.balance,
            remaining_days=30.0,
            low_balance=False,
            exhausted=False,
            committed_days=0.0,
            projected_days=30.0,
            forecast_exhaustion_date=exhaustion,
            exhausts_before_end=True,
            expiry_date=date(2027, 6, 30),
        )
        contract = dataclasses.replace(demo_figures.contract, name=name)
        return dataclasses.replace(demo_figures, contract=contract, balance=balance)

    later, sooner = amber("Plus tard", date(2027, 4, 1)), amber("Plus tôt", date(2027, 2, 1))
    table = portfolio_table([later, sooner], TODAY)
    # naive: both share one status; the one that runs out first comes first
    statuses = set(table["overall_status"])
    assert len(statuses) == 1
    assert table["name"].tolist() == ["Plus tôt", "Plus tard"]
    assert table["runway_days"].tolist() == [
        (date(2027, 2, 1) - TODAY).days,
        (date(2027, 4, 1) - TODAY).days,
    ]
