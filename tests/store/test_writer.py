"""The write path: one transaction per file, idempotent merges, undo."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest

from tma_metrics.domain.model import ParsedFile, conform, rejects
from tma_metrics.store import Store, StoreBusy, UndoError
from tma_metrics.store.contracts_file import local_scope
from tma_metrics.store.writer import write_parsed


def tickets(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame([{"source": "redmine", **r} for r in rows])
    df["_line"] = range(2, len(df) + 2)
    return conform(df, "tickets")


def entries(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame([{"source": "redmine", **r} for r in rows])
    df["date"] = pd.to_datetime(df["date"])
    df["_line"] = range(2, len(df) + 2)
    return conform(df, "time_entries")


def parsed(cur: duckdb.DuckDBPyConnection, t=None, e=None, h=None, **kw) -> ParsedFile:
    """Build a ParsedFile whose tables are relations on ``cur``, as adapters return them."""

    def rel(df: pd.DataFrame | None, name: str):
        if df is None:
            return None
        cur.register(name, df)
        return cur.sql(f"SELECT * FROM {name}")

    return ParsedFile(
        tool="redmine",
        variant="test",
        rows_read=sum(len(x) for x in (t, e, h) if x is not None),
        tickets=rel(t, "t_df"),
        time_entries=rel(e, "e_df"),
        status_history=rel(h, "h_df"),
        **kw,
    )


def snapshot(store: Store) -> dict[str, list]:
    cur = store.cursor()
    return {
        "ticket": cur.execute(
            "SELECT uid, title, estimate_hours FROM ticket ORDER BY uid"
        ).fetchall(),
        "time_entry": cur.execute(
            "SELECT uid, date, hours, ticket_key FROM time_entry ORDER BY uid"
        ).fetchall(),
        "status": cur.execute(
            'SELECT DISTINCT source, ticket_key, "at", status FROM status_change ORDER BY ALL'
        ).fetchall(),
    }


#: The local manager, with no contracts file: every row may be written.
MANAGER = local_scope(())


def write(store: Store, name: str = "f.csv", **tables) -> object:
    cur = store.cursor()
    return write_parsed(
        cur, parsed(cur, **tables), file_name=name, digest=name, size=1, scope=MANAGER
    )


@pytest.fixture
def store() -> Store:
    s = Store(":memory:")
    yield s
    s.close()


T1 = tickets(
    {"key": "1", "title": "Anomalie A", "estimate_hours": 8.0},
    {"key": "2", "title": "Evolution B"},
)
E1 = entries(
    {"date": "2026-01-05", "hours": 1.0, "ticket_key": "1", "person": "Léa"},
    # two identical entries (no id): both are real work and must both stay
    {"date": "2026-01-06", "hours": 1.0, "ticket_key": "1", "person": "Léa"},
    {"date": "2026-01-06", "hours": 1.0, "ticket_key": "1", "person": "Léa"},
)


def test_first_import_adds_every_row(store: Store) -> None:
    report = write(store, t=T1, e=E1)
    assert (report.tickets.added, report.time_entries.added) == (2, 3)
    assert store.counts() == {"tickets": 2, "time_entries": 3, "status_history": 0}


def test_reimport_of_the_same_export_changes_nothing(store: Store) -> None:
    write(store, t=T1, e=E1)
    before = snapshot(store)
    report = write(store, "again.csv", t=T1, e=E1)
    assert report.added == 0 and report.updated == 0
    assert (report.tickets.unchanged, report.time_entries.unchanged) == (2, 3)
    assert snapshot(store) == before


def test_identical_entries_sharing_one_line_stay_distinct(store: Store) -> None:
    # Several entries can come from one line (a Jira `Log Work` cell) or from lines with
    # the same number (two sheets of a workbook): they are still separate work.
    same_line = E1.copy()
    same_line["_line"] = 7
    report = write(store, t=T1, e=same_line)
    assert report.time_entries.added == 3
    uids = [row[0] for row in snapshot(store)["time_entry"]]
    assert len(set(uids)) == 3
    again = write(store, "again.csv", t=T1, e=same_line)
    assert (again.time_entries.added, again.time_entries.unchanged) == (0, 3)


def test_an_entry_id_repeated_on_one_line_is_kept_once(store: Store) -> None:
    repeated = entries(
        {"entry_id": "9", "date": "2026-01-05", "hours": 1.0, "person": "Léa"},
        {"entry_id": "9", "date": "2026-01-05", "hours": 2.0, "person": "Léa"},
        {"entry_id": "10", "date": "2026-01-05", "hours": 3.0, "person": "Léa"},
    )
    repeated["_line"] = 4
    report = write(store, e=repeated)
    assert report.time_entries.added == 2
    assert sorted(row[2] for row in snapshot(store)["time_entry"]) == [2.0, 3.0]


def test_newer_export_updates_instead_of_duplicating(store: Store) -> None:
    write(store, t=T1)
    newer = tickets(
        {"key": "1", "title": "Anomalie A (corrigée)", "estimate_hours": 8.0},
        {"key": "2", "title": "Evolution B"},
        {"key": "3", "title": "Support C"},
    )
    report = write(store, "newer.csv", t=newer)
    assert (report.tickets.added, report.tickets.updated, report.tickets.unchanged) == (1, 1, 1)
    titles = dict((uid, title) for uid, title, _ in snapshot(store)["ticket"])
    assert titles == {
        "redmine:1": "Anomalie A (corrigée)",
        "redmine:2": "Evolution B",
        "redmine:3": "Support C",
    }


def test_entries_with_tool_ids_are_matched_by_id(store: Store) -> None:
    e = entries({"entry_id": "77", "date": "2026-01-05", "hours": 2.0, "ticket_key": "1"})
    write(store, e=e)
    fixed = entries({"entry_id": "77", "date": "2026-01-05", "hours": 3.5, "ticket_key": "1"})
    report = write(store, "fixed.csv", e=fixed)
    assert report.time_entries.updated == 1
    assert snapshot(store)["time_entry"] == [
        ("redmine:id:77", pd.Timestamp("2026-01-05").date(), 3.5, "1")
    ]


def test_a_key_repeated_in_one_file_keeps_the_last_line_and_warns(store: Store) -> None:
    t = tickets({"key": "1", "title": "old"}, {"key": "1", "title": "new"})
    report = write(store, t=t)
    assert report.tickets.added == 1 and report.tickets.repeated == 1
    assert snapshot(store)["ticket"][0][1] == "new"
    assert any("plusieurs fois" in w for w in report.warnings)


def test_undo_restores_the_previous_state(store: Store) -> None:
    write(store, t=T1, e=E1)
    before = snapshot(store)
    newer = tickets({"key": "1", "title": "changed", "estimate_hours": 12.0}, {"key": "9"})
    report = write(store, "newer.csv", t=newer, e=entries({"date": "2026-02-01", "hours": 4.0}))
    assert snapshot(store) != before
    store.undo(report.batch_id)
    assert snapshot(store) == before
    with pytest.raises(UndoError, match="déjà été annulé"):
        store.undo(report.batch_id)
    with pytest.raises(UndoError, match="introuvable"):
        store.undo(999)


def test_undo_of_an_older_import_keeps_what_a_later_one_rewrote(store: Store) -> None:
    v1 = write(store, "v1.csv", t=tickets({"key": "1", "title": "v1"}))
    v2 = write(store, "v2.csv", t=tickets({"key": "1", "title": "v2"}, {"key": "2"}))
    v3 = write(store, "v3.csv", t=tickets({"key": "1", "title": "v3"}))
    store.undo(v2.batch_id)
    # v3 is the newest truth for ticket 1; ticket 2 only came with v2
    assert [(u, t) for u, t, _ in snapshot(store)["ticket"]] == [("redmine:1", "v3")]
    store.undo(v3.batch_id)
    # with v2 and v3 undone, ticket 1 is back to what v1 wrote
    assert [(u, t) for u, t, _ in snapshot(store)["ticket"]] == [("redmine:1", "v1")]
    store.undo(v1.batch_id)
    assert snapshot(store)["ticket"] == []


def test_status_history_reimport_and_undo(store: Store) -> None:
    h = conform(
        pd.DataFrame(
            {
                "source": ["redmine"] * 2,
                "ticket_key": ["1", "1"],
                "at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"]),
                "status": ["Nouveau", "En cours"],
                "_line": [2, 3],
            }
        ),
        "status_history",
    )
    first = write(store, h=h)
    second = write(store, "again.csv", h=h)
    assert (first.status_history.added, second.status_history.unchanged) == (2, 2)
    store.undo(first.batch_id)
    assert len(snapshot(store)["status"]) == 2  # still known from the second import


def test_rejected_rows_are_kept_with_the_batch(store: Store) -> None:
    bad = rejects([{"line": 7, "column": "Heures", "raw": "abc", "reason": "Nombre attendu"}])
    cur = store.cursor()
    report = write_parsed(
        cur, parsed(cur, e=E1, rejected=bad), file_name="r.csv", digest="r", size=1, scope=MANAGER
    )
    rows = store.rejected_rows(report.batch_id)
    assert rows.to_dict("records") == [
        {"line": 7, "column": "Heures", "raw": "abc", "reason": "Nombre attendu"}
    ]
    history = store.history()
    assert history.loc[0, "rejected"] == 1 and history.loc[0, "added"] == 3


def test_a_failure_mid_file_writes_nothing(store: Store) -> None:
    write(store, t=T1)
    before = snapshot(store)
    cur = store.cursor()
    # tickets merge fine, then the time-entry relation fails when evaluated
    broken = cur.sql("SELECT 'redmine' AS source, 'x' AS hours_text").project(
        "source, NULL::VARCHAR AS entry_id, 'not a date'::TIMESTAMP AS date, "
        "NULL::TIMESTAMP AS started_at, NULL::VARCHAR AS person, 1.0::DOUBLE AS hours, "
        "NULL::VARCHAR AS ticket_source, NULL::VARCHAR AS ticket_key, "
        "NULL::VARCHAR AS project, NULL::VARCHAR AS activity, NULL::VARCHAR AS comment, "
        "1::BIGINT AS _line"
    )
    new_tickets = parsed(cur, t=tickets({"key": "5", "title": "never written"}))
    new_tickets.time_entries = broken
    with pytest.raises(duckdb.Error):
        write_parsed(cur, new_tickets, file_name="bad.csv", digest="bad", size=1, scope=MANAGER)
    assert snapshot(store) == before
    assert len(store.history()) == 1


def test_data_version_changes_with_imports_and_undo(store: Store) -> None:
    v0 = store.data_version()
    report = write(store, t=T1)
    v1 = store.data_version()
    store.undo(report.batch_id)
    assert len({v0, v1, store.data_version()}) == 3


def test_a_second_process_gets_a_clear_message_while_the_file_is_held(tmp_path) -> None:
    db = tmp_path / "held.duckdb"
    holder = Store(db)
    try:
        code = textwrap.dedent(
            f"""
            from tma_metrics.store import Store, StoreBusy
            try:
                Store({str(db)!r}, wait_seconds=0.5)
            except StoreBusy as exc:
                print(exc)
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert "déjà ouverte en écriture par un autre processus" in out
        assert "Import" in out
    finally:
        holder.close()
    Store(db, wait_seconds=0.5).close()  # free again once the holder is gone


def test_store_busy_is_a_named_error() -> None:
    assert issubclass(StoreBusy, RuntimeError)
