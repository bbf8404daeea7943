"""Every cell the meeting pages show is French text: no raw value in any row.

The browser walk reads what the grids draw (only their visible rows); this reads every
row of every table of the Point TMA, the Bilan and the Copil, through the formats the
pages use (`views.tables.cell_text` of each column's declared format), plus the cards.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tma_metrics.views.bilan import bilan_view
from tma_metrics.views.copil import copil_view
from tma_metrics.views.point import point_view
from tma_metrics.views.tables import COLUMNS, cell_text, french_table

RAW = re.compile(r"\b(None|nan|NaN|NaT)\b|<NA>|\b\d+\.\d+\b|\b\d{4}-\d{2}-\d{2}\b")
FORMATS = {spec.header: spec.format for spec in COLUMNS.values()}


def raw_cells(tables: dict) -> list[str]:
    found = []
    for name, frame in tables.items():
        shown = french_table(frame)
        for header in shown.columns:
            for value in shown[header].astype(object):
                text = cell_text(value, FORMATS[header])
                if RAW.search(text):
                    found.append(f"{name} / {header} : {text}")
    return found


@pytest.mark.parametrize("client_view", [False, True], ids=["internal", "client"])
def test_point_bilan_copil_cells_and_cards_are_french(
    demo_figures, previous_figures, october_figures, client_view
) -> None:
    views = {
        "point": point_view(demo_figures, previous_figures, client_view=client_view),
        "bilan": bilan_view(october_figures, date(2026, 10, 1), client_view=client_view),
        "copil": copil_view(demo_figures, client_view=client_view),
    }
    for name, view in views.items():
        assert raw_cells(view.tables) == [], name
    cards = [*views["point"].cards, *views["copil"].key_figures]
    texts = [t for c in cards for t in (c.text, c.detail, c.change_text)]
    assert [t for t in texts if RAW.search(t)] == []


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (None, "days", "—"),
        (float("nan"), "percent", "—"),
        (29.8138, "hours", "29,81"),
        (date(2027, 3, 1), "date", "01/03/2027"),
        (5.5625, "days", "5,56"),
    ],
    ids=["none", "nan", "four-decimals", "iso-date", "days"],
)
def test_the_values_once_raw_on_screen(value, fmt, expected) -> None:
    assert cell_text(value, fmt) == expected
