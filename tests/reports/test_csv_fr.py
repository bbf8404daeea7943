"""CSV for French Excel: BOM, ``;``, CRLF, decimal comma, French dates, no formulas."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest

from tests.reports.helpers import FORMULA_TEXTS, HARMLESS_TEXTS, every_dtype_frame
from tma_metrics.reports.csv_fr import csv_bytes

BOM = b"\xef\xbb\xbf"


def read_back(content: bytes) -> list[list[str]]:
    """Parse the bytes the way a strict CSV reader would (BOM, ``;``, quoted fields)."""
    assert content.startswith(BOM)
    text = content[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True))


def french_number(field: str) -> float:
    """Read a field written with a decimal comma, refusing thousands separators."""
    assert "." not in field and " " not in field and "\u202f" not in field
    return math.nan if field == "" else float(field.replace(",", "."))


def test_file_layout_bom_separator_and_crlf() -> None:
    content = csv_bytes(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    assert content.startswith(BOM)
    assert content[len(BOM) :] == b"a;b\r\n1;x\r\n2;y\r\n"


# Expected fields written by hand from the frame's literal values (helpers.every_dtype_frame).
FIELD_CASES = [
    ("int_na", ["1", "", "-7"]),
    ("text_str", ["a", "", "été"]),
    ("text_string", ["b", "c", ""]),
    ("text_object", ["x", "", "z"]),
    ("flag", ["Oui", "Non", "Oui"]),
    ("flag_na", ["Oui", "", "Non"]),
    ("closed_at", ["22/11/2026 09:31", "", "05/01/2026 00:00"]),
    ("midnights", ["22/11/2026", "05/01/2026", ""]),
    ("day_objects", ["22/11/2026", "", "05/01/2026"]),
    ("stamp_objects", ["22/11/2026 09:31", "", "05/01/2026 17:00"]),
]


@pytest.fixture(scope="module")
def every_dtype_rows() -> list[list[str]]:
    return read_back(csv_bytes(every_dtype_frame()))


@pytest.mark.parametrize(("header", "fields"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_each_dtype_is_written_the_french_way(
    every_dtype_rows: list[list[str]], header: str, fields: list[str]
) -> None:
    j = every_dtype_rows[0].index(header)
    assert [row[j] for row in every_dtype_rows[1:]] == fields


@pytest.mark.parametrize("header", ["float", "float_na"])
def test_floats_use_a_decimal_comma_and_read_back_equal(
    every_dtype_rows: list[list[str]], header: str
) -> None:
    j = every_dtype_rows[0].index(header)
    original = every_dtype_frame()[header].astype("float64").tolist()
    for row, expected in zip(every_dtype_rows[1:], original, strict=True):
        got = french_number(row[j])
        assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_float_noise_is_rounded_away_but_small_values_kept() -> None:
    rows = read_back(csv_bytes(pd.DataFrame({"x": [0.1 + 0.2, 0.125, 1234567.5, np.inf]})))
    assert [r[0] for r in rows[1:]] == ["0,3", "0,125", "1234567,5", ""]


@pytest.mark.parametrize("text", FORMULA_TEXTS, ids=repr)
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    rows = read_back(csv_bytes(pd.DataFrame({"title": [text], "delta_days": [-5.0]})))
    assert rows[1] == ["'" + text, "-5,0"]  # the real negative number is left alone


@pytest.mark.parametrize("text", HARMLESS_TEXTS, ids=repr)
def test_harmless_text_is_unchanged(text: str) -> None:
    assert read_back(csv_bytes(pd.DataFrame({"title": [text]})))[1] == [text]


def test_formula_like_header_is_neutralised_too() -> None:
    assert read_back(csv_bytes(pd.DataFrame({"=cmd": [1]})))[0] == ["'=cmd"]


def test_separators_quotes_and_line_breaks_stay_inside_their_field() -> None:
    texts = ["a;b", 'dit "oui"', "ligne 1\nligne 2", "cr\r\nlf"]
    rows = read_back(csv_bytes(pd.DataFrame({"t": texts, "n": range(4)})))
    assert [r[0] for r in rows[1:]] == texts
    assert [r[1] for r in rows[1:]] == ["0", "1", "2", "3"]


def test_other_kinds_durations_months_and_paris_time() -> None:
    frame = pd.DataFrame(
        {
            "waited": pd.to_timedelta(["90min", "-30min", "25h", None]),
            "month": pd.period_range("2026-09", periods=4, freq="M"),
            "updated_at": pd.to_datetime(["2026-07-01 08:00"] * 4).tz_localize("UTC"),
        }
    )
    rows = read_back(csv_bytes(frame))
    assert [r[0] for r in rows[1:]] == ["1:30", "-0:30", "25:00", ""]
    assert [r[1] for r in rows[1:]] == ["09/2026", "10/2026", "11/2026", "12/2026"]
    assert {r[2] for r in rows[1:]} == {"01/07/2026 10:00"}


def test_index_is_not_written_and_a_shuffled_index_keeps_row_order() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3]}, index=[10, 5, 7])
    assert read_back(csv_bytes(frame)) == [["a"], ["1"], ["2"], ["3"]]


def test_every_row_has_every_field() -> None:
    rows = read_back(csv_bytes(every_dtype_frame()))
    assert len(rows) == 4
    assert {len(r) for r in rows} == {len(every_dtype_frame().columns)}


PERCENT_CASES = [
    ("compliance", [0.9342, None, 1.0, -0.0], ["93,42%", "", "100%", "0%"]),
    ("Respect des SLA", [0.1158432708], ["11,5843271%"]),
    ("Part gestion de projet", [0.1], ["10%"]),
    ("Demandes reçues", [97.0], ["97,0"]),  # a count stays a plain number
    ("ratio", [0.5], ["0,5"]),  # a column the catalog does not know: no percent
]


@pytest.mark.parametrize(
    ("header", "values", "fields"), PERCENT_CASES, ids=[c[0] for c in PERCENT_CASES]
)
def test_percentages_are_written_as_excel_reads_them(header, values, fields) -> None:
    rows = read_back(csv_bytes(pd.DataFrame({header: pd.array(values, dtype="Float64")})))
    assert [row[0] for row in rows[1:]] == fields
