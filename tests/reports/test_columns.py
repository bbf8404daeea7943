"""Column kinds and units, and their French display texts."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.reports.helpers import every_dtype_frame
from tma_metrics.reports.columns import Kind, normalise, unit_of
from tma_metrics.reports.display import display_frame

NBSP, THIN = "\u00a0", "\u202f"

KIND_CASES = [
    ("float", Kind.NUMBER),
    ("float_na", Kind.NUMBER),
    ("int_na", Kind.INTEGER),
    ("text_str", Kind.TEXT),
    ("text_string", Kind.TEXT),
    ("text_object", Kind.TEXT),
    ("flag", Kind.BOOL),
    ("flag_na", Kind.BOOL),
    ("closed_at", Kind.DATETIME),
    ("midnights", Kind.DATE),
    ("day_objects", Kind.DATE),
    ("stamp_objects", Kind.DATETIME),
]


@pytest.mark.parametrize(("name", "kind"), KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_each_dtype_gets_its_kind_and_keeps_its_missing_value(name: str, kind: Kind) -> None:
    original = every_dtype_frame()[name]
    column = normalise(name, original)
    assert column.kind == kind
    assert column.data.isna().tolist() == original.isna().tolist()


OTHER_KIND_CASES = [
    ("month_period", pd.Series(pd.period_range("2026-10", periods=2, freq="M")), Kind.MONTH),
    ("day_period", pd.Series(pd.period_range("2026-10-01", periods=2, freq="D")), Kind.DATE),
    ("quarter", pd.Series(pd.period_range("2026Q1", periods=2, freq="Q")), Kind.TEXT),
    ("category", pd.Series(["a", "b"], dtype="category"), Kind.TEXT),
    ("mixed", pd.Series([1, "a"], dtype=object), Kind.TEXT),
    ("object_ints", pd.Series([1, None], dtype=object), Kind.INTEGER),
    ("object_floats", pd.Series([1, 2.5], dtype=object), Kind.NUMBER),
    ("object_bools", pd.Series([True, None], dtype=object), Kind.BOOL),
    ("waited", pd.to_timedelta(pd.Series(["1h", None])), Kind.DURATION),
    ("all_missing", pd.Series([None, None], dtype=object), Kind.TEXT),
    ("numpy_ints", pd.Series(np.array([1, 2], dtype=np.int32)), Kind.INTEGER),
]


@pytest.mark.parametrize(
    ("name", "series", "kind"), OTHER_KIND_CASES, ids=[c[0] for c in OTHER_KIND_CASES]
)
def test_other_dtypes(name: str, series: pd.Series, kind: Kind) -> None:
    assert normalise(name, series).kind == kind


def test_timestamps_with_a_time_zone_are_written_in_paris_wall_clock_time() -> None:
    # 1 July is summer time: Paris is UTC+2; 1 January is UTC+1.
    utc = pd.Series(pd.to_datetime(["2026-07-01 08:00", "2026-01-01 08:00"]).tz_localize("UTC"))
    column = normalise("updated_at", utc)
    assert column.data.dt.tz is None
    assert column.data.dt.hour.tolist() == [10, 9]


def test_infinities_become_missing_values() -> None:
    assert normalise("x", pd.Series([np.inf, -np.inf, 1.0])).data.isna().tolist() == [
        True,
        True,
        False,
    ]


UNIT_CASES = [
    ("consumed_days", "j"),
    ("Consommé (j)", "j"),
    ("spent_hours", "h"),
    ("Temps passé (h)", "h"),
    ("elapsed_minutes", "duration"),
    ("compliance", "%"),
    ("Respect des SLA", "%"),
    ("burn_rate_days_per_month", "j/mois"),
    ("age_days", "jours"),
    ("key", "id"),
    ("median_ratio", "ratio"),
    ("consumed_hours_of_mine", None),  # a name the catalog does not know has no unit
    ("daily_rate", None),
    ("Consumed_Days", None),  # field names are exact
]


@pytest.mark.parametrize(("name", "unit"), UNIT_CASES, ids=[c[0] for c in UNIT_CASES])
def test_the_unit_comes_from_the_kpi_catalog(name: str, unit: str | None) -> None:
    assert unit_of(name) == unit


DISPLAY_CASES = [
    ("consumed_days", [1234.5], f"1{THIN}234,5{NBSP}j"),
    ("spent_hours", [7.5], f"7,5{NBSP}h"),
    ("elapsed_minutes", [125], "2 h 05"),
    ("compliance", [0.934], f"93{NBSP}%"),
    ("burn_rate_days_per_month", [3.25], f"3,2{NBSP}j/mois"),
    ("age_days", [12], f"12{NBSP}jours"),
    ("age_days", [1], f"1{NBSP}jour"),
    ("key", [12345], "12345"),
    ("median_ratio", [1.256], "1,26"),
    ("ratio", [1.25], "1,2"),  # not in the catalog: a plain number; half-even gives 1,2
    ("ratio_missing", [np.nan], "—"),
    ("created_on", [date(2026, 11, 22)], "22/11/2026"),
    ("closed_at", [pd.Timestamp("2026-11-22 09:31")], "22/11/2026 09:31"),
    ("month", pd.period_range("2026-11", periods=1, freq="M"), "novembre 2026"),
    ("reopened", [True], "Oui"),
    ("reopened_missing", pd.array([None], dtype="boolean"), "—"),
    ("waited", pd.to_timedelta(["65min"]), "1 h 05"),
    ("title", ["x" * 100], "x" * 79 + "…"),
    ("title_missing", pd.Series([None], dtype="str"), "—"),
]


@pytest.mark.parametrize(
    ("name", "values", "text"),
    DISPLAY_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(DISPLAY_CASES)],
)
def test_display_text_is_french(name: str, values: object, text: str) -> None:
    frame = pd.DataFrame({name: values}, index=[42])
    shown = display_frame(frame)
    assert shown.index.tolist() == [42]
    assert shown.iloc[0, 0] == text
