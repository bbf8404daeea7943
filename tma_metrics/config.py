"""One settings object: where the files are and what the app does, from the environment.

Every environment variable the app reads is declared here, once, with its default and its
meaning; the README's configuration table is checked against `ENVIRONMENT` by a test.
Command-line flags win over the environment: pass them to `settings`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "CREDENTIALS",
    "ENVIRONMENT",
    "PROJECT_ROOT",
    "Settings",
    "credentials_environment",
    "settings",
]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"

#: Environment variable -> (field of `Settings`, what it sets).
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "TMA_METRICS_DB": ("db_path", "the DuckDB database file"),
    "TMA_METRICS_CONTRACTS": ("contracts_path", "the contracts file (TOML)"),
    "TMA_METRICS_USERS": ("users_path", "the users file (server mode)"),
    "TMA_METRICS_DEMO": ("demo_on_first_start", "seed the demo data on an empty database"),
    "BROWSER_PATH": ("browser_path", "the Chromium that renders chart images"),
    "TMA_METRICS_SMTP_URL": ("smtp_url", "the SMTP server of `export --send-to`"),
    "TMA_METRICS_SMTP_USER": ("smtp_user", "the SMTP login (sent over TLS only)"),
    "TMA_METRICS_SMTP_PASSWORD": ("smtp_password", "the SMTP password (sent over TLS only)"),
    "TMA_METRICS_SMTP_FROM": ("smtp_from", "the sender address of the e-mails"),
}
#: Settings read as text, as written (the others are paths or switches).
_TEXT_FIELDS = frozenset({"smtp_url", "smtp_user", "smtp_password", "smtp_from"})

#: Credentials read from the environment: never stored in `Settings` (its repr is loggable),
#: never shown, never logged. Variable -> what it is.
CREDENTIALS: dict[str, str] = {
    "REDMINE_API_KEY": "Redmine API key of the live sync",
    "JIRA_EMAIL": "Jira Cloud account e-mail of the live sync",
    "JIRA_API_TOKEN": "Jira Cloud API token of the live sync",
}


def credentials_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the declared credentials that the environment sets (non-empty values only)."""
    env = os.environ if environ is None else environ
    return {name: env[name].strip() for name in CREDENTIALS if env.get(name, "").strip()}


@dataclass(frozen=True)
class Settings:
    """Where the app's files are and what it does on start."""

    db_path: Path = DATA_DIR / "tma_metrics.duckdb"
    #: The contracts read: the demo's seed (tracked, never written) until the user's file
    #: (`user_contracts_path`) exists; a file named explicitly is read and written.
    contracts_path: Path = DATA_DIR / "contracts.toml"
    #: True when the contracts file was named explicitly (flag or environment).
    contracts_path_explicit: bool = False
    users_path: Path = DATA_DIR / "users.toml"
    #: True when the users file was named explicitly (flag or environment).
    users_path_explicit: bool = False
    demo_on_first_start: bool = True
    browser_path: Path | None = None
    smtp_url: str | None = None  # smtp://host:587 (STARTTLS), smtps://host:465, smtp+plain://
    smtp_user: str | None = None
    smtp_password: str | None = dataclasses.field(default=None, repr=False)  # never printed
    smtp_from: str | None = None

    @property
    def user_contracts_path(self) -> Path:
        """The user's contracts file: the one named explicitly, else beside the database.

        >>> settings({}, db_path="/srv/tma.duckdb").user_contracts_path
        PosixPath('/srv/tma.contracts.toml')
        """
        if self.contracts_path_explicit:
            return self.contracts_path
        return self.db_path.parent / f"{self.db_path.stem}.contracts.toml"


def settings(
    environ: Mapping[str, str] | None = None, **flags: str | os.PathLike[str] | None
) -> Settings:
    """Return the settings: defaults, then the environment, then non-empty ``flags``.

    >>> settings({"TMA_METRICS_DEMO": "0"}, db_path="x.duckdb").db_path
    PosixPath('x.duckdb')
    >>> settings({"TMA_METRICS_DEMO": "0"}).demo_on_first_start
    False
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, (field, _) in ENVIRONMENT.items():
        raw = env.get(name)
        if raw:
            values[field] = _value(field, raw)
    for field, raw in flags.items():
        if raw:
            values[field] = _value(field, os.fspath(raw))
    if "users_path" in values:
        values["users_path_explicit"] = True
    if "contracts_path" in values:
        values["contracts_path_explicit"] = True
    return replace(Settings(), **values)


def _value(field: str, raw: str) -> object:
    """Convert one raw setting to its field's type."""
    if field == "demo_on_first_start":
        return raw.strip() != "0"
    if field in _TEXT_FIELDS:
        return raw if field == "smtp_password" else raw.strip()
    return Path(raw)
