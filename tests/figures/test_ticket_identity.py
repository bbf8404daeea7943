"""Every page's ticket counts reconcile: open(end) = open(start) + received - resolved + reopened.

On the demo database (three contracts, three tools) and on the real-export fixtures of
tests/samples/sla (Redmine CSV alone and with its history, Jira, GLPI), the Point TMA,
the Copil (key figures and the created-vs-resolved chart), the Bilan, the Portefeuille
and ``report --json`` show the same counts, which a naive loop over the raw tickets and
history (tests/naive/states.py) finds too.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from tests.conftest import DEMO_AS_OF
from tests.figures.test_sla_exports import AS_OF as SAMPLES_AS_OF
from tests.figures.test_sla_exports import CONTRACTS as SAMPLE_CONTRACTS
from tests.figures.test_sla_exports import NOW as SAMPLES_NOW
from tests.figures.test_sla_exports import store_with
from tests.naive import states as naive_states
from tests.naive.views import naive_changes
from tma_metrics.charts.activity import created_resolved_chart
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.loading import figures_for
from tma_metrics.figures.periods import Period
from tma_metrics.reports.json_report import contract_json
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts
from tma_metrics.views.bilan import bilan_view
from tma_metrics.views.copil import copil_view
from tma_metrics.views.point import point_view
from tma_metrics.views.portfolio import portfolio_row

NOW = datetime(2026, 11, 22, 10, 0)


def identity(flow: dict[str, int]) -> None:
    assert flow["open_end"] == (
        flow["open_start"] + flow["received"] - flow["resolved"] + flow["reopened"]
    ), flow


def check_every_page(figures: ContractFigures) -> None:
    """The counts of every page of one contract, against each other and a naive loop."""
    period = figures.period
    assert period.end == period.as_of  # the backlog (as of) is the window's end
    naive = naive_states.window_counts(naive_changes(figures), period.start, period.end)
    copil = copil_view(figures)
    identity(copil.flow)
    assert copil.flow == naive
    cards = {c.key: c.value for c in copil.key_figures}
    assert cards["tickets_created"] == naive["received"]
    assert cards["tickets_resolved"] == naive["resolved"]
    assert cards["backlog_open"] == copil.backlog.open == naive["open_end"]
    chart = created_resolved_chart(figures.changes, start=period.start, end=period.end)
    traces = {t.name: t for t in chart.data}
    if naive["received"] or naive["resolved"] or naive["reopened"]:
        assert sum(traces["Reçues"].y) == naive["received"]
        assert sum(traces["Résolues"].y) == naive["resolved"]
        reopened = sum(traces["Réouvertes"].y) if "Réouvertes" in traces else 0
        assert reopened == naive["reopened"]
        title = re.sub(r"<[^>]+>", " ", chart.layout.title.text).replace("\u00a0", " ")
        title = " ".join(title.replace("\u202f", " ").split())
        assert f"ouvertes : {naive['open_start']} → {naive['open_end']}" in title
    point = point_view(figures)
    identity(point.flow)
    assert point.flow["received"] == len(point.incoming)
    assert point.flow["resolved"] == len(point.resolved)
    assert point.flow["open_end"] == len(point.in_progress) == naive["open_end"]
    bilan = bilan_view(figures, period.as_of)
    assert bilan.backlog.open == naive["open_end"]
    assert portfolio_row(figures, period.as_of)["open_tickets"] == naive["open_end"]
    tickets = contract_json(figures)["tickets"]
    assert tickets == {
        "received": naive["received"],
        "resolved": naive["resolved"],
        "open": naive["open_end"],
        "reopened": naive["reopened"],
        "open_at_start": naive["open_start"],
    }


@pytest.fixture(scope="module")
def demo_figures_all(demo, tmp_path_factory) -> list[ContractFigures]:
    db, _ = demo
    copy = tmp_path_factory.mktemp("identity") / "demo.duckdb"
    copy.write_bytes(db.read_bytes())
    store = Store(copy)
    contracts = load_contracts(DEFAULT_CONTRACTS)
    periods = {c.name: Period(DEMO_AS_OF, date(2026, 1, 1), DEMO_AS_OF) for c in contracts}
    found = [
        figures_for(store, [c], DEMO_AS_OF, start=periods[c.name].start, now=NOW)[0]
        for c in contracts
    ]
    store.close()
    return found


@pytest.mark.parametrize("index", [0, 1, 2], ids=["alpha-redmine", "beta-jira", "gamma-canonical"])
def test_every_page_reconciles_on_the_demo(demo_figures_all, index) -> None:
    check_every_page(demo_figures_all[index].complete())


@pytest.fixture(scope="module")
def sample_figures(tmp_path_factory) -> dict[str, ContractFigures]:
    found = {}
    for label, files in (
        ("redmine-alone", ("redmine-demandes-fr.csv",)),
        ("redmine-history", ("redmine-demandes-fr.csv", "historique-statuts.csv")),
        (
            "others",
            ("jira-resolved-en.csv", "glpi-resolution-fr.csv", "glpi-sans-resolution-fr.csv"),
        ),
    ):
        store = store_with(tmp_path_factory.mktemp(label), *files)
        for figures in figures_for(store, SAMPLE_CONTRACTS, SAMPLES_AS_OF, now=SAMPLES_NOW):
            if len(figures.prepared):
                found[f"{label}-{figures.name}"] = figures.complete()
        store.close()
    return found


@pytest.mark.parametrize(
    "name",
    [
        "redmine-alone-Extranet",
        "redmine-history-Extranet",
        "others-Portail",
        "others-Mairie",
        "others-Ecole",
    ],
)
def test_every_page_reconciles_on_real_export_shapes(sample_figures, name) -> None:
    check_every_page(sample_figures[name])


def test_the_redmine_week_counts_by_hand(sample_figures) -> None:
    """Ten tickets in the week; six resolutions (one of them reopened), five still open."""
    for name in ("redmine-alone-Extranet", "redmine-history-Extranet"):
        tickets = contract_json(sample_figures[name])["tickets"]
        assert tickets == {
            "received": 10,
            "resolved": 6,
            "open": 5,
            "reopened": 1,
            "open_at_start": 0,
        }, name
