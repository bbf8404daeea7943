"""What a live adapter hands to the sync: text tables, and what the source no longer has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tma_metrics.sources.live.tables import TextTable

__all__ = ["OVERLAP", "Fetched", "Progress", "Stale", "no_progress"]

#: An incremental sync re-reads what changed this long before the previous one started
#: (clock skew between the machines, changes committed while the previous sync ran).
OVERLAP = timedelta(minutes=15)

#: progress(phase, done, total): called in the sync's own thread.
Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    """Ignore progress (the default)."""


@dataclass(frozen=True)
class Stale:
    """Rows of one table the database holds and the source no longer has.

    ``explicit``: uids the source reported deleted. ``reconcile``: when set, every row of
    the table written by a sync of the same server, in ``projects`` and dated from
    ``since`` (None: any date), whose uid is not in ``seen`` is gone too.
    """

    table: str  # "tickets" | "time_entries"
    explicit: frozenset[str] = frozenset()
    reconcile: bool = False
    projects: frozenset[str] = frozenset()
    since: date | None = None
    seen: frozenset[str] = frozenset()


@dataclass
class Fetched:
    """Everything one sync read, ready to be written in one transaction."""

    tool: str
    variant: str
    tables: list[TextTable]
    stale: list[Stale] = field(default_factory=list)
    issues: int = 0  # tickets read with their history
    warnings: list[str] = field(default_factory=list)
