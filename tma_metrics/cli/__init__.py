"""Command line: ``python -m tma_metrics COMMAND`` (import, sync, report, history, undo, ...)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tma_metrics.errors import TmaError
from tma_metrics.store import DB_ENV
from tma_metrics.store.contracts_file import CONTRACTS_ENV

__all__ = [
    "EXIT_BUSY",
    "EXIT_DENIED",
    "EXIT_INTERNAL",
    "EXIT_NOTHING_IMPORTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "crash_log",
    "main",
]

#: Exit codes, documented in the README (« Command line »).
EXIT_OK = 0
EXIT_USAGE = 1
EXIT_NOTHING_IMPORTED = 2
EXIT_BUSY = 3
EXIT_DENIED = 4
EXIT_INTERNAL = 70


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date attendue au format AAAA-MM-JJ, trouvé « {text} »"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (French help, English option names)."""
    parser = argparse.ArgumentParser(
        prog="python -m tma_metrics",
        description="TMA Metrics : import des exports, rapport des contrats, données de démo.",
        epilog=(
            "Codes de sortie : 0 terminé ; 1 refusé (arguments, import inconnu ou déjà "
            "annulé, fichier des utilisateurs) ; 2 rien n'a pu être importé ; 3 base "
            "occupée par un autre processus (tableau de bord ou autre commande)."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    db_help = f"base DuckDB (défaut : ${DB_ENV} ou data/tma_metrics.duckdb)"

    _add_import_parser(sub, db_help)
    _add_report_parser(sub, db_help)

    p = sub.add_parser("history", help="historique des imports")
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("undo", help="annuler un import entier")
    p.add_argument("batch", type=int, metavar="N_IMPORT")
    p.add_argument("--db", help=db_help)

    p = sub.add_parser("demo", help="(re)générer les exports de démo et la base de démo")
    p.add_argument("--db", help=db_help)
    p.add_argument("--folder", type=Path, help="dossier des exports (défaut : data/demo)")
    p.add_argument("--exports-only", action="store_true", help="écrire les exports seulement")

    p = sub.add_parser("template", help="écrire le modèle Excel du format canonique")
    p.add_argument("output", type=Path, nargs="?", default=Path("modele-tma-metrics.xlsx"))

    p = sub.add_parser("bench", help="mesurer vitesse et mémoire à grande échelle")
    p.add_argument("--size", choices=("small", "full", "large"), default="full")
    p.add_argument("--out", type=Path, help="dossier de sortie (JSON, fichiers générés)")

    from tma_metrics.cli.sync import add_sync_parser
    from tma_metrics.cli.users import add_user_parser

    add_user_parser(sub)
    add_sync_parser(sub)

    from tma_metrics.cli.export import add_export_parser

    add_export_parser(sub)
    return parser


def _add_import_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add the « import » command: files, database, source tool, JSON report, lock wait."""
    p = sub.add_parser("import", help="importer des exports (Redmine, Jira, GLPI, tableurs…)")
    p.add_argument("files", nargs="+", type=Path, metavar="FICHIER")
    p.add_argument("--db", help=db_help)
    p.add_argument("--source", default="auto", help="outil source (défaut : auto)")
    p.add_argument("--json", action="store_true", help="rapport en JSON")
    p.add_argument("--wait", type=float, default=10.0, help="attente du verrou (s)")


def _add_report_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add the « report » command: contracts, as-of date, SLA period, JSON output."""
    p = sub.add_parser("report", help="chiffres des contrats (solde, SLA, estimations)")
    p.add_argument("--db", help=db_help)
    p.add_argument("--contracts", help=f"fichier des contrats (défaut : ${CONTRACTS_ENV} ou data/)")
    p.add_argument("--contract", help="nom d'un contrat (défaut : tous)")
    p.add_argument("--as-of", type=_iso_date, help="date d'arrêté (défaut : aujourd'hui)")
    p.add_argument("--from", dest="start", type=_iso_date, help="début de période (SLA)")
    p.add_argument("--to", dest="end", type=_iso_date, help="fin de période (SLA)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.add_argument("--wait", type=float, default=10.0, help="attente du verrou (s)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except TmaError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # the edge: the terminal never shows a traceback
        log = crash_log(exc)
        print(
            f"Erreur interne inattendue ({type(exc).__name__}) : la commande s'est arrêtée sans "
            f"rien modifier de plus. Le détail technique est dans {log}.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def crash_log(exc: BaseException) -> Path:
    """Write the traceback of an unexpected error to a private temporary file."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile(
        "w", prefix="tma-metrics-erreur-", suffix=".txt", delete=False, encoding="utf-8"
    ) as file:
        file.write("".join(traceback.format_exception(exc)))
    return Path(file.name)


def _cmd_import(args: argparse.Namespace) -> int:
    from tma_metrics.reports.import_text import import_report_text
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import local_scope

    scope = local_scope()  # whoever runs the command line holds the database file
    store = Store(args.db, wait_seconds=args.wait)
    reports = []
    for file in args.files:
        if not file.is_file():
            from tma_metrics.store import ImportReport

            reports.append(
                ImportReport(
                    file_name=str(file),
                    file_hash="",
                    tool="",
                    variant="",
                    rows_read=0,
                    error=f"Fichier introuvable : {file}",
                )
            )
            continue
        reports.append(store.import_file(file, file.name, source=args.source, scope=scope))
    store.close()
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(import_report_text(r) for r in reports))
    return EXIT_OK if any(r.imported for r in reports) else EXIT_NOTHING_IMPORTED


def _cmd_history(args: argparse.Namespace) -> int:
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import local_scope

    store = Store(args.db)
    history = store.history(local_scope())
    store.close()
    if args.json:
        print(history.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        print(history.drop(columns=["file_hash", "warnings"]).to_string(index=False))
    return EXIT_OK


def _cmd_undo(args: argparse.Namespace) -> int:
    from tma_metrics.store import Store, UndoError
    from tma_metrics.store.contracts_file import local_scope

    store = Store(args.db)
    try:
        store.undo(args.batch, local_scope())
    except UndoError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()
    print(f"Import n° {args.batch} annulé.")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from tma_metrics.demo.database import DEMO_FOLDER, build_demo_database, write_exports

    folder = args.folder or DEMO_FOLDER
    if args.exports_only:
        for path in write_exports(folder):
            print(path)
        return EXIT_OK
    from tma_metrics.store import Store, resolve_db_path

    db = resolve_db_path(args.db)
    if db.exists():
        db.unlink()
    store = Store(db)
    reports = build_demo_database(store, folder)
    store.close()
    for report in reports:
        print(f"{report.file_name} : {report.variant} — {report.added} ligne(s) ajoutée(s)")
    print(f"Base de démo écrite : {db}")
    return EXIT_OK if all(r.imported for r in reports) else EXIT_NOTHING_IMPORTED


def _cmd_template(args: argparse.Namespace) -> int:
    from tma_metrics.sources import build_template

    args.output.write_bytes(build_template())
    print(f"Modèle écrit : {args.output}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from tma_metrics.cli.report import run_report

    return run_report(args)


def _cmd_bench(args: argparse.Namespace) -> int:
    from bench import run_bench
    from bench.runner import StepFailed
    from tma_metrics.store.connection import PROJECT_ROOT

    try:
        run_bench(args.size, args.out or PROJECT_ROOT / "bench" / "out")
    except StepFailed as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _cmd_user(args: argparse.Namespace) -> int:
    from tma_metrics.cli.users import cmd_user

    return cmd_user(args)


def _cmd_sync(args: argparse.Namespace) -> int:
    from tma_metrics.cli.sync import cmd_sync

    return cmd_sync(args)


def _cmd_export(args: argparse.Namespace) -> int:
    from tma_metrics.cli.export import run_export

    return run_export(args)


_COMMANDS = {
    "user": _cmd_user,
    "sync": _cmd_sync,
    "import": _cmd_import,
    "report": _cmd_report,
    "history": _cmd_history,
    "undo": _cmd_undo,
    "demo": _cmd_demo,
    "template": _cmd_template,
    "bench": _cmd_bench,
    "export": _cmd_export,
}
