"""One adapter per export format; `ADAPTERS` is the detection table's order."""

from __future__ import annotations

from tma_metrics.sources.adapters import (
    canonical,
    gitlab,
    glpi,
    jira,
    mantis,
    redmine,
    timesheets,
    worklogs,
    zendesk,
)
from tma_metrics.sources.adapters.base import Adapter

__all__ = ["ADAPTERS"]

#: Tools first, the canonical format last (it wins only when nothing else does).
ADAPTERS: tuple[Adapter, ...] = (
    redmine.ADAPTER,
    jira.ADAPTER,
    worklogs.TEMPO,
    worklogs.WORKLOG_APP,
    glpi.ADAPTER,
    zendesk.ADAPTER,
    mantis.ADAPTER,
    gitlab.ADAPTER,
    timesheets.KIMAI,
    timesheets.HARVEST,
    timesheets.CLOCKIFY,
    canonical.ADAPTER,
)
