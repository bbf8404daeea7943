"""Excel workbook: values and types round-trip, formulas never run, sheets are usable."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.reports.helpers import FORMULA_TEXTS, HARMLESS_TEXTS, every_dtype_frame
from tma_metrics.reports.excel import ABOUT_SHEET, sheet_titles, workbook_bytes


def reopen(content: bytes) -> dict[str, Worksheet]:
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: ws for ws in wb.worksheets}


def column_cells(ws: Worksheet, header: str) -> list:
    headers = [c.value for c in ws[1]]
    j = headers.index(header) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=j, max_col=j)]


# Expected cells written by hand from the frame's literal values (helpers.every_dtype_frame).
ROUND_TRIP_CASES = [
    ("float", [1.5, -2.25, None], "n", "#,##0.00"),
    ("float_na", [0.1, None, -3], "n", "#,##0.00"),
    ("int_na", [1, None, -7], "n", "#,##0"),
    ("text_str", ["a", None, "été"], "s", None),
    ("text_string", ["b", "c", None], "s", None),
    ("text_object", ["x", None, "z"], "s", None),
    ("flag", ["Oui", "Non", "Oui"], "s", None),
    ("flag_na", ["Oui", None, "Non"], "s", None),
    (
        "closed_at",
        [datetime(2026, 11, 22, 9, 31), None, datetime(2026, 1, 5)],
        "d",
        "dd/mm/yyyy hh:mm",
    ),
    ("midnights", [datetime(2026, 11, 22), datetime(2026, 1, 5), None], "d", "dd/mm/yyyy"),
    ("day_objects", [datetime(2026, 11, 22), None, datetime(2026, 1, 5)], "d", "dd/mm/yyyy"),
    (
        "stamp_objects",
        [datetime(2026, 11, 22, 9, 31), None, datetime(2026, 1, 5, 17)],
        "d",
        "dd/mm/yyyy hh:mm",
    ),
]


@pytest.fixture(scope="module")
def every_dtype_sheet() -> Worksheet:
    return reopen(workbook_bytes({"Données": every_dtype_frame()}))["Données"]


@pytest.mark.parametrize(
    ("header", "values", "data_type", "number_format"),
    ROUND_TRIP_CASES,
    ids=[c[0] for c in ROUND_TRIP_CASES],
)
def test_values_round_trip_with_their_type(
    every_dtype_sheet: Worksheet,
    header: str,
    values: list,
    data_type: str,
    number_format: str | None,
) -> None:
    cells = column_cells(every_dtype_sheet, header)
    assert [c.value for c in cells] == values
    for cell, value in zip(cells, values, strict=True):
        if value is None:
            continue  # an empty cell
        assert cell.data_type == data_type
        if number_format is not None:
            assert cell.number_format == number_format


@pytest.mark.parametrize("text", (*FORMULA_TEXTS, "#N/A"), ids=repr)
def test_formula_like_text_stays_text(text: str) -> None:
    frame = pd.DataFrame({"title": [text], "delta_days": [-5.0]})
    ws = reopen(workbook_bytes({"T": frame}))["T"]
    (title,) = column_cells(ws, "title")
    assert (title.value, title.data_type, title.quotePrefix) == (text, "s", True)
    (delta,) = column_cells(ws, "delta_days")
    assert (delta.value, delta.data_type) == (-5, "n")  # a real negative number


@pytest.mark.parametrize("text", HARMLESS_TEXTS, ids=repr)
def test_harmless_text_is_plain_text(text: str) -> None:
    ws = reopen(workbook_bytes({"T": pd.DataFrame({"title": [text]})}))["T"]
    (cell,) = column_cells(ws, "title")
    assert cell.quotePrefix is False
    assert cell.value == (text or None)  # Excel has no empty string: an empty cell


def test_no_cell_anywhere_is_a_formula() -> None:
    evil = list(FORMULA_TEXTS)
    frame = pd.DataFrame({"=HYPERLINK(1)": evil, "n": range(len(evil))})
    content = workbook_bytes({"=evil": frame}, title="=titre", about={"@x": "+y"})
    for ws in reopen(content).values():
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    # And independently of openpyxl's reader: no <f> element in any sheet's XML.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<f[ >]", archive.read(name))


TITLE_CASES = [
    (["Tickets"], ["Tickets"]),
    (["a/b\\c:d*e?f"], ["a-b-c-d-e-f"]),
    (["[Critique]"], ["(Critique)"]),
    (["x" * 40], ["x" * 31]),
    (["Copil", "copil", "COPIL"], ["Copil", "copil (2)", "COPIL (3)"]),
    (["y" * 40, "y" * 35], ["y" * 31, "y" * 27 + " (2)"]),
    (["", "   "], ["Feuille", "Feuille (2)"]),
    (["'cité'"], ["cité"]),
    (["History"], ["History (Excel)"]),
    (["tab\x01"], ["tab"]),
]


@pytest.mark.parametrize(
    ("names", "titles"), TITLE_CASES, ids=[repr(c[0])[:30] for c in TITLE_CASES]
)
def test_sheet_titles_follow_excel_rules(names: list[str], titles: list[str]) -> None:
    assert sheet_titles(names) == titles
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)


def test_sheet_titles_are_used_in_order_and_open_in_excel() -> None:
    frame = pd.DataFrame({"a": [1]})
    content = workbook_bytes({"Tickets 2025/2026": frame, "tickets 2025-2026": frame})
    assert list(reopen(content)) == ["Tickets 2025-2026", "tickets 2025-2026 (2)"]


def test_header_is_formatted_frozen_and_filtered() -> None:
    ws = reopen(workbook_bytes({"T": every_dtype_frame()}))["T"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L4"
    header = ws[1]
    assert [c.value for c in header] == list(every_dtype_frame().columns)
    assert all(c.font.bold and c.alignment.wrap_text for c in header)
    assert {c.fill.fgColor.rgb for c in header} == {"001F4E78"}
    widths = [ws.column_dimensions[c.column_letter].width for c in header]
    assert all(8 <= w <= 62 for w in widths)


def test_a_long_text_column_is_wider_than_a_date_column_but_capped() -> None:
    frame = pd.DataFrame({"title": ["x" * 500], "created_on": [pd.Timestamp("2026-11-22")]})
    ws = reopen(workbook_bytes({"T": frame}))["T"]
    assert ws.column_dimensions["A"].width == 62
    assert ws.column_dimensions["B"].width == 12


# Expected codes written by hand: Excel's US-style codes of the French display formats.
FORMAT_CASES = [
    ("consumed_days", [1.25], {}, '#,##0.0 "j"'),
    ("Consommé (j)", [1.25], {}, '#,##0.0 "j"'),
    ("spent_hours", [7.5], {}, '#,##0.00 "h"'),
    ("Temps décompté (h)", [7.25], {}, '#,##0.00 "h"'),
    ("compliance", [0.93], {}, "0 %"),
    ("Part gestion de projet", [0.1], {}, "0 %"),
    ("tickets", [97], {}, "#,##0"),
    ("Demandes reçues", [97], {}, "#,##0"),
    ("age_days", [12], {}, "#,##0"),
    ("median_ratio", [1.2], {}, "0.00"),
    ("burn_rate_days_per_month", [3.5], {}, '#,##0.0 "j/mois"'),
    ("key", [12345], {}, "0"),
    ("ratio", [1.2], {}, "#,##0.00"),  # unknown to the catalog: the dtype decides
    ("count", [3], {}, "#,##0"),
    ("updated_at", [pd.Timestamp("2026-11-22")], {}, "dd/mm/yyyy hh:mm"),
    ("due_date", [pd.Timestamp("2026-11-22 18:00")], {}, "dd/mm/yyyy"),
    ("month", pd.period_range("2026-11", periods=1, freq="M"), {}, "mm/yyyy"),
    ("waited", pd.to_timedelta(["90min"]), {}, "[h]:mm"),
    ("Consommé", [1.0], {"Consommé": "days"}, '#,##0.0 "j"'),
    ("compliance", [0.93], {"compliance": "0.0%"}, "0.0%"),
]


@pytest.mark.parametrize(
    ("name", "values", "formats", "code"),
    FORMAT_CASES,
    ids=[f"{c[0]}{'+override' if c[2] else ''}" for c in FORMAT_CASES],
)
def test_number_format_comes_from_override_then_catalog_then_dtype(
    name: str, values: object, formats: dict[str, str], code: str
) -> None:
    ws = reopen(workbook_bytes({"T": pd.DataFrame({name: values})}, column_formats=formats))["T"]
    (cell,) = column_cells(ws, name)
    assert cell.number_format == code


def test_durations_read_back_as_durations_and_months_as_first_days() -> None:
    frame = pd.DataFrame(
        {
            "waited": pd.to_timedelta(["36h"]),
            "month": pd.period_range("2026-11", periods=1, freq="M"),
        }
    )
    ws = reopen(workbook_bytes({"T": frame}))["T"]
    # Excel stores 36 h as 1.5 days; openpyxl reads the [h]:mm cell back as a duration.
    assert column_cells(ws, "waited")[0].value == timedelta(hours=36)
    assert column_cells(ws, "month")[0].value == datetime(2026, 11, 1)


def test_bad_values_become_empty_or_clean_cells() -> None:
    frame = pd.DataFrame({"x": [np.inf, 1.0], "t": ["a\x00b\x1fc", "ok"]})
    ws = reopen(workbook_bytes({"T": frame}))["T"]
    assert [c.value for c in column_cells(ws, "x")] == [None, 1]
    assert [c.value for c in column_cells(ws, "t")] == ["abc", "ok"]


def test_about_sheet_comes_first_with_title_date_context_and_contents() -> None:
    frames = {"Tickets": pd.DataFrame({"a": [1, 2]}), ABOUT_SHEET: pd.DataFrame({"b": [1]})}
    content = workbook_bytes(
        frames,
        title="Point TMA — ACME",
        about={"Contrat": "ACME TMA 2026", "Période": "novembre 2026"},
        generated_at=datetime(2026, 11, 22, 9, 31),
    )
    sheets = reopen(content)
    assert list(sheets) == [ABOUT_SHEET, "Tickets", f"{ABOUT_SHEET} (2)"]
    about = sheets[ABOUT_SHEET]
    cells = {(c.row, c.column): c.value for row in about.iter_rows() for c in row if c.value}
    assert cells[(1, 1)] == "Point TMA — ACME"
    assert cells[(3, 2)] == datetime(2026, 11, 22, 9, 31)
    texts = set(cells.values())
    assert {"Contrat", "ACME TMA 2026", "Période", "novembre 2026", "2 lignes", "1 ligne"} <= texts
    assert load_workbook(io.BytesIO(content)).properties.title == "Point TMA — ACME"


def test_without_title_there_is_no_about_sheet() -> None:
    assert list(reopen(workbook_bytes({"T": pd.DataFrame({"a": [1]})}))) == ["T"]


def test_empty_inputs_still_make_a_valid_workbook() -> None:
    assert list(reopen(workbook_bytes({}))) == ["Aucune donnée"]
    ws = reopen(workbook_bytes({"T": pd.DataFrame({"a": [], "b": []})}))["T"]
    assert [c.value for c in ws[1]] == ["a", "b"]
    assert ws.auto_filter.ref == "A1:B1"
    assert reopen(workbook_bytes({"T": pd.DataFrame()}))["T"]["A1"].value == "Aucune donnée."


def test_the_index_is_not_written_and_column_names_become_text() -> None:
    frame = pd.DataFrame({2026: [1.0], "b": [2.0]}, index=["ignored"])
    ws = reopen(workbook_bytes({"T": frame}))["T"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["2026", "b"], [1, 2]]


KEY_CASES = [
    (["3712", "12", None], [3712, 12, None], "n", "0"),
    (["G-12", "G-7"], ["G-12", "G-7"], "s", "General"),
    (["3712", "PROJ-4"], ["3712", "PROJ-4"], "s", "General"),  # mixed: text, sorts as text
    (["0012", "13"], ["0012", "13"], "s", "General"),  # a leading zero is not a number
]


@pytest.mark.parametrize(
    ("keys", "cells", "data_type", "code"),
    KEY_CASES,
    ids=["redmine-ids", "jira-keys", "mixed", "leading-zero"],
)
def test_ticket_keys_are_numbers_only_where_every_key_is_one(keys, cells, data_type, code) -> None:
    frame = pd.DataFrame({"Demande": pd.array(keys, dtype="string")})
    ws = reopen(workbook_bytes({"T": frame}))["T"]
    found = column_cells(ws, "Demande")
    assert [c.value for c in found] == cells
    assert {(c.data_type, c.number_format) for c in found if c.value is not None} == {
        (data_type, code)
    }


def test_a_column_of_key_figures_gets_one_format_per_row() -> None:
    frame = pd.DataFrame({"Indicateur": ["Solde", "Respect", "Ouvertes"], "v": [2.5, 0.9, 12.0]})
    formats = {"T": {"v": ["days", "percent", None]}}
    ws = reopen(workbook_bytes({"T": frame}, row_formats=formats))["T"]
    assert [c.number_format for c in column_cells(ws, "v")] == ['#,##0.0 "j"', "0 %", "#,##0.00"]
    with pytest.raises(ValueError, match="un par ligne"):
        workbook_bytes({"T": frame}, row_formats={"T": {"v": ["days"]}})
