"""Which tickets, time entries and status changes `Store.scope` gives each contract.

Each case is checked against a second, naive assignment written in Python from the
rule: an entry belongs to the contract of its ticket (a ticket named without its tool
matches the key in the first tool by name); an entry whose ticket is in no contract, or
that has none, belongs to the contract of its own project.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.domain.model import conform
from tma_metrics.store import Store
from tma_metrics.store.writer import write_parsed

from .test_writer import MANAGER, parsed

A = Contract("Alpha", ("Extranet",))
B = Contract("Beta", ("Intranet", "Portail RH"))

TICKETS = [
    {"source": "redmine", "key": "1", "project": "Extranet"},
    {"source": "redmine", "key": "2", "project": "intranet "},  # another spelling
    {"source": "redmine", "key": "3", "project": "Hors contrat"},
    {"source": "jira", "key": "3", "project": "Portail RH"},
    {"source": "redmine", "key": "4", "project": None, "project_name": "Portail RH"},
]
# (entry id, ticket source, ticket key, project) -> expected (contract, ticket uid)
ENTRIES = [
    ("e1", "redmine", "1", None, ("Alpha", "redmine:1")),
    ("e2", None, "2", "Extranet", ("Beta", "redmine:2")),  # the ticket decides
    ("e3", None, "3", "Extranet", ("Beta", "jira:3")),  # no tool named: jira before redmine
    ("e4", "redmine", "3", "Intranet", ("Beta", "redmine:3")),  # ticket out, project in
    ("e5", None, None, "EXTRANET", ("Alpha", None)),  # no ticket, by project
    ("e6", "redmine", "999", "Portail RH", ("Beta", None)),  # unknown ticket
    ("e7", "redmine", "3", "Autre", None),  # ticket and project out of scope
    ("e8", "mantis", "1", None, None),  # named tool has no such ticket
    ("e9", "redmine", "4", None, ("Beta", "redmine:4")),  # by project name
]


def _ticket_rows() -> pd.DataFrame:
    df = pd.DataFrame(TICKETS)
    df["title"] = "T" + df["key"]
    df["_line"] = range(2, len(df) + 2)
    return conform(df, "tickets")


def _entry_rows() -> pd.DataFrame:
    df = pd.DataFrame(
        [
            {"entry_id": e, "ticket_source": s, "ticket_key": k, "project": p}
            for e, s, k, p, _ in ENTRIES
        ]
    )
    df["source"] = "redmine"
    df["date"] = pd.Timestamp("2026-03-02")
    df["hours"] = 1.0
    df["_line"] = range(2, len(df) + 2)
    return conform(df, "time_entries")


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store(":memory:")
    cur = s.cursor()
    write_parsed(
        cur,
        parsed(cur, t=_ticket_rows(), e=_entry_rows()),
        file_name="f",
        digest="f",
        size=1,
        scope=MANAGER,
    )
    yield s
    s.close()


def naive_assignment(contracts: list[Contract]) -> dict[str, tuple[str, str | None]]:
    """The rule, entry by entry."""
    owner = {}
    for contract in contracts:
        for project in contract.projects:
            owner[normalise_label(project)] = contract.name
    tickets = {}
    for t in TICKETS:
        for label in (t.get("project"), t.get("project_name")):
            if label is not None and normalise_label(label) in owner:
                tickets[f"{t['source']}:{t['key']}"] = owner[normalise_label(label)]
                break
        else:
            tickets[f"{t['source']}:{t['key']}"] = None
    found = {}
    for entry_id, source, key, project, _ in ENTRIES:
        uid = None
        if key is not None:
            if source is not None:
                uid = f"{source}:{key}" if f"{source}:{key}" in tickets else None
            else:
                matches = sorted(u for u in tickets if u.split(":")[1] == key)
                uid = matches[0] if matches else None
        contract = tickets.get(uid) if uid else None
        if contract is None and project is not None:
            contract = owner.get(normalise_label(project))
        if contract is not None:
            found[entry_id] = (contract, uid)
    return found


def test_entries_go_to_the_contract_of_their_ticket_else_of_their_project(store) -> None:
    scope = store.scope([A, B])
    got = {
        row.entry_id: (row.contract, None if pd.isna(row.ticket_uid) else row.ticket_uid)
        for row in scope.entries.itertuples()
    }
    assert got == naive_assignment([A, B])
    assert got == {e: want for e, *_, want in ENTRIES if want is not None}


def test_tickets_and_order(store) -> None:
    scope = store.scope([A, B])
    assert dict(zip(scope.tickets["uid"], scope.tickets["contract"], strict=True)) == {
        "redmine:1": "Alpha",
        "redmine:2": "Beta",
        "jira:3": "Beta",
        "redmine:4": "Beta",
    }
    keys = list(
        zip(scope.entries["contract"], scope.entries["date"], scope.entries["uid"], strict=True)
    )
    assert keys == sorted(keys)


def test_a_scope_of_one_contract_holds_only_its_rows(store) -> None:
    scope = store.scope([A])
    assert set(scope.entries["contract"]) == {"Alpha"}
    assert set(scope.entries["entry_id"]) == set(naive_assignment([A]))


def test_data_end_is_the_scope_s_latest_fact_on_the_demo(demo) -> None:
    """`Store.data_end` (one DuckDB query) equals `as_of.data_end` of the scope's rows,
    for every contract alone, all of them, and a contract with no data."""
    from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts
    from tma_metrics.views.as_of import data_end

    db, _ = demo
    store = Store(db, read_only=True)
    contracts = list(load_contracts(DEFAULT_CONTRACTS))
    nothing = Contract("Sans données", ("Projet inconnu",))
    cases = [[c] for c in contracts] + [contracts, [nothing], [*contracts[:1], nothing]]
    ends = set()
    for chosen in cases:
        scope = store.scope(chosen)
        expected = data_end(scope.tickets, scope.entries)
        assert store.data_end(chosen) == expected, [c.name for c in chosen]
        ends.add(expected)
    store.close()
    assert None in ends and len(ends) == 2  # a contract with data, one without


def test_data_end_on_the_small_scope(store) -> None:
    for chosen in ([A], [B], [A, B]):
        scope = store.scope(chosen)
        from tma_metrics.views.as_of import data_end

        assert store.data_end(chosen) == data_end(scope.tickets, scope.entries) is not None
