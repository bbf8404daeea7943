"""GLPI and Zendesk exports in the shapes real teams send (tests/samples/variants).

Each fixture is one realistic variant: GLPI 10 (BOM, everything quoted, trailing ``;``)
and GLPI 11 (no BOM, CRLF) in French and English with SLA and statistics columns, a GLPI
file re-saved by French Excel (cp1252, dd/mm/yyyy), a GLPI workbook; Zendesk's account
CSV export with UTC offsets or ``Z`` dates, and an Explore report.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

import duckdb
import openpyxl
import pandas as pd
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources import read_export

VARIANTS = SAMPLES / "variants"


def parse(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    return read_export(con, VARIANTS / name, name)


def tickets(parsed: ParsedFile) -> pd.DataFrame:
    return parsed.tickets.df().set_index("key")


def test_glpi10_french_export_with_sla_and_statistics(con: duckdb.DuckDBPyConnection) -> None:
    parsed = parse(con, "glpi-fr-glpi10-sla.csv")
    assert (parsed.tool, parsed.variant) == ("glpi", "GLPI — tickets (fr)")
    assert parsed.rows_read == 6 and parsed.rejected.empty
    df = tickets(parsed)
    assert list(df.index) == ["1234", "1235", "1236", "1237", "1238", "1239"]  # "1 234"
    assert list(df["status"]) == [
        "Nouveau",
        "En cours (Attribué)",
        "En cours (Planifié)",
        "En attente",
        "Résolu",
        "Clos",
    ]
    assert list(df["priority"]) == [
        "Très haute",
        "Haute",
        "Moyenne",
        "Basse",
        "Très basse",
        "Majeure",
    ]
    assert list(df["tracker"]) == [
        "Incident",
        "Incident",
        "Demande",
        "Incident",
        "Demande",
        "Incident",
    ]
    assert df.loc["1235", "title"] == 'Accès VPN "urgent"'
    assert df.loc["1235", "assignee"] == "Jean Dupont, Marie Curie"
    assert df.loc["1235", "project"] == "Client A > Agence"
    assert df.loc["1239", "created_at"] == datetime(2026, 11, 24, 7, 59)
    assert df.loc["1239", "resolved_at"] == datetime(2026, 11, 24, 12, 0)
    assert df.loc["1239", "closed_at"] == datetime(2026, 12, 1, 9, 0)


def test_glpi_days_are_24_hours(con: duckdb.DuckDBPyConnection) -> None:
    """GLPI writes 93 780 s as "1 jour 2 heures 3 minutes": 26.05 h, not 10.05 h."""
    df = tickets(parse(con, "glpi-fr-glpi10-sla.csv"))
    assert df.loc["1239", "spent_hours"] == pytest.approx(26.05)
    assert df.loc["1235", "spent_hours"] == 1.5
    # "Temps de prise en compte" 3 jours 2 heures = 74 h after the opening.
    assert df.loc["1237", "responded_at"] == datetime(2026, 11, 25, 18, 45)
    assert df.loc["1235", "responded_at"] == datetime(2026, 11, 20, 14, 20)


def test_glpi_new_ticket_at_zero_has_no_response(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(parse(con, "glpi-fr-glpi10-sla.csv"))
    assert df.loc["1234", "status"] == "Nouveau"
    assert pd.isna(df.loc["1234", "responded_at"])  # GLPI's 0 means "not taken yet"
    assert df.loc["1239", "responded_at"] == datetime(2026, 11, 24, 8, 0)


def test_glpi_sla_deadlines_and_statistics_stay_text(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(parse(con, "glpi-fr-glpi10-sla.csv"))
    first = json.loads(df.loc["1234", "extra"])
    assert first["Temps de prise en charge"] == "2026-11-20 10:31"
    assert first["Temps de résolution"] == "2026-11-20 13:31"
    assert first["Temps de résolution + Progression"] == "2026-11-20 13:31\n\n 25%"
    assert first["Temps de résolution dépassé"] == "Non"
    assert first["Source de la demande"] == "Helpdesk"
    assert first["Impact"] == "Haute"
    last = json.loads(df.loc["1239", "extra"])
    assert last["Statistiques - Temps de résolution"] == "4 heures 1 minute"
    assert last["Attribué à - Groupe de techniciens"] == "N2"
    assert last["Temps de résolution dépassé"] == "Oui"


def test_glpi11_english_month_first(con: duckdb.DuckDBPyConnection) -> None:
    parsed = parse(con, "glpi-en-glpi11-mdy.csv")
    assert (parsed.tool, parsed.variant) == ("glpi", "GLPI — tickets (en)")
    df = tickets(parsed)
    assert list(df.index) == ["1240", "1241", "1242"]  # "1,240"
    assert df.loc["1240", "created_at"] == datetime(2026, 11, 20, 9, 31)
    # 02-03-2026 is read with the order the other values prove (11-20: month first).
    assert df.loc["1241", "created_at"] == datetime(2026, 2, 3, 8, 0)
    assert df.loc["1242", "closed_at"] == datetime(2026, 12, 5, 9, 0)
    assert df.loc["1240", "spent_hours"] == 49.0  # "2 days 1 hours"
    assert df.loc["1240", "responded_at"] == datetime(2026, 11, 20, 9, 41)
    assert pd.isna(df.loc["1241", "responded_at"])  # "New" at "0 seconds"
    extra = json.loads(df.loc["1240", "extra"])
    assert extra["Time to own"] == "11-20-2026 10:31"
    assert extra["Internal time to resolve"] == "11-21-2026 09:31"


def test_glpi_resaved_by_french_excel(con: duckdb.DuckDBPyConnection) -> None:
    raw = (VARIANTS / "glpi-fr-excel-cp1252.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "é".encode("cp1252") in raw
    parsed = parse(con, "glpi-fr-excel-cp1252.csv")
    assert parsed.tool == "glpi" and parsed.rows_read == 3 and parsed.rejected.empty
    df = tickets(parsed)
    assert df.loc["2556", "title"] == "Création de compte; urgent"
    assert df.loc["2556", "created_at"] == datetime(2026, 9, 12, 8, 20)
    assert df.loc["2553", "resolved_at"] == datetime(2026, 9, 5, 16, 2)
    assert list(df["spent_hours"].fillna(-1)) == [1.5, 0.75, -1]


def test_glpi_workbook_with_typed_cells(con: duckdb.DuckDBPyConnection) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["ID", "Titre", "Statut", "Date d'ouverture", "Date de résolution", "Durée totale"]
    )
    sheet.append([2553, "Imprimante", "Clos", datetime(2026, 11, 20, 9, 31), None, "1 jour"])
    sheet.append([2554, "Écran", "Nouveau", "20-11-2026 10:00", None, "0 seconde"])
    out = io.BytesIO()
    book.save(out)
    parsed = read_export(con, out.getvalue(), "glpi.xlsx")
    assert parsed.tool == "glpi"
    df = tickets(parsed)
    assert list(df.index) == ["2553", "2554"]
    assert df.loc["2553", "created_at"] == datetime(2026, 11, 20, 9, 31)
    assert df.loc["2554", "created_at"] == datetime(2026, 11, 20, 10, 0)
    assert df.loc["2553", "spent_hours"] == 24.0


def test_glpi_without_opening_date_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError, match="sans la colonne « Date d'ouverture »"):
        parse(con, "glpi-fr-no-opening.csv")


def test_zendesk_full_export_with_utc_offsets(con: duckdb.DuckDBPyConnection) -> None:
    parsed = parse(con, "zendesk-full-offset.csv")
    assert (parsed.tool, parsed.variant) == ("zendesk", "Zendesk Support — export des tickets (en)")
    assert parsed.rows_read == 3 and parsed.rejected.empty
    df = tickets(parsed)
    assert list(df.index) == ["5001", "5002", "5003"]
    assert df.loc["5001", "title"] == 'Cannot log in, "urgent"'
    assert df.loc["5001", "created_at"] == datetime(2026, 11, 20, 9, 31)
    assert df.loc["5001", "responded_at"] == datetime(2026, 11, 20, 10, 16)  # + 45 min
    assert df.loc["5001", "resolved_at"] == datetime(2026, 11, 20, 11, 31)
    # 10:00 +0200 on the day after the switch to summer time is 10:00 in Paris.
    assert df.loc["5003", "resolved_at"] == datetime(2026, 3, 30, 10, 0)
    assert df.loc["5003", "created_at"] == datetime(2026, 3, 29, 1, 30)
    assert (df.loc["5001", "project"], df.loc["5002", "project"]) == ("ACME", "Support N1")
    assert pd.isna(df.loc["5002", "responded_at"]) and pd.isna(df.loc["5002", "assignee"])
    extra = json.loads(df.loc["5003", "extra"])
    assert extra["Resolution time"] == "33" and extra["Product [list]"] == "Server"
    assert extra["Full resolution time in minutes within business hours"] == "1950"
    assert "Product [list]" not in json.loads(df.loc["5002", "extra"])  # "-" is empty


def test_zendesk_utc_dates_move_to_paris(con: duckdb.DuckDBPyConnection) -> None:
    df = tickets(parse(con, "zendesk-utc-z.csv"))
    assert df.loc["6001", "created_at"] == datetime(2026, 11, 20, 10, 31)  # UTC+1
    assert df.loc["6001", "responded_at"] == datetime(2026, 11, 20, 11, 16)
    assert df.loc["6002", "created_at"] == datetime(2026, 3, 29, 1, 30)  # before the switch
    assert df.loc["6002", "resolved_at"] == datetime(2026, 3, 29, 3, 30)  # after it
    assert df.loc["6002", "responded_at"] == df.loc["6002", "created_at"]  # 0 minutes


def test_zendesk_explore_report(con: duckdb.DuckDBPyConnection) -> None:
    parsed = parse(con, "zendesk-explore.csv")
    assert (parsed.tool, parsed.variant) == ("zendesk", "Zendesk Support — rapport Explore (en)")
    df = tickets(parsed)
    assert list(df.index) == ["7001", "7002"]
    assert (df.loc["7001", "title"], df.loc["7001", "status"]) == ("Cannot log in", "Solved")
    assert (df.loc["7001", "priority"], df.loc["7001", "tracker"]) == ("Urgent", "Incident")
    assert df.loc["7001", "assignee"] == "Bob Agent"
    assert df.loc["7001", "project"] == "ACME" and df.loc["7002", "project"] == "Support N1"
    assert df.loc["7001", "responded_at"] == datetime(2026, 11, 20, 10, 16)
    assert df.loc["7001", "resolved_at"] == datetime(2026, 11, 20, 11, 31)
    assert pd.isna(df.loc["7002", "resolved_at"])
    assert json.loads(df.loc["7001", "extra"])["Full resolution time (min)"] == "120"


def test_zendesk_without_creation_date_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError, match="Export Zendesk sans date de création"):
        parse(con, "zendesk-no-created.csv")
