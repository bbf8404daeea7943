"""Spreadsheets: typed cells, headers below a title block, one table per sheet."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.sources import build_template, read_export
from tma_metrics.sources.template import SHEETS
from tma_metrics.sources.workbook import _column_text, cell_text


def xlsx(
    sheets: dict[str, list[list[object]]], formats: dict[tuple[str, str], str] | None = None
) -> bytes:
    """Return an .xlsx with one sheet per entry (rows of typed values)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, cell), number_format in (formats or {}).items():
        book[title][cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_home_made_workbook_with_two_tables(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Demandes": [
                ["Suivi TMA — client ACME"],
                ["Exporté le 30/11/2026"],
                [],
                ["Clé", "Titre", "Type", "Priorité", "Créé le", "Estimation (h)"],
                ["A-1", "Panier vide", "Anomalie", "Majeure", datetime(2026, 11, 20, 9, 15), 4],
                ["A-2", "Export", "Évolutive", "Mineure", "21/11/2026 14:00", "1,5 j"],
            ],
            "Temps": [
                ["Relevé de temps", None, None, None],
                ["Date", "Personne", "Heures", "Demande"],
                [datetime(2026, 11, 20), "Zoé", timedelta(hours=1, minutes=30), "A-1"],
                [46347, "Zoé", 2.5, "A-2"],  # an Excel serial day left unformatted
                ["24/11/2026", "Léo", time(0, 45), None],
                [None, None, None, None],
                ["25/11/2026", "Léo", "deux", "A-2"],
            ],
            "Synthèse": [["Total", "=SUM(Temps!C3:C6)"], ["Solde", 12]],
            "Lisez-moi": [["Ce classeur suit le modèle."]],
        },
        {("Temps", "C3"): "[h]:mm"},
    )
    parsed = read_export(con, data, "suivi.xlsx")
    assert parsed.tool == "canonical"
    assert parsed.variant == "Format TMA Metrics — demandes, temps passé (classeur)"
    tickets = parsed.tickets.df().set_index("key")
    assert tickets.loc["A-1", "created_at"] == datetime(2026, 11, 20, 9, 15)
    assert tickets.loc["A-2", "created_at"] == datetime(2026, 11, 21, 14, 0)
    assert list(tickets["estimate_hours"]) == [4.0, 12.0]
    assert list(tickets["_line"]) == [5, 6]  # spreadsheet row numbers
    entries = parsed.time_entries.df().set_index("_line")
    assert list(entries.index) == [3, 4, 5]
    assert list(entries["hours"]) == [1.5, 2.5, 0.75]
    assert entries.loc[4, "date"] == datetime(2026, 11, 21)
    assert parsed.rows_read == 2 + 4
    rejected = parsed.rejected
    assert list(rejected["line"]) == [7]
    assert rejected["column"].iloc[0] == "Heures (feuille « Temps »)"
    assert "Feuille « Synthèse » ignorée : colonnes non reconnues." in parsed.warnings
    assert not any("Lisez-moi" in w for w in parsed.warnings)


def test_a_tool_export_saved_as_xlsx(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "timelog": [
                ["Date", "Utilisateur", "Activité", "Demande", "Commentaire", "Heures"],
                [datetime(2025, 11, 5), "Zoé", "Dev", "Anomalie #12: Écran", None, 3.5],
                [datetime(2025, 11, 6), "Zoé", "Dev", "Anomalie #12: Écran", "suite", 1],
            ]
        }
    )
    parsed = read_export(con, data, "timelog.xlsx")
    assert (parsed.tool, parsed.variant) == ("redmine", "Redmine — temps passé (fr) (classeur)")
    assert list(parsed.time_entries.df()["ticket_key"]) == ["12", "12"]


def test_template_round_trip(con: duckdb.DuckDBPyConnection) -> None:
    data = build_template()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [*SHEETS.values(), "Carnet", "Lisez-moi"]
    assert book["Demandes"]["A1"].value == "Clé" and book["Demandes"]["A1"].font.bold
    assert book["Temps passé"].freeze_panes == "A2"
    parsed = read_export(con, data, "modele.xlsx")
    assert parsed.warnings == []
    ticket = parsed.tickets.df().iloc[0]
    assert (ticket["key"], ticket["kind"], ticket["estimate_status"]) == (
        "123",
        "corrective",
        "validated",
    )
    assert ticket["created_at"] == datetime(2026, 11, 20, 9, 15)
    assert len(parsed.time_entries.df()) == 1 and len(parsed.status_history.df()) == 1


def test_empty_workbook(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError, match="vide"):
        read_export(con, xlsx({"Feuil1": []}), "vide.xlsx")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 11, 20, 17, 30), "2026-11-20 17:30:00"),
        (datetime(2026, 11, 20).date(), "2026-11-20"),
        (time(7, 30), "07:30:00"),
        (timedelta(hours=26, minutes=15), "26:15:00"),
        (timedelta(minutes=-90), "-1:30:00"),
        (7.5, "7.5"),
        (8.0, "8"),
        (True, "1"),
        (None, ""),
    ],
    ids=lambda v: type(v).__name__,
)
def test_typed_cells_become_text_the_parsers_read(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_status_history_sheet(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            "Historique": [
                ["Demande", "Date", "Statut"],
                ["A-1", datetime(2026, 11, 20, 9, 0), "Nouveau"],
                ["A-1", "20/11/2026 10:05", "En cours"],
                ["A-1", None, "Résolu"],
            ]
        }
    )
    parsed = read_export(con, data, "histo.xlsx")
    history = parsed.status_history.df()
    assert list(history["status"]) == ["Nouveau", "En cours"]
    assert list(history["at"]) == [datetime(2026, 11, 20, 9, 0), datetime(2026, 11, 20, 10, 5)]
    assert history["source"].eq("canonical").all() and not pd.isna(history["ticket_key"]).any()
    assert list(parsed.rejected["line"]) == [4]


def test_a_refused_or_empty_sheet_does_not_sink_the_workbook(
    con: duckdb.DuckDBPyConnection,
) -> None:
    data = xlsx(
        {
            "Temps": [["Date", "Personne", "Heures"], ["20/11/2026", "Zoé", 2]],
            "Parc": [["Nom", "Fabricant", "Numéro de série"], ["PC-1", "Lenovo", "X1"]],
            "Vide": [["Date", "Personne", "Heures"]],
        }
    )
    parsed = read_export(con, data, "mixte.xlsx")
    assert len(parsed.time_entries.df()) == 1
    assert any(
        w.startswith("Feuille « Parc » ignorée : Export GLPI d'inventaire") for w in parsed.warnings
    )
    assert "Feuille « Vide » ignorée : en-tête sans données." in parsed.warnings


_CELLS = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e16, max_value=1e16),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31)).map(
        lambda t: t.replace(microsecond=0)
    ),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)),
    st.booleans(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
)


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.lists(_CELLS, min_size=1, max_size=6),
            st.lists(_CELLS.filter(lambda v: not isinstance(v, str)), min_size=1, max_size=6),
        )
    )
)
def test_columns_convert_like_cells(columns: list[list[object]]) -> None:
    """The column-at-once conversion gives what the cell-by-cell one gives."""
    for values in columns:
        expected = [t if t.strip() else None for t in map(cell_text, values)]
        assert _column_text(tuple(values)).to_pylist() == expected
