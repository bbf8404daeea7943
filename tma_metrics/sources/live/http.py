"""A small JSON-over-HTTP client for the live syncs: bounded, retried on 429, French errors.

Standard library only (urllib). Every failure becomes a `SyncError` whose message says
what was being read and what to do; credentials travel in headers only and never
appear in a message. Parallel requests go through `Client.map`, a thread pool of
`HttpSettings.workers` threads (a few at once, never one per item).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tma_metrics.sources.live.errors import SyncError

__all__ = ["Client", "HttpSettings", "R", "T", "check_url"]

T = TypeVar("T")
R = TypeVar("R")

#: Statuses retried after the server's Retry-After (rate limit, overload).
_RETRIED = (429, 503)


@dataclass(frozen=True)
class HttpSettings:
    """How the client talks to a server."""

    timeout_seconds: float = 30.0
    workers: int = 4  # requests in flight at once
    retries: int = 4  # retries of a 429 / 503 answer
    max_wait_seconds: float = 120.0  # a longer Retry-After fails at once
    max_body_bytes: int = 64 * 1024 * 1024


def check_url(url: str) -> str:
    """Return the base URL without its trailing slash, or raise `SyncError` (kind config).

    >>> check_url("https://redmine.example.fr/redmine/")
    'https://redmine.example.fr/redmine'
    """
    text = (url or "").strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(
            f"Adresse invalide « {text[:200]} » : attendu une URL complète comme "
            "https://redmine.exemple.fr (http ou https, avec le nom du serveur).",
            kind="config",
        )
    if parts.username or parts.password:
        raise SyncError(
            "Adresse invalide : l'URL contient un identifiant ou un mot de passe ; "
            "attendu l'adresse seule, la clé se donne à part (variable d'environnement "
            "ou page « Sources »).",
            kind="config",
        )
    if parts.query or parts.fragment:
        raise SyncError(
            f"Adresse invalide « {text[:200]} » : attendu l'adresse du serveur sans « ? » "
            "ni « # ».",
            kind="config",
        )
    return text.rstrip("/")


class Client:
    """GET/POST JSON on one server with fixed headers (the credentials)."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        *,
        auth_hint: str,
        settings: HttpSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = check_url(base_url)
        self.host = urllib.parse.urlsplit(self.base_url).hostname or ""
        self._headers = {"Accept": "application/json", "User-Agent": "tma-metrics-sync", **headers}
        self.auth_hint = auth_hint
        self.settings = settings or HttpSettings()
        self._sleep = sleep
        self._lock = threading.Lock()
        self.requests = 0
        self.server_time: datetime | None = None  # Date header of the first answer (UTC)

    def get(self, path: str, params: Mapping[str, object] | None = None, *, what: str) -> Any:
        """Return the decoded JSON of ``GET path?params``."""
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        return self._request("GET", path + (f"?{query}" if query else ""), None, what)

    def post(self, path: str, body: object, *, what: str) -> Any:
        """Return the decoded JSON of ``POST path`` with a JSON body."""
        return self._request("POST", path, json.dumps(body).encode("utf-8"), what)

    def map(
        self,
        function: Callable[[T], R],
        items: Iterable[T],
        *,
        on_done: Callable[[int, int], None] | None = None,
    ) -> list[R]:
        """Apply ``function`` to every item, `HttpSettings.workers` at a time, in order.

        ``on_done(done, total)`` runs in the calling thread (a Streamlit progress bar can
        only be updated from there). The first failure cancels what has not started.
        """
        todo = list(items)
        results: list[Any] = [None] * len(todo)
        if not todo:
            return results
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            futures = {pool.submit(function, item): i for i, item in enumerate(todo)}
            try:
                for done, future in enumerate(as_completed(futures), 1):
                    results[futures[future]] = future.result()
                    if on_done is not None:
                        on_done(done, len(todo))
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return results

    # -- one request ------------------------------------------------------------------

    def _request(self, method: str, path: str, body: bytes | None, what: str) -> Any:
        url = self.base_url + path
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(self.settings.retries + 1):
            # The URL's scheme was checked (http/https only) by check_url.
            request = urllib.request.Request(  # noqa: S310
                url, data=body, headers=headers, method=method
            )
            with self._lock:
                self.requests += 1
            try:
                with urllib.request.urlopen(  # noqa: S310
                    request, timeout=self.settings.timeout_seconds
                ) as answer:
                    self._note_date(answer.headers.get("Date"))
                    raw = self._read(answer, what)
                    kind = answer.headers.get("Content-Type", "")
                return _decode(raw, kind, what)
            except urllib.error.HTTPError as exc:
                status = exc.code
                delay = _retry_after(exc.headers.get("Retry-After"), attempt)
                exc.close()
                if status in _RETRIED and attempt < self.settings.retries:
                    if delay > self.settings.max_wait_seconds:
                        raise self._status_error(status, what, delay) from None
                    self._sleep(delay)
                    continue
                raise self._status_error(status, what, delay if status in _RETRIED else 0) from None
            except urllib.error.URLError as exc:
                raise self._network_error(exc.reason, what) from None
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                raise self._network_error(exc, what) from None
        raise AssertionError("unreachable")

    def _read(self, answer: Any, what: str) -> bytes:
        limit = self.settings.max_body_bytes
        raw = answer.read(limit + 1)
        if len(raw) > limit:
            raise SyncError(
                f"Réponse trop volumineuse en lisant {what} : plus de {limit // 1_000_000} Mo "
                "pour une seule page ; attendu des pages de 100 éléments.",
                kind="too_big",
            )
        return raw

    def _note_date(self, header: str | None) -> None:
        if self.server_time is not None or not header:
            return
        try:
            found = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return
        with self._lock:
            if self.server_time is None:
                self.server_time = found.astimezone(UTC)

    def _status_error(self, status: int, what: str, delay: float) -> SyncError:
        if status == 401:
            return SyncError(
                f"Authentification refusée (HTTP 401) en lisant {what} : {self.auth_hint}.",
                kind="auth",
            )
        if status == 403:
            return SyncError(
                f"Accès interdit (HTTP 403) à {what} : le compte de la clé n'a pas le droit "
                "de voir cette ressource (projet privé, module désactivé ou rôle "
                "insuffisant).",
                kind="forbidden",
            )
        if status == 404:
            return SyncError(
                f"Introuvable (HTTP 404) : {what} n'existe pas sur {self.host} ; vérifiez "
                "l'URL du serveur et l'identifiant du projet.",
                kind="not_found",
            )
        if status == 429:
            return SyncError(
                f"Trop de requêtes (HTTP 429) en lisant {what} : le serveur limite le débit "
                f"(attente demandée : {delay:g} s) ; rien n'a été écrit, relancez plus tard.",
                kind="rate_limit",
            )
        if status >= 500:
            return SyncError(
                f"Erreur du serveur (HTTP {status}) en lisant {what} : rien n'a été écrit ; "
                "relancez la synchronisation plus tard.",
                kind="server",
            )
        return SyncError(
            f"Requête refusée (HTTP {status}) en lisant {what} : attendu une réponse 200.",
            kind="server",
        )

    def _network_error(self, reason: object, what: str) -> SyncError:
        host = self.host
        if isinstance(reason, socket.gaierror):
            return SyncError(
                f"Serveur introuvable : le nom « {host} » ne se résout pas (DNS) ; vérifiez "
                "l'URL et la connexion réseau.",
                kind="dns",
            )
        if isinstance(reason, ssl.SSLCertVerificationError):
            return SyncError(
                f"Certificat TLS refusé pour « {host} » ({reason.verify_message}) : la "
                "connexion n'est pas sûre ; vérifiez l'URL ou le certificat du serveur.",
                kind="tls",
            )
        if isinstance(reason, ssl.SSLError):
            return SyncError(
                f"Échec de la connexion TLS avec « {host} » ({reason.reason or reason}) : "
                "le serveur parle-t-il bien HTTPS à cette adresse ?",
                kind="tls",
            )
        if isinstance(reason, TimeoutError):
            return SyncError(
                f"Délai dépassé : « {host} » n'a pas répondu en "
                f"{self.settings.timeout_seconds:g} s en lisant {what} ; rien n'a été "
                "écrit, relancez plus tard.",
                kind="timeout",
            )
        if isinstance(reason, ConnectionRefusedError):
            return SyncError(
                f"Connexion refusée par « {host} » : aucun serveur n'écoute à cette adresse "
                "(URL ou port erroné ?).",
                kind="connection",
            )
        return SyncError(
            f"Connexion impossible avec « {host} » en lisant {what} : {reason}.",
            kind="connection",
        )


def _retry_after(header: str | None, attempt: int) -> float:
    """Return the seconds a 429/503 asks to wait (its Retry-After, else 1, 2, 4... s)."""
    if header:
        text = header.strip()
        if text.isdigit():
            return float(text)
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            pass
        else:
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return float(2**attempt)


def _decode(raw: bytes, content_type: str, what: str) -> Any:
    """Return the JSON value of a body, or raise `SyncError` saying what came instead."""
    if "html" in content_type.lower() or raw.lstrip()[:1] == b"<":
        raise SyncError(
            f"Réponse inattendue en lisant {what} : attendu du JSON, trouvé une page HTML "
            "(URL qui ne mène pas à l'API, page de connexion, ou API REST désactivée).",
            kind="json",
        )
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SyncError(
            f"Réponse illisible en lisant {what} : attendu du JSON en UTF-8, trouvé des "
            "octets dans un autre encodage.",
            kind="json",
        ) from None
    except json.JSONDecodeError as exc:
        shown = raw[:60].decode("utf-8", errors="replace")
        raise SyncError(
            f"Réponse illisible en lisant {what} : JSON invalide ({exc.msg}, position "
            f"{exc.pos}) ; début reçu : « {shown} ».",
            kind="json",
        ) from None
