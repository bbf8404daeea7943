"""A small Redmine 5.0 look-alike (the real server's JSON shapes), that misbehaves on demand.

The real Redmine of `redmine_server` answers the way Redmine does; this one is for what a
real server does only on a bad day (a 500 in the middle of paging, a truncated body, a
timeout, a 429) and for tests that must not depend on Redmine being installed.
"""

from __future__ import annotations

import threading
from typing import Any

from tests.sources.live.recorded import Answer, Seen

KEY = "cle-api-redmine-de-test-0123456789abcdef"
PAGE = 2  # the server pages by less than the client asks: every paging path runs
_STATUSES = [
    {"id": 1, "name": "Nouveau", "is_closed": False},
    {"id": 2, "name": "En cours", "is_closed": False},
    {"id": 3, "name": "Résolu", "is_closed": False},
    {"id": 7, "name": "En attente client", "is_closed": False},
]
PROJECT = {"id": 1, "name": "Essai", "identifier": "essai", "status": 1, "is_public": True}
#: Faults a test can switch on, and what each one does.
FAULTS = (
    "401", "403-project", "404-project", "429", "500-page-2", "bad-json", "html",
    "rest-disabled", "shape", "slow",
)  # fmt: skip


def _issue(number: int) -> dict[str, Any]:
    return {
        "id": number,
        "project": {"id": 1, "name": "Essai"},
        "tracker": {"id": 1, "name": "Anomalie"},
        "status": {"id": 2, "name": "En cours", "is_closed": False},
        "priority": {"id": 4, "name": "Urgent"},
        "author": {"id": 1, "name": "Redmine Admin"},
        "subject": f"Demande {number} <b>gras</b>",
        "estimated_hours": 2.0 if number % 2 else None,
        "spent_hours": 1.5,
        "created_on": f"2026-11-0{number}T08:00:00Z",
        "updated_on": f"2026-11-0{number}T09:00:00Z",
        "closed_on": None,
    }


def _journals(number: int) -> list[dict[str, Any]]:
    return [
        {"id": number * 10, "user": {"id": 1, "name": "Redmine Admin"}, "notes": "",
         "created_on": f"2026-11-0{number}T09:00:00Z", "private_notes": False,
         "details": [{"property": "attr", "name": "status_id", "old_value": "1",
                      "new_value": "2"}]},
    ]  # fmt: skip


def _entry(number: int) -> dict[str, Any]:
    return {
        "id": 100 + number,
        "project": {"id": 1, "name": "Essai"},
        "issue": {"id": number},
        "user": {"id": 3, "name": "Camille Martin"},
        "activity": {"id": 9, "name": "Développement"},
        "hours": 1.5,
        "comments": f"Travail {number}",
        "spent_on": f"2026-11-0{number}",
        "created_on": f"2026-11-0{number}T17:00:00Z",
        "updated_on": f"2026-11-0{number}T17:00:00Z",
    }


class FakeRedmine:
    """Five issues and five time entries of project « essai », paged by two."""

    def __init__(self, issues: int = 5, delay: float = 0.0) -> None:
        self.fault: str | None = None
        self.issues = issues
        self.delay = delay  # per request (the browser test watches the progress bar)
        self.lock = threading.Lock()

    def __call__(self, seen: Seen) -> Answer:
        answer = self._answer(seen)
        answer.delay = max(answer.delay, self.delay)
        return answer

    def _answer(self, seen: Seen) -> Answer:
        fault = self.fault
        path = seen.path
        if fault == "rest-disabled" and path == "/users/current.json":
            return Answer(403, b"")  # what Redmine sends (head :forbidden)
        if seen.headers.get("x-redmine-api-key") != KEY or fault == "401":
            return Answer(401, b"", {"WWW-Authenticate": 'Basic realm="Redmine API"'})
        if path == "/users/current.json":
            return Answer(body={"user": {"id": 1, "login": "admin", "admin": True}})
        if path == "/issue_statuses.json":
            return Answer(body={"issue_statuses": _STATUSES})
        if path == "/trackers.json":
            return Answer(body={"trackers": [{"id": 1, "name": "Anomalie"}]})
        if path == "/enumerations/issue_priorities.json":
            return Answer(body={"issue_priorities": [{"id": 4, "name": "Urgent"}]})
        if path == "/projects.json":
            hidden = fault in ("403-project", "404-project")
            return Answer(
                body={
                    "projects": [] if hidden else [PROJECT],
                    "total_count": 0 if hidden else 1,
                    "offset": 0,
                    "limit": 100,
                }
            )
        if path == "/projects/essai.json":
            if fault == "403-project":
                return Answer(403, {"errors": ["Accès refusé"]})
            if fault == "404-project":
                return Answer(404, b"")
            return Answer(body={"project": PROJECT})
        if path == "/issues.json":
            return self._issues(seen, fault)
        if path.startswith("/issues/") and path.endswith(".json"):
            number = int(path.removeprefix("/issues/").removesuffix(".json"))
            if fault == "bad-json" and number == 3:
                return Answer(body=b'{"issue": {"id": 3, "subject": "coup')
            return Answer(body={"issue": {**_issue(number), "journals": _journals(number)}})
        if path == "/time_entries.json":
            offset = int(seen.arg("offset", "0") or 0)
            entries = [_entry(n) for n in range(1, self.issues + 1)]
            return Answer(
                body={
                    "time_entries": entries[offset : offset + PAGE],
                    "total_count": len(entries),
                    "offset": offset,
                    "limit": PAGE,
                }
            )
        return Answer(404, b"")  # fmt: skip

    def _issues(self, seen: Seen, fault: str | None) -> Answer:
        offset = int(seen.arg("offset", "0") or 0)
        if fault == "429":
            return Answer(429, b"", {"Retry-After": "1"})
        if fault == "500-page-2" and offset >= PAGE:
            return Answer(500, b"<h1>Internal error</h1>", {"Content-Type": "text/html"})
        if fault == "html":
            return Answer(200, "<!DOCTYPE html><html><body>Connexion</body></html>",
                          {"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
        if fault == "shape":
            return Answer(body={"issues": "pas une liste", "total_count": 1})
        if fault == "slow":
            return Answer(body={"issues": [], "total_count": 0}, delay=3.0)
        issues = [_issue(n) for n in range(1, self.issues + 1)]
        return Answer(body={"issues": issues[offset : offset + PAGE], "total_count": len(issues),
                            "offset": offset, "limit": PAGE})  # fmt: skip
