"""The e-mails: French figures, every section, nothing missing printed, nothing internal."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from tests.naive import views as naive
from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.figures.periods import Period
from tma_metrics.french import formats as fr
from tma_metrics.reports.texts import bilan_text, copil_text, point_text
from tma_metrics.reports.texts.common import AUTHOR_PLACEHOLDER, count, of_month
from tma_metrics.views.bilan import bilan_view
from tma_metrics.views.copil import copil_view
from tma_metrics.views.point import point_view

#: Words that betray English prose or a code leaking into the text.
FORBIDDEN = re.compile(
    r"\b(nan|none|nat|null|the|and|open|opened|at_risk|breached|met|pending|validated|"
    r"estimate|evolutive|preventive|management|other|response|workaround|resolution|"
    r"not_measurable|absorb\w*|true|false)\b",
    re.IGNORECASE,
)


def _clean(text: str) -> None:
    found = FORBIDDEN.findall(text)
    assert not found, f"words that should not be there: {sorted(set(found))}"
    assert "|" not in text, "no markdown table in an e-mail"
    assert text.endswith("\n") and "\n\n\n" not in text


@pytest.fixture(scope="module")
def point(demo_figures, previous_figures):
    return point_view(demo_figures, previous_figures)


@pytest.fixture(scope="module")
def bilan(october_figures):
    return bilan_view(october_figures, date(2026, 10, 1))


@pytest.fixture(scope="module")
def copil(quarter_figures):
    return copil_view(quarter_figures)


POINT_SECTIONS = (
    "Objet : [",
    "Bonjour,",
    "\nConsommation\n",
    "\nDemandes entrées (",
    "\nDemandes résolues (",
    "\nDemandes en cours (",
    "\nDevis en attente de validation\n",
    "\nPoints d'attention\n",
    "\nSLA\n",
    "\nActions\n- [À compléter",
    "\nDécisions\n- [À compléter",
    "Cordialement,",
)


def test_point_text_has_every_section_in_order(point) -> None:
    text = point_text(point, author="Claire Dubois")
    positions = [text.index(s) for s in POINT_SECTIONS]
    assert positions == sorted(positions)
    assert text.rstrip().endswith("Claire Dubois")
    _clean(text)


def test_point_text_shows_the_figures_in_french(point, demo_figures, previous_figures) -> None:
    text = point_text(point)
    b = demo_figures.balance
    assert f"Solde du carnet : {fr.days(b.remaining_days)}" in text
    change = b.remaining_days - previous_figures.balance.remaining_days
    assert f"({fr.days(change, signed=True)} depuis le point du 13/11/2026)" in text
    assert fr.days(b.committed_days) in text and fr.days(b.projected_days) in text
    assert f"Épuisement prévu le {fr.day(b.forecast_exhaustion_date)}" in text
    window = naive.deducted_hours_between(demo_figures.entries, point.since, point.as_of) / 8
    assert f"dont {fr.days(window)} sur la période du point" in text
    assert f"Demandes entrées ({len(point.incoming)})" in text
    assert f"Demandes en cours ({len(point.in_progress)})" in text
    for key in point.incoming["key"]:
        assert f"- {key} – " in text
    assert "reste 1 h 00 (temps ouvré)" in text  # the at-risk clock, "2 h 05" style
    assert AUTHOR_PLACEHOLDER in text


def test_point_text_never_shows_internal_figures(demo_figures, previous_figures) -> None:
    t = demo_figures.tickets.copy()
    i = t.index[t["is_open"] & t["effective_estimate_hours"].notna()][0]
    t.loc[i, "billed_spent_hours"] = 3 * float(t.loc[i, "effective_estimate_hours"])
    figures = dataclasses.replace(demo_figures, tickets=t, warnings=("Avertissement interne",))
    text = point_text(point_view(figures, previous_figures))
    assert "garantie (passé" not in text and "Avertissement interne" not in text
    assert "Temps absorbé" not in text and "Temps passé" not in text
    _clean(text)


def test_point_text_of_a_quiet_week_of_a_regie(demo_figures) -> None:
    contract = dataclasses.replace(demo_figures.contract, model="regie")
    figures = dataclasses.replace(
        demo_figures,
        contract=contract,
        balance=Balance(as_of=demo_figures.period.as_of, model="regie"),
        tickets=demo_figures.tickets.iloc[0:0],
        outcomes=demo_figures.outcomes.iloc[0:0],
        commitments=demo_figures.commitments.iloc[0:0],
    )
    text = point_text(point_view(figures))
    assert "Temps décompté sur la période du point" in text
    assert "Aucune nouvelle demande." in text and "Aucun devis en attente" in text
    assert "Aucune demande soumise aux SLA" in text
    _clean(text)


BILAN_SECTIONS = (
    "Objet : [",
    "Bonjour,",
    "\nConsommation\n",
    "\nRépartition du mois\n",
    "\nPrincipales demandes du mois\n",
    "\nPlan d'amélioration continue\n",
    "Cordialement,",
)


def test_bilan_text_has_every_section_and_the_figures(bilan, october_figures) -> None:
    text = bilan_text(bilan)
    positions = [text.index(s) for s in BILAN_SECTIONS]
    assert positions == sorted(positions)
    assert "Bilan TMA d'octobre 2026" in text
    consumed = naive.deducted_hours_between(october_figures.entries, bilan.month, bilan.month_end)
    assert f"Jours consommés en octobre 2026 : {fr.days(consumed / 8)}." in text
    assert f"{fr.days(bilan.remaining_days)}, valable jusqu'au 31/01/2027" in text
    assert fr.percent(bilan.management_share) in text
    assert f"{fr.percent(bilan.sla_month.compliance)} des délais respectés" in text
    assert f"Demandes traitées sans devis validé : {len(bilan.unestimated)}" in text
    assert f"Demandes ouvertes au 31/10/2026 : {bilan.backlog.open}" in text
    _clean(text)


def test_bilan_text_of_a_partial_month_says_so(demo_figures) -> None:
    text = bilan_text(bilan_view(demo_figures, date(2026, 11, 1)))
    assert "du mois de novembre 2026, arrêté au 20/11/2026." in text
    _clean(text)


def test_bilan_text_of_a_low_balance_proposes_the_renewal(october_figures) -> None:
    low = dataclasses.replace(october_figures.balance, remaining_days=3.0, low_balance=True)
    text = bilan_text(
        bilan_view(dataclasses.replace(october_figures, balance=low), date(2026, 10, 1))
    )
    assert "renouvellement du carnet" in text
    _clean(text)


def test_bilan_text_of_an_empty_month(demo_figures) -> None:
    period = Period(date(2026, 1, 31), date(2026, 1, 1), date(2026, 1, 31))
    figures = dataclasses.replace(demo_figures, period=period)
    text = bilan_text(bilan_view(figures, date(2026, 1, 1)))
    assert "Aucun temps décompté ce mois-ci." in text
    _clean(text)


def test_copil_text(copil, quarter_figures) -> None:
    text = copil_text(copil, author="Claire Dubois")
    assert "Compte rendu du comité de pilotage du 20/11/2026" in text
    assert f"Respect des SLA : {fr.percent(quarter_figures.sla_summary.compliance)}" in text
    assert fr.days(copil.consumed_period_days) in text
    for section in ("\nConsommation\n", "\nActions\n", "\nDécisions\n"):
        assert section in text
    _clean(text)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "aucune demande"), (1, "1 demande"), (12, "12 demandes")],
    ids=["none", "one", "many"],
)
def test_count_in_words(n, expected) -> None:
    assert count(n, "demande") == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2026, 4, 1), "d'avril 2026"),
        (date(2026, 8, 1), "d'août 2026"),
        (date(2026, 3, 1), "de mars 2026"),
    ],
    ids=["avril", "août", "mars"],
)
def test_month_elision(month, expected) -> None:
    assert of_month(month) == expected
