"""The CSV line scan against a naive split of the text, and the refusals it leads to."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile import files
from tma_metrics.sources import csv_scan, limits
from tma_metrics.sources.failures import LimitExceeded
from tma_metrics.sources.payload import Encoding, Payload, load_payload


def naive(text: str, delimiter: str, unit: int) -> tuple[int, int, int]:
    """Return (lines, longest line in bytes, most separators on one line) the obvious way."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]  # a final line break closes the last line
    longest = max((len(line) for line in lines), default=0) * unit
    separators = max((line.count(delimiter) for line in lines), default=0)
    return len(lines), longest, separators


ENCODINGS = {
    "utf-8": (Encoding("utf-8", "UTF-8", duckdb="utf-8"), 1),
    "utf-16-le": (Encoding("utf-16-le", "UTF-16", bom=2), 2),
}


@settings(deadline=None, max_examples=200)
@given(
    text=st.text(alphabet='ab;,\n"x', min_size=1, max_size=200),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(sorted(ENCODINGS)),
    chunk=st.sampled_from([8, 16, 1 << 20]),
)
def test_scan_matches_a_naive_split(text: str, delimiter: str, encoding: str, chunk: int) -> None:
    codec, unit = ENCODINGS[encoding]
    data = text.encode(codec.codec)
    if codec.bom:
        data = b"\xff\xfe" + data
    payload = Payload("f.csv", "text", data[:4096], len(data), data=data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_scan, "_CHUNK", chunk)  # lines cut across chunks
        stats = csv_scan.scan(payload, codec, delimiter)
    assert (stats.lines, stats.longest, stats.separators) == naive(text, delimiter, unit)


REFUSALS = [
    ("12.5 M columns", files.wide_line_csv(), "Trop de colonnes",
     "12\u202f499\u202f999 séparateurs"),
    ("17 Mio line", files.long_line_csv(), "Ligne trop longue", "17 Mio en ligne 4"),
    ("too many lines", b"a;b\n" + b"1;2\n" * 200_001, "Trop de lignes", "200\u202f002 lignes"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "title", "detail"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])  # fmt: skip
def test_lines_beyond_the_limits_are_refused(data: bytes, title: str, detail: str) -> None:
    payload = load_payload(data, "f.csv")
    with pytest.raises(LimitExceeded) as caught:
        csv_scan.check(payload, Encoding("utf-8", "UTF-8"), ";" if b";" in data[:30] else ",",
                       limits.QUICK_PAGE)  # fmt: skip
    message = str(caught.value)
    assert message.startswith(title) and detail in message, message
