"""Real figures for the files' tests: the demo database read through the store.

Four contracts over the demo's exports: Alpha (Redmine: numeric ticket ids), Beta as a
« régie » (no carnet, no balance), Gamma with a client name and a logo (text keys
G-12), and a contract whose project has no data at all (every figure missing).
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.reports.helpers import tiny_png
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.figures.loading import figures_for
from tma_metrics.figures.periods import preset_period
from tma_metrics.store import Store

AS_OF = date(2026, 11, 20)
CONTRACTS = textwrap.dedent(
    """
    [[contract]]
    name = "Alpha - Mairie de Valbonne-sur-Loire"
    projects = ["Valbonne - Site internet", "Valbonne - Extranet agents"]
    [[contract.carnet]]
    start = 2025-11-20
    end = 2026-05-31
    days = 100
    [[contract.carnet]]
    start = 2026-06-01
    days = 80

    [[contract]]
    name = "Beta - Comptoir des Bastides"
    projects = ["BETA"]
    model = "regie"

    [[contract]]
    name = "Gamma - Syndicat des Eaux de la Gâtine"
    client = "Syndicat des Eaux de la Gâtine"
    logo = "logos/gamma.png"
    projects = ["Portail abonnés", "Site institutionnel"]
    [[contract.carnet]]
    start = 2026-02-01
    days = 130
    [contract.sla.bloquante]
    calendar = "24/7"

    [[contract]]
    name = "Delta - Sans données"
    projects = ["Projet inconnu des exports"]
    [[contract.carnet]]
    start = 2026-09-01
    days = 20
    """
)
NAMES = ("alpha", "beta-regie", "gamma", "vide")


@pytest.fixture(scope="session")
def contracts_file(tmp_path_factory) -> Path:
    """The contracts above, with Gamma's logo beside them."""
    folder = tmp_path_factory.mktemp("contracts")
    (folder / "logos").mkdir()
    (folder / "logos" / "gamma.png").write_bytes(tiny_png(240, 80))
    path = folder / "contracts.toml"
    path.write_text(CONTRACTS, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def contracts(contracts_file):
    return dict(zip(NAMES, parse_contracts(contracts_file.read_text("utf-8")), strict=True))


@pytest.fixture(scope="session")
def quarter(demo, contracts):
    """Each contract's figures over the demo's last quarter (a Copil's), by short name."""
    db, _ = demo
    store = Store(db)
    out = {}
    for name, contract in contracts.items():
        period = preset_period("quarter", contract, AS_OF)
        (out[name],) = figures_for(store, [contract], AS_OF, start=period.start, end=period.end)
    store.close()
    return out


@pytest.fixture(scope="session")
def current(demo, contracts):
    """Each contract's figures at the as-of date and one week earlier (a Point TMA's)."""
    db, _ = demo
    store = Store(db)
    out = {}
    for name, contract in contracts.items():
        (now,) = figures_for(store, [contract], AS_OF)
        (before,) = figures_for(store, [contract], AS_OF - timedelta(days=7))
        out[name] = (now, before)
    store.close()
    return out
