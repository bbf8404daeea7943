"""Portefeuille: every contract on one screen."""

from tma_metrics.ui.context import page_context
from tma_metrics.ui.filters import AS_OF
from tma_metrics.ui.portfolio_page import portfolio

portfolio(page_context(internal=True, filters=(AS_OF,)))
