"""Contracts as code: defaults, renewals, mappings, and French errors on a bad file."""

from __future__ import annotations

from datetime import date

import pytest

from tma_metrics.domain.contracts.model import (
    ALWAYS_OPEN,
    ContractError,
    allowance_minutes,
    default_end,
)
from tma_metrics.domain.contracts.parser import parse_contracts

MINIMAL = """
[[contract]]
name = "Client Alpha"
projects = ["alpha-site", "ALPHA"]
[[contract.carnet]]
start = 2026-01-01
days = 40
"""

FULL = """
[[contract]]
name = "Client Alpha"
projects = ["alpha-site", "ALPHA"]
hours_per_day = 7
margin = 0.2
alert_days = 3
waiting_statuses = ["En attente client"]

[[contract.carnet]]
start = 2025-01-01
days = 30

[[contract.carnet]]
start = 2026-01-01
days = 40
end = 2026-06-30
daily_rate = 650

[contract.calendar]
windows = ["08:30-12:30", "13:30-17:30"]
weekdays = ["mon", "tue", "wed", "thu"]
holidays = "FR-57"
closed = [2026-12-24]

[contract.sla.bloquante]
response = "1h"
calendar = "24/7"

[contract.sla.mineure]
workaround = "10j"

[contract.priorities]
"P1 - Critique" = "bloquante"

[contract.kinds]
"Incident de prod" = "corrective"
"""


def test_minimal_contract_takes_every_default() -> None:
    (c,) = parse_contracts(MINIMAL)
    assert (c.hours_per_day, c.margin, c.alert_days, c.timezone) == (8, 0.25, 4, "Europe/Paris")
    assert c.waiting_statuses[:2] == ("En attente client", "Waiting for customer")
    assert {"En attente", "Pending", "Commentaire"} <= set(c.waiting_statuses)
    assert c.carnets[0].end == date(2026, 12, 31)
    assert c.calendar.day_minutes == 480 and c.calendar.weekdays == (0, 1, 2, 3, 4)
    assert c.calendar.holidays == "FR"
    # DOMAIN.md section 4's matrix
    matrix = {(t.severity, t.kind): t.allowance for t in c.sla}
    assert matrix == {
        ("bloquante", "response"): "2h",
        ("bloquante", "workaround"): "4h",
        ("bloquante", "resolution"): "1j",
        ("majeure", "response"): "4h",
        ("majeure", "workaround"): "2j",
        ("majeure", "resolution"): "5j",
        ("mineure", "response"): "3j",
        ("mineure", "workaround"): None,
        ("mineure", "resolution"): None,
    }
    assert c.sla_ticket_kinds == ("corrective",)


def test_full_contract_overrides_defaults() -> None:
    (c,) = parse_contracts(FULL)
    assert (c.hours_per_day, c.margin, c.alert_days) == (7, 0.2, 3)
    assert [x.start for x in c.carnets] == [date(2025, 1, 1), date(2026, 1, 1)]
    assert c.carnets[1].end == date(2026, 6, 30) and c.carnets[1].daily_rate == 650
    assert c.calendar.windows == ((510, 750), (810, 1050))
    assert c.calendar.holidays == "FR-57" and c.calendar.closed == (date(2026, 12, 24),)
    blocking = c.sla_target("bloquante", "response")
    assert blocking.allowance == "1h" and blocking.calendar == ALWAYS_OPEN
    assert c.sla_target("bloquante", "resolution").allowance == "1j"  # default kept
    assert c.sla_target("mineure", "workaround").allowance == "10j"
    assert c.severity_of("p1 - CRITIQUE") == "bloquante"
    assert c.kind_of("Incident de prod") == "corrective"
    assert c.carnet_on(date(2025, 6, 1)) == c.carnets[0]
    assert c.carnet_on(date(2026, 7, 1)) is None


@pytest.mark.parametrize(
    ("label", "severity"),
    [
        ("Immédiat", "bloquante"),
        ("immediat", "bloquante"),
        ("Très haute", "bloquante"),
        ("Haute", "majeure"),
        ("Highest", "bloquante"),
        ("Medium", "mineure"),
        ("Média", "mineure"),
        ("Normal", "mineure"),
        ("majeure", "majeure"),
        ("Inconnue", None),
        (None, None),
    ],
)
def test_default_priorities_match_without_case_or_accents(label, severity) -> None:
    (c,) = parse_contracts(MINIMAL)
    assert c.severity_of(label) == severity


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Anomalie", "corrective"),
        ("Bug", "corrective"),
        ("Evolution", "evolutive"),
        ("Évolution", "evolutive"),
        ("Tâche", "support"),
        ("Sécurité", "preventive"),
        ("Gestion de projet", "management"),
        ("Quelque chose", None),
    ],
)
def test_default_kinds_match_without_case_or_accents(label, kind) -> None:
    (c,) = parse_contracts(MINIMAL)
    assert c.kind_of(label) == kind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[contract]]\nprojects = ['a']\n", "clé « name »"),
        (
            "[[contract]]\nname = 'X'\n[[contract.carnet]]\nstart = 2026-01-01\ndays = 1\n",
            "clé « projects »",
        ),
        ("[[contract]]\nname = 'X'\nprojects = ['a']\n", "clé « carnet »"),
        (
            "[[contract]]\nname = 'X'\nprojects = ['a']\n[[contract.carnet]]\ndays = 5\n",
            "clé « carnet[1].start »",
        ),
        (
            "[[contract]]\nname = 'X'\nprojects = ['a']\n[[contract.carnet]]\nstart = 'janvier'\n"
            "days = 5\n",
            "une date AAAA-MM-JJ",
        ),
        (MINIMAL + "margin = -1\n", "clé « carnet[1].margin »"),
        (MINIMAL.replace("days = 40", "days = 40\nend = 2025-01-01"), "postérieure au début"),
        (
            MINIMAL + "[contract.sla.bloquante]\nresponse = 'vite'\n",
            "clé « sla.bloquante.response »",
        ),
        (MINIMAL + "[contract.sla.urgente]\nresponse = '2h'\n", "clé « sla.urgente »"),
        (MINIMAL + "[contract.calendar]\nwindows = ['18:00-09:00']\n", "clé « calendar.windows »"),
        (MINIMAL + "[contract.calendar]\nweekdays = ['lunday']\n", "clé « calendar.weekdays »"),
        (MINIMAL + "[contract.priorities]\nP1 = 'critique'\n", "clé « priorities.P1 »"),
        (
            MINIMAL.replace('projects = ["alpha-site", "ALPHA"]', 'projects = ["a"]\nmodel = "x"'),
            "clé « model »",
        ),
        (MINIMAL.replace("hours_per_day", "hours") + "colour = 'bleu'\n", "colour"),
        (MINIMAL + MINIMAL, "Nom de contrat en double"),
        ("[[contract]\n", "TOML valide"),
    ],
    ids=[
        "no-name",
        "no-projects",
        "no-carnet",
        "carnet-without-start",
        "carnet-start-not-a-date",
        "negative-margin",
        "end-before-start",
        "bad-allowance",
        "unknown-severity",
        "reversed-window",
        "unknown-weekday",
        "unknown-severity-in-mapping",
        "unknown-model",
        "unknown-key",
        "duplicate-name",
        "not-toml",
    ],
)
def test_bad_file_names_contract_key_and_expectation(text, message) -> None:
    with pytest.raises(ContractError) as error:
        parse_contracts(text)
    assert message in str(error.value)
    assert "attendu" in str(error.value) or "double" in str(error.value)


def test_a_project_cannot_belong_to_two_contracts() -> None:
    text = MINIMAL + MINIMAL.replace("Client Alpha", "Client Beta").replace(
        '"alpha-site", "ALPHA"', '"Alpha-Site"'
    )
    with pytest.raises(ContractError, match=r"Alpha-Site.*Client Alpha"):
        parse_contracts(text)


@pytest.mark.parametrize(
    ("text", "day_minutes", "minutes"),
    [
        ("2h", 480, 120),
        ("1j", 480, 480),
        ("0,5j", 480, 240),
        ("30min", 480, 30),
        ("1j", 1440, 1440),
        ("1.5 h", 480, 90),
    ],
)
def test_allowances_are_business_minutes(text, day_minutes, minutes) -> None:
    assert allowance_minutes(text, day_minutes) == minutes


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2024, 2, 29), date(2025, 2, 27)),
        (date(2026, 3, 31), date(2027, 3, 30)),
    ],
)
def test_default_end_is_twelve_months_minus_one_day(start, end) -> None:
    assert default_end(start) == end
