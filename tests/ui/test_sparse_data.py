"""Pages and the report on sparse or odd real-world data a new customer brings.

One database is built once for the module through the real import command, from small
exports: GLPI tickets without any time entry, Kimai and Harvest timesheets without any
ticket, one single ticket with one entry, tickets with unknown priorities and no
estimate, Zendesk tickets for carnets that start next year or ended last year; the
contracts files add a contract whose projects match nothing and the models without
carnet. Every page must run without exception, say in French what it cannot compute,
and never show a made-up figure.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tma_metrics.cli import main

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SAMPLES = Path(__file__).resolve().parents[1] / "samples"

ONE_TICKET = """Clé;Projet;Titre;Type;Priorité;Statut;Créé le;Résolu le;Estimation (h)
UN-1;SOLO;Seule demande;Anomalie;Majeure;Résolu;02/11/2026 10:00;03/11/2026 15:00;4
"""
ONE_ENTRY = """Date;Personne;Heures;Demande;Projet;Activité
03/11/2026;Camille Martin;3,5;UN-1;SOLO;dev
"""
ODD_TICKETS = """Clé;Projet;Titre;Type;Priorité;Statut;Créé le;Résolu le
OD-1;ODD;Bug sans priorité connue;Anomalie;P0-Critique;Résolu;02/11/2026 10:00;03/11/2026 15:00
OD-2;ODD;Autre bug;Bug;Sev 3;En cours;05/11/2026 09:00;
OD-3;ODD;Chose bizarre;Truc;Whatever;Nouveau;06/11/2026 09:00;
OD-4;ODD;Sans priorité;Anomalie;;Nouveau;07/11/2026 09:00;
"""
ODD_TIME = """Date;Personne;Heures;Demande;Projet;Activité
03/11/2026;Camille Martin;3,5;OD-1;ODD;dev
06/11/2026;Camille Martin;2;OD-2;ODD;
"""

CARNETS = """
[[contract]]
name = "Tickets seuls"
projects = ["Client A > Siège", "Client A > Agence"]
[[contract.carnet]]
start = 2025-09-01
days = 20

[[contract]]
name = "Temps seuls"
projects = ["Site web"]
[[contract.carnet]]
start = 2026-11-01
days = 10

[[contract]]
name = "Solo"
projects = ["SOLO"]
[[contract.carnet]]
start = 2026-11-01
days = 5

[[contract]]
name = "Fantôme"
projects = ["Projet inexistant"]
[[contract.carnet]]
start = 2026-01-01
days = 30

[[contract]]
name = "Futur"
projects = ["ACME"]
[[contract.carnet]]
start = 2027-03-01
days = 15

[[contract]]
name = "Échu"
projects = ["Support"]
[[contract.carnet]]
start = 2025-01-01
end = 2025-12-31
days = 15

[[contract]]
name = "Bizarre"
projects = ["ODD"]
[[contract.carnet]]
start = 2026-11-01
days = 10
"""

MODELS = """
[[contract]]
name = "Abonnement"
projects = ["Site web"]
model = "subscription"
monthly_days = 2

[[contract]]
name = "Régie"
projects = ["SOLO"]
model = "regie"

[[contract]]
name = "Forfait"
projects = ["Client A > Siège", "Client A > Agence"]
model = "forfait"
"""

AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> dict[str, Path]:
    """The database and the two contracts files, built once through the CLI."""
    folder = tmp_path_factory.mktemp("sparse")
    db = folder / "sparse.duckdb"
    own = {
        "one-ticket.csv": ONE_TICKET,
        "one-entry.csv": ONE_ENTRY,
        "odd-tickets.csv": ODD_TICKETS,
        "odd-time.csv": ODD_TIME,
    }
    files = [SAMPLES / n for n in ("glpi-fr.csv", "kimai-fr.csv", "harvest-time.csv")]
    files.append(SAMPLES / "zendesk-tickets.csv")
    for name, text in own.items():
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    for file in files:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["import", str(file), "--db", str(db)]) == 0, file.name
    carnets = folder / "carnets.toml"
    carnets.write_text(CARNETS, encoding="utf-8")
    models = folder / "models.toml"
    models.write_text(MODELS, encoding="utf-8")
    return {"db": db, "carnets": carnets, "models": models, "folder": folder}


@pytest.fixture
def use(sparse, monkeypatch):
    """Point the app at the sparse database and one of its contracts files."""

    def choose(contracts: str = "carnets") -> None:
        monkeypatch.setenv("TMA_METRICS_DB", str(sparse["db"]))
        monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(sparse[contracts]))
        monkeypatch.setenv("TMA_METRICS_DEMO", "0")
        monkeypatch.setenv("TMA_METRICS_USERS", str(sparse["folder"] / "users.toml"))

    return choose


def run_page(page: str, contract: str | None = None, au: str = AS_OF, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"pages/{page}")
    at.query_params["au"] = au
    if contract is not None:
        at.query_params["contrat"] = contract
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if contract is not None:
        assert at.sidebar.selectbox(key="contrat").value == contract
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def messages(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.info, *at.warning, *at.error, *at.success))


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def chart_titles(at: AppTest) -> str:
    """The titles of the page's Plotly charts (their figure JSON, as sent to the browser)."""
    return "\n".join(
        json.loads(e.proto.spec)["layout"]["title"]["text"] for e in at.get("plotly_chart")
    )


def code(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.code)


def report(sparse, contracts: str, as_of: str = AS_OF) -> dict[str, dict]:
    out = io.StringIO()
    args = ["report", "--db", str(sparse["db"]), "--contracts", str(sparse[contracts])]
    with contextlib.redirect_stdout(out):
        assert main([*args, "--as-of", as_of, "--json"]) == 0
    return {c["name"]: c for c in json.loads(out.getvalue())}


# -- (1) tickets only, no time entry ---------------------------------------------------


def test_tickets_only_point_says_no_time_was_logged(use) -> None:
    use()
    at = run_page("point_tma.py", "Tickets seuls", au="2025-09-30")
    text = messages(at)
    assert "Aucune saisie de temps pour ce contrat au 30/09/2025" in text
    # no pace is known: no "days likely unused" claim, no forecast
    assert "resteront inutilisés" not in text
    assert metrics(at)["Épuisement prévu"] == "Non prévisible"
    # no workaround recorded: the resolution is the workaround, late too
    assert "2 délais SLA dépassés : 2560 (contournement), 2560 (résolution)." in text


def test_tickets_only_bilan_does_not_claim_every_ticket_had_an_estimate(use) -> None:
    use()
    at = run_page("bilan_mensuel.py", "Tickets seuls", au="2025-09-30")
    assert "Aucune demande sans devis validé n'a consommé de temps ce mois-ci." in captions(at)
    mail = code(at)
    assert "avaient un devis validé" not in mail
    assert "Aucun temps saisi ce mois-ci sur une demande à devis" in mail
    (sla,) = [df.value for df in at.dataframe if "Soumis au SLA" in df.value.columns]
    low = sla["Respect au pire (non mesurables dépassés)"]
    assert list(low.round(2))[:2] == [0.0, 1.0]
    # the first severity's unknowns make its 0 % a range
    assert sla["Respect des SLA (fourchette)"].iloc[0].startswith("entre 0\u00a0% et ")


# -- (2) time entries only, no ticket --------------------------------------------------


def test_time_only_point_names_the_missing_tickets(use) -> None:
    use()
    at = run_page("point_tma.py", "Temps seuls")
    text = messages(at)
    assert "Aucune demande pour ce contrat au 30/11/2026" in text
    assert (
        "4 saisie(s) de temps visent une demande absente des exports (456, 88, ABC-12, WEB-5) : "
        "décomptées au temps passé, sans devis" in text
    )
    assert metrics(at)["Solde"] == "8,8\u00a0j"


def test_time_only_bilan_separates_time_without_ticket_from_missing_tickets(use) -> None:
    use()
    at = run_page("bilan_mensuel.py", "Temps seuls")
    # the first table with billing rules is « Par demande » (« Sans devis » follows)
    by_ticket = next(df.value for df in at.dataframe if "Règle de décompte" in df.value.columns)
    rows = by_ticket.set_index(by_ticket["Demande"].fillna("—"))
    # time without ticket does not borrow one of the references its entries quote
    assert (rows.loc["—", "Titre"], rows.loc["—", "Saisies"]) == ("(sans demande)", 1)
    # entries quoting a ticket no export holds keep its key, billed as spent
    assert set(rows.index) == {"—", "88", "ABC-12", "WEB-5", "456"}
    for key in ("88", "ABC-12", "WEB-5", "456"):
        assert rows.loc[key, "Titre"] == "(demande absente des exports)"
        assert rows.loc[key, "Règle de décompte"].startswith("Demande absente des exports")
    mail = code(at)
    assert "- 88 – (demande absente des exports) (autre) : 0,3\u00a0j (2,25\u00a0h)" in mail
    assert "avaient un devis validé" not in mail
    assert "Demandes traitées sans devis validé : 4" in mail


def test_time_only_copil_shows_dashes_and_builds_the_deck(use) -> None:
    use()
    at = run_page("copil.py", "Temps seuls")
    shown = metrics(at)
    assert shown["Respect des SLA"] == "—"
    assert shown["Dans la garantie"] == "—"
    assert shown["Demandes reçues"] == "0"
    text = captions(at)
    assert "aucune demande soumise aux SLA" in text
    assert "aucune demande estimée close" in text
    labels = [b.label for b in at.download_button]
    assert "Exporter en Excel (.xlsx)" in labels
    next(b for b in at.button if "PowerPoint" in b.label).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Télécharger la présentation (.pptx)" in [b.label for b in at.download_button]


# -- (3) one ticket, one entry ---------------------------------------------------------


def test_single_ticket_and_entry(use) -> None:
    use()
    at = run_page("point_tma.py", "Solo")
    assert metrics(at)["Solde"] == "4,6\u00a0j"
    # one month of history gives one pace: no "between X and X" range
    assert "Épuisement prévu le 09/10/2027, avant l'échéance" in messages(at)
    assert "entre le 09/10/2027 et le 09/10/2027" not in messages(at) + captions(at)
    at = run_page("copil.py", "Solo")
    assert metrics(at)["Dans la garantie"] == "100\u00a0%"
    assert "1 demande estimée close" in captions(at)


# -- (4) a contract whose projects match nothing ---------------------------------------


def test_contract_matching_nothing_says_so(use) -> None:
    use()
    at = run_page("point_tma.py", "Fantôme")
    text = messages(at)
    assert "Aucune demande ni saisie de temps pour ce contrat au 30/11/2026" in text
    assert "« Projet inexistant »" in text
    assert "resteront inutilisés" not in text


# -- (5) carnets in the future / ended last year ---------------------------------------


@pytest.mark.parametrize("contract", ["Futur", "Échu"])
def test_no_valid_carnet_shows_no_balance(use, contract) -> None:
    use()
    at = run_page("point_tma.py", contract)
    assert "Aucun carnet n'est valide au 30/11/2026" in messages(at)
    assert "Solde" not in metrics(at)
    at = run_page("bilan_mensuel.py", contract)
    shown = metrics(at)
    assert shown["Solde du carnet"] == "—"
    assert shown["Consommé sur le carnet"] == "—"


# -- (6) an as-of date before any data -------------------------------------------------


def test_as_of_before_any_data(use) -> None:
    use()
    at = run_page("portefeuille.py", au="2020-01-01")
    (table,) = [df.value for df in at.dataframe if "Contrat" in df.value.columns]
    assert table["Solde"].isna().all()
    assert "aucun solde de carnet" in chart_titles(at)
    assert "0 j restants" not in chart_titles(at)
    for page in ("point_tma.py", "copil.py"):
        at = run_page(page, "Solo", au="2020-01-01")
        assert "Aucune demande ni saisie de temps pour ce contrat au 01/01/2020" in messages(at)
        assert "Solde" not in metrics(at)
    at = run_page("bilan_mensuel.py", "Solo", au="2020-01-01")
    assert "Pas de solde de carnet pour ce contrat à cette date" in messages(at)
    assert metrics(at)["Solde du carnet"] == "—"


# -- (7) unknown priorities, no estimate -----------------------------------------------


def test_unknown_priorities_are_named_and_no_estimate_gives_no_rate(use) -> None:
    use()
    at = run_page("point_tma.py", "Bizarre")
    assert "priorité(s) « P0-Critique », « Sev 3 » absente(s)" in messages(at)
    at = run_page("bilan_mensuel.py", "Bizarre")
    (sla,) = [df.value for df in at.dataframe if "Soumis au SLA" in df.value.columns]
    assert list(sla["Sévérité"]) == ["Bloquante", "Majeure", "Mineure"]
    assert "Demandes traitées sans devis validé : 2" in code(at)
    at = run_page("copil.py", "Bizarre")
    assert metrics(at)["Dans la garantie"] == "—"
    assert metrics(at)["Respect des SLA"] == "—"


# -- (8) models without carnet ---------------------------------------------------------


def test_subscription_bilan_shows_the_allowance_not_a_carnet(use) -> None:
    use("models")
    at = run_page("bilan_mensuel.py", "Abonnement")
    shown = metrics(at)
    assert shown["Inclus dans l'abonnement"] == "2,0\u00a0j"
    assert shown["Dépassement du mois"] == "0,0\u00a0j"
    assert "Solde du carnet" not in shown
    assert "Contrat en abonnement" in messages(at)
    assert "Pas de solde de carnet" not in messages(at)


@pytest.mark.parametrize(("contract", "label"), [("Régie", "Régie"), ("Forfait", "Forfait")])
def test_regie_and_forfait_bilan(use, contract, label) -> None:
    use("models")
    at = run_page("bilan_mensuel.py", contract)
    shown = metrics(at)
    assert shown["Modèle"].startswith(label)
    assert "Solde du carnet" not in shown
    assert f"Contrat {'en régie' if contract == 'Régie' else 'au forfait'}" in messages(at)
    for page in ("point_tma.py", "copil.py", "portefeuille.py", "contrats.py"):
        run_page(page, contract if page not in ("portefeuille.py", "contrats.py") else None)


def test_contracts_page_shows_the_subscription_allowance(use) -> None:
    use("models")
    at = run_page("contrats.py")
    assert "**Jours inclus par mois** : 2,0\u00a0j" in [m.value for m in at.markdown]


# -- the report ------------------------------------------------------------------------


def test_report_gives_null_for_what_cannot_be_computed(sparse) -> None:
    found = report(sparse, "carnets")
    for name in ("Futur", "Échu"):
        assert found[name]["remaining_days"] is None
        assert found[name]["forecast_exhaustion_date"] is None
    assert found["Fantôme"]["estimation"]["within_guarantee_rate"] is None
    assert found["Fantôme"]["sla_overall"]["compliance"] is None
    assert found["Temps seuls"]["sla_overall"]["coverage"] is None
    assert found["Bizarre"]["warnings"][0].startswith("2 demande(s) sans sévérité")
    models = report(sparse, "models")
    assert set(models) == {"Abonnement", "Régie", "Forfait"}
    assert models["Régie"]["remaining_days"] is None
