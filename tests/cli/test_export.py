"""``export``: the page's files written by the command line, and e-mailed through real SMTP.

SMTP servers (aiosmtpd) are started on 127.0.0.1 by the tests, with STARTTLS and a
login, with TLS from the first byte, and without TLS; their certificate is made by
``openssl`` for 127.0.0.1. Each message received is parsed back: subject, French text,
attachments opened with openpyxl and python-pptx.
"""

from __future__ import annotations

import email
import io
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from openpyxl import load_workbook
from pptx import Presentation

from tests.reports.conftest import contracts_file
from tma_metrics.cli import main
from tma_metrics.cli.mail import EXIT_NOT_SENT
from tma_metrics.config import ENVIRONMENT

__all__ = ["contracts_file"]

ROOT = Path(__file__).resolve().parents[2]
ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"
GAMMA = "Gamma - Syndicat des Eaux de la Gâtine"
USER, PASSWORD = "tma-robot", "mot de passe très long"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


class Inbox:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, index: int = -1) -> email.message.EmailMessage:
        return email.message_from_bytes(self.envelopes[index].content, policy=policy.default)


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # else aiosmtpd sends no 535 reply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl absent : pas de certificat pour le serveur SMTP de test")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture
def smtp(request, certificate, monkeypatch) -> Iterator[tuple[Inbox, str]]:
    """A running server of the kind ``request.param`` names, and its URL."""
    kind = request.param
    inbox, port = Inbox(), free_port()
    options: dict = {}
    if kind == "starttls":
        options = {
            "tls_context": server_context(certificate),
            "require_starttls": True,
            "authenticator": check_login,
            "auth_require_tls": True,
        }
    elif kind == "tls":
        # aiosmtpd only counts STARTTLS as TLS: the socket is TLS from its first byte here.
        options = {
            "ssl_context": server_context(certificate),
            "authenticator": check_login,
            "auth_require_tls": False,
        }
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    scheme = {"starttls": "smtp", "tls": "smtps", "plain": "smtp+plain"}[kind]
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test's certificate
    monkeypatch.setenv("TMA_METRICS_SMTP_URL", f"{scheme}://127.0.0.1:{port}")
    monkeypatch.setenv("TMA_METRICS_SMTP_FROM", "tma@agence.example.fr")
    if kind != "plain":
        monkeypatch.setenv("TMA_METRICS_SMTP_USER", USER)
        monkeypatch.setenv("TMA_METRICS_SMTP_PASSWORD", PASSWORD)
    yield inbox, f"{scheme}://127.0.0.1:{port}"
    controller.stop()


def export(capsys, demo, contracts_file, *args: str) -> tuple[int, str, str]:
    db, _ = demo
    argv = ["export", *args, "--db", str(db), "--contracts", str(contracts_file)]
    code = main([*argv, "--as-of", "2026-11-20"])
    out, err = capsys.readouterr()
    return code, out, err


def attachments(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    }


# -- files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "fmt", "extra", "check"),
    [
        ("bilan", "xlsx", ["--contract", ALPHA], "Synthèse"),
        ("point", "xlsx", ["--contract", GAMMA], "Solde"),
        ("copil", "xlsx", ["--contract", GAMMA, "--period", "quarter"], "Chiffres clés"),
        ("portefeuille", "xlsx", [], "Portefeuille"),
        ("bilan", "csv", ["--contract", ALPHA, "--table", "Par type"], "Type;"),
        ("point", "email", ["--contract", GAMMA], "Objet : [Gamma"),
        ("portefeuille", "email", [], "Objet : Portefeuille des contrats TMA au 20/11/2026"),
    ],
    ids=["bilan-xlsx", "point-xlsx", "copil-xlsx", "portfolio-xlsx", "bilan-csv", "point-email",
         "portfolio-email"],
)  # fmt: skip
def test_export_writes_the_file(
    capsys, tmp_path, demo, contracts_file, report, fmt, extra, check
) -> None:
    out = tmp_path / f"rapport.{fmt}"
    code, stdout, err = export(
        capsys, demo, contracts_file, report, "--format", fmt, "--out", str(out), *extra
    )
    assert (code, err) == (0, "")
    assert f"Fichier écrit : {out}" in stdout
    content = out.read_bytes()
    if fmt == "xlsx":
        assert check in load_workbook(io.BytesIO(content)).sheetnames
    else:
        assert content.decode("utf-8-sig").startswith(check) or check in content.decode("utf-8-sig")


def test_the_bilan_defaults_to_the_last_complete_month(
    capsys, tmp_path, demo, contracts_file
) -> None:
    out = tmp_path / "bilan.txt"
    export(
        capsys,
        demo,
        contracts_file,
        "bilan",
        "--contract",
        ALPHA,
        "--format",
        "email",
        "--out",
        str(out),
    )
    assert out.read_text("utf-8").startswith(f"Objet : [{ALPHA}] Bilan TMA d'octobre 2026")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["point", "--format", "pptx", "--contract", GAMMA, "--out", "x.pptx"], "indisponible"),
        (["bilan", "--format", "xlsx", "--out", "x.xlsx"], "Contrat à préciser"),
        (["bilan", "--format", "xlsx", "--contract", "Inconnu", "--out", "x.xlsx"], "introuvable"),
        (["bilan", "--format", "xlsx", "--contract", ALPHA], "Rien à faire"),
        (["bilan", "--format", "xlsx", "--contract", ALPHA, "--month", "2027-01", "--out", "b"],
         "au plus tard"),
        (["bilan", "--format", "csv", "--contract", ALPHA, "--table", "Nope", "--out", "x.csv"],
         "Tableau « Nope » inconnu"),
        (["point", "--format", "xlsx", "--contract", GAMMA, "--from", "2026-01-01", "--out", "p"],
         "--from et --to ensemble"),
        (["point", "--format", "xlsx", "--contract", GAMMA, "--out", "/nulle/part/x.xlsx"],
         "Dossier introuvable"),
        (["point", "--format", "email", "--contract", GAMMA, "--send-to", "pas une adresse"],
         "Destinataire invalide"),
        (["point", "--format", "email", "--contract", GAMMA, "--send-to", "a@b.fr\nBcc: x@y.fr"],
         "Destinataire invalide"),
        (["point", "--format", "email", "--contract", GAMMA, "--send-to", "a@b.fr"],
         "TMA_METRICS_SMTP_URL"),
    ],
    ids=["pptx-not-point", "which-contract", "unknown-contract", "nothing-to-do", "future-month",
         "unknown-table", "half-period", "no-folder", "bad-address", "header-injection",
         "no-smtp-server"],
)  # fmt: skip
def test_wrong_usage_exits_1_with_a_french_message(
    capsys, tmp_path, monkeypatch, demo, contracts_file, args, message
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    code, _, err = export(capsys, demo, contracts_file, *args)
    assert code == 1 and message in err
    assert not list(tmp_path.iterdir())  # nothing written


# -- e-mails ---------------------------------------------------------------------------


@pytest.mark.parametrize("smtp", ["starttls", "tls", "plain"], indirect=True)
def test_the_bilan_reaches_the_server_with_its_workbook(
    capsys, tmp_path, demo, contracts_file, smtp
) -> None:
    inbox, _ = smtp
    out = tmp_path / "bilan.xlsx"
    code, stdout, err = export(
        capsys, demo, contracts_file, "bilan", "--contract", ALPHA, "--format", "xlsx",
        "--out", str(out), "--send-to", "chef@client.example.fr", "pm@agence.example.fr",
        "--author", "Paul Martin",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    assert "envoyé à chef@client.example.fr, pm@agence.example.fr" in stdout
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["chef@client.example.fr", "pm@agence.example.fr"]
    assert envelope.mail_from == "tma@agence.example.fr"
    message = inbox.message()
    assert message["Subject"] == f"[{ALPHA}] Bilan TMA d'octobre 2026"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Bonjour,") and "Objet :" not in body
    assert "Jours consommés en octobre 2026" in body and body.rstrip().endswith("Paul Martin")
    ((name, (mime, data)),) = attachments(message).items()
    assert name == "bilan.xlsx" and mime == XLSX and data == out.read_bytes()
    book = load_workbook(io.BytesIO(data))
    assert book["Synthèse"]["A2"].value == "Consommé en octobre 2026"


@pytest.mark.parametrize("smtp", ["starttls"], indirect=True)
def test_an_e_mail_without_a_file_carries_the_text_alone(
    capsys, demo, contracts_file, smtp
) -> None:
    inbox, _ = smtp
    code, _, err = export(
        capsys, demo, contracts_file, "point", "--contract", GAMMA, "--format", "email",
        "--send-to", "chef@client.example.fr",
    )  # fmt: skip
    assert (code, err) == (0, "")
    message = inbox.message()
    assert message["Subject"] == f"[{GAMMA}] Compte rendu du point TMA du 20/11/2026"
    assert not attachments(message)
    assert "Demandes entrées" in message.get_body(("plain",)).get_content()


@pytest.mark.slow
@pytest.mark.parametrize("smtp", ["tls"], indirect=True)
def test_the_copil_deck_is_attached_and_opens(capsys, demo, contracts_file, smtp) -> None:
    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium absent : les graphiques ne sont pas rendus")
    inbox, _ = smtp
    code, _, err = export(
        capsys, demo, contracts_file, "copil", "--contract", GAMMA, "--period", "quarter",
        "--format", "pptx", "--send-to", "chef@client.example.fr",
    )  # fmt: skip
    assert code == 0, err
    ((name, (mime, data)),) = attachments(inbox.message()).items()
    assert name == "copil-gamma-syndicat-des-eaux-de-la-gatine-2026-10-01-2026-11-20.pptx"
    assert mime == PPTX
    slides = Presentation(io.BytesIO(data)).slides
    title = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "Syndicat des Eaux de la Gâtine" in title
    assert len(slides) > 10


@pytest.mark.parametrize(
    ("smtp", "change", "message"),
    [
        ("starttls", {"TMA_METRICS_SMTP_PASSWORD": "faux"}, "a refusé l'identifiant « tma-robot »"),
        ("plain", {"TMA_METRICS_SMTP_URL": "smtp://{host}"}, "n'offre pas STARTTLS"),
        ("tls", {"SSL_CERT_FILE": "/nonexistent"}, "Courriel non envoyé"),
        ("starttls", {"TMA_METRICS_SMTP_URL": "smtp://127.0.0.1:1"}, "Courriel non envoyé"),
    ],
    ids=["wrong-password", "no-starttls", "untrusted-certificate", "nobody-listening"],
    indirect=["smtp"],
)
def test_a_refused_e_mail_exits_5_and_keeps_the_file(
    capsys, tmp_path, monkeypatch, demo, contracts_file, smtp, change, message
) -> None:
    inbox, url = smtp
    for name, value in change.items():
        monkeypatch.setenv(name, value.format(host=url.split("://", 1)[1]))
    out = tmp_path / "point.txt"
    code, _, err = export(
        capsys, demo, contracts_file, "point", "--contract", GAMMA, "--format", "email",
        "--out", str(out), "--send-to", "chef@client.example.fr",
    )  # fmt: skip
    assert code == EXIT_NOT_SENT and message in err, err
    assert PASSWORD not in err and "faux" not in err
    assert out.exists() and inbox.envelopes == []


@pytest.mark.parametrize("smtp", ["plain"], indirect=True)
def test_a_password_is_never_sent_in_clear(capsys, monkeypatch, demo, contracts_file, smtp) -> None:
    inbox, _ = smtp
    monkeypatch.setenv("TMA_METRICS_SMTP_USER", USER)
    monkeypatch.setenv("TMA_METRICS_SMTP_PASSWORD", PASSWORD)
    code, _, err = export(
        capsys, demo, contracts_file, "point", "--contract", GAMMA, "--format", "email",
        "--send-to", "chef@client.example.fr",
    )  # fmt: skip
    assert code == 1 and "smtp+plain envoie tout en clair" in err
    assert inbox.envelopes == []


def test_help_lists_the_export_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tma_metrics", "export", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0 and "--send-to" in done.stdout and "portefeuille" in done.stdout


def test_the_readme_exit_code_table_has_every_code() -> None:
    import re

    from tma_metrics import cli

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Command line") :].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.M)}
    used = {value for name, value in vars(cli).items() if name.startswith("EXIT_")}
    assert used | {EXIT_NOT_SENT} <= documented
