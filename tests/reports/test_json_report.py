"""`report --json` on the demo database agrees with naive recomputations from the raw files.

The demo exports go through the real import path into a DuckDB file; the report runs
through the CLI. The expected figures are recomputed a second way: the exported files
read with plain csv / openpyxl, the estimate guarantee applied in a plain loop, business
minutes counted window by window (tests/naive.py).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.conftest import DEMO_AS_OF as AS_OF
from tests.naive.core import naive_minutes, naive_open
from tests.naive.demo import consumed, deducted_by_day, en_stamp, jira, jira_values, load
from tma_metrics.cli import main
from tma_metrics.domain.contracts.model import allowance_minutes
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts, local_scope

CODES = {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"}


@pytest.fixture(scope="module")
def report(demo, capsys_module):
    db, _ = demo
    code = main(["report", "--db", str(db), "--as-of", AS_OF.isoformat(), "--json"])
    assert code == 0
    return {c["name"].split(" - ")[0].lower(): c for c in json.loads(capsys_module())}


@pytest.fixture(scope="module")
def capsys_module():
    """Capture stdout for a module-scoped fixture (pytest's capsys is function-scoped)."""
    import contextlib
    import io

    buffer = io.StringIO()
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(buffer))

    def read() -> str:
        stack.close()
        return buffer.getvalue()

    return read


@pytest.fixture(scope="module")
def contracts():
    return {c.name.split(" - ")[0].lower(): c for c in load_contracts(DEFAULT_CONTRACTS)}


@pytest.mark.parametrize("code", list(CODES))
def test_consumption_figures_match_a_naive_reading(demo, report, contracts, code) -> None:
    _, folder = demo
    contract = contracts[code]
    tickets, entries = load(folder, code)
    per_day = deducted_by_day(tickets, entries)
    carnets = contract.carnets
    current = contract.carnet_on(AS_OF)
    carried = 0.0
    for previous in carnets:
        if previous.start >= current.start:
            break
        last = min(previous.end, current.start - timedelta(days=1))
        carried = previous.days + carried - consumed(per_day, previous.start, last)
    used = consumed(per_day, current.start, AS_OF)
    spent = sum(h for d, _, h in entries if current.start <= d <= AS_OF)
    got = report[code]
    assert got["consumed_days"] == pytest.approx(used)
    assert got["carried_over_days"] == pytest.approx(carried)
    assert got["remaining_days"] == pytest.approx(current.days + carried - used)
    assert got["spent_hours"] == pytest.approx(spent)
    assert got["deducted_hours"] == pytest.approx(used * contract.hours_per_day)
    assert got["absorbed_hours"] == pytest.approx(spent - used * contract.hours_per_day)
    assert got["low_balance"] == (got["remaining_days"] < contract.alert_days)


@pytest.mark.parametrize("code", list(CODES))
def test_burn_rate_matches_the_last_three_full_months(demo, report, contracts, code) -> None:
    _, folder = demo
    tickets, entries = load(folder, code)
    per_day = deducted_by_day(tickets, entries)
    month = AS_OF.replace(day=1)
    first = (month - timedelta(days=80)).replace(day=1)
    expected = consumed(per_day, first, month - timedelta(days=1)) / 3
    assert report[code]["burn_rate_days_per_month"] == pytest.approx(expected)
    remaining = report[code]["remaining_days"]
    days = -(-remaining / expected * 30.4375 // 1)  # ceil
    assert (
        report[code]["forecast_exhaustion_date"] == (AS_OF + timedelta(days=int(days))).isoformat()
    )


def _beta_resolved(folder) -> list[dict]:
    header, rows = jira(folder / "jira-beta.csv")
    out = []
    for row in rows:
        get = {h: jira_values(header, row, h)[0] for h in header}
        out.append(
            {
                "key": get["Issue key"],
                "type": get["Issue Type"],
                "priority": get["Priority"],
                "status": get["Status"],
                "resolution": get["Resolution"],
                "created": en_stamp(get["Created"]),
                "resolved": en_stamp(get["Resolved"]) if get["Resolved"] else None,
                "estimate": int(get["Original estimate"]) / 3600
                if get["Original estimate"]
                else None,
            }
        )
    return out


def _naive_deadline(spec, start: datetime, minutes: float) -> datetime:
    """Walk open windows from ``start`` until ``minutes`` business minutes have passed."""
    left = minutes
    day = start.date()
    while True:
        if naive_open(spec, day):
            midnight = datetime(day.year, day.month, day.day)
            for w_start, w_end in spec.windows:
                lo = max(start, midnight + timedelta(minutes=w_start))
                hi = midnight + timedelta(minutes=w_end)
                if hi > lo:
                    span = (hi - lo).total_seconds() / 60
                    if span >= left:
                        return lo + timedelta(minutes=left)
                    left -= span
        day += timedelta(days=1)


def test_beta_resolution_sla_matches_a_naive_business_clock(demo, report, contracts) -> None:
    """Jira has Created and Resolved but no history: resolution SLA, counted by hand."""
    _, folder = demo
    contract = contracts["beta"]
    period_start = contract.carnet_on(AS_OF).start
    at = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 23, 59, 59, 999999)
    counts: dict[str, dict[str, int]] = {}
    for t in _beta_resolved(folder):
        if contract.kind_of(t["type"]) != "corrective" or t["created"] > at:
            continue
        severity = contract.severity_of(t["priority"])
        target = contract.sla_target(severity, "resolution") if severity else None
        rejected = t["resolution"] in contract.rejected_labels or t["status"] in (
            contract.rejected_labels
        )
        if target is None or target.allowance is None or rejected:
            continue
        spec = target.calendar or contract.calendar
        allowance = allowance_minutes(target.allowance, spec.day_minutes)
        row = counts.setdefault(severity, {"met": 0, "breached": 0})
        if t["resolved"] is not None and t["resolved"] <= at:
            if period_start <= t["resolved"].date() <= AS_OF:
                elapsed = naive_minutes(spec, t["created"], t["resolved"])
                row["met" if elapsed <= allowance else "breached"] += 1
        else:
            deadline = _naive_deadline(spec, t["created"], allowance)
            if deadline < at and period_start <= deadline.date() <= AS_OF:
                row["breached"] += 1
    assert counts, "the demo has corrective tickets with an SLA"
    for severity, expected in counts.items():
        got = report["beta"]["sla"][severity]["resolution"]
        assert (got["met"], got["breached"]) == (expected["met"], expected["breached"]), severity
        decided = expected["met"] + expected["breached"]
        if decided:
            assert got["compliance"] == pytest.approx(expected["met"] / decided, abs=1e-6)


def test_beta_estimation_accuracy_matches_a_naive_count(demo, report, contracts) -> None:
    _, folder = demo
    contract = contracts["beta"]
    period_start = contract.carnet_on(AS_OF).start
    _, entries = load(folder, "beta")
    spent: dict[str, float] = {}
    for day, key, hours in entries:
        if day <= AS_OF:
            spent[key] = spent.get(key, 0.0) + hours
    within = total = 0
    for t in _beta_resolved(folder):
        if not t["estimate"] or t["resolved"] is None or t["key"] not in spent:
            continue
        if not period_start <= t["resolved"].date() <= AS_OF:
            continue
        total += 1
        within += spent[t["key"]] <= (1 + contract.margin) * t["estimate"]
    got = report["beta"]["estimation"]
    assert got["tickets"] == total
    assert got["within_guarantee_rate"] == pytest.approx(within / total, abs=1e-6)


def test_importing_the_demo_twice_leaves_the_same_counts(demo, tmp_path) -> None:
    db, folder = demo
    copy = tmp_path / "twice.duckdb"
    copy.write_bytes(db.read_bytes())
    store = Store(copy)
    before = store.counts()
    scope = local_scope()
    reports = [store.import_file(p, p.name, scope=scope) for p in sorted(folder.iterdir())]
    assert store.counts() == before
    assert all(r.added == 0 and r.updated == 0 for r in reports)
    assert all(r.previous_batch is not None for r in reports)
    # undo of the second round restores exactly the first state
    for r in reports:
        store.undo(r.batch_id, scope)
    assert store.counts() == before
    store.close()
