"""`sla_groups` (SLA engines run once per group of like contracts) equals `compute_figures`.

The demo's Gamma contract is cut into three contracts with the same settings, so they
share one engine run; periods of different lengths. Every SLA figure of every contract
must be the one `compute_figures` gives for that contract alone. (The money figures of
many contracts come from the derived tables: `test_summaries.py`.)
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tma_metrics.figures.batch import TicketRows, sla_groups
from tma_metrics.figures.contract_figures import compute_figures, moment
from tma_metrics.figures.periods import Period, default_period
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

from ..figures_fixtures import DEMO_AS_OF, NOW, _gamma_frames


@pytest.fixture(scope="module")
def split_gamma(tmp_path_factory) -> list[tuple[TicketRows, pd.DataFrame]]:
    (gamma,) = [c for c in load_contracts(DEFAULT_CONTRACTS) if "Gâtine" in c.name]
    tickets, entries, history = _gamma_frames(str(tmp_path_factory.mktemp("demo")))
    part = np.arange(len(tickets)) % 3
    owner = dict(zip(tickets["uid"], part, strict=True))
    entry_part = entries["ticket_uid"].map(owner).fillna(0).astype(int).to_numpy()
    rows = []
    for i in range(3):
        contract = dataclasses.replace(gamma, name=f"Gamma {i}")
        t = tickets[part == i].reset_index(drop=True)
        e = entries[entry_part == i].reset_index(drop=True)
        h = history[history["ticket_key"].isin(set(t["key"]))].reset_index(drop=True)
        if i == 1:  # a corrective ticket exported without its priority
            corrective = t.index[t["kind"].astype(str).str.contains("corr", case=False)]
            t.loc[corrective[0], "priority"] = None
        period = default_period(contract, DEMO_AS_OF)
        if i == 2:
            period = Period(as_of=DEMO_AS_OF, start=date(2026, 1, 1), end=DEMO_AS_OF)
        rows.append((TicketRows(contract, t, h, period), e))
    return rows


def test_the_three_contracts_share_one_engine_run(split_gamma) -> None:
    groups = sla_groups([r for r, _ in split_gamma], moment(DEMO_AS_OF, NOW))
    assert [g.members for g in groups] == [[0, 1, 2]]


def test_group_sla_figures_equal_each_contract_alone(split_gamma) -> None:
    at = moment(DEMO_AS_OF, NOW)
    (group,) = sla_groups([r for r, _ in split_gamma], at)
    for i, (r, entries) in enumerate(split_gamma):
        alone = compute_figures(r.contract, r.tickets, entries, r.history, r.period, at)
        prepared = group.prepared[group.owner == i].reset_index(drop=True)
        pd.testing.assert_frame_equal(prepared, alone.prepared.reset_index(drop=True))
        pd.testing.assert_frame_equal(group.outcomes[i], alone.outcomes)
        pd.testing.assert_frame_equal(
            group.outcomes[i][group.in_period[i]], alone.sla_period, check_index_type=False
        )
        assert group.sla_summary[i] == alone.sla_summary or _both_nan(
            group.sla_summary[i], alone.sla_summary
        )
    assert group.sla_summary[1].applicable > 0


def _both_nan(a: object, b: object) -> bool:
    return dataclasses.asdict(a).keys() == dataclasses.asdict(b).keys() and all(
        x == y or (x != x and y != y)
        for x, y in zip(dataclasses.asdict(a).values(), dataclasses.asdict(b).values(), strict=True)
    )
