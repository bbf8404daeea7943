"""A database made before the last-update column migrates: its rows, undo and links still work."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tma_metrics.store import Store
from tma_metrics.store.connection import migrations
from tma_metrics.store.contracts_file import local_scope

REDMINE = (
    "#;Projet;Tracker;Statut;Priorité;Sujet;Créé;Mis-à-jour;Fermé\n"
    "12;Extranet;Anomalie;Fermé;Haut;Panier vide;23/11/2026 09:00;25/11/2026 11:00;"
    "25/11/2026 10:00\n"
)


def test_a_version_1_database_keeps_its_rows_and_undo(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    (first,) = [sql for version, _, sql in migrations() if version == 1]
    con.execute(first)
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    con.execute("INSERT INTO schema_version VALUES (1, now())")
    con.execute(  # the import that wrote the row (every row of a real database has one)
        "INSERT INTO import_batch VALUES (0, 'ancien.csv', 'h', 0, 'redmine', 'Redmine', "
        "now()::TIMESTAMP, 1, 1, 0, 0, 0, '[]', NULL)"
    )
    con.execute(
        "INSERT INTO ticket (uid, source, key, project, status, row_hash, batch_id) "
        "VALUES ('redmine:12', 'redmine', '12', 'Extranet', 'En cours', 'old', 0)"
    )
    con.execute(
        "INSERT INTO status_change VALUES ('canonical', '12', TIMESTAMP '2026-11-23 09:00', "
        "'Nouveau', 0)"
    )
    con.close()

    store = Store(path)  # migrates to the current schema
    cur = store.cursor()
    assert cur.execute("SELECT status, updated_at FROM ticket").fetchall() == [("En cours", None)]
    # the old history row links to the ticket, whatever tool wrote it
    assert cur.execute("SELECT ticket_uid FROM status_link").fetchall() == [("redmine:12",)]
    report = store.import_file(REDMINE.encode("iso-8859-1"), "redmine.csv", scope=local_scope(()))
    assert report.tickets.updated == 1
    row = cur.execute("SELECT status, closed_at, updated_at FROM ticket").fetchall()[0]
    assert row[0] == "Fermé" and str(row[2]) == "2026-11-25 11:00:00"
    store.undo(report.batch_id, local_scope(()))  # the version kept in ticket_version comes back
    assert cur.execute("SELECT status, updated_at FROM ticket").fetchall() == [("En cours", None)]
    store.close()
