"""`figures_of` (engines run once per group of like contracts) equals `compute_figures`.

The demo's Gamma contract is cut into three contracts with the same settings, so they
share one engine run; their rows hold the cases the batch has to keep apart: an entry
both contracts have, an entry naming another contract's ticket, an entry naming no
known ticket, and periods of different lengths. Every figure of every contract must be
the one `compute_figures` gives for that contract alone.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tma_metrics.figures.batch import Rows, figures_of
from tma_metrics.figures.contract_figures import ContractFigures, compute_figures, moment
from tma_metrics.figures.periods import Period, default_period
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

from ..figures_fixtures import DEMO_AS_OF, NOW, _gamma_frames


def _same(a: object, b: object, where: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, obj=where)
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _assert_same_figures(batch: ContractFigures, alone: ContractFigures) -> None:
    for f in dataclasses.fields(ContractFigures):
        _same(getattr(batch, f.name), getattr(alone, f.name), f"{alone.name}.{f.name}")


@pytest.fixture(scope="module")
def split_gamma(tmp_path_factory) -> list[Rows]:
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
        if i == 1:
            # an entry contract 0 has too, one on a ticket of contract 2, one on no ticket
            shared = entries[entry_part == 0].iloc[[0]]
            foreign = entries[entry_part == 2].iloc[[0]].assign(uid="foreign")
            unknown = (
                entries[entry_part == 1]
                .iloc[[0]]
                .assign(uid="unknown", ticket_key="999999", ticket_uid="canonical:999999")
            )
            # an entry quoting a ticket no export holds (the store leaves its uid empty)
            quoted = (
                entries[entry_part == 1]
                .iloc[[1]]
                .assign(uid="quoted", ticket_key="ABC-77", ticket_uid=None)
            )
            e = pd.concat([e, shared, foreign, unknown, quoted], ignore_index=True)
            # a corrective ticket exported without its priority
            corrective = t.index[t["kind"].astype(str).str.contains("corr", case=False)]
            t.loc[corrective[0], "priority"] = None
        period = default_period(contract, DEMO_AS_OF)
        if i == 2:
            period = Period(as_of=DEMO_AS_OF, start=date(2026, 1, 1), end=DEMO_AS_OF)
        rows.append(Rows(contract, t, e, h, period))
    return rows


def test_the_three_contracts_share_one_engine_run(split_gamma: list[Rows]) -> None:
    from tma_metrics.figures.batch import _group_key

    at = moment(DEMO_AS_OF, NOW)
    assert len({_group_key(r, at) for r in split_gamma}) == 1


def test_batch_figures_equal_each_contract_alone(split_gamma: list[Rows]) -> None:
    at = moment(DEMO_AS_OF, NOW)
    batch = figures_of(split_gamma, at)
    assert [f.name for f in batch] == [r.contract.name for r in split_gamma]
    for r, figures in zip(split_gamma, batch, strict=True):
        alone = compute_figures(r.contract, r.tickets, r.entries, r.history, r.period, at)
        _assert_same_figures(figures, alone)
    # the cases are really there: contract 1 bills the shared and foreign entries too
    entries = batch[1].entries.set_index("entry_uid")
    assert entries.loc["unknown", "rule"] == "unknown_ticket"
    assert entries.loc["foreign", "rule"] == "unknown_ticket"
    assert entries.loc["quoted", "rule"] == "unknown_ticket"  # not transverse management
    (missing,) = [w for w in batch[1].warnings if "absente des exports" in w]
    assert missing.startswith("4 saisie(s) de temps visent une demande absente des exports (")
    assert "ABC-77" in missing and "999999" in missing and "canonical:" not in missing
    assert "1 demande(s) sans priorité dans l'export" in batch[1].warnings[0]
    assert batch[0].entries["entry_uid"].isin(entries.index).sum() == 1


def test_a_contract_with_other_settings_is_computed_alone(split_gamma: list[Rows]) -> None:
    at = moment(DEMO_AS_OF, NOW)
    other = dataclasses.replace(split_gamma[0].contract, name="Gamma marge 10 %", margin=0.10)
    rows = [*split_gamma, dataclasses.replace(split_gamma[0], contract=other)]
    batch = figures_of(rows, at)
    alone = compute_figures(
        other, rows[-1].tickets, rows[-1].entries, rows[-1].history, rows[-1].period, at
    )
    _assert_same_figures(batch[-1], alone)
    assert batch[-1].balance != batch[0].balance
