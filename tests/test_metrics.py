"""The KPI catalog is complete and the README's glossary is generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tma_metrics.metrics import CATALOG, KPIS, glossary_markdown, kpi

README = Path(__file__).resolve().parents[1] / "README.md"
UNITS = {"j", "h", "%", "date", "nb", "ratio", "j/mois", "bool"}


@pytest.mark.parametrize("entry", CATALOG, ids=lambda k: k.id)
def test_every_kpi_is_fully_declared(entry) -> None:
    assert entry.label.strip() and entry.definition.strip() and entry.definition_en.strip()
    assert entry.unit in UNITS
    assert entry.higher_is_better in (True, False, None)


def test_ids_are_unique() -> None:
    assert len(KPIS) == len(CATALOG)


@pytest.mark.parametrize(
    ("kpi_id", "value", "shown"),
    [
        ("remaining_days", 12.5, "12,5\u00a0j"),
        ("spent_hours", 1234.25, "1\u202f234,2\u00a0h"),
        ("sla_compliance", 0.934, "93\u00a0%"),
        ("forecast_exhaustion_date", "2026-11-22", "22/11/2026"),
        ("median_ratio", 1.256, "1,26"),
        ("low_balance", True, "Oui"),
        ("backlog_open", None, "—"),
    ],
    ids=["days", "hours-thousands", "percent", "date", "ratio", "bool", "missing"],
)
def test_kpi_values_are_formatted_the_french_way(kpi_id, value, shown) -> None:
    assert kpi(kpi_id).format(value) == shown


def test_readme_glossary_is_the_catalog() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- glossary:start -->\n") + len("<!-- glossary:start -->\n")
    end = text.index("<!-- glossary:end -->")
    assert text[start:end] == glossary_markdown(), (
        "README glossary is stale: run `python -m tma_metrics.metrics` and paste its output"
    )
