"""Run one measured step in a fresh Python process and read back its result and peak RSS.

Each step runs alone in ``python -m bench.steps NAME JSON``: its peak
resident memory (``VmHWM``, read by the step itself as it ends) then covers everything
the step did, DuckDB's native memory included (tracemalloc would only see Python's
allocations). The step prints one JSON line; the runner adds the process's
wall time and its peak RSS in MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tma_metrics.store.connection import PROJECT_ROOT

#: Marks the step's result line among anything else it prints.
RESULT_PREFIX = "BENCH-RESULT "


class StepFailed(RuntimeError):
    """A measured step exited with an error; the message holds the end of its output."""


def run_step(name: str, args: dict[str, Any], *, timeout: float = 3600.0) -> dict[str, Any]:
    """Run step ``name`` with ``args`` in a subprocess; return its JSON result."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
    )
    # One writer per database file: steps never share a process with the harness's store.
    command = [sys.executable, "-m", "bench.steps", name, json.dumps(args)]
    began = time.perf_counter()
    # The command is this interpreter on our own module with JSON from our own code.
    done = subprocess.run(  # noqa: S603
        command,
        cwd=str(PROJECT_ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - began
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout)[-3000:]
        raise StepFailed(f"Étape « {name} » en échec (code {done.returncode}) :\n{tail}")
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    result["process_seconds"] = round(wall, 3)
    return result


def emit(result: dict[str, Any]) -> None:
    """Print a step's result line (called inside the step's process)."""
    result["peak_rss_mb"] = round(peak_rss_kb() / 1024, 1)
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False, default=str), flush=True)


def peak_rss_kb() -> int:
    """Return this process's peak resident memory in KiB.

    ``VmHWM`` of /proc/self/status: the high-water mark of this program's memory, which
    starts afresh at exec. ``ru_maxrss`` is kept across exec on Linux, so a step would
    report its parent's peak when that one is higher; it serves where /proc is missing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def project_root() -> Path:
    """Return the project folder (where ``app.py`` lives)."""
    return PROJECT_ROOT
