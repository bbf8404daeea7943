"""Copil."""

from tma_metrics.ui.context import page_context
from tma_metrics.ui.meetings_page import copil

copil(page_context())
