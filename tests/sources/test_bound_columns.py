"""Each export's resolution date (an event) and its bounds: closing and last update.

Redmine dates no resolution: « Fermé » and « Mis-à-jour » become ``closed_at`` and
``updated_at``, upper bounds only. Jira's « Resolved », GLPI's « Date de résolution »
and Zendesk's « Solved at » are events (``resolved_at``); GitLab has no resolved state:
its « Closed At » is the resolution. Values checked one by one against the file.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.sources import read_export

SLA = SAMPLES / "sla"


def rows_of(con, path, name: str) -> dict[str, dict]:
    parsed = read_export(con, path, name)
    frame = parsed.tickets.df()
    return {str(r["key"]): r for r in frame.to_dict("records")}


def stamp(value) -> datetime | None:
    return None if value is None or value != value else value.to_pydatetime()


# (file, key, resolved_at, closed_at, updated_at)
CASES = [
    (SLA / "redmine-demandes-fr.csv", "101", None, "2026-11-25 10:00", "2026-11-25 10:00"),
    (SLA / "redmine-demandes-fr.csv", "103", None, None, "2026-11-27 10:00"),
    (SLA / "redmine-demandes-fr.csv", "104", None, "2026-11-24 11:00", "2026-11-25 14:00"),
    (SLA / "jira-resolved-en.csv", "PORT-1", "2026-11-24 16:00", None, "2026-11-24 16:00"),
    (SLA / "jira-resolved-en.csv", "PORT-4", None, None, "2026-11-25 11:00"),
    (
        SLA / "glpi-resolution-fr.csv",
        "501",
        "2026-11-23 11:00",
        "2026-11-26 09:00",
        "2026-11-26 09:00",
    ),
    (SLA / "glpi-sans-resolution-fr.csv", "601", None, "2026-11-27 09:00", None),
    (SAMPLES / "zendesk-tickets.csv", "101", "2026-03-02 11:30", None, "2026-03-02 12:00"),
    (SAMPLES / "mantis-fr.csv", "42", None, None, "2026-01-06 00:00"),
]


@pytest.mark.parametrize(
    ("path", "key", "resolved", "closed", "updated"),
    CASES,
    ids=[f"{c[0].name}-{c[1]}" for c in CASES],
)
def test_resolution_event_and_bounds(con, path, key, resolved, closed, updated) -> None:
    row = rows_of(con, path, path.name)[key]
    expected = [
        None if v is None else datetime.fromisoformat(v) for v in (resolved, closed, updated)
    ]
    got = [stamp(row[c]) for c in ("resolved_at", "closed_at", "updated_at")]
    assert got == expected


def test_gitlab_closing_is_its_resolution(con) -> None:
    rows = rows_of(con, SAMPLES / "gitlab-issues.csv", "gitlab.csv")
    closed = [r for r in rows.values() if stamp(r["closed_at"]) is not None]
    assert closed, "the fixture has a closed issue"
    for r in rows.values():
        assert stamp(r["resolved_at"]) == stamp(r["closed_at"])
        assert stamp(r["updated_at"]) is not None
