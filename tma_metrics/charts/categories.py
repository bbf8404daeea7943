"""Order, French label and colour of the ticket kinds and severities the charts group by."""

from __future__ import annotations

import pandas as pd

from tma_metrics.charts.style import GREY, KIND_COLORS, SEVERITY_COLORS
from tma_metrics.domain.model import Kind, Severity
from tma_metrics.french.labels import KIND_LABELS_FR, SEVERITY_LABELS_FR

__all__ = [
    "UNKNOWN_SEVERITY",
    "UNKNOWN_SEVERITY_FR",
    "kind_color",
    "kind_label",
    "kind_order",
    "severity_color",
    "severity_label",
    "severity_order",
]

#: Group code of tickets without a severity (an unmapped priority), and its label.
UNKNOWN_SEVERITY = "unknown"
UNKNOWN_SEVERITY_FR = "Sévérité inconnue"


def _order(values: pd.Series, catalog: list[str]) -> list[str]:
    """Codes present in ``values``: the catalogue's order first, unknown codes after (A–Z)."""
    present = set(values.dropna().astype(str))
    known = [code for code in catalog if code in present]
    return known + sorted(present - set(known))


def kind_order(values: pd.Series) -> list[str]:
    """Ticket kinds present, in `model.Kind`'s order (corrective first)."""
    return _order(values, [k.value for k in Kind])


def severity_order(values: pd.Series) -> list[str]:
    """Severities present, blocking first."""
    return _order(values, [s.value for s in Severity])


def kind_label(code: str) -> str:
    return KIND_LABELS_FR.get(code, code)


def severity_label(code: str) -> str:
    if code == UNKNOWN_SEVERITY:
        return UNKNOWN_SEVERITY_FR
    return SEVERITY_LABELS_FR.get(code, code)


def kind_color(code: str) -> str:
    return KIND_COLORS.get(code, GREY)


def severity_color(code: str) -> str:
    return SEVERITY_COLORS.get(code, GREY)
