"""Summaries from the derived tables equal each contract's figures from its own rows.

`figures.summaries` reads per-day and per-ticket sums billed once per data version;
`compute_figures` (a contract's pages) bills the contract's entries up to the as-of date.
Both call the same domain functions, so every figure the portfolio and the report show
must be equal, on the demo and on a small store holding every billing case (capped
estimate, a refused re-estimate becoming late, a ticket whose project and project name
are two contracts', an entry quoting a ticket missing from the exports, entries without
ticket, a régie),
seen on days before, on and after each event. Then the derived tables follow an import,
an undo and an edit of the contracts file, contract by contract.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from datetime import date

import pandas as pd
import pytest

from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.figures import derive
from tma_metrics.figures.loading import figures_for
from tma_metrics.figures.summaries import summaries
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts, local_scope

CONTRACTS = """
[[contract]]
name = "A"
projects = ["pa"]
[[contract.carnet]]
start = 2026-01-01
days = 20

[[contract]]
name = "B"
projects = ["pb"]
[[contract.carnet]]
start = 2026-01-01
days = 2

[[contract]]
name = "C"
projects = ["pc"]
model = "regie"
"""

# S-1's project is A's and its project name B's: it is A's ticket (first contract by
# name), and its entries are A's and B's (for B, a ticket missing from its exports).
TICKETS = """Clé;Projet;Nom du projet;Titre;Type;Priorité;Statut;Créé le;Résolu le;\
Estimation (h);Statut estimation;Réestimation (h);Statut réestimation;Réestimé le
A-1;pa;;Capée;Anomalie;Bloquante;Résolu;05/01/2026 09:00;07/01/2026 10:00;8;;;;
A-2;pa;;Réestimée tard;Évolutive;Mineure;Résolu;01/02/2026 09:00;25/02/2026 10:00;8;validée;\
16;refusée;10/02/2026 09:00
A-3;pa;;En cours;Évolutive;Mineure;En cours;01/03/2026 09:00;;40;validée;;;
S-1;pa;pb;Partagée;Anomalie;Majeure;Nouveau;01/03/2026 09:00;;;;;;
B-1;pb;;Sans devis;Support;Mineure;Résolu;02/03/2026 09:00;06/03/2026 09:00;;;;;
C-1;pc;;Devis refusé;Évolutive;Mineure;Résolu;01/02/2026 09:00;20/04/2026 09:00;4;refusée;;;
"""

ENTRIES = """date,person,hours,ticket,project,activity,comment
2026-01-05,Camille,6,A-1,pa,dev,
2026-01-06,Camille,6,A-1,pa,dev,
2026-02-02,Lucas,1.5,A-2,pa,dev,
2026-02-05,Lucas,1,A-2,pa,dev,
2026-02-20,Lucas,4,A-2,pa,dev,
2026-03-02,Camille,2,S-1,pa,dev,
2026-03-03,Camille,1,,pa,meeting,weekly
2026-03-04,Lucas,2,Z-9,pb,dev,
2026-03-05,Lucas,3,B-1,pb,support,
2026-03-10,Lucas,12,A-3,pa,dev,
2026-02-10,Inès,2,C-1,pc,study,
2026-04-10,Inès,1,C-1,pc,study,
"""

AS_OF = [
    pytest.param(date(2026, 2, 3), id="refused-reestimate-not-late-yet"),
    pytest.param(date(2026, 2, 5), id="late-from-the-crossing-day"),
    pytest.param(date(2026, 3, 4), id="before-the-shared-and-quoted-entries-are-all-in"),
    pytest.param(date(2026, 3, 31), id="every-case"),
    pytest.param(date(2026, 11, 20), id="months-later"),
]


def _same(a: object, b: object, where: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, obj=where
        )
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, float) and isinstance(b, float):
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _assert_same(store: Store, contracts, as_of: date, **period: date) -> list:
    found = summaries(store, contracts, as_of, **period)
    pages = figures_for(store, contracts, as_of, **period)
    assert [s.name for s in found] == [f.name for f in pages]
    for s, f in zip(found, pages, strict=True):
        for name in ("balance", "sla_summary", "estimation_summary", "warnings"):
            _same(getattr(s, name), getattr(f, name), f"{s.name}.{name}")
        _same(s.sla_period, f.sla_period, f"{s.name}.sla_period")
        _same(s.changes, f.changes, f"{s.name}.changes")
        assert s.open_tickets == f.open_tickets
        if s.contract.model != "carnet":
            _same(s.monthly, f.monthly, f"{s.name}.monthly")
    return found


@pytest.fixture
def cases(tmp_path) -> Store:
    store = Store(tmp_path / "cases.duckdb")
    for name, text in (("demandes.csv", TICKETS), ("temps.csv", ENTRIES)):
        report = store.import_file(text.encode("utf-8"), name, scope=local_scope(()))
        assert report.imported and report.rejected.empty, (report.error, report.rejected)
    yield store
    store.close()


@pytest.mark.parametrize("as_of", AS_OF)
def test_summaries_equal_each_contracts_own_figures(cases: Store, as_of: date) -> None:
    _assert_same(cases, parse_contracts(CONTRACTS), as_of)


def test_the_cases_are_really_there(cases: Store) -> None:
    contracts = parse_contracts(CONTRACTS)
    early, late = (
        {s.name: s for s in _assert_same(cases, contracts, day)}
        for day in (date(2026, 2, 3), date(2026, 3, 31))
    )
    # A: 6 + 6 h capped at 10; A-2 1.5 h deducted on 3 February, free once late.
    assert early["A"].balance.deducted_hours == 10 + 1.5
    assert late["A"].balance.deducted_hours == 10 + 0 + 2 + 1 + 12  # S-1, none, A-3
    assert late["A"].balance.committed_days == (40 - 12) / 8
    # B bills the shared ticket's entry and the quoted one as spent, and warns about them.
    assert late["B"].balance.deducted_hours == 2 + 2 + 3
    (missing,) = [w for w in late["B"].warnings if "absente des exports" in w]
    assert missing.startswith("2 saisie(s) de temps visent une demande absente des exports (")
    assert "S-1" in missing and "Z-9" in missing
    assert late["C"].monthly.iloc[-1]["deducted_hours"] == 0.0  # March: nothing on C


def test_a_period_and_one_contract_of_the_file(cases: Store) -> None:
    contracts = parse_contracts(CONTRACTS)
    (b,) = summaries(cases, contracts, date(2026, 3, 31), names=["B"])
    (alone,) = [f for f in figures_for(cases, contracts, date(2026, 3, 31)) if f.name == "B"]
    _same(b.balance, alone.balance, "B")
    window = {"start": date(2026, 2, 1), "end": date(2026, 2, 28)}
    _assert_same(cases, contracts, date(2026, 3, 31), **window)


def test_the_derived_tables_follow_imports_undos_and_contract_edits(cases: Store) -> None:
    contracts = parse_contracts(CONTRACTS)
    assert derive.ensure(cases, contracts).rebuilt == ("A", "B", "C")
    assert derive.ensure(cases, contracts).rebuilt == ()
    more = "date,person,hours,ticket,project,activity,comment\n2026-03-20,Lucas,5,B-1,pb,dev,\n"
    report = cases.import_file(more.encode("utf-8"), "plus.csv", scope=local_scope(()))
    assert derive.ensure(cases, contracts).rebuilt == ("B",)
    _assert_same(cases, contracts, date(2026, 3, 31))
    cases.undo(report.batch_id, scope=local_scope(()))
    assert derive.ensure(cases, contracts).rebuilt == ("B",)
    _assert_same(cases, contracts, date(2026, 3, 31))
    edited = parse_contracts(CONTRACTS.replace('model = "regie"', 'model = "regie"\nmargin = 0.1'))
    assert derive.ensure(cases, edited).rebuilt == ("C",)
    _assert_same(cases, edited, date(2026, 3, 31))
    fewer = edited[:2]
    assert derive.ensure(cases, fewer).rebuilt == ()
    count = cases.cursor().execute("SELECT count(DISTINCT contract_id) FROM derived_day")
    assert count.fetchall()[0][0] == 2


def test_a_database_opened_read_only_reads_its_tables_or_derives_in_memory(
    cases: Store, tmp_path
) -> None:
    contracts = parse_contracts(CONTRACTS)
    derive.ensure(cases, contracts)
    cases.close()
    store = Store(tmp_path / "cases.duckdb", read_only=True)
    try:
        assert derive.ensure(store, contracts).schema == "main"
        edited = parse_contracts(CONTRACTS.replace("days = 2", "days = 3"))
        assert derive.ensure(store, edited).schema == "temp"
        _assert_same(store, edited, date(2026, 3, 31))
    finally:
        store.close()


EMPTY = [
    pytest.param("", id="no-data-at-all"),
    pytest.param(ENTRIES.splitlines()[0] + "\n2026-03-03,Camille,1,,pa,meeting,\n", id="one-entry"),
]


@pytest.mark.parametrize("entries", EMPTY)
def test_contracts_without_tickets_or_entries(tmp_path, entries: str) -> None:
    store = Store(tmp_path / "empty.duckdb")
    try:
        if entries:
            assert store.import_file(
                entries.encode("utf-8"), "temps.csv", scope=local_scope(())
            ).imported
        found = _assert_same(store, parse_contracts(CONTRACTS), date(2026, 3, 31))
        assert [s.estimation_summary.tickets for s in found] == [0, 0, 0]
    finally:
        store.close()


@pytest.mark.parametrize(
    "as_of", [date(2026, 11, 20), date(2026, 6, 30), date(2025, 12, 31)], ids=str
)
def test_the_demo_summaries_equal_its_pages(demo, tmp_path, as_of: date) -> None:
    db, _ = demo
    shutil.copyfile(db, tmp_path / "demo.duckdb")
    store = Store(tmp_path / "demo.duckdb")
    try:
        _assert_same(store, load_contracts(DEFAULT_CONTRACTS), as_of)
    finally:
        store.close()
