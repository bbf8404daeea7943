"""Bilan mensuel."""

from tma_metrics.ui.context import page_context
from tma_metrics.ui.meetings import bilan_mensuel

bilan_mensuel(page_context())
