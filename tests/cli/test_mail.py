"""The SMTP settings read from the environment, the addresses checked, the message built."""

from __future__ import annotations

import email
from email import policy

import pytest

from tma_metrics.cli.mail import (
    Attachment,
    build_message,
    check_addresses,
    sender,
    smtp_server,
)
from tma_metrics.config import settings
from tma_metrics.errors import ConfigurationError

URL_CASES = [
    ("smtp://smtp.agence.fr", {}, ("smtp", "smtp.agence.fr", 587)),
    ("smtps://smtp.agence.fr", {}, ("smtps", "smtp.agence.fr", 465)),
    ("smtp+plain://localhost:2525", {}, ("smtp+plain", "localhost", 2525)),
    ("smtp://[::1]:25", {}, ("smtp", "::1", 25)),
    ("", {}, "TMA_METRICS_SMTP_URL"),
    ("http://smtp.agence.fr", {}, "attendu smtp://"),
    ("smtp://", {}, "attendu smtp://"),
    ("smtp://smtp.agence.fr:port", {}, "attendu smtp://"),
    ("smtp://robot:secret@smtp.agence.fr", {}, "sans identifiants"),
    ("smtp+plain://localhost", {"TMA_METRICS_SMTP_USER": "robot"}, "en clair"),
]


@pytest.mark.parametrize(
    ("url", "extra", "expected"),
    URL_CASES,
    ids=["starttls-587", "tls-465", "plain-port", "ipv6", "missing", "http", "no-host",
         "bad-port", "credentials-in-url", "login-in-clear"],
)  # fmt: skip
def test_the_smtp_url_says_how_to_connect(url, extra, expected) -> None:
    config = settings({"TMA_METRICS_SMTP_URL": url, **extra})
    if isinstance(expected, str):
        with pytest.raises(ConfigurationError, match=expected) as caught:
            smtp_server(config)
        assert "secret" not in str(caught.value)
        return
    server = smtp_server(config)
    assert (server.scheme, server.host, server.port) == expected


def test_the_password_is_read_as_is_and_never_shown() -> None:
    config = settings(
        {"TMA_METRICS_SMTP_URL": "smtps://h", "TMA_METRICS_SMTP_PASSWORD": " très secret "}
    )
    assert config.smtp_password == " très secret "
    assert "secret" not in repr(config) and "secret" not in repr(smtp_server(config))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TMA_METRICS_SMTP_FROM": "tma@agence.fr", "TMA_METRICS_SMTP_USER": "x"}, "tma@agence.fr"),
        ({"TMA_METRICS_SMTP_USER": "robot@agence.fr"}, "robot@agence.fr"),
        ({"TMA_METRICS_SMTP_USER": "robot"}, None),
        ({}, None),
    ],
    ids=["from", "login-is-an-address", "login-is-not", "nothing"],
)
def test_the_sender_is_an_address(environ, expected) -> None:
    if expected is None:
        with pytest.raises(ConfigurationError, match="TMA_METRICS_SMTP_FROM"):
            sender(settings(environ))
    else:
        assert sender(settings(environ)) == expected


@pytest.mark.parametrize(
    "address",
    ["pas une adresse", "a@b", "a@b.fr\r\nBcc: x@y.fr", "Chef <chef@client.fr>", "a,b@c.fr",
     "x" * 250 + "@b.fr", ""],
    ids=["words", "no-dot", "header-injection", "display-name", "comma", "too-long", "empty"],
)  # fmt: skip
def test_a_malformed_recipient_is_refused(address) -> None:
    with pytest.raises(ConfigurationError, match="Destinataire invalide"):
        check_addresses(["chef@client.fr", address])


def test_the_message_reads_back_french_with_its_files() -> None:
    message = build_message(
        "[Mairie d'Évry] Bilan TMA\r\nBcc: intrus@x.fr",
        "Bonjour,\n\nLe solde est de 12,5\u00a0j.\n",
        "tma@agence.fr",
        ["chef@client.fr", "pm@agence.fr"],
        [Attachment("bilan.csv", "Indicateur;Valeur\r\n".encode("utf-8-sig"), "text/csv")],
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "[Mairie d'Évry] Bilan TMA Bcc: intrus@x.fr"  # one line
    assert parsed["Bcc"] is None and parsed["To"] == "chef@client.fr, pm@agence.fr"
    assert parsed.get_body(("plain",)).get_content() == "Bonjour,\n\nLe solde est de 12,5\u00a0j.\n"
    (part,) = parsed.iter_attachments()
    assert part.get_filename() == "bilan.csv"
    assert part.get_payload(decode=True) == "Indicateur;Valeur\r\n".encode("utf-8-sig")
    assert parsed["Message-ID"].endswith("@agence.fr>")
