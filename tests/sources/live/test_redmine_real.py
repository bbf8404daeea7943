"""Live sync against a REAL Redmine 5.0: Debian's package, served by thin on 127.0.0.1.

The server is seeded with histories the engine has not seen (`redmine_seed`): waits for
the client, a reopening, a priority and a tracker change, a rejection, summer time
ending, a public holiday. Each SLA clock is checked against a naive minute-by-minute
count; consumption against the CSV exports the same server writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.sources.live.redmine_seed import (
    ALPHA,
    ENTRIES,
    ISSUES,
    SEVERITY,
    naive_outcomes,
    paris,
)
from tma_metrics.figures.loading import figures_for
from tma_metrics.sources.live import SourceConfig
from tma_metrics.sources.live import run_sync as run_sync_as
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import load_contracts, local_scope


def run_sync(*args, **kwargs):
    """Sync as whoever runs the command line (the local manager)."""
    return run_sync_as(*args, scope=local_scope(()), **kwargs)


ROOT = Path(__file__).resolve().parents[3]
AS_OF = date(2026, 11, 30)
SLA_ISSUES = [i for i in ISSUES if i.project in ALPHA and i.final("tracker") == "Anomalie"]
ALPHA_ENTRIES = [e for e in ENTRIES if e.project in ALPHA]


def cli(*args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDMINE_API_KEY"}
    if key is not None:
        env["REDMINE_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "tma_metrics", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def sync_alpha(redmine, db: Path, *extra: str) -> dict:
    done = cli(
        "sync", "redmine", "--url", redmine.url, "--project", "sync-alpha", "--db", str(db),
        "--json", *extra, key=redmine.admin_key,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def table(db: Path, sql: str) -> pd.DataFrame:
    store = Store(db, read_only=True)
    try:
        return store.cursor().execute(sql).df()
    finally:
        store.close()


@pytest.fixture(scope="module")
def alpha_db(redmine, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("alpha") / "alpha.duckdb"
    report = sync_alpha(redmine, db, "--full")
    assert report["ok"] and report["full"]
    return db


@pytest.fixture(scope="module")
def alpha_figures(alpha_db, alpha_contracts):
    store = Store(alpha_db, read_only=True)
    try:
        (figures,) = figures_for(store, load_contracts(alpha_contracts), AS_OF)
    finally:
        store.close()
    return figures


def test_the_project_and_its_subproject_are_read_with_every_status(redmine, alpha_db) -> None:
    keys = set(table(alpha_db, "SELECT key FROM ticket")["key"])
    assert keys == {str(redmine.issue_id(i.name)) for i in ISSUES if i.project in ALPHA}
    entries = table(alpha_db, "SELECT entry_id, hours, date FROM time_entry")
    assert sorted(entries["hours"]) == sorted(e.hours for e in ALPHA_ENTRIES)
    expected_ids = {str(redmine.seeded["entries"][e.name]) for e in ALPHA_ENTRIES}
    assert set(entries["entry_id"]) == expected_ids


def test_status_history_is_every_journal_in_paris_time(redmine, alpha_db) -> None:
    found = table(alpha_db, 'SELECT DISTINCT ticket_key, "at", status FROM status_change')
    got = {(r.ticket_key, r.at.to_pydatetime(), r.status) for r in found.itertuples()}
    expected = set()
    for issue in (i for i in ISSUES if i.project in ALPHA):
        key = str(redmine.issue_id(issue.name))
        expected.add((key, paris(issue.created), issue.status))
        expected |= {(key, paris(t), v) for t, a, v in issue.changes if a == "status"}
    assert got == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [(i.name, k) for i in SLA_ISSUES for k in ("response", "workaround", "resolution")],
    ids=[f"{i.name}-{k}" for i in SLA_ISSUES for k in ("response", "workaround", "resolution")],
)
def test_sla_outcome_matches_the_naive_minute_by_minute_count(
    redmine, alpha_figures, name: str, kind: str
) -> None:
    issue = next(i for i in ISSUES if i.name == name)
    outcome, elapsed = naive_outcomes(issue, alpha_figures.at.to_pydatetime())[kind]
    rows = alpha_figures.outcomes
    row = rows[(rows["key"] == str(redmine.issue_id(name))) & (rows["sla_kind"] == kind)]
    if outcome == "not_applicable":
        assert row.empty or row["outcome"].iloc[0] == "not_applicable"
        return
    assert row["outcome"].iloc[0] == outcome
    if elapsed is not None:
        assert row["elapsed_minutes"].iloc[0] == pytest.approx(elapsed, abs=1e-6)


def test_report_json_counts_every_clock_as_the_naive_reference(
    redmine, alpha_db, alpha_contracts, alpha_figures
) -> None:
    done = cli(
        "report", "--db", str(alpha_db), "--contracts", str(alpha_contracts), "--json",
        "--as-of", AS_OF.isoformat(), "--from", "2026-09-01", "--to", AS_OF.isoformat(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    at = alpha_figures.at.to_pydatetime()
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for issue in SLA_ISSUES:
        severity = SEVERITY[issue.final("priority")]
        for kind, (outcome, _) in naive_outcomes(issue, at).items():
            counts = expected.setdefault((severity, kind), {})
            counts[outcome] = counts.get(outcome, 0) + 1
    for (severity, kind), counts in expected.items():
        found = report["sla"][severity][kind]
        for outcome in ("met", "breached", "open", "at_risk"):
            assert found[outcome] == counts.get(outcome, 0), (severity, kind, outcome)


def test_priority_and_tracker_changes_are_kept_with_the_ticket(redmine, alpha_db) -> None:
    extra = table(alpha_db, "SELECT key, extra FROM ticket").set_index("key")["extra"]
    a3 = json.loads(extra[str(redmine.issue_id("A3"))])
    a5 = json.loads(extra[str(redmine.issue_id("A5"))])
    assert a3 == {"Changements de priorité": "08/10/2026 09:00 : Normal → Urgent"}
    assert a5 == {"Changements de tracker": "13/10/2026 09:30 : Assistance → Anomalie"}


ISSUE_COLUMNS = ("project", "tracker", "status", "priority", "subject", "assigned_to",
                 "created_on", "closed_on", "estimated_hours", "spent_hours")  # fmt: skip
ENTRY_COLUMNS = ("project", "spent_on", "user", "activity", "issue", "comments", "hours")


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as answer:  # public projects: no key
        return answer.read()


def test_consumption_equals_the_csv_exports_of_the_same_server(
    redmine, alpha_db, alpha_contracts, tmp_path
) -> None:
    issues = _download(
        f"{redmine.url}/projects/sync-alpha/issues.csv?set_filter=1&status_id=*"
        + "".join(f"&c[]={c}" for c in ISSUE_COLUMNS)
    )
    entries = _download(
        f"{redmine.url}/projects/sync-alpha/time_entries.csv?set_filter=1"
        + "".join(f"&c[]={c}" for c in ENTRY_COLUMNS)
    )
    (tmp_path / "demandes.csv").write_bytes(issues)
    (tmp_path / "temps.csv").write_bytes(entries)
    csv_db = tmp_path / "csv.duckdb"
    done = cli("import", str(tmp_path / "demandes.csv"), str(tmp_path / "temps.csv"),
               "--db", str(csv_db))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    reports = []
    for db in (alpha_db, csv_db):
        done = cli("report", "--db", str(db), "--contracts", str(alpha_contracts), "--json",
                   "--as-of", AS_OF.isoformat())  # fmt: skip
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout)[0])
    synced, exported = reports
    for name in ("consumed_days", "remaining_days", "spent_hours", "deducted_hours",
                 "absorbed_hours", "committed_days"):  # fmt: skip
        assert synced[name] == pytest.approx(exported[name]), name
    # The naive view: every hour seeded, A8's 22 h capped at 1.25 x 16 h.
    spent = sum(e.hours for e in ALPHA_ENTRIES)
    assert synced["spent_hours"] == pytest.approx(spent)
    assert synced["absorbed_hours"] == pytest.approx(22.0 - 20.0)


def test_a_second_sync_with_nothing_changed_changes_nothing(redmine, alpha_db) -> None:
    query = "SELECT * EXCLUDE (batch_id) FROM {} ORDER BY uid"
    before = [table(alpha_db, query.format(t)) for t in ("ticket", "time_entry")]
    report = sync_alpha(redmine, alpha_db)
    assert report["full"] is False
    imported = report["import"]
    for name in ("tickets", "time_entries", "status_history"):
        assert imported[name]["added"] == 0, name
        assert imported[name]["updated"] == 0, name
        assert imported[name]["removed"] == 0, name
    after = [table(alpha_db, query.format(t)) for t in ("ticket", "time_entry")]
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old, new)


# -- changes at the source: a project of its own, so the seeded figures stay intact ------


def _rest(redmine, method: str, path: str, body: dict | None = None) -> dict | None:
    request = urllib.request.Request(
        redmine.url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"X-Redmine-API-Key": redmine.admin_key, "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        raw = answer.read()
    return json.loads(raw) if raw.strip() else None


def test_edited_and_deleted_time_entries_and_a_reopening_are_seen(redmine, tmp_path) -> None:
    activities = _rest(redmine, "GET", "/enumerations/time_entry_activities.json")
    activity = activities["time_entry_activities"][0]["id"]
    issue = redmine.issue_id("G1")
    day = (date.today() - timedelta(days=2)).isoformat()
    made = [
        _rest(redmine, "POST", "/time_entries.json", {"time_entry": {
            "issue_id": issue, "hours": hours, "spent_on": day, "activity_id": activity,
            "comments": comment}})["time_entry"]["id"]
        for hours, comment in ((1.0, "Saisie corrigée ensuite"), (2.0, "Saisie supprimée"))
    ]  # fmt: skip
    db = tmp_path / "gamma.duckdb"
    config = SourceConfig("redmine", redmine.url, ("sync-gamma",))
    env = {"REDMINE_API_KEY": redmine.admin_key}
    store = Store(db)
    try:
        first = run_sync(store, config, full=True, env=env)
        assert first.ok, first.run.message
        assert first.imported.time_entries.added == 2
        _rest(redmine, "PUT", f"/time_entries/{made[0]}.json", {"time_entry": {"hours": 2.5}})
        _rest(redmine, "DELETE", f"/time_entries/{made[1]}.json")
        _rest(redmine, "PUT", f"/issues/{issue}.json", {"issue": {"status_id": 2}})
        second = run_sync(store, config, env=env)
        assert second.ok, second.run.message
        assert second.since is not None
        counts = second.imported
        assert (counts.time_entries.updated, counts.time_entries.removed) == (1, 1)
        assert (counts.tickets.updated, counts.status_history.added) == (1, 1)
        hours = store.cursor().execute("SELECT entry_id, hours FROM time_entry").fetchall()
        assert hours == [(str(made[0]), 2.5)]
        third = run_sync(store, config, env=env)
        assert (third.imported.added, third.imported.updated, third.imported.removed) == (0, 0, 0)
        # A sync is an import: undoing the second brings the deleted entry back; the
        # edit stays, since the third sync (still active) read it too.
        store.undo(second.imported.batch_id, local_scope(()))
        restored = store.cursor().execute("SELECT hours FROM time_entry ORDER BY hours")
        assert [h for (h,) in restored.fetchall()] == [2.0, 2.5]
        # Undoing the third as well leaves only the first sync: the versions it read.
        store.undo(third.imported.batch_id, local_scope(()))
        restored = store.cursor().execute("SELECT hours FROM time_entry ORDER BY hours")
        assert [h for (h,) in restored.fetchall()] == [1.0, 2.0]
    finally:
        store.close()


# -- errors from the real server leave the database as it was ----------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("login", "project", "kind", "words"),
    [
        (None, "sync-alpha", "auth", "HTTP 401"),
        ("admin", "nexiste-pas", "not_found", "Projet « nexiste-pas » introuvable"),
        ("lecteur", "sync-prive", "forbidden", "Projet « sync-prive » interdit"),
    ],
    ids=["bad-key", "unknown-project", "private-project"],
)
def test_real_refusals_get_a_french_message_and_change_nothing(
    redmine, alpha_db, tmp_path, login, project, kind, words
) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(alpha_db.read_bytes())
    before = _digest(db)
    key = "0" * 40 if login is None else redmine.key(login)
    done = cli("sync", "redmine", "--url", redmine.url, "--project", project, "--db", str(db),
               key=key)  # fmt: skip
    assert done.returncode == 2
    assert words in done.stdout and "Rien n'a été écrit" in done.stdout
    assert key not in done.stdout + done.stderr
    assert _digest(db) == before
