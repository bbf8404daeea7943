"""The portfolio e-mail: every contract's overall status, worst first, with its reasons.

Internal: the portfolio is the agency's view of all its contracts (managers only).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.metrics import RAG_LABELS_FR
from tma_metrics.reports.texts.common import GREETING, count, mail, missing, section, signature

__all__ = ["TOPICS", "portfolio_text"]

#: Topics of the portfolio table, in its order (`views.portfolio.TOPICS`).
TOPICS = ("balance", "exhaustion", "expiry", "sla", "estimation")


def portfolio_text(table: pd.DataFrame, as_of: date, *, author: str | None = None) -> str:
    """Return the portfolio's e-mail, in French: one line per contract, worst first."""
    statuses = table["overall_status"].astype(object).tolist() if len(table) else []
    red, amber = statuses.count("rouge"), statuses.count("orange")
    summary = f"Voici l'état du portefeuille des contrats TMA au {fr.day(as_of)} : " + count(
        len(table), "contrat", feminine=False
    )
    if red or amber:
        parts = [
            count(red, "en rouge", "en rouge", feminine=False) if red else "",
            count(amber, "en orange", "en orange", feminine=False) if amber else "",
        ]
        summary += ", dont " + " et ".join(p for p in parts if p)
    lines = [_line(row) for row in table.to_dict("records")]
    return mail(
        f"Objet : Portefeuille des contrats TMA au {fr.day(as_of)}",
        GREETING,
        summary + ".",
        section("Contrats, du plus urgent au moins urgent", lines, "Aucun contrat."),
        "Le détail (soldes, échéances, SLA, devis) est dans le classeur joint.",
        signature(author),
    )


def _line(row: dict[str, object]) -> str:
    status = row.get("overall_status")
    word = RAG_LABELS_FR.get(str(status), "Non évalué") if not missing(status) else "Non évalué"
    reasons = [
        str(row[f"{topic}_reason"])
        for topic in TOPICS
        if row.get(f"{topic}_status") == status and not missing(row.get(f"{topic}_reason"))
    ]
    text = f"{row['name']} : {word}"
    return f"{text} — {' ; '.join(reasons)}" if reasons else text
