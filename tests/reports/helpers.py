"""Shared test material: a frame with every dtype the writers must handle, tiny PNGs."""

from __future__ import annotations

import struct
import zlib
from datetime import date, datetime

import numpy as np
import pandas as pd

#: Texts a spreadsheet would run as formulas (OWASP), and harmless look-alikes.
FORMULA_TEXTS = ("=1+1", "+33 6 12", "-5", "@SUM(A1)", "\t=cmd", "\r=cmd", "＝1+1")
HARMLESS_TEXTS = ("Paris", "a=b", " =1", "1-2", "e-mail", "")


def every_dtype_frame() -> pd.DataFrame:
    """Return three rows covering each dtype, with a missing value in each column."""
    return pd.DataFrame(
        {
            "float": [1.5, -2.25, np.nan],
            "float_na": pd.array([0.1, None, -3.0], dtype="Float64"),
            "int_na": pd.array([1, None, -7], dtype="Int64"),
            "text_str": pd.Series(["a", None, "été"], dtype="str"),
            "text_string": pd.Series(["b", "c", None], dtype="string"),
            "text_object": pd.Series(["x", None, "z"], dtype=object),
            "flag": [True, False, True],
            "flag_na": pd.array([True, None, False], dtype="boolean"),
            "closed_at": pd.to_datetime(["2026-11-22 09:31", None, "2026-01-05 00:00"]),
            "midnights": pd.to_datetime(["2026-11-22", "2026-01-05", None]),
            "day_objects": [date(2026, 11, 22), None, date(2026, 1, 5)],
            "stamp_objects": [pd.Timestamp("2026-11-22 09:31"), pd.NaT, datetime(2026, 1, 5, 17)],
        }
    )


def tiny_png(width: int, height: int) -> bytes:
    """Return a valid grey PNG of the given size (built by hand: no image library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
