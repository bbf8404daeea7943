"""Every role × every write: import, undo, list the history, edit the contracts file.

The store enforces the scope itself (the UI only passes it). Which rows a project
manager may write is recomputed here a second, naive way: a row belongs to the contract
whose project its ticket (or, without a known ticket, itself) names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tma_metrics.auth.principal import Principal, Role
from tma_metrics.auth.write_scope import AccessDenied, WriteScope
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.domain.model import ParsedFile, conform
from tma_metrics.store import Store, UndoError
from tma_metrics.store.contracts_file import save_contracts
from tma_metrics.store.writer import write_parsed

from .test_writer import entries, tickets

LYON, NANTES, LILLE = "Mairie de Lyon", "CHU Nantes", "Transports Lille"
CONTRACTS = (Contract(LYON, ("lyon",)), Contract(NANTES, ("chu",)), Contract(LILLE, ("tl",)))
PRINCIPALS = {
    "manager": Principal("alice", "Alice", Role.MANAGER, None),
    "pm": Principal("paul", "Paul", Role.PM, (LYON, LILLE)),
    "client": Principal("chloe", "Chloé", Role.CLIENT, (NANTES,)),
    "anonymous": None,
}
ROLES = list(PRINCIPALS)

# A file touching every contract and one project that belongs to none.
MIXED_TICKETS = [("L-1", "Lyon"), ("N-1", "CHU"), ("X-1", "autre")]  # key, project
MIXED_ENTRIES = [  # entry id, ticket key, project
    ("e1", "L-1", None),
    ("e2", "N-1", "lyon"),  # its ticket decides: Nantes, whatever its own project says
    ("e3", "X-1", None),
    ("e4", None, "TL"),
    ("e5", None, "chu"),
]
MIXED_STATUS = [("L-1", "Nouveau"), ("L-1", "Fermé"), ("N-1", "Nouveau")]


def scope_of(role: str, contracts=CONTRACTS) -> WriteScope:
    return WriteScope(PRINCIPALS[role], contracts)


def file_rows(ticket_rows, entry_rows, status_rows=()) -> dict[str, pd.DataFrame]:
    frames = {}
    if ticket_rows:
        frames["t"] = tickets(
            *({"key": k, "project": p, "title": f"Titre {k}"} for k, p in ticket_rows)
        )
    if entry_rows:
        frames["e"] = entries(
            *(
                {"entry_id": i, "date": "2026-02-02", "hours": 1.5, "ticket_key": k, "project": p}
                for i, k, p in entry_rows
            )
        )
    if status_rows:
        frames["h"] = conform(
            pd.DataFrame(
                {
                    "source": "redmine",
                    "ticket_key": [k for k, _ in status_rows],
                    "at": pd.Timestamp("2026-02-02 10:00"),
                    "status": [s for _, s in status_rows],
                    "_line": range(2, len(status_rows) + 2),
                }
            ),
            "status_history",
        )
    return frames


def write(store: Store, scope: WriteScope, name: str, frames: dict[str, pd.DataFrame]):
    """Write parsed rows as an import does; the rows sit in temp tables (a view on a
    database file cannot read a Python object)."""
    cur = store.cursor()
    relations = {}
    for label, df in frames.items():
        cur.register("frame", df)
        cur.execute(f"CREATE OR REPLACE TEMP TABLE rows_{label} AS SELECT * FROM frame")
        cur.unregister("frame")
        relations[label] = cur.table(f"rows_{label}")
    found = ParsedFile(
        tool="redmine",
        variant="test",
        rows_read=sum(len(df) for df in frames.values()),
        tickets=relations.get("t"),
        time_entries=relations.get("e"),
        status_history=relations.get("h"),
    )
    return write_parsed(cur, found, file_name=name, digest=name, size=1, scope=scope)


def snapshot(store: Store) -> dict[str, list]:
    cur = store.cursor()
    return {
        table: cur.execute(f"SELECT * EXCLUDE (batch_id) FROM {table} ORDER BY ALL").fetchall()
        for table in ("ticket", "time_entry")
    } | {
        "status": cur.execute(
            'SELECT DISTINCT source, ticket_key, "at", status FROM status_change ORDER BY ALL'
        ).fetchall(),
        "imports": cur.execute("SELECT batch_id, undone_at FROM import_batch").fetchall(),
    }


def naive_owner(project: str | None) -> str | None:
    by_label = {p: c.name for c in CONTRACTS for p in c.projects}
    return by_label.get((project or "").strip().lower())


def naive_in_scope(principal: Principal) -> tuple[set[str], set[str], int]:
    """Return (ticket keys, entry ids) a principal may write from the mixed file, and the
    number of status changes; the rule applied row by row."""
    if principal.contracts is None:  # a manager writes every row, in a contract or not
        return {k for k, _ in MIXED_TICKETS}, {i for i, _, _ in MIXED_ENTRIES}, len(MIXED_STATUS)
    allowed = set(principal.contracts)
    ticket_owner = {k: naive_owner(p) for k, p in MIXED_TICKETS}
    keys = {k for k, owner in ticket_owner.items() if owner in allowed}
    ids = set()
    for entry_id, key, project in MIXED_ENTRIES:
        owner = ticket_owner.get(key) or naive_owner(project)
        if owner in allowed:
            ids.add(entry_id)
    status = sum(ticket_owner[k] in allowed for k, _ in MIXED_STATUS)
    return keys, ids, status


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "shared.duckdb")
    yield s
    s.close()


def mixed() -> dict[str, pd.DataFrame]:
    return file_rows(MIXED_TICKETS, MIXED_ENTRIES, MIXED_STATUS)


# -- import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("manager", True), ("pm", True), ("client", False), ("anonymous", False)],
    ids=ROLES,
)
def test_import_by_role(store: Store, role: str, allowed: bool) -> None:
    before = snapshot(store)
    if not allowed:
        with pytest.raises(AccessDenied, match=r"Connectez-vous|ne permet pas d'importer"):
            write(store, scope_of(role), "mixte.csv", mixed())
        assert snapshot(store) == before
        return
    report = write(store, scope_of(role), "mixte.csv", mixed())
    keys, ids, status = naive_in_scope(PRINCIPALS[role])
    cur = store.cursor()
    assert {r[0] for r in cur.execute("SELECT key FROM ticket").fetchall()} == keys
    assert {r[0] for r in cur.execute("SELECT entry_id FROM time_entry").fetchall()} == ids
    assert cur.execute("SELECT count(*) FROM status_change").fetchall()[0][0] == status
    refused = len(MIXED_TICKETS) + len(MIXED_ENTRIES) + len(MIXED_STATUS)
    refused -= len(keys) + len(ids) + status
    assert report.out_of_scope == refused
    assert len(report.rejected) == refused
    assert all(report.rejected["reason"].str.startswith("Hors de vos contrats : attendu"))
    assert report.to_dict()["out_of_scope"] == refused


def test_a_manager_import_records_its_contracts_and_rows_outside_any(store: Store) -> None:
    write(store, scope_of("manager"), "mixte.csv", mixed())
    row = store.history(scope_of("manager")).iloc[0]
    assert row["contracts"] == f'["{NANTES}", "{LYON}", "{LILLE}"]'
    assert row["outside_rows"] == 2  # ticket X-1 and its entry e3
    assert row["imported_by"] == "alice"


def test_the_refused_rows_say_where_they_were(store: Store) -> None:
    report = write(store, scope_of("pm"), "mixte.csv", mixed())
    got = sorted(zip(report.rejected["column"], report.rejected["raw"], strict=True))
    assert got == sorted(
        [("projet", "CHU"), ("projet", "autre"), ("demande", "N-1"), ("demande", "X-1"),
         ("projet", "chu"), ("demande", "N-1")]
    )  # fmt: skip
    assert any("hors de vos contrats" in w for w in report.warnings)


# -- what a project manager cannot reach through their own file ----------------------

# (what the manager imported first, what the pm then tries to import)
PM_CASES = [
    pytest.param(([("N-1", "chu")], []), ([("N-1", "lyon")], []), id="take-another-ticket"),
    pytest.param(([("X-1", "autre")], []), ([("X-1", "lyon")], []), id="take-a-free-ticket"),
    pytest.param(
        ([("N-1", "chu")], [("e9", "N-1", None)]),
        ([], [("e9", None, "lyon")]),
        id="move-another-contracts-entry-by-id",
    ),
    pytest.param(
        ([("N-1", "chu")], []),
        ([], [("e8", "N-1", "lyon")]),
        id="book-time-on-another-contracts-ticket",
    ),
]


@pytest.mark.parametrize(("first", "attempt"), PM_CASES)
def test_a_pm_cannot_write_outside_their_contracts(store: Store, first, attempt) -> None:
    write(store, scope_of("manager"), "avant.csv", file_rows(*first))
    before = snapshot(store)
    report = write(store, scope_of("pm"), "tentative.csv", file_rows(*attempt))
    assert report.out_of_scope == 1
    after = snapshot(store)
    assert {k: v for k, v in after.items() if k != "imports"} == {
        k: v for k, v in before.items() if k != "imports"
    }


def test_a_project_shared_with_another_contract_is_outside_a_pm_scope(store: Store) -> None:
    shared = (Contract(LYON, ("lyon", "commun")), Contract(NANTES, ("chu", "Commun")))
    report = write(store, scope_of("pm", shared), "f.csv", file_rows([("C-1", "commun")], [], ()))
    assert report.out_of_scope == 1
    assert report.tickets.added == 0


def test_a_pm_import_leaves_every_other_contract_untouched(store: Store) -> None:
    write(store, scope_of("manager"), "base.csv", mixed())
    before = snapshot(store)
    newer = file_rows(
        [(k, "lyon") for k, _ in MIXED_TICKETS],  # every key claimed for Lyon
        [(i, None, "lyon") for i, _, _ in MIXED_ENTRIES],
        [(k, "Résolu") for k, _ in MIXED_STATUS],
    )
    report = write(store, scope_of("pm"), "pm.csv", newer)
    after = snapshot(store)
    lyon = {t for t in after["ticket"] if t[2] == "L-1"}
    assert {t for t in after["ticket"] if t not in lyon} == {
        t for t in before["ticket"] if t[2] != "L-1"
    }
    # only e1 (ticket L-1) and e4 (no ticket, Lille) were the pm's to rewrite
    assert report.time_entries.updated == 2
    assert report.out_of_scope == 2 + 3 + 1


# -- history and undo -----------------------------------------------------------------


@pytest.fixture
def imports(store: Store) -> dict[str, int]:
    """M: the manager's mixed file; P: the pm's Lyon file; L: the manager's Lyon-only
    file; N: the manager's Nantes-only file."""
    return {
        "M": write(store, scope_of("manager"), "m.csv", mixed()).batch_id,
        "P": write(
            store, scope_of("pm"), "p.csv", file_rows([("L-2", "lyon")], [("p1", "L-2", None)])
        ).batch_id,
        "L": write(store, scope_of("manager"), "l.csv", file_rows([("L-3", "lyon")], [])).batch_id,
        "N": write(store, scope_of("manager"), "n.csv", file_rows([("N-2", "chu")], [])).batch_id,
    }


@pytest.mark.parametrize(
    ("role", "listed"),
    [("manager", "NLPM"), ("pm", "LP"), ("client", None), ("anonymous", None)],
    ids=ROLES,
)
def test_history_by_role(store: Store, imports: dict[str, int], role: str, listed) -> None:
    if listed is None:
        with pytest.raises(AccessDenied, match="historique des imports"):
            store.history(scope_of(role))
        return
    assert store.history(scope_of(role))["batch_id"].tolist() == [imports[b] for b in listed]


@pytest.mark.parametrize(
    ("role", "outcomes"),
    [
        ("manager", {"M": "ok", "P": "ok", "L": "ok", "N": "ok"}),
        ("pm", {"M": "unknown", "P": "ok", "L": "ok", "N": "unknown"}),
        ("client", dict.fromkeys("MPLN", "denied")),
        ("anonymous", dict.fromkeys("MPLN", "denied")),
    ],
    ids=ROLES,
)
def test_undo_by_role(store: Store, imports: dict[str, int], role: str, outcomes) -> None:
    for name, outcome in outcomes.items():
        before = snapshot(store)
        if outcome == "ok":
            store.undo(imports[name], scope_of(role))
            assert snapshot(store) != before
            continue
        error = AccessDenied if outcome == "denied" else UndoError
        with pytest.raises(error, match=r"annuler un import|introuvable"):
            store.undo(imports[name], scope_of(role))
        assert snapshot(store) == before


def test_a_pm_cannot_undo_an_import_whose_rows_left_their_contracts(store: Store) -> None:
    batch = write(store, scope_of("pm"), "p.csv", file_rows([("L-1", "lyon")], [])).batch_id
    # the contracts file changed since: project « lyon » now belongs to Nantes
    moved = (Contract(LYON, ("lyon-2",)), Contract(NANTES, ("chu", "lyon")))
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="hors de vos contrats"):
        store.undo(batch, scope_of("pm", moved))
    assert snapshot(store) == before
    store.undo(batch, scope_of("manager", moved))
    assert snapshot(store)["ticket"] == []


# -- the contracts file ---------------------------------------------------------------

VALID = (
    '[[contract]]\nname = "Mairie de Lyon"\nprojects = ["lyon"]\n'
    "[[contract.carnet]]\nstart = 2026-01-01\ndays = 20\n"
)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("manager", True), ("pm", False), ("client", False), ("anonymous", False)],
    ids=ROLES,
)
def test_edit_contracts_by_role(tmp_path: Path, role: str, allowed: bool) -> None:
    path = tmp_path / "contracts.toml"
    path.write_text("# avant\n", encoding="utf-8")
    if allowed:
        save_contracts(scope_of(role), VALID, path)
        assert [c.name for c in parse_contracts(path.read_text(encoding="utf-8"))] == [LYON]
        return
    with pytest.raises(AccessDenied, match="modifier le fichier des contrats"):
        save_contracts(scope_of(role), VALID, path)
    assert path.read_text(encoding="utf-8") == "# avant\n"


def test_a_shared_database_refuses_a_write_that_names_nobody(store: Store) -> None:
    with pytest.raises(AccessDenied, match="aucun utilisateur"):
        store.undo(1)
    with pytest.raises(AccessDenied, match="aucun utilisateur"):
        store.history()
