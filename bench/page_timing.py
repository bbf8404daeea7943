"""Time every page of the app through Streamlit's AppTest (row 7 of the benchmark).

For each page, in a process where the imports are done:

- **first load**: Streamlit's caches are cleared (data and resources: the store is
  reopened), then the page runs for the first contract at the data's last day;
- **filter changes**, in the same session: the sidebar's as-of date moves back one week
  at a time (the figures are recomputed: nothing cached matches), then the severity
  filter changes (the figures come from the cache; the lists, charts and texts are
  rebuilt), each ``repeats`` times with different values; the median of each is kept.

Pages without the shared sidebar (glossary, import...) rerun as they are.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.runner import project_root

SEVERITY_CHOICES = (["bloquante"], ["majeure", "mineure"], ["mineure"], [])


def time_pages(args: dict[str, Any]) -> dict[str, Any]:
    """Return per-page timings (seconds) and whether any run raised."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tma_metrics.ui.frame import PAGE_TABLE

    os.environ["TMA_METRICS_DB"] = args["db"]
    os.environ["TMA_METRICS_CONTRACTS"] = args["contracts"]
    os.environ["TMA_METRICS_DEMO"] = "0"
    os.environ["TMA_METRICS_USERS"] = str(Path(tempfile.mkdtemp()) / "users.toml")
    app = str(project_root() / "app.py")
    as_of = date.fromisoformat(args["as_of"])
    repeats = int(args.get("repeats", 2))
    pages: dict[str, dict[str, Any]] = {}
    for _section, file, title, *_ in PAGE_TABLE:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = _session(AppTest, app, file, args, as_of)
        cpu = time.process_time()
        first = _run(at)
        row: dict[str, Any] = {
            "title": title,
            "first_load": first,
            "first_load_cpu": time.process_time() - cpu,
            "errors": _errors(at),
        }
        if _widget(at, "date_input", "au") is not None:
            runs, cpus = [], []
            for i in range(repeats):
                # Look the widget up again each time: some keys follow the date.
                day = as_of - timedelta(days=7 * (i + 1))
                cpu = time.process_time()
                runs.append(_run(_widget(at, "date_input", "au").set_value(day)))
                cpus.append(time.process_time() - cpu)
                row["errors"] += _errors(at)
            row["as_of_change"] = statistics.median(runs)
            row["as_of_change_cpu"] = statistics.median(cpus)
        severity = _widget(at, "multiselect", "severite")
        if severity is not None:
            runs = []
            for i in range(repeats):
                pick = SEVERITY_CHOICES[i % len(SEVERITY_CHOICES)]
                runs.append(_run(_widget(at, "multiselect", "severite").set_value(pick)))
                row["errors"] += _errors(at)
            row["severity_change"] = statistics.median(runs)
        if "as_of_change" not in row and "severity_change" not in row:
            row["rerun"] = statistics.median(_run(at) for _ in range(repeats))
        row["filter_change"] = max(
            row.get(k, 0.0) for k in ("as_of_change", "severity_change", "rerun")
        )
        pages[file] = row
    return {
        "pages": pages,
        "first_load_max": max(p["first_load"] for p in pages.values()),
        "filter_change_max": max(p["filter_change"] for p in pages.values()),
        "errors": sum(len(p["errors"]) for p in pages.values()),
    }


def _session(app_test: Any, app: str, file: str, args: dict[str, Any], day: date) -> Any:
    """Return a new AppTest session on ``file`` for the first contract at ``day``."""
    at = app_test.from_file(app, default_timeout=args.get("timeout", 600))
    at.switch_page(f"pages/{file}")
    at.query_params["contrat"] = args["contract"]
    at.query_params["au"] = day.isoformat()
    return at


def _run(target: Any) -> float:
    """Run an AppTest (or a widget change) and return the seconds it took."""
    began = time.perf_counter()
    target.run()
    return time.perf_counter() - began


def _widget(at: Any, kind: str, key: str) -> Any:
    """Return the sidebar widget of ``kind`` with ``key``, or None when the page has none."""
    try:
        return getattr(at.sidebar, kind)(key=key)
    except KeyError:
        return None


def _errors(at: Any) -> list[str]:
    """Return the exceptions the last run showed (as text)."""
    return [str(e.value)[:300] for e in at.exception]
