"""Fixtures of the hostile-file suite: the files, a seeded database, checksums, checks."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.hostile import files
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples"
#: Texts that must never reach a user: tracebacks, English exception names, server paths.
LEAKS = ("Traceback", 'File "', "Error:", "Exception", "site-packages", "/tmp/", str(ROOT))


@dataclass(frozen=True)
class Case:
    """One hostile file and what each entry point must answer."""

    id: str
    name: str
    build: Callable[[], bytes] | str  # bytes, or the name of a session fixture (a path)
    refused: bool
    expect: str  # French words of the error (refused) or of a warning / rejection


CASES = [
    Case("far-cell", "xfd1048576.xlsx", files.far_cell, True, "Trop de colonnes"),
    Case("xfd2", "xfd2.xlsx", files.xfd2, True, "Trop de colonnes"),
    Case("no-coordinates", "sans-r.xlsx", files.far_without_coordinates, True, "colonne n° 20"),
    Case("lying-dimension", "dimension.xlsx", files.lying_dimension, False, ""),
    Case("duration-1e9-days", "duree.xlsx", files.huge_duration, False, "hors limites"),
    Case("corrupt-xml", "casse.xlsx", files.corrupt_xml, True, "du XML invalide"),
    Case("truncated-zip", "coupe.xlsx", files.truncated_zip, True, "archive complète, trouvé"),
    Case("field-17-mib", "champ.csv", files.long_field_csv, True, "Champ trop long"),
    Case("line-17-mib", "ligne.csv", files.long_line_csv, True, "Ligne trop longue"),
    Case("12-5-m-columns", "colonnes.csv", files.wide_line_csv, True, "Trop de colonnes"),
    Case("nul-bytes", "nul.csv", files.nul_bytes_csv, False, "Octets nuls"),
    Case("utf16-shifted", "utf16.csv", files.utf16_shifted, False, "décalé d'un octet"),
    Case("utf16-noise", "bruit.csv", files.utf16_noise, True, "Texte UTF-16 illisible"),
    Case("date-1900", "1900.csv", files.date_1900_csv, False, "Date hors période"),
    Case("all-rejected", "rejets.csv", files.all_rejected_csv, True, "Aucune ligne importée"),
    Case("entry-25-h", "25h.csv", files.implausible_entries_csv, False, "saisie de plus de 24 h"),
    Case(
        "resolved-before-created",
        "avant.csv",
        files.resolved_before_created_csv,
        False,
        "résolue avant sa création",
    ),
    Case("inflates-1-gio", "gros.xlsx", "big_workbook", True, "trop volumineux une fois"),
    Case("inflates-lying", "menteur.xlsx", "lying_workbook", True, "se décompresse en plus de"),
]


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory) -> Path:
    """The 6 Mo workbook whose sheet inflates to 1 Gio at a ratio of 177 (built once)."""
    return files.inflating_workbook(tmp_path_factory.mktemp("hostile") / "gros.xlsx")


@pytest.fixture(scope="session")
def lying_workbook(tmp_path_factory) -> Path:
    """The same workbook announcing 10 Mio for its sheet."""
    folder = tmp_path_factory.mktemp("hostile")
    return files.inflating_workbook(folder / "menteur.xlsx", declare=10 << 20)


@pytest.fixture
def case_bytes(request) -> Callable[[Case], bytes]:
    """Return a function giving the bytes of a case (fixtures resolved on demand)."""

    def get(case: Case) -> bytes:
        if isinstance(case.build, str):
            return request.getfixturevalue(case.build).read_bytes()
        return case.build()

    return get


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """A database holding the canonical samples (so that « unchanged » means something)."""
    db = tmp_path_factory.mktemp("seed") / "seed.duckdb"
    store = Store(db)
    for sample in ("canonical-time-en.csv", "canonical-tickets-fr.csv"):
        assert store.import_file(SAMPLES / sample, sample, scope=local_scope(())).imported
    store.close()
    return db


@pytest.fixture
def db_copy(seeded_db, tmp_path) -> Path:
    copy = tmp_path / "base.duckdb"
    shutil.copy(seeded_db, copy)
    return copy


def checksum(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Return (rows, digest of the sorted rows) for every table of the database."""
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
    ).fetchall()
    found = {}
    for (table,) in tables:
        found[table] = con.execute(
            f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') FROM "
            f'(SELECT md5(CAST(t AS VARCHAR)) AS h FROM "{table}" AS t)'
        ).fetchall()[0]
    return found


def file_checksum(db: Path) -> dict[str, tuple[int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return checksum(con)
    finally:
        con.close()


def assert_french(text: str) -> None:
    """Assert that ``text`` carries no traceback, English exception text or server path."""
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} dans : {text[:500]}"


def report_texts(report) -> str:
    """Return everything a report shows: error, warnings and reasons of rejected rows."""
    reasons = " ".join(report.rejected["reason"].astype(str)) if len(report.rejected) else ""
    return " ".join([report.error or "", *report.warnings, reasons])
