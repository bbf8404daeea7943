"""Bilan mensuel."""

from tma_metrics.ui.context import page_context
from tma_metrics.ui.filters import AS_OF, CONTRACT, KIND, SEVERITY
from tma_metrics.ui.meetings_page import bilan_mensuel

# The month is chosen on the page: no period selector.
bilan_mensuel(page_context(filters=(CONTRACT, AS_OF, SEVERITY, KIND)))
