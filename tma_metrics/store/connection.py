"""Open the DuckDB file: path resolution, process lock handling, schema migrations."""

from __future__ import annotations

import os
import re
import time
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb

from tma_metrics.config import settings
from tma_metrics.errors import StorageError

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "PROJECT_ROOT",
    "SCHEMA_VERSION",
    "StoreBusy",
    "connect",
    "migrate",
    "migrations",
    "resolve_db_path",
]

#: Environment variable that overrides the default database path.
DB_ENV = "TMA_METRICS_DB"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "tma_metrics.duckdb"

_MIGRATION_FILE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class StoreBusy(StorageError):
    """Another process holds the database file; the message (French) says what to do.

    The message names the file and the process: it is for the command line and the
    server log. A page shows its own notice (`tma_metrics.ui.frame.run_page`).
    """


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the database path: the explicit one, else $TMA_METRICS_DB, else data/."""
    return settings(db_path=explicit).db_path


def migrations() -> list[tuple[int, str, str]]:
    """Return the schema migrations as (version, file name, SQL), in order."""
    folder = resources.files("tma_metrics.store.sql") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(v for v, _, _ in migrations())


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return version."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    current = (row[0] if row else None) or 0
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"La base est au schéma {current}, plus récent que celui de cette version "
            f"({SCHEMA_VERSION}) : mettez TMA Metrics à jour."
        )
    for version, _name, sql in migrations():
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES ($v, $at)",
                {"v": version, "at": datetime.now()},
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    return current


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    wait_seconds: float = 10.0,
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating if needed) the database, waiting for another writer.

    Only one process may hold a DuckDB file open for writing. When the file is locked
    (the dashboard is running, or another import), retry for ``wait_seconds`` then raise
    `StoreBusy` with a French message.
    """
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:")
        migrate(con)
        return con
    db_path = resolve_db_path(path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                holder = re.search(r"PID (\d+)", str(exc))
                who = f" (processus {holder.group(1)})" if holder else ""
                raise StoreBusy(
                    f"La base « {db_path} » est déjà ouverte en écriture par un autre "
                    f"processus{who} : le tableau de bord ou une autre commande. Attendu : "
                    f"un accès exclusif ; trouvé : verrou toujours tenu après "
                    f"{wait_seconds:g} s. Fermez l'autre programme puis relancez la commande "
                    "(option --wait pour attendre plus longtemps) ; pendant que le tableau de "
                    "bord tourne, importez depuis sa page « Import »."
                ) from None
            time.sleep(0.25)
    if not read_only:
        migrate(con)
    return con
