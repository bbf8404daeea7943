"""Burn-up, monthly consumption and management share charts."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from tests.charts.helpers import (
    check_common,
    check_empty,
    figure_text,
    plain,
    title_of,
    values,
)
from tma_metrics.charts.consumption import burn_up_chart
from tma_metrics.charts.monthly import management_share_chart, monthly_consumption_chart
from tma_metrics.charts.style import compact
from tma_metrics.domain.carnet.consumption import balance, burn_up
from tma_metrics.domain.contracts.model import Carnet, Contract
from tma_metrics.french import formats as fr

HPD = 8.0


def trace(fig, name_start: str):
    found = [t for t in fig.data if (t.name or "").startswith(name_start)]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def month_start(day) -> date:
    return date(day.year, day.month, 1)


# -- naive recomputations from the time entries ------------------------------------


def naive_entries(figures) -> list[dict]:
    return figures.entries[
        ["date", "hours", "deducted_hours", "ticket_kind", "ticket_uid"]
    ].to_dict("records")


def naive_consumed_days(figures) -> float:
    carnet = figures.contract.carnets[figures.balance.carnet_index]
    last = min(carnet.end, figures.period.as_of)
    total = 0.0
    for row in naive_entries(figures):
        if carnet.start <= row["date"].date() <= last:
            total += row["deducted_hours"]
    return total / figures.contract.hours_per_day


def naive_forecast(figures, consumed: float, available: float) -> date:
    as_of = figures.period.as_of
    first_of_month = month_start(as_of)
    window = []
    cursor = first_of_month
    for _ in range(3):
        cursor = month_start(cursor - timedelta(days=1))
        window.append(cursor)
    per_month = defaultdict(float)
    for row in naive_entries(figures):
        per_month[month_start(row["date"])] += row["deducted_hours"] / HPD
    rate = sum(per_month[m] for m in window) / 3
    return as_of + timedelta(days=math.ceil((available - consumed) / rate * 365.25 / 12))


# -- burn-up -------------------------------------------------------------------------


def test_burn_up_of_the_demo_states_consumed_available_and_forecast(demo_figures) -> None:
    fig = burn_up_chart(demo_figures.burn_up, demo_figures.balance, alert_days=4)
    check_common(fig)
    consumed = naive_consumed_days(demo_figures)
    available = demo_figures.contract.carnets[0].days
    title = title_of(fig)
    assert f"{compact(consumed, 'j')} consommés sur {compact(available, 'j')}" in title
    forecast = naive_forecast(demo_figures, consumed, available)
    assert f"épuisement prévu le {forecast:%d/%m/%Y}" in title
    assert "(j)" in fig.layout.yaxis.title.text


def test_burn_up_traces_are_the_frame_columns(demo_figures) -> None:
    frame = demo_figures.burn_up
    fig = burn_up_chart(frame, demo_figures.balance)
    for name, column in (
        ("Consommé (temps", "consumed_days"),
        ("Disponible", "available_days"),
        ("Prévision au rythme", "forecast_days"),
    ):
        np.testing.assert_array_equal(values(trace(fig, name).y), frame[column].to_numpy(float))
    as_of = pd.Timestamp(demo_figures.period.as_of)
    last_consumed = frame.loc[frame["date"] == as_of, "consumed_days"].item()
    assert last_consumed == pytest.approx(naive_consumed_days(demo_figures))
    band = trace(fig, "Fourchette de prévision")
    assert band.fill == "tonexty"
    assert min(values(band.y)) >= last_consumed - 1e-9


def test_burn_up_marks_the_as_of_date_and_the_expiry(demo_figures) -> None:
    fig = burn_up_chart(demo_figures.burn_up, demo_figures.balance)
    notes = [a.text for a in fig.layout.annotations]
    expiry = demo_figures.contract.carnets[0].end
    assert f"Arrêté au {demo_figures.period.as_of:%d/%m/%Y}" in notes
    assert f"Échéance {expiry:%d/%m/%Y}" in notes
    assert len([s for s in fig.layout.shapes if s.type == "line"]) == 2


def carnet_contract(*carnets: Carnet, model: str = "carnet") -> Contract:
    return Contract(name="Essai", projects=("P",), carnets=carnets, model=model)


def entries(*days_hours: tuple[str, float]) -> pd.DataFrame:
    """Deducted entries (no estimate: deducted = spent) of one corrective ticket."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime([d for d, _ in days_hours]).astype("datetime64[us]"),
            "hours": [h for _, h in days_hours],
            "deducted_hours": [h for _, h in days_hours],
            "ticket_uid": pd.array(["T1"] * len(days_hours), dtype="string"),
            "ticket_kind": pd.array(["corrective"] * len(days_hours), dtype="string"),
        }
    )


MONTHLY_8H = (("2026-01-05", 8.0), ("2026-02-05", 8.0), ("2026-03-05", 8.0))
# (id, carnet, entries, as_of, expected title parts)
BURN_UP_CASES = [
    (
        "forecast-before-expiry",
        Carnet(date(2026, 1, 1), date(2026, 12, 31), 10.0),
        MONTHLY_8H,
        date(2026, 4, 15),
        # 1 j/month over Jan–Mar, 7 j left: ceil(7 × 30.4375) = 214 days after 15/04.
        [
            "3 j consommés sur 10 j",
            f"épuisement prévu le {date(2026, 4, 15) + timedelta(214):%d/%m/%Y}",
        ],
    ),
    (
        "forecast-after-expiry",
        Carnet(date(2026, 1, 1), date(2026, 6, 30), 10.0),
        MONTHLY_8H,
        date(2026, 4, 15),
        ["3 j consommés sur 10 j", "après l'échéance du 30/06/2026"],
    ),
    (
        "exhausted",
        Carnet(date(2026, 1, 1), date(2026, 12, 31), 2.0),
        MONTHLY_8H,
        date(2026, 4, 15),
        ["carnet épuisé le 05/02/2026", "3 j consommés sur 2 j"],
    ),
    (
        "no-time-in-the-pace-window",
        Carnet(date(2026, 1, 1), date(2026, 12, 31), 10.0),
        (("2026-01-05", 16.0),),
        date(2026, 9, 15),
        [
            "2 j consommés sur 10 j",
            "pas de prévision d'épuisement (aucun temps décompté du 01/06/2026 au 31/08/2026)",
        ],
    ),
    (
        "no-time-logged",
        Carnet(date(2026, 1, 1), date(2026, 12, 31), 10.0),
        (),
        date(2026, 4, 15),
        ["0 j consommés sur 10 j", "pas de prévision d'épuisement (aucun temps décompté)"],
    ),
]


@pytest.mark.parametrize(
    ("carnet", "logged", "as_of", "expected"),
    [c[1:] for c in BURN_UP_CASES],
    ids=[c[0] for c in BURN_UP_CASES],
)
def test_burn_up_titles_of_small_carnets(
    carnet: Carnet, logged: tuple, as_of: date, expected: list[str]
) -> None:
    contract = carnet_contract(carnet)
    deducted = entries(*logged)
    frame = burn_up(contract, deducted, as_of)
    fig = burn_up_chart(frame, balance(contract, deducted, None, as_of))
    check_common(fig)
    for part in expected:
        assert part in plain(title_of(fig))
    consumed = values(trace(fig, "Consommé (temps").y)
    assert np.isnan(consumed[frame["date"] > pd.Timestamp(as_of)]).all()  # no made-up future


def test_no_forecast_line_without_burn() -> None:
    contract = carnet_contract(Carnet(date(2026, 1, 1), date(2026, 12, 31), 10.0))
    deducted = entries()
    as_of = date(2026, 4, 15)
    fig = burn_up_chart(
        burn_up(contract, deducted, as_of), balance(contract, deducted, None, as_of)
    )
    assert not [t for t in fig.data if (t.name or "").startswith(("Prévision", "Fourchette"))]


@pytest.mark.parametrize(
    ("model", "as_of", "message"),
    [
        ("carnet", date(2025, 6, 1), "Aucun carnet n'est valide"),
        ("regie", date(2026, 6, 1), "pas de carnet de jours"),
    ],
    ids=["before-first-carnet", "regie"],
)
def test_burn_up_without_a_carnet_is_an_explained_empty_figure(
    model: str, as_of: date, message: str
) -> None:
    carnets = (Carnet(date(2026, 1, 1), date(2026, 12, 31), 10.0),) if model == "carnet" else ()
    contract = carnet_contract(*carnets, model=model)
    deducted = entries(*MONTHLY_8H)
    fig = burn_up_chart(
        burn_up(contract, deducted, as_of), balance(contract, deducted, None, as_of)
    )
    check_empty(fig, message)


# -- monthly consumption ------------------------------------------------------------


def naive_monthly(figures) -> tuple[dict, dict]:
    deducted, absorbed = defaultdict(float), defaultdict(float)
    for row in naive_entries(figures):
        month = month_start(row["date"])
        deducted[month] += row["deducted_hours"]
        absorbed[month] += row["hours"] - row["deducted_hours"]
    return deducted, absorbed


def test_monthly_bars_are_the_deducted_and_absorbed_days(demo_figures) -> None:
    frame = demo_figures.monthly
    fig = monthly_consumption_chart(frame, hours_per_day=HPD)
    check_common(fig)
    deducted, absorbed = naive_monthly(demo_figures)
    months = [m.date() for m in frame["month"]]
    expected_deducted = [deducted[m] / HPD for m in months]
    expected_absorbed = [absorbed[m] / HPD for m in months]
    np.testing.assert_allclose(values(trace(fig, "Décompté").y), expected_deducted)
    np.testing.assert_allclose(values(trace(fig, "Absorbé").y), expected_absorbed, atol=1e-9)
    np.testing.assert_array_equal(values(trace(fig, "Décompté").y), frame["deducted_days"])
    title = title_of(fig)
    assert compact(sum(deducted.values()) / HPD, "j") in title
    assert f"{compact(sum(absorbed.values()), 'h')} absorbées" in title
    assert fig.layout.yaxis.title.text == "Jours (j)"
    assert list(fig.data[0].x)[-1] == fr.month(months[-1], short=True)


def test_monthly_partial_month_is_drawn_lighter(demo_figures) -> None:
    fig = monthly_consumption_chart(demo_figures.monthly)
    opacity = values(trace(fig, "Décompté").marker.opacity)
    partial = demo_figures.monthly["partial"].to_numpy(bool)
    assert (opacity[partial] < 1).all() and (opacity[~partial] == 1).all()


def test_client_view_never_mentions_absorbed_or_spent_hours(demo_figures) -> None:
    fig = monthly_consumption_chart(demo_figures.monthly, client_view=True)
    check_common(fig)
    text = figure_text(fig).lower()
    assert "absorb" not in text
    assert "passé" not in text
    assert [t.name for t in fig.data] == ["Décompté du carnet (j)"]


def small_monthly(**columns: list) -> pd.DataFrame:
    n = len(columns["month"])
    base = {
        "month": pd.to_datetime(columns.pop("month")).astype("datetime64[us]"),
        "spent_hours": [8.0] * n,
        "deducted_hours": [8.0] * n,
        "absorbed_hours": [0.0] * n,
        "deducted_days": [1.0] * n,
        "management_hours": [0.8] * n,
        "management_share": [0.1] * n,
        "management_flag": [False] * n,
        "allowance_days": [np.nan] * n,
        "partial": [False] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_subscription_allowance_is_a_line() -> None:
    frame = small_monthly(month=["2026-01-01", "2026-02-01"], allowance_days=[2.0, 2.0])
    fig = monthly_consumption_chart(frame)
    np.testing.assert_array_equal(values(trace(fig, "Forfait mensuel").y), [2.0, 2.0])


def test_monthly_without_months_is_explained() -> None:
    check_empty(monthly_consumption_chart(small_monthly(month=[])), "Aucun mois")


# -- management share ---------------------------------------------------------------


def naive_management(figures) -> tuple[dict, dict]:
    management, total = defaultdict(float), defaultdict(float)
    for row in naive_entries(figures):
        month = month_start(row["date"])
        total[month] += row["deducted_hours"]
        no_ticket = row["ticket_uid"] is None or row["ticket_uid"] is pd.NA
        if no_ticket or row["ticket_kind"] == "management":
            management[month] += row["deducted_hours"]
    return management, total


def test_management_share_points_and_title(demo_figures) -> None:
    frame = demo_figures.monthly
    fig = management_share_chart(frame, target=0.10)
    check_common(fig)
    management, total = naive_management(demo_figures)
    months = [m.date() for m in frame["month"]]
    expected = [100 * management[m] / total[m] for m in months]
    np.testing.assert_allclose(values(trace(fig, "Part de gestion").y), expected)
    outside = sum(1 for m in months if abs(management[m] / total[m] - 0.10) > 0.05)
    overall = sum(management.values()) / sum(total.values())
    title = title_of(fig)
    assert f"{fr.percent(overall)} du temps décompté (cible 10\u00a0%)" in title
    assert f"{outside} mois hors de" in title
    assert "(%)" in fig.layout.yaxis.title.text


def test_a_month_without_deducted_time_has_no_point() -> None:
    frame = small_monthly(
        month=["2026-01-01", "2026-02-01", "2026-03-01"],
        management_share=[0.1, np.nan, 0.3],
        management_flag=[False, False, True],
        management_hours=[0.8, 0.0, 2.4],
        deducted_hours=[8.0, 0.0, 8.0],
    )
    fig = management_share_chart(frame)
    y = values(trace(fig, "Part de gestion").y)
    assert y[0] == pytest.approx(10) and np.isnan(y[1]) and y[2] == pytest.approx(30)
    assert "1 mois hors de" in title_of(fig)


def test_management_share_with_nothing_deducted_is_explained() -> None:
    frame = small_monthly(month=["2026-01-01"], management_share=[np.nan], deducted_hours=[0.0])
    check_empty(management_share_chart(frame), "Aucun temps décompté")
