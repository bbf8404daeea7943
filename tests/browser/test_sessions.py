"""Password mode in a real browser: a login survives reloads, new tabs and bookmarks;
logout and a password change end it; protected addresses answer in French."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.browser.conftest import AppServer, wait_idle
from tests.conftest import DEMO_AS_OF
from tma_metrics.auth.passwords import hash_password
from tma_metrics.auth.sessions import SESSION_COOKIE
from tma_metrics.auth.users import set_password

ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"
BETA = "Beta - Comptoir des Bastides"
GAMMA = "Gamma - Syndicat des Eaux de la Gâtine"
PASSWORDS = {  # none contains its login: a test sets one back with `user passwd`'s checks
    "alice": "cheval-correct-agrafe-1",
    "paul": "batterie-agrafe-cheval-2",
    "claire": "mot-de-passe-client-alpha-1",
}
FRAME_CAPTION = "TMA Metrics · suivi des contrats de TMA"


def users_toml() -> str:
    h = {login: hash_password(password) for login, password in PASSWORDS.items()}
    return (
        f'[[user]]\nlogin = "alice"\nname = "Alice Martin"\nrole = "manager"\n'
        f'password_hash = "{h["alice"]}"\n\n'
        f'[[user]]\nlogin = "paul"\nname = "Paul Durand"\nrole = "pm"\n'
        f'contracts = ["{BETA}", "{GAMMA}"]\npassword_hash = "{h["paul"]}"\n\n'
        f'[[user]]\nlogin = "claire"\nname = "Claire Client"\nrole = "client"\n'
        f'contracts = ["{ALPHA}"]\npassword_hash = "{h["claire"]}"\n'
    )


def start_server(demo, folder) -> AppServer:
    db, _ = demo
    copy = folder / "served.duckdb"
    shutil.copy(db, copy)
    users = folder / "users.toml"
    users.write_text(users_toml(), encoding="utf-8")
    return AppServer(
        copy,
        {"TMA_METRICS_USERS": str(users), "TMA_METRICS_DEMO": "0"},
        folder / "streamlit.log",
    )


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    app = start_server(demo, tmp_path_factory.mktemp("sessions"))
    yield app
    app.stop()


def bookmark(server, path: str = "point-tma", contract: str = GAMMA) -> str:
    query = urllib.parse.urlencode({"contrat": contract, "au": DEMO_AS_OF.isoformat()})
    return f"{server.url}/{path}?{query}"


def new_context(browser):
    return browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")


def log_in(page, login: str) -> None:
    """Fill the login form shown on ``page``; wait until the browser holds the session
    cookie (the page goes through the cookie route and back) and the page is drawn."""
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORDS[login])
    page.get_by_role("button", name="Se connecter").click()
    deadline = time.monotonic() + 30
    while not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]:
        assert time.monotonic() < deadline, "no session cookie after the login"
        page.wait_for_timeout(200)
    page.wait_for_load_state("load")
    wait_idle(page)


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def session_cookie(context) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    return cookie


@pytest.mark.browser
def test_a_bookmark_asks_for_a_login_then_survives_reload_and_new_tab(server, browser) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(bookmark(server))
    wait_idle(page)
    assert heading(page) == "Connexion"
    assert page.get_by_text("La page « Point TMA » demande une connexion.").is_visible()
    assert page.get_by_text("Page not found").count() == 0
    log_in(page, "paul")
    assert heading(page) == f"Point TMA — {GAMMA}"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["contrat"] == [GAMMA]
    cookie = session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert page.evaluate("document.cookie").find(SESSION_COOKIE) == -1  # not readable by JS
    page.reload()
    wait_idle(page)
    assert heading(page) == f"Point TMA — {GAMMA}"
    other = context.new_page()  # a new tab on another bookmark
    other.goto(bookmark(server, "bilan-mensuel", BETA))
    wait_idle(other)
    assert heading(other) == f"Bilan mensuel — {BETA}"
    assert other.get_by_text("Connecté : Paul Durand").count() == 1
    context.close()


@pytest.mark.browser
def test_logout_ends_the_session_in_every_tab_and_every_copy_of_the_cookie(server, browser) -> None:
    context = new_context(browser)
    first = context.new_page()
    first.goto(f"{server.url}/connexion")
    wait_idle(first)
    log_in(first, "alice")
    assert heading(first) == "Portefeuille des contrats"
    copied = session_cookie(context)
    second = context.new_page()
    second.goto(bookmark(server, "copil", BETA))
    wait_idle(second)
    assert heading(second) == f"Copil — {BETA}"
    first.get_by_role("button", name="Se déconnecter").click()
    first.wait_for_url("**/connexion", timeout=30_000)
    wait_idle(first)
    assert heading(first) == "Connexion"
    deadline = time.monotonic() + 30
    while [c for c in context.cookies() if c["name"] == SESSION_COOKIE]:
        assert time.monotonic() < deadline, "the cookie outlived the logout"
        first.wait_for_timeout(200)
    second.reload()
    wait_idle(second)
    assert heading(second) == "Connexion"
    # a copy of the cookie taken before the logout opens nothing either
    thief = new_context(browser)
    thief.add_cookies([{k: copied[k] for k in ("name", "value", "domain", "path")}])
    stolen = thief.new_page()
    stolen.goto(bookmark(server, "copil", BETA))
    wait_idle(stolen)
    assert heading(stolen) == "Connexion"
    thief.close()
    context.close()


@pytest.mark.browser
def test_a_password_change_ends_the_open_sessions(server, browser) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(bookmark(server))
    wait_idle(page)
    log_in(page, "paul")
    assert heading(page) == f"Point TMA — {GAMMA}"
    users = server_users(server)
    set_password(users, "paul", "un-tout-nouveau-mot-de-passe")
    try:
        page.reload()
        wait_idle(page)
        assert heading(page) == "Connexion"
    finally:
        set_password(users, "paul", PASSWORDS["paul"])
    context.close()


def server_users(server):
    return server.db.parent / "users.toml"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("cookie", "why"),
    [("forged.value", "forged"), ("", "empty"), ("x" * 3000, "oversized")],
    ids=["forged", "empty", "oversized"],
)
def test_a_forged_cookie_opens_nothing(server, browser, cookie: str, why: str) -> None:
    context = new_context(browser)
    context.add_cookies(
        [{"name": SESSION_COOKIE, "value": cookie, "domain": "127.0.0.1", "path": "/"}]
    )
    page = context.new_page()
    page.goto(bookmark(server))
    wait_idle(page)
    assert heading(page) == "Connexion", why
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["portefeuille", "import", "contrats"])
def test_a_client_opening_an_internal_address_gets_a_french_refusal(server, browser, path) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{server.url}/connexion")
    wait_idle(page)
    log_in(page, "claire")
    page.goto(f"{server.url}/{path}")
    wait_idle(page)
    assert heading(page) == "Accès réservé"
    assert page.get_by_text("est réservée à l'équipe de l'agence.").is_visible()
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("method", "body", "status", "sets"),
    [
        ("GET", None, 200, None),  # Streamlit serves its page: no cookie
        ("POST", b"code=inconnu", 204, None),
        ("POST", b"code=" + b"x" * 600, 204, None),
        ("POST", b"", 204, None),
    ],
    ids=["get-serves-no-cookie", "unknown-code", "oversized-body", "no-code"],
)
def test_the_open_route_sets_a_cookie_only_for_a_live_code(server, method, body, status, sets):
    request = urllib.request.Request(f"{server.url}/_tma/session/open", data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            code, cookie = answer.status, answer.headers.get("Set-Cookie")
    except urllib.error.HTTPError as error:
        code, cookie = error.code, error.headers.get("Set-Cookie")
    assert (code, cookie) == (status, sets)


@pytest.fixture
def fresh_server(demo, tmp_path):
    app = start_server(demo, tmp_path)
    yield app
    app.stop()


@pytest.mark.browser
def test_opening_the_login_page_first_runs_inside_the_apps_frame(fresh_server, browser) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{fresh_server.url}/connexion")  # the very first visit of this server
    wait_idle(page)
    assert heading(page) == "Connexion"
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert FRAME_CAPTION in sidebar
    assert "import donnees" not in sidebar and "Solde rapide" in sidebar
    log_in(page, "alice")
    assert heading(page) == "Portefeuille des contrats"
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    context.close()
