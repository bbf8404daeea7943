"""The ``report`` command: figures of every contract (or one), as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from tma_metrics.domain.contracts.model import ContractError
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.summaries import ContractSummary, iter_summaries
from tma_metrics.french import formats as fr
from tma_metrics.metrics import kpi
from tma_metrics.reports.json_report import contract_json
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import load_contracts
from tma_metrics.views.sla_range import ComplianceRange

__all__ = ["report_text", "run_report"]


def run_report(args: argparse.Namespace) -> int:
    """Print the report; exit 1 on a bad contracts file or an unknown contract name."""
    try:
        contracts = load_contracts(args.contracts)
    except ContractError as exc:
        print(exc, file=sys.stderr)
        return 1
    names = None
    if args.contract:
        if not any(c.name == args.contract for c in contracts):
            known = ", ".join(f"« {c.name} »" for c in contracts)
            print(
                f"Contrat « {args.contract} » introuvable : attendu un de {known}.",
                file=sys.stderr,
            )
            return 1
        names = [args.contract]
    store = Store(args.db, wait_seconds=args.wait)
    try:
        # Summaries read the derived tables (brought up to date first, once per data
        # version); each one is reduced to its JSON or text as it comes.
        figures = iter_summaries(
            store,
            contracts,
            args.as_of or date.today(),
            names=names,
            start=args.start,
            end=args.end,
        )
        if args.json:
            parts = [contract_json(f) for f in figures]
            print(json.dumps(parts, ensure_ascii=False, indent=2))
        else:
            print("\n\n".join(report_text(f) for f in figures))
    finally:
        store.close()
    return 0


def report_text(figures: ContractFigures | ContractSummary) -> str:
    """A short French text summary of one contract."""
    b = figures.balance
    lines = [
        f"{figures.name} — arrêté au {fr.day(figures.period.as_of)} "
        f"(SLA et devis du {fr.day(figures.period.start)} au {fr.day(figures.period.end)})"
    ]
    for name in (
        "purchased_days",
        "carried_over_days",
        "consumed_days",
        "remaining_days",
        "committed_days",
        "projected_days",
        "deducted_hours",
        "absorbed_hours",
        "burn_rate_days_per_month",
        "forecast_exhaustion_date",
    ):
        lines.append(f"  {kpi(name).label} : {kpi(name).format(getattr(b, name))}")
    if b.low_balance:
        lines.append("  ALERTE : solde sous le seuil d'alerte — proposer un renouvellement.")
    s = figures.sla_summary
    found = ComplianceRange.of(s)
    lines.append(
        f"  {kpi('sla_compliance').label} : {found.text()} "
        f"({s.met} dans les délais, {s.breached} hors délai ; {found.detail()})"
    )
    flow = figures.ticket_flow
    lines.append(
        f"  Demandes : {flow['open_start']} ouvertes au début, {flow['received']} reçues, "
        f"{flow['resolved']} résolues, {flow['reopened']} réouvertes, {flow['open_end']} "
        "ouvertes à la fin"
    )
    e = figures.estimation_summary
    lines.append(
        f"  {kpi('within_guarantee_rate').label} : {fr.percent(e.within_guarantee_rate)} "
        f"sur {e.tickets} demande(s) estimée(s) close(s)"
    )
    lines.extend(f"  ! {w}" for w in figures.warnings)
    return "\n".join(lines)
