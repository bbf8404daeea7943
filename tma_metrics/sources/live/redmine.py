"""Live sync from Redmine's REST API (Redmine 5.0): issues, journals, time entries.

Read order: who the key belongs to (``/users/current.json``, which also tells a
disabled REST API apart), statuses, trackers and priorities (journal details carry
ids), the projects, the issues created or updated since the cursor (every status), each
one's journals (``/issues/ID.json?include=journals``: the list does not return them),
then the time entries dated inside the window. Values stay text: `redmine_plans` reads
them with the same engine as a Redmine CSV export.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tma_metrics.sources.live.errors import SyncError
from tma_metrics.sources.live.fetched import OVERLAP, Fetched, Progress, Stale
from tma_metrics.sources.live.history import changes_text, history_rows
from tma_metrics.sources.live.http import Client, HttpSettings
from tma_metrics.sources.live.paging import list_all
from tma_metrics.sources.live.redmine_plans import (
    ENTRIES,
    ENTRY_HEADER,
    HISTORY,
    HISTORY_HEADER,
    TICKET_HEADER,
    TICKETS,
)
from tma_metrics.sources.live.shapes import member, name_of
from tma_metrics.sources.live.state import SourceConfig
from tma_metrics.sources.live.tables import TextTable, cell

__all__ = ["PHASES", "VARIANT", "fetch", "make_client"]

VARIANT = "Redmine — synchronisation (API REST)"
#: The phases `fetch` reports, in order (a progress bar places them end to end).
PHASES = (
    "Connexion et référentiels",
    "Liste des demandes",
    "Historiques des demandes",
    "Temps passé",
    "Écriture dans la base",
)


def make_client(
    config: SourceConfig, secrets: Mapping[str, str], settings: HttpSettings | None = None
) -> Client:
    """Return a client sending the API key in the ``X-Redmine-API-Key`` header."""
    return Client(
        config.url,
        {"X-Redmine-API-Key": secrets["api_key"]},
        auth_hint=(
            "la clé d'API Redmine est refusée ; vérifiez REDMINE_API_KEY ou la clé saisie "
            "sur la page « Sources » (Redmine : Mon compte › Clé d'accès API)"
        ),
        settings=settings,
    )


def fetch(
    client: Client, config: SourceConfig, since: datetime | None, progress: Progress
) -> Fetched:
    """Read what changed since ``since`` (None: everything) into text tables."""
    progress("Connexion et référentiels", 0, 1)
    _check_access(client)
    refs = {
        "status_id": _names(client, "/issue_statuses.json", "issue_statuses", "les statuts"),
        "tracker_id": _names(client, "/trackers.json", "trackers", "les trackers"),
        "priority_id": _names(
            client, "/enumerations/issue_priorities.json", "issue_priorities", "les priorités"
        ),
    }
    projects, names, identifiers = _projects(client, config)
    progress("Connexion et référentiels", 1, 1)
    listing_ok, ids = _changed_issues(client, projects, since, progress)
    issues = client.map(
        lambda number: _issue(client, number),
        ids,
        on_done=lambda d, t: progress("Historiques des demandes", d, t),
    )
    found = [i for i in issues if i is not None]
    warnings = [
        f"Demande n° {n} supprimée pendant la lecture : ignorée."
        for n, i in zip(ids, issues, strict=True)
        if i is None
    ]
    started = since or datetime.now(UTC)
    window = None if since is None else (started - timedelta(days=config.window_days)).date()
    entries_ok, entries = _time_entries(client, projects, window, progress)
    tickets, history = _issue_tables(found, refs, identifiers, config.timezone)
    entry_table = TextTable(ENTRIES, list(ENTRY_HEADER))
    for entry in entries:
        entry_table.rows.append(_entry_row(entry))
        entry_table.ids.append(int(entry["id"]))
    stale = []
    if entries_ok:
        seen = frozenset(f"redmine:id:{e['id']}" for e in entries)
        stale.append(Stale("time_entries", reconcile=True, projects=names, since=window, seen=seen))
    else:
        warnings.append(
            "La liste du temps passé a changé pendant la lecture : les saisies supprimées "
            "n'ont pas été retirées cette fois ; relancez la synchronisation."
        )
    if since is None and listing_ok:
        seen = frozenset(f"redmine:{i['id']}" for i in found)
        stale.append(Stale("tickets", reconcile=True, projects=names, seen=seen))
    return Fetched(
        tool="redmine",
        variant=VARIANT,
        tables=[tickets, entry_table, history],
        stale=stale,
        issues=len(found),
        warnings=warnings,
    )


def _check_access(client: Client) -> None:
    """Fail early, and clearly, on a wrong URL, a bad key or a disabled REST API."""
    try:
        member(client.get("/users/current.json", what="le compte de la clé"), "user", dict, "")
    except SyncError as exc:
        if exc.kind == "forbidden":
            raise SyncError(
                "L'API REST est désactivée sur ce serveur Redmine (HTTP 403 sur "
                "/users/current.json) : un administrateur doit cocher « Activer l'API REST » "
                "dans Administration › Paramètres › API.",
                kind="rest_disabled",
            ) from None
        if exc.kind == "not_found":
            raise SyncError(
                f"Pas de Redmine à l'adresse {client.base_url} (HTTP 404 sur "
                "/users/current.json) : vérifiez l'URL, chemin compris (par exemple "
                "https://serveur/redmine).",
                kind="not_found",
            ) from None
        raise


def _names(client: Client, path: str, key: str, what: str) -> dict[str, str]:
    """Return id -> name of a reference list (statuses, trackers, priorities)."""
    items = member(client.get(path, what=what), key, list, what)
    return {str(i["id"]): str(i.get("name")) for i in items if isinstance(i, dict) and "id" in i}


def _projects(
    client: Client, config: SourceConfig
) -> tuple[list[dict[str, Any]], frozenset[str], dict[object, str]]:
    """Return the chosen projects, the names of them and their subprojects, identifiers."""
    visible = list_all(client, "/projects.json", {}, "projects", "la liste des projets").items
    identifiers = {p.get("id"): str(p.get("identifier")) for p in visible}
    if not config.projects:
        return [], frozenset(str(p.get("name")) for p in visible), identifiers
    by_key = {str(p.get("identifier")): p for p in visible} | {str(p.get("id")): p for p in visible}
    chosen = [by_key.get(ident) or _project(client, ident) for ident in config.projects]
    children: dict[object, list[dict[str, Any]]] = {}
    for p in visible:
        parent = p.get("parent")
        if isinstance(parent, dict):
            children.setdefault(parent.get("id"), []).append(p)
    names: set[str] = set()
    todo = list(chosen)
    while todo:
        project = todo.pop()
        if str(project.get("name")) not in names:
            names.add(str(project.get("name")))
            todo += children.get(project.get("id"), [])
    identifiers.update({p.get("id"): str(p.get("identifier")) for p in chosen})
    return chosen, frozenset(names), identifiers


def _project(client: Client, ident: str) -> dict[str, Any]:
    """Return one project by identifier; a French error when unknown or forbidden."""
    path = "/projects/" + urllib.parse.quote(ident, safe="") + ".json"
    try:
        return member(client.get(path, what=f"le projet « {ident} »"), "project", dict, ident)
    except SyncError as exc:
        if exc.kind == "not_found":
            raise SyncError(
                f"Projet « {ident} » introuvable (HTTP 404) sur {client.host} : attendu "
                "l'identifiant d'un projet existant (celui de l'adresse /projects/…).",
                kind="not_found",
            ) from None
        if exc.kind == "forbidden":
            raise SyncError(
                f"Projet « {ident} » interdit (HTTP 403) : le compte de la clé n'en est pas "
                "membre ; demandez à être ajouté au projet ou utilisez une autre clé.",
                kind="forbidden",
            ) from None
        raise


def _changed_issues(
    client: Client, projects: list[dict[str, Any]], since: datetime | None, progress: Progress
) -> tuple[bool, list[int]]:
    """Return whether the lists held still, and the ids of issues changed since ``since``."""
    params: dict[str, object] = {"status_id": "*", "sort": "id"}
    if since is not None:
        params["updated_on"] = ">=" + (since - OVERLAP).astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    scopes = [{"project_id": p["id"]} for p in projects] or [{}]
    ids: dict[int, None] = {}
    complete = True
    for scope in scopes:
        listing = list_all(
            client,
            "/issues.json",
            {**params, **scope},
            "issues",
            "la liste des demandes",
            on_done=lambda d, t: progress("Liste des demandes", d, t),
        )
        complete &= listing.complete
        ids.update(dict.fromkeys(int(i["id"]) for i in listing.items))
    return complete, sorted(ids)


def _issue(client: Client, number: int) -> dict[str, Any] | None:
    """Return one issue with its journals (None when deleted meanwhile)."""
    what = f"la demande n° {number}"
    try:
        data = client.get(f"/issues/{int(number)}.json", {"include": "journals"}, what=what)
    except SyncError as exc:
        if exc.kind == "not_found":
            return None
        raise
    return member(data, "issue", dict, what)


def _time_entries(
    client: Client, projects: list[dict[str, Any]], window: Any, progress: Progress
) -> tuple[bool, list[dict[str, Any]]]:
    """Return the time entries dated from ``window`` (None: all of them)."""
    params: dict[str, object] = {"sort": "created_on"}
    if window is not None:
        params["from"] = window.isoformat()
    scopes = [{"project_id": p["id"]} for p in projects] or [{}]
    found: dict[object, dict[str, Any]] = {}
    complete = True
    for scope in scopes:
        listing = list_all(
            client,
            "/time_entries.json",
            {**params, **scope},
            "time_entries",
            "le temps passé",
            on_done=lambda d, t: progress("Temps passé", d, t),
        )
        complete &= listing.complete
        found.update((e["id"], e) for e in listing.items)
    return complete, list(found.values())


def _issue_tables(
    issues: list[dict[str, Any]],
    refs: dict[str, dict[str, str]],
    identifiers: Mapping[object, str],
    timezone: str,
) -> tuple[TextTable, TextTable]:
    """Return the tickets and status-history tables of the issues read."""
    tickets = TextTable(TICKETS, list(TICKET_HEADER))
    history = TextTable(HISTORY, list(HISTORY_HEADER))
    for issue in issues:
        number = int(issue["id"])
        details = _details(issue.get("journals"))
        statuses = _changes(details, refs, "status_id")
        rows = history_rows(
            str(number), issue.get("created_on"), name_of(issue.get("status")), statuses
        )
        history.rows += rows
        history.ids += [number] * len(rows)
        changes = {
            field: changes_text(_changes(details, refs, field), timezone)
            for field in ("priority_id", "tracker_id")
        }
        project = issue.get("project")
        identifier = identifiers.get(project.get("id")) if isinstance(project, dict) else None
        tickets.rows.append(_ticket_row(issue, identifier, changes))
        tickets.ids.append(number)
    return tickets, history


def _changes(
    details: list[tuple[str, str, str | None, str | None]],
    refs: dict[str, dict[str, str]],
    field: str,
) -> list[tuple[str, str | None, str | None]]:
    """Return (at, old name, new name) of the changes of one attribute."""
    return [
        (at, _ref(refs, field, old), _ref(refs, field, new))
        for at, name, old, new in details
        if name == field
    ]


def _details(journals: Any) -> list[tuple[str, str, str | None, str | None]]:
    """Return (at, attribute, old id, new id) of the journals' attribute changes, in order."""
    if not isinstance(journals, list):
        return []
    ordered = sorted(
        (j for j in journals if isinstance(j, dict) and j.get("created_on")),
        key=lambda j: (str(j["created_on"]), int(j.get("id") or 0)),
    )
    return [
        (str(j["created_on"]), str(d.get("name")), d.get("old_value"), d.get("new_value"))
        for j in ordered
        for d in j.get("details") or []
        if isinstance(d, dict) and d.get("property") == "attr"
    ]


def _ref(refs: dict[str, dict[str, str]], field: str, value: object) -> str | None:
    """Return the name of a status/tracker/priority id (« n° 7 » when it no longer exists)."""
    if value in (None, ""):
        return None
    return refs[field].get(str(value), f"n° {value}")


def _ticket_row(
    issue: dict[str, Any], identifier: str | None, changes: dict[str, str]
) -> list[str]:
    return [
        cell(issue.get("id")),
        cell(name_of(issue.get("project"))),
        cell(identifier),
        cell(issue.get("subject")),
        cell(name_of(issue.get("tracker"))),
        cell(name_of(issue.get("priority"))),
        cell(name_of(issue.get("status"))),
        cell(name_of(issue.get("assigned_to"))),
        cell(issue.get("created_on")),
        cell(issue.get("closed_on")),
        cell(issue.get("estimated_hours")),
        cell(issue.get("spent_hours")),
        changes["priority_id"],
        changes["tracker_id"],
    ]


def _entry_row(entry: dict[str, Any]) -> list[str]:
    issue = entry.get("issue")
    return [
        cell(entry.get("id")),
        cell(entry.get("spent_on")),
        cell(name_of(entry.get("user"))),
        cell(entry.get("hours")),
        cell(issue.get("id") if isinstance(issue, dict) else None),
        cell(name_of(entry.get("project"))),
        cell(name_of(entry.get("activity"))),
        cell(entry.get("comments")),
    ]
