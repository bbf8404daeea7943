"""The visitor's private store: in memory, no spill to disk, projects as a contract sees them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tma_metrics import store as store_module
from tma_metrics.store.quick import UNNAMED_PROJECT, PrivateStore

TICKETS = (
    "clé;projet;nom du projet;titre;type;statut;créé le\n"
    "A-1;SITE;Site web;Formulaire;evolutive;Fermé;05/01/2026 10:00\n"
    "A-2;;Intranet;Droits;corrective;Fermé;06/01/2026 10:00\n"
    "A-3;;;Sans projet;corrective;Fermé;07/01/2026 10:00\n"
)
TIMES = (
    "date;personne;heures;demande;projet\n"
    "06/01/2026;Léa;6;A-1;\n"  # by its ticket: SITE
    "07/01/2026;Léa;2;A-2;autre\n"  # by its ticket: Intranet
    "08/01/2026;Léa;1;A-3;\n"  # by its ticket: (sans projet)
    "09/01/2026;Hugo;4;;site\n"  # no ticket: its own project, SITE spelled otherwise
    "10/01/2026;Hugo;3;;\n"  # nothing: (sans projet)
    "11/01/2026;Hugo;0,5;Z-9;Extranet\n"  # unknown ticket: its own project
)


@pytest.fixture
def private() -> PrivateStore:
    store = PrivateStore()
    assert store.import_file(TICKETS.encode(), "demandes.csv").imported
    assert store.import_file(TIMES.encode(), "temps.csv").imported
    store.name_unnamed_rows()
    yield store
    store.close()


def test_spilling_to_disk_is_off() -> None:
    store = PrivateStore()
    setting = store.cursor().execute("SELECT current_setting('temp_directory')").fetchall()
    assert setting == [("",)]
    assert store.path == ":memory:"


def test_projects_as_a_contract_would_gather_them(private) -> None:
    found = private.projects()
    # naive: each row's project, by hand from the files above
    expected = pd.DataFrame(
        {
            "project": ["SITE", UNNAMED_PROJECT, "Intranet", "Extranet"],
            "tickets": [1, 1, 1, 0],
            "time_entries": [2, 2, 1, 1],
            "hours": [10.0, 4.0, 2.0, 0.5],
        }
    )
    pd.testing.assert_frame_equal(
        found[["project", "tickets", "time_entries", "hours"]], expected, check_dtype=False
    )
    assert found["first_day"].dt.date.tolist() == [
        date(2026, 1, 6),
        date(2026, 1, 8),
        date(2026, 1, 7),
        date(2026, 1, 11),
    ]


def test_unnamed_rows_get_one_label(private) -> None:
    rows = private.cursor().execute(
        "SELECT key, project FROM ticket WHERE project = $p", {"p": UNNAMED_PROJECT}
    )
    assert rows.fetchall() == [("A-3", UNNAMED_PROJECT)]
    entries = private.cursor().execute(
        "SELECT hours FROM time_entry WHERE project = $p ORDER BY hours", {"p": UNNAMED_PROJECT}
    )
    assert entries.fetchall() == [(3.0,)], "an entry of a known ticket keeps its ticket's project"


def test_running_out_of_memory_is_a_french_refusal(monkeypatch) -> None:
    monkeypatch.setattr(store_module, "IMPORT_MEMORY_LIMIT", "1MB")
    store = PrivateStore()
    big = "date;personne;heures;projet;commentaire\n" + "".join(
        f"0{1 + i % 9}/01/2026;P{i};1;site;{'x' * 200}{i}\n" for i in range(60_000)
    )
    report = store.import_file(big.encode(), "gros.csv")
    assert not report.imported
    assert "trop gros" in report.error
    assert store.counts()["time_entries"] == 0
