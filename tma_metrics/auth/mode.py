"""Which login mode the app runs in, decided from plain facts (pure)."""

from __future__ import annotations

import ipaddress
from typing import Literal

__all__ = ["AuthMode", "decide_mode", "is_loopback"]

AuthMode = Literal["local", "password", "oidc"]


def decide_mode(
    *, oidc_configured: bool, user_count: int, users_file_broken: bool, users_file_exists: bool
) -> AuthMode:
    """Return the login mode: OIDC when ``[auth]`` is configured, else password or local.

    Local mode (no login, every contract) only when there is no users file at all. A
    users file that exists keeps the app closed unless it defines users: unreadable,
    invalid or without any user (emptied, or only comments), it gives password mode,
    which then refuses every login, never local mode.

    >>> decide_mode(oidc_configured=False, user_count=0, users_file_broken=False,
    ...             users_file_exists=False)
    'local'
    >>> decide_mode(oidc_configured=False, user_count=0, users_file_broken=False,
    ...             users_file_exists=True)
    'password'
    """
    if oidc_configured:
        return "oidc"
    if user_count > 0 or users_file_broken or users_file_exists:
        return "password"
    return "local"


def is_loopback(address: str | None) -> bool:
    """Say whether the server address only accepts connections from this machine.

    ``None`` or an empty address means every interface (Streamlit's default).

    >>> [is_loopback(a) for a in ("localhost", "127.0.0.1", "::1", "0.0.0.0", None)]
    [True, True, True, False, False]
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False
