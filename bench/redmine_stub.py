"""A synthetic Redmine REST server for the sync benchmark (Redmine 5.0's JSON shapes).

It serves ``issues`` issues of one project, each with three status changes in its
journals and two time entries, paged by 100 like Redmine, with a fixed ``latency`` per
request (a LAN server answers in tens of milliseconds, not zero). `touch` makes some
issues "changed now" for the incremental measure. Bodies are built on demand from the
issue's number: nothing is stored but the touched set.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "cle-de-banc-d-essai-0123456789"
PAGE = 100
_STATUSES = ("Nouveau", "En cours", "En attente client", "Résolu")
_PRIORITIES = ("Urgent", "Haut", "Normal", "Bas")


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class SyntheticRedmine:
    """Serve the synthetic project on 127.0.0.1 while the ``with`` block runs."""

    def __init__(self, issues: int, *, latency: float = 0.02) -> None:
        self.count = issues
        self.latency = latency
        self.touched: dict[int, str] = {}
        self.requests = 0
        self._lock = threading.Lock()
        # Issues spread over the last 300 days, every one updated a day after its creation
        # and before today: only touched issues are changed since a previous sync.
        self._today = date.today()
        start = datetime.combine(self._today - timedelta(days=302), datetime.min.time())
        self._base = start.replace(tzinfo=UTC)
        self._step = timedelta(days=300) / max(1, issues)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                with stub._lock:
                    stub.requests += 1
                time.sleep(stub.latency)
                if self.headers.get("X-Redmine-API-Key") != KEY:
                    status, body = 401, {}
                else:
                    status, body = stub.answer(parts.path, query)
                payload = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SyntheticRedmine:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def touch(self, count: int) -> None:
        """Reopen ``count`` issues, spread over the project, now (a fourth journal)."""
        now = _stamp(datetime.now(UTC))
        step = max(1, self.count // max(1, count))
        for number in range(1, self.count + 1, step)[:count]:
            self.touched[number] = now

    # -- answers ----------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        simple = {
            "/users/current.json": {"user": {"id": 1, "login": "admin"}},
            "/issue_statuses.json": {
                "issue_statuses": [
                    {"id": i, "name": n, "is_closed": False} for i, n in enumerate(_STATUSES, 1)
                ]
            },
            "/trackers.json": {"trackers": [{"id": 1, "name": "Anomalie"}]},
            "/enumerations/issue_priorities.json": {
                "issue_priorities": [{"id": i, "name": n} for i, n in enumerate(_PRIORITIES, 1)]
            },
            "/projects.json": {"projects": [self._project()], "total_count": 1},
            "/projects/bench.json": {"project": self._project()},
        }
        if path in simple:
            return 200, simple[path]
        if path == "/issues.json":
            return 200, self._issue_page(query)
        if path.startswith("/issues/") and path.endswith(".json"):
            number = int(path.removeprefix("/issues/").removesuffix(".json"))
            return 200, {"issue": {**self._issue(number), "journals": self._journals(number)}}
        if path == "/time_entries.json":
            return 200, self._entry_page(query)
        return 404, {}

    def _project(self) -> dict[str, Any]:
        return {"id": 1, "name": "Banc d'essai", "identifier": "bench"}

    def _created(self, number: int) -> datetime:
        return self._base + self._step * number

    def _issue(self, number: int) -> dict[str, Any]:
        created = self._created(number)
        status = 2 if number in self.touched else 4
        return {
            "id": number,
            "project": {"id": 1, "name": "Banc d'essai"},
            "tracker": {"id": 1, "name": "Anomalie"},
            "status": {"id": status, "name": _STATUSES[status - 1], "is_closed": False},
            "priority": {"id": 1 + number % 4, "name": _PRIORITIES[number % 4]},
            "subject": f"Demande {number}",
            "estimated_hours": float(1 + number % 8),
            "spent_hours": 2.5,
            "created_on": _stamp(created),
            "updated_on": self.touched.get(number, _stamp(created + timedelta(days=1))),
            "closed_on": None,
        }

    def _journals(self, number: int) -> list[dict[str, Any]]:
        created = self._created(number)
        steps = ((1, 2, 1), (2, 3, 3), (3, 4, 24))  # old status, new status, hours after
        reopened = []
        if number in self.touched:
            reopened = [
                {"id": number * 10 + 9, "user": {"id": 1, "name": "Admin"}, "notes": "",
                 "created_on": self.touched[number],
                 "details": [{"property": "attr", "name": "status_id", "old_value": "4",
                              "new_value": "2"}]}
            ]  # fmt: skip
        return reopened + [
            {
                "id": number * 10 + i,
                "user": {"id": 1, "name": "Admin"},
                "notes": "",
                "created_on": _stamp(created + timedelta(hours=hours)),
                "details": [
                    {
                        "property": "attr",
                        "name": "status_id",
                        "old_value": str(old),
                        "new_value": str(new),
                    }
                ],
            }
            for i, (old, new, hours) in enumerate(steps)
        ]

    def _issue_page(self, query: dict[str, str]) -> dict[str, Any]:
        numbers = range(1, self.count + 1)
        after = query.get("updated_on", "").removeprefix(">=")
        if after:
            numbers = [n for n in numbers if self._issue_updated(n) >= after]
        return self._page(list(numbers), query, "issues", self._issue)

    def _issue_updated(self, number: int) -> str:
        return self.touched.get(number, _stamp(self._created(number) + timedelta(days=1)))

    def _entry_page(self, query: dict[str, str]) -> dict[str, Any]:
        numbers = list(range(1, 2 * self.count + 1))
        since = query.get("from")
        if since:
            numbers = [n for n in numbers if self._entry_day(n).isoformat() >= since]
        return self._page(numbers, query, "time_entries", self._entry)

    def _entry_day(self, number: int) -> date:
        return self._today - timedelta(days=number % 180)

    def _entry(self, number: int) -> dict[str, Any]:
        issue = (number + 1) // 2
        return {
            "id": number,
            "project": {"id": 1, "name": "Banc d'essai"},
            "issue": {"id": issue},
            "user": {"id": 2, "name": "Camille Martin"},
            "activity": {"id": 9, "name": "Développement"},
            "hours": 1.25,
            "comments": f"Travail sur la demande {issue}",
            "spent_on": self._entry_day(number).isoformat(),
        }

    def _page(self, numbers: list[int], query: dict[str, str], key: str, build: Any) -> dict:
        offset = int(query.get("offset", 0))
        limit = min(PAGE, int(query.get("limit", 25)))
        chosen = numbers[offset : offset + limit]
        return {key: [build(n) for n in chosen], "total_count": len(numbers),
                "offset": offset, "limit": limit}  # fmt: skip
