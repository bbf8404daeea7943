"""Fixtures of the live-sync tests: the real Redmine (session), a contracts file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sources.live.redmine_seed import CONTRACT_TOML
from tests.sources.live.redmine_server import RedmineServer, require_redmine, start_redmine


@pytest.fixture(scope="session")
def redmine() -> Iterator[RedmineServer]:
    """Debian's Redmine 5.0 on 127.0.0.1, seeded with `redmine_seed` (skips without it)."""
    require_redmine()
    server = start_redmine()
    yield server
    server.stop()
    print(  # shown with -s: what the real server costs a test session
        f"\nRedmine : peuplement {server.seed_seconds:.1f} s (0 = copie en cache), "
        f"démarrage de thin {server.start_seconds:.1f} s",
        file=sys.stderr,
    )


@pytest.fixture(scope="session")
def alpha_contracts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("contracts") / "contracts.toml"
    path.write_text(CONTRACT_TOML, encoding="utf-8")
    return path
