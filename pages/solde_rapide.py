"""Solde rapide: a client's balance from its own spreadsheet, nothing kept."""

from tma_metrics.ui.quick_balance_page import quick_balance_page

quick_balance_page()
