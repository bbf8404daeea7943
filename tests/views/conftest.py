"""Real ContractFigures of the demo's Gamma contract at the dates the views need."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.figures_fixtures import DEMO_AS_OF, gamma_figures
from tma_metrics.figures.periods import Period, preset_period

OCTOBER = Period(as_of=date(2026, 10, 31), start=date(2026, 10, 1), end=date(2026, 10, 31))


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("views-demo")


@pytest.fixture(scope="session")
def demo_figures(demo_folder):
    """Gamma at the demo's as-of date (20/11/2026), period: the carnet so far."""
    return gamma_figures(demo_folder)


@pytest.fixture(scope="session")
def previous_figures(demo_folder):
    """Gamma one week earlier: the previous Point TMA."""
    return gamma_figures(demo_folder, as_of=DEMO_AS_OF - timedelta(days=7))


@pytest.fixture(scope="session")
def october_figures(demo_folder):
    """Gamma at the end of October 2026, period: October (a Bilan mensuel's figures)."""
    return gamma_figures(demo_folder, as_of=OCTOBER.as_of, period=OCTOBER)


@pytest.fixture(scope="session")
def quarter_figures(demo_folder, demo_figures):
    """Gamma over the current quarter (a Copil's figures)."""
    period = preset_period("quarter", demo_figures.contract, DEMO_AS_OF)
    return gamma_figures(demo_folder, period=period)
