"""The ``report --json`` shape: one object per contract, plain numbers and ISO dates."""

from __future__ import annotations

import math
from typing import Any

from tma_metrics.analysis.figures import ContractFigures
from tma_metrics.compliance import compliance
from tma_metrics.contracts import SLA_KINDS
from tma_metrics.model import Severity

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


def contract_json(figures: ContractFigures) -> dict[str, Any]:
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
    }
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
    out["warnings"] = list(figures.warnings)
    return out


def sla_json(figures: ContractFigures) -> dict[str, dict[str, dict[str, Any]]]:
    """Severity → SLA kind → counts and compliance over the period."""
    table = compliance(figures.sla_period, by=("severity", "sla_kind"))
    rows = {(r.severity, r.sla_kind): r for r in table.itertuples(index=False)}
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for severity in Severity:
        result[str(severity)] = {}
        for kind in SLA_KINDS:
            row = rows.get((str(severity), kind))
            result[str(severity)][kind] = {
                "applicable": int(row.applicable) if row else 0,
                "measurable": int(row.measurable) if row else 0,
                "met": int(row.met) if row else 0,
                "breached": int(row.breached) if row else 0,
                "open": int(row.open) if row else 0,
                "at_risk": int(row.at_risk) if row else 0,
                "compliance": _number(row.compliance) if row else None,
                "coverage": _number(row.coverage) if row else None,
            }
    return result
