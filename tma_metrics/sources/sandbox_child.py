"""The child side of `sandbox`: set the limits, parse with `reader`, send the result.

The forkserver imports this module once (with the readers); each child then runs
`main` on a pipe: one pickled request in, a JSON header and Arrow IPC blobs out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import resource
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources import failures, limits, reader, sandbox
from tma_metrics.sources.errors import UnrecognisedFormat
from tma_metrics.sources.limits import GIB, MIB, Limits

__all__ = ["main"]

#: Address space a child needs on top of its resident budget: DuckDB, Arrow and the
#: interpreter reserve about 1 Gio of virtual memory they never touch.
_RESERVED = GIB + 512 * MIB


def main(conn: Connection) -> None:
    """Serve one request on ``conn`` (runs in the child process)."""
    # The request comes from the parent (the server), never from the file's author.
    request = pickle.loads(conn.recv_bytes())  # noqa: S301
    bound: Limits = request["limits"]
    _confine(bound)
    try:
        header, blobs = _parse(request, bound)
    except BaseException as exc:
        header, blobs = _failure(exc)
    header["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    header["blobs"] = len(blobs)
    conn.send_bytes(json.dumps(header, ensure_ascii=False).encode())
    for blob in blobs:
        conn.send_bytes(blob)
    conn.close()


def _confine(bound: Limits) -> None:
    """Limit this process: address space, CPU time, no file written, no recursion."""
    sandbox.IN_CHILD = True
    address = bound.memory_bytes + _RESERVED
    resource.setrlimit(resource.RLIMIT_AS, (address, address))
    cpu = int(bound.seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    csv.field_size_limit(bound.field_bytes)


def _parse(request: dict[str, Any], bound: Limits) -> tuple[dict[str, Any], list[bytes]]:
    """Parse the requested file; return the header and blobs describing the result."""
    # A few threads: one halves DuckDB's speed, many reserve address space (RLIMIT_AS).
    threads = max(1, min(4, os.cpu_count() or 1))
    con = duckdb.connect(
        config={"threads": threads, "memory_limit": f"{bound.memory_bytes // 2 // MIB}MB"}
    )
    con.execute("SET temp_directory = ''")  # no spilling: nothing written to disk
    data = request["data"] if request["data"] is not None else Path(request["path"])
    with limits.using(bound):
        try:
            if request["mapping"] is not None:
                parsed = reader.read_with_mapping(
                    con, data, request["name"], request["mapping"], timezone=request["timezone"]
                )
            else:
                parsed = reader.read_export(
                    con,
                    data,
                    request["name"],
                    request["source"],
                    profiles=request["profiles"],
                    timezone=request["timezone"],
                )
            with failures.in_french():
                return _result(parsed)
        except UnrecognisedFormat as exc:
            return _unrecognised(exc), []
        except failures.AllRowsRejected as exc:
            header = {"ok": False, "error": "AllRowsRejected", "message": str(exc)}
            header["rows_read"] = exc.rows_read
            return header, [_blob(pa.Table.from_pandas(exc.rejected, preserve_index=False))]


def _result(parsed: ParsedFile) -> tuple[dict[str, Any], list[bytes]]:
    """Return the header and the Arrow blobs (tables, then rejected rows) of ``parsed``."""
    names, blobs = [], []
    for name in ("tickets", "time_entries", "status_history"):
        relation = getattr(parsed, name)
        if relation is not None:
            names.append(name)
            blobs.append(_blob(relation.to_arrow_table()))
    blobs.append(_blob(pa.Table.from_pandas(_plain(parsed.rejected), preserve_index=False)))
    header = {
        "ok": True,
        "tool": parsed.tool,
        "variant": parsed.variant,
        "rows_read": parsed.rows_read,
        "warnings": list(parsed.warnings),
        "tables": names,
    }
    return header, blobs


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the rejected rows with Arrow-friendly dtypes."""
    return frame.astype({"line": "Int64", "column": "string", "raw": "string", "reason": "string"})


def _blob(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _unrecognised(exc: UnrecognisedFormat) -> dict[str, Any]:
    return {
        "ok": False,
        "error": "UnrecognisedFormat",
        "message": str(exc),
        "unrecognised": {
            "header": exc.header,
            "signature": exc.signature,
            "suggestion": exc.suggestion,
            "preview": exc.preview,
            "table": exc.table,
            "sheet": exc.sheet,
        },
    }


def _failure(exc: BaseException) -> tuple[dict[str, Any], list[bytes]]:
    """Return the header of a refusal: the French error standing for ``exc``."""
    error = failures.french(exc)
    kind = type(error).__name__
    if not isinstance(error, ImportFormatError) or kind not in (
        "LimitExceeded",
        "ParseFailed",
        "ImportFormatError",
    ):
        kind = "ImportFormatError"
    return {"ok": False, "error": kind, "message": str(error)}, []
