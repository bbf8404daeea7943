"""Live sync from Redmine and Jira Cloud: a sync is an import, read over HTTP.

Public API:

- `SourceConfig` (tool, URL, projects or JQL, time zone) and `run_sync(store, config,
  full=..., progress=...)` -> `SyncReport`; a failure is a report too, never a
  half-written database;
- `SyncError` (French message, ``kind``), `SourceBook` (configured sources and their
  runs, beside the database), `SecretBox` (keys in a 0600 file) and `credentials`.

Modules: `http` (bounded client, Retry-After), `redmine` / `jira` (what to read, as text
tables), `redmine_plans` / `jira_plans` (how the CSV engine reads them), `tables` (text
tables -> `ParsedFile`), `sync` (one run, one transaction), `state`, `secrets`.
"""

from __future__ import annotations

from tma_metrics.sources.live.errors import SyncError
from tma_metrics.sources.live.fetched import Progress
from tma_metrics.sources.live.http import HttpSettings
from tma_metrics.sources.live.secrets import SecretBox, credentials, secrets_path
from tma_metrics.sources.live.state import SourceBook, SourceConfig, SyncRun, book_path
from tma_metrics.sources.live.sync import SyncReport, run_sync

__all__ = [
    "HttpSettings",
    "Progress",
    "SecretBox",
    "SourceBook",
    "SourceConfig",
    "SyncError",
    "SyncReport",
    "SyncRun",
    "book_path",
    "credentials",
    "run_sync",
    "secrets_path",
]
