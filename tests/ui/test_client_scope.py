"""A client sees its own contract only, whatever page or URL it tries (server mode)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_AS_OF
from tma_metrics.auth.passwords import hash_password
from tma_metrics.auth.principal import Principal, Role, allowed_contracts
from tma_metrics.cli import main
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"
BETA = "Beta - Comptoir des Bastides"
GAMMA = "Gamma - Syndicat des Eaux de la Gâtine"
PASSWORD = "mot-de-passe-client-alpha-1"


@pytest.fixture(scope="module")
def client_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def server_mode(demo, tmp_path, monkeypatch, client_hash):
    db, _ = demo
    users = tmp_path / "users.toml"
    users.write_text(
        f'[[user]]\nlogin = "claire"\nname = "Claire Client"\nrole = "client"\n'
        f'contracts = ["{ALPHA}"]\npassword_hash = "{client_hash}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_USERS", str(users))


def logged_in_client(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/connexion.py")
    at.run()
    at.text_input[0].input("claire")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Se connecter").click()
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    return at


def page_text(at: AppTest) -> str:
    parts = [
        e.value
        for e in (
            *at.title,
            *at.caption,
            *at.markdown,
            *at.info,
            *at.warning,
            *at.error,
            *at.success,
        )
    ]
    parts += [m.label + " " + m.value for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [c.value for c in at.code]
    return "\n".join(str(p) for p in parts)


def test_an_anonymous_visitor_reaches_only_the_quick_balance_and_login(server_mode) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Solde rapide"
    for page in ("point_tma.py", "portefeuille.py", "import_donnees.py", "copil.py"):
        # not registered for an anonymous visitor: neither a link nor a URL reaches it
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}")


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("point_tma.py", {"contrat": BETA}),
        ("bilan_mensuel.py", {"contrat": GAMMA}),
        ("copil.py", {"contrat": BETA, "periode": "year"}),
        ("point_tma.py", {"contrat": "' OR 1=1 --"}),
    ],
    ids=["point-beta", "bilan-gamma", "copil-beta", "injection"],
)
def test_a_client_editing_the_url_still_sees_only_its_contract(server_mode, page, params) -> None:
    at = logged_in_client(au=DEMO_AS_OF.isoformat(), **params)
    at.switch_page(f"pages/{page}")
    for key, value in params.items():
        at.query_params[key] = value
    at.query_params["au"] = DEMO_AS_OF.isoformat()
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key="contrat").options == [ALPHA]
    text = page_text(at)
    assert ALPHA in text
    for other in ("Beta", "Bastides", "Gamma", "Gâtine"):
        assert other not in text, other
    assert "absorb" not in text.lower()


def test_a_client_gets_no_internal_page(server_mode) -> None:
    at = logged_in_client()
    assert not at.exception
    assert at.title[0].value.startswith("Point TMA")  # the client's first page
    for page in ("portefeuille.py", "import_donnees.py", "contrats.py"):
        # The navigation does not register these pages for a client; AppTest can still
        # force a page's script to run, which is exactly what the page's own lock is for.
        try:
            at.switch_page(f"pages/{page}")
        except ValueError:
            continue
        at.run()
        assert not at.exception
        assert [e.value for e in at.error] == ["Cette page est réservée à l'équipe de l'agence."]
        assert not at.title and not at.dataframe and not at.metric, page


def test_the_client_sees_the_figures_of_its_own_contract(server_mode, demo) -> None:
    db, _ = demo
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(
            [
                "report",
                "--db",
                str(db),
                "--as-of",
                DEMO_AS_OF.isoformat(),
                "--contract",
                ALPHA,
                "--json",
            ]
        )
    (expected,) = json.loads(out.getvalue())
    at = logged_in_client()
    at.switch_page("pages/point_tma.py")
    at.query_params["au"] = DEMO_AS_OF.isoformat()
    at.run()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Solde"] == f"{expected['remaining_days']:.1f}\u00a0j".replace(".", ",")
    assert "Temps absorbé" not in shown


def test_the_store_reads_only_the_allowed_contracts(demo) -> None:
    db, _ = demo
    contracts = load_contracts(DEFAULT_CONTRACTS)
    client = Principal("claire", "Claire", Role.CLIENT, (ALPHA,))
    allowed = allowed_contracts(client, contracts)
    assert [c.name for c in allowed] == [ALPHA]
    store = Store(db)
    scope = store.scope(allowed)
    store.close()
    assert set(scope.tickets["contract"]) == {ALPHA}
    assert set(scope.entries["contract"]) == {ALPHA}
    assert not scope.tickets["project"].str.contains("BETA").any()
