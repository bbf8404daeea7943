"""Parsing the users file: a valid file, and each fault with its French message."""

from __future__ import annotations

import pytest

from tests.auth.conftest import users_toml
from tma_metrics.auth.principal import Principal, Role
from tma_metrics.auth.user_records import UsersFileError, parse_users, render_block

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"


def block(**keys: object) -> str:
    """Return one [[user]] block written by hand (texts quoted, lists of texts or numbers)."""

    def literal(value: object) -> str:
        return f'"{value}"' if isinstance(value, str) else str(value)

    lines = ["[[user]]"]
    for key, value in keys.items():
        if isinstance(value, list):
            rendered = "[" + ", ".join(literal(v) for v in value) + "]"
        else:
            rendered = literal(value)
        lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"


def test_a_valid_file_gives_one_record_per_user(hashes: dict[str, str]) -> None:
    users = parse_users(users_toml(hashes))
    assert [u.login for u in users] == ["alice", "paul", "chloe"]
    assert users.find_login("  PAUL ").principal() == Principal(
        "paul", "Paul Durand", Role.PM, ("Mairie de Lyon", "Transports Lille")
    )
    assert users.find_email("Chloe@CHU-Nantes.fr").login == "chloe"
    assert users.find_login("alice").contracts is None
    assert users.find_login("bob") is None
    assert users.find_email("bob@agence.fr") is None
    assert hashes["alice"] not in repr(users)  # a hash never shows in logs or tracebacks


@pytest.mark.parametrize("text", ["", "# rien encore\n"], ids=["empty", "comments-only"])
def test_an_empty_file_has_no_users(text: str) -> None:
    assert len(parse_users(text)) == 0


def test_an_oidc_only_user_needs_no_hash() -> None:
    users = parse_users(block(login="ana", role="client", contracts=["A"], email="ana@c.fr"))
    assert users.find_email("ana@c.fr").password_hash is None


def test_name_defaults_to_login() -> None:
    users = parse_users(block(login="ana", role="manager", password_hash=HASH))
    assert users.records[0].name == "ana"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[user]\nlogin=", "Fichier des utilisateurs illisible (TOML invalide)"),
        ("[users]\nx = 1\n", "Clé « users » inconnue : attendu des blocs [[user]]."),
        ('user = "alice"\n', "Clé « user » : attendu des blocs [[user]]"),
        (
            block(role="manager", password_hash=HASH),
            "Utilisateur n° 1, clé « login » : attendu un identifiant",
        ),
        (
            block(login="jean dupont", role="manager", password_hash=HASH),
            "Utilisateur n° 1, clé « login » : attendu un identifiant (lettres, chiffres, "
            "« . _ - @ », 64 caractères au plus), trouvé 'jean dupont'.",
        ),
        (
            block(login="alice", role="admin", password_hash=HASH),
            "Utilisateur « alice », clé « role » : attendu manager, pm ou client, trouvé 'admin'.",
        ),
        (
            block(login="alice", password_hash=HASH),
            "Utilisateur « alice », clé « role » : attendu manager, pm ou client, "
            "trouvé aucune valeur.",
        ),
        (
            block(login="alice", role="manager"),
            "Utilisateur « alice », clé « password_hash » : attendu un hachage argon2id",
        ),
        (
            block(login="alice", role="manager", password_hash="MonMotDePasse2026"),
            "Utilisateur « alice », clé « password_hash » : attendu un hachage argon2id "
            "« $argon2id$… », trouvé autre chose (mot de passe en clair ?).",
        ),
        (
            block(login="alice", role="manager", password_hash=HASH, contracts=["A"]),
            "Utilisateur « alice », clé « contracts » : attendu aucune liste (un responsable "
            "voit tous les contrats), trouvé ['A'].",
        ),
        (
            block(login="paul", role="pm", password_hash=HASH),
            "Utilisateur « paul », clé « contracts » : attendu la liste des contrats attribués "
            "(rôle pm), trouvé aucune valeur.",
        ),
        (
            block(login="paul", role="pm", password_hash=HASH, contracts="Mairie de Lyon"),
            "Utilisateur « paul », clé « contracts » : attendu une liste de noms de contrats, "
            "trouvé 'Mairie de Lyon'.",
        ),
        (
            block(login="paul", role="pm", password_hash=HASH, contracts=["A", 3]),
            "Utilisateur « paul », clé « contracts » : attendu une liste de noms de contrats",
        ),
        (
            block(login="ana", role="client", contracts=["A"], email="ana-at-client.fr"),
            "Utilisateur « ana », clé « email » : attendu une adresse e-mail, "
            "trouvé 'ana-at-client.fr'.",
        ),
        (
            block(login="alice", role="manager", pasword_hash=HASH),
            "Utilisateur « alice », clé « pasword_hash » : attendu une des clés login, name, "
            "role, contracts, email, password_hash, trouvé une clé inconnue.",
        ),
        (
            block(login="alice", name="", role="manager", password_hash=HASH),
            "Utilisateur « alice », clé « name » : attendu un nom affiché, trouvé ''.",
        ),
        (
            block(login="alice", role="manager", password_hash=HASH)
            + block(login="Alice", role="pm", contracts=["A"], password_hash=HASH),
            "Identifiant en double : « alice » (utilisateurs « alice » et « Alice »).",
        ),
        (
            block(login="ana", role="client", contracts=["A"], email="x@c.fr")
            + block(login="bea", role="client", contracts=["B"], email="X@c.fr"),
            "Adresse e-mail en double : « x@c.fr » (utilisateurs « ana » et « bea »).",
        ),
    ],
    ids=[
        "invalid-toml",
        "unknown-top-level-table",
        "user-not-an-array",
        "missing-login",
        "login-with-space",
        "unknown-role",
        "missing-role",
        "missing-hash-and-email",
        "clear-password-instead-of-hash",
        "manager-with-contracts",
        "pm-without-contracts",
        "contracts-not-a-list",
        "contract-not-a-text",
        "bad-email",
        "misspelt-key",
        "empty-name",
        "duplicate-login-case-insensitive",
        "duplicate-email-case-insensitive",
    ],
)
def test_a_bad_file_is_refused_with_a_french_message(text: str, message: str) -> None:
    with pytest.raises(UsersFileError) as error:
        parse_users(text)
    assert message in str(error.value)
    assert "MonMotDePasse2026" not in str(error.value)  # a clear password is never echoed


@pytest.mark.parametrize(
    "name",
    ['Zoé "la cheffe" Dupont', "Back\\slash", "Tab\tand\nnewline", "O'Brien ☃", "del\x7f"],
    ids=["quotes-and-accent", "backslash", "control-characters", "apostrophe-unicode", "del"],
)
def test_rendered_blocks_read_back_exactly(name: str) -> None:
    text = render_block(
        {"login": "zoe", "name": name, "role": "client", "contracts": [name], "email": "z@c.fr"}
    )
    record = parse_users(text).records[0]
    assert (record.name, record.contracts) == (name.strip(), (name.strip(),))
