"""The ``report --json`` shape: one object per contract, plain numbers and ISO dates."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tma_metrics.domain.carnet.ledger import BALANCE_MODELS
from tma_metrics.domain.contracts.model import SLA_KINDS
from tma_metrics.domain.frames import positions_in
from tma_metrics.domain.model import Severity
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.summaries import ContractSummary

_BALANCE_FIELDS = (
    "purchased_days",
    "consumed_days",
    "remaining_days",
    "carried_over_days",
    "committed_days",
    "projected_days",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
    "burn_rate_days_per_month",
    "likely_unused_days",
)


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 6)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def contract_json(figures: ContractFigures | ContractSummary) -> dict[str, Any]:
    """Return the JSON object of one contract (see the README, « report --json »)."""
    b = figures.balance
    out: dict[str, Any] = {
        "name": figures.name,
        "model": figures.contract.model,
        "as_of": figures.period.as_of.isoformat(),
        "from": figures.period.start.isoformat(),
        "to": figures.period.end.isoformat(),
        "carnet_start": _iso(b.carnet_start),
        "carnet_end": _iso(b.expiry_date),
    }
    out.update({name: _number(getattr(b, name)) for name in _BALANCE_FIELDS})
    out["low_balance"] = b.low_balance
    out["forecast_exhaustion_date"] = _iso(b.forecast_exhaustion_date)
    out["forecast_range"] = [_iso(b.forecast_early), _iso(b.forecast_late)]
    out["sla"] = sla_json(figures)
    total = figures.sla_summary
    out["sla_overall"] = {
        "applicable": total.applicable,
        "measurable": total.measurable,
        "met": total.met,
        "breached": total.breached,
        "open": total.open,
        "at_risk": total.at_risk,
        "compliance": _number(total.compliance),
        "coverage": _number(total.coverage),
        "unknown": total.unknown,
        "compliance_low": _number(total.compliance_low),
        "compliance_high": _number(total.compliance_high),
    }
    out["tickets"] = tickets_json(figures)
    s = figures.estimation_summary
    out["estimation"] = {
        "tickets": s.tickets,
        "within_guarantee_rate": _number(s.within_guarantee_rate),
        "within_25_rate": _number(s.within_25_rate),
        "median_ratio": _number(s.median_ratio),
        "bias": _number(s.bias),
        "absorbed_hours": _number(s.absorbed_hours),
        "reestimation_rate": _number(s.reestimation_rate),
    }
    if figures.contract.model not in BALANCE_MODELS:
        out["current_month"] = month_json(figures)
    out["warnings"] = list(figures.warnings)
    return out


def month_json(figures: ContractFigures | ContractSummary) -> dict[str, Any] | None:
    """The as-of date's month of a contract without a carnet (subscription, régie, forfait).

    Such a contract has no balance: what it used this month is its figure (against the
    monthly allowance of a subscription). None when no month is known (no entry).
    """
    monthly = figures.monthly
    if monthly.empty:
        return None
    row = monthly.iloc[-1]
    return {
        "month": f"{row['month']:%Y-%m}",
        "partial": bool(row["partial"]),
        **{
            name: _number(row[name])
            for name in (
                "spent_hours",
                "deducted_hours",
                "absorbed_hours",
                "deducted_days",
                "allowance_days",
                "overrun_days",
                "unused_days",
            )
        },
    }


def tickets_json(figures: ContractFigures | ContractSummary) -> dict[str, int]:
    """Tickets received, resolved and reopened over the period, open at its start and end.

    From the figures' ``ticket_flow`` (`ticket_states.flow` of their ``changes``):
    ``open`` = ``open_at_start`` + ``received`` - ``resolved`` + ``reopened``.
    """
    found = figures.ticket_flow
    return {
        "received": found["received"],
        "resolved": found["resolved"],
        "open": found["open_end"],
        "reopened": found["reopened"],
        "open_at_start": found["open_start"],
    }


def sla_json(figures: ContractFigures | ContractSummary) -> dict[str, dict[str, dict[str, Any]]]:
    """Severity → SLA kind → counts and compliance over the period.

    The counts of `compliance.compliance` by severity and SLA kind, taken with one pass
    of numpy over the period's outcomes (a group-by per contract cost more than the rest
    of the report); a pair without outcomes shows zeros and no rate.
    """
    rows = figures.sla_period
    severities = [str(s) for s in Severity]
    severity = _positions(rows["severity"], severities)
    kind = _positions(rows["sla_kind"], list(SLA_KINDS))
    known = (severity >= 0) & (kind >= 0)
    pair = (severity * len(SLA_KINDS) + kind)[known]
    outcome = _positions(rows["outcome"], list(_OUTCOMES))[known]
    applicable = rows["applicable"].to_numpy(bool)[known]
    measurable = rows["measurable"].to_numpy(bool)[known]
    size = len(severities) * len(SLA_KINDS)

    def count(flag: np.ndarray) -> np.ndarray:
        return np.bincount(pair[flag], minlength=size)

    counts = {
        "applicable": count(applicable),
        "measurable": count(measurable),
        **{o: count(outcome == i) for i, o in enumerate(_OUTCOMES)},
        "unknown": count(applicable & ~measurable),
    }
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for i, sev in enumerate(severities):
        result[sev] = {}
        for j, sla_kind in enumerate(SLA_KINDS):
            at = i * len(SLA_KINDS) + j
            found = {name: int(values[at]) for name, values in counts.items()}
            decided = found["met"] + found["breached"]
            span = decided + found["unknown"]
            result[sev][sla_kind] = {
                **found,
                "compliance": _number(found["met"] / decided) if decided else None,
                "coverage": (
                    _number(found["measurable"] / found["applicable"])
                    if found["applicable"]
                    else None
                ),
                "compliance_low": _number(found["met"] / span) if span else None,
                "compliance_high": (
                    _number((found["met"] + found["unknown"]) / span) if span else None
                ),
            }
    return result


#: The outcomes counted per severity and SLA kind, in the JSON's order.
_OUTCOMES = ("met", "breached", "open", "at_risk")


def _positions(values: pd.Series, labels: list[str]) -> np.ndarray:
    """Return each value's position in ``labels`` (-1 for others and nulls)."""
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("string")
    return positions_in(text, pd.Index(labels))
