"""Solde rapide: a private in-memory balance from a client's own files, hostile files refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from tma_metrics.figures.quick_balance import (
    MAX_FILE_BYTES,
    CarnetSettings,
    QuickBalance,
    confirm_settings,
)

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
#: A second project, and hours without any project.
OTHER = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "08/01/2026;Léa;7;;Extranet;Dév;\n"
    "09/01/2026;Léa;2,5;;extranet;Dév;\n"  # the same project, another spelling
    "10/01/2026;Hugo;1;;;Réunion;\n"
)
TEN_DAYS = CarnetSettings(days=10, start=date(2026, 1, 1), hours_per_day=8)
AS_OF, NOW = date(2026, 2, 28), datetime(2026, 3, 1)


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


def naive_deducted_hours(*texts: str, project: str | None = None) -> float:
    """Deducted hours recomputed from the CSV texts: entries by project, A-1 capped at 10 h."""
    rows = [line.split(";") for text in texts for line in text.splitlines()[1:]]
    frame = pd.DataFrame(rows, columns=["date", "who", "hours", "ticket", "project", "a", "c"])
    frame["hours"] = frame["hours"].str.replace(",", ".").astype(float)
    frame["project"] = frame["project"].str.lower().replace("", "(sans projet)")
    if project is not None:
        frame = frame[frame["project"] == project.lower()]
    capped = min(frame.loc[frame["ticket"] == "A-1", "hours"].sum(), 1.25 * 8)
    return capped + frame.loc[frame["ticket"] != "A-1", "hours"].sum()


def balance_of(quick: QuickBalance, projects, settings: CarnetSettings = TEN_DAYS):
    return quick.figures(settings, projects, AS_OF, NOW).balance


def test_balance_applies_the_guarantee_and_counts_every_hour() -> None:
    quick = QuickBalance()
    files = quick.sync([("demandes.csv", TICKETS.encode()), ("temps.csv", TIMES.encode())])
    assert [f.report.imported for f in files] == [True, True]
    b = balance_of(quick, ["site"])
    deducted = naive_deducted_hours(TIMES)
    assert deducted == 17
    assert b.spent_hours == 18 and b.deducted_hours == deducted
    assert b.consumed_days == pytest.approx(deducted / 8)
    assert b.remaining_days == pytest.approx(10 - deducted / 8)
    quick.close()


def test_one_balance_per_project_or_one_for_all() -> None:
    quick = QuickBalance()
    quick.sync([("demandes.csv", TICKETS.encode()), ("a.csv", TIMES.encode())])
    quick.sync(
        [("demandes.csv", TICKETS.encode()), ("a.csv", TIMES.encode()), ("b.csv", OTHER.encode())]
    )
    projects = quick.projects()
    assert list(projects["project"]) == ["site", "Extranet", "(sans projet)"]
    assert list(projects["hours"]) == [18.0, 9.5, 1.0]
    assert list(projects["first_day"].dt.date) == [
        date(2026, 1, 6),
        date(2026, 1, 8),
        date(2026, 1, 10),
    ]
    each = {p: balance_of(quick, [p]).deducted_hours for p in projects["project"]}
    assert each == {
        p: naive_deducted_hours(TIMES, OTHER, project=p)
        for p in ("site", "Extranet", "(sans projet)")
    }
    together = balance_of(quick, list(projects["project"]))
    assert together.deducted_hours == naive_deducted_hours(TIMES, OTHER) == sum(each.values())


@pytest.mark.parametrize(
    ("uploads", "statuses", "hours"),
    [
        ([("t.csv", TIMES)], ["counted"], 18.0),
        ([("t.csv", TIMES), ("copie.csv", TIMES)], ["counted", "same_as"], 18.0),
        (
            [("t.csv", TIMES), ("t.csv", TIMES.replace(";6;", ";16;"))],
            ["replaced", "counted"],
            28.0,
        ),
        ([("t.csv", TIMES), ("o.csv", OTHER)], ["counted", "counted"], 28.5),
        ([], [], 0.0),
    ],
    ids=["one", "same-bytes-two-names", "corrected-same-name", "two-files", "none"],
)
def test_files_are_known_by_content(uploads, statuses, hours) -> None:
    quick = QuickBalance()
    files = quick.sync([(name, text.encode()) for name, text in uploads])
    assert [f.status for f in files] == statuses
    counted = quick.store.cursor().execute("SELECT coalesce(sum(hours), 0) FROM time_entry")
    assert counted.fetchall()[0][0] == hours


def test_a_removed_file_no_longer_counts_and_a_corrected_one_is_used() -> None:
    quick = QuickBalance()
    tickets = ("demandes.csv", TICKETS.encode())
    first, other = ("t.csv", TIMES.encode()), ("o.csv", OTHER.encode())
    quick.sync([tickets, first, other])
    assert balance_of(quick, ["site"]).deducted_hours == naive_deducted_hours(TIMES) == 17
    quick.sync([tickets, other])  # t.csv removed from the uploader
    assert quick.store.counts()["time_entries"] == 3
    assert balance_of(quick, ["site"]).deducted_hours == 0
    corrected = ("t.csv", TIMES.replace("13/01/2026;Hugo;4", "13/01/2026;Hugo;1").encode())
    quick.sync([tickets, other, corrected])  # uploaded again, corrected
    assert balance_of(quick, ["site"]).deducted_hours == naive_deducted_hours(corrected[1].decode())
    assert balance_of(quick, ["site"]).deducted_hours == 14


def test_a_refused_file_is_not_read_again(monkeypatch) -> None:
    quick = QuickBalance()
    quick.sync([("vide.csv", b"")])
    calls = []
    original = quick.store.import_file
    monkeypatch.setattr(
        quick.store, "import_file", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    files = quick.sync([("vide.csv", b""), ("t.csv", TIMES.encode())])
    assert [f.report.imported for f in files] == [False, True]
    assert [name for _, name in calls] == ["t.csv"]


def test_settings_come_from_the_files_that_count() -> None:
    quick = QuickBalance()
    book = ("suivi.xlsx", workbook_with_carnet(30, datetime(2026, 1, 1), 7))
    quick.sync([book])
    assert quick.settings == CarnetSettings(30.0, date(2026, 1, 1), 7.0)
    quick.sync([("t.csv", TIMES.encode())])  # the workbook removed: its settings go too
    assert quick.settings == CarnetSettings()


@pytest.mark.parametrize(
    ("typed", "expected", "problems"),
    [
        (("12,5", "01/01/2026", "7,5"), CarnetSettings(12.5, date(2026, 1, 1), 7.5), []),
        (("20.00", " 1/1/2026 ", "8"), CarnetSettings(20.0, date(2026, 1, 1), 8.0), []),
        (("1 000", "2026-01-01", "24"), CarnetSettings(1000.0, date(2026, 1, 1), 24.0), []),
        (("", "", ""), None, ["Jours achetés", "Début du carnet", "Heures par jour"]),
        (("vingt", "01/13/2026", "25"), None, ["« vingt »", "« 01/13/2026 »", "« 25 »"]),
        (("0", "01/01/1990", "0"), None, ["trouvé « 0 »", "« 01/01/1990 »", "« 0 »"]),
    ],
    ids=["french", "dot-and-spaces", "thousands-iso", "empty", "wrong", "out-of-range"],
)
def test_typed_settings_are_read_the_french_way(typed, expected, problems) -> None:
    settings, found = confirm_settings(*typed)
    assert settings == expected
    assert len(found) == len(problems)
    for message, part in zip(found, problems, strict=True):
        assert part in message and "attendu" in message


def test_no_balance_without_all_three_settings() -> None:
    quick = QuickBalance()
    quick.sync([("t.csv", TIMES.encode())])
    with pytest.raises(ValueError, match="Carnet incomplet"):
        quick.figures(CarnetSettings(days=10), ["site"], AS_OF, NOW)


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
    (file,) = quick.sync([(name, data)])
    assert not file.report.imported
    assert reason in file.report.error.lower()
    assert "Traceback" not in file.report.error
    assert not quick.has_data()


def test_formula_and_script_cells_are_kept_as_plain_text() -> None:
    quick = QuickBalance()
    hostile = TIMES.replace("Léa;6;A-1;site;Dév;", "=cmd|' /C calc'!A0;6;A-1;site;Dév;<script>")
    assert quick.sync([("temps.csv", hostile.encode())])[0].report.imported
    rows = (
        quick.store.cursor()
        .execute("SELECT person, comment FROM time_entry WHERE person LIKE '=%'")
        .fetchall()
    )
    assert rows == [("=cmd|' /C calc'!A0", "<script>")]


def test_the_shared_database_and_the_disk_are_untouched(tmp_path, monkeypatch) -> None:
    shared = tmp_path / "shared.duckdb"
    from tma_metrics.store import Store

    Store(shared).close()
    before = shared.read_bytes()
    monkeypatch.setenv("TMA_METRICS_DB", str(shared))
    monkeypatch.chdir(tmp_path)  # an in-memory DuckDB would spill to ./.tmp
    quick = QuickBalance()
    quick.sync(
        [("temps.csv", TIMES.encode()), ("suivi.xlsx", workbook_with_carnet(30, "01/01/2026", 8))]
    )
    quick.figures(TEN_DAYS, ["site"], AS_OF, NOW)
    quick.close()
    assert shared.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.duckdb"]


def test_the_canonical_template_carries_its_carnet_settings() -> None:
    from tma_metrics.sources import build_template

    quick = QuickBalance()
    (file,) = quick.sync([("modele.xlsx", build_template())])
    assert file.report.imported and not file.report.warnings
    assert quick.settings == CarnetSettings(40.0, date(2026, 1, 1), 8.0)
