"""Rows a live sync saw deleted at the source: archived, removed, and restored by undo."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.store.test_writer import entries, parsed, snapshot
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope
from tma_metrics.store.writer import write_parsed

E = entries(
    {"entry_id": "1", "date": "2026-01-05", "hours": 1.0, "person": "Léa"},
    {"entry_id": "2", "date": "2026-01-06", "hours": 2.0, "person": "Léa"},
    {"entry_id": "3", "date": "2026-01-07", "hours": 3.0, "person": "Léa"},
)


@pytest.fixture
def store() -> Store:
    s = Store(":memory:")
    yield s
    s.close()


def write(store: Store, name: str, removed: list[str], e=None) -> object:
    cur = store.cursor()
    found = parsed(cur, e=e)
    found.removed = {"time_entries": pd.DataFrame({"uid": removed}, dtype="string")}
    return write_parsed(cur, found, file_name=name, digest=name, size=0, scope=local_scope(()))


@pytest.mark.parametrize(
    ("removed", "expected_hours", "count"),
    [
        (["redmine:id:2"], [1.0, 3.0], 1),
        (["redmine:id:2", "redmine:id:3"], [1.0], 2),
        (["redmine:id:99"], [1.0, 2.0, 3.0], 0),
        ([], [1.0, 2.0, 3.0], 0),
    ],
    ids=["one", "two", "unknown-uid", "none"],
)
def test_removed_rows_go_and_undo_brings_them_back(
    store: Store, removed: list[str], expected_hours: list[float], count: int
) -> None:
    first = write(store, "a", [], e=E)
    before = snapshot(store)
    report = write(store, "b", removed)
    assert report.time_entries.removed == count
    assert sorted(row[2] for row in snapshot(store)["time_entry"]) == expected_hours
    assert any("à la source" in w for w in report.warnings) == bool(count)
    store.undo(report.batch_id)
    assert snapshot(store) == before
    assert first.time_entries.added == 3


def test_a_removed_row_sent_again_in_the_same_batch_is_back_and_undo_is_exact(
    store: Store,
) -> None:
    write(store, "a", [], e=E)
    before = snapshot(store)
    edited = entries({"entry_id": "2", "date": "2026-01-06", "hours": 5.0, "person": "Léa"})
    report = write(store, "b", ["redmine:id:2"], e=edited)
    assert sorted(row[2] for row in snapshot(store)["time_entry"]) == [1.0, 3.0, 5.0]
    store.undo(report.batch_id)
    assert snapshot(store) == before
