"""The as-of date the pages open on, the data's end, and the Bilan's month."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tma_metrics.views import as_of

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2026, 12, 7), TODAY),
        (date(2026, 11, 30), TODAY),  # 7 days old: still current
        (date(2026, 11, 29), date(2026, 11, 29)),  # 8 days old: the end of the data
        (date(2026, 11, 20), date(2026, 11, 20)),
        (date(2027, 1, 3), TODAY),  # dated after today (a future plan): today
        (None, TODAY),  # nothing imported
    ],
    ids=["today", "week-old", "eight-days-old", "weeks-old", "future", "no-data"],
)
def test_default_as_of(end, expected) -> None:
    assert as_of.default_as_of(end, TODAY) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 20), date(2026, 10, 1)),
        (date(2026, 11, 30), date(2026, 11, 1)),
        (date(2026, 12, 1), date(2026, 11, 1)),
        (date(2026, 1, 15), date(2025, 12, 1)),
        (date(2028, 2, 29), date(2028, 2, 1)),
        (date(2027, 2, 28), date(2027, 2, 1)),
    ],
    ids=["mid-month", "last-day", "first-day", "january", "leap-february", "february"],
)
def test_the_bilan_opens_on_the_last_complete_month(day, expected) -> None:
    assert as_of.last_complete_month(day) == expected
    assert expected in as_of.months_until(day)


def test_data_end_is_the_latest_dated_fact() -> None:
    entries = pd.DataFrame({"date": pd.to_datetime(["2026-11-18", "2026-11-20"])})
    tickets = pd.DataFrame(
        {
            "created_at": pd.to_datetime(["2026-11-02 10:00", None]),
            "resolved_at": pd.to_datetime([None, "2026-11-21 09:00"]),
            "closed_at": pd.to_datetime([None, None]),
        }
    )
    # naive: every date of both tables, the latest one
    every = [*entries["date"], *tickets.stack().tolist()]
    assert as_of.data_end(tickets, entries) == max(every).date() == date(2026, 11, 21)
    assert as_of.data_end(tickets.iloc[:0], entries.iloc[:0]) is None


@pytest.mark.parametrize(
    ("end", "day", "warned"),
    [
        (date(2026, 11, 20), date(2026, 12, 7), True),
        (date(2026, 11, 20), date(2026, 11, 27), False),
        (date(2026, 11, 20), date(2026, 11, 28), True),
        (None, date(2026, 12, 7), False),
    ],
    ids=["weeks-after", "seven-days-after", "eight-days-after", "no-data"],
)
def test_stale_warning(end, day, warned) -> None:
    found = as_of.stale_warning(end, day)
    assert (found is not None) == warned
    if warned:
        assert found.startswith(f"Données jusqu'au {end:%d/%m/%Y}")
