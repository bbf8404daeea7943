"""Seeded demo data: three fictional TMA clients exported in their tools' native formats.

`write_demo_exports` writes what an agency would download from its tools at the end of
a year of TMA: a French Redmine (issues and spent time), a Jira Cloud export (English
UI, worklogs inside) and a hand-filled canonical spreadsheet. The story each file
tells (carnets, alerts, SLA breaches, overruns) is described in `scenario` and in
``data/contracts.toml``. Same seed and end date give byte-identical files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from tma_metrics.demo.canonical import write_canonical
from tma_metrics.demo.dataset import Dataset, build
from tma_metrics.demo.jira import write_jira
from tma_metrics.demo.redmine import write_redmine
from tma_metrics.demo.scenario import stories

DEFAULT_SEED = 2026
DEFAULT_END = date(2026, 11, 20)


def build_datasets(seed: int = DEFAULT_SEED, end: date = DEFAULT_END) -> tuple[Dataset, ...]:
    """Invent the three clients' tool-neutral data (tickets and time entries)."""
    return tuple(build(story, seed, i) for i, story in enumerate(stories(end)))


def write_demo_exports(
    folder: Path, *, seed: int = DEFAULT_SEED, end: date = DEFAULT_END
) -> list[Path]:
    """Write the demo exports into ``folder`` (overwriting) and return them in import order.

    Tickets come before the time entries that point at them: Redmine issues, Redmine
    spent time, the Jira export (issues with their worklogs), the canonical workbook.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    alpha, beta, gamma = build_datasets(seed, end)
    return [
        *write_redmine(alpha, folder),
        *write_jira(beta, folder, np.random.default_rng([seed, 101])),
        *write_canonical(gamma, folder, np.random.default_rng([seed, 102])),
    ]


__all__ = ["DEFAULT_END", "DEFAULT_SEED", "build_datasets", "write_demo_exports"]
