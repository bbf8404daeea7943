"""One wording of an SLA compliance everywhere: a rate, a range or « non mesurable »."""

from __future__ import annotations

import math

import pytest

from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.views.cards import sla_card
from tma_metrics.views.sla_range import ComplianceRange, percent_down, percent_up

NBSP = "\u00a0"


# (id, met, breached, unknown, running, gap, text, low, high)
CASES = [
    ("nothing-applicable", 0, 0, 0, 0, None, "—", math.nan, math.nan),
    ("only-running", 0, 0, 0, 3, None, "non mesurable", math.nan, math.nan),
    ("only-unknown", 0, 0, 5, 0, "history", "non mesurable", 0.0, 1.0),
    ("every-clock-measured", 8, 2, 0, 1, None, f"80{NBSP}%", 0.8, 0.8),
    ("all-met-proven", 6, 0, 0, 0, None, f"100{NBSP}%", 1.0, 1.0),
    # the case: 0 % on bounds became « entre 45 % et 100 % »
    ("met-and-unknown", 9, 0, 11, 0, "history", f"entre 45{NBSP}% et 100{NBSP}%", 0.45, 1.0),
    ("breached-and-unknown", 0, 3, 3, 0, "history", f"entre 0{NBSP}% et 50{NBSP}%", 0.0, 0.5),
    # 7 / 23 = 30,4 % and 21 / 23 = 91,3 %: rounded outwards, the truth stays inside
    ("rounded-outwards", 7, 2, 14, 0, "history", f"entre 30{NBSP}% et 92{NBSP}%", 7 / 23, 21 / 23),
]


@pytest.mark.parametrize(
    ("met", "breached", "unknown", "running", "gap", "text", "low", "high"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_compliance_is_written_as_a_rate_a_range_or_not_measurable(
    met, breached, unknown, running, gap, text, low, high
) -> None:
    measurable = met + breached + running
    found = ComplianceRange(met, breached, unknown, measurable, measurable + unknown, gap)
    assert found.text() == text
    for got, want in ((found.low, low), (found.high, high)):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)
    # a bare 0 % or 100 % never rests on unknowns
    if unknown:
        assert found.text() not in (f"0{NBSP}%", f"100{NBSP}%")


@pytest.mark.parametrize(
    ("gap", "action"),
    [
        ("history", "5 délais non mesurables : synchronisez l'historique des statuts"),
        (
            "column:Date de résolution",
            "5 délais non mesurables : ajoutez la colonne « Date de résolution » à l'export",
        ),
        ("dates", "5 délais non mesurables : corrigez les dates incohérentes de l'export"),
        (None, "5 délais non mesurables"),
    ],
    ids=["history", "column", "dates", "no-gap"],
)
def test_the_detail_says_what_would_close_the_gap(gap, action) -> None:
    found = ComplianceRange(4, 1, 5, 5, 10, gap)
    assert found.detail() == f"couverture 50{NBSP}% (5/10) ; {action}"


@pytest.mark.parametrize(
    ("fraction", "down", "up"),
    [(0.29, "29", "29"), (0.459, "45", "46"), (0.451, "45", "46"), (1.0, "100", "100")],
    ids=["float-noise", "upper-half", "lower-half", "whole"],
)
def test_range_ends_round_outwards(fraction, down, up) -> None:
    assert percent_down(fraction) == f"{down}{NBSP}%"
    assert percent_up(fraction) == f"{up}{NBSP}%"


def summary(met: int, breached: int, unknown: int, gap: str | None = None) -> ComplianceSummary:
    decided = met + breached
    return ComplianceSummary(
        applicable=decided + unknown,
        measurable=decided,
        met=met,
        breached=breached,
        open=0,
        at_risk=0,
        not_applicable=0,
        compliance=met / decided if decided else math.nan,
        coverage=decided / (decided + unknown) if decided + unknown else math.nan,
        gap=gap,
    )


def test_the_sla_card_of_a_range_has_no_single_value() -> None:
    card = sla_card(summary(9, 0, 11, "history"))
    assert math.isnan(card.value)
    assert card.text == f"entre 45{NBSP}% et 100{NBSP}%"
    assert "synchronisez l'historique des statuts" in card.detail
    whole = sla_card(summary(8, 2, 0))
    assert whole.value == pytest.approx(0.8) and whole.text == f"80{NBSP}%"
