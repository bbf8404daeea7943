"""SLA charts: compliance per month and severity with coverage, the matrix, elapsed times."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.charts.helpers import check_common, check_empty, plain, title_of, values
from tma_metrics.charts.resolution import resolution_time_chart
from tma_metrics.charts.sla import sla_compliance_by_month_chart, sla_compliance_matrix_chart
from tma_metrics.domain.sla.outcomes import OUTCOME_COLUMNS
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import SEVERITY_LABELS_FR

MEASURABLE = {"met", "breached", "open", "at_risk"}


def in_window(stamp, start, end) -> bool:
    day = stamp.date()
    return (start is None or day >= start) and (end is None or day <= end)


def naive_counts(outcomes: pd.DataFrame, key, start=None, end=None) -> dict:
    """Counts per group: applicable, measurable, met, breached (plain loop)."""
    counts = defaultdict(lambda: defaultdict(int))
    for row in outcomes.to_dict("records"):
        if row["period_at"] is pd.NaT or not in_window(row["period_at"], start, end):
            continue
        group = key(row)
        if group is None:
            continue
        cell = counts[group]
        cell["rows"] += 1
        if row["applicable"]:
            cell["applicable"] += 1
            cell["measurable"] += row["outcome"] in MEASURABLE
            cell["met"] += row["outcome"] == "met"
            cell["breached"] += row["outcome"] == "breached"
    return counts


def low_high(cell: dict) -> tuple[float, float]:
    """The range's ends in %, every unknown breached / met (NaN when nothing decided)."""
    decided = cell["met"] + cell["breached"]
    unknown = cell["applicable"] - cell["measurable"]
    if not decided:
        return np.nan, np.nan
    span = decided + unknown
    return 100 * cell["met"] / span, 100 * (cell["met"] + unknown) / span


def headline(cell: dict) -> str:
    decided = cell["met"] + cell["breached"]
    low, high = low_high(cell)
    if not decided:
        rate = "non mesurable"
    elif cell["applicable"] > cell["measurable"]:
        rate = f"entre {math.floor(round(low, 9))} % et {math.ceil(round(high, 9))} %"
    else:
        rate = f"{fr.percent(cell['met'] / decided)} ({cell['met']}/{decided})"
    coverage = fr.percent(cell["measurable"] / cell["applicable"])
    return plain(f"{rate}, couverture {coverage} ({cell['measurable']}/{cell['applicable']})")


# -- per month and severity ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sla_kind", "words"),
    [("resolution", "de résolution"), ("response", "de prise en charge")],
    ids=["resolution", "response"],
)
def test_compliance_per_month_matches_a_naive_count(demo_figures, sla_kind, words) -> None:
    period = demo_figures.period
    outcomes = demo_figures.outcomes
    fig = sla_compliance_by_month_chart(
        outcomes, sla_kind=sla_kind, start=period.start, end=period.end
    )
    check_common(fig)
    mine = outcomes[outcomes["sla_kind"] == sla_kind]
    total = naive_counts(mine, lambda r: "all", period.start, period.end)["all"]
    assert f"Respect des délais {words} : {headline(total)}" in plain(title_of(fig))
    cells = naive_counts(
        mine,
        lambda r: (fr.month(r["period_at"], short=True), r["severity"]),
        period.start,
        period.end,
    )
    bars = [t for t in fig.data if t.type == "bar" and "fourchette" not in t.name]
    ranges = [t for t in fig.data if t.type == "bar" and "fourchette" in t.name]
    lines = [t for t in fig.data if t.type == "scatter" and t.yaxis == "y2"]
    dashes = [t for t in fig.data if t.type == "scatter" and t.yaxis == "y"]
    for bar, dash in zip(bars, dashes, strict=True):  # the 0 % marks sit on the bars
        np.testing.assert_array_equal(values(dash.y), values(bar.y))
    shown = {SEVERITY_LABELS_FR[s] for (_, s), cell in cells.items() if cell["applicable"]}
    assert {t.name for t in bars} == shown
    for bar, band, line in zip(bars, ranges, lines, strict=True):
        code = {v: k for k, v in SEVERITY_LABELS_FR.items()}[bar.name]
        rows = zip(bar.x, values(bar.y), values(band.y), values(line.y), strict=True)
        for month, low, width, coverage in rows:
            cell = cells.get((month, code))
            want_low, want_high = low_high(cell) if cell else (np.nan, np.nan)
            if np.isnan(want_low):
                assert np.isnan(low) and np.isnan(width)  # no made-up bar
            else:  # solid up to every unknown breached, hatched up to every unknown met
                assert low == pytest.approx(want_low)
                assert low + width == pytest.approx(want_high)
            if cell and cell["applicable"]:
                assert coverage == pytest.approx(100 * cell["measurable"] / cell["applicable"])
            else:
                assert np.isnan(coverage)
        assert line.yaxis == "y2" and bar.yaxis == "y"  # coverage has its own row
    assert "(%)" in fig.layout.yaxis.title.text and "(%)" in fig.layout.yaxis2.title.text


def outcome_rows(*rows: tuple) -> pd.DataFrame:
    """Outcomes from (key, severity, sla_kind, outcome, period_at, elapsed_min, allowance_min)."""
    records = []
    for key, severity, kind, outcome, period_at, elapsed, allowance in rows:
        at = pd.Timestamp(period_at)
        records.append(
            {
                "source": "t",
                "key": key,
                "severity": severity,
                "kind": "corrective",
                "sla_kind": kind,
                "allowance_minutes": allowance,
                "applicable": outcome != "not_applicable",
                "measurable": outcome in MEASURABLE,
                "start_at": at - pd.Timedelta(days=1),
                "stop_at": at if outcome in ("met", "breached") else pd.NaT,
                "stop_source": "export" if outcome in ("met", "breached") else None,
                "stop_kind": "event" if outcome in ("met", "breached") else None,
                "elapsed_minutes": elapsed,
                "paused_minutes": 0.0,
                "deadline": at,
                "remaining_minutes": np.nan,
                "outcome": outcome,
                "period_at": at,
                "note": None,
                "gap": "history" if outcome == "not_measurable" else None,
            }
        )
    frame = pd.DataFrame(records, columns=list(OUTCOME_COLUMNS))
    return frame.astype(OUTCOME_COLUMNS)


def test_nothing_measured_shows_zero_coverage_and_no_bar() -> None:
    rows = outcome_rows(
        ("A", "majeure", "resolution", "not_measurable", "2026-03-10", np.nan, 2400.0),
        ("B", "majeure", "resolution", "not_measurable", "2026-03-12", np.nan, 2400.0),
    )
    fig = sla_compliance_by_month_chart(rows)
    check_common(fig)
    assert "non mesurable, couverture 0 % (0/2)" in plain(title_of(fig))
    bar, _, _, line = fig.data
    assert np.isnan(values(bar.y)).all()
    assert values(line.y).tolist() == [0.0]
    assert "Aucun délai mesuré" in " ".join(a.text for a in fig.layout.annotations)


def test_period_bounds_keep_the_months_inside() -> None:
    rows = outcome_rows(
        ("A", "bloquante", "resolution", "met", "2026-01-10", 60.0, 480.0),
        ("B", "bloquante", "resolution", "breached", "2026-01-20", 600.0, 480.0),
        ("C", "bloquante", "resolution", "breached", "2026-03-05", 600.0, 480.0),
    )
    fig = sla_compliance_by_month_chart(rows, start=date(2026, 1, 1), end=date(2026, 2, 28))
    assert list(fig.data[0].x) == ["janv. 2026"]
    assert values(fig.data[0].y).tolist() == [50.0]
    assert "50 % (1/2)" in plain(title_of(fig))


@pytest.mark.parametrize(
    "rows",
    [
        outcome_rows(("A", "mineure", "resolution", "not_applicable", "2026-01-10", 0.0, np.nan)),
        outcome_rows(("A", "majeure", "response", "met", "2026-01-10", 10.0, 240.0)),
        outcome_rows(),
    ],
    ids=["planned-only", "other-sla-kind-only", "no-row"],
)
def test_no_applicable_clock_is_an_explained_empty_figure(rows: pd.DataFrame) -> None:
    check_empty(sla_compliance_by_month_chart(rows), "Aucune demande soumise au délai")


# -- severity x SLA kind ----------------------------------------------------------


def test_matrix_cells_give_rate_and_counts(demo_figures) -> None:
    period = demo_figures.period
    fig = sla_compliance_matrix_chart(demo_figures.outcomes, start=period.start, end=period.end)
    check_common(fig)
    cells = naive_counts(
        demo_figures.outcomes, lambda r: (r["severity"], r["sla_kind"]), period.start, period.end
    )
    total = naive_counts(demo_figures.outcomes, lambda r: "all", period.start, period.end)
    assert headline(total["all"]) in plain(title_of(fig))
    (heatmap,) = fig.data
    notes = {(a.y, a.x): plain(a.text) for a in fig.layout.annotations}
    kinds = {
        "Prise en charge": "response",
        "Contournement": "workaround",
        "Résolution": "resolution",
    }
    severities = {v: k for k, v in SEVERITY_LABELS_FR.items()}
    for i, severity_fr in enumerate(heatmap.y):
        for j, kind_fr in enumerate(heatmap.x):
            cell = cells.get((severities[severity_fr], kinds[kind_fr]))
            decided = cell["met"] + cell["breached"] if cell else 0
            z = heatmap.z[i][j]
            if decided:
                assert z == pytest.approx(100 * cell["met"] / decided)
                assert f"{cell['met']}/{decided}" in notes[(severity_fr, kind_fr)]
            else:
                assert z is None or np.isnan(z)
    assert "(%)" in fig.data[0].colorbar.title.text


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        (
            outcome_rows(
                ("A", "mineure", "workaround", "not_applicable", "2026-01-10", 0.0, np.nan)
            ),
            "Sans délai",
        ),
        (
            outcome_rows(
                ("A", "majeure", "workaround", "not_measurable", "2026-01-10", np.nan, 960.0)
            ),
            "Non mesuré",
        ),
        (
            outcome_rows(("A", "majeure", "workaround", "met", "2026-01-10", 60.0, 960.0)),
            "100 % · 1/1",
        ),
    ],
    ids=["planned", "not-measurable", "met"],
)
def test_matrix_cell_words(rows: pd.DataFrame, text: str) -> None:
    rows = pd.concat(
        [rows, outcome_rows(("Z", "bloquante", "response", "met", "2026-01-10", 10.0, 120.0))]
    )
    fig = sla_compliance_matrix_chart(rows)
    check_common(fig)
    notes = {
        (a.y, a.x): plain(a.text).replace("<b>", "").replace("</b>", "")
        for a in fig.layout.annotations
    }
    assert text in notes[(SEVERITY_LABELS_FR[rows["severity"].iat[0]], "Contournement")]
    assert notes[("Mineure", "Résolution")] == "Aucune demande"


def test_matrix_without_any_applicable_clock_is_empty() -> None:
    rows = outcome_rows(("A", "mineure", "resolution", "not_applicable", "2026-01-10", 0.0, np.nan))
    check_empty(sla_compliance_matrix_chart(rows), "Aucune demande soumise")


# -- elapsed business time -----------------------------------------------------------


def test_resolution_times_are_the_stopped_clocks(demo_figures) -> None:
    period = demo_figures.period
    outcomes = demo_figures.outcomes
    fig = resolution_time_chart(outcomes, start=period.start, end=period.end)
    check_common(fig)
    hours, late, allowance = defaultdict(list), 0, {}
    for row in outcomes.to_dict("records"):
        stopped = row["outcome"] in ("met", "breached") and not pd.isna(row["stop_source"])
        if row["sla_kind"] != "resolution" or not stopped:
            continue
        if not in_window(row["period_at"], period.start, period.end):
            continue
        hours[row["severity"]].append(row["elapsed_minutes"] / 60)
        allowance[row["severity"]] = row["allowance_minutes"] / 60
        late += row["outcome"] == "breached"
    every = [h for values_ in hours.values() for h in values_]
    title = title_of(fig)
    assert f"médiane {fr.number(statistics.median(every), 1).removesuffix(',0')}" in title
    assert f"sur {len(every)} demandes résolues, {late} hors délai" in title
    boxes = {t.x[0]: t for t in fig.data if t.type == "box"}
    for code, expected in hours.items():
        got = values(boxes[SEVERITY_LABELS_FR[code]].y)
        np.testing.assert_allclose(sorted(got), sorted(expected))
    ticks = {t.x[0]: t.y[0] for t in fig.data if t.type == "scatter"}
    assert ticks == {SEVERITY_LABELS_FR[c]: pytest.approx(a) for c, a in allowance.items()}
    assert fig.layout.yaxis.title.text == "Temps ouvré écoulé (h)"


def test_running_clocks_are_not_resolution_times() -> None:
    rows = outcome_rows(
        ("A", "majeure", "resolution", "met", "2026-01-10", 120.0, 2400.0),
        ("B", "majeure", "resolution", "open", "2026-01-12", 60.0, 2400.0),
    )
    running = outcome_rows(("C", "majeure", "resolution", "breached", "2026-01-12", 3000.0, 2400.0))
    running["stop_source"] = pd.NA  # still open past its deadline
    fig = resolution_time_chart(pd.concat([rows, running]))
    (box,) = [t for t in fig.data if t.type == "box"]
    assert values(box.y).tolist() == [2.0]
    assert "sur 1 demande résolue, 0 hors délai" in title_of(fig)


def test_no_resolved_ticket_is_explained() -> None:
    rows = outcome_rows(("B", "majeure", "resolution", "open", "2026-01-12", 60.0, 2400.0))
    check_empty(resolution_time_chart(rows), "Aucune demande résolue sur la période")


def test_a_range_is_drawn_solid_to_its_low_end_then_hatched() -> None:
    # 1 met on its bound, 3 closed past the deadline on a bound only: never a bare 100 %
    rows = outcome_rows(
        ("A", "majeure", "resolution", "met", "2026-03-10", 600.0, 2400.0),
        ("B", "majeure", "resolution", "not_measurable", "2026-03-11", np.nan, 2400.0),
        ("C", "majeure", "resolution", "not_measurable", "2026-03-12", np.nan, 2400.0),
        ("D", "majeure", "resolution", "not_measurable", "2026-03-13", np.nan, 2400.0),
    )
    rows.loc[0, "stop_kind"] = "bound"
    fig = sla_compliance_by_month_chart(rows)
    check_common(fig)
    title = plain(title_of(fig))
    assert "entre 25 % et 100 %, couverture 25 % (1/4)" in title
    assert "100 %" not in title.replace("et 100 %", "")
    subtitle = plain(fig.layout.title.subtitle.text)
    assert "3 délais non mesurables : synchronisez l'historique des statuts" in subtitle
    solid, band = [t for t in fig.data if t.type == "bar"]
    assert values(solid.y).tolist() == [25.0]
    assert (values(band.base).tolist(), values(band.y).tolist()) == ([25.0], [75.0])
    assert band.marker.pattern.shape == "/"
    assert list(band.text) == ["25–100\u00a0%"]
    matrix = sla_compliance_matrix_chart(rows)
    cells = " ".join(a.text for a in matrix.layout.annotations)
    assert "25–100\u00a0%" in cells and "+3 non mesurés" in cells


def test_times_only_bounded_are_not_resolution_times() -> None:
    rows = outcome_rows(("A", "majeure", "resolution", "met", "2026-01-10", 120.0, 2400.0))
    rows["stop_kind"] = "bound"
    fig = resolution_time_chart(rows)
    check_empty(fig, "Aucune durée connue : 1 demande(s) résolues à une date seulement bornée")
