"""CSV export that French Excel opens right with a double click.

Rules (for the README): UTF-8 with a BOM (so Excel reads the accents), ``;`` between
fields, CRLF line ends, a decimal comma and no thousands separator (so Excel reads a
number, not text), percentages (unit ``%`` in the KPI catalog) as ``93,4%`` (Excel reads
the fraction 0,934 shown as a percentage), dates ``dd/mm/yyyy``, timestamps ``dd/mm/yyyy
HH:MM`` (tz-aware ones in Paris time), months ``mm/yyyy``, durations ``h:mm``, booleans
``Oui`` / ``Non``, missing values as empty fields. Fields holding ``;``, quotes or line
breaks are quoted. Text that a spreadsheet would run as a formula is prefixed with ``'``
(see ``formula_guard``); real negative numbers are left alone. The index is not written.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from tma_metrics.reports.columns import Column, Kind, columns_of
from tma_metrics.reports.formula_guard import guard_csv

__all__ = ["DECIMALS", "LINE_END", "SEPARATOR", "csv_bytes"]

SEPARATOR = ";"
LINE_END = "\r\n"
#: Decimals kept for floats: enough for hours and days, hides 0.1 + 0.2 noise.
DECIMALS = 9
_DATE_FORMATS = {Kind.DATE: "%d/%m/%Y", Kind.DATETIME: "%d/%m/%Y %H:%M", Kind.MONTH: "%m/%Y"}


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Write a table as CSV for French Excel (see the module's rules).

    >>> csv_bytes(pd.DataFrame({"spent_hours": [1.5, -2.0], "note": ["=A1", "ok"]}))
    b"\\xef\\xbb\\xbfspent_hours;note\\r\\n1,5;'=A1\\r\\n-2,0;ok\\r\\n"
    """
    columns = columns_of(df)
    header = guard_csv(pd.Series([c.name for c in columns], dtype=object)).tolist()
    out = pd.DataFrame({i: _field(c) for i, c in enumerate(columns)}, index=range(len(df)))
    text = out.to_csv(
        sep=SEPARATOR,
        decimal=",",
        header=header or False,
        index=False,
        lineterminator=LINE_END,
        quoting=csv.QUOTE_MINIMAL,
        na_rep="",
    )
    return text.encode("utf-8-sig")


def _field(column: Column) -> pd.Series:
    """Return a column as text, or as float64 for pandas' decimal-comma writer."""
    s = column.data
    if column.kind in (Kind.NUMBER, Kind.INTEGER) and column.unit == "%":
        return _percents(s.astype("float64"))
    if column.kind == Kind.NUMBER:
        return s.round(DECIMALS)
    if column.kind == Kind.INTEGER:
        return s.astype(object).where(s.notna(), None)
    if column.kind == Kind.TEXT:
        return guard_csv(s)
    if column.kind == Kind.BOOL:
        out = np.where(s.fillna(False).to_numpy(dtype=bool), "Oui", "Non").astype(object)
        out[s.isna().to_numpy()] = None
        return pd.Series(out, dtype=object)
    if column.kind == Kind.DURATION:
        minutes = (s / pd.Timedelta(minutes=1)).round()
        sign = np.where(minutes < 0, "-", "")
        hours, rest = np.divmod(minutes.abs().fillna(0).astype(int), 60)
        text = sign + hours.astype(str) + ":" + rest.astype(str).str.zfill(2)
        return text.astype(object).where(s.notna(), None)
    return s.dt.strftime(_DATE_FORMATS[column.kind]).astype(object).where(s.notna(), None)


def _percents(s: pd.Series) -> pd.Series:
    """Write fractions as French percentages Excel reads as numbers: ``93,42%``."""
    out = pd.Series(None, index=s.index, dtype=object)
    known = s.notna()
    scaled = (s[known] * 100).round(DECIMALS - 2)
    scaled = scaled.mask(scaled == 0, 0.0)  # no "-0%"
    texts = [f"{v:.{DECIMALS - 2}f}".rstrip("0").rstrip(".") for v in scaled.tolist()]
    out[known] = [text.replace(".", ",") + "%" for text in texts]
    return out
