"""The one error a live sync raises: a French message saying what failed and what to do."""

from __future__ import annotations

__all__ = ["KINDS", "SyncError"]

#: What went wrong, for tests and for the exit report (the message is for people).
KINDS = (
    "config",  # missing key, bad URL, unknown time zone
    "dns",
    "tls",
    "timeout",
    "connection",
    "auth",  # HTTP 401
    "forbidden",  # HTTP 403
    "not_found",  # HTTP 404
    "rate_limit",  # HTTP 429 still after the retries
    "server",  # HTTP 5xx
    "json",  # a body that is not the JSON expected
    "rest_disabled",
    "too_big",
    "database",  # the write failed (rolled back)
)


class SyncError(Exception):
    """A sync could not complete; nothing was written. ``kind`` is one of `KINDS`."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        if kind not in KINDS:
            raise ValueError(f"unknown sync error kind: {kind}")
        self.kind = kind
