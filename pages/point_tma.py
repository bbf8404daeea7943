"""Point TMA."""

from tma_metrics.ui.context import page_context
from tma_metrics.ui.meetings_page import point_tma

point_tma(page_context())
