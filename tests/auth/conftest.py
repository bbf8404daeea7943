"""Shared fixtures: one argon2 hash per test user, computed once (hashing is slow by design)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tma_metrics.auth.passwords import hash_password
from tma_metrics.domain.contracts.model import Contract

#: login -> clear password of the test users (never written anywhere but here).
PASSWORDS = {
    "alice": "alice-correct-horse-1",
    "paul": "paul-battery-staple-2",
    "chloe": "chloe-client-secret-3",
}

CONTRACTS = (
    Contract("Mairie de Lyon", ("lyon",)),
    Contract("CHU Nantes", ("chu",)),
    Contract("Transports Lille", ("tl",)),
)


@pytest.fixture(scope="session")
def hashes() -> dict[str, str]:
    """Return an argon2id hash of each test user's password."""
    return {login: hash_password(password) for login, password in PASSWORDS.items()}


def users_toml(hashes: dict[str, str]) -> str:
    """Return a valid users file with a manager, a project manager and a client."""
    return f"""# a comment the administrator wrote
[[user]]
login = "alice"
name = "Alice Martin"
role = "manager"
email = "alice@agence.fr"
password_hash = "{hashes["alice"]}"

[[user]]
login = "paul"
name = "Paul Durand"
role = "pm"
contracts = ["Mairie de Lyon", "Transports Lille"]
password_hash = "{hashes["paul"]}"

[[user]]
login = "chloe"
name = "Chloé Bernard"
role = "client"
contracts = ["CHU Nantes"]
email = "chloe@chu-nantes.fr"
password_hash = "{hashes["chloe"]}"
"""


@pytest.fixture
def users_file(tmp_path: Path, hashes: dict[str, str]) -> Path:
    """Write the three test users to a temporary users file."""
    path = tmp_path / "users.toml"
    path.write_text(users_toml(hashes), encoding="utf-8")
    return path
