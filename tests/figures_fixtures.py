"""Build real ContractFigures from the demo data, for tests of views, charts and texts.

The demo generator writes the native exports; this module reads Gamma's canonical
workbook with pandas (a second, independent reading path from the importers') and runs
the engines through `compute_figures`, as the app does.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd

from tma_metrics.figures.contract_figures import ContractFigures, compute_figures, moment
from tma_metrics.figures.periods import Period, default_period
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

DEMO_AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 22, 10, 0)


@cache
def _gamma_frames(folder: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from tma_metrics.demo import write_demo_exports

    paths = {p.name: p for p in write_demo_exports(Path(folder))}
    book = pd.ExcelFile(paths["gamma-canonique.xlsx"], engine="openpyxl")
    tickets = pd.read_excel(book, "Demandes")
    entries = pd.read_excel(book, "Temps passé", header=2)
    history = pd.read_excel(book, "Historique")
    tickets["key"] = tickets["key"].astype(str)
    tickets["source"] = "canonical"
    tickets["uid"] = "canonical:" + tickets["key"]
    entries = entries.rename(columns={"ticket": "ticket_key"})
    entries["ticket_key"] = entries["ticket_key"].astype("string")
    entries["ticket_uid"] = ("canonical:" + entries["ticket_key"]).astype("string")
    entries["uid"] = [f"e{i}" for i in range(len(entries))]
    history = history.rename(columns={"ticket": "ticket_key"})
    history["ticket_key"] = history["ticket_key"].astype(str)
    history["source"] = "canonical"
    return tickets, entries, history


def gamma_figures(
    tmp_folder: Path, as_of: date = DEMO_AS_OF, period: Period | None = None
) -> ContractFigures:
    """Figures of the demo's Gamma contract (canonical spreadsheet, 24/7 bloquante)."""
    (contract,) = [c for c in load_contracts(DEFAULT_CONTRACTS) if "Gâtine" in c.name]
    tickets, entries, history = _gamma_frames(str(tmp_folder))
    return compute_figures(
        contract,
        tickets,
        entries,
        history,
        period or default_period(contract, as_of),
        moment(as_of, NOW),
    )


def gamma_frames(tmp_folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Copies of Gamma's tickets, time entries and status history (to edit in a test)."""
    tickets, entries, history = _gamma_frames(str(tmp_folder))
    return tickets.copy(), entries.copy(), history.copy()
