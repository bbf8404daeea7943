"""Redmine, Jira and Jira worklog exports in shapes first seen in real public files.

Each fixture of tests/samples/variants/real-* holds a few rows of our own that reproduce
one quirk of a real export (the real files are not copied):

- a Japanese Redmine issue list (emarfkrow/progress_manage ``issues (1).csv``): Japanese
  captions (``#,プロジェクト,トラッカー,...``), ``""`` for empty values, ``2022/08/22 21:14``
  dates; the spent-time list of the same UI language;
- a Jira Assistant worklog report (luizgrocco/jira-to-spreadsheet ``worklogs.csv``):
  ``Ticket No``, ``Log Date & Time`` written ``29-Jun-2023  04:00:00 PM`` (two spaces),
  ``Log user``, decimal ``Hr. Spent``, unquoted cells holding doubled quotes.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ParsedFile
from tma_metrics.sources import read_export

VARIANTS = SAMPLES / "variants"


def read(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    return read_export(con, VARIANTS / name, name)


def test_redmine_japanese_issue_list(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-redmine-issues-ja.csv")
    assert (parsed.tool, parsed.variant) == ("redmine", "Redmine — demandes (ja)")
    assert len(parsed.rejected) == 0
    df = parsed.tickets.df().set_index("key")
    assert sorted(df.index) == ["212", "213"]
    bug = df.loc["212"]
    assert (bug["project"], bug["tracker"], bug["status"], bug["priority"]) == (
        "保守",
        "バグ",
        "終了",
        "高め",
    )
    assert (bug["title"], bug["assignee"]) == ("ログイン画面のエラー", "佐藤 花子")
    assert bug["created_at"] == datetime(2027, 3, 1, 9, 12)
    assert bug["closed_at"] == datetime(2027, 3, 9, 18, 5)
    assert (bug["estimate_hours"], bug["spent_hours"]) == (6.5, 4.25)
    feature = df.loc["213"]
    assert feature["assignee"] is None or pd.isna(feature["assignee"])  # written ""
    assert pd.isna(feature["estimate_hours"]) and pd.isna(feature["closed_at"])
    assert feature["spent_hours"] == 0.0


def test_redmine_japanese_spent_time(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-redmine-timelog-ja.csv")
    assert (parsed.tool, parsed.variant) == ("redmine", "Redmine — temps passé (ja)")
    df = parsed.time_entries.df().sort_values("_line").reset_index(drop=True)
    assert list(df["date"]) == [datetime(2027, 3, 8), datetime(2027, 3, 9)]
    assert list(df["hours"]) == [3.0, 1.25]
    assert list(df["ticket_key"]) == ["212", "212"]
    assert list(df["person"]) == ["佐藤 花子", "佐藤 花子"]
    assert list(df["activity"]) == ["開発", "テスト"]
    assert df.loc[1, "comment"] == "再現確認"


def test_jira_assistant_worklog_report(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-jira-assistant-worklogs.csv")
    assert parsed.tool == "jira-worklog"
    assert parsed.tickets is None
    assert len(parsed.rejected) == 0
    df = parsed.time_entries.df().sort_values("_line").reset_index(drop=True)
    assert list(df["ticket_key"]) == ["SUP-12", "SUP-12", "SUP-15"]
    assert list(df["hours"]) == [1.5, 0.75, 0.25]  # "Hr. Spent": decimal hours
    # "Log Date & Time", not "Worklog Created": when the work was done, two spaces inside.
    assert list(df["started_at"]) == [
        datetime(2027, 2, 3, 16, 0),
        datetime(2027, 2, 4, 8, 30),
        datetime(2027, 2, 11, 11, 45),
    ]
    assert list(df["date"]) == [datetime(2027, 2, 3), datetime(2027, 2, 4), datetime(2027, 2, 11)]
    assert list(df["person"]) == ["Zoé Martin", "Zoé Martin", "Léo Bernard"]  # "Log user"
    assert list(df["comment"].fillna("")) == ["", "", "Renouvellement"]
    assert set(df["ticket_source"]) == {"jira"}
