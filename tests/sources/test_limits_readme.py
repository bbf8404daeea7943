"""The README's table of limits says what `limits.py` enforces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tma_metrics.sources import limits

README = Path(__file__).resolve().parents[2] / "README.md"
UNITS = {"GiB": 1 << 30, "MiB": 1 << 20, "MB": 1_000_000}
ROWS = {
    "file size": "file_bytes",
    "workbook once inflated": "inflated_bytes",
    "inflated / compressed": "ratio",
    "members of a workbook archive": "members",
    "rows (": "rows",
    "columns (": "columns",
    "sheet grid": "cells",
    "CSV line, CSV field": "line_bytes",
}


def table() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8").split("### Limits on uploaded files", 1)[1]
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$", text, flags=re.M)
    return {label: [a, b, c] for label, a, b, c in rows}


def value(text: str) -> float:
    """Return ``10 000`` or ``1.5 GiB`` as a number of units or bytes."""
    found = re.fullmatch(r"([\d.]+)([A-Za-z]*)", text.replace(" ", ""))
    assert found, text
    return float(found.group(1)) * UNITS.get(found.group(2), 1)


@pytest.mark.parametrize(("label", "attribute"), ROWS.items(), ids=list(ROWS.values()))
def test_the_readme_table_matches_the_limits(label: str, attribute: str) -> None:
    row = next(cells for name, cells in table().items() if name.startswith(label))
    bounds = (limits.CLI, limits.IMPORT_PAGE, limits.QUICK_PAGE)
    assert [value(cell) for cell in row] == [getattr(b, attribute) for b in bounds]


def test_the_readme_gives_each_child_budget() -> None:
    row = next(cells for name, cells in table().items() if name.startswith("child's"))
    for cell, bound in zip(row, (limits.CLI, limits.IMPORT_PAGE, limits.QUICK_PAGE), strict=True):
        memory, time = cell.split(", ")
        assert value(memory) == bound.memory_bytes
        minutes = float(time.removesuffix(" min"))
        assert minutes * 60 == bound.seconds
