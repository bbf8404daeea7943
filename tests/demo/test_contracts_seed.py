"""The demo's contracts file follows the demo's end date; the first start writes it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tma_metrics.demo import DEFAULT_END
from tma_metrics.demo.contracts_seed import demo_contracts_text
from tma_metrics.demo.database import start_demo
from tma_metrics.domain.contracts.model import add_months, default_end
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope

ROOT = Path(__file__).resolve().parents[2]


def test_the_tracked_seed_is_the_rendering_at_the_default_end() -> None:
    seed = (ROOT / "data" / "contracts.toml").read_text(encoding="utf-8")
    assert seed == demo_contracts_text(DEFAULT_END)
    assert "20/11/2026" in seed


def month_start(day: date) -> date:
    return day.replace(day=1)


@pytest.mark.parametrize(
    "end",
    [date(2026, 11, 20), date(2026, 12, 6), date(2027, 3, 1), date(2027, 7, 31), date(2028, 2, 29)],
    ids=["default", "december", "first-of-month", "end-of-july", "leap-day"],
)
def test_carnets_are_dated_from_the_end(end: date) -> None:
    """Dates recomputed here from the story's rules (DOMAIN.md §1: end = start + 12 months)."""
    alpha, beta, gamma = parse_contracts(demo_contracts_text(end))
    first, second = alpha.carnets
    expected_first_end = add_months(month_start(add_months(end, -6)), 1) - timedelta(days=1)
    assert (first.start, first.end, first.days) == (add_months(end, -12), expected_first_end, 100)
    assert (second.start, second.end) == (
        expected_first_end + timedelta(days=1),
        default_end(second.start),
    )
    (b,) = beta.carnets
    assert (b.start, b.days) == (month_start(add_months(end, -10)), 170)
    (g,) = gamma.carnets
    assert (g.start, g.days) == (month_start(add_months(end, -9)), 130)
    assert f"fin des données :\n# {end:%d/%m/%Y}" in demo_contracts_text(end)


def test_first_start_writes_the_contracts_beside_the_database_once(tmp_path) -> None:
    store = Store(tmp_path / "fresh.duckdb")
    target = tmp_path / "fresh.contracts.toml"
    today = date(2027, 3, 15)
    reports = start_demo(store, target, today, folder=tmp_path / "exports")
    assert all(r.imported for r in reports)
    assert target.read_text(encoding="utf-8") == demo_contracts_text(date(2027, 3, 14))
    history = store.history(local_scope(()))
    assert len(history) == 4
    # nothing in the exports is later than the end (yesterday, 17:30)
    entries = store.cursor().execute("SELECT max(date) FROM time_entry").fetchall()[0][0]
    assert entries <= date(2027, 3, 14)
    store.close()


def test_first_start_never_replaces_the_users_contracts(tmp_path) -> None:
    store = Store(tmp_path / "fresh.duckdb")
    target = tmp_path / "mine.toml"
    target.write_text("# mes contrats\n", encoding="utf-8")
    start_demo(store, target, date(2027, 3, 15), folder=tmp_path / "exports")
    assert target.read_text(encoding="utf-8") == "# mes contrats\n"
    store.close()
