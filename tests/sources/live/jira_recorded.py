"""A RECORDED Jira Cloud: no Jira Cloud can run here, so its REST v3 answers are replayed.

The bodies follow the shapes Atlassian documents for REST v3 (``/myself``, ``POST
/search/jql`` with ``nextPageToken`` and ``isLast``, ``POST /changelog/bulkfetch``,
``/worklog/updated`` and ``/worklog/deleted`` with ``values``/``since``/``until``/
``lastPage``/``nextPage``, ``POST /worklog/list``). Pages are deliberately small so
that every paging path runs. The JQL is read for the three clauses a sync writes
(``project = X``, ``updated >= "yyyy/MM/dd HH:mm"``, ``id in (...)``).
"""

from __future__ import annotations

import base64
import re
import threading
import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from tests.sources.live.recorded import Answer, Seen

API = "/rest/api/3"
EMAIL = "camille@example.test"
TOKEN = "ATATT3xFfGF0-jeton-de-test"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PAGE = 2  # issues per search page, worklog ids per page


def ms(text: str) -> int:
    """Return the epoch milliseconds of a Jira timestamp."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def _user(name: str) -> dict[str, Any]:
    return {"accountId": "5b10a2844c20165700ede21g-" + name[:3].lower(), "displayName": name,
            "active": True, "timeZone": "Europe/Paris"}  # fmt: skip


def _issue(
    number: str, key: str, project: str, summary: str, kind: str, priority: str, status: str,
    created: str, updated: str, **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    return {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog",
        "id": number,
        "self": f"https://exemple.atlassian.net{API}/issue/{number}",
        "key": key,
        "fields": {
            "summary": summary,
            "status": {"name": status, "id": "1", "statusCategory": {"key": "indeterminate"}},
            "priority": {"name": priority, "id": "2"},
            "issuetype": {"name": kind, "id": "10004", "subtask": False},
            "project": {
                "id": "10000",
                "key": project,
                "name": f"Projet {project}",
                "projectTypeKey": "software",
            },
            "assignee": _user("Camille Martin"),
            "created": created,
            "updated": updated,
            "resolutiondate": extra.get("resolutiondate"),
            "resolution": {"name": "Terminé"} if extra.get("resolutiondate") else None,
            "timeoriginalestimate": extra.get("estimate"),
            "timespent": extra.get("spent"),
        },
    }


def _change(number: str, at: str, field: str, old: str, new: str) -> dict[str, Any]:
    return {
        "id": f"{number}-{at}",
        "author": _user("Camille Martin"),
        "created": at,
        "items": [
            {
                "field": field,
                "fieldtype": "jira",
                "fieldId": field,
                "from": "1",
                "fromString": old,
                "to": "2",
                "toString": new,
            }
        ],
    }


def _worklog(number: int, issue: str, started: str, seconds: int, who: str, text: str,
             updated: str) -> dict[str, Any]:  # fmt: skip
    return {
        "self": f"https://exemple.atlassian.net{API}/issue/{issue}/worklog/{number}",
        "author": _user(who),
        "updateAuthor": _user(who),
        "comment": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": text}]}]},
        "created": updated,
        "updated": updated,
        "started": started,
        "timeSpent": f"{seconds // 3600}h",
        "timeSpentSeconds": seconds,
        "id": str(number),
        "issueId": issue,
    }  # fmt: skip


class RecordedJira:
    """The recorded site: its issues, changelogs and worklogs, served as REST v3 does."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queued: dict[str, list[Answer]] = {}  # path -> answers served first (429...)
        self.issues = {
            "10001": _issue("10001", "JRA-1", "JRA", "Paiement bloqué", "Bug", "Highest", "Terminé",
                            "2026-10-05T10:00:00.000+0200", "2026-10-06T15:00:00.000+0200",
                            resolutiondate="2026-10-06T15:00:00.000+0200"),
            "10002": _issue("10002", "JRA-2", "JRA", "Export", "Story", "High", "En cours",
                            "2026-11-02T09:00:00.000+0100", "2026-11-02T09:30:00.000+0100",
                            estimate=28800, spent=36000),
            "10003": _issue("10003", "JRA-3", "JRA", "Lenteur", "Bug", "Medium", "À faire",
                            "2026-10-26T09:00:00.000+0100", "2026-10-26T09:00:00.000+0100"),
            "10004": _issue("10004", "JRA-4", "JRA", "Support", "Task", "Low", "À faire",
                            "2026-11-03T09:00:00.000+0100", "2026-11-03T09:00:00.000+0100"),
            "20001": _issue("20001", "OTHER-1", "OTHER", "Autre client", "Bug", "High", "À faire",
                            "2026-11-03T09:00:00.000+0100", "2026-11-03T09:00:00.000+0100"),
        }  # fmt: skip
        self.changelogs = {
            "10001": [
                _change("10001", "2026-10-05T10:15:00.000+0200", "priority", "High", "Highest"),
                _change("10001", "2026-10-05T11:30:00.000+0200", "status", "À faire", "En cours"),
                _change("10001", "2026-10-05T14:30:00.000+0200", "status", "En cours",
                        "Waiting for customer"),
                _change("10001", "2026-10-06T10:00:00.000+0200", "status",
                        "Waiting for customer", "En cours"),
                _change("10001", "2026-10-06T15:00:00.000+0200", "status", "En cours", "Terminé"),
            ],
            "10002": [
                _change("10002", "2026-11-02T09:30:00.000+0100", "status", "À faire", "En cours"),
            ],
        }  # fmt: skip
        self.worklogs = {
            w["id"]: w
            for w in (
                _worklog(1001, "10001", "2026-10-05T11:30:00.000+0200", 5400, "Camille Martin",
                         "Diagnostic", "2026-10-05T18:00:00.000+0200"),
                _worklog(1002, "10001", "2026-10-06T09:00:00.000+0200", 3600, "Louis Durand",
                         "Correctif", "2026-10-06T18:00:00.000+0200"),
                _worklog(1003, "10002", "2026-11-02T14:00:00.000+0100", 36000, "Camille Martin",
                         "Développement", "2026-11-02T18:00:00.000+0100"),
                _worklog(1004, "20001", "2026-11-03T10:00:00.000+0100", 3600, "Louis Durand",
                         "Autre client", "2026-11-03T18:00:00.000+0100"),
                _worklog(1005, "10004", "2026-11-03T10:00:00.000+0100", 7200, "Louis Durand",
                         "Support", "2026-11-03T18:00:00.000+0100"),
            )
        }  # fmt: skip
        self.deleted: dict[str, int] = {}

    # -- changes at the source ---------------------------------------------------------

    def now_text(self) -> str:
        """Date a change two minutes ago: /worklog/updated hides the last minute (documented);
        a sync that follows still sees it thanks to its overlap."""
        text = (datetime.now(PARIS) - timedelta(minutes=2)).isoformat(timespec="milliseconds")
        return re.sub(r"([+-]\d{2}):(\d{2})$", r"\1\2", text)  # Jira writes +0100

    def edit_worklog(self, number: int, seconds: int) -> None:
        with self.lock:
            log = self.worklogs[str(number)]
            log["timeSpentSeconds"] = seconds
            log["updated"] = self.now_text()

    def delete_worklog(self, number: int) -> None:
        with self.lock:
            self.worklogs.pop(str(number))
            self.deleted[str(number)] = ms(self.now_text())

    def add_worklog(self, number: int, issue: str, seconds: int) -> None:
        with self.lock:
            now = self.now_text()
            self.worklogs[str(number)] = _worklog(number, issue, now, seconds, "Léa Lecteur",
                                                  "Ajout", now)  # fmt: skip

    def move(self, number: str, status: str) -> None:
        with self.lock:
            issue = self.issues[number]
            now = self.now_text()
            old = issue["fields"]["status"]["name"]
            self.changelogs.setdefault(number, []).append(
                _change(number, now, "status", old, status)
            )
            issue["fields"]["status"]["name"] = status
            issue["fields"]["updated"] = now

    # -- the REST API --------------------------------------------------------------------

    def __call__(self, seen: Seen) -> Answer:
        with self.lock:
            queued = self.queued.get(seen.path)
            if queued:
                return queued.pop(0)
        expected = "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
        if seen.headers.get("authorization") != expected:
            return Answer(
                401, {"errorMessages": ["Client must be authenticated to access this resource."]}
            )
        routes = {
            ("GET", f"{API}/myself"): self._myself,
            ("POST", f"{API}/search/jql"): self._search,
            ("POST", f"{API}/changelog/bulkfetch"): self._bulkfetch,
            ("GET", f"{API}/worklog/updated"): lambda s: self._since(s, "updated"),
            ("GET", f"{API}/worklog/deleted"): lambda s: self._since(s, "deleted"),
            ("POST", f"{API}/worklog/list"): self._list,
        }  # fmt: skip
        route = routes.get((seen.method, seen.path))
        if route is None:
            return Answer(404, {"errorMessages": ["Not found"]})
        with self.lock:
            return route(seen)

    def _myself(self, seen: Seen) -> Answer:
        return Answer(body={**_user("Camille Martin"), "emailAddress": EMAIL,
                            "accountType": "atlassian", "locale": "fr_FR"})  # fmt: skip

    def _search(self, seen: Seen) -> Answer:
        body = seen.body or {}
        jql = body.get("jql", "")
        found = [i for i in self.issues.values() if _matches(jql, i)]
        found.sort(key=lambda i: int(i["id"]))
        start = int(body.get("nextPageToken") or 0)
        size = min(int(body.get("maxResults", 50)), PAGE)
        page = found[start : start + size]
        fields = body.get("fields") or []
        issues = [{**i, "fields": {k: v for k, v in i["fields"].items() if k in fields}}
                  for i in page]  # fmt: skip
        last = start + size >= len(found)
        answer: dict[str, Any] = {"issues": issues, "isLast": last}
        if not last:
            answer["nextPageToken"] = str(start + size)
        return Answer(body=answer)

    def _bulkfetch(self, seen: Seen) -> Answer:
        body = seen.body or {}
        ids = [str(i) for i in body.get("issueIdsOrKeys", [])]
        wanted = set(body.get("fieldIds") or [])
        start = int(body.get("nextPageToken") or 0)
        logs = []
        for number in ids[start : start + 1]:  # one issue per page: every page is read
            histories = [
                {**h, "items": [i for i in h["items"] if i["fieldId"] in wanted]}
                for h in self.changelogs.get(number, [])
            ]
            logs.append({"issueId": number, "changeHistories": histories})
        answer: dict[str, Any] = {"issueChangeLogs": logs}
        if start + 1 < len(ids):
            answer["nextPageToken"] = str(start + 1)
        return Answer(body=answer)

    def _since(self, seen: Seen, kind: str) -> Answer:
        since = int(seen.arg("since", "0") or 0)
        stamps = (
            {n: ms(w["updated"]) for n, w in self.worklogs.items()}
            if kind == "updated"
            else dict(self.deleted)
        )
        # Documented: `since` is inclusive, the last minute is not returned yet, the
        # next page starts at the `until` of this one (its last item comes again).
        hidden = ms(datetime.now(PARIS).isoformat()) - 60_000
        after = sorted((t, int(n)) for n, t in stamps.items() if since <= t < hidden)
        page = after[:PAGE]
        until = page[-1][0] if page else since
        last = len(after) <= PAGE
        answer = {
            "values": [{"worklogId": n, "updatedTime": t, "properties": []} for t, n in page],
            "since": page[0][0] if page else since,
            "until": until,
            "self": f"https://exemple.atlassian.net{API}/worklog/{kind}?since={since}",
            "lastPage": last,
        }
        if not last:
            answer["nextPage"] = f"https://exemple.atlassian.net{API}/worklog/{kind}?since={until}"
        return Answer(body=answer)

    def _list(self, seen: Seen) -> Answer:
        ids = [str(i) for i in (seen.body or {}).get("ids", [])]
        return Answer(body=[self.worklogs[i] for i in ids if i in self.worklogs])


def _matches(jql: str, issue: dict[str, Any]) -> bool:
    """Evaluate the JQL clauses a sync writes against one issue."""
    project = re.search(r'project\s*=\s*"?([A-Z][A-Z0-9_]*)"?', jql, re.IGNORECASE)
    if project and issue["fields"]["project"]["key"] != project.group(1):
        return False
    updated = re.search(r'updated\s*>=\s*"(\d{4}/\d{2}/\d{2} \d{2}:\d{2})"', jql)
    if updated:
        after = datetime.strptime(updated.group(1), "%Y/%m/%d %H:%M").replace(tzinfo=PARIS)
        if datetime.fromisoformat(issue["fields"]["updated"]) < after:
            return False
    ids = re.search(r"id\s+in\s*\(([\d,\s]+)\)", jql)
    return not ids or issue["id"] in {i.strip() for i in ids.group(1).split(",")}
