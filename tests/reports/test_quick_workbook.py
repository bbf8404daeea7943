"""Solde rapide's Excel file: typed cells with French formats, built without touching the disk."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tma_metrics.figures.quick_balance import CarnetSettings, QuickBalance
from tma_metrics.reports.quick_workbook import DAY, DAYS, HOURS, MONTH, quick_balance_workbook

TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    '06/01/2026;Léa;6;;=HYPERLINK("http://evil");Dév;\n'
    "07/02/2026;Léa;4;;site;Dév;\n"
)
SETTINGS = CarnetSettings(days=20, start=date(2026, 1, 1), hours_per_day=8)


@pytest.fixture(scope="module")
def carnets():
    quick = QuickBalance()
    quick.sync([("temps.csv", TIMES.encode())])
    found = {
        project: quick.figures(SETTINGS, [project], date(2026, 2, 28), datetime(2026, 3, 1))
        for project in quick.projects()["project"]
    }
    yield found
    quick.close()


#: What the audit hook saw while `disk_writes` watched: (event, path) of every write.
_WATCHING: list[list[tuple[str, str]]] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND


def _audit(event: str, args: tuple) -> None:
    if not _WATCHING:
        return
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int):
            return  # an already-open descriptor: the pipe to the parsing child process
        writes = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & _WRITE_FLAGS)
        if writes:
            _WATCHING[-1].append((event, str(path)))
    elif event in ("tempfile.mkstemp", "tempfile.mkdtemp", "os.mkdir", "os.rename"):
        if Path(str(args[0])).name.startswith("pymp-"):
            return  # multiprocessing's folder for the forkserver's socket: no data goes there
        _WATCHING[-1].append((event, str(args[0])))


sys.addaudithook(_audit)  # Python's audit events see every file this process opens


@contextlib.contextmanager
def disk_writes():
    """Collect every file this process opens for writing (or creates) inside the block."""
    seen: list[tuple[str, str]] = []
    _WATCHING.append(seen)
    try:
        yield seen
    finally:
        _WATCHING.remove(seen)


def test_the_guard_sees_openpyxl_writing_to_disk() -> None:
    # the control: openpyxl writes each sheet to /tmp/openpyxl.* before zipping it
    with disk_writes() as seen:
        openpyxl.Workbook().save(io.BytesIO())
    assert any("openpyxl." in path for _, path in seen), seen


def test_the_workbook_is_built_in_memory(carnets) -> None:
    with disk_writes() as seen:
        data = quick_balance_workbook(carnets)
    assert seen == []
    assert data[:2] == b"PK"


def test_cells_are_typed_with_french_formats(carnets) -> None:
    book = openpyxl.load_workbook(io.BytesIO(quick_balance_workbook(carnets)))
    assert book.sheetnames == ["Solde", "Par mois"]
    sheet = book["Solde"]
    headers = [c.value for c in sheet[1]]
    rows = {r[0].value: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {'=HYPERLINK("http://evil")', "site"}
    site = rows["site"]
    # naive: 4 h in February on an 8 h day, 20 days bought
    assert (site["Jours achetés"].value, site["Jours achetés"].number_format) == (20, DAYS)
    assert site["Solde"].value == pytest.approx(20 - 4 / 8)
    assert site["Solde"].number_format == DAYS
    assert (site["Temps décompté"].value, site["Temps décompté"].number_format) == (4, HOURS)
    assert site["Début du carnet"].value == datetime(2026, 1, 1)
    assert site["Début du carnet"].number_format == DAY
    assert site["Arrêté au"].value == datetime(2026, 2, 28)
    for cell in sheet[2] + sheet[3]:
        assert not isinstance(cell.value, str) or cell.column == 1, "numbers stay numbers"
    formula = rows['=HYPERLINK("http://evil")']["Projet"]
    assert formula.data_type == "s" and formula.quotePrefix, "a formula-like name stays text"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_the_monthly_sheet_has_one_row_per_project_and_month(carnets) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(quick_balance_workbook(carnets)))["Par mois"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    site = [r for r in rows if r[0] == "site"]
    assert site == [["site", datetime(2026, 1, 1), 0, 0], ["site", datetime(2026, 2, 1), 4, 0.5]]
    assert sheet["B2"].number_format == MONTH
    assert sheet["C2"].number_format == HOURS and sheet["D2"].number_format == DAYS


def test_the_whole_quick_balance_writes_no_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # where an in-memory DuckDB would spill (./.tmp)
    book = openpyxl.Workbook()
    book.active.append(["Jours achetés", 20])
    book.active.title = "Carnet"
    sheet = book.create_sheet("Temps passé")
    for line in TIMES.splitlines():
        sheet.append(line.split(";"))
    upload = io.BytesIO()
    book.save(upload)
    with disk_writes() as seen:
        quick = QuickBalance()
        quick.sync([("temps.csv", TIMES.encode()), ("suivi.xlsx", upload.getvalue())])
        figures = quick.figures(SETTINGS, ["site"], date(2026, 2, 28), datetime(2026, 3, 1))
        quick_balance_workbook({"site": figures})
        quick.close()
    assert seen == []
    assert list(tmp_path.iterdir()) == []
