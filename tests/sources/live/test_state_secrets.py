"""Sources, runs and keys beside the database: what is kept where, and what is refused."""

from __future__ import annotations

import json
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from tma_metrics.sources.live import (
    SecretBox,
    SourceBook,
    SourceConfig,
    SyncError,
    SyncRun,
    book_path,
    credentials,
    secrets_path,
)

KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"tool": "gitlab", "url": "https://x.fr"}, "Outil inconnu"),
        ({"tool": "redmine", "url": "redmine.exemple.fr"}, "Adresse invalide"),
        ({"tool": "redmine", "url": "https://x.fr/?key=abc"}, "sans « ? »"),
        ({"tool": "jira", "url": "https://x.atlassian.net"}, "Requête JQL manquante"),
        ({"tool": "redmine", "url": "https://x.fr", "timezone": "Paris"}, "Fuseau horaire"),
        ({"tool": "redmine", "url": "https://x.fr", "window_days": 0}, "de 1 à 3 650"),
        ({"tool": "redmine", "url": "https://x.fr", "projects": ("x" * 101,)}, "trop long"),
    ],
    ids=["tool", "no-scheme", "query", "jql", "timezone", "window", "long-project"],
)
def test_a_bad_source_is_refused_with_a_french_message(kwargs, words) -> None:
    with pytest.raises(SyncError, match=re.escape(words)) as caught:
        SourceConfig(**kwargs)
    assert caught.value.kind == "config"


def test_the_same_server_and_projects_make_the_same_source() -> None:
    a = SourceConfig("redmine", "https://r.fr/", ("b", "a", "a"))
    b = SourceConfig("redmine", "https://r.fr", (" a ", "b"))
    assert a.id == b.id
    assert a.label == "Redmine https://r.fr — projets b, a"
    assert SourceConfig("redmine", "https://r.fr").label.endswith("tous les projets")


def test_keys_go_to_a_0600_file_and_never_to_the_sources_file(tmp_path: Path) -> None:
    db = tmp_path / "base.duckdb"
    config = SourceConfig("redmine", "https://r.fr", ("a",))
    box = SecretBox(secrets_path(db))
    box.put(config.id, {"api_key": KEY})
    assert stat.S_IMODE(secrets_path(db).stat().st_mode) == 0o600
    book = SourceBook.load(book_path(db))
    book.upsert(config)
    book.save()
    assert KEY not in book_path(db).read_text(encoding="utf-8")
    assert credentials(config, box, env={}) == {"api_key": KEY}


@pytest.mark.parametrize(
    ("env", "stored", "expected"),
    [
        ({"REDMINE_API_KEY": "env-key"}, {"api_key": KEY}, {"api_key": "env-key"}),
        ({}, {"api_key": KEY}, {"api_key": KEY}),
        ({"REDMINE_API_KEY": "  "}, {"api_key": KEY}, {"api_key": KEY}),
    ],
    ids=["environment-first", "file", "blank-environment"],
)
def test_where_the_key_comes_from(tmp_path: Path, env, stored, expected) -> None:
    config = SourceConfig("redmine", "https://r.fr")
    box = SecretBox(tmp_path / "s.json")
    box.put(config.id, stored)
    assert credentials(config, box, env=env) == expected


def test_missing_jira_credentials_name_both_variables(tmp_path: Path) -> None:
    config = SourceConfig("jira", "https://x.atlassian.net", jql="project = A")
    with pytest.raises(SyncError, match="JIRA_EMAIL et JIRA_API_TOKEN"):
        credentials(config, SecretBox(tmp_path / "s.json"), env={})


def test_a_keys_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"x": {"api_key": KEY}}), encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(SyncError, match="attendu 0600") as caught:
        SecretBox(path).get("x")
    assert KEY not in str(caught.value)


def test_forgetting_a_key_removes_it(tmp_path: Path) -> None:
    box = SecretBox(tmp_path / "s.json")
    box.put("a", {"api_key": KEY})
    box.put("b", {"api_key": "autre"})
    box.forget("a")
    assert not box.has("a") and box.has("b")
    assert KEY not in (tmp_path / "s.json").read_text(encoding="utf-8")


def _run(config: SourceConfig, batch: int, cursor: str, ok: bool = True) -> SyncRun:
    return SyncRun(config.id, "2026-12-01T03:00:00", "2026-12-01T03:01:00", ok, "", False,
                   batch_id=batch, cursor=cursor)  # fmt: skip


def _history(config: SourceConfig, rows: list[tuple[int, bool]], label: str | None = None):
    return pd.DataFrame(
        {
            "batch_id": [b for b, _ in rows],
            "file_name": [label or config.label] * len(rows),
            "undone_at": [pd.Timestamp("2026-12-02") if undone else pd.NaT for _, undone in rows],
        }
    )


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([(1, False), (2, False)], "2026-12-02T02:45:00+00:00"),
        ([(1, False), (2, True)], "2026-12-01T02:45:00+00:00"),
        ([(1, True), (2, True)], None),
        ([], None),
    ],
    ids=["newest", "newest-undone", "all-undone", "database-replaced"],
)
def test_the_cursor_is_the_newest_run_whose_import_is_still_there(history, expected) -> None:
    config = SourceConfig("redmine", "https://r.fr")
    book = SourceBook(Path("unused.json"))
    book.record(_run(config, 1, "2026-12-01T02:45:00+00:00"))
    book.record(_run(config, 2, "2026-12-02T02:45:00+00:00"))
    book.record(_run(config, 3, "2026-12-03T02:45:00+00:00", ok=False))
    found = book.cursor(config, _history(config, history))
    assert found == (None if expected is None else datetime.fromisoformat(expected))
    assert found is None or found.tzinfo == UTC


def test_a_run_of_another_source_label_is_no_cursor() -> None:
    config = SourceConfig("redmine", "https://r.fr")
    book = SourceBook(Path("unused.json"))
    book.record(_run(config, 1, "2026-12-01T02:45:00+00:00"))
    assert book.cursor(config, _history(config, [(1, False)], label="autre.csv")) is None
