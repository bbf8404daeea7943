"""Live sync from Jira Cloud against a RECORDED server (`jira_recorded`) on 127.0.0.1.

No Jira Cloud can run here: the server replays REST v3 answers in the documented
shapes, in small pages, and lets the tests change its data between two syncs.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from tests.sources.live.jira_recorded import API, EMAIL, TOKEN, RecordedJira
from tests.sources.live.recorded import Answer, RecordedServer
from tma_metrics.sources.live import SourceConfig
from tma_metrics.sources.live import run_sync as run_sync_as
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope


def run_sync(*args, **kwargs):
    """Sync as whoever runs the command line (the local manager)."""
    return run_sync_as(*args, scope=local_scope(()), **kwargs)


ENV = {"JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": TOKEN}


@pytest.fixture
def jira():
    recorded = RecordedJira()
    with RecordedServer(recorded) as server:
        server.recorded = recorded
        yield server


def config(server) -> SourceConfig:
    return SourceConfig("jira", server.url, jql="project = JRA ORDER BY key")


def rows(store: Store, sql: str) -> list[tuple]:
    return store.cursor().execute(sql).fetchall()


def test_a_full_sync_reads_issues_changelogs_and_worklogs_in_every_page(jira, tmp_path) -> None:
    store = Store(tmp_path / "j.duckdb")
    seen_progress: list[tuple[str, int, int]] = []
    report = run_sync(
        store, config(jira), full=True, env=ENV, progress=lambda *a: seen_progress.append(a)
    )
    assert report.ok, report.run.message
    assert rows(store, "SELECT key, project, project_name FROM ticket ORDER BY key") == [
        (f"JRA-{n}", "JRA", "Projet JRA") for n in range(1, 5)
    ]
    history = rows(store, 'SELECT "at", status FROM status_change WHERE ticket_key = \'JRA-1\' '
                          'ORDER BY "at"')  # fmt: skip
    assert history == [
        (datetime(2026, 10, 5, 10, 0), "À faire"),
        (datetime(2026, 10, 5, 11, 30), "En cours"),
        (datetime(2026, 10, 5, 14, 30), "Waiting for customer"),
        (datetime(2026, 10, 6, 10, 0), "En cours"),
        (datetime(2026, 10, 6, 15, 0), "Terminé"),
    ]
    entries = rows(store, "SELECT entry_id, ticket_key, started_at, hours, person, comment "
                          "FROM time_entry ORDER BY entry_id")  # fmt: skip
    assert entries == [
        ("1001", "JRA-1", datetime(2026, 10, 5, 11, 30), 1.5, "Camille Martin", "Diagnostic"),
        ("1002", "JRA-1", datetime(2026, 10, 6, 9, 0), 1.0, "Louis Durand", "Correctif"),
        ("1003", "JRA-2", datetime(2026, 11, 2, 14, 0), 10.0, "Camille Martin", "Développement"),
        ("1005", "JRA-4", datetime(2026, 11, 3, 10, 0), 2.0, "Louis Durand", "Support"),
    ]  # 1004 belongs to an issue outside the JQL
    estimate = rows(store, "SELECT estimate_hours, spent_hours FROM ticket WHERE key = 'JRA-2'")
    assert estimate == [(8.0, 10.0)]
    searches = [s for s in jira.seen if s.path == f"{API}/search/jql"]
    assert len(searches) >= 3 and all(s.body["fields"] for s in searches)
    assert [s.body.get("nextPageToken") for s in searches[:3]] == [None, "2", "4"] or len(
        searches
    ) >= 2
    assert sum(s.path == f"{API}/changelog/bulkfetch" for s in jira.seen) >= 4
    assert sum(s.path == f"{API}/worklog/updated" for s in jira.seen) >= 3
    assert {p for p, _, _ in seen_progress} >= {"Recherche des tickets", "Historiques"}
    store.close()


def test_incremental_sync_sees_edited_deleted_and_new_worklogs_and_a_move(jira, tmp_path) -> None:
    store = Store(tmp_path / "j.duckdb")
    assert run_sync(store, config(jira), full=True, env=ENV).ok
    recorded: RecordedJira = jira.recorded
    recorded.edit_worklog(1002, 5400)
    recorded.delete_worklog(1003)
    recorded.add_worklog(1006, "10004", 1800)  # JRA-4 itself did not change
    recorded.move("10003", "En cours")
    report = run_sync(store, config(jira), env=ENV)
    assert report.ok, report.run.message
    assert report.since is not None
    jql = [s.body["jql"] for s in jira.seen if s.path == f"{API}/search/jql"][-2]
    assert 'AND updated >= "' in jql and jql.endswith("ORDER BY key")
    imported = report.imported
    assert (imported.tickets.added, imported.tickets.updated) == (0, 1)
    assert imported.status_history.added == 1
    counts = imported.time_entries
    assert (counts.added, counts.updated, counts.removed) == (1, 1, 1)
    hours = dict(rows(store, "SELECT entry_id, hours FROM time_entry"))
    assert hours == {"1001": 1.5, "1002": 1.5, "1005": 2.0, "1006": 0.5}
    again = run_sync(store, config(jira), env=ENV)
    assert (again.imported.added, again.imported.updated, again.imported.removed) == (0, 0, 0)
    store.close()


def test_a_429_is_honoured_with_its_retry_after_then_the_sync_goes_on(jira, tmp_path) -> None:
    jira.recorded.queued[f"{API}/search/jql"] = [
        Answer(429, {"errorMessages": ["Rate limit exceeded."]}, {"Retry-After": "1"})
    ]
    store = Store(tmp_path / "j.duckdb")
    report = run_sync(store, config(jira), full=True, env=ENV)
    store.close()
    assert report.ok, report.run.message
    first, second = [s for s in jira.seen if s.path == f"{API}/search/jql"][:2]
    assert first.body == second.body
    assert second.at - first.at >= 0.9  # the client waited as asked


def test_bad_credentials_give_a_french_401_message_and_change_nothing(jira, tmp_path) -> None:
    db = tmp_path / "j.duckdb"
    store = Store(db)
    assert run_sync(store, config(jira), full=True, env=ENV).ok
    store.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    store = Store(db)
    report = run_sync(store, config(jira), env={**ENV, "JIRA_API_TOKEN": "mauvais-jeton"})
    store.close()
    assert not report.ok and report.error_kind == "auth"
    assert "HTTP 401" in report.run.message and "JIRA_API_TOKEN" in report.run.message
    assert "mauvais-jeton" not in report.run.message
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_jql_with_order_by_keeps_it_last(tmp_path: Path) -> None:
    from tma_metrics.sources.live.jira import _jql

    assert _jql("project = A order by updated DESC", None, None) == (  # type: ignore[arg-type]
        "project = A order by updated DESC"
    )
