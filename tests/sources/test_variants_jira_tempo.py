"""Jira issue exports and Jira worklog exports (Tempo) in shapes the other tests lack.

Each fixture of tests/samples/variants/ (jira-*, tempo-*) is one real-world variant:
Cloud / Data Center, English / French / German headers, a spreadsheet re-save (``;``,
Windows-1252, ``Σ`` turned into ``?``), JSM SLA names in French, Tempo Server and
Cloud columns, a total row. Values are checked one by one.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources import read_export

VARIANTS = SAMPLES / "variants"
ACCOUNT_A = "712020:40e61868-0b35-48a8-8a7c-01d6cc90eccc"


def read(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    return read_export(con, VARIANTS / name, name)


def tickets(parsed: ParsedFile) -> pd.DataFrame:
    return parsed.tickets.df().set_index("key")


def entries(parsed: ParsedFile) -> pd.DataFrame:
    df = parsed.time_entries.df()
    return df.sort_values(["_line", "started_at", "hours"]).reset_index(drop=True)


@pytest.mark.parametrize(
    ("name", "tool", "variant", "n_tickets", "n_entries"),
    [
        ("jira-cloud-all-fields-en.csv", "jira", "Jira Cloud — tous les champs (en)", 2, 3),
        ("jira-dc-all-fields-en.csv", "jira", "Jira Data Center — tous les champs (en)", 2, 2),
        ("jira-cloud-all-fields-fr.csv", "jira", "Jira Cloud — champs actuels (fr)", 2, 2),
        ("jira-cloud-all-fields-de.csv", "jira", "Jira Cloud — champs actuels (de)", 2, 1),
        ("jira-excel-semicolon-cp1252.csv", "jira", "Jira — champs actuels (fr)", 3, None),
        ("jira-jsm-fr-sla.csv", "jira", "Jira Service Management — champs actuels (fr)", 2, None),
        ("tempo-server-en.csv", "tempo", "Tempo Timesheets — worklogs (en)", None, 3),
        ("tempo-cloud-en.csv", "tempo", "Tempo Timesheets — worklogs (en)", None, 3),
        ("tempo-excel-semicolon.csv", "tempo", "Tempo Timesheets — worklogs (en)", None, 3),
        ("tempo-minimal-date-user.csv", "tempo", "Tempo Timesheets — worklogs (en)", None, 2),
    ],
)
def test_variant_is_recognised_and_counted(
    con: duckdb.DuckDBPyConnection,
    name: str,
    tool: str,
    variant: str,
    n_tickets: int | None,
    n_entries: int | None,
) -> None:
    parsed = read(con, name)
    assert (parsed.tool, parsed.variant) == (tool, variant)
    assert (None if parsed.tickets is None else len(parsed.tickets.df())) == n_tickets
    assert (None if parsed.time_entries is None else len(parsed.time_entries.df())) == n_entries
    assert len(parsed.rejected) == 0


def test_jira_cloud_english_all_fields(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "jira-cloud-all-fields-en.csv")
    df = tickets(parsed)
    assert list(df.index) == ["SUP-101", "SUP-102"]
    first = df.loc["SUP-101"]
    assert (first["created_at"], first["resolved_at"]) == (
        datetime(2026, 11, 20, 9, 31),
        datetime(2026, 11, 21, 16, 5),
    )
    assert df.loc["SUP-102", "created_at"] == datetime(2026, 12, 2, 23, 0)  # 11:00 PM
    assert (first["estimate_hours"], first["spent_hours"]) == (4.0, 2.75)  # seconds
    # The plain column wins over Σ (which adds sub-tasks): no time spent on SUP-102 itself.
    assert df.loc["SUP-102", "estimate_hours"] == 8.0
    assert pd.isna(df.loc["SUP-102", "spent_hours"])
    assert (first["project"], first["tracker"], first["assignee"]) == ("SUP", "Bug", "Zoé Martin")
    assert first["title"] == "Login fails on SSO"

    logs = entries(parsed)
    assert list(logs["hours"]) == [1.0, 1.5, 0.25]
    assert list(logs["date"]) == [
        datetime(2026, 11, 20),
        datetime(2026, 11, 21),
        datetime(2026, 11, 21),
    ]
    assert list(logs["started_at"]) == [
        datetime(2026, 11, 20, 10, 0),
        datetime(2026, 11, 21, 14, 30),
        datetime(2026, 11, 21, 15, 0),
    ]
    # Account ids are named from the user columns of the same export; unknown ids stay.
    assert list(logs["person"]) == ["Zoé Martin", "Léo Bernard", "ug:52900c16-89cf"]
    assert ACCOUNT_A not in set(logs["person"])
    assert list(logs["comment"].fillna("")) == ["Investigated logs", "Fix; deploy", ""]
    assert set(logs["ticket_key"]) == {"SUP-101"} and set(logs["ticket_source"]) == {"jira"}


def test_jira_data_center_log_work_without_comment(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "jira-dc-all-fields-en.csv")
    df = tickets(parsed)
    assert df.loc["OPS-7", "created_at"] == datetime(2027, 3, 5, 9, 31)
    assert df.loc["OPS-7", "resolved_at"] == datetime(2027, 3, 7, 10, 0)
    assert (df.loc["OPS-7", "estimate_hours"], df.loc["OPS-7", "spent_hours"]) == (2.0, 1.5)
    assert df.loc["OPS-7", "assignee"] == "jdoe"
    logs = entries(parsed)
    assert list(logs["hours"]) == [1.0, 0.5]
    assert list(logs["person"]) == ["jdoe", "jdoe"]  # Data Center: user names, no ids
    assert pd.isna(logs.loc[0, "comment"])  # ";05/Mar/27 9:31 AM;jdoe;3600"
    assert logs.loc[0, "started_at"] == datetime(2027, 3, 5, 9, 31)
    assert logs.loc[1, "comment"] == "Replaced toner"


def test_jira_french_headers_and_months(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "jira-cloud-all-fields-fr.csv")
    df = tickets(parsed)
    assert df.loc["TMA-201", "created_at"] == datetime(2026, 11, 20, 9, 31)
    assert df.loc["TMA-201", "resolved_at"] == datetime(2026, 12, 21, 16, 5)  # déc.
    assert df.loc["TMA-202", "created_at"] == datetime(2027, 2, 5, 8, 0)  # févr.
    assert (df.loc["TMA-201", "estimate_hours"], df.loc["TMA-201", "spent_hours"]) == (4.0, 2.5)
    assert (df.loc["TMA-201", "status"], df.loc["TMA-201", "tracker"]) == ("Terminé", "Bogue")
    assert df.loc["TMA-202", "assignee"] == "Léo Bernard"  # « Responsable »
    logs = entries(parsed)  # « Journal de travail » columns
    assert list(logs["date"]) == [datetime(2026, 11, 20), datetime(2026, 12, 21)]
    assert list(logs["hours"]) == [1.0, 1.5]
    assert set(logs["person"]) == {"Zoé Martin"}


def test_jira_german_headers(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "jira-cloud-all-fields-de.csv")
    df = tickets(parsed)
    assert list(df.index) == ["WEB-11", "WEB-12"]
    first = df.loc["WEB-11"]
    assert (first["title"], first["tracker"], first["status"]) == (
        "Warenkorb leer",
        "Fehler",
        "Fertig",
    )
    assert (first["priority"], first["resolution"], first["assignee"]) == (
        "Hoch",
        "Erledigt",
        "Jürgen Weiß",
    )
    assert first["created_at"] == datetime(2026, 11, 20, 9, 31)  # 20.11.26 09:31
    assert first["resolved_at"] == datetime(2026, 11, 21, 16, 5)
    assert df.loc["WEB-12", "created_at"] == datetime(2026, 12, 13, 14, 10)
    assert (first["estimate_hours"], first["spent_hours"]) == (2.0, 0.75)
    logs = entries(parsed)  # « Arbeit protokollieren », « 03/Mär/27 2:10 PM »
    assert logs.loc[0, "started_at"] == datetime(2027, 3, 3, 14, 10)
    assert (logs.loc[0, "hours"], logs.loc[0, "person"]) == (0.75, "Jürgen Weiß")
    again = read_export(con, (VARIANTS / "jira-cloud-all-fields-de.csv").read_bytes(), "x.csv")
    assert list(again.time_entries.df()["entry_id"]) == list(logs["entry_id"])


def test_jira_resaved_by_a_spreadsheet(con: duckdb.DuckDBPyConnection) -> None:
    """« ; », Windows-1252, dd/mm/yyyy hh:mm, and « Σ » written as « ? »."""
    parsed = read(con, "jira-excel-semicolon-cp1252.csv")
    df = tickets(parsed)
    assert list(df.index) == ["TMA-301", "TMA-302", "TMA-303"]
    assert df.loc["TMA-301", "title"] == "Panier vide; urgent"
    assert df.loc["TMA-303", "status"] == "À faire"  # Windows-1252 decoded
    assert df.loc["TMA-301", "created_at"] == datetime(2026, 11, 20, 9, 31)
    assert df.loc["TMA-302", "created_at"] == datetime(2027, 2, 5, 8, 0)  # not 2 May
    assert df.loc["TMA-303", "created_at"] == datetime(2027, 8, 13, 23, 59)
    assert (df.loc["TMA-301", "estimate_hours"], df.loc["TMA-301", "spent_hours"]) == (4.0, 2.5)
    assert df.loc["TMA-302", "estimate_hours"] == 8.0
    assert any("« ? Temps consacré »" in w for w in parsed.warnings)


def test_jsm_sla_names_in_french_stay_text(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(read(con, "jira-jsm-fr-sla.csv"))
    assert json.loads(df.loc["AIDE-1", "extra"]) == {
        "Délai de première réponse": "2:18",
        "Délai de résolution": "-1:30",
    }
    assert json.loads(df.loc["AIDE-2", "extra"]) == {"Time to close after resolution": "71:59"}
    # « Durée(mn) » holds decimals, not H:MM: it is no SLA.
    assert "Durée(mn)" not in df.loc["AIDE-1", "extra"]
    assert df.loc["AIDE-1", "resolved_at"] == datetime(2026, 11, 20, 12, 45)


def test_jira_without_key_is_refused_in_french(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read(con, "jira-current-fields-no-key.csv")
    message = str(caught.value)
    assert message.startswith("Export Jira sans clé de ticket : attendu une colonne « Issue key »")
    assert "trouvé les colonnes « Issue Type », « Summary »" in message


def test_tempo_server_days_people_projects_and_total(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "tempo-server-en.csv")
    assert "1 ligne de total ignorée" in parsed.warnings
    assert parsed.rows_read == 4
    logs = entries(parsed)
    assert list(logs["ticket_key"]) == ["TMA-1", "TMA-2", "OPS-9"]
    assert list(logs["hours"]) == [2.5, 0.25, 7.0]
    assert list(logs["date"]) == [
        datetime(2026, 11, 20),
        datetime(2026, 11, 21),
        datetime(2026, 12, 1),
    ]
    # « 2026-11-20 00:00 » is a day, not a start at midnight; 14:33 is a real time.
    assert pd.isna(logs.loc[0, "started_at"]) and pd.isna(logs.loc[2, "started_at"])
    assert logs.loc[1, "started_at"] == datetime(2026, 11, 21, 14, 33)
    assert list(logs["person"]) == ["Zoé Martin", "leo", "Zoé Martin"]  # full name, else login
    # Project key, else the key's prefix (as for Jira tickets), before the project name.
    assert list(logs["project"]) == ["TMA", "TMA", "OPS"]
    assert logs.loc[2, "comment"] == "Dev\nsuite"
    assert set(logs["ticket_source"]) == {"jira"} and set(logs["source"]) == {"tempo"}


def test_tempo_cloud_ids_start_time_and_author(con: duckdb.DuckDBPyConnection) -> None:
    logs = entries(read(con, "tempo-cloud-en.csv"))
    assert list(logs["entry_id"]) == ["1001", "1002", "1003"]  # Tempo's id, not Jira's
    assert list(logs["started_at"][:2]) == [
        datetime(2026, 11, 20, 9, 30),
        datetime(2026, 11, 21, 14, 0),  # « 2:00 PM »
    ]
    assert pd.isna(logs.loc[2, "started_at"])
    assert list(logs["hours"]) == [1.5, 0.75, 3.0]  # « Hours », not « Billable Hours »
    assert list(logs["person"]) == ["Zoé Martin", "Léo Bernard", "Léo Bernard"]


def test_tempo_resaved_with_decimal_comma(con: duckdb.DuckDBPyConnection) -> None:
    logs = entries(read(con, "tempo-excel-semicolon.csv"))
    assert list(logs["hours"]) == [2.5, 0.25, 1234.5]
    assert list(logs["date"]) == [
        datetime(2026, 11, 20),
        datetime(2026, 12, 3),
        datetime(2026, 12, 4),
    ]
    assert logs.loc[1, "comment"] == "Réunion; bilan"


def test_tempo_with_plain_date_and_user_is_not_redmine(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "tempo-minimal-date-user.csv")
    assert parsed.tool == "tempo"
    logs = entries(parsed)
    assert list(logs["ticket_key"]) == ["TMA-1", "TMA-2"]
    assert list(logs["person"]) == ["Zoé Martin", "Léo Bernard"]
    assert list(logs["hours"]) == [1.5, 0.5]


def test_tempo_workbook_with_title_rows(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Worklogs"
    sheet.append(["Logged Time"])
    sheet.append(["Period: 01/Nov/26 - 30/Nov/26"])
    sheet.append([])
    sheet.append(["Issue Key", "Issue summary", "Hours", "Work date", "Full name", "Worklog Id"])
    sheet.append(["TMA-1", "Fix", 2.5, datetime(2026, 11, 20), "Zoé Martin", 3001])
    sheet.append(["TMA-2", "Export", 0.25, datetime(2026, 11, 21, 9, 15), "Léo Bernard", 3002])
    path = tmp_path / "tempo.xlsx"
    book.save(path)
    parsed = read_export(con, path, path.name)
    assert (parsed.tool, parsed.variant) == ("tempo", "Tempo Timesheets — worklogs (en) (classeur)")
    logs = entries(parsed)
    assert [d.date() for d in logs["date"]] == [date(2026, 11, 20), date(2026, 11, 21)]
    assert pd.isna(logs.loc[0, "started_at"])
    assert logs.loc[1, "started_at"] == datetime(2026, 11, 21, 9, 15)
    assert list(logs["entry_id"]) == ["3001", "3002"]
    assert list(logs["project"]) == ["TMA", "TMA"]


@pytest.mark.parametrize("source", ["auto", "tempo"])
def test_tempo_day_grid_is_refused_with_the_reason(
    con: duckdb.DuckDBPyConnection, source: str
) -> None:
    with pytest.raises(ImportFormatError) as refused:
        read_export(con, VARIANTS / "tempo-grid.csv", "tempo-grid.csv", source)
    message = str(refused.value)
    assert "une colonne par jour" in message
    assert "attendu une liste de saisies" in message and "trouvé des colonnes de dates" in message
