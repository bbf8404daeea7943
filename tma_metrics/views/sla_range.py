"""How every page, chart, export and e-mail writes an SLA compliance: one wording.

A compliance is written (`ComplianceRange.text`):

- « non mesurable » when no clock is met or breached (« — » when none applies);
- « 87 % » when every clock whose deadline has come is measured;
- « entre 45 % et 100 % » when ``u`` of them are not measurable: from every unknown
  breached to every unknown met (`compliance.compliance`'s ``compliance_low`` and
  ``compliance_high``). The low end is rounded down and the high end up, so that the
  range always holds the truth; a bare « 0 % » or « 100 % » never rests on unknowns.

`ComplianceRange.detail` adds the coverage and the action that would close the gap
(« synchronisez l'historique des statuts », « ajoutez la colonne … à l'export »).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tma_metrics.domain.sla.compliance import ComplianceSummary
from tma_metrics.domain.sla.notes import gap_text
from tma_metrics.french import formats as fr

__all__ = [
    "NOT_MEASURABLE_FR",
    "ComplianceRange",
    "compliance_text",
    "percent_down",
    "percent_up",
    "row_text",
]

NOT_MEASURABLE_FR = "non mesurable"


@dataclass(frozen=True)
class ComplianceRange:
    """The counts behind one compliance figure, and its French wording."""

    met: int
    breached: int
    unknown: int  # applicable clocks not measurable (the range's u)
    measurable: int
    applicable: int
    gap: str | None = None  # what would measure the unknowns (`sla_notes.gap_text`)

    @classmethod
    def of(cls, summary: ComplianceSummary) -> ComplianceRange:
        """Read a `compliance.summarise` result."""
        return cls(
            summary.met,
            summary.breached,
            summary.unknown,
            summary.measurable,
            summary.applicable,
            summary.gap,
        )

    @classmethod
    def of_row(cls, row: Any, gap: str | None = None) -> ComplianceRange:
        """Read a row of a `compliance.compliance` table (attributes or keys)."""

        def value(name: str) -> int:
            found = row[name] if isinstance(row, dict) else getattr(row, name)
            return 0 if found is None or found != found else int(found)

        return cls(
            value("met"),
            value("breached"),
            value("not_measurable"),
            value("measurable"),
            value("applicable"),
            gap,
        )

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def measured(self) -> bool:
        """Some clock is met or breached: a rate can be given."""
        return self.decided > 0

    @property
    def is_range(self) -> bool:
        return self.measured and self.unknown > 0

    @property
    def compliance(self) -> float:
        return self.met / self.decided if self.decided else math.nan

    @property
    def low(self) -> float:
        """Every unknown breached (the figure a RAG status reads)."""
        span = self.decided + self.unknown
        return self.met / span if span else math.nan

    @property
    def high(self) -> float:
        """Every unknown met."""
        span = self.decided + self.unknown
        return (self.met + self.unknown) / span if span else math.nan

    @property
    def coverage(self) -> float:
        return self.measurable / self.applicable if self.applicable else math.nan

    def text(self) -> str:
        """« non mesurable », « 87 % » or « entre 45 % et 100 % » (module rules).

        « — » when no clock applies at all (nothing to measure).
        """
        if not self.applicable:
            return fr.MISSING
        if not self.measured:
            return NOT_MEASURABLE_FR
        if not self.unknown:
            return fr.percent(self.compliance)
        return f"entre {percent_down(self.low)} et {percent_up(self.high)}"

    def short_text(self) -> str:
        """A range written compactly for a narrow place (« 45 à 100 % »); else `text`."""
        if self.measured and self.unknown:
            return f"{percent_down(self.low)[:-2]} à {percent_up(self.high)}"
        return self.text()

    def coverage_text(self) -> str:
        """« couverture 60 % (12/20) »."""
        if not self.applicable:
            return "aucun délai applicable"
        return (
            f"couverture {fr.percent(self.coverage)} "
            f"({fr.number(self.measurable, 0)}/{fr.number(self.applicable, 0)})"
        )

    def action(self) -> str:
        """What would measure the unknowns: « 8 délais non mesurables : synchronisez … »."""
        if not self.unknown:
            return ""
        what = f"{self.unknown} délai{'s' if self.unknown > 1 else ''} non mesurable"
        what += "s" if self.unknown > 1 else ""
        todo = gap_text(self.gap)
        return f"{what} : {todo}" if todo else what

    def detail(self) -> str:
        """Coverage, then the action when some clocks are not measurable."""
        action = self.action()
        return f"{self.coverage_text()} ; {action}" if action else self.coverage_text()

    def sentence(self) -> str:
        """« entre 45 % et 100 % des délais respectés (couverture …) » for e-mails."""
        if not self.measured:
            if not self.applicable:
                return "aucun délai applicable"
            return f"non mesurable ({self.detail()})"
        return f"{self.text()} des délais respectés ({self.detail()})"


def percent_down(fraction: float) -> str:
    """Write a fraction as a whole percentage rounded down: ``0.459`` → ``45 %``."""
    return fr.percent(math.floor(round(100 * fraction, 9)) / 100)


def percent_up(fraction: float) -> str:
    """Write a fraction as a whole percentage rounded up: ``0.451`` → ``46 %``."""
    return fr.percent(math.ceil(round(100 * fraction, 9)) / 100)


def compliance_text(summary: ComplianceSummary) -> str:
    """`ComplianceRange.text` of a summary."""
    return ComplianceRange.of(summary).text()


def row_text(row: Any) -> str:
    """`ComplianceRange.text` of a compliance table row."""
    return ComplianceRange.of_row(row).text()
