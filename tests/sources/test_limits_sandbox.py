"""The child process: results and errors come back whole; memory, time and crashes end
the child, never the caller, with a French message."""

from __future__ import annotations

import dataclasses

import pytest

from tests.hostile import files
from tma_metrics.sources import MappingProfile, limits, sandbox
from tma_metrics.sources.errors import UnrecognisedFormat
from tma_metrics.sources.failures import AllRowsRejected, LimitExceeded
from tma_metrics.store import Store

HOME_MADE = "Quand;Qui;Combien;Réf\n05/01/2026;Léa;2,5;A-1\n06/01/2026;Hugo;1,0;A-2\n"
PROFILE = MappingProfile(
    name="Suivi maison",
    table="time_entries",
    columns=(("date", "Quand"), ("person", "Qui"), ("hours", "Combien"), ("ticket_key", "Réf")),
)


def test_a_child_returns_the_same_rows_as_the_caller_reads() -> None:
    data = files.implausible_entries_csv()
    results = []
    for bound in (limits.CLI, limits.QUICK_PAGE):  # in this process, then in a child
        store = Store(":memory:")
        with limits.using(bound):
            report = store.import_file(data, "temps.csv")
        rows = (
            store.cursor()
            .execute("SELECT date, person, hours, ticket_key FROM time_entry ORDER BY ALL")
            .fetchall()
        )
        results.append((report.rows_read, report.warnings, rows))
        store.close()
    assert results[0] == results[1]
    assert sandbox.last_run().outcome == "ok"


def test_errors_come_back_with_what_the_pages_need() -> None:
    with limits.using(limits.QUICK_PAGE):
        store = Store(":memory:")
        unknown = store.import_file(HOME_MADE.encode(), "maison.csv")
        mapped = store.import_file(HOME_MADE.encode(), "maison.csv", mapping=PROFILE)
        store.close()
    assert isinstance(unknown.unrecognised, UnrecognisedFormat)
    assert unknown.unrecognised.header == ["Quand", "Qui", "Combien", "Réf"]
    assert unknown.unrecognised.preview[0] == ["05/01/2026", "Léa", "2,5", "A-1"]
    assert mapped.imported and mapped.time_entries.added == 2


def test_all_rejected_rows_come_back_with_the_error() -> None:
    import duckdb

    from tma_metrics.sources import read_export

    with limits.using(limits.QUICK_PAGE), pytest.raises(AllRowsRejected) as caught:
        read_export(duckdb.connect(), files.all_rejected_csv(), "rejets.csv")
    assert list(caught.value.rejected["line"]) == [2, 3]
    assert caught.value.rows_read == 2


STOPS = [
    ("memory", dataclasses.replace(limits.QUICK_PAGE, memory_bytes=48 << 20),
     LimitExceeded, "Fichier trop lourd à lire sur la page Solde rapide"),
    ("time", dataclasses.replace(limits.QUICK_PAGE, seconds=0.01),
     LimitExceeded, "Lecture trop longue sur la page Solde rapide"),
]  # fmt: skip


@pytest.mark.parametrize(("bound", "error", "message"), [s[1:] for s in STOPS],
                         ids=[s[0] for s in STOPS])  # fmt: skip
def test_a_child_beyond_its_budget_is_stopped(bound, error, message) -> None:
    with limits.using(bound):
        store = Store(":memory:")
        report = store.import_file(files.huge_duration(), "duree.xlsx")
        store.close()
    assert not report.imported
    assert report.error.startswith(message), report.error
    assert sandbox.last_run().outcome in ("memory", "time")


def test_a_reader_that_aborts_takes_only_its_child_down() -> None:
    # Limits that let the far cell through: python-calamine asks for 550 GB and fails.
    reckless = dataclasses.replace(limits.QUICK_PAGE, columns=20_000, rows=2_000_000, cells=10**12)
    with limits.using(reckless):
        store = Store(":memory:")
        report = store.import_file(files.far_cell(), "xfd1048576.xlsx")
        store.close()
    assert not report.imported
    assert report.error.startswith(("Fichier trop lourd à lire", "Lecture impossible"))
    assert "Traceback" not in report.error and "Panic" not in report.error
