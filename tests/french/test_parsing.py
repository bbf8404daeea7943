"""French numbers and dates as people type them, and what is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tma_metrics.french.parsing import french_day, french_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234,5", 1234.5),
        ("1\u202f234", 1234.0),
        (" 20 ", 20.0),
        (",5", 0.5),
        ("-3", -3.0),
        (8, 8.0),
        (7.25, 7.25),
        ("20.00", 20.0),
        ("douze", None),
        ("12,5 j", None),
        ("1,2,3", None),
        ("", None),
        ("inf", None),
        (float("nan"), None),
        (True, None),
        (None, None),
    ],
    ids=lambda v: repr(v),
)
def test_french_number(typed: object, expected: float | None) -> None:
    assert french_number(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01/01/2026", date(2026, 1, 1)),
        ("1/2/2026", date(2026, 2, 1)),
        ("01.02.2026", date(2026, 2, 1)),
        ("01-02-2026", date(2026, 2, 1)),
        ("2026-02-01", date(2026, 2, 1)),
        (datetime(2026, 2, 1, 9, 30), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 2, 1)),
        ("31/02/2026", None),
        ("13/13/2026", None),
        ("01/01/26", None),
        ("2026/01/01", None),
        ("demain", None),
        (20260101, None),
    ],
    ids=lambda v: repr(v),
)
def test_french_day(typed: object, expected: date | None) -> None:
    assert french_day(typed) == expected
