"""The store: the one place that owns the DuckDB database (schema, writes, reads).

A `Store` holds ONE connection per process; each thread takes its own cursor
(`Store.cursor()`), as DuckDB requires for concurrent use. Read queries take the
contracts in scope, so a caller only ever gets rows of the contracts it may see.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from tma_metrics.auth.principal import LOCAL_MANAGER
from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.errors import AccessDenied
from tma_metrics.store.connection import (
    DB_ENV,
    DEFAULT_DB,
    SCHEMA_VERSION,
    StoreBusy,
    connect,
    resolve_db_path,
)
from tma_metrics.store.sqlfiles import frame, run, sql_text, statements
from tma_metrics.store.writer import (
    ImportReport,
    TableCounts,
    UndoError,
    file_hash,
    undo_import,
    write_parsed,
)

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "IMPORT_MEMORY_LIMIT",
    "SCHEMA_VERSION",
    "SCOPE_CACHE_ROWS",
    "AccessDenied",
    "ImportReport",
    "Scope",
    "Store",
    "StoreBusy",
    "TableCounts",
    "UndoError",
    "WriteScope",
    "resolve_db_path",
]


#: Time entries the store keeps in its cache of scopes (about 250 bytes each).
SCOPE_CACHE_ROWS = 3_000_000
#: DuckDB's memory while a file is imported or undone: beyond it, DuckDB spills to disk
#: (a 2 M-row time log then peaks under 1 GB instead of 1.5 GB, for about 10 % more time).
IMPORT_MEMORY_LIMIT = "1GB"


class Scope:
    """The rows of a set of contracts, as DataFrames with a ``contract`` column."""

    def __init__(
        self,
        tickets: pd.DataFrame,
        entries: pd.DataFrame,
        history: pd.DataFrame,
        memo: dict[str, object] | None = None,
    ):
        self.tickets = tickets
        self.entries = entries
        self.history = history
        #: What readers derive from these rows alone (row positions per contract...),
        #: kept with the cached scope and shared by its copies.
        self.memo: dict[str, object] = {} if memo is None else memo

    def copy(self) -> Scope:
        """Return a shallow copy (the frames' data is shared until written to)."""
        return Scope(
            self.tickets.copy(deep=False),
            self.entries.copy(deep=False),
            self.history.copy(deep=False),
            self.memo,
        )


class Store:
    """A DuckDB database file (or ``:memory:``) with the TMA Metrics schema.

    Writes and the import history take the writer's `WriteScope` and enforce it. A
    private in-memory store (``:memory:``, one visitor's own data) is written without
    one; a shared database file refuses a write that names nobody.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        wait_seconds: float = 10.0,
        read_only: bool = False,
    ) -> None:
        self.path = ":memory:" if str(path) == ":memory:" else resolve_db_path(path)
        self.private = self.path == ":memory:"
        self._con = connect(self.path, wait_seconds=wait_seconds, read_only=read_only)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._scopes: OrderedDict[tuple[object, ...], Scope] = OrderedDict()
        self._scope_lock = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return this thread's cursor on the shared connection."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        """Close the connection (and with it every cursor)."""
        self._con.close()

    # -- writes -------------------------------------------------------------------

    def import_file(
        self,
        data: bytes | Path,
        file_name: str | None = None,
        *,
        source: str = "auto",
        mapping: object | None = None,
        scope: WriteScope | None = None,
    ) -> ImportReport:
        """Read one export and write it in one transaction; bad input gives a report.

        ``data`` is the file's bytes, or a path (large files are then read by DuckDB
        straight from disk). ``mapping`` is a `sources.MappingProfile` chosen by the user
        for a file no adapter recognised. ``scope`` is who imports: rows outside it are
        refused and counted; a role that may not import gets `AccessDenied`.
        """
        from tma_metrics import sources  # sources import duckdb; keep store import light

        scope = self._writer(scope)
        scope.require("import")

        if isinstance(data, Path):
            name = file_name or data.name
            digest, size = _hash_path(data), data.stat().st_size
        else:
            name = file_name or "fichier"
            digest, size = file_hash(data), len(data)
        # One writer at a time in this process; other processes are kept out by
        # DuckDB's file lock.
        with self._write_lock:
            cur = self._con.cursor()
            previous = _set_memory_limit(cur, IMPORT_MEMORY_LIMIT)
            try:
                try:
                    if mapping is not None:
                        parsed = sources.read_with_mapping(cur, data, name, mapping)
                    else:
                        parsed = sources.read_export(
                            cur, data, name, source, profiles=self.profiles()
                        )
                except ImportFormatError as exc:
                    return ImportReport(
                        file_name=name,
                        file_hash=digest,
                        tool="",
                        variant="",
                        rows_read=0,
                        error=str(exc),
                        unrecognised=exc if isinstance(exc, sources.UnrecognisedFormat) else None,
                    )
                return write_parsed(
                    cur, parsed, file_name=name, digest=digest, size=size, scope=scope
                )
            finally:
                _set_memory_limit(cur, previous)
                cur.close()

    def import_parsed(
        self,
        read: Callable[[duckdb.DuckDBPyConnection], ParsedFile],
        *,
        name: str,
        digest: str,
        size: int = 0,
        scope: WriteScope | None = None,
    ) -> ImportReport:
        """Write what ``read`` builds on the write cursor, in one transaction (a live sync).

        ``read`` runs under the write lock, so what it reads from the database (rows to
        remove) cannot change before the write. ``scope`` is checked as for a file.
        """
        scope = self._writer(scope)
        scope.require("import")
        with self._write_lock:
            cur = self._con.cursor()
            previous = _set_memory_limit(cur, IMPORT_MEMORY_LIMIT)
            try:
                parsed = read(cur)
                return write_parsed(
                    cur, parsed, file_name=name, digest=digest, size=size, scope=scope
                )
            finally:
                _set_memory_limit(cur, previous)
                cur.close()

    def undo(self, batch: int, scope: WriteScope | None = None) -> None:
        """Undo a whole import within ``scope`` (see `writer.undo_import`)."""
        scope = self._writer(scope)
        with self._write_lock:
            cur = self._con.cursor()
            # Undoing a two-million-row import joins its rows with every import's: the
            # same memory bound as an import (DuckDB spills beyond it).
            previous = _set_memory_limit(cur, IMPORT_MEMORY_LIMIT)
            try:
                undo_import(cur, batch, scope)
            finally:
                _set_memory_limit(cur, previous)
                cur.close()

    def _writer(self, scope: WriteScope | None) -> WriteScope:
        """Return the scope a write runs in; only a private store goes without one."""
        if scope is not None:
            return scope
        if self.private:
            return WriteScope(LOCAL_MANAGER)
        raise AccessDenied("Écriture refusée : aucun utilisateur n'est désigné pour l'écrire.")

    def save_profile(self, profile: object, scope: WriteScope | None = None) -> None:
        """Save (or replace) a named column-mapping profile (whoever may import may)."""
        self._writer(scope).require("import")
        with self._write_lock:
            self.cursor().execute(
                """INSERT OR REPLACE INTO mapping_profile
                   VALUES ($name, $sig, $table, $cols, now()::TIMESTAMP)""",
                {
                    "name": profile.name,
                    "sig": profile.signature,
                    "table": profile.table,
                    "cols": profile.to_json(),
                },
            )

    # -- reads --------------------------------------------------------------------

    def profiles(self) -> dict[str, object]:
        """Return saved mapping profiles keyed by header signature."""
        from tma_metrics.sources import MappingProfile

        rows = (
            self.cursor()
            .execute("SELECT columns_json FROM mapping_profile ORDER BY created_at")
            .fetchall()
        )
        found = [MappingProfile.from_json(r[0]) for r in rows]
        return {p.signature: p for p in found}

    def data_version(self) -> str:
        """Return a token that changes with every import or undo (cache key)."""
        return run(self.cursor(), "queries/data_version.sql").fetchall()[0][0]

    def history(self, scope: WriteScope | None = None) -> pd.DataFrame:
        """Return the imports ``scope`` may list and undo, newest first.

        A manager lists every import, a project manager the imports of their contracts
        (`WriteScope.sees_import`); a client or an anonymous visitor gets `AccessDenied`.
        """
        scope = self._writer(scope)
        scope.require("history")
        history = run(self.cursor(), "queries/import_history.sql").df()
        if scope.everything:
            return history
        # One check per import of the history (a few hundred at most), not per row.
        recorded = history[["contracts", "outside_rows", "imported_by"]].astype(object)
        recorded = recorded.where(recorded.notna(), None)
        seen = [scope.sees_import(c, o, b) for c, o, b in recorded.itertuples(index=False)]
        return history[seen].reset_index(drop=True)

    def rejected_rows(self, batch: int) -> pd.DataFrame:
        """Return the rejected rows of an import."""
        return (
            self.cursor()
            .execute(
                'SELECT line, "column", raw, reason FROM rejected_row WHERE batch_id = $b '
                "ORDER BY line",
                {"b": batch},
            )
            .df()
        )

    def counts(self) -> dict[str, int]:
        """Return the number of rows of each canonical table."""
        cur = self.cursor()
        return {
            "tickets": cur.execute("SELECT count(*) FROM ticket").fetchall()[0][0],
            "time_entries": cur.execute("SELECT count(*) FROM time_entry").fetchall()[0][0],
            "status_history": cur.execute(
                'SELECT count(*) FROM (SELECT DISTINCT source, ticket_key, "at", status '
                "FROM status_change)"
            ).fetchall()[0][0],
        }

    def scope(self, contracts: Sequence[Contract]) -> Scope:
        """Return the tickets, time entries and status history of ``contracts`` only.

        Reads are kept per (data version, contracts and their projects): the rows only
        change with an import or an undo, and reading two million entries takes seconds.
        The cache keeps the most recent scopes up to `SCOPE_CACHE_ROWS` time entries in
        all; callers get their own shallow copies (pandas' copy-on-write keeps the
        cached frames intact).
        """
        key = (
            self.data_version(),
            tuple((c.name, tuple(normalise_label(p) for p in c.projects)) for c in contracts),
        )
        with self._scope_lock:
            found = self._scopes.get(key)
            if found is not None:
                self._scopes.move_to_end(key)
                return found.copy()
        cur = self.cursor()
        _register_projects(cur, contracts)
        try:
            tickets = frame(cur, "queries/scope_tickets.sql")
            entries = frame(cur, "queries/scope_time_entries.sql")
            history = frame(cur, "queries/scope_status_history.sql")
        finally:
            cur.unregister("contract_project")
        read = Scope(tickets, entries, history)
        with self._scope_lock:
            self._scopes[key] = read
            self._scopes.move_to_end(key)
            while len(self._scopes) > 1 and _rows(self._scopes) > SCOPE_CACHE_ROWS:
                self._scopes.popitem(last=False)
            if _rows(self._scopes) > SCOPE_CACHE_ROWS:
                self._scopes.clear()
        return read.copy()

    def data_end(self, contracts: Sequence[Contract]) -> date | None:
        """Return the day of the latest time entry or ticket event of ``contracts``.

        `views.as_of.data_end` of their `scope`, computed by DuckDB over the same rows
        without reading them: the sidebar asks it on every page, for every contract the
        user may see (two million entries in a large portfolio).
        """
        cur = self.cursor()
        _register_projects(cur, contracts)
        try:
            entries, tickets = (
                _unordered(sql_text(f"queries/scope_{name}.sql"))
                for name in ("time_entries", "tickets")
            )
            found = cur.execute(
                f'SELECT (SELECT max("date") FROM ({entries})), '
                "(SELECT [max(created_at), max(resolved_at), max(closed_at)] "
                f"FROM ({tickets}))"
            ).fetchall()[0]
        finally:
            cur.unregister("contract_project")
        known = [pd.Timestamp(v) for v in [found[0], *(found[1] or [])] if v is not None]
        return max(known).date() if known else None

    def unassigned(self, contracts: Sequence[Contract]) -> pd.DataFrame:
        """Return, by project, the tickets and time entries no contract covers."""
        cur = self.cursor()
        _register_projects(cur, contracts)
        try:
            return run(cur, "queries/unassigned.sql").df()
        finally:
            cur.unregister("contract_project")


def _unordered(sql: str) -> str:
    """The single query of ``sql`` without its last line's ORDER BY (an aggregate over
    the rows does not need their order, and sorting two million entries takes seconds)."""
    (statement,) = statements(sql)
    head, found, tail = statement.rpartition("\nORDER BY ")
    return head if found and "\n" not in tail.strip() else statement


def _register_projects(cur: duckdb.DuckDBPyConnection, contracts: Sequence[Contract]) -> None:
    # Each (contract, label) once: a project listed twice (« Extranet », « extranet »)
    # must not repeat the contract's rows.
    pairs = dict.fromkeys((c.name, normalise_label(p)) for c in contracts for p in c.projects)
    projects = pd.DataFrame(list(pairs), columns=["contract", "label"]).astype("string")
    cur.register("contract_project", projects)


def _set_memory_limit(cur: duckdb.DuckDBPyConnection, limit: str) -> str:
    """Set DuckDB's memory limit (for the whole database); return the previous one."""
    previous = cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    cur.execute(f"SET memory_limit = '{limit}'")  # a constant of ours or DuckDB's own value
    return str(previous)


def _rows(scopes: OrderedDict[tuple[object, ...], Scope]) -> int:
    return sum(len(found.entries) for found in scopes.values())


def _hash_path(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
