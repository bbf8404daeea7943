"""Timesheet exports (Kimai, Harvest, Clockify) and the parsing core on unseen variants.

Fixtures are in tests/samples/variants (kimai-, harvest-, clockify-, csv- files);
workbooks and UTF-16 files are written in ``tmp_path`` by the tests themselves.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources import read_export
from tma_metrics.sources.headers import alias_table, match_header

VARIANTS = SAMPLES / "variants"


def read(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    """Read a fixture from disk (DuckDB's CSV reader when it can)."""
    return read_export(con, VARIANTS / name, name)


def entries(parsed: ParsedFile) -> pd.DataFrame:
    assert parsed.time_entries is not None
    return parsed.time_entries.df().sort_values("_line").reset_index(drop=True)


def xlsx(
    sheets: dict[str, list[list[object]]],
    formats: dict[tuple[str, str], str] | None = None,
    merges: dict[str, list[str]] | None = None,
) -> bytes:
    """Return an .xlsx with one sheet per entry (typed values, number formats, merges)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, cell), number_format in (formats or {}).items():
        book[title][cell].number_format = number_format
    for title, ranges in (merges or {}).items():
        for cells in ranges:
            book[title].merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- Kimai


def test_kimai_french_resaved_by_excel(con: duckdb.DuckDBPyConnection) -> None:
    # ";", Windows-1252 without BOM, CRLF, dates 20/11/2026, durations 1:30.
    parsed = read(con, "kimai-fr-excel-resaved.csv")
    assert parsed.tool == "kimai" and parsed.variant == "Kimai — export des temps (fr)"
    df = entries(parsed)
    assert list(df["date"]) == [
        datetime(2026, 11, 20),
        datetime(2026, 11, 21),
        datetime(2026, 12, 2),
    ]
    assert list(df["hours"]) == [1.5, 0.75, 4.0]
    assert list(df["person"]) == ["Camille Martin", "Zoé Lefèvre", "Zoé Lefèvre"]
    assert list(df["activity"]) == ["Développement", "Support", "Réunion"]
    assert list(df["ticket_key"].fillna("")) == ["ABC-12", "456", ""]
    assert df.loc[1, "started_at"] == datetime(2026, 11, 21, 14, 0)


def test_kimai_english_decimal_durations_and_repeated_meta_fields(
    con: duckdb.DuckDBPyConnection,
) -> None:
    parsed = read(con, "kimai-en-decimal.csv")
    assert parsed.variant == "Kimai — export des temps (en)"
    df = entries(parsed)
    assert list(df["hours"]) == [1.5, 0.1]
    assert list(df["started_at"]) == [datetime(2026, 11, 20, 9, 31), datetime(2026, 11, 21, 14, 0)]
    assert list(df["ticket_key"]) == ["ABC-12", "456"]


def test_kimai_workbook_typed_starts_and_totals_row(con: duckdb.DuckDBPyConnection) -> None:
    # Kimai's spreadsheet: typed day, From/To as full date-times shown hh:mm, durations
    # as [h]:mm fractions of a day, and a last row of sums without any label.
    data = xlsx(
        {
            "Worksheet": [
                ["Date", "De", "À", "Durée", "Taux", "Nom", "Projet", "Activité", "Description"],
                [
                    datetime(2026, 11, 20),
                    datetime(2026, 11, 20, 9, 31),
                    datetime(2026, 11, 20, 11, 1),
                    5400 / 86400,
                    120.0,
                    "Camille",
                    "Site",
                    "Dév",
                    "ABC-1",
                ],
                [
                    datetime(2026, 11, 21),
                    time(14, 0),
                    time(14, 45),
                    45 * 60 / 86400,
                    60.0,
                    "Zoé",
                    "Site",
                    "Support",
                    "#2",
                ],
                [None, None, None, 8100 / 86400, 180.0, None, None, None, None],
            ]
        },
        {
            **{("Worksheet", f"D{i}"): "[h]:mm" for i in (2, 3, 4)},
            ("Worksheet", "B2"): "hh:mm",
            ("Worksheet", "C2"): "hh:mm",
        },
    )
    parsed = read_export(con, data, "kimai.xlsx")
    assert parsed.tool == "kimai"
    df = entries(parsed)
    assert list(df["hours"]) == [1.5, 0.75]
    assert list(df["started_at"]) == [datetime(2026, 11, 20, 9, 31), datetime(2026, 11, 21, 14, 0)]
    assert parsed.rejected.empty
    assert "1 ligne de total ignorée" in parsed.warnings
    assert not any("illisible" in w for w in parsed.warnings)


# --------------------------------------------------------------------------- Harvest


def test_harvest_hours_rounded_keeps_the_hours_worked(con: duckdb.DuckDBPyConnection) -> None:
    df = entries(read(con, "harvest-hours-rounded.csv"))
    assert list(df["hours"]) == [1.85, 0.25]  # not the rounded 2.0
    assert list(df["ticket_key"]) == ["88", "WEB-5"]
    assert list(df["person"]) == ["Ann Lee", "Ann Lee"]


def test_harvest_resaved_by_french_excel_reads_days_first(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Every date is ambiguous (02/11, 05/12): a ";" file went through a French program.
    parsed = read(con, "harvest-eu-resaved.csv")
    assert parsed.tool == "harvest"
    df = entries(parsed)
    assert list(df["date"]) == [datetime(2026, 11, 2), datetime(2026, 12, 5)]
    assert list(df["hours"]) == [1.85, 0.5]
    assert list(df["person"]) == ["Zoé Lefèvre", "Zoé Lefèvre"]


def test_harvest_total_row_is_left_out(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "harvest-total.csv")
    assert list(entries(parsed)["hours"]) == [1.5]
    assert parsed.rejected.empty
    assert "1 ligne de total ignorée" in parsed.warnings


# --------------------------------------------------------------------------- Clockify


def test_clockify_us_twelve_hour_times(con: duckdb.DuckDBPyConnection) -> None:
    df = entries(read(con, "clockify-us-ampm.csv"))
    assert list(df["date"]) == [
        datetime(2026, 11, 20),
        datetime(2026, 11, 21),
        datetime(2026, 12, 1),
    ]
    assert list(df["started_at"]) == [
        datetime(2026, 11, 20, 9, 31),
        datetime(2026, 11, 21, 12, 15),
        datetime(2026, 12, 1, 23, 30),
    ]
    assert list(df["hours"]) == [1.5, 0.75, 1.0]


def test_clockify_iso_dates_with_pm_times_and_no_decimal_column(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # "2026-11-21" + "9:00:00 PM": DuckDB's cast alone would read 09:00.
    df = entries(read(con, "clockify-iso-ampm.csv"))
    assert list(df["started_at"]) == [datetime(2026, 11, 20, 21, 31), datetime(2026, 11, 21, 21, 0)]
    assert list(df["hours"]) == [1.5, pytest.approx(70 / 60)]


def test_clockify_ambiguous_us_dates_follow_am_pm(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text = (VARIANTS / "clockify-us-ampm.csv").read_text()
    text = text.replace("11/20/2026", "11/05/2026").replace("11/21/2026", "11/06/2026")
    text = text.replace("12/01/2026", "11/07/2026").replace("12/02/2026", "11/08/2026")
    path = tmp_path / "clockify-ambiguous.csv"
    path.write_text(text)
    df = entries(read_export(con, path, path.name))
    assert list(df["date"]) == [datetime(2026, 11, 5), datetime(2026, 11, 6), datetime(2026, 11, 7)]


def test_clockify_french_captions(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "clockify-fr.csv")
    assert parsed.tool == "clockify" and parsed.variant == "Clockify — rapport détaillé (fr)"
    df = entries(parsed)
    assert df.loc[0, "date"] == datetime(2026, 11, 20)
    assert df.loc[0, "started_at"] == datetime(2026, 11, 20, 14, 5)
    assert df.loc[0, "hours"] == 1.5  # "1,50"
    assert df.loc[0, "person"] == "Zoé" and df.loc[0, "ticket_key"] == "ABC-7"


def test_clockify_workbook_with_typed_start(con: duckdb.DuckDBPyConnection) -> None:
    header = ["Project", "Description", "User", "Start Date", "Start Time", "Duration (h)"]
    data = xlsx(
        {
            "Detailed Report": [
                header,
                [
                    "Site",
                    "Fix ABC-7",
                    "Zoé",
                    datetime(2026, 11, 20),
                    datetime(2026, 11, 20, 14, 5),
                    timedelta(hours=1, minutes=30),
                ],
                ["Site", "Meeting", "Zoé", datetime(2026, 11, 21), time(9, 0), "00:20:00"],
                ["Site", "Night", "Zoé", "22/11/2026", "23:10:00", "01:00:00"],
            ]
        },
        {("Detailed Report", "F2"): "[h]:mm:ss", ("Detailed Report", "E2"): "hh:mm"},
    )
    parsed = read_export(con, data, "Clockify_Time_Report_Detailed.xlsx")
    assert parsed.tool == "clockify"
    df = entries(parsed)
    assert list(df["started_at"]) == [
        datetime(2026, 11, 20, 14, 5),
        datetime(2026, 11, 21, 9, 0),
        datetime(2026, 11, 22, 23, 10),
    ]
    assert list(df["hours"]) == [1.5, pytest.approx(1 / 3), 1.0]
    assert not any("illisible" in w for w in parsed.warnings)


def test_clockify_summary_report_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError, match="Rapport récapitulatif Clockify") as caught:
        read(con, "clockify-summary.csv")
    assert "rapport détaillé" in str(caught.value)


# --------------------------------------------------------------------------- dates


def test_french_date_spellings(con: duckdb.DuckDBPyConnection) -> None:
    # 20/11/2026, 21/11/26, ISO with offset, "23 nov. 2026", "24 novembre 2026",
    # "mer. 25/11/2026", "26.11.2026", "jeudi 3 décembre 2026", "04-déc.-26".
    parsed = read(con, "csv-dates-variety.csv")
    assert parsed.rejected.empty, parsed.rejected
    df = entries(parsed)
    days = [20, 21, 22, 23, 24, 25, 26]
    expected = [datetime(2026, 11, d) for d in days] + [
        datetime(2026, 12, 3),
        datetime(2026, 12, 4),
    ]
    assert list(df["date"]) == expected
    assert list(df["hours"]) == [float(h) for h in range(1, 10)]


def test_long_dates_saved_by_french_excel(con: duckdb.DuckDBPyConnection) -> None:
    # Windows-1252: "vendredi 20 novembre 2026", "lundi 1er décembre 2026"...
    df = entries(read(con, "csv-long-dates-cp1252.csv"))
    assert list(df["date"]) == [
        datetime(2026, 11, 20),
        datetime(2026, 12, 1),
        datetime(2026, 11, 20),
        datetime(2026, 12, 1),
    ]


def test_iso_text_with_am_pm_is_not_read_as_morning(con: duckdb.DuckDBPyConnection) -> None:
    values = ["2026-11-20 9:00 PM", "2026-11-20 09:31 foo", "2026-11-20T09:31:00+01:00"]
    got = [con.execute("SELECT tma_ts_iso($v)", {"v": v}).fetchall()[0][0] for v in values]
    assert got == [None, None, datetime(2026, 11, 20, 9, 31)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ven. 20/11/2026", "20/11/2026"),
        ("vendredi 20 novembre 2026", "20 11 2026"),
        ("Friday, November 20, 2026", "11 20, 2026"),
        ("Mar 20, 2026", "3 20, 2026"),  # March, not mardi
        ("1er déc. 2026", "1 12 2026"),
    ],
)
def test_week_days_and_month_words(
    con: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    assert con.execute("SELECT tma_ts_months($t)", {"t": text}).fetchall()[0][0] == expected


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("7,5", 7.5),
        ("7h30", 7.5),
        ("0,5 j", 4.0),
        ("1/2 j", 4.0),
        ("½ journée", 4.0),
        ("demi-journée", 4.0),
        ("8:00 h", 8.0),
        ("2 jh", 16.0),
        ("1\u202f234,5", 1234.5),
        ("1\u00a0234,50", 1234.5),
    ],
)
def test_durations_written_by_hand(con: duckdb.DuckDBPyConnection, text: str, hours: float) -> None:
    assert con.execute("SELECT tma_hours($t, 1.0)", {"t": text}).fetchall()[0][0] == hours


# --------------------------------------------------------------------------- CSV bytes


def test_excel_unicode_text_utf16_tab_separated(con: duckdb.DuckDBPyConnection) -> None:
    text = (
        "Date\tIntervenant\tDemande\tDurée\r\n"
        "20/11/2026\tZoé\t#123\t7,5\r\n"
        "21/11/2026\tLéo\tABC-4\t1:30\r\n"
    )
    data = b"\xff\xfe" + text.encode("utf-16-le")
    parsed = read_export(con, data, "temps.txt")
    df = entries(parsed)
    assert list(df["person"]) == ["Zoé", "Léo"]
    assert list(df["hours"]) == [7.5, 1.5]
    assert list(df["ticket_key"]) == ["123", "ABC-4"]


def test_title_block_and_total_row_in_a_french_csv(con: duckdb.DuckDBPyConnection) -> None:
    # A title above the header and "Total;;9,5;" below: no Redmine pivot report.
    parsed = read(con, "csv-title-total-cp1252.csv")
    assert parsed.tool == "canonical"
    df = entries(parsed)
    assert list(df["hours"]) == [7.5, 2.0]
    assert list(df["_line"]) == [5, 6]
    assert parsed.rejected.empty
    assert "1 ligne de total ignorée" in parsed.warnings


def test_crlf_and_trailing_blank_line_from_bytes(con: duckdb.DuckDBPyConnection) -> None:
    data = "Date;Personne;Heures;Demande\r\n20/11/2026;Zoé;7,5;A-1\r\n\r\n".encode("cp1252")
    parsed = read_export(con, data, "temps.csv")
    assert parsed.rows_read == 1 and parsed.rejected.empty
    assert list(entries(parsed)["hours"]) == [7.5]


# --------------------------------------------------------------------------- workbooks


def test_home_made_french_workbook(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Paramètres": [["Client", "ACME"], ["Taux journalier", 650]],
            "Saisies": [
                [None, None, None, None, None],
                ["Relevé des temps — TMA ACME", None, None, None, None],
                ["Période : novembre 2026", None, None, None, None],
                [None, None, None, None, None],
                ["Date", "Collaborateur", "N° ticket", "Temps passé", "Commentaire"],
                [datetime(2026, 11, 20), "Zoé", "#123", time(1, 30), "analyse"],
                [datetime(2026, 11, 20), "Léo", "ABC-4", "7,5", None],
                ["23/11/2026", "Léo", "ABC-4", "7h30", None],
                ["24/11/26", "Zoé", None, "0,5 j", "réunion"],
                [datetime(2026, 11, 25), "Zoé", "#124", 2.25, None],
                [None, None, None, None, None],
                ["Total", None, None, 20.75, None],
            ],
            "Synthèse": [["Collaborateur", "Heures"], ["Zoé", 10], ["Léo", 15]],
        },
        {("Saisies", "D6"): "h:mm"},
        {"Saisies": ["A2:E2"]},
    )
    parsed = read_export(con, data, "releve.xlsx")
    assert parsed.tool == "canonical"
    df = entries(parsed)
    assert list(df["_line"]) == [6, 7, 8, 9, 10]
    assert list(df["hours"]) == [1.5, 7.5, 7.5, 4.0, 2.25]
    assert list(df["date"].dt.day) == [20, 20, 23, 24, 25]
    assert list(df["person"]) == ["Zoé", "Léo", "Léo", "Zoé", "Zoé"]
    assert list(df["ticket_key"].fillna("")) == ["123", "ABC-4", "ABC-4", "", "124"]
    assert parsed.rejected.empty
    assert "1 ligne de total ignorée" in parsed.warnings


def test_days_column_and_subtotal_row(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Temps": [
                ["Date", "Intervenant", "Ticket", "Charge (j)"],
                [datetime(2026, 11, 20), "Zoé", "A-1", 0.5],
                [datetime(2026, 11, 21), "Léo", "A-2", "1,25"],
                ["Sous-total", None, None, 1.75],
            ]
        }
    )
    parsed = read_export(con, data, "temps.xlsx")
    assert list(entries(parsed)["hours"]) == [4.0, 10.0]
    assert parsed.rejected.empty


def test_total_in_the_first_column_is_no_pivot_report(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Temps": [
                ["Intervenant", "Date", "Ticket", "Heures"],
                ["Zoé", datetime(2026, 11, 20), "A-1", 7.5],
                ["Léo", datetime(2026, 11, 21), "A-2", 0.5],
                ["TOTAL", None, None, 8],
            ]
        }
    )
    parsed = read_export(con, data, "temps.xlsx")
    assert list(entries(parsed)["hours"]) == [7.5, 0.5]
    assert parsed.rejected.empty


def test_date_merged_over_the_rows_of_a_day(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Temps": [
                ["Date", "Personne", "Heures", "Demande"],
                [datetime(2026, 11, 20), "Zoé", 1, "A-1"],
                [None, "Léo", 2, "A-2"],
                [None, "Zoé", 3, "A-3"],
                [datetime(2026, 11, 21), "Zoé", 4, "A-4"],
            ]
        },
        merges={"Temps": ["A2:A4"]},
    )
    df = entries(read_export(con, data, "temps.xlsx"))
    assert list(df["date"].dt.day) == [20, 20, 20, 21]
    assert list(df["hours"]) == [1.0, 2.0, 3.0, 4.0]


def test_no_sheet_read_names_the_data_sheet(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Paramètres": [["Client", "ACME"]],
            "Données": [["Jour", "Qui", "Combien", "Quoi"], *[["x", "y", "z", "w"]] * 5],
        }
    )
    with pytest.raises(ImportFormatError, match="feuille « Données »"):
        read_export(con, data, "divers.xlsx")


# --------------------------------------------------------------------------- headers


def test_numero_sign_spellings_match_one_alias() -> None:
    index = alias_table({"ticket": {"fr": ("N° ticket",)}})
    for header in ("N° ticket", "Nº ticket", "№ ticket", "No ticket"):
        assert match_header([header], index).first("ticket") == 0, header
