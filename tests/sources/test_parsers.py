"""The SQL value parsers (macros in sources/sql): tables of cases and round trips."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tma_metrics.sources import dates, install_macros

# One connection for the property tests (hypothesis runs many examples per test).
_CON = duckdb.connect()
install_macros(_CON)


def sql_value(expression: str, value: object) -> object:
    """Return ``expression`` (with $v) evaluated by DuckDB."""
    return _CON.execute(f"SELECT {expression}", {"v": value}).fetchall()[0][0]


DECIMALS = [
    ("7,5", 7.5),
    ("7.5", 7.5),
    ("8,00", 8.0),
    ("1 234,5", 1234.5),
    ("1\u00a0234,5", 1234.5),
    ("1\u202f234,5", 1234.5),
    ("12 345 678,25", 12345678.25),
    ("1.234,5", 1234.5),
    ("1,234.5", 1234.5),
    ("1'234.5", 1234.5),
    (",5", 0.5),
    ("-3", -3.0),
    (" 12 ", 12.0),
    ("1,234", 1.234),  # a lone separator is the decimal one (French files are the norm)
    ("1 2", None),
    ("1e5", None),
    ("abc", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), DECIMALS, ids=[repr(d[0]) for d in DECIMALS])
def test_decimal(text: str | None, expected: float | None) -> None:
    assert sql_value("tma_decimal($v)", text) == expected


DURATIONS = [
    ("7,5", 7.5),
    ("7.5", 7.5),
    ("1:30", 1.5),
    ("01:30:00", 1.5),
    ("26:15:00", 26.25),
    ("-1:30", -1.5),
    ("1h30", 1.5),
    ("1h 30m", 1.5),
    ("1 h 30", 1.5),
    ("90 min", 1.5),
    ("35m", 35 / 60),
    ("10h 40m", 10 + 40 / 60),
    ("1 heure 18 minutes", 1.3),
    ("2 heures", 2.0),
    ("1 horas 18 minutos", 1.3),
    ("10 minutes", 10 / 60),
    ("1 minutes", 1 / 60),
    ("0 seconds", 0.0),
    ("0 segundo", 0.0),
    ("16 segundos", 16 / 3600),
    ("0,5 j", 4.0),
    ("2d", 16.0),
    ("1w", 40.0),
    ("PT1H30M", 1.5),
    ("60 mois", None),
    ("deux heures", None),
    ("abc", None),
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS, ids=[d[0] for d in DURATIONS])
def test_duration_in_hours(text: str, expected: float | None) -> None:
    found = sql_value("tma_hours($v, 1)", text)
    assert found == pytest.approx(expected) if expected is not None else found is None


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [("3600", 1 / 3600, 1.0), ("90", 1 / 60, 1.5), ("35m", 1 / 3600, 35 / 60)],
    ids=["seconds", "minutes", "words-ignore-unit"],
)
def test_bare_numbers_count_in_the_column_unit(text: str, unit: float, expected: float) -> None:
    assert sql_value(f"tma_hours($v, {unit!r})", text) == pytest.approx(expected)


TEXTS = [
    ("tma_digits($v)", "2 553", "2553"),
    ("tma_digits($v)", "2\u00a0553", "2553"),
    ("tma_digits($v)", "12a", None),
    ("tma_people($v)", "Jean Dupont <br>Marie Curie (1234)", "Jean Dupont, Marie Curie"),
    ("tma_people($v)", "A (12)<BR/>B ", "A, B"),
    ("tma_ticket_ref($v)", "Correction ABC-12 du formulaire", "ABC-12"),
    ("tma_ticket_ref($v)", "Réponse au ticket #456", "456"),
    ("tma_ticket_ref($v)", "Copil", None),
    ("tma_text($v)", "  x  ", "x"),
    ("tma_text($v)", "   ", None),
]


@pytest.mark.parametrize(
    ("sql", "text", "expected"), TEXTS, ids=[f"{t[0][:-4]}:{t[1]}" for t in TEXTS]
)
def test_text_macros(sql: str, text: str, expected: str | None) -> None:
    assert sql_value(sql, text) == expected


TIMESTAMPS = [
    ("07/déc./25 10:51", "dmy", datetime(2025, 12, 7, 10, 51)),
    ("28/août/25 19:43", "dmy", datetime(2025, 8, 28, 19, 43)),
    ("19/janv./25 13:49", "dmy", datetime(2025, 1, 19, 13, 49)),
    ("22/Nov/25 9:31 AM", "dmy", datetime(2025, 11, 22, 9, 31)),
    ("06/Jan/26 12:00 AM", "dmy", datetime(2026, 1, 6, 0, 0)),
    ("18/jul/26 9:10 PM", "dmy", datetime(2026, 7, 18, 21, 10)),
    ("20/11/2026 17:30", "dmy", datetime(2026, 11, 20, 17, 30)),
    ("05-09-2025 14:10", "dmy", datetime(2025, 9, 5, 14, 10)),
    ("11/20/2026 05:30 PM", "mdy", datetime(2026, 11, 20, 17, 30)),
    ("Jan 20, 2023, 6:25 PM", "mdy", datetime(2023, 1, 20, 18, 25)),
    ("2026-11-20", "dmy", datetime(2026, 11, 20)),
    ("2026-11-20 17:30", "mdy", datetime(2026, 11, 20, 17, 30)),
    ("2026-11-20T17:30:00", "dmy", datetime(2026, 11, 20, 17, 30)),
    ("2016-8-1 14:33", "dmy", datetime(2016, 8, 1, 14, 33)),
    ("20\u00a0nov.\u00a02026 17h30", "dmy", datetime(2026, 11, 20, 17, 30)),
    ("31/02/2025", "dmy", None),
    ("1900-01-01 00:00:00", "dmy", None),  # placeholder dates are not real dates
    ("bientôt", "dmy", None),
]


@pytest.mark.parametrize(("text", "order", "expected"), TIMESTAMPS, ids=[t[0] for t in TIMESTAMPS])
def test_timestamp(text: str, order: str, expected: datetime | None) -> None:
    choice = dates.TsChoice(order, ()).widen()
    assert sql_value(dates.expression("$v", choice), text) == expected


def test_offsets_become_wall_clock_time_of_the_contract() -> None:
    choice = dates.TsChoice("dmy", (), offset=True).widen()
    sql = dates.expression("$v", choice).replace("$tma_tz", "'Europe/Paris'")
    assert sql_value(sql, "2023-01-20T18:25:30.148+0100") == datetime(
        2023, 1, 20, 18, 25, 30, 148000
    )
    assert sql_value(sql, "2023-07-20T18:25:30Z") == datetime(2023, 7, 20, 20, 25, 30)


def test_utc_columns_are_converted() -> None:
    choice = dates.TsChoice("dmy", ()).widen()
    sql = dates.expression("$v", choice, utc=True).replace("$tma_tz", "'Europe/Paris'")
    assert sql_value(sql, "2026-07-01 08:00:00") == datetime(2026, 7, 1, 10, 0)
    assert sql_value(sql, "2026-12-01 23:30:00") == datetime(2026, 12, 2, 0, 30)


@pytest.mark.parametrize(
    ("values", "prefer", "order"),
    [
        (["03/04/2025", "25/04/2025"], "mdy", "dmy"),  # a day above 12 proves day-first
        (["04/25/2025", "03/04/2025"], "dmy", "mdy"),
        (["03/04/2025", "05/06/2025"], "dmy", "dmy"),  # ambiguous: the preference
        (["03/04/2025", "05/06/2025"], "mdy", "mdy"),
    ],
    ids=["day-above-12", "month-first-proved", "ambiguous-fr", "ambiguous-en"],
)
def test_day_month_order_is_decided_per_column(values: list[str], prefer: str, order: str) -> None:
    assert dates.choose(_CON, {"c": values}, prefer)["c"].order == order


def test_an_ambiguous_column_follows_the_order_other_columns_proved() -> None:
    found = dates.choose(_CON, {"created": ["25/04/2025"], "due": ["03/04/2025"]}, "mdy")
    assert found["due"].order == "dmy"


# -- round trips (hypothesis) ------------------------------------------------------

_SPACES = (" ", "\u00a0", "\u202f")


def _french(value: float, space: str) -> str:
    text = f"{value:,.2f}"  # 1,234.50
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", space)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.decimals(min_value=-(10**7), max_value=10**7, places=2), st.sampled_from(_SPACES))
def test_french_numbers_round_trip(value: object, space: str) -> None:
    text = _french(float(value), space)
    assert sql_value("tma_decimal($v)", text) == pytest.approx(float(value))


@settings(max_examples=200)
@given(st.decimals(min_value=1000, max_value=10**7, places=2))
def test_english_numbers_with_thousands_round_trip(value: object) -> None:
    assert sql_value("tma_decimal($v)", f"{float(value):,.2f}") == pytest.approx(float(value))


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=10**5, places=3), st.sampled_from([",", "."]))
def test_plain_decimals_round_trip(value: object, separator: str) -> None:
    text = f"{float(value):.3f}".replace(".", separator)
    assert sql_value("tma_decimal($v)", text) == pytest.approx(float(value))


def _duration_texts(minutes: int) -> list[str]:
    h, m = divmod(minutes, 60)
    texts = [
        f"{h}:{m:02d}",
        f"{h}:{m:02d}:00",
        f"{h}h{m:02d}",
        f"{h}h {m}m",
        f"{minutes} min",
        f"{h} heures {m} minutes",
        f"{h} horas {m} minutos",
        f"PT{h}H{m}M",
        f"{minutes / 60:.6f}".replace(".", ","),
    ]
    if minutes % 240 == 0:
        texts.append(f"{minutes / 480:g} j".replace(".", ","))
    return texts


@settings(max_examples=150)
@given(st.integers(min_value=0, max_value=100 * 60))
def test_durations_round_trip(minutes: int) -> None:
    texts = _duration_texts(minutes)
    sql = "SELECT v, tma_hours(v, 1) FROM (SELECT unnest($vals) AS v)"
    for text, hours in _CON.execute(sql, {"vals": texts}).fetchall():
        assert hours == pytest.approx(minutes / 60, abs=1e-6), text


_FR_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
_ES_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ampm(t: datetime) -> str:
    return f"{(t.hour % 12) or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


#: How tools write a timestamp -> (formatter, true day/month order).
PATTERNS = {
    "fr %d/%m/%Y %H:%M": (lambda t: t.strftime("%d/%m/%Y %H:%M"), "dmy"),
    "redmine en %m/%d/%Y %I:%M %p": (lambda t: f"{t:%m/%d/%Y} {_ampm(t)}", "mdy"),
    "iso": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S"), "dmy"),
    "iso T": (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S"), "dmy"),
    "glpi dd-mm-yyyy": (lambda t: t.strftime("%d-%m-%Y %H:%M"), "dmy"),
    "jira en": (lambda t: f"{t:%d}/{_EN_MONTHS[t.month - 1]}/{t:%y} {_ampm(t)}", "dmy"),
    "jira fr": (lambda t: f"{t:%d}/{_FR_MONTHS[t.month - 1]}/{t:%y} {t:%H:%M}", "dmy"),
    "jira es": (lambda t: f"{t:%d}/{_ES_MONTHS[t.month - 1]}/{t:%y} {_ampm(t)}", "dmy"),
    "worklog app": (lambda t: f"{_EN_MONTHS[t.month - 1]} {t.day}, {t.year}, {_ampm(t)}", "mdy"),
    "two-digit year": (lambda t: t.strftime("%d/%m/%y %H:%M"), "dmy"),
}

_INSTANTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2068, 12, 31)).map(
    lambda t: t.replace(second=0, microsecond=0)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_INSTANTS, min_size=1, max_size=8),
    st.sampled_from(sorted(PATTERNS)),
    st.sampled_from(dates.ORDERS),
)
def test_timestamps_round_trip(instants: list[datetime], pattern: str, prefer: str) -> None:
    write, order = PATTERNS[pattern]
    # One value whose day is above 12 proves the order, whatever the preference.
    assume(any(t.day > 12 for t in instants) or pattern.startswith(("iso", "jira", "worklog")))
    texts = [write(t) for t in instants]
    choice = dates.choose(_CON, {"c": texts}, prefer)["c"]
    assert choice.order == order or pattern.startswith(("iso", "jira", "worklog"))
    sql = f"SELECT {dates.expression('v', choice)} FROM (SELECT unnest($vals) AS v)"
    found = [row[0] for row in _CON.execute(sql, {"vals": texts}).fetchall()]
    assert found == instants
