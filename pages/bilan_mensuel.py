"""Bilan mensuel."""

from tma_metrics.ui.context import page_context
from tma_metrics.ui.meetings_page import bilan_mensuel

bilan_mensuel(page_context())
