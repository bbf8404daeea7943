"""Ready-to-send French e-mails: Point TMA, Bilan mensuel, Copil, portfolio."""

from __future__ import annotations

from tma_metrics.reports.texts.bilan import bilan_text
from tma_metrics.reports.texts.copil import copil_text
from tma_metrics.reports.texts.point import point_text
from tma_metrics.reports.texts.portfolio import portfolio_text

__all__ = ["bilan_text", "copil_text", "point_text", "portfolio_text"]
