"""The two web routes that set and clear the session cookie (HttpOnly: only a server can).

A Streamlit script talks to the browser over a websocket and cannot set an HttpOnly
cookie. After a login the page posts a one-time code to ``/_tma/session/open``, which
answers with the signed session cookie; after a logout it posts to
``/_tma/session/close``, which deletes it (the session itself is already revoked on the
server). Both answer 204 and never redirect. ``app.py`` mounts them on Streamlit's own
server (`streamlit.App`).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tma_metrics.auth.sessions import KEEPER, SESSION_COOKIE

__all__ = [
    "CLOSE_PATH",
    "OPEN_PATH",
    "base_path",
    "close_session",
    "open_session",
    "session_routes",
]

OPEN_PATH = "/_tma/session/open"
CLOSE_PATH = "/_tma/session/close"
_MAX_BODY = 512


def base_path() -> str:
    """Return Streamlit's ``server.baseUrlPath`` as ``/path`` (empty at the root)."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


async def open_session(request: Request) -> Response:
    """Exchange a one-time code (form body ``code=…``) for the session cookie."""
    value = KEEPER.take(await _code(request))
    token = KEEPER.decode(value)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if value is not None and token is not None:
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=KEEPER.seconds_left(token),
            path=base_path() + "/",
            secure=_is_https(request),
            httponly=True,
            samesite="lax",
        )
    return response


async def close_session(request: Request) -> Response:
    """Revoke the session of the cookie (if still valid) and delete the cookie."""
    token = KEEPER.decode(request.cookies.get(SESSION_COOKIE))
    if token is not None:
        KEEPER.revoke(token)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(
        SESSION_COOKIE, path=base_path() + "/", secure=_is_https(request), httponly=True
    )
    return response


async def _code(request: Request) -> str | None:
    body = await request.body()
    if len(body) > _MAX_BODY:
        return None
    found = parse_qs(body.decode("ascii", errors="replace")).get("code")
    return found[0] if found else None


def _is_https(request: Request) -> bool:
    # Behind an HTTPS reverse proxy the app sees plain HTTP; the proxy says the truth.
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def session_routes() -> list[Route]:
    """Return the routes to mount on the app's server."""
    return [
        Route(base_path() + OPEN_PATH, open_session, methods=["POST"]),
        Route(base_path() + CLOSE_PATH, close_session, methods=["POST"]),
    ]
