"""Activity charts: ticket mix, created vs resolved, backlog age, costliest tickets."""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.charts.helpers import check_common, check_empty, figure_text, plain, title_of, values
from tests.naive import states as naive_states
from tma_metrics.charts.activity import (
    backlog_age_chart,
    costliest_tickets_chart,
    created_resolved_chart,
    ticket_mix_chart,
)
from tma_metrics.charts.style import compact
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import KIND_LABELS_FR, SEVERITY_LABELS_FR

KIND_CODES = {v: k for k, v in KIND_LABELS_FR.items()}


def ticket_rows(*rows: dict) -> pd.DataFrame:
    """A per-ticket table with the columns the activity charts read."""
    defaults = {
        "key": "T",
        "title": "Demande",
        "kind": "corrective",
        "severity": "mineure",
        "created_at": None,
        "resolution_at": None,
        "closed_at": None,
        "is_open": True,
        "billed_spent_hours": 0.0,
        "deducted_hours": 0.0,
        "absorbed_hours": 0.0,
    }
    frame = pd.DataFrame([defaults | r for r in rows], columns=list(defaults))
    for name in ("created_at", "resolution_at", "closed_at"):
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")
    return frame.astype(
        {"key": "string", "title": "string", "kind": "string", "severity": "string"}
    )


def in_window(stamp, start: date, end: date) -> bool:
    return stamp is not pd.NaT and start <= stamp.date() <= end


# -- mix -----------------------------------------------------------------------------


def test_mix_counts_created_tickets_per_month_and_kind(demo_figures) -> None:
    period = demo_figures.period
    fig = ticket_mix_chart(demo_figures.tickets, start=period.start, end=period.end)
    check_common(fig)
    counts, total, corrective = defaultdict(int), 0, 0
    for row in demo_figures.tickets.to_dict("records"):
        if in_window(row["created_at"], period.start, period.end):
            counts[(fr.month(row["created_at"], short=True), row["kind"])] += 1
            total += 1
            corrective += row["kind"] == "corrective"
    for bar in fig.data:
        for month, n in zip(bar.x, bar.y, strict=True):
            assert n == counts.get((month, KIND_CODES[bar.name]), 0)
    assert sum(values(b.y).sum() for b in fig.data) == total
    expected = f"{total} demandes, dont {corrective} correctives ({fr.percent(corrective / total)})"
    assert plain(expected) in plain(title_of(fig))
    assert fig.layout.yaxis.title.text == "Demandes (nb)"


def test_mix_fills_months_without_ticket_with_zero() -> None:
    rows = ticket_rows(
        {"created_at": "2026-01-15", "kind": "support"},
        {"created_at": "2026-03-02", "kind": "corrective"},
    )
    fig = ticket_mix_chart(rows)
    assert [b.name for b in fig.data] == ["Corrective", "Support"]  # catalogue order
    assert list(fig.data[0].x) == ["janv. 2026", "févr. 2026", "mars 2026"]
    assert values(fig.data[0].y).tolist() == [0, 0, 1]
    assert "2 demandes, dont 1 correctives (50 %)" in plain(title_of(fig))


# -- created vs resolved -------------------------------------------------------------


def changes(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """State changes (`ticket_states.CHANGE_COLUMNS`) from (key, instant, change) triples."""
    frame = pd.DataFrame(
        [{"source": "redmine", "key": k, "at": at, "change": c} for k, at, c in rows],
        columns=["source", "key", "at", "change"],
    )
    frame["at"] = pd.to_datetime(frame["at"]).astype("datetime64[us]")
    return frame.astype({"source": "string", "key": "string", "change": "string"})


def test_flow_counts_received_resolved_and_reopened(demo_figures) -> None:
    period = demo_figures.period
    fig = created_resolved_chart(demo_figures.changes, start=period.start, end=period.end)
    check_common(fig)
    contract = demo_figures.contract
    history = [
        (r["source"], r["ticket_key"], r["at"], r["status"])
        for r in demo_figures.history.to_dict("records")
    ]
    naive = naive_states.changes_of(
        demo_figures.tickets.to_dict("records"),
        history,
        contract.resolved_statuses,
        demo_figures.at.to_pydatetime(),
    )
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, _, when, change in naive:
        if when is not None and period.start <= when.date() <= period.end:
            by_month[fr.month(when, short=True)][change] += 1
    traces = {t.name: t for t in fig.data}
    assert {"Reçues", "Résolues", "Ouvertes en fin de période"} <= set(traces)
    for i, month in enumerate(traces["Reçues"].x):
        assert traces["Reçues"].y[i] == by_month[month]["received"], month
        assert traces["Résolues"].y[i] == by_month[month]["resolved"], month
    totals = naive_states.window_counts(naive, period.start, period.end)
    expected = (
        f"{totals['received']} reçues, {totals['resolved']} résolues"
        + (f", {totals['reopened']} réouvertes" if totals["reopened"] else "")
        + f" ; ouvertes : {totals['open_start']} → {totals['open_end']}"
    )
    assert plain(expected) in plain(title_of(fig))
    # The stock at the end of the chart is the backlog the pages show at the as-of date.
    assert totals["open_end"] == int(demo_figures.tickets["is_open"].sum())


def test_flow_balance_is_the_change_of_the_stock() -> None:
    rows = changes(
        ("1", None, "received"),  # no creation date: already there
        ("2", "2026-10-05 10:00", "received"),
        ("2", "2026-10-20 10:00", "resolved"),
        ("2", "2026-11-03 10:00", "reopened"),
        ("3", "2026-11-04 09:00", "received"),
        ("3", "2026-11-04 17:00", "resolved"),
    )
    fig = created_resolved_chart(rows, start=date(2026, 10, 1), end=date(2026, 11, 30))
    traces = {t.name: t for t in fig.data}
    assert list(traces["Reçues"].x) == ["oct. 2026", "nov. 2026"]
    assert values(traces["Reçues"].y).tolist() == [1, 1]
    assert values(traces["Résolues"].y).tolist() == [1, 1]
    assert values(traces["Réouvertes"].y).tolist() == [0, 1]
    assert values(traces["Ouvertes en fin de période"].y).tolist() == [1, 2]
    # open 1 → 2: +1 = 2 received - 2 resolved + 1 reopened
    assert "ouvertes : 1 → 2 (solde +1)" in plain(title_of(fig))


def test_weeks_start_on_monday() -> None:
    rows = changes(
        ("1", "2026-11-08 23:00", "received"),  # a Sunday: week of Monday 02/11
        ("2", "2026-11-09 08:00", "received"),
        ("2", "2026-11-20 10:00", "resolved"),
    )
    fig = created_resolved_chart(rows, freq="week", start=date(2026, 11, 2), end=date(2026, 11, 20))
    created, resolved = fig.data[:2]
    assert list(created.x) == ["02/11/26", "09/11/26", "16/11/26"]
    assert values(created.y).tolist() == [1, 1, 0]
    assert values(resolved.y).tolist() == [0, 0, 1]
    assert fig.layout.xaxis.title.text == "Semaine (du lundi)"


def test_flow_rejects_an_unknown_period() -> None:
    with pytest.raises(ValueError, match="attendu « month » ou « week »"):
        created_resolved_chart(changes(), freq="quarter")


# -- backlog -------------------------------------------------------------------------


def naive_bucket(age: int) -> str:
    if age <= 7:
        return "0–7 j"
    if age <= 30:
        return "8–30 j"
    if age <= 90:
        return "31–90 j"
    return "> 90 j"


@pytest.mark.parametrize(
    ("by", "labels"), [("kind", KIND_LABELS_FR), ("severity", SEVERITY_LABELS_FR)]
)
def test_backlog_by_age_bucket(demo_figures, by: str, labels: dict) -> None:
    as_of = demo_figures.period.as_of
    fig = backlog_age_chart(demo_figures.tickets, as_of, by=by)
    check_common(fig)
    counts, ages = defaultdict(int), []
    for row in demo_figures.tickets.to_dict("records"):
        if row["is_open"] and row["created_at"].date() <= as_of:
            age = (as_of - row["created_at"].date()).days
            ages.append(age)
            counts[(naive_bucket(age), row[by])] += 1
    codes = {v: k for k, v in labels.items()}
    for bar in fig.data:
        assert list(bar.x) == ["0–7 j", "8–30 j", "31–90 j", "> 90 j"]
        for bucket, n in zip(bar.x, bar.y, strict=True):
            assert n == counts.get((bucket, codes[bar.name]), 0)
    old = sum(1 for a in ages if a > 90)
    expected = (
        f"{len(ages)} demandes, âge médian {compact(statistics.median(ages), 'j')}, "
        f"{old} de plus de 90 j"
    )
    assert plain(expected) in plain(title_of(fig))
    assert fig.layout.yaxis.title.text == "Demandes ouvertes (nb)"


AGE_CASES = [
    (0, "0–7 j"),
    (7, "0–7 j"),
    (8, "8–30 j"),
    (30, "8–30 j"),
    (31, "31–90 j"),
    (91, "> 90 j"),
]


@pytest.mark.parametrize(("days", "bucket"), AGE_CASES, ids=[f"{d}-days" for d, _ in AGE_CASES])
def test_age_bucket_bounds(days: int, bucket: str) -> None:
    as_of = date(2026, 11, 20)
    created = pd.Timestamp(as_of) - pd.Timedelta(days=days) + pd.Timedelta(hours=17)
    fig = backlog_age_chart(ticket_rows({"created_at": created}), as_of)
    (bar,) = fig.data
    assert dict(zip(bar.x, values(bar.y), strict=True))[bucket] == 1


def test_backlog_leaves_out_closed_and_undated_tickets() -> None:
    rows = ticket_rows(
        {"created_at": "2026-11-01", "is_open": False},
        {"created_at": None},
        {"created_at": "2026-11-19"},
    )
    fig = backlog_age_chart(rows, date(2026, 11, 20))
    assert values(fig.data[0].y).sum() == 1
    assert "1 demande sans date de création" in plain(fig.layout.title.subtitle.text)


# -- costliest -----------------------------------------------------------------------


def test_costliest_tickets_are_the_top_spent(demo_figures) -> None:
    tickets = demo_figures.tickets
    fig = costliest_tickets_chart(tickets, top=10)
    check_common(fig)
    rows = sorted(tickets.to_dict("records"), key=lambda r: r["billed_spent_hours"], reverse=True)[
        :10
    ]
    deducted, absorbed = fig.data
    assert [name.split(" · ")[0] for name in deducted.y] == [r["key"] for r in rows]
    np.testing.assert_allclose(values(deducted.x), [r["deducted_hours"] for r in rows])
    np.testing.assert_allclose(values(absorbed.x), [r["absorbed_hours"] for r in rows])
    shown = sum(r["billed_spent_hours"] for r in rows)
    everything = sum(tickets["billed_spent_hours"])
    lost = sum(r["absorbed_hours"] for r in rows)
    expected = (
        f"{compact(shown, 'h')} passées, {fr.percent(shown / everything)} du temps passé "
        f"sur les demandes, dont {compact(lost, 'h')} absorbées"
    )
    assert plain(expected) in plain(title_of(fig))
    assert fig.layout.xaxis.title.text == "Heures (h)"


def test_costliest_client_view_ranks_by_deducted_and_hides_absorbed(demo_figures) -> None:
    tickets = demo_figures.tickets
    fig = costliest_tickets_chart(tickets, top=5, client_view=True)
    check_common(fig)
    rows = sorted(tickets.to_dict("records"), key=lambda r: r["deducted_hours"], reverse=True)[:5]
    (bar,) = fig.data
    assert [name.split(" · ")[0] for name in bar.y] == [r["key"] for r in rows]
    text = figure_text(fig).lower()
    assert "absorb" not in text and "passé" not in text


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("x" * 100, "A-1 · " + "x" * 26 + "<br>" + "x" * 31 + "…"),
        ("Bouton <b>OK</b> cassé", "A-1 · Bouton &lt;b&gt;OK&lt;/b&gt; cassé"),
        ("Court", "A-1 · Court"),
    ],
    ids=["long-wrapped-and-shortened", "tags-escaped", "short-kept"],
)
def test_long_titles_are_wrapped_and_shortened_in_labels(title, expected) -> None:
    rows = ticket_rows(
        {"key": "A-1", "title": title, "billed_spent_hours": 3.0, "deducted_hours": 3.0}
    )
    fig = costliest_tickets_chart(rows)
    assert fig.data[0].y == ("A-1",)  # the key is the category; the label is its tick
    assert fig.layout.yaxis.ticktext == (expected,)
    assert all(len(html.unescape(line)) <= 32 for line in expected.split("<br>"))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda t: ticket_mix_chart(t), "Aucune demande créée"),
        (lambda t: created_resolved_chart(changes()), "Aucune demande créée ni résolue"),
        (lambda t: backlog_age_chart(t, date(2026, 11, 20)), "Aucune demande ouverte"),
        (lambda t: costliest_tickets_chart(t), "Aucun temps saisi"),
        (lambda t: costliest_tickets_chart(t, client_view=True), "Aucun temps saisi"),
    ],
    ids=["mix", "flow", "backlog", "costliest", "costliest-client"],
)
def test_no_ticket_is_explained(build, message: str) -> None:
    check_empty(build(ticket_rows()), message)


def test_backlog_by_severity_names_unknown_severities() -> None:
    rows = ticket_rows(
        {"created_at": "2026-11-19", "severity": "majeure"},
        {"created_at": "2026-11-19", "severity": None},
    )
    fig = backlog_age_chart(rows, date(2026, 11, 20), by="severity")
    check_common(fig)
    assert [t.name for t in fig.data] == ["Majeure", "Sévérité inconnue"]
