"""Warnings about rows that were read but look wrong: a ticket resolved before it was
created, an entry of more than 24 h, a person's day of more than 24 h.

The rows are kept (the export is what the tool holds); the warning names how many, and
one example with its line, so that the source can be corrected.
"""

from __future__ import annotations

import duckdb

from tma_metrics.french import formats as fr
from tma_metrics.sources.labels import plural

__all__ = ["DAY_HOURS", "warnings"]

#: More than this many hours in one entry, or for one person on one day, is not a day.
DAY_HOURS = 24.0


def warnings(con: duckdb.DuckDBPyConnection, name: str, table: str, line_sql: str) -> list[str]:
    """Return the French warnings for the good rows of the built table ``name``."""
    if table == "tickets":
        return _tickets(con, name, line_sql)
    if table == "time_entries":
        return _entries(con, name, line_sql)
    return []


def _tickets(con: duckdb.DuckDBPyConnection, name: str, line_sql: str) -> list[str]:
    checks = (("resolved_at", "résolue"), ("closed_at", "clôturée"))
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE {column} < created_at), "
        f"arg_min(struct_pack(l := {line_sql}, c := created_at, d := {column}), {line_sql}) "
        f"FILTER (WHERE {column} < created_at)"
        for column, _ in checks
    )
    row = con.execute(f"SELECT {aggregates} FROM {name} WHERE _ok").fetchall()[0]
    found = []
    for k, (_, verb) in enumerate(checks):
        n, example = row[2 * k], row[2 * k + 1]
        if n:
            found.append(
                f"{plural(n, 'demande', 'demandes')} {verb}{'s' if n > 1 else ''} avant "
                f"{'leur' if n > 1 else 'sa'} création (ex. ligne {example['l']} : créée le "
                f"{fr.timestamp(example['c'])}, {verb} le {fr.timestamp(example['d'])}) : "
                "vérifiez ces dates dans l'outil source"
            )
    return found


def _entries(con: duckdb.DuckDBPyConnection, name: str, line_sql: str) -> list[str]:
    # A single entry over 24 h is named on its own: the days count those it does not explain.
    long, entry, days, day = con.execute(
        f"WITH kept AS (SELECT person, date, hours, {line_sql} AS line FROM {name} "
        "WHERE _ok AND hours > 0), "
        "days AS (SELECT person, date, sum(hours) AS total, min(line) AS line FROM kept "
        f"WHERE person IS NOT NULL AND date IS NOT NULL GROUP BY person, date "
        f"HAVING sum(hours) > {DAY_HOURS} AND max(hours) <= {DAY_HOURS}) "
        f"SELECT (SELECT count(*) FROM kept WHERE hours > {DAY_HOURS}), "
        f"(SELECT arg_min(struct_pack(l := line, h := hours), line) FROM kept "
        f"WHERE hours > {DAY_HOURS}), (SELECT count(*) FROM days), "
        "(SELECT arg_min(struct_pack(p := person, d := date, h := total), line) FROM days)"
    ).fetchall()[0]
    found = []
    if long:
        found.append(
            f"{plural(long, 'saisie', 'saisies')} de plus de 24 h (ex. ligne {entry['l']} : "
            f"{fr.hours(entry['h'])}) : vérifiez {'leur' if long > 1 else 'sa'} durée"
        )
    if days:
        found.append(
            f"{plural(days, 'journée', 'journées')} de plus de 24 h de saisies pour une même "
            f"personne (ex. « {day['p']} » le {fr.day(day['d'])} : {fr.hours(day['h'])}) : "
            f"vérifiez {'ces' if days > 1 else 'ses'} saisies"
        )
    return found
