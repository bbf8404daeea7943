"""Portfolio chart: remaining days per contract, forecast exhaustion against expiry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.charts.helpers import check_common, check_empty, plain, rgb, title_of, values
from tma_metrics.charts.portfolio import PORTFOLIO_COLUMNS, portfolio_chart
from tma_metrics.charts.style import compact


def portfolio() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contract": ["Bêta", "Alpha", "Gamma", "Delta (régie)", "Epsilon"],
            "remaining_days": [40.0, 2.5, 16.0, np.nan, 1234.5],
            "purchased_days": [80.0, 60.0, 130.0, np.nan, 1500.0],
            "carried_over_days": [0.0, 5.0, 0.0, np.nan, 0.0],
            "rag": ["green", "red", "amber", None, "green"],
            "rag_reason": ["", "Solde bas (< 4 j)", "Épuisement avant l'échéance", None, ""],
            "forecast_exhaustion_date": pd.to_datetime(
                ["2027-09-30", "2026-12-01", "2026-12-29", None, None]
            ),
            "expiry_date": pd.to_datetime(
                ["2027-06-30", "2027-03-31", "2027-01-31", None, "2027-12-31"]
            ),
        }
    )


def test_remaining_days_per_contract_worst_first() -> None:
    frame = portfolio()
    fig = portfolio_chart(frame)
    check_common(fig)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars["Disponible (acheté + reporté)"].y) == [
        "Alpha",
        "Gamma",
        "Bêta",
        "Epsilon",
        "Delta (régie)",
    ]
    expected = {
        "Rouge": {"Alpha": 2.5},
        "Orange": {"Gamma": 16.0},
        "Vert": {"Bêta": 40.0, "Epsilon": 1234.5},
    }
    for name, by_contract in expected.items():
        assert dict(zip(bars[name].y, values(bars[name].x), strict=True)) == by_contract
    available = dict(
        zip(
            bars["Disponible (acheté + reporté)"].y,
            values(bars["Disponible (acheté + reporté)"].x),
            strict=True,
        )
    )
    assert available["Alpha"] == 65.0  # purchased + carried over
    colours = {name: rgb(bars[name].marker.color) for name in ("Rouge", "Orange", "Vert")}
    assert colours == {"Rouge": (213, 94, 0), "Orange": (230, 159, 0), "Vert": (0, 158, 115)}
    total = sum(r for r in frame["remaining_days"] if r == r)
    expected = f"5 contrats, 1 en rouge, 1 en orange ; {compact(total, 'j')} restants au total"
    assert plain(expected) in plain(title_of(fig))
    assert fig.layout.xaxis.title.text == "Jours restants (j)"


def test_exhaustion_and_expiry_are_on_a_french_date_axis() -> None:
    fig = portfolio_chart(portfolio())
    expiry = next(t for t in fig.data if t.name == "Échéance du carnet")
    assert dict(zip(expiry.y, pd.to_datetime(expiry.x), strict=True))["Gamma"] == pd.Timestamp(
        "2027-01-31"
    )
    diamonds = [t for t in fig.data if t.type == "scatter" and t.marker.symbol == "diamond"]
    assert sorted(y for t in diamonds for y in t.y) == ["Alpha", "Bêta", "Gamma"]
    assert fig.layout.xaxis2.tickmode == "array"
    assert "sans solde" in [
        text for t in fig.data if getattr(t, "mode", None) == "text" for text in t.text
    ]


def test_missing_columns_are_named_in_french() -> None:
    with pytest.raises(ValueError, match="manquantes : rag"):
        portfolio_chart(portfolio().drop(columns="rag"))


def test_empty_portfolio_is_explained() -> None:
    check_empty(portfolio_chart(pd.DataFrame(columns=list(PORTFOLIO_COLUMNS))), "Aucun contrat")
