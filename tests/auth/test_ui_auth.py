"""The login gate in a tiny app (Streamlit AppTest): local, password and OIDC modes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit import config as st_config
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from tests.auth.conftest import PASSWORDS
from tma_metrics.auth.sessions import KEEPER
from tma_metrics.auth.users import USERS_ENV, set_password
from tma_metrics.french.markup import WORD_JOINER
from tma_metrics.ui import login_page as auth

SCRIPT = """
import streamlit as st

from tma_metrics.ui.login_page import account_sidebar, auth_mode, current_principal

principal = current_principal()
account_sidebar(principal)
st.title("Tableau de bord")
contracts = "tous" if principal.contracts is None else ", ".join(principal.contracts)
st.markdown(f"mode={auth_mode()} login={principal.login} role={principal.role} ({contracts})")
"""

OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "tma-metrics",
        "client_secret": "test-client-secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
}


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    """Each test starts with no failed attempts (the throttle is process-wide)."""
    auth._login_throttle.clear()


@pytest.fixture
def no_users(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(USERS_ENV, str(tmp_path / "absent.toml"))


@pytest.fixture
def with_users(users_file: Path, monkeypatch) -> Path:
    monkeypatch.setenv(USERS_ENV, str(users_file))
    return users_file


def start() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    """Return every text the page shows (titles, markdown, alerts, captions)."""
    parts = [e.value for e in (*at.title, *at.markdown, *at.error, *at.warning, *at.caption)]
    return "\n".join(str(p) for p in parts)


def log_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input[0].input(login)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Se connecter").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_local_mode_passes_through_as_manager(no_users) -> None:
    at = start()
    assert "mode=local login=local role=manager (tous)" in shown(at)
    assert not at.text_input  # no login form
    assert not at.button  # no logout button either


@pytest.mark.parametrize(
    ("address", "warned"),
    [("localhost", False), ("127.0.0.1", False), ("0.0.0.0", True), (None, True)],
    ids=["localhost", "loopback-ip", "all-interfaces", "unset-means-all"],
)
def test_local_mode_warns_when_the_server_is_reachable_from_elsewhere(
    no_users, address: str | None, warned: bool
) -> None:
    saved = st_config.get_option("server.address")
    st_config.set_option("server.address", address)
    try:
        at = start()
    finally:
        st_config.set_option("server.address", saved)
    assert "mode=local" in shown(at)
    assert (
        any("toute personne qui l'atteint voit tous les contrats" in w.value for w in at.warning)
        is warned
    )


@pytest.mark.parametrize(
    "text",
    ["# personne encore\n", "", "\n\n   \n"],
    ids=["comments-only", "empty", "blank-lines"],
)
def test_a_users_file_without_users_keeps_the_app_closed(
    tmp_path: Path, monkeypatch, text: str
) -> None:
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(USERS_ENV, str(path))
    at = start()
    assert [e.value for e in at.error] == [auth.NO_USERS]
    assert "Aucun utilisateur n'est défini" in auth.NO_USERS
    assert "Tableau de bord" not in shown(at) and "mode=local" not in shown(at)
    assert not at.text_input  # no login form either: nobody could log in


def test_password_mode_shows_the_login_form_and_nothing_else(with_users) -> None:
    at = start()
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]
    assert at.text_input[1].proto.type == TextInputProto.PASSWORD
    assert [t.autocomplete for t in at.text_input] == ["username", "current-password"]
    assert [b.label for b in at.button] == ["Se connecter"]
    assert at.title[0].value == "Connexion"
    assert "Tableau de bord" not in shown(at)


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("paul", PASSWORDS["alice"]),
        ("inconnu", PASSWORDS["paul"]),
        ("paul", PASSWORDS["paul"] + "x"),
    ],
    ids=["another-users-password", "unknown-login", "wrong-password"],
)
def test_a_wrong_login_gets_the_same_generic_message(with_users, login: str, password: str):
    at = log_in(start(), login, password)
    assert [e.value for e in at.error] == ["Identifiant ou mot de passe incorrect."]
    assert "Tableau de bord" not in shown(at)
    assert at.session_state[auth.FAILURES_KEY] == 1


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("alice", "login=alice role=manager (tous)"),
        ("paul", "login=paul role=pm (Mairie de Lyon, Transports Lille)"),
        ("chloe", "login=chloe role=client (CHU Nantes)"),
    ],
    ids=["manager", "pm", "client"],
)
def test_the_right_password_gets_in_with_the_users_role(with_users, login: str, expected: str):
    at = log_in(start(), login, PASSWORDS[login])
    assert f"mode=password {expected}" in shown(at)
    assert not at.text_input
    assert not at.error


def test_logout_returns_to_the_login_form(with_users) -> None:
    at = log_in(start(), "paul", PASSWORDS["paul"])
    assert "Connecté : **Paul Durand** · Chef de projet" in shown(at)
    at.button(key="auth_logout").click()
    at.run()
    assert at.title[0].value == "Connexion"
    assert auth.PRINCIPAL_KEY not in at.session_state


def test_empty_fields_are_not_counted_as_an_attempt(with_users) -> None:
    at = log_in(start(), "paul", "")
    assert "Saisissez votre identifiant et votre mot de passe." in shown(at)
    assert auth.FAILURES_KEY not in at.session_state


def test_five_failures_impose_a_wait_even_for_the_right_password(with_users) -> None:
    at = start()
    for _ in range(5):
        log_in(at, "paul", "mauvais-mot-de-passe")
    log_in(at, "paul", PASSWORDS["paul"])
    assert "Trop de tentatives infructueuses : réessayez dans" in shown(at)
    assert "Tableau de bord" not in shown(at)


def test_a_new_session_does_not_reset_the_wait_on_that_login(with_users) -> None:
    first = start()
    for _ in range(5):
        log_in(first, "paul", "mauvais-mot-de-passe")
    second = log_in(start(), "paul", PASSWORDS["paul"])
    assert "Trop de tentatives" in shown(second)
    other = log_in(start(), "chloe", PASSWORDS["chloe"])  # other logins are not slowed down
    assert "login=chloe" in shown(other)


def test_a_password_change_ends_the_open_session(with_users: Path) -> None:
    at = log_in(start(), "paul", PASSWORDS["paul"])
    set_password(with_users, "paul", "un-tout-nouveau-mot-de-passe")
    at.run()
    assert at.title[0].value == "Connexion"


def test_a_role_change_in_the_file_applies_at_the_next_run(with_users: Path) -> None:
    at = log_in(start(), "paul", PASSWORDS["paul"])
    text = with_users.read_text(encoding="utf-8")
    with_users.write_text(
        text.replace('"Mairie de Lyon", "Transports Lille"', '"Transports Lille"'),
        encoding="utf-8",
    )
    at.run()
    assert "login=paul role=pm (Transports Lille)" in shown(at)


def test_a_broken_users_file_keeps_the_app_closed_without_details(with_users: Path) -> None:
    with_users.write_text(
        with_users.read_text(encoding="utf-8").replace('role = "pm"', 'role = "admin"'),
        encoding="utf-8",
    )
    at = start()
    assert [e.value for e in at.error] == [
        "Le fichier des utilisateurs est invalide : connexion impossible. L'administrateur "
        "voit le détail avec « python -m tma_metrics user list »."
    ]
    assert at.error[0].value == auth.BROKEN_USERS
    assert "paul" not in shown(at) and not at.text_input


def oidc_app(user: dict[str, object]) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=30)
    at.secrets = OIDC_SECRETS
    at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def test_oidc_known_email_gets_its_role(with_users) -> None:
    at = oidc_app({"is_logged_in": True, "email": "Chloe@CHU-Nantes.fr", "name": "Chloé"})
    assert "mode=oidc login=chloe role=client (CHU Nantes)" in shown(at)


@pytest.mark.parametrize(
    ("user", "shown_as"),
    [
        ({"is_logged_in": True, "email": "intrus@ailleurs.fr"}, "« intrus@ailleurs.fr »"),
        ({"is_logged_in": True}, "« sans adresse e-mail »"),
        (
            {"is_logged_in": True, "email": "alice@agence.fr", "email_verified": False},
            "« alice@agence.fr »",
        ),
    ],
    ids=["unknown-email", "no-email-claim", "unverified-email"],
)
def test_oidc_unknown_email_is_refused_in_french(with_users, user: dict, shown_as: str) -> None:
    at = oidc_app(user)
    # the address comes from the identity provider: escaped (no mailto link), shown as is
    errors = [e.value.replace(WORD_JOINER, "") for e in at.error]
    assert errors == [
        f"Le compte {shown_as} n'a pas accès à TMA Metrics : son adresse e-mail (vérifiée) "
        "n'est pas dans le fichier des utilisateurs. Demandez à un responsable de vous y ajouter."
    ]
    assert "Tableau de bord" not in shown(at)
    assert [b.label for b in at.button] == ["Se déconnecter"]


def test_oidc_logged_out_shows_the_login_screen(with_users) -> None:
    at = oidc_app({"is_logged_in": False})
    assert at.title[0].value == "Connexion"
    if importlib.util.find_spec("authlib") is None:
        assert "demande le paquet Authlib" in shown(at)
    else:
        assert [b.label for b in at.button] == ["Se connecter avec votre compte"]
    assert "Tableau de bord" not in shown(at)


def test_oidc_mode_wins_over_the_password_form(with_users) -> None:
    at = oidc_app({"is_logged_in": True, "email": "alice@agence.fr"})
    assert "mode=oidc login=alice role=manager (tous)" in shown(at)
    assert not at.text_input


# -- sessions that survive a reload (the browser part is tests/browser/test_sessions.py) --


def posts_of(at: AppTest) -> list[tuple[str, str]]:
    """Return the (route, form body) the page has the browser post to."""
    found = []
    for element in at.html:
        if "fetch(" in element.value:
            args = element.value.split("fetch(", 1)[1]
            route = json.loads(args.split(",", 1)[0])
            body = json.loads(args.rsplit("body: ", 1)[1].split("})", 1)[0])
            found.append((route, body))
    return found


def test_a_login_hands_a_session_cookie_to_the_browser_until_it_takes_it(with_users) -> None:
    at = log_in(start(), "paul", PASSWORDS["paul"])
    [(route, body)] = posts_of(at)
    assert route == "/_tma/session/open"
    token = at.session_state[auth.SESSION_KEY]
    assert token.login == "paul"
    at.run()
    assert posts_of(at) == [(route, body)]  # asked again: a run may not reach the browser
    code = parse_qs(body)["code"][0]
    assert KEEPER.decode(KEEPER.take(code)) == token  # what the route does
    at.run()
    assert posts_of(at) == []  # taken: never again
    assert "login=paul" in shown(at)


def test_a_logout_revokes_the_session_and_drops_the_cookie(with_users) -> None:
    at = log_in(start(), "paul", PASSWORDS["paul"])
    token = at.session_state[auth.SESSION_KEY]
    at.button(key="auth_logout").click()
    at.run()
    assert KEEPER.is_revoked(token.sid)
    assert posts_of(at) == [("/_tma/session/close", "")]
    assert at.title[0].value == "Connexion"


def test_a_logout_in_one_tab_ends_the_others_of_that_session(with_users) -> None:
    first = log_in(start(), "paul", PASSWORDS["paul"])
    second = AppTest.from_string(SCRIPT, default_timeout=30)
    # a second tab opened from the same cookie holds the same session
    second.session_state[auth.PRINCIPAL_KEY] = first.session_state[auth.PRINCIPAL_KEY]
    second.session_state[auth.HASH_DIGEST_KEY] = first.session_state[auth.HASH_DIGEST_KEY]
    second.session_state[auth.SESSION_KEY] = first.session_state[auth.SESSION_KEY]
    second.run()
    assert "login=paul" in shown(second)
    first.button(key="auth_logout").click()
    first.run()
    second.run()
    assert second.title[0].value == "Connexion"
    assert "login=paul" not in shown(second)
