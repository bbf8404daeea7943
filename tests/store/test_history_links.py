"""A status history applies to the tickets it names, whatever tool the tickets came from.

Real files through the real import path into DuckDB: a canonical history file beside
Redmine CSV exports, rows written under a tool's own name (as a live sync does), keys
that two tools share, told apart by the history's project. The link the store makes
(view ``status_link``) is compared with a plain loop over the same rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.domain.model import ParsedFile, conform
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope
from tma_metrics.store.writer import write_parsed

REDMINE = (
    "#;Projet;Tracker;Statut;Priorité;Sujet;Créé;Mis-à-jour;Fermé\n"
    "12;Extranet;Anomalie;Fermé;Haut;Panier vide;23/11/2026 09:00;25/11/2026 10:00;"
    "25/11/2026 10:00\n"
    "13;Extranet;Anomalie;En cours;Haut;Menu cassé;23/11/2026 09:00;23/11/2026 10:00;\n"
)
GLPI = (
    '"ID";"Titre";"Entité";"Statut";"Date d\'ouverture";"Priorité";"Type"\n'
    '"12";"Imprimante";"Mairie";"Nouveau";"23-11-2026 09:00";"Haute";"Incident"\n'
)


def history_file(*rows: tuple[str, ...], project: bool = False) -> bytes:
    head = "Demande;Date;Statut" + (";Projet" if project else "")
    return ("\n".join([head, *(";".join(r) for r in rows)]) + "\n").encode()


def naive_link(history: list[tuple], tickets: list[tuple]) -> list[str | None]:
    """Link each (source, key, project) history row by the documented rules, in a loop."""

    def norm(text: str | None) -> str | None:
        return None if text is None else " ".join(text.lower().split())

    out = []
    for source, key, project in history:
        same_key = [t for t in tickets if t[2] == key]
        exact = [t for t in same_key if t[1] == source]
        if exact:
            out.append(exact[0][0])
        elif len(same_key) == 1:
            out.append(same_key[0][0])
        else:
            named = [t for t in same_key if project and norm(project) == norm(t[3])]
            out.append(named[0][0] if len(named) == 1 else None)
    return out


def links(store: Store) -> list[tuple]:
    return (
        store.cursor()
        .execute(
            "SELECT source, ticket_key, project, ticket_uid FROM status_link "
            "ORDER BY ticket_key, project NULLS FIRST, ticket_uid NULLS FIRST"
        )
        .fetchall()
    )


def ticket_rows(store: Store) -> list[tuple]:
    return store.cursor().execute("SELECT uid, source, key, project FROM ticket").fetchall()


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "links.duckdb")
    yield s
    s.close()


def test_a_history_file_applies_to_redmine_tickets_imported_as_csv(store) -> None:
    store.import_file(REDMINE.encode("iso-8859-1"), "redmine.csv", scope=local_scope(()))
    report = store.import_file(
        history_file(("12", "23/11/2026 09:00", "Nouveau"), ("12", "23/11/2026 14:00", "Résolu")),
        "historique.csv",
        scope=local_scope(()),
    )
    assert report.tool == "canonical" and report.status_history.added == 2
    assert report.warnings == ()  # every row found its ticket
    assert [uid for *_, uid in links(store)] == ["redmine:12", "redmine:12"]
    # the contract's scope gives them under the ticket's own tool and key
    (contract,) = parse_contracts(
        '[[contract]]\nname = "E"\nprojects = ["Extranet"]\nmodel = "forfait"\n'
    )
    scope = store.scope([contract])
    assert set(zip(scope.history["source"], scope.history["ticket_key"], strict=True)) == {
        ("redmine", "12")
    }


def test_a_history_imported_first_says_it_links_to_nothing_yet(store) -> None:
    report = store.import_file(
        history_file(("12", "23/11/2026 09:00", "Nouveau"), ("99", "23/11/2026 09:00", "Nouveau")),
        "historique.csv",
        scope=local_scope(()),
    )
    (warning,) = report.warnings
    assert warning.startswith("Aucune des 2 ligne(s) de l'historique des statuts ne correspond")
    assert "demandes 12, 99" in warning
    store.import_file(REDMINE.encode("iso-8859-1"), "redmine.csv", scope=local_scope(()))
    assert [(k, uid) for _, k, _, uid in links(store)] == [("12", "redmine:12"), ("99", None)]


def test_a_partly_linked_history_counts_the_rows_left_out(store) -> None:
    store.import_file(REDMINE.encode("iso-8859-1"), "redmine.csv", scope=local_scope(()))
    report = store.import_file(
        history_file(
            ("12", "23/11/2026 09:00", "Nouveau"),
            ("13", "23/11/2026 09:00", "Nouveau"),
            ("77", "23/11/2026 09:00", "Nouveau"),
        ),
        "historique.csv",
        scope=local_scope(()),
    )
    assert report.warnings == (
        "1 ligne(s) sur 3 de l'historique des statuts ne correspondent à aucune demande "
        "importée (demandes 77) : elles s'appliqueront dès l'import des demandes de ces "
        "numéros.",
    )


def test_a_key_two_tools_share_needs_the_project(store) -> None:
    store.import_file(REDMINE.encode("iso-8859-1"), "redmine.csv", scope=local_scope(()))
    store.import_file(("\ufeff" + GLPI).encode(), "glpi.csv", scope=local_scope(()))
    report = store.import_file(
        history_file(("12", "23/11/2026 09:00", "Nouveau")),
        "sans-projet.csv",
        scope=local_scope(()),
    )
    assert any("plusieurs outils" in w and "« Projet »" in w for w in report.warnings)
    report = store.import_file(
        history_file(("12", "23/11/2026 10:00", "En cours", "mairie"), project=True),
        "avec-projet.csv",
        scope=local_scope(()),
    )
    assert report.warnings == ()
    assert [(k, p, uid) for _, k, p, uid in links(store)] == [
        ("12", None, None),  # ambiguous without a project
        ("12", "mairie", "glpi:12"),  # the project tells (case and accents aside)
    ]


def test_rows_written_under_a_tool_link_to_that_tool_first() -> None:
    """A live sync writes its tool's name: its rows go to its tickets, whatever else."""
    store = Store(":memory:")  # the rows below are a Python frame: in-memory views only
    store.import_file(REDMINE.encode("iso-8859-1"), "redmine.csv", scope=local_scope(()))
    store.import_file(("\ufeff" + GLPI).encode(), "glpi.csv", scope=local_scope(()))
    cur = store.cursor()
    rows = conform(
        pd.DataFrame(
            [
                {
                    "source": "redmine",
                    "ticket_key": "12",
                    "at": pd.Timestamp("2026-11-23 09:30"),
                    "status": "En cours",
                }
            ]
        ),
        "status_history",
    )
    cur.register("sync_rows", rows)
    # a writer that predates the project column gets it added
    relation = cur.sql('SELECT source, ticket_key, "at", status FROM sync_rows')
    parsed = ParsedFile(tool="redmine", variant="sync", rows_read=1, status_history=relation)
    report = write_parsed(
        cur, parsed, file_name="sync", digest="sync", size=1, scope=local_scope(())
    )
    assert report.warnings == ()
    assert [uid for *_, uid in links(store)] == ["redmine:12"]
    store.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_store_links_as_the_plain_loop_does(store, seed) -> None:
    import random

    rng = random.Random(seed)
    tools = ("redmine", "glpi", "canonical")
    cur = store.cursor()
    tickets = []
    for key in range(1, 9):
        for tool in rng.sample(tools, rng.randint(1, 3)):
            project = rng.choice(["Extranet", "Mairie", "Ecole"])
            tickets.append((f"{tool}:{key}", tool, str(key), project))
    cur.executemany(
        "INSERT INTO ticket (uid, source, key, project, row_hash, batch_id) "
        "VALUES (?, ?, ?, ?, 'x', 0)",
        tickets,
    )
    history = []
    for _ in range(40):
        source = rng.choice([*tools, "sync"])
        key = str(rng.randint(1, 10))
        project = rng.choice([None, "extranet", "MAIRIE", "Ecole", "Ailleurs"])
        history.append((source, key, project))
    cur.executemany(
        'INSERT INTO status_change (source, ticket_key, "at", status, batch_id, project) '
        "VALUES (?, ?, TIMESTAMP '2026-11-23 09:00', 'Nouveau', 1, ?)",
        history,
    )
    got = {
        (s, k, p): uid
        for s, k, p, uid in cur.execute(
            "SELECT DISTINCT source, ticket_key, project, ticket_uid FROM status_link"
        ).fetchall()
    }
    expected = dict(zip(history, naive_link(history, tickets), strict=True))
    assert got == expected
