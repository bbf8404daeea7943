"""The Bilan e-mail gives one project-management share, the one recomputed by a loop."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.naive import views as naive
from tests.reports.conftest import NAMES
from tma_metrics.french import formats as fr
from tma_metrics.reports.texts import bilan_text
from tma_metrics.views.bilan import bilan_view

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def is_management(r: dict) -> bool:
    uid = r["ticket_uid"]
    return r["ticket_kind"] == "management" or uid is None or uid != uid  # no ticket: NaN


def management_share(entries) -> float:
    """Deducted hours of management (its tickets, or no ticket) / all deducted hours."""

    by = naive.hours_by(entries, *OCTOBER, key=is_management)
    return by.get(True, 0.0) / (by.get(True, 0.0) + by.get(False, 0.0))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "vide"])
def test_one_management_share_and_it_is_the_loop_s(current, name) -> None:
    now, _ = current[name]
    text = bilan_text(bilan_view(now, OCTOBER[0]))
    split = text[text.index("Répartition du mois") : text.index("Principales demandes")]
    mentions = re.findall(r"gestion de projet[^\n]*", split, flags=re.IGNORECASE)
    assert len(mentions) == 1, mentions
    shares = re.findall(r"(\d+)\u00a0%", mentions[0])
    assert shares[0] == fr.percent(management_share(now.entries)).split("\u00a0")[0]
