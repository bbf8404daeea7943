"""Timesheet quirks seen in real exports found in public repositories.

Each fixture (tests/samples/variants/real-*.csv) is a few rows of our own reproducing
one quirk of a real file: Toggl Track's detailed report (old and new column names),
Kimai's import format with durations in seconds, a travel log whose header looks like
Kimai's, a Harvest export in a Nordic locale (dotted dates, decimal comma) and a French
home-made TMA sheet (``Temps (en heure)``, a header glued to a row, « Ticket 14494 »).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources import read_export

VARIANTS = SAMPLES / "variants"


def read(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    return read_export(con, VARIANTS / name, name)


def entries(parsed: ParsedFile) -> pd.DataFrame:
    assert parsed.time_entries is not None
    return parsed.time_entries.df().sort_values("_line").reset_index(drop=True)


def test_toggl_detailed_report_is_read(con: duckdb.DuckDBPyConnection) -> None:
    # One "Duration" column in h:mm:ss; the e-mail stands for a member without a name.
    parsed = read(con, "real-toggl-detailed.csv")
    assert parsed.tool == "toggl" and parsed.variant == "Toggl Track — rapport détaillé (en)"
    df = entries(parsed)
    assert list(df["hours"]) == [1.0, 0.75, 1.25]
    assert list(df["date"]) == [
        datetime(2026, 10, 28),
        datetime(2026, 10, 28),
        datetime(2026, 10, 27),
    ]
    assert df.loc[0, "started_at"] == datetime(2026, 10, 28, 12, 30)
    assert list(df["person"]) == ["Camille Martin", "Camille Martin", "hugo@example.test"]
    assert list(df["source"]) == ["toggl"] * 3
    assert list(df["ticket_key"].fillna("")) == ["12", "345", ""]


def test_toggl_member_and_stop_columns_with_bom(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-toggl-member-stop.csv")
    assert parsed.tool == "toggl"
    df = entries(parsed)
    assert list(df["hours"]) == [1.5, pytest.approx(1 / 3)]
    assert list(df["person"]) == ["Zoé Lefèvre", "Zoé Lefèvre"]
    assert df.loc[0, "ticket_key"] == "ABC-7"
    assert df.loc[1, "started_at"] == datetime(2026, 5, 23, 9, 0)


def test_toggl_can_be_chosen_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, VARIANTS / "real-toggl-detailed.csv", "t.csv", source="toggl")
    assert parsed.tool == "toggl" and parsed.rows_read == 3


def test_kimai_import_format_counts_seconds(con: duckdb.DuckDBPyConnection) -> None:
    # Kimai's import format (and tools writing "for Kimai"): Duration 7260 = 2 h 01.
    parsed = read(con, "real-kimai-import-seconds.csv")
    assert parsed.tool == "kimai"
    df = entries(parsed)
    assert list(df["hours"]) == [pytest.approx(7260 / 3600), 0.5]
    assert df.loc[0, "ticket_key"] == "31"
    assert any("secondes" in w for w in parsed.warnings)


def test_kimai_decimal_hours_stay_hours(con: duckdb.DuckDBPyConnection) -> None:
    # Whole numbers up to 24 are hours, as Kimai's decimal export writes them.
    text = (VARIANTS / "real-kimai-import-seconds.csv").read_text()
    data = text.replace('"7260"', '"8"').replace('"1800"', '"2"').encode()
    df = entries(read_export(con, data, "k.csv"))
    assert list(df["hours"]) == [8.0, 2.0]


def test_kimai_like_header_without_times_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    # Date, From, To, Duration of a travel log: From/To are places, not clock times.
    with pytest.raises(ImportFormatError, match=r"sans heures.*Lyon"):
        read(con, "real-kimai-not-times.csv")


def test_harvest_dotted_dates_are_day_first(con: duckdb.DuckDBPyConnection) -> None:
    # Harvest writes the account's date format: 05.01.2026 is 5 January, not 1 May.
    parsed = read(con, "real-harvest-dotted-dates.csv")
    assert parsed.tool == "harvest"
    df = entries(parsed)
    assert list(df["date"]) == [datetime(2026, 1, 5), datetime(2026, 1, 6)]
    assert list(df["hours"]) == [7.5, 1.25]


def test_french_home_made_sheet_hours_in_parentheses(con: duckdb.DuckDBPyConnection) -> None:
    # "Temps (en heure)", decimal comma, a header glued to a row (rejected with its
    # reason), an absence row without hours (rejected), « Ticket 14494 » in the text.
    parsed = read(con, "real-sheet-temps-en-heure.csv")
    assert parsed.tool == "canonical"
    df = entries(parsed)
    assert list(df["hours"]) == [2.5, 0.5, 7.0]
    assert list(df["project"]) == ["DeclarVins", "DeclarVins", "AVA"]
    assert df.loc[0, "ticket_key"] == "14494"
    assert pd.isna(df.loc[1, "ticket_key"])
    reasons = list(parsed.rejected["reason"])
    assert len(reasons) == 2
    assert any("trouvé 9" in r for r in reasons)
    assert any("Durée absente" in r for r in reasons)
