"""API keys of the live sources: entered once, kept outside the database, never shown.

Keys come from the environment first (``REDMINE_API_KEY``; ``JIRA_EMAIL`` and
``JIRA_API_TOKEN``), else from ``<base>.secrets.json`` beside the database: a file of
mode 0600 (readable by the app's user only), written by the « Sources » page. The file
is refused when others can read it. Nothing here ever prints a key.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from tma_metrics.config import credentials_environment
from tma_metrics.sources.live.errors import SyncError
from tma_metrics.sources.live.state import SourceConfig, locked, write_private

__all__ = [
    "FIELDS",
    "JIRA_EMAIL_ENV",
    "JIRA_TOKEN_ENV",
    "REDMINE_KEY_ENV",
    "SecretBox",
    "credentials",
    "secrets_path",
]

REDMINE_KEY_ENV = "REDMINE_API_KEY"
JIRA_EMAIL_ENV = "JIRA_EMAIL"
JIRA_TOKEN_ENV = "JIRA_API_TOKEN"  # noqa: S105 (a variable name, not a token)
#: The credentials each tool needs (names inside the secrets file).
FIELDS = {"redmine": ("api_key",), "jira": ("email", "api_token")}
_ENV = {
    ("redmine", "api_key"): REDMINE_KEY_ENV,
    ("jira", "email"): JIRA_EMAIL_ENV,
    ("jira", "api_token"): JIRA_TOKEN_ENV,
}
_MAX_BYTES = 1024 * 1024
_MAX_VALUE = 500


def secrets_path(db_path: str | os.PathLike[str]) -> Path:
    """Return the secrets file of database ``db_path``."""
    db = Path(db_path)
    return db.parent / f"{db.stem}.secrets.json"


class SecretBox:
    """The 0600 file of the sources' credentials, by source id."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise SyncError(
                f"Le fichier des clés « {self.path} » est lisible par d'autres utilisateurs "
                f"(mode {mode:04o}) : attendu 0600 ; corrigez avec « chmod 600 {self.path} ».",
                kind="config",
            )
        if self.path.stat().st_size > _MAX_BYTES:
            raise SyncError(
                f"Fichier des clés « {self.path} » trop volumineux : attendu moins d'1 Mo.",
                kind="config",
            )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError:
            raise SyncError(
                f"Fichier des clés « {self.path} » illisible : attendu le JSON écrit par la "
                "page « Sources » ; saisissez les clés à nouveau.",
                kind="config",
            ) from None
        if not isinstance(data, dict):
            return {}
        return {
            str(k): {str(n): str(v) for n, v in values.items()}
            for k, values in data.items()
            if isinstance(values, dict)
        }

    def has(self, source_id: str) -> bool:
        """Say whether credentials are stored for the source."""
        return source_id in self._read()

    def get(self, source_id: str) -> dict[str, str]:
        """Return the stored credentials of the source (empty when none)."""
        return dict(self._read().get(source_id, {}))

    def put(self, source_id: str, values: Mapping[str, str]) -> None:
        """Store (or replace) the credentials of a source."""
        cleaned = {k: v.strip() for k, v in values.items() if v and v.strip()}
        if any(len(v) > _MAX_VALUE for v in cleaned.values()):
            raise SyncError(
                f"Clé trop longue : attendu moins de {_MAX_VALUE} caractères.", kind="config"
            )
        with locked(self.path):
            data = self._read()
            data[source_id] = cleaned
            write_private(self.path, json.dumps(data))

    def forget(self, source_id: str) -> None:
        """Delete the credentials of a source."""
        with locked(self.path):
            data = self._read()
            if data.pop(source_id, None) is not None:
                write_private(self.path, json.dumps(data))


def credentials(
    config: SourceConfig, box: SecretBox | None, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return the credentials of ``config``: environment first, else the secrets file.

    Raises `SyncError` (kind config) naming the variables to set when some are missing.
    """
    env = credentials_environment() if env is None else env
    stored = box.get(config.id) if box is not None else {}
    found: dict[str, str] = {}
    for name in FIELDS[config.tool]:
        value = (env.get(_ENV[(config.tool, name)]) or "").strip() or stored.get(name, "")
        if value:
            found[name] = value
    missing = [_ENV[(config.tool, n)] for n in FIELDS[config.tool] if n not in found]
    if missing:
        raise SyncError(
            f"Identifiants manquants pour {config.server_label} : attendu la variable "
            f"d'environnement {' et '.join(missing)}, ou une clé saisie sur la page "
            "« Sources » ; trouvé rien.",
            kind="config",
        )
    return found
