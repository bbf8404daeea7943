"""The optional « Carnet » sheet: days, start and hours per day read from a workbook."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from tma_metrics.sources import build_template
from tma_metrics.sources.carnet_sheet import CarnetSettings, read_carnet_settings


def workbook(sheet_name: str, rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["date", "heures"])
    sheet = book.create_sheet(sheet_name)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CASES = {
    "typed-cells": (
        "Carnet",
        [["Jours achetés", 40], ["Date de début", datetime(2026, 1, 1)], ["Heures par jour", 7]],
        CarnetSettings(40.0, date(2026, 1, 1), 7.0),
    ),
    "french-text": (
        "carnet",
        [["JOURS ACHETES :", "12,5"], ["Début", "01/02/2026"], ["heures / jour", "7,5"]],
        CarnetSettings(12.5, date(2026, 2, 1), 7.5),
    ),
    "english": (
        "Contract",
        [["Days purchased", 20], ["Start date", "2026-03-01"], ["Hours per day", 8]],
        CarnetSettings(20.0, date(2026, 3, 1), 8.0),
    ),
    "unreadable": (
        "Carnet",
        [["Jours achetés", "beaucoup"], ["Date de début", "hier"], ["Heures par jour", -3]],
        CarnetSettings(),
    ),
    "hours-over-24": ("Carnet", [["Heures par jour", 25]], CarnetSettings()),
    "first-wins": (
        "Carnet",
        [["Jours achetés", 10], ["Jours achetés", 99]],
        CarnetSettings(days=10.0),
    ),
    "other-sheet": ("Synthèse", [["Jours achetés", 40]], CarnetSettings()),
}


@pytest.mark.parametrize(("sheet", "rows", "expected"), CASES.values(), ids=CASES.keys())
def test_settings_read_from_the_carnet_sheet(sheet, rows, expected) -> None:
    assert read_carnet_settings(workbook(sheet, rows), "suivi.xlsx") == expected


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"date;heures\n01/01/2026;3\n", "temps.csv"),
        (b"PK\x03\x04 pas une archive", "faux.xlsx"),
        (b"", "vide.xlsx"),
    ],
    ids=["csv", "truncated-zip", "empty"],
)
def test_no_settings_from_a_file_without_a_readable_sheet(data: bytes, name: str) -> None:
    assert read_carnet_settings(data, name) == CarnetSettings()


def test_the_template_carries_a_carnet_sheet() -> None:
    assert read_carnet_settings(build_template(), "modele.xlsx") == CarnetSettings(
        40.0, date(2026, 1, 1), 8.0
    )


def test_missing_settings_are_taken_from_another_file() -> None:
    first = CarnetSettings(days=10.0)
    second = CarnetSettings(days=99.0, start=date(2026, 1, 1))
    assert first.or_else(second) == CarnetSettings(10.0, date(2026, 1, 1), None)
