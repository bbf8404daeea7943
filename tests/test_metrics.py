"""The KPI catalog: complete, one label per idea, and the README's glossary generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tma_metrics.metrics import (
    CATALOG,
    COLUMN_UNITS,
    COLUMNS,
    KPI_UNITS,
    KPIS,
    column,
    format_value,
    glossary_markdown,
    kpi,
)

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("entry", CATALOG, ids=lambda k: k.id)
def test_every_kpi_is_fully_declared(entry) -> None:
    assert entry.label.strip() and entry.definition.strip() and entry.definition_en.strip()
    assert entry.unit in KPI_UNITS
    assert entry.group in ("Consommation", "SLA", "Estimation", "Activité")


#: Which way is better, decided by hand from what each figure means for the client:
#: a balance, a compliance or a guarantee rate is good when high; a breach, an absorbed
#: hour or a stale backlog is good when low; volumes, dates and ratios meant to sit
#: near a target (median ratio 1, bias 0, management share ~10 %) are neither.
HIGHER = {
    "remaining_days",
    "projected_days",
    "sla_compliance",
    "sla_compliance_low",
    "sla_compliance_high",
    "sla_coverage",
    "within_guarantee_rate",
    "within_25_rate",
}
LOWER = {
    "absorbed_hours",
    "likely_unused_days",
    "low_balance",
    "sla_unknown",
    "sla_breached",
    "sla_at_risk",
    "estimation_absorbed_hours",
    "backlog_median_age_days",
}
NEITHER = {
    "purchased_days",
    "carried_over_days",
    "consumed_days",
    "committed_days",
    "spent_hours",
    "deducted_hours",
    "burn_rate_days_per_month",
    "forecast_exhaustion_date",
    "management_share",
    "estimated_tickets",
    "median_ratio",
    "estimation_bias",
    "tickets_created",
    "tickets_resolved",
    "tickets_reopened",
    "backlog_open",
    "tickets_without_estimate",
}


def test_every_kpi_is_classified_once_by_hand() -> None:
    assert HIGHER.isdisjoint(LOWER) and NEITHER.isdisjoint(HIGHER | LOWER)
    assert set(KPIS) == HIGHER | LOWER | NEITHER


@pytest.mark.parametrize("entry", CATALOG, ids=lambda k: k.id)
def test_which_way_is_better_matches_the_hand_table(entry) -> None:
    expected = True if entry.id in HIGHER else False if entry.id in LOWER else None
    assert entry.higher_is_better is expected


def test_ids_are_unique() -> None:
    assert len(KPIS) == len(CATALOG)
    assert len({k.label for k in CATALOG}) == len(CATALOG)


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
        ("backlog_median_age_days", 12, "12\u00a0jours"),
        ("backlog_median_age_days", 1, "1\u00a0jour"),
        ("burn_rate_days_per_month", 3.25, "3,2\u00a0j/mois"),
    ],
    ids=[
        "days", "hours-thousands", "percent", "date", "ratio", "bool", "missing",
        "calendar-days", "one-calendar-day", "days-per-month",
    ],
)  # fmt: skip
def test_kpi_values_are_formatted_the_french_way(kpi_id, value, shown) -> None:
    assert kpi(kpi_id).format(value) == shown
    assert format_value(value, kpi(kpi_id).unit) == shown


@pytest.mark.parametrize("entry", COLUMNS.values(), ids=lambda c: c.name)
def test_every_column_has_a_french_header_and_a_known_unit(entry) -> None:
    assert entry.unit in COLUMN_UNITS
    assert entry.header.strip() and "_" not in entry.header


@pytest.mark.parametrize("entry", [c for c in COLUMNS.values() if c.kpi], ids=lambda c: c.name)
def test_a_column_that_shows_a_kpi_reads_its_label_and_unit(entry) -> None:
    assert entry.label == KPIS[entry.kpi].label
    assert entry.unit == KPIS[entry.kpi].unit


def test_a_column_named_like_a_kpi_shows_that_kpi() -> None:
    # Names aligned with the fields: a field called like a KPI is that KPI.
    assert {c.name: c.kpi for c in COLUMNS.values() if c.name in KPIS} == {
        name: name for name in KPIS if name in COLUMNS
    }


def test_one_header_means_one_unit() -> None:
    units: dict[str, set[str]] = {}
    for entry in COLUMNS.values():
        units.setdefault(entry.header, set()).add(entry.unit)
    assert {h: u for h, u in units.items() if len(u) > 1} == {}


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("compliance", "Respect des SLA"),
        ("sla_compliance", "Respect des SLA"),
        ("spent_hours", "Temps passé (h)"),
        ("remaining_days", "Solde (j)"),
        ("burn_rate_days_per_month", "Rythme de consommation (j/mois)"),
        ("age_days", "Ancienneté (jours)"),
        ("open_tickets", "Demandes ouvertes"),
        ("bias", "Biais d'estimation"),
    ],
    ids=lambda v: v if isinstance(v, str) and "_" in v else None,
)
def test_headers_say_label_then_unit(name, header) -> None:
    assert column(name).header == header


def test_readme_glossary_is_the_catalog() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- glossary:start -->\n") + len("<!-- glossary:start -->\n")
    end = text.index("<!-- glossary:end -->")
    assert text[start:end] == glossary_markdown(), (
        "README glossary is stale: run `python -m tma_metrics.metrics` and paste its output"
    )
