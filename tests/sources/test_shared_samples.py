"""Every real export of ../shared/samples: recognised and counted, or refused clearly.

Expected counts are recomputed here the naive way (Python's csv module, plain loops,
`datetime.strptime`), independently of the SQL importers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.sources.conftest import shared_samples
from tma_metrics.domain.model import ImportFormatError
from tma_metrics.sources import read_export
from tma_metrics.sources.failures import AllRowsRejected

JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]+-\d+$")


def load(
    path: Path, delimiter: str = ",", encoding: str = "utf-8-sig"
) -> tuple[list[str], list[list[str]]]:
    """Return (header, data records) read with Python's csv module."""
    text = path.read_bytes().decode(encoding)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
    return rows[0], rows[1:]


def column(header: list[str], rows: list[list[str]], name: str) -> list[str]:
    i = header.index(name)
    return [r[i] for r in rows]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Expected:
    tool: str
    rows: int
    tickets: int | None
    entries: int | None
    rejected: int


def jira(path: Path, key: str) -> Expected:
    header, rows = load(path)
    keys = column(header, rows, key)
    good = sum(1 for k in keys if JIRA_KEY.match(k))
    logs = [i for i, h in enumerate(header) if h == "Log Work"]
    entries = sum(1 for r in rows if JIRA_KEY.match(r[header.index(key)]) for i in logs if r[i])
    return Expected("jira", len(rows), good, entries if logs else None, len(rows) - good)


def worklog_app(path: Path) -> Expected:
    header, rows = load(path)
    started = column(header, rows, "Started")
    kept = sum(1 for s in started if s)
    return Expected("jira-worklog", len(rows), None, kept, 0)


def tempo(path: Path) -> Expected:
    header, rows = load(path)
    hours = column(header, rows, "Hours")
    kept = sum(1 for h in hours if h.strip())
    return Expected("tempo", len(rows), None, kept, len(rows) - kept)


def glpi(path: Path) -> Expected:
    _, rows = load(path, ";")
    ids = [r[0].replace(" ", "") for r in rows]
    good = sum(1 for i in ids if i.isdigit())
    return Expected("glpi", len(rows), good, None, len(rows) - good)


def hours_file(tool: str, hours_column: str) -> Callable[[Path], Expected]:
    def expected(path: Path) -> Expected:
        header, rows = load(path)
        good = sum(1 for h in column(header, rows, hours_column) if is_number(h))
        return Expected(tool, len(rows), None, good, len(rows) - good)

    return expected


def ticket_file(
    tool: str, key_column: str, encoding: str = "utf-8-sig"
) -> Callable[[Path], Expected]:
    def expected(path: Path) -> Expected:
        header, rows = load(path, encoding=encoding)
        width = len(header)
        # A record the spreadsheet wrapped whole in quotes is repaired when its inside
        # has the header's width; any other record of the wrong width is rejected.
        fixed = []
        for r in rows:
            if len(r) == 1 and "," in r[0]:
                inner = next(csv.reader([r[0]]))
                r = inner if len(inner) == width else r
            fixed.append(r)
        keys = [r[header.index(key_column)] for r in fixed if len(r) == width]
        good = sum(1 for k in keys if k.isdigit())
        return Expected(tool, len(rows), good, None, len(rows) - good)

    return expected


#: sample file -> naive expectation
RECOGNISED: dict[str, Callable[[Path], Expected]] = {
    "jira/jira-cloud-all-fields-en_peris25.csv": lambda p: jira(p, "Issue key"),
    "jira/jira-dc-all-fields-en_alanjklim.csv": lambda p: jira(p, "Issue key"),
    "jira/jsm-cloud-all-fields-es_diegodev23.csv": lambda p: jira(p, "Clave de incidencia"),
    "jira/jira-cloud-current-fields-fr_onpointdoc.csv": lambda p: jira(p, "Clé de ticket"),
    "jira/jira-cloud-worklog-app-export-formatted_SimonKlausLudwig.csv": worklog_app,
    "jira/jira-cloud-worklog-app-export-raw_SimonKlausLudwig.csv": worklog_app,
    "jira/jira-cloud-worklog-app-export-raw-short_SimonKlausLudwig.csv": worklog_app,
    "tempo/tempo-server-worklogs-header-anonymised_mmarekpohl.csv": tempo,
    "glpi/glpi10-tickets-ptbr-sla_fagner0b.csv": glpi,
    "glpi/glpi10-tickets-en_anisotton.csv": glpi,
    "glpi/glpi-tickets-en-resaved-by-spreadsheet_anisotton.csv": glpi,
    "glpi/glpi-tickets-fr-ttr_amau974.csv": glpi,
    "glpi/glpi-tickets-ptbr-stats_84159331.csv": glpi,
    "redmine/redmine-timelog-en-utf8bom_ntphuy2001.csv": hours_file("redmine", "Hours"),
    "harvest/harvest-detailed-time_JeffandyAllTogether.csv": hours_file("harvest", "Hours"),
    "clockify/clockify-detailed-ddmmyyyy_metaplm.csv": hours_file("clockify", "Duration (decimal)"),
    "zendesk/zendesk-support-export-subset_jpayal554.csv": ticket_file("zendesk", "Id"),
    "mantis/mantis-ptbr_dpf-automacao.csv": ticket_file("mantis", "Núm"),
    "mantis/mantis-ru-resaved_AsiaAnastasia.csv": ticket_file("mantis", "Номер", "cp1251"),
}

#: sample file -> words the refusal must say
REFUSED = {
    "glpi/glpi10-computers-fr_oOMikaOoc.csv": "inventaire",
    "redmine/redmine-timelog-report-pivot_ChrisZaal.csv": "Rapport croisé",
    "jira/jira-cloud-current-fields-en_dikshapoojary.csv": "sans clé de ticket",
}


def test_every_shared_sample_is_covered() -> None:
    folder = shared_samples()
    files = {str(p.relative_to(folder)) for p in folder.rglob("*.csv")}
    assert files == set(RECOGNISED) | set(REFUSED)


def rows_of(relation: object) -> int | None:
    return None if relation is None else len(relation.df())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(RECOGNISED))
@pytest.mark.parametrize("as_bytes", [False, True], ids=["path", "bytes"])
def test_shared_sample_is_read(con: duckdb.DuckDBPyConnection, name: str, as_bytes: bool) -> None:
    path = shared_samples() / name
    expected = RECOGNISED[name](path)
    if not expected.tickets and not expected.entries:
        # a file whose every row is rejected is refused whole (no empty import recorded)
        with pytest.raises(AllRowsRejected) as refused:
            read_export(con, path.read_bytes() if as_bytes else path, path.name)
        assert refused.value.rows_read == expected.rows
        assert len(refused.value.rejected) == expected.rejected
        return
    parsed = read_export(con, path.read_bytes() if as_bytes else path, path.name)
    assert parsed.tool == expected.tool
    assert parsed.rows_read == expected.rows
    assert rows_of(parsed.tickets) == expected.tickets
    assert rows_of(parsed.time_entries) == expected.entries
    assert len(parsed.rejected) == expected.rejected
    assert parsed.rejected["reason"].notna().all()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_shared_sample_is_refused_clearly(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = shared_samples() / name
    with pytest.raises(ImportFormatError, match=REFUSED[name]):
        read_export(con, path, path.name)


_ES = dict(
    zip(
        ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
        range(1, 13),
        strict=True,
    )
)
_FR = dict(
    zip(
        (
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ),
        range(1, 13),
        strict=True,
    )
)


def _es(text: str) -> datetime:
    day, month, rest = text.split("/", 2)
    return datetime.strptime(f"{day}/{_ES[month]}/{rest}", "%d/%m/%y %I:%M %p")


def _fr(text: str) -> datetime:
    day, month, rest = text.split("/", 2)
    return datetime.strptime(f"{day}/{_FR[month]}/{rest}", "%d/%m/%y %H:%M")


#: sample -> (key column, date column, naive parser, canonical column)
DATES: dict[str, tuple[str, str, Callable[[str], datetime], str]] = {
    "jira/jira-cloud-all-fields-en_peris25.csv": (
        "Issue key",
        "Created",
        lambda t: datetime.strptime(t, "%d/%b/%y %I:%M %p"),
        "created_at",
    ),
    "jira/jira-dc-all-fields-en_alanjklim.csv": (
        "Issue key",
        "Resolved",
        lambda t: datetime.strptime(t, "%d/%b/%y %I:%M %p"),
        "resolved_at",
    ),
    "jira/jsm-cloud-all-fields-es_diegodev23.csv": (
        "Clave de incidencia",
        "Creada",
        _es,
        "created_at",
    ),
    "jira/jira-cloud-current-fields-fr_onpointdoc.csv": (
        "Clé de ticket",
        "Création",
        _fr,
        "created_at",
    ),
    "zendesk/zendesk-support-export-subset_jpayal554.csv": (
        "Id",
        "Created at",
        lambda t: datetime.strptime(t, "%Y-%m-%d %H:%M:%S"),
        "created_at",
    ),
}


@pytest.mark.parametrize("name", sorted(DATES))
def test_shared_sample_dates_match_a_naive_parse(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = shared_samples() / name
    key, date_column, parse, target = DATES[name]
    header, rows = load(path)
    expected = {
        r[header.index(key)]: parse(r[header.index(date_column)])
        for r in rows
        if r[header.index(date_column)]
    }
    found = read_export(con, path, path.name).tickets.df().set_index("key")[target].dropna()
    assert {k: v.to_pydatetime() for k, v in found.items()} == expected


def test_glpi_ids_and_dates_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_samples() / "glpi/glpi10-tickets-ptbr-sla_fagner0b.csv"
    header, rows = load(path, ";")
    expected = {
        r[0].replace(" ", ""): datetime.strptime(
            r[header.index("Data de abertura")], "%d-%m-%Y %H:%M"
        )
        for r in rows
    }
    df = read_export(con, path, path.name).tickets.df().set_index("key")
    assert {k: v.to_pydatetime() for k, v in df["created_at"].items()} == expected


def test_clockify_user_date_order(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_samples() / "clockify/clockify-detailed-ddmmyyyy_metaplm.csv"
    header, rows = load(path)
    days = sorted(datetime.strptime(d, "%d/%m/%Y") for d in column(header, rows, "Start Date"))
    found = read_export(con, path, path.name).time_entries.df()["date"]
    assert sorted(found.dt.to_pydatetime()) == days
    total = sum(float(h) for h in column(header, rows, "Duration (decimal)"))
    assert found.size == len(rows) and read_export(con, path, path.name).time_entries.df()[
        "hours"
    ].sum() == pytest.approx(total)


def test_jira_log_work_hours_match_the_cells(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_samples() / "jira/jira-cloud-all-fields-en_peris25.csv"
    header, rows = load(path)
    logs = [i for i, h in enumerate(header) if h == "Log Work"]
    seconds = sum(int(r[i].rsplit(";", 1)[1]) for r in rows for i in logs if r[i])
    entries = read_export(con, path, path.name).time_entries.df()
    assert entries["hours"].sum() == pytest.approx(seconds / 3600)
    assert entries["entry_id"].is_unique


def test_worklog_app_raw_and_formatted_agree(con: duckdb.DuckDBPyConnection) -> None:
    folder = shared_samples() / "jira"
    raw = read_export(con, folder / "jira-cloud-worklog-app-export-raw_SimonKlausLudwig.csv", "a")
    nice = read_export(
        con, folder / "jira-cloud-worklog-app-export-formatted_SimonKlausLudwig.csv", "b"
    )
    a = raw.time_entries.df().set_index("entry_id").sort_index()
    b = nice.time_entries.df().set_index("entry_id").sort_index()
    pd.testing.assert_series_equal(a["hours"], b["hours"])
    # Formatted values are cut to the minute; raw ones keep the seconds.
    assert (a["started_at"].dt.floor("min") == b["started_at"]).all()
