"""Export sheets: French names and headers, typed values, nothing internal for a client."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from pandas.api import types as ptypes

from tma_metrics.reports.csv_fr import csv_bytes
from tma_metrics.reports.view_exports import (
    about,
    bilan_sheets,
    copil_sheets,
    point_sheets,
    portfolio_sheets,
    workbook,
)
from tma_metrics.views.bilan import bilan_view
from tma_metrics.views.copil import copil_view
from tma_metrics.views.point import point_view
from tma_metrics.views.portfolio import portfolio_table
from tma_metrics.views.tables import COLUMNS, INTERNAL_COLUMNS, excel_formats, french_table

HEADERS = {spec.header for spec in COLUMNS.values()}
INTERNAL_HEADERS = {COLUMNS[name].header for name in INTERNAL_COLUMNS}


@pytest.fixture(scope="module")
def views(demo_figures, previous_figures, october_figures, quarter_figures):
    return {
        "point": (point_view(demo_figures, previous_figures), point_sheets),
        "bilan": (bilan_view(october_figures, date(2026, 10, 1)), bilan_sheets),
        "copil": (copil_view(quarter_figures), copil_sheets),
    }


CASES = [(name, client) for name in ("point", "bilan", "copil") for client in (False, True)]
CASE_IDS = [f"{name}-{'client' if client else 'interne'}" for name, client in CASES]


def _sheets(views, name, client):
    view, build = views[name]
    return view, build(view, client_view=client)


@pytest.mark.parametrize(("name", "client"), CASES, ids=CASE_IDS)
def test_sheets_have_french_names_and_headers(views, name, client) -> None:
    _, sheets = _sheets(views, name, client)
    for sheet, frame in sheets.items():
        assert "_" not in sheet and len(sheet) <= 31
        assert set(frame.columns) <= HEADERS, sheet
        assert not [h for h in frame.columns if "_" in h]


@pytest.mark.parametrize(("name", "client"), CASES, ids=CASE_IDS)
def test_values_stay_typed(views, name, client) -> None:
    _, sheets = _sheets(views, name, client)
    by_header = {spec.header: spec.format for spec in COLUMNS.values()}
    for sheet, frame in sheets.items():
        for header in frame.columns:
            fmt, dtype = by_header[header], frame[header].dtype
            if fmt in ("hours", "days", "percent", "number"):
                assert ptypes.is_float_dtype(dtype), (sheet, header, dtype)
            elif fmt in ("date", "datetime", "month"):
                assert ptypes.is_datetime64_any_dtype(dtype), (sheet, header, dtype)
            elif fmt == "duration":
                assert ptypes.is_timedelta64_dtype(dtype), (sheet, header, dtype)
            elif fmt == "integer":
                assert ptypes.is_integer_dtype(dtype), (sheet, header, dtype)


@pytest.mark.parametrize("name", ["point", "bilan", "copil"], ids=str)
def test_client_exports_hold_nothing_internal(views, name) -> None:
    _, sheets = _sheets(views, name, True)
    for sheet, frame in sheets.items():
        assert not set(frame.columns) & INTERNAL_HEADERS, sheet
        assert "absorb" not in " ".join(frame.columns).lower()
        cells = " ".join(" ".join(frame[c].astype(object).map(str)) for c in frame.columns)
        assert "absorb" not in cells.lower(), sheet


@pytest.mark.parametrize("name", ["point", "bilan", "copil"], ids=str)
def test_internal_exports_show_the_absorbed_hours(views, name) -> None:
    _, sheets = _sheets(views, name, False)
    headers = {h for frame in sheets.values() for h in frame.columns}
    cells = " ".join(
        " ".join(frame[c].astype(object).map(str))
        for frame in sheets.values()
        for c in frame.columns
    )
    assert "Temps absorbé (h)" in headers or "Temps absorbé" in cells


def test_a_client_view_exports_as_a_client_even_when_not_asked(demo_figures) -> None:
    view = point_view(demo_figures, client_view=True)
    sheets = point_sheets(view, client_view=False)
    assert not {h for f in sheets.values() for h in f.columns} & INTERNAL_HEADERS
    assert about(view)["Vue"].startswith("Client")


def test_point_export_figures_are_the_view_figures(views) -> None:
    view, sheets = _sheets(views, "point", False)
    solde = sheets["Solde"].set_index("Indicateur")
    assert solde.loc["Solde", "Valeur"] == next(
        c.value for c in view.cards if c.key == "remaining_days"
    )
    assert solde.loc["Épuisement prévu", "Date"] == pd.Timestamp(view.cards[4].value)
    incoming = sheets["Demandes entrées"]
    assert incoming["Demande"].tolist() == view.incoming["key"].tolist()
    assert set(incoming["Type"]) <= {
        "Corrective",
        "Évolutive",
        "Préventive",
        "Support",
        "Gestion de projet",
        "Autre",
    }
    breaches = sheets["SLA dépassés"]
    assert (
        breaches["Dépassement (ouvré)"].tolist()
        == pd.to_timedelta(view.breaches["overrun_minutes"], unit="min").tolist()
    )


@pytest.mark.parametrize(("name", "client"), CASES, ids=CASE_IDS)
def test_writers_accept_the_sheets(views, name, client) -> None:
    view, sheets = _sheets(views, name, client)
    data = workbook(sheets, title="Export", about=about(view, client_view=client))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "À propos"
    assert set(book.sheetnames[1:]) == set(sheets)
    for frame in sheets.values():
        assert csv_bytes(frame).startswith(b"\xef\xbb\xbf")


def test_workbook_formats_follow_the_headers(views) -> None:
    _, sheets = _sheets(views, "point", False)
    book = load_workbook(io.BytesIO(workbook(sheets, title="Point TMA")))
    ws = book["Demandes en cours"]
    headers = {cell.value: cell.column for cell in ws[1]}
    assert ws.cell(row=2, column=headers["Temps décompté (h)"]).number_format == '#,##0.00 "h"'
    assert ws.cell(row=2, column=headers["Créée le"]).number_format == "dd/mm/yyyy"
    watch = book["SLA à surveiller"]
    headers = {cell.value: cell.column for cell in watch[1]}
    assert watch.cell(row=2, column=headers["Temps ouvré restant"]).number_format == "[h]:mm"


def test_portfolio_sheet(demo_figures) -> None:
    sheets = portfolio_sheets(portfolio_table([demo_figures], date(2026, 11, 20)))
    (frame,) = sheets.values()
    assert frame["Contrat"].tolist() == [demo_figures.name]
    assert frame["Modèle"].tolist() == ["Carnet de jours"]
    assert ptypes.is_datetime64_any_dtype(frame["Échéance du carnet"].dtype)


def test_every_header_has_one_format() -> None:
    formats: dict[str, set[str]] = {}
    for spec in COLUMNS.values():
        formats.setdefault(spec.header, set()).add(spec.format)
    assert {h: f for h, f in formats.items() if len(f) > 1} == {}
    assert excel_formats()["Temps décompté (h)"] == "hours"


def test_an_undeclared_column_is_refused() -> None:
    with pytest.raises(ValueError, match="sans en-tête français"):
        french_table(pd.DataFrame({"mystery_hours": [1.0]}))
