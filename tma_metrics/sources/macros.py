"""Install the SQL value parsers (DuckDB macros) the importers' queries call.

The macros live in ``tma_metrics/sources/sql/*.sql`` (text, decimal, duration,
timestamp). They are TEMP macros: local to the connection (or cursor) they are
installed on and never written into the database file.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import duckdb

__all__ = ["MACRO_FILES", "install_macros", "macro_sql"]

#: Files in dependency order (timestamps and durations use the text and decimal ones).
MACRO_FILES = ("text.sql", "decimal.sql", "duration.sql", "timestamp.sql")

_NAME = re.compile(r"CREATE OR REPLACE TEMP MACRO (\w+)")


@cache
def macro_sql() -> tuple[str, ...]:
    """Return the CREATE MACRO statements, one string per statement, in order."""
    statements: list[str] = []
    folder = resources.files("tma_metrics.sources") / "sql"
    for name in MACRO_FILES:
        text = (folder / name).read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        statements.extend(s.strip() for s in body.split(";\n") if s.strip())
    return tuple(s.rstrip(";") for s in statements)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the parsing macros on ``con``; cheap when already there.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> install_macros(con)
    >>> con.sql("SELECT tma_decimal('1 234,5')").fetchall()[0][0]
    1234.5
    """
    # The last macro created tells whether the whole set is already there.
    last = _NAME.findall(macro_sql()[-1])[0]
    present = con.execute(
        "SELECT count(*) FROM duckdb_functions() "
        "WHERE function_name = $name AND schema_name = 'main' AND database_name = 'temp'",
        {"name": last},
    ).fetchall()
    if present[0][0]:
        return
    for statement in macro_sql():
        con.execute(statement)
