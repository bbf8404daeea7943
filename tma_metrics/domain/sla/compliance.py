"""Compliance, its range and coverage of SLA outcomes (rows of `sla.sla_outcomes` or `delivery`).

Compliance = met / (met + breached), over measurable clocks only; coverage = measurable /
applicable, always shown next to it (DOMAIN.md §4: never invent a timestamp). The
applicable clocks that are not measurable (``not_measurable``, the ``u`` of DOMAIN.md)
give the range: from ``compliance_low`` = met / (met + breached + u), every unknown
breached, to ``compliance_high`` = (met + u) / (met + breached + u), every unknown met.
Without unknowns both ends equal the compliance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd

__all__ = [
    "COUNT_COLUMNS",
    "RATE_COLUMNS",
    "ComplianceSummary",
    "add_rates",
    "compliance",
    "in_period",
    "main_gap",
    "month_of",
    "summarise",
]

COUNT_COLUMNS = (
    "rows",
    "applicable",
    "not_applicable",
    "measurable",
    "not_measurable",
    "met",
    "breached",
    "open",
    "at_risk",
)
RATE_COLUMNS = ("compliance", "coverage", "compliance_low", "compliance_high")


@dataclass(frozen=True)
class ComplianceSummary:
    """Counts and rates over a set of SLA outcomes."""

    applicable: int
    measurable: int
    met: int
    breached: int
    open: int
    at_risk: int
    not_applicable: int
    compliance: float  # NaN when nothing is met or breached
    coverage: float  # NaN when nothing is applicable
    compliance_low: float = np.nan  # every unknown breached; NaN when nothing is decided
    compliance_high: float = np.nan  # every unknown met
    #: What would measure the unknowns (`sla_notes.gap_text`): the most frequent gap.
    gap: str | None = None

    @property
    def not_measurable(self) -> int:
        return self.applicable - self.measurable

    @property
    def unknown(self) -> int:
        """Applicable clocks that are not measurable: the ``u`` of the range."""
        return self.not_measurable


def in_period(outcomes: pd.DataFrame, start: object = None, end: object = None) -> pd.DataFrame:
    """Keep the rows whose ``period_at`` falls in [start, end] (a date ``end`` includes its day)."""
    if start is None and end is None:
        return outcomes
    period = outcomes["period_at"]
    keep = period.notna()
    if start is not None:
        keep &= period >= pd.Timestamp(start)
    if end is not None:
        if isinstance(end, date) and not isinstance(end, datetime):
            keep &= period < pd.Timestamp(datetime.combine(end, time())) + pd.Timedelta(days=1)
        else:
            keep &= period <= pd.Timestamp(end)
    return outcomes[keep.to_numpy(bool)]


def compliance(
    outcomes: pd.DataFrame,
    *,
    by: Sequence[str] = ("severity", "sla_kind"),
    start: object = None,
    end: object = None,
) -> pd.DataFrame:
    """Return counts, compliance and coverage per group of ``by`` for ``period_at`` in [start, end].

    ``by`` names outcome columns (``severity``, ``sla_kind``, ``kind``, ``commitment``...)
    or ``month`` (the first day of ``period_at``'s month). Missing group values (an
    unknown severity) form their own group. An empty ``by`` gives one total row.
    """
    rows = in_period(outcomes, start, end)
    by = list(by)
    flags = pd.DataFrame(
        {
            "rows": 1,
            "applicable": rows["applicable"].to_numpy(bool),
            "not_applicable": ~rows["applicable"].to_numpy(bool),
            "measurable": rows["measurable"].to_numpy(bool),
            "not_measurable": (rows["applicable"] & ~rows["measurable"]).to_numpy(bool),
            **{o: (rows["outcome"] == o).to_numpy(bool) for o in COUNT_COLUMNS[5:]},
        },
        index=rows.index,
    )
    for column in by:
        flags[column] = month_of(rows["period_at"]) if column == "month" else rows[column]
    if by:
        counts = flags.groupby(by, dropna=False, sort=True)[list(COUNT_COLUMNS)].sum()
        counts = counts.reset_index()
    else:
        counts = flags[list(COUNT_COLUMNS)].sum().to_frame().T
    counts = counts.astype(dict.fromkeys(COUNT_COLUMNS, "int64"))
    add_rates(counts)
    return counts[[*by, *COUNT_COLUMNS, *RATE_COLUMNS]]


def add_rates(counts: pd.DataFrame) -> None:
    """Add the `RATE_COLUMNS` to a table of `COUNT_COLUMNS` (in place)."""
    decided = counts["met"] + counts["breached"]
    unknown = counts["not_measurable"]
    counts["compliance"] = _ratio(counts["met"], decided)
    counts["coverage"] = _ratio(counts["measurable"], counts["applicable"])
    counts["compliance_low"] = _ratio(counts["met"], decided + unknown)
    counts["compliance_high"] = _ratio(counts["met"] + unknown, decided + unknown)


def main_gap(outcomes: pd.DataFrame) -> str | None:
    """Return the most frequent gap of the unknown rows (ties: alphabetical), if any."""
    if "gap" not in outcomes.columns:
        return None
    unknown = (outcomes["applicable"] & ~outcomes["measurable"]).to_numpy(bool)
    found = outcomes["gap"][unknown].dropna()
    if found.empty:
        return None
    counts = found.value_counts()
    best = counts[counts == counts.max()].index
    return str(sorted(best)[0])


def summarise(
    outcomes: pd.DataFrame, start: object = None, end: object = None
) -> ComplianceSummary:
    """Return the overall `ComplianceSummary` of ``outcomes`` over [start, end]."""
    row = compliance(outcomes, by=(), start=start, end=end).iloc[0]
    return ComplianceSummary(
        compliance_low=float(row["compliance_low"]),
        compliance_high=float(row["compliance_high"]),
        gap=main_gap(in_period(outcomes, start, end)),
        applicable=int(row["applicable"]),
        measurable=int(row["measurable"]),
        met=int(row["met"]),
        breached=int(row["breached"]),
        open=int(row["open"]),
        at_risk=int(row["at_risk"]),
        not_applicable=int(row["not_applicable"]),
        compliance=float(row["compliance"]),
        coverage=float(row["coverage"]),
    )


def month_of(stamps: pd.Series) -> pd.Series:
    """Return the first day of each timestamp's month (NaT kept)."""
    months = stamps.to_numpy("datetime64[us]").astype("datetime64[M]")
    return pd.Series(months.astype("datetime64[us]"), index=stamps.index)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.to_numpy(float)
    den = denominator.to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(np.where(den > 0, num / den, np.nan), index=numerator.index)
