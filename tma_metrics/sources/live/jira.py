"""Live sync from Jira Cloud's REST API v3: issues by JQL, bulk changelogs, worklogs.

Read order: ``/myself`` (checks the credentials, gives the user's time zone, in which
JQL dates are read), the issues of the JQL through ``POST /search/jql`` paged by
``nextPageToken`` with explicit ``fields`` (restricted to ``updated >=`` the cursor on
an incremental sync), their status, priority and type changes through
``POST /changelog/bulkfetch`` (the changelog a search returns is truncated), then the
worklogs: ``/worklog/updated?since=`` gives the ids, ``POST /worklog/list`` their
content, ``/worklog/deleted?since=`` the ones removed. HTTP 429 waits for Retry-After
(`http.Client`).
"""

from __future__ import annotations

import base64
import re
import zoneinfo
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tma_metrics.sources.live.errors import SyncError
from tma_metrics.sources.live.fetched import OVERLAP, Fetched, Progress, Stale
from tma_metrics.sources.live.history import changes_text, history_rows
from tma_metrics.sources.live.http import Client, HttpSettings
from tma_metrics.sources.live.jira_plans import (
    ENTRIES,
    ENTRY_HEADER,
    HISTORY,
    HISTORY_HEADER,
    TICKET_HEADER,
    TICKETS,
    adf_text,
)
from tma_metrics.sources.live.shapes import member, name_of
from tma_metrics.sources.live.state import SourceConfig
from tma_metrics.sources.live.tables import TextTable, cell

__all__ = [
    "API",
    "CHANGELOG_BATCH",
    "FIELDS",
    "PHASES",
    "SEARCH_PAGE",
    "VARIANT",
    "WORKLOG_BATCH",
    "fetch",
    "make_client",
]

VARIANT = "Jira Cloud — synchronisation (API REST v3)"
#: The phases `fetch` reports, in order (a progress bar places them end to end).
PHASES = (
    "Connexion",
    "Recherche des tickets",
    "Historiques",
    "Temps passé (liste)",
    "Temps passé",
    "Écriture dans la base",
)
API = "/rest/api/3"
FIELDS = (
    "summary", "status", "priority", "issuetype", "project", "assignee", "created",
    "updated", "resolutiondate", "resolution", "timeoriginalestimate", "timespent",
)  # fmt: skip
#: Issues per search page, per bulk changelog request, worklog ids per list request.
SEARCH_PAGE = 100
CHANGELOG_BATCH = 1000
WORKLOG_BATCH = 1000
_ORDER_BY = re.compile(r"\s+order\s+by\s+.*$", re.IGNORECASE | re.DOTALL)


def make_client(
    config: SourceConfig, secrets: Mapping[str, str], settings: HttpSettings | None = None
) -> Client:
    """Return a client with HTTP basic authentication (e-mail and API token)."""
    pair = f"{secrets['email']}:{secrets['api_token']}".encode()
    return Client(
        config.url,
        {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")},
        auth_hint=(
            "l'e-mail ou le jeton d'API Jira est refusé ; vérifiez JIRA_EMAIL et "
            "JIRA_API_TOKEN (ou ceux saisis sur la page « Sources »)"
        ),
        settings=settings,
    )


def fetch(
    client: Client, config: SourceConfig, since: datetime | None, progress: Progress
) -> Fetched:
    """Read the issues of the JQL changed since ``since`` (None: all) and the worklogs."""
    progress("Connexion", 0, 1)
    me = _myself(client)
    zone = _zone(me.get("timeZone"))
    progress("Connexion", 1, 1)
    issues = _search(client, _jql(config.jql, since, zone), FIELDS, progress)
    logs = _changelogs(client, [str(i["id"]) for i in issues], progress)
    tickets, history = _issue_tables(issues, logs, config.timezone)
    known = {str(i["id"]): i for i in issues}
    after = 0 if since is None else int((since - OVERLAP).timestamp() * 1000)
    changed = _worklog_ids(client, "updated", after, progress)
    worklogs = _worklogs(client, changed, progress)
    _complete_issues(client, config.jql, worklogs, known)
    entries = TextTable(ENTRIES, list(ENTRY_HEADER))
    in_scope = [w for w in worklogs if str(w.get("issueId")) in known]
    for worklog in in_scope:
        entries.rows.append(_entry_row(worklog, known[str(worklog["issueId"])]))
        entries.ids.append(int(worklog["id"]))
    stale: list[Stale] = []
    projects = frozenset(_project_key(i) or "" for i in issues) - {""}
    if since is None:
        seen = frozenset(f"jira:id:{w['id']}" for w in in_scope)
        stale.append(Stale("time_entries", reconcile=True, projects=projects, seen=seen))
        tickets_seen = frozenset(f"jira:{i['key']}" for i in issues)
        stale.append(Stale("tickets", reconcile=True, projects=projects, seen=tickets_seen))
    else:
        deleted = _worklog_ids(client, "deleted", after, progress)
        stale.append(Stale("time_entries", explicit=frozenset(f"jira:id:{d}" for d in deleted)))
    return Fetched("jira", VARIANT, [tickets, entries, history], stale, issues=len(issues))


def _myself(client: Client) -> dict[str, Any]:
    try:
        data = client.get(f"{API}/myself", what="le compte Jira")
    except SyncError as exc:
        if exc.kind == "not_found":
            raise SyncError(
                f"Pas de Jira Cloud (API REST v3) à l'adresse {client.base_url} (HTTP 404 sur "
                "/rest/api/3/myself) : attendu l'adresse du site, par exemple "
                "https://exemple.atlassian.net.",
                kind="not_found",
            ) from None
        raise
    if not isinstance(data, dict):
        member(data, "accountId", str, "le compte Jira")
    return data


def _zone(name: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(name)) if name else zoneinfo.ZoneInfo("UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _jql(jql: str, since: datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    """Return the JQL restricted to issues updated since ``since`` (in the user's zone).

    >>> utc = zoneinfo.ZoneInfo("UTC")
    >>> _jql("project = ABC ORDER BY key", datetime(2026, 11, 2, 8, 30, tzinfo=utc),
    ...      zoneinfo.ZoneInfo("Europe/Paris"))
    '(project = ABC) AND updated >= "2026/11/02 09:15" ORDER BY key'
    """
    order = _ORDER_BY.search(jql)
    base = jql[: order.start()] if order else jql
    if since is None:
        return jql
    local = (since - OVERLAP).astimezone(zone).strftime("%Y/%m/%d %H:%M")
    return f'({base.strip()}) AND updated >= "{local}"' + (order.group(0) if order else "")


def _search(
    client: Client, jql: str, fields: tuple[str, ...], progress: Progress | None
) -> list[dict[str, Any]]:
    """Return every issue of ``jql`` (pages chained by ``nextPageToken``)."""
    found: dict[str, dict[str, Any]] = {}
    token: str | None = None
    page = 0
    while True:
        page += 1
        what = f"la recherche JQL (page {page})"
        body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": SEARCH_PAGE}
        if token:
            body["nextPageToken"] = token
        data = client.post(f"{API}/search/jql", body, what=what)
        for issue in member(data, "issues", list, what):
            if isinstance(issue, dict) and issue.get("id") and issue.get("key"):
                found[str(issue["id"])] = issue
        if progress is not None:
            progress("Recherche des tickets", len(found), len(found))
        token = member(data, "nextPageToken", str, what, optional=True)
        if not token or data.get("isLast") is True:
            return list(found.values())


def _changelogs(
    client: Client, ids: list[str], progress: Progress
) -> dict[str, list[dict[str, Any]]]:
    """Return issue id -> change histories (status, priority, type), oldest first."""
    batches = [ids[i : i + CHANGELOG_BATCH] for i in range(0, len(ids), CHANGELOG_BATCH)]

    def one(batch: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            what = "l'historique des tickets (changelog/bulkfetch)"
            body: dict[str, Any] = {
                "issueIdsOrKeys": batch,
                "fieldIds": ["status", "priority", "issuetype"],
                "maxResults": 1000,
            }
            if token:
                body["nextPageToken"] = token
            data = client.post(f"{API}/changelog/bulkfetch", body, what=what)
            out += member(data, "issueChangeLogs", list, what)
            token = member(data, "nextPageToken", str, what, optional=True)
            if not token:
                return out

    found: dict[str, list[dict[str, Any]]] = {}
    done = client.map(one, batches, on_done=lambda d, t: progress("Historiques", d, t))
    for log in (entry for batch in done for entry in batch):
        if isinstance(log, dict):
            histories = log.get("changeHistories") or []
            found.setdefault(str(log.get("issueId")), []).extend(histories)
    for histories in found.values():
        histories.sort(key=lambda h: (str(h.get("created")), str(h.get("id"))))
    return found


def _worklog_ids(client: Client, kind: str, since: int, progress: Progress) -> list[int]:
    """Return the ids of worklogs ``kind`` ("updated" or "deleted") since ``since`` (ms)."""
    ids: list[int] = []
    after = since
    for page in range(1, 100_000):
        what = f"les temps passés {'modifiés' if kind == 'updated' else 'supprimés'} (page {page})"
        data = client.get(f"{API}/worklog/{kind}", {"since": after}, what=what)
        for value in member(data, "values", list, what):
            if isinstance(value, dict) and value.get("worklogId") is not None:
                ids.append(int(value["worklogId"]))
        progress("Temps passé (liste)", len(ids), len(ids))
        until = member(data, "until", int, what, optional=True)
        if data.get("lastPage", True) or until is None or until <= after:
            break
        after = until
    return list(dict.fromkeys(ids))


def _worklogs(client: Client, ids: list[int], progress: Progress) -> list[dict[str, Any]]:
    batches = [ids[i : i + WORKLOG_BATCH] for i in range(0, len(ids), WORKLOG_BATCH)]

    def one(batch: list[int]) -> list[Any]:
        what = "le détail des temps passés (worklog/list)"
        data = client.post(f"{API}/worklog/list", {"ids": batch}, what=what)
        if not isinstance(data, list):
            member(data, "values", list, what)
        return data

    done = client.map(one, batches, on_done=lambda d, t: progress("Temps passé", d, t))
    return [w for batch in done for w in batch if isinstance(w, dict) and w.get("id")]


def _complete_issues(
    client: Client, jql: str, worklogs: list[dict[str, Any]], known: dict[str, Any]
) -> None:
    """Add to ``known`` the issues of the JQL that have new worklogs but no change."""
    missing = sorted({str(w.get("issueId")) for w in worklogs} - set(known) - {"None"})
    base = _ORDER_BY.sub("", jql).strip()
    for i in range(0, len(missing), SEARCH_PAGE):
        ids = ", ".join(str(int(m)) for m in missing[i : i + SEARCH_PAGE] if m.isdigit())
        if ids:
            for issue in _search(client, f"({base}) AND id in ({ids})", ("project",), None):
                known[str(issue["id"])] = issue


def _project_key(issue: dict[str, Any]) -> str | None:
    project = (issue.get("fields") or {}).get("project")
    return str(project.get("key")) if isinstance(project, dict) and project.get("key") else None


def _issue_tables(
    issues: list[dict[str, Any]], logs: dict[str, list[dict[str, Any]]], timezone: str
) -> tuple[TextTable, TextTable]:
    tickets = TextTable(TICKETS, list(TICKET_HEADER))
    history = TextTable(HISTORY, list(HISTORY_HEADER))
    for issue in issues:
        fields = issue.get("fields") or {}
        changes = _items(logs.get(str(issue["id"]), []))
        rows = history_rows(
            str(issue["key"]),
            fields.get("created"),
            name_of(fields.get("status")),
            changes["status"],
        )
        history.rows += rows
        history.ids += [int(issue["id"])] * len(rows)
        texts = {k: changes_text(changes[k], timezone) for k in ("priority", "issuetype")}
        tickets.rows.append(_ticket_row(issue, texts))
        tickets.ids.append(int(issue["id"]))
    return tickets, history


def _items(histories: list[dict[str, Any]]) -> dict[str, list[tuple[str, str | None, str | None]]]:
    found: dict[str, list[tuple[str, str | None, str | None]]] = {
        "status": [],
        "priority": [],
        "issuetype": [],
    }
    for history in histories:
        for item in history.get("items") or []:
            if not isinstance(item, dict):
                continue
            field = item.get("fieldId") or item.get("field")
            if field in found:
                found[field].append(
                    (str(history.get("created")), item.get("fromString"), item.get("toString"))
                )
    return found


def _ticket_row(issue: dict[str, Any], changes: dict[str, str]) -> list[str]:
    fields = issue.get("fields") or {}
    project = fields.get("project") if isinstance(fields.get("project"), dict) else {}
    assignee = fields.get("assignee")
    return [
        cell(issue.get("key")),
        cell(project.get("key")),
        cell(project.get("name")),
        cell(fields.get("summary")),
        cell(name_of(fields.get("issuetype"))),
        cell(name_of(fields.get("priority"))),
        cell(name_of(fields.get("status"))),
        cell(name_of(fields.get("resolution"))),
        cell(assignee.get("displayName") if isinstance(assignee, dict) else None),
        cell(fields.get("created")),
        cell(fields.get("resolutiondate")),
        cell(fields.get("timeoriginalestimate")),
        cell(fields.get("timespent")),
        changes["priority"],
        changes["issuetype"],
    ]


def _entry_row(worklog: dict[str, Any], issue: dict[str, Any]) -> list[str]:
    author = worklog.get("author")
    return [
        cell(worklog.get("id")),
        cell(worklog.get("started")),
        cell(author.get("displayName") if isinstance(author, dict) else None),
        cell(worklog.get("timeSpentSeconds")),
        cell(issue.get("key")),
        cell(_project_key(issue)),
        adf_text(worklog.get("comment")),
    ]
