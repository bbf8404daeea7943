"""Sources: live sync from Redmine or Jira Cloud, with its progress and report (managers)."""

from tma_metrics.ui import state
from tma_metrics.ui.login_page import current_principal
from tma_metrics.ui.sources_page import sources_page

sources_page(state.store(), current_principal())
