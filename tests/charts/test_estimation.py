"""Estimation charts: histogram of actual / estimate and the guarantee rate per month."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from tests.charts.helpers import check_common, check_empty, plain, title_of, values
from tma_metrics.charts.estimation import estimate_ratio_histogram, estimation_trend_chart
from tma_metrics.french import formats as fr

MARGIN = 0.25


def naive_bin(ratio: float, width: float, cap: float = 3.0) -> int:
    """Right-closed bins of ``width`` from 0; everything above ``cap`` in one last bin."""
    if ratio > cap:
        return round(cap / width)
    return max(0, math.ceil(round(ratio / width, 9)) - 1)


def accuracy_rows(*rows: tuple[float, float, str]) -> pd.DataFrame:
    """accuracy-like rows from (estimate hours, actual hours, month of resolution)."""
    records = []
    for estimate, actual, month in rows:
        records.append(
            {
                "ticket_uid": f"T{len(records)}",
                "month": pd.Timestamp(month),
                "estimate_hours": estimate,
                "actual_hours": actual,
                # A zero estimate gives an infinite ratio, as numpy's division does.
                "ratio": actual / estimate if estimate else math.inf,
                "bias_term": (actual - estimate) / estimate if estimate else math.inf,
                "within_guarantee": actual <= (1 + MARGIN) * estimate,
                "within_25": 0.75 * estimate <= actual <= 1.25 * estimate,
                "absorbed_hours": max(0.0, actual - (1 + MARGIN) * estimate),
                "reestimated": False,
                "late_reestimate": False,
            }
        )
    frame = pd.DataFrame(
        records,
        columns=[
            "ticket_uid",
            "month",
            "estimate_hours",
            "actual_hours",
            "ratio",
            "bias_term",
            "within_guarantee",
            "within_25",
            "absorbed_hours",
            "reestimated",
            "late_reestimate",
        ],
    )
    return frame.astype({"month": "datetime64[us]", "late_reestimate": "boolean"})


def test_histogram_counts_and_title_match_a_naive_count(demo_figures) -> None:
    table = demo_figures.estimation
    fig = estimate_ratio_histogram(table, margin=MARGIN)
    check_common(fig)
    pairs = list(zip(table["estimate_hours"], table["actual_hours"], strict=True))
    within = [a <= 1.25 * e + 1e-9 for e, a in pairs]
    within_25 = [0.75 * e - 1e-9 <= a <= 1.25 * e + 1e-9 for e, a in pairs]
    ratios = [a / e for e, a in pairs]
    n = len(pairs)
    title = plain(title_of(fig))
    assert plain(f"{fr.percent(sum(within) / n)} des demandes dans la garantie") in title
    assert f"({sum(within)}/{n})" in title
    assert plain(f"{fr.percent(sum(within_25) / n)} à ±25 %") in title
    assert f"ratio médian {fr.number(statistics.median(ratios), 2)}" in title
    width = MARGIN / 2
    inside, beyond = defaultdict(int), defaultdict(int)
    for ratio, ok in zip(ratios, within, strict=True):
        (inside if ok else beyond)[naive_bin(ratio, width)] += 1
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name.split(" (")[0] for b in bars] == ["Dans la garantie", "Au-delà de la garantie"]
    for bar, expected in zip(bars, (inside, beyond), strict=True):
        got = values(bar.y)
        assert got.sum() == sum(expected.values())
        for index, count in expected.items():
            assert got[index] == count
    assert values(bars[0].y).sum() + values(bars[1].y).sum() == n
    assert fig.layout.xaxis.title.text == "Passé / devis (ratio A / E)"
    assert fig.layout.yaxis.title.text == "Demandes (nb)"


def test_guarantee_limit_and_25_percent_band_are_drawn() -> None:
    fig = estimate_ratio_histogram(accuracy_rows((8.0, 8.0, "2026-01-01")), margin=0.5)
    lines = [s.x0 for s in fig.layout.shapes if s.type == "line"]
    bands = [(s.x0, s.x1) for s in fig.layout.shapes if s.type == "rect"]
    assert 1.5 in lines and 1.0 in lines
    assert bands == [(0.75, 1.25)]
    assert "1,5 × E" in " ".join(a.text for a in fig.layout.annotations)


RATIO_CASES = [
    ("exactly-the-guarantee", [(8.0, 10.0)], 0, 1.25 - 0.0625),
    ("just-beyond", [(8.0, 10.1)], 1, 1.25 + 0.0625),
    ("outlier-in-last-bar", [(1.0, 7.0)], 1, 3.0 + 0.0625),
]


@pytest.mark.parametrize(
    ("pairs", "trace_index", "centre"),
    [c[1:] for c in RATIO_CASES],
    ids=[c[0] for c in RATIO_CASES],
)
def test_one_ticket_lands_in_the_right_bar(pairs: list, trace_index: int, centre: float) -> None:
    fig = estimate_ratio_histogram(accuracy_rows(*[(e, a, "2026-01-01") for e, a in pairs]))
    check_common(fig)
    bar = fig.data[trace_index]
    (position,) = np.flatnonzero(values(bar.y))
    assert bar.x[position] == pytest.approx(centre)
    assert values(fig.data[1 - trace_index].y).sum() == 0


def test_outlier_hover_says_how_far_it_goes() -> None:
    fig = estimate_ratio_histogram(accuracy_rows((1.0, 7.0, "2026-01-01")))
    assert "au-delà de 3,0 (jusqu'à 7,00)" in fig.data[1].hovertext[-1]


@pytest.mark.parametrize(
    "table",
    [accuracy_rows(), accuracy_rows((0.0, 5.0, "2026-01-01"))],
    ids=["no-row", "zero-estimate"],
)
def test_no_estimated_ticket_is_explained(table: pd.DataFrame) -> None:
    check_empty(estimate_ratio_histogram(table), "Aucune demande estimée")
    check_empty(estimation_trend_chart(table), "Aucune demande estimée")


def test_trend_rates_and_counts_per_month(demo_figures) -> None:
    table = demo_figures.estimation
    fig = estimation_trend_chart(table, margin=MARGIN)
    check_common(fig)
    per_month = defaultdict(lambda: [0, 0, 0])
    for row in table.to_dict("records"):
        cell = per_month[fr.month(row["month"], short=True)]
        cell[0] += 1
        cell[1] += row["actual_hours"] <= 1.25 * row["estimate_hours"] + 1e-9
        cell[2] += (
            0.75 * row["estimate_hours"] - 1e-9
            <= row["actual_hours"]
            <= (1.25 * row["estimate_hours"] + 1e-9)
        )
    guarantee, band, counts = fig.data
    for i, month in enumerate(counts.x):
        n, ok, ok_25 = per_month.get(month, [0, 0, 0])
        assert counts.y[i] == n
        if n:
            assert guarantee.y[i] == pytest.approx(100 * ok / n)
            assert band.y[i] == pytest.approx(100 * ok_25 / n)
        else:
            assert np.isnan(guarantee.y[i])
    total = sum(c[0] for c in per_month.values())
    ok = sum(c[1] for c in per_month.values())
    assert plain(f"{fr.percent(ok / total)} sur la période ({ok}/{total})") in plain(title_of(fig))
    assert fig.layout.yaxis.title.text == "Part (%)"
    assert fig.layout.yaxis2.title.text == "Demandes (nb)"


def test_a_month_without_closed_estimate_is_a_gap_not_a_zero() -> None:
    table = accuracy_rows((8.0, 8.0, "2026-01-01"), (8.0, 20.0, "2026-03-01"))
    guarantee, _, counts = estimation_trend_chart(table).data
    assert list(counts.x) == ["janv. 2026", "févr. 2026", "mars 2026"]
    assert values(counts.y).tolist() == [1, 0, 1]
    rates = values(guarantee.y)
    assert rates[0] == 100 and np.isnan(rates[1]) and rates[2] == 0
