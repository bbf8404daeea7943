"""Small builders of canonical tickets and status histories for the SLA tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.domain.model import conform

#: Mon 23/11/2026 is a Monday; Wed 11/11/2026 is a public holiday.
T = pd.Timestamp


def contract(extra: str = "") -> Contract:
    """Return a forfait contract (no carnet needed) with the default SLA matrix + ``extra``."""
    text = '[[contract]]\nname = "Test"\nprojects = ["P"]\nmodel = "forfait"\n' + extra
    return parse_contracts(text)[0]


def tickets(*rows: dict[str, Any]) -> pd.DataFrame:
    """Return canonical tickets; each row defaults to an open corrective ticket."""
    defaults = {"source": "redmine", "tracker": "Anomalie", "priority": "Haut"}
    filled = []
    for i, row in enumerate(rows, 1):
        values = {**defaults, "key": str(i), **row}
        for column in list(values):
            if column.endswith("_at") and values[column] is not None:
                values[column] = T(values[column])
        filled.append(values)
    return conform(pd.DataFrame(filled), "tickets")


def history(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Return a canonical status history from (ticket key, timestamp, status) triples."""
    frame = pd.DataFrame(
        [{"source": "redmine", "ticket_key": k, "at": T(at), "status": s} for k, at, s in rows]
    )
    return conform(frame, "status_history")
