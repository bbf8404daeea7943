"""Parse a file in a child process with a memory and a time budget; get its tables back.

Why: a reader's bug or a file the checks of `limits` did not foresee must not take the
server down (python-calamine aborts the whole process on a failed allocation). The
child is forked from a ``forkserver`` that has already imported the readers (a fork
costs milliseconds, not the second of a fresh interpreter); it sets its own limits
(``RLIMIT_AS``, ``RLIMIT_CPU``, no file writes), reads the file with the same
`reader` code, and sends back a JSON header and the tables as Arrow IPC streams (no
pickle from the child: a compromised reader could not run code in the server). The
parent watches the child's resident memory and the clock and kills it beyond either.

At most `SLOTS` children run at once; a third upload waits for a slot.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.spawn
import pickle
import threading
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from tma_metrics.domain.model import REJECT_COLUMNS, ImportFormatError, ParsedFile, rejects
from tma_metrics.sources import archive, limits
from tma_metrics.sources.errors import UnrecognisedFormat
from tma_metrics.sources.failures import AllRowsRejected, LimitExceeded, ParseFailed
from tma_metrics.sources.limits import Limits, size_text
from tma_metrics.sources.payload import Payload
from tma_metrics.sources.source import temp_name

__all__ = ["IN_CHILD", "SLOTS", "RunStats", "last_run", "needed", "read"]

#: Children parsing at the same time (each within its page's memory budget).
SLOTS = 2
#: How often the parent looks at the child's memory and the clock (seconds).
_POLL = 0.02
#: Set in the child: it parses in its own process, never in another child.
IN_CHILD = False
#: The name of the children (the main-module rule below applies to them only).
_NAME = "tma-sandbox"
_TABLES = ("tickets", "time_entries", "status_history")
_ERRORS: dict[str, type[ImportFormatError]] = {
    "LimitExceeded": LimitExceeded,
    "ParseFailed": ParseFailed,
    "ImportFormatError": ImportFormatError,
}
_slots = threading.BoundedSemaphore(SLOTS)
_context_lock = threading.Lock()
_context: Any = None
_last = threading.local()


@dataclass(frozen=True)
class RunStats:
    """What the last child of this thread cost: its peak memory, time and outcome."""

    peak_rss: int  # bytes (the child's own high-water mark, or its size when killed)
    seconds: float
    outcome: str  # "ok", "refused", "memory", "time", "crash"


def last_run() -> RunStats | None:
    """Return the cost of the last child run from this thread (tests, measurements)."""
    return getattr(_last, "stats", None)


def needed(payload: Payload) -> bool:
    """Return True when ``payload`` must be parsed in a child under the active limits.

    Always for limits with ``isolate`` (uploads). Otherwise (the command line) for the
    workbooks whose cells the checks cannot bound: .xls (binary BIFF records), .xlsb
    and .ods (python-calamine expands their repeated cells as it reads them).
    """
    if IN_CHILD:
        return False
    if limits.active().isolate or payload.kind == "ole":
        return True
    if payload.kind != "zip":
        return False
    with payload.open() as stream:
        try:
            return archive.kind_of(stream, limits.active()) != "xlsx"
        except (zipfile.BadZipFile, ImportFormatError, OSError, ValueError):
            return False  # the in-process checks give the French refusal


def read(
    con: duckdb.DuckDBPyConnection,
    payload: Payload,
    *,
    source: str = "auto",
    profiles: Mapping[str, object] | None = None,
    mapping: object | None = None,
    timezone: str = "Europe/Paris",
) -> ParsedFile:
    """Parse ``payload`` in a child process and return its tables as relations on ``con``."""
    bound = limits.active()
    request = {
        "name": payload.name,
        "path": str(payload.path) if payload.path is not None else None,
        "data": payload.data,
        "source": source,
        "profiles": dict(profiles or {}),
        "mapping": mapping,
        "timezone": timezone,
        "limits": bound,
    }
    if not _slots.acquire(timeout=bound.seconds):
        raise LimitExceeded(
            "Serveur occupé : d'autres fichiers sont en cours de lecture ; réessayez dans "
            "un instant."
        )
    try:
        header, blobs = _run_child(request, bound)
    finally:
        _slots.release()
    return _rebuild(con, header, blobs)


def _fork_context() -> Any:
    """Return the forkserver context, its server preloading the readers (once)."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["tma_metrics.sources.sandbox_child"])
            multiprocessing.spawn.get_preparation_data = _without_main(
                multiprocessing.spawn.get_preparation_data
            )
            _context = context
        return _context


def _without_main(original: Any) -> Any:
    """Wrap multiprocessing's start data so that our children never import ``__main__``.

    Under Streamlit, ``__main__`` is the page script: a child would run the whole page
    (and open the database) before parsing. The children need only the preloaded readers.
    """

    def preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        if name.startswith(_NAME):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    return preparation_data


def _run_child(request: dict[str, Any], bound: Limits) -> tuple[dict[str, Any], list[bytes]]:
    """Run one child on ``request``; return its header and Arrow blobs, or raise."""
    from tma_metrics.sources import sandbox_child

    context = _fork_context()
    ours, theirs = context.Pipe(duplex=True)
    child = context.Process(
        target=sandbox_child.main,
        args=(theirs,),
        name=f"{_NAME}-{time.monotonic_ns()}",
        daemon=True,
    )
    started = time.monotonic()
    child.start()
    theirs.close()
    watch = _Watch(child.pid, bound, started)
    try:
        try:
            ours.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
            header = json.loads(_receive(ours, child, watch))
            blobs = [_receive(ours, child, watch) for _ in range(header.get("blobs", 0))]
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            child.join(timeout=5)
            raise watch.failure(child.exitcode) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(timeout=10)
        ours.close()
    peak = int(header.get("peak_rss", watch.peak))
    outcome = "ok" if header.get("ok") else "refused"
    _last.stats = RunStats(max(peak, watch.peak), time.monotonic() - started, outcome)
    return header, blobs


class _Watch:
    """The parent's watch over one child: its resident memory and the clock."""

    def __init__(self, pid: int | None, bound: Limits, started: float) -> None:
        self.pid = pid
        self.bound = bound
        self.started = started
        self.peak = 0
        self.reason: str | None = None

    def check(self) -> None:
        """Record the child's memory; raise (the caller kills it) beyond the budget."""
        rss = _rss(self.pid)
        self.peak = max(self.peak, rss)
        if rss > self.bound.memory_bytes:
            self.reason = "memory"
            raise self.failure(None)
        if time.monotonic() - self.started > self.bound.seconds:
            self.reason = "time"
            raise self.failure(None)

    def failure(self, exitcode: int | None) -> ImportFormatError:
        """Return the French error for a child that was stopped or died."""
        elapsed = time.monotonic() - self.started
        _last.stats = RunStats(self.peak, elapsed, self.reason or "crash")
        where = self.bound.where
        if self.reason == "memory":
            return LimitExceeded(
                f"Fichier trop lourd à lire {where} : attendu une lecture en moins de "
                f"{size_text(self.bound.memory_bytes)} de mémoire, trouvé un fichier qui en "
                "demande davantage (cellules très éloignées, texte démesuré ?) ; lecture "
                "arrêtée."
            )
        if self.reason == "time":
            return LimitExceeded(
                f"Lecture trop longue {where} : attendu une lecture en moins de "
                f"{self.bound.seconds:.0f} s, trouvé un fichier plus long à lire ; lecture "
                "arrêtée."
            )
        return ParseFailed(
            "Lecture impossible : le lecteur s'est arrêté sur ce fichier (mémoire "
            f"insuffisante ou fichier endommagé{_signal_text(exitcode)}) ; vérifiez qu'il "
            "s'ouvre dans un tableur et enregistrez-le à nouveau."
        )


def _signal_text(exitcode: int | None) -> str:
    """Return a French hint from a child's exit code (negative: the signal that ended it)."""
    if exitcode is None or exitcode >= 0:
        return ""
    return ", arrêt par le système"


def _receive(conn: multiprocessing.connection.Connection, child: Any, watch: _Watch) -> bytes:
    """Return the child's next message, watching its memory and time while waiting."""
    while not conn.poll(_POLL):
        watch.check()
        if not child.is_alive() and not conn.poll(_POLL):
            child.join(timeout=5)
            raise watch.failure(child.exitcode)
    watch.check()
    return conn.recv_bytes()


def _rss(pid: int | None) -> int:
    """Return the resident memory of process ``pid`` in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return 0
    return 0


def _rebuild(
    con: duckdb.DuckDBPyConnection, header: dict[str, Any], blobs: list[bytes]
) -> ParsedFile:
    """Return the child's result: a ParsedFile on ``con``, or raise its error."""
    tables = [_arrow(blob) for blob in blobs]
    if not header.get("ok"):
        raise _error(header, tables)
    relations: dict[str, duckdb.DuckDBPyRelation] = {}
    for name, table in zip(header["tables"], tables, strict=False):
        relations[name] = _relation(con, name, table)
    return ParsedFile(
        tool=str(header["tool"]),
        variant=str(header["variant"]),
        rows_read=int(header["rows_read"]),
        tickets=relations.get("tickets"),
        time_entries=relations.get("time_entries"),
        status_history=relations.get("status_history"),
        rejected=_rejected(tables[-1]) if tables else rejects(),
        warnings=[str(w) for w in header.get("warnings", [])],
    )


def _arrow(blob: bytes) -> pa.Table:
    with pa.ipc.open_stream(blob) as stream:
        return stream.read_all()


def _relation(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Any:
    """Copy an Arrow table into a temporary table of ``con``; return a relation on it."""
    if name not in _TABLES:
        raise ParseFailed("Lecture impossible : réponse inattendue du lecteur.")
    target = temp_name(name)
    scratch = f"{target}_arrow"
    con.register(scratch, table)
    try:
        con.execute(f"CREATE TEMP TABLE {target} AS SELECT * FROM {scratch}").fetchall()
    finally:
        con.unregister(scratch)
    return con.sql(f"SELECT * FROM {target}")


def _rejected(table: pa.Table) -> Any:
    frame = table.to_pandas()
    return frame.astype(REJECT_COLUMNS) if len(frame) else rejects()


def _error(header: dict[str, Any], tables: list[pa.Table]) -> ImportFormatError:
    """Return the error the child reported, rebuilt from its JSON fields."""
    kind, message = str(header.get("error")), str(header.get("message"))
    if kind == "UnrecognisedFormat":
        found = header["unrecognised"]
        return UnrecognisedFormat(
            message,
            header=[str(h) for h in found["header"]],
            signature=str(found["signature"]),
            suggestion={str(k): v for k, v in found["suggestion"].items()},
            preview=[[str(c) for c in row] for row in found["preview"]],
            table=str(found["table"]),
            sheet=found["sheet"],
        )
    if kind == "AllRowsRejected":
        rejected = _rejected(tables[-1]) if tables else rejects()
        return AllRowsRejected(message, rows_read=int(header["rows_read"]), rejected=rejected)
    return _ERRORS.get(kind, ImportFormatError)(message)
