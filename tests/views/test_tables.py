"""French labels and cell texts of the views' columns; the views' modules stay pure."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.test_architecture import import_crimes
from tma_metrics.french.labels import KIND_LABELS_FR, label, labels
from tma_metrics.views.tables import COLUMNS, cell_text, display_table, for_client, french_table

VIEWS = Path(__file__).resolve().parents[2] / "tma_metrics" / "views"
TEXTS = Path(__file__).resolve().parents[2] / "tma_metrics" / "reports" / "texts"


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (7.25, "hours", "7,25"),
        (1234.5, "days", "1\u202f234,50"),
        (0.934, "percent", "93\u00a0%"),
        (np.nan, "percent", "—"),
        (None, "text", "—"),
        (pd.NA, "integer", "—"),
        (12, "integer", "12"),
        (date(2026, 11, 22), "date", "22/11/2026"),
        (datetime(2026, 11, 22, 9, 31), "datetime", "22/11/2026 09:31"),
        (pd.Timestamp("2026-11-01"), "month", "novembre 2026"),
        (pd.Timedelta(minutes=125), "duration", "2 h 05"),
        (pd.NaT, "duration", "—"),
        (True, "bool", "Oui"),
        ("G-12", "text", "G-12"),
    ],
    ids=[
        "hours-quarter",
        "days-thousands",
        "percent",
        "percent-nan",
        "text-none",
        "integer-na",
        "integer",
        "date",
        "datetime",
        "month",
        "duration",
        "duration-nat",
        "bool",
        "text",
    ],
)
def test_cell_text(value, fmt, expected) -> None:
    assert cell_text(value, fmt) == expected


def test_codes_become_labels_and_unknown_codes_stay() -> None:
    codes = pd.Series(["corrective", "mystery", None], dtype="string")
    assert labels(codes, KIND_LABELS_FR).tolist() == ["Corrective", "mystery", pd.NA]
    assert label(KIND_LABELS_FR, float("nan")) == "—"


def test_french_and_display_tables() -> None:
    frame = pd.DataFrame(
        {
            "ticket_uid": ["x:1"],
            "key": ["1"],
            "kind": ["evolutive"],
            "spent_hours": [3.5],
            "deducted_hours": [3.0],
            "remaining_minutes": [65.0],
        }
    )
    typed = french_table(frame)
    assert list(typed.columns) == [
        "Demande",
        "Type",
        "Temps passé (h)",
        "Temps décompté (h)",
        "Temps ouvré restant",
    ]
    assert typed["Type"].iloc[0] == "Évolutive"
    assert typed["Temps ouvré restant"].iloc[0] == pd.Timedelta(minutes=65)
    assert "Temps passé (h)" not in french_table(frame, client_view=True).columns
    assert "spent_hours" not in for_client(frame).columns
    shown = display_table(frame)
    assert shown.iloc[0].tolist() == ["1", "Évolutive", "3,50", "3,00", "1 h 05"]


def test_every_column_has_a_french_header() -> None:
    for name, spec in COLUMNS.items():
        assert spec.header and "_" not in spec.header, name


@pytest.mark.parametrize(
    "path",
    sorted([*VIEWS.glob("*.py"), *TEXTS.glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_views_and_texts_are_pure(path: Path) -> None:
    assert import_crimes(path.read_text(encoding="utf-8")) == []
