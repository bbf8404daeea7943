"""Carnet consumption (DOMAIN.md §1): carry-over, balance, burn rate, forecast, months."""

from __future__ import annotations

import doctest
import math
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from tests.naive.money import (
    HOURS_PER_DAY,
    MARGIN,
    entries_frame,
    naive_deduct,
    naive_effective_estimate,
    naive_ticket_rule,
    random_dataset,
    tickets_frame,
)
from tma_metrics.domain.carnet import forecast
from tma_metrics.domain.carnet.billing import deduct, ticket_billing
from tma_metrics.domain.carnet.consumption import (
    balance,
    burn_up,
    commitments,
    contract_burn,
    monthly,
)
from tma_metrics.domain.carnet.forecast import AVERAGE_MONTH_DAYS
from tma_metrics.domain.carnet.ledger import HISTORY_COLUMNS, carnet_history, out_of_carnet
from tma_metrics.domain.contracts.model import Carnet, Contract, default_end


def carnet(start: str, days: float, end: str | None = None) -> Carnet:
    first = date.fromisoformat(start)
    return Carnet(first, date.fromisoformat(end) if end else default_end(first), days)


def contract(*carnets: Carnet, model: str = "carnet", **options: object) -> Contract:
    return Contract(name="Client", projects=("P",), carnets=carnets, model=model, **options)


def rows(*items: tuple) -> pd.DataFrame:
    """Deducted entries from (day, hours[, deducted[, kind[, ticket_uid]]])."""
    records = []
    for item in items:
        day, hours = item[:2]
        deducted = item[2] if len(item) > 2 and item[2] is not None else hours
        kind = item[3] if len(item) > 3 else "corrective"
        ticket = item[4] if len(item) > 4 else "T1"
        records.append((pd.Timestamp(day), float(hours), float(deducted), kind, ticket))
    frame = pd.DataFrame(
        records, columns=["date", "hours", "deducted_hours", "ticket_kind", "ticket_uid"]
    )
    return frame.astype({"date": "datetime64[us]", "ticket_kind": "str", "ticket_uid": "str"})


TWO_CARNETS = contract(carnet("2025-01-01", 20), carnet("2026-01-01", 30))


# ---- carnets: periods, carry-over, which carnet -----------------------------------------


@pytest.mark.parametrize(
    ("consumed_days", "carried"),
    [
        pytest.param(12, 8, id="unused-8-days-carried"),
        pytest.param(20, 0, id="all-used-nothing-carried"),
        pytest.param(23, -3, id="overrun-deficit-carried"),
    ],
)
def test_unused_days_of_first_carnet_carried_over_to_second(
    consumed_days: float, carried: float
) -> None:
    deducted = rows(("2025-06-10", consumed_days * 8), ("2026-01-15", 8))
    history = carnet_history(TWO_CARNETS, deducted, date(2026, 2, 1))
    assert tuple(history.columns) == HISTORY_COLUMNS
    assert history["consumed_days"].tolist() == [consumed_days, 1]
    assert history["carried_over_days"].tolist() == [0, carried]
    assert history["remaining_days"].tolist() == [20 - consumed_days, 30 + carried - 1]
    assert history["status"].tolist() == ["past", "current"]
    current = balance(TWO_CARNETS, deducted, None, date(2026, 2, 1))
    assert current.carried_over_days == carried
    assert current.remaining_days == 30 + carried - 1


@pytest.mark.parametrize(
    ("day", "consumed"),
    [
        pytest.param("2025-12-31", [1, 0], id="last-day-of-carnet-1"),
        pytest.param("2026-01-01", [0, 1], id="first-day-of-carnet-2"),
    ],
)
def test_each_deducted_hour_goes_to_the_carnet_valid_on_its_date(
    day: str, consumed: list[float]
) -> None:
    history = carnet_history(TWO_CARNETS, rows((day, 8)), date(2026, 3, 1))
    assert history["consumed_days"].tolist() == consumed


def test_renewal_starting_early_closes_the_previous_carnet_the_day_before() -> None:
    c = contract(carnet("2025-01-01", 20, "2025-12-31"), carnet("2025-10-01", 30))
    history = carnet_history(c, rows(("2025-09-30", 8), ("2025-10-01", 16)), date(2025, 11, 1))
    assert history["end"].dt.date.tolist() == [date(2025, 9, 30), date(2026, 9, 30)]
    assert history["declared_end"].dt.date.tolist()[0] == date(2025, 12, 31)
    assert history["consumed_days"].tolist() == [1, 2]
    assert history["carried_over_days"].tolist() == [0, 19]


@pytest.mark.parametrize(
    ("day", "outside"),
    [
        pytest.param("2024-12-31", True, id="before-first-carnet"),
        pytest.param("2025-07-15", True, id="in-gap-between-carnets"),
        pytest.param("2025-06-30", False, id="last-day-before-gap"),
        pytest.param("2025-09-01", False, id="first-day-after-gap"),
        pytest.param("2026-09-01", True, id="after-last-carnet"),
    ],
)
def test_entries_outside_every_carnet_are_reported(day: str, outside: bool) -> None:
    c = contract(carnet("2025-01-01", 20, "2025-06-30"), carnet("2025-09-01", 30, "2026-08-31"))
    deducted = rows((day, 4, 3))
    report = out_of_carnet(c, deducted, date(2026, 12, 31))
    assert report.entries == int(outside)
    assert report.spent_hours == (4 if outside else 0)
    assert report.deducted_hours == (3 if outside else 0)
    assert report.first_date == (date.fromisoformat(day) if outside else None)
    history = carnet_history(c, deducted, date(2026, 12, 31))
    assert history["deducted_hours"].sum() == (0 if outside else 3)


def test_entries_after_as_of_are_ignored() -> None:
    deducted = rows(("2026-01-10", 8), ("2026-01-11", 8), ("2026-01-12", 8))
    current = balance(TWO_CARNETS, deducted, None, date(2026, 1, 11))
    assert current.consumed_days == 2
    assert monthly(TWO_CARNETS, deducted, date(2026, 1, 11))["deducted_hours"].sum() == 16


def test_future_carnet_carries_the_provisional_balance() -> None:
    history = carnet_history(TWO_CARNETS, rows(("2025-03-01", 40)), date(2025, 6, 1))
    assert history["status"].tolist() == ["current", "future"]
    assert history["carried_over_days"].tolist() == [0, 15]


@pytest.mark.parametrize(
    ("as_of", "expected_index"),
    [
        pytest.param(date(2024, 12, 31), None, id="before-first-carnet"),
        pytest.param(date(2025, 1, 1), 0, id="first-day"),
        pytest.param(date(2026, 1, 1), 1, id="renewal-day"),
        pytest.param(date(2027, 1, 1), None, id="after-last-carnet"),
    ],
)
def test_balance_is_for_the_carnet_valid_on_as_of(as_of: date, expected_index: int | None) -> None:
    current = balance(TWO_CARNETS, rows(("2025-02-01", 8)), None, as_of)
    assert current.carnet_index == expected_index
    assert (current.remaining_days is None) == (expected_index is None)


# ---- balance: alerts, burn, forecast ----------------------------------------------------


@pytest.mark.parametrize(
    ("consumed_days", "low"),
    [
        pytest.param(6.5, True, id="remaining-3.5-under-4"),
        pytest.param(6, False, id="remaining-4-not-under-4"),
        pytest.param(2, False, id="remaining-8"),
        pytest.param(12, True, id="overrun"),
    ],
)
def test_low_balance_under_alert_days(consumed_days: float, low: bool) -> None:
    c = contract(carnet("2026-01-01", 10), alert_days=4.0)
    current = balance(c, rows(("2026-01-05", consumed_days * 8)), None, date(2026, 2, 1))
    assert current.remaining_days == 10 - consumed_days
    assert current.low_balance is low


MONTHLY_8_DAYS = rows(("2026-01-12", 64), ("2026-02-09", 64), ("2026-03-16", 64))


@pytest.mark.parametrize(
    ("end", "exhausts_before_end"),
    [
        pytest.param("2026-12-31", True, id="runs-out-before-expiry"),
        pytest.param("2026-06-15", True, id="runs-out-on-expiry-day"),
        pytest.param("2026-05-31", False, id="expires-first"),
    ],
)
def test_forecast_exhaustion_with_constant_burn(end: str, exhausts_before_end: bool) -> None:
    # 40 days, 8 days a month for 3 months: 16 left, 2 months of burn from 15/04.
    c = contract(carnet("2026-01-01", 40, end))
    as_of = date(2026, 4, 15)
    current = balance(c, MONTHLY_8_DAYS, None, as_of)
    assert current.remaining_days == 16
    assert current.burn_rate_days_per_month == 8
    # 2 average months = 60.875 days; the 61st day is the first to reach the balance.
    assert current.forecast_exhaustion_date == date(2026, 6, 15)
    assert current.forecast_early == current.forecast_late == date(2026, 6, 15)
    assert current.exhausted is False
    assert current.exhausts_before_end is exhausts_before_end
    days_left = (date.fromisoformat(end) - as_of).days
    assert current.days_left_in_carnet == days_left
    assert current.likely_unused_days == pytest.approx(
        max(0.0, 16 - 8 * days_left / AVERAGE_MONTH_DAYS)
    )


def test_forecast_range_from_monthly_spread() -> None:
    c = contract(carnet("2026-01-01", 40))
    deducted = rows(("2026-01-12", 32), ("2026-02-09", 64), ("2026-03-16", 96))  # 4, 8, 12
    current = balance(c, deducted, None, date(2026, 4, 1))
    assert current.burn_rate_days_per_month == 8
    assert current.remaining_days == 16
    days = {rate: math.ceil(16 / rate * AVERAGE_MONTH_DAYS) for rate in (4, 8, 12)}
    assert current.forecast_exhaustion_date == date(2026, 4, 1) + timedelta(days=days[8])
    assert current.forecast_early == date(2026, 4, 1) + timedelta(days=days[12])
    assert current.forecast_late == date(2026, 4, 1) + timedelta(days=days[4])


DEC_TO_APR = rows(
    ("2025-12-10", 100),
    ("2026-01-10", 16),
    ("2026-02-10", 32),
    ("2026-03-10", 48),
    ("2026-04-02", 80),
)


@pytest.mark.parametrize(
    ("first_carnet", "as_of", "months", "rate", "low", "high"),
    [
        pytest.param("2025-01-01", "2026-04-10", 3, 4.0, 2.0, 6.0, id="exactly-3-full-months"),
        pytest.param("2025-01-01", "2026-04-30", 3, 4.0, 2.0, 6.0, id="as-of-month-never-full"),
        pytest.param(
            "2025-01-01", "2026-03-31", 3, (12.5 + 2 + 4) / 3, 2.0, 12.5, id="dec-jan-feb"
        ),
        pytest.param("2026-01-15", "2026-04-10", 2, 5.0, 4.0, 6.0, id="only-2-full-months"),
    ],
)
def test_burn_rate_over_last_full_months(
    first_carnet: str, as_of: str, months: int, rate: float, low: float, high: float
) -> None:
    c = contract(carnet(first_carnet, 100))
    deducted = DEC_TO_APR[DEC_TO_APR["date"] >= pd.Timestamp(first_carnet)]
    burn = contract_burn(c, deducted, date.fromisoformat(as_of))
    assert burn.months == months
    assert burn.rate_days_per_month == pytest.approx(rate)
    assert (burn.min_days_per_month, burn.max_days_per_month) == pytest.approx((low, high))


def test_burn_without_a_full_month_is_prorated_since_start() -> None:
    c = contract(carnet("2026-03-10", 100))
    deducted = rows(("2026-03-20", 16), ("2026-04-02", 8))
    burn = contract_burn(c, deducted, date(2026, 4, 5))
    assert burn.months == 0
    assert burn.rate_days_per_month == pytest.approx(3 / 27 * AVERAGE_MONTH_DAYS)


def test_no_history_no_burn_no_forecast() -> None:
    c = contract(carnet("2026-04-01", 10))
    current = balance(c, rows(), None, date(2026, 4, 1))
    assert current.remaining_days == 10
    assert current.burn_rate_days_per_month == 0  # a month-old history: prorated 0
    assert current.forecast_exhaustion_date is None
    assert current.exhausts_before_end is False
    assert contract_burn(c, rows(), date(2026, 3, 1)).rate_days_per_month is None


def test_already_exhausted_gives_the_day_it_happened() -> None:
    c = contract(carnet("2026-01-01", 5))
    deducted = rows(("2026-01-05", 16), ("2026-01-10", 24), ("2026-01-12", 8))
    current = balance(c, deducted, None, date(2026, 2, 1))
    assert current.remaining_days == -1
    assert current.exhausted is True
    assert current.forecast_exhaustion_date == date(2026, 1, 10)
    assert current.forecast_early == current.forecast_late == date(2026, 1, 10)
    assert current.exhausts_before_end is True
    assert current.likely_unused_days == 0


def test_carried_deficit_exhausts_the_renewal_from_its_start() -> None:
    c = contract(carnet("2025-01-01", 5), carnet("2026-01-01", 2))
    current = balance(c, rows(("2025-03-01", 64)), None, date(2026, 1, 20))
    assert current.carried_over_days == -3
    assert current.remaining_days == -1
    assert current.forecast_exhaustion_date == date(2026, 1, 1)


# ---- commitments ------------------------------------------------------------------------

AS_OF = date(2026, 3, 1)


def open_ticket(uid: str, **values: object) -> dict:
    base = {
        "ticket_uid": uid,
        "estimate_hours": 16.0,
        "estimate_status": "validated",
        "reestimate_hours": None,
        "reestimated_at": None,
        "reestimate_status": None,
        "created_at": date(2026, 1, 5),
        "closed_at": None,
        "resolved_at": None,
        "spent_hours": None,
    }
    return base | values


@pytest.mark.parametrize(
    ("ticket_row", "spent", "committed"),
    [
        pytest.param(open_ticket("T"), 6.0, 10.0, id="open-validated-estimate-minus-spent"),
        pytest.param(open_ticket("T"), 20.0, 0.0, id="spent-beyond-estimate-commits-0"),
        pytest.param(open_ticket("T"), None, 16.0, id="nothing-spent-yet"),
        pytest.param(open_ticket("T", spent_hours=4.0), None, 12.0, id="tool-spent-fallback"),
        pytest.param(open_ticket("T", closed_at=date(2026, 2, 1)), 6.0, None, id="closed"),
        pytest.param(
            open_ticket("T", resolved_at=date(2026, 3, 1)), 6.0, None, id="resolved-on-as-of"
        ),
        pytest.param(
            open_ticket("T", closed_at=date(2026, 3, 2)), 6.0, 10.0, id="closed-after-as-of"
        ),
        pytest.param(open_ticket("T", created_at=date(2026, 3, 2)), None, None, id="created-later"),
        pytest.param(open_ticket("T", estimate_status="pending"), 6.0, None, id="pending-estimate"),
        pytest.param(open_ticket("T", estimate_status="refused"), 6.0, None, id="refused-estimate"),
        pytest.param(open_ticket("T", estimate_hours=None), 6.0, None, id="no-estimate"),
        pytest.param(
            open_ticket("T", reestimate_hours=24.0, reestimate_status="accepted"),
            6.0,
            18.0,
            id="accepted-reestimate",
        ),
    ],
)
def test_commitments(ticket_row: dict, spent: float | None, committed: float | None) -> None:
    spent_series = pd.Series({"T": spent} if spent is not None else {}, dtype="float64")
    table = commitments(tickets_frame([ticket_row]), spent_series, AS_OF)
    if committed is None:
        assert table.empty
    else:
        assert table["committed_hours"].tolist() == [committed]


def test_late_refused_reestimate_commits_nothing_more() -> None:
    t = open_ticket(
        "T", reestimate_hours=32.0, reestimated_at=date(2026, 2, 2), reestimate_status="refused"
    )
    entries = entries_frame(
        [
            {
                "entry_uid": "e",
                "ticket_uid": "T",
                "date": date(2026, 2, 1),
                "started_at": None,
                "hours": 6.0,
            }
        ]
    )
    tickets = tickets_frame([t])
    billing = ticket_billing(deduct(entries, tickets, MARGIN), tickets, MARGIN)
    assert billing["rule"].tolist() == ["late_reestimate_refused"]
    assert commitments(tickets, billing, AS_OF).empty
    # With spent hours only, lateness is unknown: the estimate still commits.
    assert commitments(tickets, pd.Series({"T": 6.0}), AS_OF)["committed_hours"].tolist() == [10]


def test_balance_committed_and_projected_days() -> None:
    c = contract(carnet("2026-01-01", 20))
    tickets = tickets_frame([open_ticket("A"), open_ticket("B", estimate_hours=40.0)])
    table = commitments(tickets, pd.Series({"A": 8.0, "B": 12.0}), AS_OF)
    current = balance(c, rows(("2026-01-10", 40)), table, AS_OF)
    assert current.committed_days == (8 + 28) / 8
    assert current.projected_days == 20 - 5 - (8 + 28) / 8


# ---- months: management share, subscription ---------------------------------------------


@pytest.mark.parametrize(
    ("other", "management", "share", "flag"),
    [
        pytest.param(90, 10, 0.10, False, id="10pc-on-target"),
        pytest.param(95, 5, 0.05, False, id="5-points-below-not-flagged"),
        pytest.param(96, 4, 0.04, True, id="6-points-below-flagged"),
        pytest.param(84, 16, 0.16, True, id="16pc-flagged"),
        pytest.param(100, 0, 0.0, True, id="none-flagged"),
    ],
)
def test_management_share(other: float, management: float, share: float, flag: bool) -> None:
    deducted = rows(
        ("2026-02-03", other, None, "corrective"),
        ("2026-02-10", management / 2, None, "management"),
        ("2026-02-11", management / 2, None, None, None),  # no ticket: transverse management
    )
    months = monthly(TWO_CARNETS, deducted, date(2026, 2, 28)).set_index("month")
    row = months.loc[pd.Timestamp("2026-02-01")]
    assert row["management_hours"] == management
    assert row["management_share"] == pytest.approx(share)
    assert bool(row["management_flag"]) is flag


def test_management_share_counts_deducted_not_spent() -> None:
    deducted = rows(("2026-02-03", 120, 90, "corrective"), ("2026-02-10", 10, 10, "management"))
    row = monthly(TWO_CARNETS, deducted, date(2026, 2, 28)).iloc[-1]
    assert row["spent_hours"] == 130
    assert row["absorbed_hours"] == 30
    assert row["management_share"] == pytest.approx(0.10)


def test_months_are_continuous_and_the_current_one_partial() -> None:
    c = contract(carnet("2026-01-01", 20))
    months = monthly(c, rows(("2026-03-05", 8)), date(2026, 4, 10))
    assert months["month"].dt.strftime("%Y-%m").tolist() == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
    ]
    assert months["deducted_days"].tolist() == [0, 0, 1, 0]
    assert months["partial"].tolist() == [False, False, False, True]
    assert np.isnan(months["management_share"].iloc[0])
    assert not months["management_flag"].iloc[0]
    assert monthly(c, rows(), date(2026, 4, 30))["partial"].tolist()[-1] is False


@pytest.mark.parametrize("model", ["regie", "forfait", "subscription"])
def test_models_without_balance(model: str) -> None:
    c = contract(model=model, monthly_days=5.0)
    deducted = rows(("2026-01-10", 48), ("2026-02-10", 24))
    current = balance(c, deducted, None, date(2026, 2, 15))
    assert current.model == model
    assert current.remaining_days is None and current.forecast_exhaustion_date is None
    assert carnet_history(c, deducted, date(2026, 2, 15)).empty
    assert burn_up(c, deducted, date(2026, 2, 15)).empty
    months = monthly(c, deducted, date(2026, 2, 15))
    assert months["deducted_days"].tolist() == [6, 3]
    if model == "subscription":
        assert months["allowance_days"].tolist() == [5, 5]
        assert months["overrun_days"].tolist() == [1, 0]
        assert months["unused_days"].tolist() == [0, 2]
    else:
        assert months["allowance_days"].isna().all()


# ---- burn-up ----------------------------------------------------------------------------


def test_burn_up_follows_consumption_and_reaches_available_on_forecast_day() -> None:
    c = contract(carnet("2026-01-01", 40))
    as_of = date(2026, 4, 15)
    chart = burn_up(c, MONTHLY_8_DAYS, as_of).set_index("date")
    current = balance(c, MONTHLY_8_DAYS, None, as_of)
    assert chart.index[0] == pd.Timestamp("2026-01-01")
    assert chart.index[-1] == pd.Timestamp("2026-12-31")
    assert chart.loc[pd.Timestamp("2026-02-08"), "consumed_days"] == 8
    assert chart.loc[pd.Timestamp("2026-02-09"), "consumed_days"] == 16
    assert chart.loc[pd.Timestamp(as_of), "consumed_days"] == current.consumed_days
    assert chart["consumed_days"].loc[pd.Timestamp("2026-04-16") :].isna().all()
    assert (chart["available_days"] == 40).all()
    forecast = chart["forecast_days"].dropna()
    assert forecast.index[0] == pd.Timestamp(as_of)
    assert forecast.index[-1] == pd.Timestamp(current.forecast_exhaustion_date)
    assert forecast.iloc[-1] == 40
    assert forecast.iloc[-2] < 40


# ---- the vectorised engine against a naive loop on a random data set -------------------

RANDOM_CONTRACT = contract(
    carnet("2025-01-01", 600),  # closed by the early renewal on 2025-10-31
    carnet("2025-11-01", 300, "2026-06-30"),
    carnet("2026-08-01", 60),  # July 2026 is a gap
    alert_days=4.0,
)


@pytest.fixture(scope="module")
def random_money() -> dict:
    tickets, entry_rows = random_dataset(seed=7)
    kinds = {t["ticket_uid"]: t["kind"] for t in tickets}
    tickets_df = tickets_frame(tickets)
    deducted = deduct(entries_frame(entry_rows), tickets_df, MARGIN)
    deducted["ticket_kind"] = deducted["ticket_uid"].map(kinds)
    naive = naive_deduct(tickets, entry_rows, MARGIN)
    naive_rows = [
        {
            "date": e["date"],
            "hours": e["hours"],
            "deducted": naive[e["entry_uid"]],
            "management": e["ticket_uid"] is None or kinds.get(e["ticket_uid"]) == "management",
            "ticket_uid": e["ticket_uid"],
        }
        for e in entry_rows
    ]
    naive_rows.sort(key=lambda r: r["date"])
    return {"tickets": tickets, "entries": entry_rows, "deducted": deducted, "naive": naive_rows}


def naive_periods(c: Contract) -> list[tuple[date, date, float]]:
    carnets = sorted(c.carnets, key=lambda x: x.start)
    periods = []
    for i, k in enumerate(carnets):
        end = k.end
        if i + 1 < len(carnets) and carnets[i + 1].start <= end:
            end = carnets[i + 1].start - timedelta(days=1)
        periods.append((k.start, end, k.days))
    return periods


def naive_history(c: Contract, naive_rows: list[dict], as_of: date) -> list[dict]:
    periods = naive_periods(c)
    history = [{"consumed": 0.0, "spent": 0.0, "count": 0} for _ in periods]
    for row in naive_rows:
        if row["date"] > as_of:
            continue
        for i, (start, end, _) in enumerate(periods):
            if start <= row["date"] <= end:
                history[i]["consumed"] += row["deducted"] / HOURS_PER_DAY
                history[i]["spent"] += row["hours"]
                history[i]["count"] += 1
    carried = 0.0
    for i, (start, end, days) in enumerate(periods):
        history[i]["carried"] = carried
        history[i]["remaining"] = days + carried - history[i]["consumed"]
        history[i]["status"] = "past" if end < as_of else "future" if start > as_of else "current"
        carried = history[i]["remaining"]
    return history


def naive_burn(c: Contract, naive_rows: list[dict], as_of: date) -> float | None:
    dated = [r for r in naive_rows if r["date"] <= as_of]
    starts = [k.start for k in c.carnets] + [r["date"] for r in dated[:1]]
    history_start = min(starts)
    per_month: dict[tuple[int, int], float] = defaultdict(float)
    for row in dated:
        per_month[(row["date"].year, row["date"].month)] += row["deducted"] / HOURS_PER_DAY
    months = []
    year, month = as_of.year, as_of.month
    for _ in range(3):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        if date(year, month, 1) >= history_start:
            months.append(per_month[(year, month)])
    if months:
        return sum(months) / len(months)
    total = sum(r["deducted"] for r in dated) / HOURS_PER_DAY
    return total / ((as_of - history_start).days + 1) * AVERAGE_MONTH_DAYS


AS_OF_DATES = [
    pytest.param(date(2025, 6, 15), id="first-carnet"),
    pytest.param(date(2026, 3, 31), id="second-carnet-month-end"),
    pytest.param(date(2026, 7, 15), id="in-gap"),
    pytest.param(date(2026, 10, 10), id="third-carnet"),
]


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_random_history_matches_naive_loop(random_money: dict, as_of: date) -> None:
    history = carnet_history(RANDOM_CONTRACT, random_money["deducted"], as_of)
    naive = naive_history(RANDOM_CONTRACT, random_money["naive"], as_of)
    assert history["consumed_days"].tolist() == pytest.approx([h["consumed"] for h in naive])
    assert history["carried_over_days"].tolist() == pytest.approx([h["carried"] for h in naive])
    assert history["remaining_days"].tolist() == pytest.approx([h["remaining"] for h in naive])
    assert history["spent_hours"].tolist() == pytest.approx([h["spent"] for h in naive])
    assert history["entry_count"].tolist() == [h["count"] for h in naive]
    assert history["status"].tolist() == [h["status"] for h in naive]
    outside = [
        r
        for r in random_money["naive"]
        if r["date"] <= as_of
        and not any(s <= r["date"] <= e for s, e, _ in naive_periods(RANDOM_CONTRACT))
    ]
    report = out_of_carnet(RANDOM_CONTRACT, random_money["deducted"], as_of)
    assert report.entries == len(outside)
    assert report.deducted_hours == pytest.approx(sum(r["deducted"] for r in outside))


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_random_balance_matches_naive_loop(random_money: dict, as_of: date) -> None:
    tickets = random_money["tickets"]
    until = [e for e in random_money["entries"] if e["date"] <= as_of]
    tickets_df = tickets_frame(tickets)
    deducted = random_money["deducted"]
    billing = ticket_billing(deducted[deducted["date"] <= pd.Timestamp(as_of)], tickets_df, MARGIN)
    table = commitments(tickets_df, billing, as_of)
    current = balance(RANDOM_CONTRACT, deducted, table, as_of)

    committed = 0.0
    for t in tickets:
        closed_on = min(d for d in (t["closed_at"], t["resolved_at"], date.max) if d)
        estimate = naive_effective_estimate(t)
        rows_t = [e for e in until if e["ticket_uid"] == t["ticket_uid"]]
        rule, _ = naive_ticket_rule(t, rows_t, MARGIN)
        if t["created_at"] > as_of or closed_on <= as_of or estimate is None:
            continue
        if rule == "late_reestimate_refused":
            continue
        spent = sum(e["hours"] for e in rows_t) if rows_t else (t["spent_hours"] or 0.0)
        committed += max(0.0, estimate - spent)
    assert table["committed_hours"].sum() == pytest.approx(committed)

    history = naive_history(RANDOM_CONTRACT, random_money["naive"], as_of)
    current_rows = [h for h in history if h["status"] == "current"]
    burn = naive_burn(RANDOM_CONTRACT, random_money["naive"], as_of)
    if not current_rows:
        assert current.remaining_days is None
        return
    h = current_rows[0]
    assert current.remaining_days == pytest.approx(h["remaining"])
    assert current.carried_over_days == pytest.approx(h["carried"])
    assert current.committed_days == pytest.approx(committed / HOURS_PER_DAY)
    assert current.projected_days == pytest.approx(h["remaining"] - committed / HOURS_PER_DAY)
    assert current.burn_rate_days_per_month == pytest.approx(burn)
    assert current.low_balance is (h["remaining"] < 4.0)
    if h["remaining"] > 0 and burn > 0:
        days = math.ceil(h["remaining"] / burn * AVERAGE_MONTH_DAYS - 1e-9)
        assert current.forecast_exhaustion_date == as_of + timedelta(days=max(1, days))


def test_random_monthly_matches_naive_loop(random_money: dict) -> None:
    as_of = date(2026, 10, 10)
    months = monthly(RANDOM_CONTRACT, random_money["deducted"], as_of)
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for row in random_money["naive"]:
        if row["date"] <= as_of:
            key = f"{row['date']:%Y-%m}"
            totals[key][0] += row["hours"]
            totals[key][1] += row["deducted"]
            totals[key][2] += row["deducted"] if row["management"] else 0.0
    engine = {f"{m:%Y-%m}": r for m, r in zip(months["month"], months.itertuples(), strict=True)}
    assert set(totals) <= set(engine)
    for key, (spent, deducted_hours, management) in totals.items():
        row = engine[key]
        assert row.spent_hours == pytest.approx(spent)
        assert row.deducted_hours == pytest.approx(deducted_hours)
        assert row.management_share == pytest.approx(management / deducted_hours)
        assert row.management_flag == (abs(management / deducted_hours - 0.10) > 0.05 + 1e-9)


def test_forecast_examples_hold() -> None:
    results = doctest.testmod(forecast)
    assert results.attempted > 0
    assert results.failed == 0
