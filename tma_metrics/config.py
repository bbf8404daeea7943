"""One settings object: where the files are and what the app does, from the environment.

Every environment variable the app reads is declared here, once, with its default and its
meaning; the README's configuration table is checked against `ENVIRONMENT` by a test.
Command-line flags win over the environment: pass them to `settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["ENVIRONMENT", "PROJECT_ROOT", "Settings", "settings"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"

#: Environment variable -> (field of `Settings`, what it sets).
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "TMA_METRICS_DB": ("db_path", "the DuckDB database file"),
    "TMA_METRICS_CONTRACTS": ("contracts_path", "the contracts file (TOML)"),
    "TMA_METRICS_USERS": ("users_path", "the users file (server mode)"),
    "TMA_METRICS_DEMO": ("demo_on_first_start", "seed the demo data on an empty database"),
    "BROWSER_PATH": ("browser_path", "the Chromium that renders chart images"),
}


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
    return Path(raw)
