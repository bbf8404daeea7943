"""The ``export`` command: a report's file as the page's button gives it, written or e-mailed.

``python -m tma_metrics export {point,bilan,copil,portefeuille} --format
{xlsx,csv,pptx,email} [--out FICHIER] [--send-to ADRESSE...]`` builds the same view
with the same defaults as the page (sidebar period « Carnet en cours », a point one
week after the previous one), then the file through `reports.meeting_files`, the
functions the page's buttons call. Files are client views unless ``--internal``.
With ``--send-to``, the e-mail carries the report's text and the file attached
(``--format email``: the text alone), through the SMTP server of the environment
(`cli.mail`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from tma_metrics.config import settings
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.loading import figures_for
from tma_metrics.figures.periods import PRESETS_FR, Period, preset_period
from tma_metrics.figures.summaries import iter_summaries
from tma_metrics.reports.meeting_files import (
    MIME_TYPES,
    ReportFiles,
    bilan_files,
    copil_files,
    last_complete_month,
    point_files,
    portfolio_files,
)
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import load_contracts, resolve_contracts_path

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "FORMATS",
    "REPORTS",
    "REPORT_FORMATS",
    "UsageError",
    "add_export_parser",
    "build_files",
    "run_export",
]

REPORTS = ("point", "bilan", "copil", "portefeuille")
FORMATS = ("xlsx", "csv", "pptx", "email")
#: Formats each report offers (the Copil alone has a deck).
REPORT_FORMATS = {r: ("xlsx", "csv", "email") for r in REPORTS} | {"copil": FORMATS}
EXIT_OK, EXIT_USAGE = 0, 1


class UsageError(Exception):
    """A French message for a wrong combination of options (exit code 1)."""


def add_export_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``export`` command on a subparsers action."""
    p = sub.add_parser(
        "export", help="écrire ou envoyer un rapport (Excel, CSV, PowerPoint, courriel)"
    )
    p.add_argument(
        "report", choices=REPORTS, metavar="RAPPORT", help="point, bilan, copil ou portefeuille"
    )
    p.add_argument(
        "--format", required=True, choices=FORMATS, dest="fmt", help="xlsx, csv, pptx ou email"
    )
    p.add_argument(
        "--out", type=Path, metavar="FICHIER", help="fichier écrit (remplacé s'il existe)"
    )
    p.add_argument(
        "--send-to", nargs="+", default=[], metavar="ADRESSE", help="destinataires du courriel"
    )
    p.add_argument("--contract", help="nom du contrat (défaut : le seul du fichier)")
    p.add_argument("--as-of", type=_iso_date, help="date d'arrêté (défaut : aujourd'hui)")
    p.add_argument(
        "--period",
        choices=tuple(PRESETS_FR),
        default="carnet",
        help="période des SLA et devis (défaut : carnet)",
    )
    p.add_argument("--from", dest="start", type=_iso_date, help="début d'une période libre")
    p.add_argument("--to", dest="end", type=_iso_date, help="fin d'une période libre")
    p.add_argument(
        "--month", type=_month, help="mois du bilan AAAA-MM (défaut : le dernier mois complet)"
    )
    p.add_argument(
        "--since-days",
        type=int,
        default=7,
        help="point : jours depuis le point précédent (défaut : 7)",
    )
    p.add_argument("--table", help="csv : nom du tableau (défaut : le premier non vide)")
    p.add_argument("--internal", action="store_true", help="vue interne (temps passé, absorbé)")
    p.add_argument("--author", help="signature du courriel (défaut : [Prénom Nom])")
    p.add_argument("--db", help="base DuckDB (défaut : $TMA_METRICS_DB ou data/tma_metrics.duckdb)")
    p.add_argument(
        "--contracts", help="fichier des contrats (défaut : $TMA_METRICS_CONTRACTS ou data/)"
    )
    p.add_argument("--wait", type=float, default=10.0, help="attente du verrou de la base (s)")
    return p


def run_export(args: argparse.Namespace) -> int:
    """Write and/or send the report; French messages, exit codes of the README."""
    from tma_metrics.cli import mail

    try:
        _check_options(args)
        recipients = mail.check_addresses(args.send_to) if args.send_to else []
        smtp = (mail.smtp_server(settings()), mail.sender(settings())) if recipients else None
        files = build_files(args)
        content = _content(files, args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    name = args.out.name if args.out else files.file_name(args.fmt, args.table)
    if args.out:
        _write(args.out, content)
        print(f"Fichier écrit : {args.out}")
    if smtp is not None:
        server, from_address = smtp
        attachments = (
            [] if args.fmt == "email" else [mail.Attachment(name, content, MIME_TYPES[args.fmt])]
        )
        message = mail.build_message(
            files.subject, files.body, from_address, recipients, attachments
        )
        mail.deliver(message, server)
        print(f"Courriel « {files.subject} » envoyé à {', '.join(recipients)}.")
    return EXIT_OK


def build_files(args: argparse.Namespace) -> ReportFiles:
    """Build the report's view from the store, then its files, as the page does."""
    contracts = load_contracts(args.contracts)
    as_of = args.as_of or date.today()
    client_view = not args.internal
    store = Store(args.db, wait_seconds=args.wait)
    try:
        if args.report == "portefeuille":
            from tma_metrics.views.portfolio import portfolio_table

            chosen = contracts if not args.contract else (_contract(contracts, args.contract),)
            # As the page: summaries from the derived tables, never the entries.
            names = [c.name for c in chosen]
            table = portfolio_table(iter_summaries(store, contracts, as_of, names=names), as_of)
            return portfolio_files(table, as_of, client_view=client_view, author=args.author)
        contract = _contract(contracts, args.contract)
        period = _period(args, contract, as_of)
        figures = _figures(store, contract, as_of, period)
        if args.report == "point":
            return _point(args, store, contract, figures, period)
        if args.report == "bilan":
            from tma_metrics.views.bilan import bilan_view

            month = args.month or last_complete_month(as_of)
            try:
                view = bilan_view(figures, month, client_view=client_view)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            return bilan_files(view, author=args.author)
        return _copil(args, contract, figures)
    finally:
        store.close()


def _point(
    args, store: Store, contract: Contract, figures: ContractFigures, period: Period
) -> ReportFiles:
    from tma_metrics.views.point import point_view

    before = figures.period.as_of - timedelta(days=args.since_days)
    previous = _figures(store, contract, before, period)
    view = point_view(figures, previous, client_view=not args.internal)
    return point_files(view, author=args.author)


def _copil(args, contract: Contract, figures: ContractFigures) -> ReportFiles:
    from tma_metrics.charts.contract import contract_charts
    from tma_metrics.reports.logo import contract_logo
    from tma_metrics.views.copil import copil_view

    view = copil_view(figures, client_view=not args.internal)
    charts = contract_charts(figures, client_view=view.client_view) if args.fmt == "pptx" else {}
    logo = contract_logo(contract, resolve_contracts_path(args.contracts))
    if logo.problem and args.fmt == "pptx":
        print(logo.problem, file=sys.stderr)
    return copil_files(
        view, charts, client=contract.client or "", logo=logo.data, author=args.author
    )


def _content(files: ReportFiles, args: argparse.Namespace) -> bytes:
    if args.fmt == "csv" and args.table is not None and args.table not in files.sheets:
        names = ", ".join(f"« {n} »" for n in files.sheets)
        raise UsageError(f"Tableau « {args.table} » inconnu : attendu un de {names}.")
    if args.fmt != "pptx":
        return files.content(args.fmt, args.table)
    from tma_metrics.reports import chart_images

    try:
        content, missing = files.presentation()
    finally:
        chart_images.shutdown()  # the browser closes before the process ends
    for title, reason in missing:
        print(f"Graphique « {title} » absent de la présentation : {reason}", file=sys.stderr)
    return content


def _check_options(args: argparse.Namespace) -> None:
    if not args.out and not args.send_to:
        raise UsageError("Rien à faire : attendu --out FICHIER, --send-to ADRESSE, ou les deux.")
    if args.fmt not in REPORT_FORMATS[args.report]:
        raise UsageError(
            f"Format « {args.fmt} » indisponible pour le rapport « {args.report} » : attendu un "
            f"de {', '.join(REPORT_FORMATS[args.report])} (la présentation est celle du Copil)."
        )
    if (args.start is None) != (args.end is None):
        raise UsageError(
            "Période libre : attendu --from et --to ensemble, trouvé l'un sans l'autre."
        )
    if args.since_days < 1:
        raise UsageError(
            f"--since-days : attendu un nombre de jours positif, trouvé {args.since_days}."
        )
    if args.out is not None and not args.out.parent.is_dir():
        raise UsageError(f"Dossier introuvable pour --out : {args.out.parent}.")


def _contract(contracts: Sequence[Contract], name: str | None) -> Contract:
    names = ", ".join(f"« {c.name} »" for c in contracts)
    if name is None:
        if len(contracts) == 1:
            return contracts[0]
        raise UsageError(f"Contrat à préciser : attendu --contract NOM, un de {names}.")
    found = [c for c in contracts if c.name == name]
    if not found:
        raise UsageError(f"Contrat « {name} » introuvable : attendu un de {names}.")
    return found[0]


def _period(args: argparse.Namespace, contract: Contract, as_of: date) -> Period:
    """The page's period: the sidebar's preset (« Carnet en cours » by default) or free dates."""
    try:
        if args.start is not None:
            return Period(as_of=as_of, start=args.start, end=args.end)
        return preset_period(args.period, contract, as_of)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _figures(store: Store, contract: Contract, as_of: date, period: Period) -> ContractFigures:
    (figures,) = figures_for(store, [contract], as_of, start=period.start, end=period.end)
    return figures


def _write(path: Path, content: bytes) -> None:
    """Replace the file in one step: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date attendue au format AAAA-MM-JJ, trouvé « {text} »"
        ) from None


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"mois attendu au format AAAA-MM, trouvé « {text} »"
        ) from None
