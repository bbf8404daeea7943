from __future__ import annotations

import pytest

from tests.figures_fixtures import gamma_figures


@pytest.fixture(scope="session")
def demo_figures(tmp_path_factory):
    """ContractFigures of the demo's Gamma contract at the demo's as-of date."""
    return gamma_figures(tmp_path_factory.mktemp("demo"))
