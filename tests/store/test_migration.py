"""Databases of schema 1 (before import holders) keep every row through undo after migrating.

Schema 1 recorded only the import that last wrote a row. Its rows are written here as
the schema-1 writer left them, then the store opens the file (migration 2) and undoes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tma_metrics.store import SCHEMA_VERSION, Store
from tma_metrics.store.connection import migrations
from tma_metrics.store.contracts_file import local_scope

MANAGER = local_scope(())


def schema_1(path: Path, batches: list[tuple], tickets: list[tuple], versions: list[tuple]):
    """Write a schema-1 database: import_batch rows, current tickets, archived versions."""
    con = duckdb.connect(str(path))
    (version, _name, sql) = migrations()[0]
    assert version == 1
    con.execute(sql)
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    con.execute("INSERT INTO schema_version VALUES (1, now()::TIMESTAMP)")
    for batch_id, tool, added, updated, unchanged in batches:
        con.execute(
            "INSERT INTO import_batch (batch_id, file_name, file_hash, tool, imported_at, "
            "added, updated, unchanged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [batch_id, f"f{batch_id}.csv", f"h{batch_id}", tool, datetime(2026, 1, batch_id),
             added, updated, unchanged],
        )  # fmt: skip
    for key, title, batch_id in tickets:
        con.execute(
            "INSERT INTO ticket (uid, source, key, title, row_hash, batch_id) "
            "VALUES (?, 'redmine', ?, ?, ?, ?)",
            [f"redmine:{key}", key, title, f"hash-{title}", batch_id],
        )
    for key, title, batch_id, replaced_by in versions:
        con.execute(
            "INSERT INTO ticket_version (uid, source, key, title, row_hash, batch_id, "
            "replaced_by) VALUES (?, 'redmine', ?, ?, ?, ?, ?)",
            [f"redmine:{key}", key, title, f"hash-{title}", batch_id, replaced_by],
        )
    con.execute("SELECT setval('import_batch_seq', ?)", [len(batches)])
    con.close()


def titles(store: Store) -> list[tuple[str, str]]:
    return store.cursor().execute("SELECT key, title FROM ticket ORDER BY key").fetchall()


# (batches: id, tool, added, updated, unchanged), current tickets (key, title, batch),
# archived versions (key, title, batch, replaced by), undos in order, titles after each
CASES = [
    (
        [(1, "redmine", 2, 0, 0), (2, "redmine", 0, 0, 2)],
        [("1", "A", 1), ("2", "B", 1)],
        [],
        [1, 2],
        [[("1", "A"), ("2", "B")], []],
    ),
    (
        [(1, "redmine", 2, 0, 0), (2, "redmine", 0, 1, 1)],
        [("1", "A2", 2), ("2", "B", 1)],
        [("1", "A", 1, 2)],
        [2, 1],
        [[("1", "A"), ("2", "B")], []],
    ),
    (
        [(1, "redmine", 2, 0, 0), (2, "redmine", 0, 1, 1)],
        [("1", "A2", 2), ("2", "B", 1)],
        [("1", "A", 1, 2)],
        [1, 2],
        [[("1", "A2"), ("2", "B")], []],
    ),
    (
        [(1, "redmine", 1, 0, 0), (2, "jira", 0, 0, 1)],
        [("1", "A", 1)],
        [],
        [1],
        [[]],
    ),
]


@pytest.mark.parametrize(
    ("batches", "tickets", "versions", "undos", "after"),
    CASES,
    ids=[
        "same-file-twice-undo-older",
        "v1-v2-undo-newer-restores-v1",
        "v1-v2-undo-older-keeps-v2",
        "other-tool-does-not-hold",
    ],
)
def test_a_schema_1_database_undoes_without_losing_rows(
    tmp_path: Path, batches, tickets, versions, undos, after
) -> None:
    path = tmp_path / "old.duckdb"
    schema_1(path, batches, tickets, versions)
    store = Store(path)
    try:
        assert store.cursor().execute("SELECT max(version) FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
        for batch, expected in zip(undos, after, strict=True):
            store.undo(batch, MANAGER)
            assert titles(store) == expected
    finally:
        store.close()


def test_a_migrated_database_takes_new_imports_and_lists_its_history(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    schema_1(path, [(1, "redmine", 1, 0, 0)], [("1", "A", 1)], [])
    store = Store(path)
    history = store.history(MANAGER)
    assert history["batch_id"].tolist() == [1]
    assert history["out_of_scope"].tolist() == [0]
    assert history["contracts"].isna().all()  # unknown before schema 2: managers only
    assert store.cursor().execute("SELECT nextval('import_batch_seq')").fetchall() == [(2,)]
    store.close()
