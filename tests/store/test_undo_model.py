"""Undo cannot lose data: random imports, re-imports and undos against a naive model.

The model is the rule written plainly in Python: a row is present while at least one
active import brought it, with the values the newest of those imports brought; status
changes are present while an active import brought them. The store does the same with
set-based SQL (membership tables, archived versions); both must always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tma_metrics.store import Store, UndoError

from .test_writer import entries, tickets, write

TABLES = ("tickets", "entries", "statuses")
TicketRow = tuple[str, str, str]  # key, title, project
EntryRow = tuple[str | None, date, float, str]  # entry id, date, hours, ticket key
StatusRow = tuple[str, datetime, str]  # ticket key, at, status


@dataclass(frozen=True)
class File:
    """One export: its rows in file order."""

    tickets: tuple[TicketRow, ...] = ()
    entries: tuple[EntryRow, ...] = ()
    statuses: tuple[StatusRow, ...] = ()


ticket_rows = st.tuples(
    st.sampled_from(["1", "2", "3"]), st.sampled_from(["titre A", "titre B"]), st.just("site")
)
entry_rows = st.tuples(
    st.sampled_from([None, None, "e1", "e2"]),
    st.sampled_from([date(2026, 1, 5), date(2026, 1, 6)]),
    st.sampled_from([1.0, 2.5]),
    st.sampled_from(["1", "2"]),
)
status_rows = st.tuples(
    st.sampled_from(["1", "2"]),
    st.sampled_from([datetime(2026, 1, 5, 9), datetime(2026, 1, 6, 14)]),
    st.sampled_from(["Nouveau", "Fermé"]),
)
files = st.builds(
    File,
    st.lists(ticket_rows, max_size=4).map(tuple),
    st.lists(entry_rows, max_size=5).map(tuple),
    st.lists(status_rows, max_size=3).map(tuple),
)


@st.composite
def operations(draw) -> list[tuple]:
    """A sequence of imports of new files, re-imports, overlapping versions and undos."""
    ops = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["import", "reimport", "overlap", "undo", "undo"]))
        if kind == "import":
            ops.append(("import", draw(files)))
        elif kind == "overlap":
            keep = draw(st.lists(st.booleans(), min_size=12, max_size=12))
            ops.append(("overlap", draw(st.integers(0, 7)), keep, draw(files)))
        else:
            ops.append((kind, draw(st.integers(0, 7))))
    return ops


@dataclass
class Model:
    """The naive store: each import's rows by identity; present = held by an active one."""

    batches: dict[int, dict[str, dict]] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)

    def add(self, batch: int, file: File) -> None:
        tickets: dict = {}
        for key, title, project in file.tickets:
            tickets[key] = (key, title, project)  # a key repeated in a file: last line wins
        entries: dict = {}
        ranks: dict = {}
        for entry in file.entries:
            if entry[0] is not None:
                entries[("id", entry[0])] = entry
            else:  # identical entries without id stay distinct: numbered in file order
                ranks[entry] = ranks.get(entry, 0) + 1
                entries[("fp", entry, ranks[entry])] = entry
        self.batches[batch] = {
            "tickets": tickets,
            "entries": entries,
            "statuses": {row: row for row in file.statuses},
        }
        self.active.add(batch)

    def expected(self, table: str) -> list:
        """Return the rows present: for each identity, the newest active import's values."""
        rows: dict = {}
        for batch in sorted(self.active):
            rows.update(self.batches[batch][table])
        return sorted(rows.values(), key=repr)


def store_rows(store: Store) -> dict[str, list]:
    cur = store.cursor()
    ticket = cur.execute("SELECT key, title, project FROM ticket").fetchall()
    entry = cur.execute("SELECT entry_id, date, hours, ticket_key FROM time_entry").fetchall()
    status = cur.execute('SELECT DISTINCT ticket_key, "at", status FROM status_change').fetchall()
    return {
        "tickets": sorted(ticket, key=repr),
        "entries": sorted(entry, key=repr),
        "statuses": sorted(status, key=repr),
    }


def import_file(store: Store, file: File, name: str) -> int:
    frames = {}
    if file.tickets:
        frames["t"] = tickets(*({"key": k, "title": t, "project": p} for k, t, p in file.tickets))
    if file.entries:
        frames["e"] = entries(
            *(
                {"entry_id": i, "date": str(d), "hours": h, "ticket_key": k, "person": "Léa"}
                for i, d, h, k in file.entries
            )
        )
    if file.statuses:
        frames["h"] = _statuses(file.statuses)
    return write(store, name, **frames).batch_id


def _statuses(rows: tuple[StatusRow, ...]) -> pd.DataFrame:
    from tma_metrics.domain.model import conform

    df = pd.DataFrame(
        {
            "source": "redmine",
            "ticket_key": [r[0] for r in rows],
            "at": pd.to_datetime([r[1] for r in rows]),
            "status": [r[2] for r in rows],
            "_line": range(2, len(rows) + 2),
        }
    )
    return conform(df, "status_history")


def overlap(earlier: File, keep: list[bool], extra: File) -> File:
    """Return a newer version of ``earlier``: some of its rows kept, then new ones."""

    def kept(rows: tuple) -> tuple:
        return tuple(row for i, row in enumerate(rows) if keep[i % len(keep)])

    return File(
        kept(earlier.tickets) + extra.tickets,
        kept(earlier.entries) + extra.entries,
        kept(earlier.statuses) + extra.statuses,
    )


def archive_is_clean(store: Store) -> None:
    """Check the bookkeeping: each archived version held, never the current row, once."""
    cur = store.cursor()
    for table in ("ticket", "time_entry"):
        assert cur.execute(
            f"SELECT count(*) FROM {table}_version v WHERE NOT EXISTS (SELECT 1 FROM "
            f"{table}_held h WHERE h.row_key = md5_number(v.uid) "
            "AND h.version = md5_number(v.row_hash)) OR EXISTS "
            f"(SELECT 1 FROM {table} t WHERE t.uid = v.uid AND t.row_hash = v.row_hash)"
        ).fetchall() == [(0,)]
        assert cur.execute(
            f"SELECT count(*) - count(DISTINCT (uid, row_hash)) FROM {table}_version"
        ).fetchall() == [(0,)]
        assert cur.execute(f"SELECT count(*) - count(DISTINCT uid) FROM {table}").fetchall() == [
            (0,)
        ]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(operations())
def test_the_store_always_agrees_with_the_naive_model(ops: list[tuple]) -> None:
    store = Store(":memory:")
    model = Model()
    imported: list[File] = []
    try:
        for op in ops:
            if op[0] == "import" or (op[0] in ("reimport", "overlap") and not imported):
                file = op[-1] if op[0] != "reimport" else File()
            elif op[0] == "reimport":
                file = imported[op[1] % len(imported)]
            elif op[0] == "overlap":
                file = overlap(imported[op[1] % len(imported)], op[2], op[3])
            else:
                if not model.active:
                    continue
                batch = sorted(model.active)[op[1] % len(model.active)]
                store.undo(batch)
                model.active.discard(batch)
                assert store_rows(store) == {t: model.expected(t) for t in TABLES}
                continue
            imported.append(file)
            model.add(import_file(store, file, f"f{len(imported)}.csv"), file)
            assert store_rows(store) == {t: model.expected(t) for t in TABLES}
        archive_is_clean(store)
        left = sorted(model.active)
        for batch in left[1::2] + left[::2]:  # newer and older ones first, in turn
            store.undo(batch)
        cur = store.cursor()
        for table in ("ticket", "time_entry", "status_change", "ticket_version",
                      "time_entry_version", "ticket_held", "time_entry_held"):  # fmt: skip
            assert cur.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)], table
    finally:
        store.close()


@pytest.mark.parametrize(
    ("first", "second", "undone", "expected"),
    [
        ("v1", "v1", "first", ["titre A", "titre B"]),
        ("v1", "v1", "second", ["titre A", "titre B"]),
        ("v1", "v2", "first", ["titre A (v2)", "titre B", "titre C"]),
        ("v1", "v2", "second", ["titre A", "titre B"]),
    ],
    ids=[
        "same-file-twice-undo-older",
        "same-file-twice-undo-newer",
        "v1-then-v2-undo-v1",
        "v1-then-v2-undo-v2",
    ],
)
def test_the_audit_cases(first, second, undone, expected) -> None:
    """The audit's reproduction: undoing the older import kept 0 rows of the newer one."""
    versions = {
        "v1": {"1": "titre A", "2": "titre B"},
        "v2": {"1": "titre A (v2)", "2": "titre B", "3": "titre C"},
    }
    store = Store(":memory:")
    batches = {}
    for label, version in (("first", first), ("second", second)):
        rows = [{"key": k, "title": t} for k, t in versions[version].items()]
        spent = [{"date": "2026-01-05", "hours": 1.0, "ticket_key": k} for k in versions[version]]
        batches[label] = write(store, f"{label}.csv", t=tickets(*rows), e=entries(*spent))
    store.undo(batches[undone].batch_id)
    titles = sorted(r[0] for r in store.cursor().execute("SELECT title FROM ticket").fetchall())
    assert titles == expected
    spent = store.cursor().execute("SELECT count(*) FROM time_entry").fetchall()[0][0]
    assert spent == len(expected)
    kept = store.history()
    assert kept.loc[kept["undone_at"].isna(), "batch_id"].tolist() == [
        batches["second" if undone == "first" else "first"].batch_id
    ]
    with pytest.raises(UndoError, match="déjà été annulé"):
        store.undo(batches[undone].batch_id)
    store.close()
