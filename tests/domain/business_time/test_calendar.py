"""Business calendar: tables of dated cases, and a naive window-by-window reference."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.naive.core import naive_minutes
from tma_metrics.domain.business_time.calendar import (
    BusinessCalendar,
    CalendarError,
    calendar_for,
    holiday_dates,
)
from tma_metrics.domain.contracts.model import ALWAYS_OPEN, CalendarSpec

DEFAULT = CalendarSpec()
MOSELLE = CalendarSpec(holidays="FR-57")
NO_HOLIDAYS = CalendarSpec(holidays=None)
CLOSED_XMAS_EVE = CalendarSpec(closed=(date(2026, 12, 24), date(2026, 12, 31)))
SATURDAY_MORNINGS = CalendarSpec(windows=((8 * 60, 12 * 60),), weekdays=(0, 1, 2, 3, 4, 5))

# (spec, start, end, business minutes). 2026-11-20 is a Friday.
ELAPSED_CASES = [
    ("friday-evening-to-monday", DEFAULT, "2026-11-20 17:30", "2026-11-23 09:45", 75),
    ("armistice-11-november", DEFAULT, "2026-11-10 18:00", "2026-11-12 09:00", 0),
    ("armistice-whole-day", DEFAULT, "2026-11-11 09:00", "2026-11-11 18:00", 0),
    ("lunch-break-excluded", DEFAULT, "2026-11-23 12:30", "2026-11-23 14:30", 60),
    ("inside-lunch-break", DEFAULT, "2026-11-23 13:10", "2026-11-23 13:50", 0),
    ("full-working-day", DEFAULT, "2026-11-23 00:00", "2026-11-24 00:00", 480),
    ("easter-monday-2026", DEFAULT, "2026-04-06 08:00", "2026-04-06 19:00", 0),
    ("easter-monday-2025", DEFAULT, "2025-04-21 08:00", "2025-04-21 19:00", 0),
    ("21-april-2026-is-a-tuesday", DEFAULT, "2026-04-21 08:00", "2026-04-21 19:00", 480),
    ("labour-day-2026", DEFAULT, "2026-05-01 08:00", "2026-05-01 19:00", 0),
    ("victory-day-2026", DEFAULT, "2026-05-08 08:00", "2026-05-08 19:00", 0),
    ("ascension-2026", DEFAULT, "2026-05-14 08:00", "2026-05-14 19:00", 0),
    ("ascension-2025", DEFAULT, "2025-05-29 08:00", "2025-05-29 19:00", 0),
    ("29-may-2026-is-a-friday", DEFAULT, "2026-05-29 08:00", "2026-05-29 19:00", 480),
    ("whit-monday-2026", DEFAULT, "2026-05-25 08:00", "2026-05-25 19:00", 0),
    ("whit-monday-2025", DEFAULT, "2025-06-09 08:00", "2025-06-09 19:00", 0),
    ("bastille-day-2026", DEFAULT, "2026-07-14 08:00", "2026-07-14 19:00", 0),
    ("assumption-2025", DEFAULT, "2025-08-15 08:00", "2025-08-15 19:00", 0),
    ("good-friday-fr-open", DEFAULT, "2026-04-03 08:00", "2026-04-03 19:00", 480),
    ("good-friday-moselle-closed", MOSELLE, "2026-04-03 08:00", "2026-04-03 19:00", 0),
    ("26-december-fr-open", DEFAULT, "2025-12-26 08:00", "2025-12-26 19:00", 480),
    ("26-december-moselle-closed", MOSELLE, "2025-12-26 08:00", "2025-12-26 19:00", 0),
    ("no-holidays-armistice-open", NO_HOLIDAYS, "2026-11-11 09:00", "2026-11-11 18:00", 480),
    ("closure-day", CLOSED_XMAS_EVE, "2026-12-24 08:00", "2026-12-24 19:00", 0),
    ("closure-days-week", CLOSED_XMAS_EVE, "2026-12-21 09:00", "2027-01-04 09:00", 6 * 480),
    ("weekend", DEFAULT, "2026-11-21 10:00", "2026-11-22 16:00", 0),
    (
        "saturday-open-when-configured",
        SATURDAY_MORNINGS,
        "2026-11-21 07:00",
        "2026-11-21 13:00",
        240,
    ),
    ("year-boundary", DEFAULT, "2025-12-31 17:00", "2026-01-02 10:00", 120),
    ("always-open-weekend", ALWAYS_OPEN, "2026-11-21 10:00", "2026-11-22 16:00", 1800),
    ("always-open-holiday", ALWAYS_OPEN, "2026-05-01 00:00", "2026-05-02 00:00", 1440),
    ("equal-timestamps", DEFAULT, "2026-11-23 10:00", "2026-11-23 10:00", 0),
    ("equal-timestamps-at-night", DEFAULT, "2026-11-23 22:00", "2026-11-23 22:00", 0),
    ("seconds-count", DEFAULT, "2026-11-23 10:00:00", "2026-11-23 10:00:30", 0.5),
]


@pytest.mark.parametrize(
    ("spec", "start", "end", "expected"),
    [case[1:] for case in ELAPSED_CASES],
    ids=[case[0] for case in ELAPSED_CASES],
)
def test_minutes_between(spec: CalendarSpec, start: str, end: str, expected: float) -> None:
    cal = BusinessCalendar(spec)
    assert cal.business_minutes(start, end) == pytest.approx(expected)
    assert cal.minutes_between(pd.Series([pd.Timestamp(start)]), [end])[0] == pytest.approx(
        expected
    )


# (spec, start, minutes, expected deadline)
DEADLINE_CASES = [
    ("saturday-night-plus-2h", DEFAULT, "2026-11-21 03:00", 120, "2026-11-23 11:00"),
    ("end-of-friday-is-earliest", DEFAULT, "2026-11-20 17:00", 60, "2026-11-20 18:00"),
    ("one-more-minute-on-monday", DEFAULT, "2026-11-20 17:00", 61, "2026-11-23 09:01"),
    ("lunch-break-skipped", DEFAULT, "2026-11-23 12:00", 120, "2026-11-23 15:00"),
    ("end-of-morning-is-earliest", DEFAULT, "2026-11-23 12:00", 60, "2026-11-23 13:00"),
    ("zero-is-start-itself", DEFAULT, "2026-11-21 03:00", 0, "2026-11-21 03:00"),
    ("two-days-over-armistice", DEFAULT, "2026-11-10 10:00", 960, "2026-11-13 10:00"),
    ("five-days-over-weekend", DEFAULT, "2026-11-18 15:00", 5 * 480, "2026-11-25 15:00"),
    ("year-boundary", DEFAULT, "2025-12-31 17:00", 120, "2026-01-02 10:00"),
    ("moselle-good-friday", MOSELLE, "2026-04-02 17:00", 120, "2026-04-07 10:00"),
    ("fr-good-friday", DEFAULT, "2026-04-02 17:00", 120, "2026-04-03 10:00"),
    ("always-open-night", ALWAYS_OPEN, "2026-11-21 22:00", 240, "2026-11-22 02:00"),
    ("always-open-one-day", ALWAYS_OPEN, "2026-05-01 10:00", 1440, "2026-05-02 10:00"),
    ("saturday-mornings", SATURDAY_MORNINGS, "2026-11-20 11:00", 120, "2026-11-21 09:00"),
    ("fraction-of-minute", DEFAULT, "2026-11-23 10:00", 0.5, "2026-11-23 10:00:30"),
]


@pytest.mark.parametrize(
    ("spec", "start", "minutes", "expected"),
    [case[1:] for case in DEADLINE_CASES],
    ids=[case[0] for case in DEADLINE_CASES],
)
def test_add_minutes(spec: CalendarSpec, start: str, minutes: float, expected: str) -> None:
    cal = BusinessCalendar(spec)
    assert cal.deadline(start, minutes) == pd.Timestamp(expected)
    assert cal.add_minutes(np.array([start], dtype="datetime64[us]"), minutes)[0] == np.datetime64(
        expected
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(DEFAULT, 480), (ALWAYS_OPEN, 1440), (SATURDAY_MORNINGS, 240)],
    ids=["default-8h", "always-open-24h", "mornings-4h"],
)
def test_day_minutes(spec: CalendarSpec, expected: int) -> None:
    assert BusinessCalendar(spec).day_minutes == expected == spec.day_minutes


@pytest.mark.parametrize(
    ("spec", "day", "expected"),
    [
        (DEFAULT, "2026-11-11", False),
        (DEFAULT, "2026-11-12", True),
        (DEFAULT, "2026-11-21", False),
        (SATURDAY_MORNINGS, "2026-11-21", True),
        (MOSELLE, "2026-04-03", False),
        (DEFAULT, "2026-04-03", True),
        (CLOSED_XMAS_EVE, "2026-12-24", False),
        (ALWAYS_OPEN, "2026-12-25", True),
    ],
    ids=[
        "armistice",
        "ordinary-thursday",
        "saturday",
        "saturday-configured",
        "moselle-good-friday",
        "fr-good-friday",
        "closure-day",
        "always-open-christmas",
    ],
)
def test_is_open_day(spec: CalendarSpec, day: str, expected: bool) -> None:
    assert BusinessCalendar(spec).is_open_day([day]).tolist() == [expected]


def test_missing_values_give_nan_and_nat() -> None:
    cal = BusinessCalendar(DEFAULT)
    start = pd.Series(pd.to_datetime(["2026-11-23 10:00", None, "2026-11-23 10:00"]))
    end = pd.Series(pd.to_datetime(["2026-11-23 11:00", "2026-11-23 11:00", None]))
    got = cal.minutes_between(start, end)
    assert got[0] == 60
    assert np.isnan(got[1:]).all()
    deadlines = cal.add_minutes(start, [60, 60, np.nan])
    assert deadlines[0] == np.datetime64("2026-11-23T11:00")
    assert np.isnat(deadlines[1:]).all()
    assert not cal.is_open_day([None])[0]


def test_end_before_start_raises_naming_count_and_first_case() -> None:
    cal = BusinessCalendar(DEFAULT)
    start = ["2026-11-23 10:00", "2026-11-23 10:00", "2026-11-25 10:00"]
    end = ["2026-11-22 09:00", "2026-11-23 11:00", "2026-11-24 10:00"]
    with pytest.raises(CalendarError, match=r"2 intervalle\(s\).*22/11/2026 09:00"):
        cal.minutes_between(start, end)
    got = cal.minutes_between(start, end, errors="nan")
    assert np.isnan(got[[0, 2]]).all() and got[1] == 60


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: BusinessCalendar(DEFAULT).add_minutes(["2026-11-23"], [-1]), "négative"),
        (lambda: BusinessCalendar(CalendarSpec(windows=())), "plage"),
        (lambda: BusinessCalendar(CalendarSpec(windows=((600, 500),))), "Plage"),
        (lambda: BusinessCalendar(CalendarSpec(weekdays=())), "Jours ouvrés"),
        (lambda: holiday_dates("FR-99", [2026]), "subdivision"),
        (lambda: holiday_dates("DE", [2026]), "FR-57"),
        (
            lambda: BusinessCalendar(DEFAULT).minutes_between(
                pd.Series(pd.to_datetime(["2026-11-23"])).dt.tz_localize("Europe/Paris"),
                ["2026-11-24"],
            ),
            "fuseau",
        ),
    ],
    ids=[
        "negative-minutes",
        "no-window",
        "reversed-window",
        "no-weekday",
        "unknown-subdivision",
        "not-france",
        "timezone-aware",
    ],
)
def test_bad_input_raises_named_error(call: object, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        call()  # type: ignore[operator]


def test_span_is_extended_lazily_both_ways() -> None:
    cal = BusinessCalendar(DEFAULT)
    fresh = [BusinessCalendar(DEFAULT) for _ in range(3)]
    pairs = [
        ("2026-11-20 17:30", "2026-11-23 09:45"),
        ("2010-03-01 10:00", "2010-03-10 10:00"),
        ("2044-12-30 10:00", "2045-01-03 10:00"),
    ]
    for (start, end), other in zip(pairs, fresh, strict=True):
        assert cal.business_minutes(start, end) == other.business_minutes(start, end)
    # A deadline years ahead needs the span extended forward past its end.
    far = cal.deadline("2045-01-03 10:00", 480 * 1000)
    assert cal.business_minutes("2045-01-03 10:00", far) == pytest.approx(480 * 1000)
    assert far.year == 2048


def test_calendar_for_is_shared_per_spec() -> None:
    assert calendar_for(DEFAULT) is calendar_for(CalendarSpec())
    assert calendar_for(DEFAULT) is not calendar_for(ALWAYS_OPEN)


# ----------------------------------------------------------------- naive reference


@pytest.mark.parametrize(
    "spec",
    [DEFAULT, MOSELLE, CLOSED_XMAS_EVE, SATURDAY_MORNINGS, ALWAYS_OPEN],
    ids=["default", "moselle", "closure-days", "saturday-mornings", "always-open"],
)
def test_vectorised_matches_naive_loop(spec: CalendarSpec) -> None:
    rng = np.random.default_rng(20261122)
    n = 1500
    base = np.datetime64("2024-01-01T00:00:00", "s")
    start = base + rng.integers(0, 4 * 365 * 86400, n).astype("timedelta64[s]")
    # Durations from zero to ~40 days; a tenth of them exactly zero.
    length = rng.integers(0, 40 * 86400, n)
    length[rng.random(n) < 0.1] = 0
    end = start + length.astype("timedelta64[s]")
    cal = BusinessCalendar(spec)
    got = cal.minutes_between(start, end)
    expected = [
        naive_minutes(spec, pd.Timestamp(s).to_pydatetime(), pd.Timestamp(e).to_pydatetime())
        for s, e in zip(start, end, strict=True)
    ]
    np.testing.assert_allclose(got, expected, atol=1e-6)

    # The deadline is the inverse: the exact amount has elapsed at it, and not before it.
    minutes = rng.uniform(0, 20 * cal.day_minutes, n)
    minutes[rng.random(n) < 0.1] = 0
    whole = rng.random(n) < 0.3  # whole minutes land on window edges more often
    minutes[whole] = np.round(minutes[whole])
    deadline = cal.add_minutes(start, minutes)
    np.testing.assert_allclose(cal.minutes_between(start, deadline), minutes, atol=1e-6)
    positive = minutes > 0
    just_before = deadline[positive] - np.timedelta64(1, "ms")
    assert (cal.minutes_between(start[positive], just_before) < minutes[positive]).all()
    assert (deadline[~positive] == start[~positive]).all()


@pytest.mark.parametrize(
    "spec",
    [DEFAULT, SATURDAY_MORNINGS, ALWAYS_OPEN],
    ids=["default", "saturday-mornings", "always-open"],
)
def test_elapsed_and_deadline_equal_the_two_calls(spec: CalendarSpec) -> None:
    rng = np.random.default_rng(7)
    n = 2000
    base = np.datetime64("2025-01-01T00:00:00", "us")
    start = base + rng.integers(0, 2 * 365 * 86400, n).astype("timedelta64[s]")
    end = start + rng.integers(0, 30 * 86400, n).astype("timedelta64[s]")
    minutes = rng.uniform(0, 10 * 480, n)
    minutes[rng.random(n) < 0.1] = 0
    minutes[rng.random(n) < 0.1] = np.nan  # no allowance: no deadline
    cal = BusinessCalendar(spec)
    elapsed, deadline = cal.elapsed_and_deadline(start, end, minutes)
    # Bit for bit: the same floats and instants as the two separate calls.
    assert elapsed.tobytes() == cal.minutes_between(start, end).tobytes()
    assert deadline.dtype == np.dtype("datetime64[us]")
    assert deadline.tobytes() == cal.add_minutes(start, minutes).tobytes()
    # With a missing instant it falls back on the two calls (NaN, NaT).
    start[3] = np.datetime64("NaT")
    elapsed, deadline = cal.elapsed_and_deadline(start, end, minutes)
    assert np.isnan(elapsed[3]) and np.isnat(deadline[3])
    assert elapsed.tobytes() == cal.minutes_between(start, end).tobytes()
