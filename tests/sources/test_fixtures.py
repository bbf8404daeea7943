"""Our own fixtures (tests/samples): one per quirk, with values checked one by one."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ParsedFile
from tma_metrics.sources import read_export


@dataclass(frozen=True)
class Case:
    file: str
    encoding: str
    delimiter: str
    tool: str
    variant: str
    tickets: int | None
    entries: int | None
    rejected: int
    notes: tuple[str, ...] = ()


CASES = [
    Case(
        "redmine-issues-fr-latin1.csv",
        "latin-1",
        ";",
        "redmine",
        "Redmine — demandes (fr)",
        5,
        None,
        1,
        (
            "1 date de création illisible (colonne « Créé ») : valeur ignorée",
            "2 demandes sans temps estimé",
        ),
    ),
    Case(
        "redmine-timelog-fr-latin1.csv",
        "latin-1",
        ";",
        "redmine",
        "Redmine — temps passé (fr)",
        None,
        5,
        4,
        ("1 saisie de temps sans demande associée",),
    ),
    Case(
        "jira-fr-logwork.csv",
        "utf-8",
        ",",
        "jira",
        "Jira Service Management — champs actuels (fr)",
        3,
        4,
        1,
    ),
    Case(
        "jsm-es.csv",
        "utf-8",
        ",",
        "jira",
        "Jira Service Management Cloud — champs actuels (es)",
        2,
        None,
        0,
    ),
    Case("glpi-fr.csv", "utf-8-sig", ";", "glpi", "GLPI — tickets (fr)", 3, None, 1),
    Case(
        "glpi-fr-resaved.csv",
        "utf-8",
        ";",
        "glpi",
        "GLPI — tickets (fr), réenregistré par un tableur",
        2,
        None,
        0,
    ),
    Case(
        "canonical-tickets-fr.csv",
        "utf-8",
        ";",
        "canonical",
        "Format TMA Metrics — demandes",
        4,
        None,
        1,
        ("1 statut d'estimation illisible (colonne « Statut estimation ») : valeur ignorée",),
    ),
    Case(
        "canonical-time-en.csv",
        "utf-8",
        ",",
        "canonical",
        "Format TMA Metrics — temps passé",
        None,
        3,
        1,
    ),
    Case("kimai-fr.csv", "utf-8", ",", "kimai", "Kimai — export des temps (fr)", None, 3, 0),
    Case(
        "gitlab-issues.csv", "utf-8", ",", "gitlab", "GitLab — export des tickets (en)", 2, None, 0
    ),
    Case(
        "zendesk-tickets.csv",
        "utf-8",
        ",",
        "zendesk",
        "Zendesk Support — export des tickets (en)",
        2,
        None,
        0,
    ),
    Case("mantis-fr.csv", "utf-8-sig", ",", "mantis", "MantisBT — export CSV (fr)", 2, None, 0),
    Case(
        "clockify-us.csv", "utf-8", ",", "clockify", "Clockify — rapport détaillé (en)", None, 2, 0
    ),
    Case(
        "tempo-worklogs.csv", "utf-8", ",", "tempo", "Tempo Timesheets — worklogs (en)", None, 1, 1
    ),
    Case(
        "harvest-time.csv",
        "utf-8",
        ",",
        "harvest",
        "Harvest — rapport détaillé des temps (en)",
        None,
        2,
        0,
    ),
    Case(
        "worklog-app.csv",
        "utf-8-sig",
        ",",
        "jira-worklog",
        "Jira — rapport de worklogs d'une application (valeurs formatées)",
        None,
        2,
        0,
        ("1 ligne de total ignorée",),
    ),
]


def records(case: Case) -> list[list[str]]:
    """Return the data records of a fixture, counted with Python's csv module."""
    text = (SAMPLES / case.file).read_bytes().decode(case.encoding)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=case.delimiter) if r]
    return rows[1:]


def count(parsed: ParsedFile, table: str) -> int | None:
    relation = getattr(parsed, table)
    return None if relation is None else len(relation.df())


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
@pytest.mark.parametrize("as_bytes", [False, True], ids=["path", "bytes"])
def test_fixture_is_recognised_and_counted(
    con: duckdb.DuckDBPyConnection, case: Case, as_bytes: bool
) -> None:
    path = SAMPLES / case.file
    parsed = read_export(con, path.read_bytes() if as_bytes else path, case.file)
    assert (parsed.tool, parsed.variant) == (case.tool, case.variant)
    assert parsed.rows_read == len(records(case))
    assert count(parsed, "tickets") == case.tickets
    assert count(parsed, "time_entries") == case.entries
    assert len(parsed.rejected) == case.rejected
    for note in case.notes:
        assert note in parsed.warnings


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    keys = ["_line", "entry_id"] if "entry_id" in df else ["_line"]
    return df.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_disk_and_memory_readers_agree(con: duckdb.DuckDBPyConnection, case: Case) -> None:
    path = SAMPLES / case.file
    on_disk = read_export(con, path, case.file)
    in_memory = read_export(con, path.read_bytes(), case.file)
    for table in ("tickets", "time_entries", "status_history"):
        a, b = getattr(on_disk, table), getattr(in_memory, table)
        assert (a is None) == (b is None)
        if a is not None:
            pd.testing.assert_frame_equal(ordered(a.df()), ordered(b.df()))
    pd.testing.assert_frame_equal(on_disk.rejected, in_memory.rejected)
    assert on_disk.warnings == in_memory.warnings


def frame(con: duckdb.DuckDBPyConnection, name: str, table: str) -> pd.DataFrame:
    parsed = read_export(con, SAMPLES / name, name)
    return getattr(parsed, table).df().set_index("_line")


def test_redmine_french_issues(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "redmine-issues-fr-latin1.csv", "tickets")
    first = df.loc[2]
    assert first["key"] == "1042" and first["source"] == "redmine"
    assert first["title"] == "Le panier se vide à la validation"  # latin-1 decoded
    assert first["created_at"] == datetime(2025, 11, 3, 9, 12)
    assert first["closed_at"] == datetime(2025, 11, 5, 17, 40)
    assert pd.isna(first["resolved_at"])  # Redmine only dates the closing
    assert (first["estimate_hours"], first["spent_hours"]) == (4.0, 5.5)
    assert first["estimate_status"] == "validated"
    assert df.loc[5, "estimate_hours"] == 1234.5  # "1 234,50"
    assert pd.isna(df.loc[7, "created_at"])  # 31/02/2025 nulled, warned


def test_redmine_french_timelog_rejects(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, SAMPLES / "redmine-timelog-fr-latin1.csv", "timelog.csv")
    df = parsed.time_entries.df().set_index("_line")
    assert df.loc[2, "ticket_key"] == "1042" and df.loc[2, "ticket_source"] == "redmine"
    assert df.loc[4, "comment"] == "Spécification; maquette"
    assert pd.isna(df.loc[5, "ticket_key"]) and pd.isna(df.loc[5, "ticket_source"])
    assert df.loc[6, "hours"] == 2.0
    rejected = parsed.rejected.set_index("line")
    assert list(rejected.index) == [7, 8, 9, 10]
    assert list(rejected["column"]) == ["Date", "Heures", "Heures", "Heures"]
    assert rejected.loc[7, "reason"].startswith("Date illisible : attendu une date")
    assert rejected.loc[7, "reason"].endswith("trouvé « 32/11/2025 »")
    assert "trouvé une cellule vide" in rejected.loc[9, "reason"]
    assert rejected.loc[10, "reason"].startswith("Durée négative")


def test_jira_log_work_cells_become_time_entries(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, SAMPLES / "jira-fr-logwork.csv", "Jira.csv")
    tickets = parsed.tickets.df().set_index("key")
    assert tickets.loc["TMA-101", "created_at"] == datetime(2025, 12, 7, 10, 51)
    assert tickets.loc["TMA-101", "resolved_at"] == datetime(2025, 12, 8, 17, 30)
    assert tickets.loc["TMA-102", "created_at"] == datetime(2025, 8, 28, 19, 43)
    assert (tickets.loc["TMA-101", "estimate_hours"], tickets.loc["TMA-101", "spent_hours"]) == (
        8,
        10,
    )
    assert json.loads(tickets.loc["TMA-101", "extra"]) == {"Time to first response": "1:15"}
    entries = parsed.time_entries.df()
    assert sorted(entries["hours"]) == [1.0, 2.0, 4.0, 4.0]
    assert set(entries["ticket_source"]) == {"jira"} and set(entries["source"]) == {"jira"}
    # Two identical cells stay two entries, with distinct and stable ids.
    assert entries["entry_id"].nunique() == 4
    again = read_export(con, (SAMPLES / "jira-fr-logwork.csv").read_bytes(), "Jira.csv")
    assert set(again.time_entries.df()["entry_id"]) == set(entries["entry_id"])
    comments = set(entries["comment"])
    assert comments == {"Analyse", "Correctif; tests", "Maquette, premier jet"}
    assert parsed.rejected.iloc[0]["raw"] == "tma-104"


def test_jsm_sla_columns_stay_text(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "jsm-es.csv", "tickets").set_index("key")
    assert json.loads(df.loc["MDA-7", "extra"]) == {
        "Time to first response": "2:18",
        "Time to done": "22:17",
    }
    assert json.loads(df.loc["MDA-8", "extra"]) == {"Time to first response": "-1:30"}
    assert df.loc["MDA-8", "created_at"] == datetime(2026, 7, 19, 16, 45)
    assert df.loc["MDA-7", "resolved_at"] == datetime(2026, 7, 18, 10, 53)


def test_glpi_quirks(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "glpi-fr.csv", "tickets").set_index("key")
    assert list(df.index) == ["2553", "2556", "2560"]
    assert df.loc["2553", "assignee"] == "Jean Dupont, Marie Curie"
    assert df.loc["2553", "resolved_at"] == datetime(2025, 9, 5, 16, 2)
    assert df.loc["2553", "closed_at"] == datetime(2025, 9, 8, 9, 0)
    assert list(df["spent_hours"]) == [1.5, 0.75, 0.0]
    assert df.loc["2553", "project"] == "Client A > Siège"
    assert df.loc["2560", "title"] == 'Lenteur du "VPN"'  # GLPI writes " as ''
    assert json.loads(df.loc["2553", "extra"]) == {"Catégorie": "Matériel > Imprimante"}


def test_canonical_rules(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "canonical-tickets-fr.csv", "tickets").set_index("key")
    assert df.loc["T-1", "tracker"] == "Anomalie" and pd.isna(df.loc["T-1", "kind"])
    assert (df.loc["T-2", "kind"], df.loc["T-2", "estimate_status"]) == ("evolutive", "refused")
    assert df.loc["T-1", "estimate_status"] == "validated"  # an estimate without status
    assert (df.loc["T-3", "estimate_hours"], df.loc["T-3", "estimate_status"]) == (12.0, "pending")
    assert (df.loc["T-3", "reestimate_hours"], df.loc["T-3", "reestimate_status"]) == (
        16.0,
        "accepted",
    )
    assert pd.isna(df.loc["T-5", "estimate_status"])  # unreadable status is not "validated"
    assert df.loc["T-2", "created_at"] == datetime(2026, 11, 21, 14, 0)
    entries = frame(con, "canonical-time-en.csv", "time_entries")
    assert list(entries["hours"]) == [3.5, 1.5, 4.0]
    assert list(entries["ticket_key"].fillna("")) == ["T-1", "T-2", ""]
    assert entries["ticket_source"].isna().all() and set(entries["source"]) == {"canonical"}


def test_timesheets_find_ticket_references(con: duckdb.DuckDBPyConnection) -> None:
    kimai = frame(con, "kimai-fr.csv", "time_entries")
    assert list(kimai["ticket_key"].fillna("")) == ["ABC-12", "456", ""]
    assert list(kimai["hours"]) == [1.5, 0.75, 4.0]
    assert kimai.loc[2, "started_at"] == datetime(2026, 11, 20, 9, 0)
    clockify = frame(con, "clockify-us.csv", "time_entries")
    assert list(clockify["date"]) == [datetime(2026, 9, 15), datetime(2026, 9, 16)]
    assert clockify.loc[3, "started_at"] == datetime(2026, 9, 16, 14, 0)
    harvest = frame(con, "harvest-time.csv", "time_entries")
    assert list(harvest["ticket_key"]) == ["88", "WEB-5"]
    assert harvest.loc[2, "person"] == "Ann Lee"


def test_gitlab_keys_and_time_zone(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "gitlab-issues.csv", "tickets").set_index("key")
    assert list(df.index) == ["acme/site#12", "acme/site#13"]
    assert df.loc["acme/site#12", "created_at"] == datetime(2026, 7, 1, 10, 0)  # UTC+2
    assert df.loc["acme/site#13", "created_at"] == datetime(2026, 12, 2, 0, 30)  # UTC+1
    assert df.loc["acme/site#13", "title"] == "=cmd"  # anti-formula quote removed
    assert (df.loc["acme/site#12", "estimate_hours"], df.loc["acme/site#12", "spent_hours"]) == (
        2.0,
        1.5,
    )
    assert pd.isna(df.loc["acme/site#13", "estimate_hours"])  # 0 means no estimate


def test_gitlab_time_zone_is_the_contracts(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, SAMPLES / "gitlab-issues.csv", "x.csv", timezone="America/New_York")
    assert parsed.tickets.df()["created_at"].iloc[0] == datetime(2026, 7, 1, 4, 0)


def test_zendesk_first_reply_is_measured_not_invented(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "zendesk-tickets.csv", "tickets").set_index("key")
    assert df.loc["101", "responded_at"] == datetime(2026, 3, 2, 9, 45)
    assert pd.isna(df.loc["102", "responded_at"])
    assert (df.loc["101", "project"], df.loc["102", "project"]) == ("ACME", "Support")
    assert json.loads(df.loc["101", "extra"])["Category [list]"] == "Access"
    assert "Category [list]" not in json.loads(df.loc["102", "extra"])  # "-" is empty


def test_mantis_keys_and_injection_tabs(con: duckdb.DuckDBPyConnection) -> None:
    df = frame(con, "mantis-fr.csv", "tickets").set_index("key")
    assert list(df.index) == ["42", "43"]
    assert df.loc["42", "title"] == "=SOMME(A1)"
    assert df.loc["42", "created_at"] == datetime(2026, 1, 5)


def test_worklog_app_and_tempo(con: duckdb.DuckDBPyConnection) -> None:
    app = frame(con, "worklog-app.csv", "time_entries")
    assert list(app["entry_id"]) == ["501", "502"]
    assert list(app["hours"]) == [1.5, 0.75]
    assert app.loc[2, "started_at"] == datetime(2026, 11, 20, 9, 5)
    assert pd.isna(app.loc[3, "comment"])  # "_" is empty
    parsed = read_export(con, SAMPLES / "tempo-worklogs.csv", "tempo.csv")
    assert parsed.rejected.iloc[0]["column"] == "Hours"
    assert parsed.time_entries.df().iloc[0]["person"] == "Zoé Martin"


def test_relations_have_the_canonical_columns(con: duckdb.DuckDBPyConnection) -> None:
    from tma_metrics.domain.model import TICKET_COLUMNS, TIME_ENTRY_COLUMNS

    parsed = read_export(con, SAMPLES / "jira-fr-logwork.csv", "Jira.csv")
    assert parsed.tickets.columns == [*TICKET_COLUMNS, "_line"]
    assert parsed.time_entries.columns == [*TIME_ENTRY_COLUMNS, "_line"]
    types = dict(zip(parsed.tickets.columns, map(str, parsed.tickets.types), strict=True))
    assert (types["created_at"], types["estimate_hours"], types["_line"]) == (
        "TIMESTAMP",
        "DOUBLE",
        "BIGINT",
    )


def test_the_store_can_insert_from_the_relations(con: duckdb.DuckDBPyConnection) -> None:
    """The relations stay readable after read_export returns (lazy, on the same connection)."""
    parsed = read_export(con, SAMPLES / "kimai-fr.csv", "kimai.csv")
    parsed.time_entries.create_view("incoming")
    con.execute("CREATE TABLE landed AS SELECT * EXCLUDE (_line) FROM incoming").fetchall()
    assert con.execute("SELECT count(*), sum(hours) FROM landed").fetchall() == [(3, 6.25)]
