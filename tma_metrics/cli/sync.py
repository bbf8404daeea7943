"""The ``sync`` command: ``python -m tma_metrics sync {redmine,jira} --url URL ...``.

Keys come from the environment (``REDMINE_API_KEY``; ``JIRA_EMAIL`` and
``JIRA_API_TOKEN``) or from the keys saved on the « Sources » page; never from the
command line, where any user of the machine could read them. Exit codes as ``import``:
0 done, 2 nothing could be synced, 3 database held by another process.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from tma_metrics.store import DB_ENV

__all__ = ["EXIT_NOTHING_SYNCED", "EXIT_OK", "TerminalProgress", "add_sync_parser", "cmd_sync"]

EXIT_OK = 0
EXIT_NOTHING_SYNCED = 2


def add_sync_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``sync`` command (redmine, jira) on a subparsers action."""
    parser = sub.add_parser("sync", help="synchroniser depuis Redmine ou Jira (API REST)")
    tools = parser.add_subparsers(dest="tool", required=True, metavar="OUTIL")
    p = tools.add_parser("redmine", help="Redmine (clé dans $REDMINE_API_KEY)")
    p.add_argument("--url", required=True, help="adresse du serveur Redmine")
    p.add_argument(
        "--project",
        dest="projects",
        action="append",
        default=[],
        metavar="IDENT",
        help="identifiant d'un projet (répéter l'option ; défaut : tous les projets visibles)",
    )
    _common(p)
    p = tools.add_parser("jira", help="Jira Cloud ($JIRA_EMAIL et $JIRA_API_TOKEN)")
    p.add_argument("--url", required=True, help="adresse du site (https://x.atlassian.net)")
    p.add_argument("--jql", required=True, help='requête JQL, par ex. "project = ABC"')
    _common(p)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"base DuckDB (défaut : ${DB_ENV} ou data/tma_metrics.duckdb)")
    p.add_argument("--full", action="store_true", help="tout relire (sinon : incrémental)")
    p.add_argument("--timezone", default="Europe/Paris", help="fuseau des contrats")
    p.add_argument(
        "--window-days", type=int, default=90, help="jours de temps passé relus (incrémental)"
    )
    p.add_argument("--workers", type=int, default=4, help="requêtes simultanées (1 à 8)")
    p.add_argument("--timeout", type=float, default=30.0, help="délai par requête (s)")
    p.add_argument("--json", action="store_true", help="rapport en JSON")
    p.add_argument("--wait", type=float, default=10.0, help="attente du verrou (s)")


def cmd_sync(args: argparse.Namespace) -> int:
    """Run one sync; print its report; return the exit code."""
    from tma_metrics.reports.sync_text import sync_report_text
    from tma_metrics.sources.live import HttpSettings, SourceConfig, SyncError, run_sync
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import local_scope

    try:
        config = SourceConfig(
            tool=args.tool,
            url=args.url,
            projects=tuple(getattr(args, "projects", ()) or ()),
            jql=getattr(args, "jql", "") or "",
            timezone=args.timezone,
            window_days=args.window_days,
        )
    except SyncError as exc:
        print(exc, file=sys.stderr)
        return EXIT_NOTHING_SYNCED
    settings = HttpSettings(
        timeout_seconds=max(1.0, args.timeout), workers=min(8, max(1, args.workers))
    )
    store = Store(args.db, wait_seconds=args.wait)
    try:
        progress = TerminalProgress(sys.stderr)
        report = run_sync(
            store,
            config,
            full=args.full,
            progress=progress,
            settings=settings,
            scope=local_scope(),
        )
        progress.finish()
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(sync_report_text(report))
    if not report.ok:
        print(f"Synchronisation en échec : {report.run.message}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_NOTHING_SYNCED


class TerminalProgress:
    """Progress on the terminal: one updating line on a TTY, a line per 10 % in a log."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown: tuple[str, int] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        tenth = 10 if total <= 0 else min(10, done * 10 // max(total, 1))
        if self.tty:
            self.stream.write(f"\r\033[K{phase} : {done}/{total}")
            self.stream.flush()
            return
        if self.shown != (phase, tenth):
            self.shown = (phase, tenth)
            self.stream.write(f"{phase} : {done}/{total}\n")
            self.stream.flush()

    def finish(self) -> None:
        """End the updating line."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
