"""Login sessions that survive a reload: signed, expiring, revocable tokens (no Streamlit).

After a password login the browser gets a cookie (HttpOnly, set by the web server, see
`tma_metrics.ui.session_routes`) holding a token signed with HMAC-SHA256:

- it names the login, a random session id and when it expires (`SESSION_SECONDS`);
- it carries a keyed digest of the user's password hash: changing the password (or
  removing the user) ends every session opened before;
- logging out revokes its session id on the server, whatever copy of the cookie exists.

The signing key is drawn when the process starts and never written anywhere: a restart
of the server ends every session (users log in again), and nothing secret is on disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "HANDOFF_SECONDS",
    "KEEPER",
    "MAX_TOKEN_LENGTH",
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "SessionKeeper",
    "SessionToken",
]

#: Name of the session cookie.
SESSION_COOKIE = "tma_session"
#: A session lasts a working day at most, whatever happens in between.
SESSION_SECONDS = 12 * 3600
#: The one-time code that hands a new session to the browser is valid this long.
HANDOFF_SECONDS = 60
#: Longer cookie values are refused before anything is decoded.
MAX_TOKEN_LENGTH = 1024
_MAX_PENDING = 10_000


@dataclass(frozen=True)
class SessionToken:
    """What a session cookie says: who, which session, until when."""

    login: str
    sid: str
    password_digest: str
    expires_at: float


class SessionKeeper:
    """Sign and check session tokens; remember revoked sessions and pending hand-offs.

    Thread-safe: Streamlit runs each session on its own thread and the web routes on the
    server's event loop. Memory is bounded: revoked ids and hand-offs are forgotten once
    expired, and at most `_MAX_PENDING` hand-offs wait at once.
    """

    def __init__(
        self,
        key: bytes | None = None,
        *,
        lifetime_s: float = SESSION_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key or secrets.token_bytes(32)
        self.lifetime_s = lifetime_s
        self._clock = clock
        self._revoked: dict[str, float] = {}
        self._pending: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def seconds_left(self, token: SessionToken) -> int:
        """Return how many whole seconds ``token`` has left (0 once expired)."""
        return max(0, int(token.expires_at - self._clock()))

    def password_digest(self, password_hash: str) -> str:
        """Return a keyed digest of a password hash (reveals nothing about it)."""
        mac = hmac.new(self._key, b"password:" + password_hash.encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def issue(self, login: str, password_hash: str) -> SessionToken:
        """Return a new session for ``login``, expiring `lifetime_s` from now."""
        return SessionToken(
            login=login,
            sid=secrets.token_urlsafe(18),
            password_digest=self.password_digest(password_hash),
            expires_at=self._clock() + self.lifetime_s,
        )

    def encode(self, token: SessionToken) -> str:
        """Return the cookie value of ``token``: payload and signature, base64url."""
        payload = json.dumps(
            {"u": token.login, "s": token.sid, "p": token.password_digest, "e": token.expires_at},
            separators=(",", ":"),
        ).encode()
        body = _b64(payload)
        return f"{body}.{self._sign(body)}"

    def decode(self, value: str | None) -> SessionToken | None:
        """Return the token of a cookie value; None if forged, malformed, expired or revoked."""
        if not value or len(value) > MAX_TOKEN_LENGTH or value.count(".") != 1:
            return None
        body, signature = value.split(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            raw = json.loads(_unb64(body))
            token = SessionToken(str(raw["u"]), str(raw["s"]), str(raw["p"]), float(raw["e"]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None
        if token.expires_at <= self._clock() or self.is_revoked(token.sid):
            return None
        return token

    def revoke(self, token: SessionToken) -> None:
        """End ``token``'s session on the server: no copy of its cookie opens it again."""
        with self._lock:
            self._forget_expired()
            self._revoked[token.sid] = token.expires_at

    def is_revoked(self, sid: str) -> bool:
        """Say whether the session ``sid`` was ended by a logout."""
        with self._lock:
            return sid in self._revoked

    def hand_off(self, token: SessionToken) -> str:
        """Return a one-time code the browser exchanges for the cookie of ``token``."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_expired()
            while len(self._pending) >= _MAX_PENDING:
                del self._pending[next(iter(self._pending))]
            self._pending[code] = (self.encode(token), self._clock() + HANDOFF_SECONDS)
        return code

    def is_pending(self, code: str) -> bool:
        """Say whether a hand-off code still waits for the browser (not taken, not expired)."""
        with self._lock:
            found = self._pending.get(code)
        return found is not None and found[1] > self._clock()

    def take(self, code: str | None) -> str | None:
        """Return the cookie value a hand-off code stands for, once; None otherwise."""
        if not code or len(code) > 64:
            return None
        with self._lock:
            found = self._pending.pop(code, None)
        if found is None or found[1] <= self._clock():
            return None
        return found[0]

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def _forget_expired(self) -> None:
        now = self._clock()
        self._revoked = {sid: end for sid, end in self._revoked.items() if end > now}
        self._pending = {c: found for c, found in self._pending.items() if found[1] > now}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


#: The keeper of this process (the web routes and every Streamlit session share it).
KEEPER = SessionKeeper()
