"""The derived tables: billing and per-day sums kept in DuckDB once per data version.

`figures.derive` computes their rows with the domain's rules and hands them here; the
store keeps them next to the canonical tables (``main``), or in the session's ``temp``
schema when the database is opened read-only, and answers the small per-as-of queries
of `figures.summaries`. Contracts are integer ids inside (``derived_contract`` maps
them to names); every query takes the contracts it may read.

The rows of a contract are assigned as the scope queries assign them
(``queries/scope_*.sql``) among *every* contract of the contracts file, so a
contract's figures do not depend on which other contracts a reader may see.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.store.sqlfiles import run, sql_text, statements

#: DuckDB's memory while the rows to bill are read (the scope queries over every entry).
READ_MEMORY_LIMIT = "512MB"
#: The derived tables, for `replace` (registered as ``new_<name>``).
TABLES = ("contract", "ticket", "ticket_day", "day")

_SCOPES = {
    "tickets": "queries/scope_tickets.sql",
    "entries": "queries/scope_time_entries.sql",
    "history": "queries/scope_status_history.sql",
}
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Built:
    """What the derived tables were built for: their key and each contract's id."""

    key: str | None
    ids: dict[str, int]  # contract name -> contract_id
    fingerprints: dict[str, str]  # contract name -> fingerprint


def lock_for(path: object) -> threading.Lock:
    """Return the lock serialising derived-table builds of one database in this process."""
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(str(path), threading.Lock())


def schema_of(cur: duckdb.DuckDBPyConnection, key: str) -> str:
    """Create the derived tables if needed; return their schema.

    ``main``, unless the database is opened read-only: then ``main`` when its derived
    tables were built for ``key`` (an earlier run wrote them), else ``temp`` (this
    session's own, built in memory).
    """
    mode = cur.execute("SELECT current_setting('access_mode')").fetchall()[0][0]
    if str(mode).lower() != "read_only":
        run(cur, "derived/schema.sql", schema="main", kind="")
        return "main"
    try:
        if built(cur, "main").key == key:
            return "main"
    except duckdb.CatalogException:
        pass  # no derived tables in this database yet
    run(cur, "derived/schema.sql", schema="temp", kind="TEMP")
    return "temp"


def built(cur: duckdb.DuckDBPyConnection, schema: str) -> Built:
    """Return the key and contracts the derived tables hold."""
    key = cur.execute(f"SELECT max(key) FROM {schema}.derived_meta").fetchall()[0][0]
    rows = cur.execute(
        f"SELECT name, contract_id, fingerprint FROM {schema}.derived_contract"
    ).fetchall()
    return Built(key, {r[0]: int(r[1]) for r in rows}, {r[0]: r[2] for r in rows})


class Stage:
    """What billing reads of every contract's rows, staged once in DuckDB (temp tables).

    One run of the scope queries gives each contract's fingerprint (`fingerprints`)
    and the rows of the contracts to bill again (`rows_of`); the temp tables are
    dropped on leaving the block. DuckDB's memory is bounded meanwhile, as for
    imports: beyond it, it spills to disk.
    """

    def __init__(self, cur: duckdb.DuckDBPyConnection, contracts: Sequence[Contract]) -> None:
        self.cur, self.contracts = cur, contracts
        self._limit = _memory_limit(cur, READ_MEMORY_LIMIT)

    def __enter__(self) -> Stage:
        self._limit.__enter__()
        try:
            with _projects(self.cur, self.contracts):
                run(self.cur, "derived/stage.sql", **_scope_sql())
        except BaseException:
            self._limit.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            for name in ("ticket", "entry"):
                self.cur.execute(f"DROP TABLE IF EXISTS temp.derived_stage_{name}")
        finally:
            self._limit.__exit__()

    def fingerprints(self) -> dict[str, str]:
        """Return a fingerprint of each contract's rows (absent: the contract has none)."""
        rows = run(self.cur, "derived/fingerprints.sql").fetchall()
        return {str(name): str(print_) for name, print_ in rows}

    def rows_of(self, names: Sequence[str]) -> tuple[pa.Table, pa.Table]:
        """Return the tickets and time entries billing reads, of the contracts ``names``.

        Arrow tables (a few columns, compact), sorted by ``owner``: the position of the
        row's contract in ``names``.
        """
        params = {"names": list(names)}
        tickets = _table(self.cur, "derived/rows_tickets.sql", params)
        entries = _table(self.cur, "derived/rows_entries.sql", params)
        return tickets, entries


def ticket_scope(
    cur: duckdb.DuckDBPyConnection, contracts: Sequence[Contract], names: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the tickets (with ``contract``) and status history of the contracts ``names``.

    Every column of the scope queries, without the time entries: what the SLA engines
    and the estimation read, per as-of date.
    """
    params = {"names": list(names)}
    with _projects(cur, contracts):
        tickets = _frame(cur, "derived/scope_tickets.sql", params, **_scope_sql())
        history = _frame(cur, "derived/scope_history.sql", params, **_scope_sql())
    return tickets.drop(columns=["row_hash", "batch_id"], errors="ignore"), history


def replace(
    cur: duckdb.DuckDBPyConnection,
    schema: str,
    key: str,
    ids: Sequence[int],
    tables: dict[str, pa.Table],
) -> None:
    """Replace the rows of contracts ``ids`` by ``tables`` (`TABLES`) in one transaction."""
    for name in TABLES:
        cur.register(f"new_{name}", tables[name])
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            run(cur, "derived/replace.sql", {"ids": list(ids), "key": key}, schema=schema)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
    finally:
        for name in TABLES:
            cur.unregister(f"new_{name}")


def days(cur: duckdb.DuckDBPyConnection, schema: str, ids: Sequence[int], as_of: date) -> pa.Table:
    """Per contract and day up to ``as_of``: hours, deducted, management, entries."""
    return _arrow(cur, "derived/days.sql", {"ids": list(ids), "as_of": as_of}, schema)


def in_time(
    cur: duckdb.DuckDBPyConnection, schema: str, ids: Sequence[int], as_of: date
) -> pa.Table:
    """The ticket-days up to ``as_of`` of tickets whose refused re-estimate becomes late."""
    return _arrow(cur, "derived/in_time.sql", {"ids": list(ids), "as_of": as_of}, schema)


def ticket_totals(
    cur: duckdb.DuckDBPyConnection, schema: str, ids: Sequence[int], as_of: date
) -> pa.Table:
    """Per ticket: the hours and entries dated up to ``as_of``."""
    return _arrow(cur, "derived/ticket_totals.sql", {"ids": list(ids), "as_of": as_of}, schema)


def tickets(cur: duckdb.DuckDBPyConnection, schema: str, ids: Sequence[int]) -> pa.Table:
    """The derived tickets of the contracts ``ids`` (terms, ids, uids)."""
    return _arrow(cur, "derived/tickets.sql", {"ids": list(ids)}, schema)


# -- helpers -------------------------------------------------------------------------


def _scope_sql() -> dict[str, str]:
    """The scope queries' text, to nest: one statement each, comments and ``;`` dropped."""
    return {name: statements(sql_text(path))[0] for name, path in _SCOPES.items()}


class _projects:
    """Register every contract's projects as ``contract_project`` for the scope queries."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, contracts: Sequence[Contract]) -> None:
        self.cur = cur
        # Each (contract, label) once, as Store.scope registers them.
        pairs = dict.fromkeys((c.name, normalise_label(p)) for c in contracts for p in c.projects)
        self.projects = pd.DataFrame(list(pairs), columns=["contract", "label"]).astype("string")

    def __enter__(self) -> None:
        self.cur.register("contract_project", self.projects)

    def __exit__(self, *exc: object) -> None:
        self.cur.unregister("contract_project")


def _arrow(
    cur: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], schema: str
) -> pa.Table:
    (statement,) = statements(sql_text(name).format(schema=schema))
    return cur.sql(statement, params=params).to_arrow_table()


def _table(
    cur: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], **parts: str
) -> pa.Table:
    """One query's rows as one Arrow chunk per column, DATE columns as timestamps."""
    (statement,) = statements(sql_text(name).format(**parts))
    table = cur.sql(statement, params=params).to_arrow_table().combine_chunks()
    for i, column in enumerate(table.schema):
        if pa.types.is_date(column.type):
            table = table.set_column(i, column.name, table.column(i).cast(pa.timestamp("us")))
    return table


def _frame(
    cur: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], **parts: str
) -> pd.DataFrame:
    """One query's rows as a DataFrame (DATE columns as ``datetime64[us]``)."""
    return _table(cur, name, params, **parts).to_pandas()


class _memory_limit:
    """Set DuckDB's memory limit (the whole database's) for a block, then put it back."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, limit: str) -> None:
        self.cur, self.limit, self.previous = cur, limit, ""

    def __enter__(self) -> None:
        self.previous = str(
            self.cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        )
        self.cur.execute(f"SET memory_limit = '{self.limit}'")  # a constant of ours

    def __exit__(self, *exc: object) -> None:
        if self.previous:
            self.cur.execute(f"SET memory_limit = '{self.previous}'")  # DuckDB's own value
