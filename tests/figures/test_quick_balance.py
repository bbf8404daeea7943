"""Solde rapide: a private in-memory balance from a client's own files, hostile files refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from tma_metrics.figures.quick_balance import MAX_FILE_BYTES, QuickBalance, read_settings

TICKETS = (
    "clé;projet;titre;type;priorité;statut;créé le;estimation (h)\n"
    "A-1;site;Formulaire de contact;evolutive;mineure;Fermé;05/01/2026 10:00;8\n"
    "A-2;site;Erreur 500 panier;corrective;majeure;Fermé;12/01/2026 09:00;\n"
)
TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "06/01/2026;Léa;6;A-1;site;Dév;\n"
    "07/01/2026;Léa;5;A-1;site;Dév;\n"  # 11 h on an 8 h estimate: 10 h deducted
    "13/01/2026;Hugo;4;A-2;site;Dév;\n"
    "02/02/2026;Hugo;3;;site;Pilotage;\n"
)


def workbook_with_carnet(days: object, start: object, hours: object) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Temps passé"
    for line in TIMES.splitlines():
        sheet.append(line.split(";"))
    carnet = book.create_sheet("Carnet")
    carnet.append(["Jours achetés", days])
    carnet.append(["Date de début", start])
    carnet.append(["Heures par jour", hours])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_balance_applies_the_guarantee_and_counts_every_hour() -> None:
    quick = QuickBalance()
    assert quick.add(TICKETS.encode(), "demandes.csv").imported
    assert quick.add(TIMES.encode(), "temps.csv").imported
    figures = quick.figures(10, date(2026, 1, 1), 8, date(2026, 2, 28), datetime(2026, 3, 1))
    b = figures.balance
    # naive: A-1 capped at 1.25 x 8 = 10 h, A-2 and the ticketless entry as spent
    deducted = 10 + 4 + 3
    assert b.spent_hours == 18 and b.deducted_hours == deducted
    assert b.consumed_days == pytest.approx(deducted / 8)
    assert b.remaining_days == pytest.approx(10 - deducted / 8)
    assert b.low_balance is False
    quick.close()


def test_the_same_file_twice_is_counted_once() -> None:
    quick = QuickBalance()
    quick.add(TIMES.encode(), "temps.csv")
    quick.add(TIMES.encode(), "temps.csv")
    assert quick.store.counts()["time_entries"] == 4


@pytest.mark.parametrize(
    ("days", "start", "hours", "expected"),
    [
        (40, datetime(2026, 1, 1), 7, (40.0, date(2026, 1, 1), 7.0)),
        ("12,5", "01/02/2026", "7,5", (12.5, date(2026, 2, 1), 7.5)),
        ("beaucoup", "hier", -3, (None, None, None)),
    ],
    ids=["typed-cells", "french-text", "unreadable"],
)
def test_carnet_settings_are_read_from_the_workbook(days, start, hours, expected) -> None:
    found = read_settings(workbook_with_carnet(days, start, hours), "suivi.xlsx")
    assert (found.days, found.start, found.hours_per_day) == expected
    assert read_settings(TIMES.encode(), "temps.csv").days is None


def test_settings_come_with_the_imported_workbook() -> None:
    quick = QuickBalance()
    report = quick.add(workbook_with_carnet(30, datetime(2026, 1, 1), 8), "suivi.xlsx")
    assert report.imported, report.error
    assert quick.settings.days == 30 and quick.settings.start == date(2026, 1, 1)


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    return out.getvalue()


HOSTILE = {
    "zip-bomb": (_zip_bomb(), "bombe.xlsx", "bombe de décompression"),
    "not-a-zip": (b"PK\x03\x04 pas une archive", "faux.xlsx", "tronqué"),
    "binary": (bytes(range(256)) * 40, "donnees.csv", "binaire"),
    "too-large": (b"a" * (MAX_FILE_BYTES + 1), "gros.csv", "trop volumineux"),
    "ten-thousand-columns": (
        (";".join(f"c{i}" for i in range(10_000)) + "\n" + ";".join("1" * 10_000) + "\n").encode(),
        "large.csv",
        "trop de colonnes",
    ),
    "empty": (b"", "vide.csv", "vide"),
}


@pytest.mark.parametrize(("data", "name", "reason"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_files_are_refused_with_a_french_reason(data, name, reason) -> None:
    quick = QuickBalance()
    report = quick.add(data, name)
    assert not report.imported
    assert reason in report.error.lower()
    assert "Traceback" not in report.error
    assert not quick.has_data()


def test_formula_and_script_cells_are_kept_as_plain_text() -> None:
    quick = QuickBalance()
    hostile = TIMES.replace("Léa;6;A-1;site;Dév;", "=cmd|' /C calc'!A0;6;A-1;site;Dév;<script>")
    assert quick.add(hostile.encode(), "temps.csv").imported
    rows = (
        quick.store.cursor()
        .execute("SELECT person, comment FROM time_entry WHERE person LIKE '=%'")
        .fetchall()
    )
    assert rows == [("=cmd|' /C calc'!A0", "<script>")]


def test_the_shared_database_file_is_untouched(tmp_path, monkeypatch) -> None:
    shared = tmp_path / "shared.duckdb"
    from tma_metrics.store import Store

    Store(shared).close()
    before = shared.read_bytes()
    monkeypatch.setenv("TMA_METRICS_DB", str(shared))
    quick = QuickBalance()
    quick.add(TIMES.encode(), "temps.csv")
    quick.figures(10, date(2026, 1, 1), 8, date(2026, 2, 28), datetime(2026, 3, 1))
    quick.close()
    assert shared.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.duckdb"]


def test_the_canonical_template_carries_its_carnet_settings() -> None:
    from tma_metrics.sources import build_template

    quick = QuickBalance()
    report = quick.add(build_template(), "modele.xlsx")
    assert report.imported and not report.warnings
    assert (quick.settings.days, quick.settings.start, quick.settings.hours_per_day) == (
        40.0,
        date(2026, 1, 1),
        8.0,
    )
