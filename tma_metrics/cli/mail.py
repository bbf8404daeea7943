"""Sending a report by e-mail through the SMTP server the environment names.

``TMA_METRICS_SMTP_URL`` says how to reach it:

- ``smtp://host[:587]``: plain connection upgraded with STARTTLS, which the server
  must offer (the message and the password never travel in clear);
- ``smtps://host[:465]``: TLS from the first byte;
- ``smtp+plain://host[:25]``: no TLS, for a relay on the machine or the local
  network; refused when a login is set (a password is never sent in clear).

The server's certificate is checked against the system's authorities (``SSL_CERT_FILE``
points elsewhere). The login and password come from ``TMA_METRICS_SMTP_USER`` and
``TMA_METRICS_SMTP_PASSWORD`` (never from the URL, which shows in process lists), the
sender from ``TMA_METRICS_SMTP_FROM`` (else the login, when it is an address).
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from tma_metrics.config import Settings
from tma_metrics.errors import ConfigurationError, TmaError

__all__ = [
    "ADDRESS",
    "DEFAULT_PORTS",
    "EXIT_NOT_SENT",
    "MAX_ADDRESS",
    "TIMEOUT_S",
    "Attachment",
    "NotSentError",
    "SmtpServer",
    "build_message",
    "check_addresses",
    "deliver",
    "sender",
    "smtp_server",
]

#: Exit code of a command whose e-mail could not be sent (README, « Command line »).
EXIT_NOT_SENT = 5
DEFAULT_PORTS = {"smtp": 587, "smtps": 465, "smtp+plain": 25}
#: Seconds allowed to connect and for each exchange with the server.
TIMEOUT_S = 30.0
MAX_ADDRESS = 254
#: A plain address: no display name, no comment, no space, nothing a header could hide.
ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


class NotSentError(TmaError):
    """The e-mail could not be sent (server unreachable, login or recipient refused)."""

    exit_code = EXIT_NOT_SENT


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send: scheme, host, port, login (the password is never shown)."""

    scheme: str
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


@dataclass(frozen=True)
class Attachment:
    """One file joined to the e-mail."""

    name: str
    content: bytes
    mime: str


def smtp_server(config: Settings) -> SmtpServer:
    """Read the SMTP settings; raise `ConfigurationError` (French) when they are wrong."""
    url = config.smtp_url
    if not url:
        raise ConfigurationError(
            "Envoi impossible : attendu l'adresse du serveur SMTP dans TMA_METRICS_SMTP_URL "
            "(smtp://hôte:587, smtps://hôte:465 ou smtp+plain://hôte:25), trouvé rien."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigurationError(
            "TMA_METRICS_SMTP_URL : attendu smtp://hôte:port, smtps://hôte:port ou "
            f"smtp+plain://hôte:port, trouvé « {_hide_credentials(url)} »."
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            "TMA_METRICS_SMTP_URL : attendu une adresse sans identifiants (ils se mettent dans "
            "TMA_METRICS_SMTP_USER et TMA_METRICS_SMTP_PASSWORD), trouvé un identifiant."
        )
    server = SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        user=config.smtp_user or None,
        password=config.smtp_password or None,
    )
    if server.scheme == "smtp+plain" and (server.user or server.password):
        raise ConfigurationError(
            "TMA_METRICS_SMTP_URL : smtp+plain envoie tout en clair ; attendu smtp:// "
            "(STARTTLS) ou smtps:// (TLS) avec un identifiant, trouvé smtp+plain avec "
            "TMA_METRICS_SMTP_USER ou TMA_METRICS_SMTP_PASSWORD."
        )
    return server


def sender(config: Settings) -> str:
    """Return the sender's address: TMA_METRICS_SMTP_FROM, else the login if an address."""
    found = config.smtp_from or config.smtp_user or ""
    if not ADDRESS.fullmatch(found.strip()):
        raise ConfigurationError(
            "Envoi impossible : attendu l'adresse de l'expéditeur dans TMA_METRICS_SMTP_FROM "
            f"(ex. tma@agence.fr), trouvé « {found} »."
        )
    return found.strip()


def check_addresses(addresses: Sequence[str]) -> list[str]:
    """Return the recipients' addresses; raise `ConfigurationError` on a malformed one."""
    bad = [a for a in addresses if len(a) > MAX_ADDRESS or not ADDRESS.fullmatch(a.strip())]
    if bad:
        raise ConfigurationError(
            "Destinataire invalide : attendu une adresse comme chef@client.fr, trouvé "
            + ", ".join(f"« {a[:80]} »" for a in bad)
            + "."
        )
    return [a.strip() for a in addresses]


def build_message(
    subject: str,
    body: str,
    from_address: str,
    recipients: Sequence[str],
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """Return the e-mail: French plain text (UTF-8), the files attached."""
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())  # no line break can reach a header
    message["From"] = from_address
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=from_address.rsplit("@", 1)[1])
    message["Content-Language"] = "fr"
    message.set_content(body, subtype="plain", charset="utf-8")
    for item in attachments:
        maintype, subtype = item.mime.split("/", 1)
        message.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.name)
    return message


def deliver(message: EmailMessage, server: SmtpServer, *, timeout: float = TIMEOUT_S) -> None:
    """Send the message; raise `NotSentError` (French) when the server does not take it."""
    context = ssl.create_default_context()
    try:
        if server.scheme == "smtps":
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with client:
            _secure_and_login(client, server, context)
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise NotSentError(
            f"Courriel non envoyé : le serveur {server.where} a refusé l'identifiant "
            f"« {server.user} » ({_reply(exc)})."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise NotSentError(
            f"Courriel non envoyé : le serveur {server.where} a refusé les destinataires "
            + ", ".join(exc.recipients)
            + "."
        ) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise NotSentError(
            f"Courriel non envoyé : échec de l'échange avec {server.where} "
            f"({_reply(exc) or type(exc).__name__})."
        ) from None
    if refused:
        raise NotSentError(
            "Courriel envoyé en partie : le serveur a refusé " + ", ".join(refused) + "."
        )


def _secure_and_login(client: smtplib.SMTP, server: SmtpServer, context: ssl.SSLContext) -> None:
    client.ehlo()
    if server.scheme == "smtp":
        if not client.has_extn("starttls"):
            raise NotSentError(
                f"Courriel non envoyé : le serveur {server.where} n'offre pas STARTTLS ; "
                "attendu une connexion chiffrée (ou smtps://, ou smtp+plain:// pour un relais "
                "local sans identifiant)."
            )
        client.starttls(context=context)
        client.ehlo()
    if server.user:
        _login(client, server.user, server.password or "")


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with AUTH PLAIN in UTF-8 (RFC 4616) when offered, else smtplib's own way.

    smtplib encodes credentials as ASCII only, which a French password breaks, and tries
    one mechanism after another after a refusal.
    """
    offered = client.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered:
        token = b"\0" + user.encode() + b"\0" + password.encode()
        code, reply = client.docmd("AUTH", "PLAIN " + base64.b64encode(token).decode("ascii"))
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
        return
    if not (user.isascii() and password.isascii()):
        raise NotSentError(
            "Courriel non envoyé : l'identifiant ou le mot de passe SMTP a des caractères "
            "accentués, attendu un serveur qui offre AUTH PLAIN, trouvé : "
            + (" ".join(offered) or "aucune authentification")
            + "."
        )
    client.login(user, password)


def _reply(exc: BaseException) -> str:
    """Return a server's reply or an error's text, one line, without any secret."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"{exc.smtp_code} {' '.join(text.split())}"
    return " ".join(str(exc).split())


def _hide_credentials(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//…@", url)
