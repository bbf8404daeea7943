"""A big timelog on disk is parsed by DuckDB, never row by row in Python."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from tma_metrics.sources import csvfile, read_export, source

ROWS = 200_000


@pytest.fixture(scope="module")
def big_timelog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A French Redmine timelog (ISO-8859-1, ';', decimal comma) of 200 000 entries."""
    rng = random.Random(7)
    people = ["Jérôme Dupré", "Hélène Lefèvre", "François Côté", "Zoé Müller"]
    lines = ["Date;Utilisateur;Activité;Demande;Commentaire;Heures\n"]
    for i in range(ROWS):
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        hours = f"{rng.randint(1, 32) / 4:.2f}".replace(".", ",")
        lines.append(
            f"{day:02d}/{month:02d}/2025;{rng.choice(people)};Développement;"
            f'Anomalie #{rng.randint(1, 9999)}: Écran n°{i % 97};"Analyse; correctif";{hours}\n'
        )
    path = tmp_path_factory.mktemp("big") / "timelog.csv"
    path.write_bytes("".join(lines).encode("latin-1"))
    return path


@pytest.mark.slow
def test_big_timelog_goes_through_duckdb(
    con: duckdb.DuckDBPyConnection, big_timelog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("rows were materialised in Python")

    monkeypatch.setattr(csvfile, "python_source", forbidden)
    monkeypatch.setattr(source, "from_rows", forbidden)
    parsed = read_export(con, big_timelog, big_timelog.name)
    assert parsed.variant == "Redmine — temps passé (fr)"
    assert parsed.rows_read == ROWS
    assert len(parsed.rejected) == 0
    parsed.time_entries.create_view("incoming")
    counts = con.execute(
        "SELECT count(*), count(ticket_key), min(_line), max(_line) FROM incoming"
    ).fetchall()
    assert counts == [(ROWS, ROWS, 2, ROWS + 1)]


def test_line_numbers_without_insertion_order(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A connection that lets DuckDB reorder rows still reports the right lines."""
    text = "Date;Utilisateur;Heures\n" + "".join(f"0{d}/11/2025;Zoé;{d}\n" for d in range(1, 10))
    path = tmp_path / "t.csv"
    path.write_bytes((text + "10/11/2025;Zoé;x\n").encode())
    con.execute("SET preserve_insertion_order = false").fetchall()
    parsed = read_export(con, path, path.name)
    lines = parsed.time_entries.df().set_index("_line")["hours"]
    assert {line: hours for line, hours in lines.items()} == {d + 1: float(d) for d in range(1, 10)}
    assert list(parsed.rejected["line"]) == [11]
