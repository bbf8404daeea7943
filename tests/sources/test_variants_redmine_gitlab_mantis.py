"""Redmine, GitLab and MantisBT exports in the variants real users produce.

Fixtures in tests/samples/variants are written from the tools' documented formats:
Redmine locale captions (en, de, es, pt-BR), hours as ``1:30`` (``timespan_format``
"minutes"), GitLab's older column order and 18.4 work-item columns (``ID``/``IID``),
MantisBT's BOM + CRLF files with extra columns and 1.2.x French labels.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources import read_export

VARIANTS = SAMPLES / "variants"


def parse(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    return read_export(con, VARIANTS / name, name)


def tickets(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return parse(con, name).tickets.df().set_index("key")


def entries(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return parse(con, name).time_entries.df().set_index("_line")


@pytest.mark.parametrize(
    ("name", "variant", "rows"),
    [
        ("redmine-issues-en-utf8bom.csv", "Redmine — demandes (en)", 3),
        ("redmine-issues-en-total-spent.csv", "Redmine — demandes (en)", 2),
        ("redmine-issues-de-latin1.csv", "Redmine — demandes (de)", 2),
        ("redmine-issues-es.csv", "Redmine — demandes (es)", 1),
        ("redmine-issues-ptbr.csv", "Redmine — demandes (pt-BR)", 1),
        ("redmine-timelog-en.csv", "Redmine — temps passé (en)", 4),
        ("redmine-timelog-de.csv", "Redmine — temps passé (de)", 2),
        ("redmine-timelog-es.csv", "Redmine — temps passé (es)", 1),
        ("redmine-timelog-ptbr.csv", "Redmine — temps passé (pt-BR)", 1),
        ("gitlab-issues-old-order.csv", "GitLab — export des tickets (en)", 1),
        ("gitlab-issues-work-items.csv", "GitLab — export des tickets (en)", 2),
        ("gitlab-issues-issue-id-and-iid.csv", "GitLab — export des tickets (en)", 1),
        ("mantis-en-default.csv", "MantisBT — export CSV (en)", 3),
        ("mantis-en-extra.csv", "MantisBT — export CSV (en)", 1),
        ("mantis-fr-1.2.csv", "MantisBT — export CSV (fr)", 1),
    ],
    ids=lambda v: v if isinstance(v, str) and v.endswith(".csv") else "",
)
def test_variant_is_recognised_and_counted(
    con: duckdb.DuckDBPyConnection, name: str, variant: str, rows: int
) -> None:
    parsed = parse(con, name)
    assert (parsed.tool, parsed.variant) == (name.split("-")[0], variant)
    assert parsed.rows_read == rows
    assert parsed.rejected.empty
    table = parsed.time_entries if "temps passé" in variant else parsed.tickets
    assert len(table.df()) == rows


def test_redmine_english_issues(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(con, "redmine-issues-en-utf8bom.csv")
    assert list(df.index) == ["1201", "1202", "1203"]
    first = df.loc["1201"]
    assert first["title"] == "Cart emptied on checkout"
    assert (first["project"], first["tracker"], first["status"]) == ("Webshop", "Bug", "Closed")
    # %m/%d/%Y %I:%M %p, English Redmine's default
    assert first["created_at"] == datetime(2025, 11, 3, 9, 12)
    assert first["closed_at"] == datetime(2025, 11, 5, 17, 40)
    assert (first["estimate_hours"], first["spent_hours"]) == (4.0, 5.5)
    assert first["assignee"] == "Bob Smith"
    assert json.loads(first["extra"]) == {
        "Category": "Front",
        "Target version": "v2.1",
        "Due date": "11/07/2025",
    }
    # "Estimated time", not "Total estimated time" (which adds the subtasks')
    assert df.loc["1202", "estimate_hours"] == 16.0
    assert json.loads(df.loc["1202", "extra"]) == {"Parent task": "1201"}
    assert df.loc["1202", "created_at"] == datetime(2025, 11, 4, 14, 3)
    assert pd.isna(df.loc["1203", "estimate_hours"]) and pd.isna(df.loc["1203", "closed_at"])


def test_redmine_total_spent_time_column_is_no_pivot_report(
    con: duckdb.DuckDBPyConnection,
) -> None:
    df = tickets(con, "redmine-issues-en-total-spent.csv")
    assert list(df.index) == ["7", "8"]
    assert (df.loc["7", "estimate_hours"], df.loc["7", "spent_hours"]) == (2.0, 1.0)


@pytest.mark.parametrize(
    ("name", "key", "title", "estimate", "spent"),
    [
        ("redmine-issues-de-latin1.csv", "301", "Anmeldung schlägt fehl", 4.0, 5.5),
        ("redmine-issues-es.csv", "41", "Fallo de pago", 2.0, 3.0),
        ("redmine-issues-ptbr.csv", "51", "Erro no pagamento", 2.0, 3.5),
    ],
)
def test_redmine_localised_issues(
    con: duckdb.DuckDBPyConnection,
    name: str,
    key: str,
    title: str,
    estimate: float,
    spent: float,
) -> None:
    df = tickets(con, name)
    row = df.loc[key]
    assert row["title"] == title
    assert (row["estimate_hours"], row["spent_hours"]) == (estimate, spent)
    assert row["created_at"] == datetime(2025, 11, 3, 9, 12)  # day-first or ISO
    assert row["closed_at"] == datetime(2025, 11, 5, 17, 40)
    assert pd.notna(row["tracker"]) and pd.notna(row["assignee"])


def test_redmine_german_thousands_and_parent(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(con, "redmine-issues-de-latin1.csv")
    assert df.loc["302", "estimate_hours"] == 1234.5  # "1.234,50"
    assert df.loc["302", "created_at"] == datetime(2025, 11, 14, 14, 3)  # 14.11.2025 14:03
    assert json.loads(df.loc["302", "extra"]) == {"Übergeordnete Aufgabe": "301"}


def test_redmine_english_timelog(con: duckdb.DuckDBPyConnection) -> None:
    df = entries(con, "redmine-timelog-en.csv")
    assert list(df["hours"]) == [3.5, 1.5, 1.0, 0.75]  # 3.50, 1:30, 1.00, 0:45
    assert list(df["date"]) == [
        datetime(2025, 11, 5),
        datetime(2025, 11, 20),
        datetime(2025, 11, 21),
        datetime(2025, 11, 24),
    ]
    # "Bug #1201: Cart: fix #2" -> 1201; "#1203" (issue not visible) -> 1203
    assert list(df["ticket_key"].fillna("")) == ["1201", "1202", "", "1203"]
    assert list(df["ticket_source"].fillna("")) == ["redmine", "redmine", "", "redmine"]
    assert df.loc[2, "person"] == "Bob Smith"  # User, not Author
    assert (df.loc[3, "project"], df.loc[3, "comment"]) == ("Webshop", "Spec, mockup")


@pytest.mark.parametrize(
    ("name", "person", "day", "hours", "key"),
    [
        ("redmine-timelog-de.csv", "Jörg", datetime(2025, 11, 5), 3.5, "301"),
        ("redmine-timelog-es.csv", "Lucía", datetime(2025, 11, 5), 2.5, "41"),
        ("redmine-timelog-ptbr.csv", "João", datetime(2025, 11, 13), 2.0, "51"),
    ],
)
def test_redmine_localised_timelogs(
    con: duckdb.DuckDBPyConnection,
    name: str,
    person: str,
    day: datetime,
    hours: float,
    key: str,
) -> None:
    first = entries(con, name).iloc[0]
    assert (first["person"], first["date"], first["hours"]) == (person, day, hours)
    assert (first["ticket_key"], first["ticket_source"]) == (key, "redmine")


def test_gitlab_old_column_order(con: duckdb.DuckDBPyConnection) -> None:
    row = tickets(con, "gitlab-issues-old-order.csv").loc["grp/sub/app#5"]
    assert (row["project"], row["title"], row["status"]) == ("grp/sub/app", "Old style", "Closed")
    assert row["created_at"] == datetime(2019, 3, 1, 9, 0)  # UTC -> Europe/Paris
    assert row["closed_at"] == datetime(2019, 3, 2, 8, 0)
    assert (row["estimate_hours"], row["spent_hours"]) == (1.0, 0.5)  # seconds
    assert row["assignee"] == "Bob, Carol"


def test_gitlab_work_items_key_on_the_iid(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(con, "gitlab-issues-work-items.csv")
    assert sorted(df.index) == ["acme/site#12", "acme/site#13"]  # IID, not the global ID
    assert df.loc["acme/site#12", "tracker"] == "Issue"
    assert df.loc["acme/site#13", "tracker"] == "Task"
    assert df.loc["acme/site#13", "closed_at"] == datetime(2026, 3, 3, 9, 0)
    assert json.loads(df.loc["acme/site#13", "extra"])["Parent IID"] == "12"
    assert (df.loc["acme/site#13", "estimate_hours"], df.loc["acme/site#13", "spent_hours"]) == (
        2.0,
        1.0,
    )


def test_gitlab_iid_wins_over_a_global_issue_id(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(con, "gitlab-issues-issue-id-and-iid.csv")
    assert list(df.index) == ["acme/site#14"]
    assert pd.isna(df.loc["acme/site#14", "estimate_hours"])  # 0 s: no estimate


def test_mantis_english_default_columns(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(con, "mantis-en-default.csv")
    assert sorted(df.index) == ["1000", "123", "124"]
    assert df.loc["123", "title"] == 'Cart, "checkout" broken'
    assert df.loc["124", "title"] == "=HYPERLINK(1)"  # injection tab removed
    assert df.loc["123", "created_at"] == datetime(2026, 1, 5)
    assert (df.loc["123", "assignee"], df.loc["123", "resolution"]) == ("bob", "fixed")
    assert df.loc["123", "tracker"] == "[All Projects] General"
    assert json.loads(df.loc["123", "extra"])["Severity"] == "major"
    assert df.loc["1000", "title"].splitlines() == ["Line", "break"]


def test_mantis_extra_columns_and_time_tracking(con: duckdb.DuckDBPyConnection) -> None:
    row = tickets(con, "mantis-en-extra.csv").loc["200"]
    assert row["spent_hours"] == 1.5  # "Time Tracking" 1:30
    assert row["created_at"] == datetime(2026, 3, 2)
    assert json.loads(row["extra"]) == {
        "Severity": "crash",
        "Target Version": "2.0",
        "Due Date": "2026-03-10",
        "Tags": "auth,login",
    }


def test_mantis_french_labels_of_version_1_2(con: duckdb.DuckDBPyConnection) -> None:
    row = tickets(con, "mantis-fr-1.2.csv").loc["42"]
    assert (row["title"], row["status"], row["assignee"]) == ("Écran blanc", "résolu", "bob")
    assert row["created_at"] == datetime(2012, 1, 5)
    assert json.loads(row["extra"])["Impact"] == "majeur"


def test_mantis_excel_xml_export_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError) as refused:
        parse(con, "mantis-excel.xml")
    message = str(refused.value)
    assert "attendu" in message and "trouvé" in message
    assert "XML Spreadsheet 2003" in message and "exportez au format CSV" in message
