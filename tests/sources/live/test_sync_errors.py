"""Every way a sync can fail: a clear French message, and the database exactly as it was.

A local server (`fake_redmine`, Redmine's JSON shapes) misbehaves on demand; the network
failures use real addresses that fail (an unresolvable name, a closed port, HTTPS
spoken to a plain HTTP server).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sources.live.fake_redmine import KEY, FakeRedmine
from tests.sources.live.recorded import RecordedServer
from tma_metrics.sources.live import HttpSettings, SourceBook, SourceConfig, book_path
from tma_metrics.sources.live import run_sync as run_sync_as
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope


def run_sync(*args, **kwargs):
    """Sync as whoever runs the command line (the local manager)."""
    return run_sync_as(*args, scope=local_scope(()), **kwargs)


ROOT = Path(__file__).resolve().parents[3]
ENV = {"REDMINE_API_KEY": KEY}
FAST = HttpSettings(timeout_seconds=1.0, retries=1)


@pytest.fixture(scope="module")
def redmine():
    fake = FakeRedmine()
    with RecordedServer(fake) as server:
        server.fake = fake
        yield server


@pytest.fixture(autouse=True)
def well_behaved(redmine):
    """Each test switches its own fault on; the server behaves again afterwards."""
    redmine.fake.fault = None
    yield
    redmine.fake.fault = None


@pytest.fixture(scope="module")
def template(redmine, tmp_path_factory) -> Path:
    """A database holding one good sync of the server (copied by each test)."""
    db = tmp_path_factory.mktemp("template") / "base.duckdb"
    store = Store(db)
    report = run_sync(store, SourceConfig("redmine", redmine.url, ("essai",)), full=True, env=ENV)
    store.close()
    assert report.ok, report.run.message
    assert report.imported.tickets.added == 5 and report.imported.time_entries.added == 5
    return db


@pytest.fixture
def synced(template, tmp_path) -> Path:
    db = tmp_path / "base.duckdb"
    db.write_bytes(template.read_bytes())
    return db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# (fault on the server, URL the sync is given, expected kind, words of the message)
CASES = [
    (None, "http://serveur-inexistant.invalid", "dns", "ne se résout pas (DNS)"),
    (None, "http://127.0.0.1:{closed}", "connection", "Connexion refusée"),
    (None, "{url}/pas-redmine", "not_found", "Pas de Redmine à l'adresse"),
    (None, "https://127.0.0.1:{port}", "tls", "Échec de la connexion TLS"),
    ("slow", "{url}", "timeout", "Délai dépassé"),
    ("401", "{url}", "auth", "Authentification refusée (HTTP 401)"),
    ("403-project", "{url}", "forbidden", "Projet « essai » interdit (HTTP 403)"),
    ("404-project", "{url}", "not_found", "Projet « essai » introuvable (HTTP 404)"),
    ("429", "{url}", "rate_limit", "Trop de requêtes (HTTP 429)"),
    ("500-page-2", "{url}", "server", "Erreur du serveur (HTTP 500)"),
    ("bad-json", "{url}", "json", "JSON invalide"),
    ("html", "{url}", "json", "trouvé une page HTML"),
    ("shape", "{url}", "json", "attendu le champ « issues » (une liste)"),
    ("rest-disabled", "{url}", "rest_disabled", "L'API REST est désactivée"),
]
IDS = [
    "dns", "refused", "wrong-path", "tls", "timeout", "401", "403", "404", "429",
    "500-mid-paging", "malformed-json", "html-page", "unexpected-shape", "rest-disabled",
]  # fmt: skip


@pytest.mark.parametrize(("fault", "url", "kind", "words"), CASES, ids=IDS)
def test_a_failed_sync_says_why_in_french_and_writes_nothing(
    redmine, synced, fault, url, kind, words
) -> None:
    before = digest(synced)
    redmine.fake.fault = fault
    port = redmine.url.rsplit(":", 1)[1]
    target = url.format(url=redmine.url, port=port, closed=closed_port())
    config = SourceConfig("redmine", target, ("essai",))
    store = Store(synced)
    report = run_sync(store, config, env=ENV, settings=FAST)
    store.close()
    assert not report.ok
    assert report.error_kind == kind, report.run.message
    assert words in report.run.message
    assert KEY not in report.run.message
    assert digest(synced) == before
    last = SourceBook.load(book_path(synced)).last_run(config.id)
    assert last is not None and not last.ok and last.message == report.run.message


def test_the_500_came_after_the_first_page_was_read(redmine, synced) -> None:
    redmine.fake.fault = "500-page-2"
    start = len(redmine.seen)
    store = Store(synced)
    run_sync(store, SourceConfig("redmine", redmine.url, ("essai",)), env=ENV, settings=FAST)
    store.close()
    offsets = [s.arg("offset") for s in redmine.seen[start:] if s.path == "/issues.json"]
    assert "0" in offsets and any(o not in (None, "0") for o in offsets)


def test_a_429_waits_for_retry_after_before_giving_up(redmine, synced) -> None:
    redmine.fake.fault = "429"
    start = len(redmine.seen)
    store = Store(synced)
    run_sync(store, SourceConfig("redmine", redmine.url, ("essai",)), env=ENV, settings=FAST)
    store.close()
    tries = [s.at for s in redmine.seen[start:] if s.path == "/issues.json"]
    assert len(tries) == 2  # the first answer, then one retry (FAST.retries)
    assert tries[1] - tries[0] >= 0.9


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("REDMINE_API_KEY",)}
    return subprocess.run(
        [sys.executable, "-m", "tma_metrics", *args],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_command_exits_2_and_logs_the_failure(redmine, synced) -> None:
    redmine.fake.fault = "500-page-2"
    done = _cli("sync", "redmine", "--url", redmine.url, "--project", "essai",
                "--db", str(synced), env=ENV)  # fmt: skip
    assert done.returncode == 2
    assert "ÉCHEC : Erreur du serveur (HTTP 500)" in done.stdout
    assert "Rien n'a été écrit dans la base" in done.stdout
    assert "Synchronisation en échec" in done.stderr
    assert KEY not in done.stdout + done.stderr


def test_the_command_exits_0_and_prints_json_without_the_key(redmine, synced) -> None:
    done = _cli("sync", "redmine", "--url", redmine.url, "--project", "essai",
                "--db", str(synced), "--json", env=ENV)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["import"]["tickets"]["unchanged"] == 5
    assert KEY not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (("--url", "{url}"), {}, "Identifiants manquants"),
        (("--url", "ftp://exemple"), ENV, "Adresse invalide"),
        (("--url", "https://moi:secret@exemple.fr"), ENV, "identifiant ou un mot de passe"),
    ],
    ids=["no-key", "not-http", "credentials-in-url"],
)
def test_a_command_that_cannot_start_exits_2(redmine, synced, args, env, words) -> None:
    shown = [a.format(url=redmine.url) for a in args]
    done = _cli("sync", "redmine", *shown, "--db", str(synced), env=env)
    assert done.returncode == 2
    assert words in done.stdout + done.stderr


def test_the_command_exits_3_when_another_process_holds_the_database(redmine, synced) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
         "time.sleep(60)", str(synced)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        began = time.monotonic()
        done = _cli("sync", "redmine", "--url", redmine.url, "--db", str(synced),
                    "--wait", "0.5", env=ENV)  # fmt: skip
        assert done.returncode == 3, done.stdout + done.stderr
        assert "déjà ouverte en écriture" in done.stderr
        assert time.monotonic() - began < 60
    finally:
        holder.kill()  # the process this test started
        holder.wait(timeout=10)


def test_an_unreadable_sources_file_is_a_french_error_not_a_crash(redmine, synced) -> None:
    before = digest(synced)
    book_path(synced).write_text("{ pas du json", encoding="utf-8")
    store = Store(synced)
    report = run_sync(store, SourceConfig("redmine", redmine.url, ("essai",)), env=ENV)
    store.close()
    assert not report.ok and report.error_kind == "config"
    assert "Fichier des sources" in report.run.message and "illisible" in report.run.message
    assert any("n'a pas pu être noté" in w for w in report.warnings)
    assert digest(synced) == before
