"""A real Redmine 5.0 (Debian's package) seeded with our data and served by thin on 127.0.0.1.

Seeding boots Rails once (``rails runner``, a few seconds on two cores) and the seeded
SQLite file is kept in a cache keyed by the seed script, the data and the package's own
database, so later sessions only copy it. Each session serves its own copy (the tests
write to it through the REST API). Rails runs as www-data, as Debian's package expects
(REDMINE.md); that needs root, as in CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sources.live.redmine_seed import spec_json

REDMINE_ROOT = Path("/usr/share/redmine")
PACKAGE_DB = Path("/var/lib/dbconfig-common/sqlite3/redmine/instances/default/redmine_default")
SEED_SCRIPT = Path(__file__).with_name("seed_redmine.rb")
CACHE = Path(tempfile.gettempdir()) / "tma-metrics-redmine-cache"


def require_redmine() -> None:
    """Skip (locally) or fail (CI=true) when Debian's Redmine cannot be run here."""
    problems = []
    if not (REDMINE_ROOT / "config.ru").exists() or not PACKAGE_DB.exists():
        problems.append("le paquet Debian « redmine » n'est pas installé")
    elif "thin" not in Path("/var/lib/redmine/Gemfile.lock").read_text(encoding="utf-8"):
        problems.append("thin est absent du Gemfile.lock de Redmine (paquet « thin »)")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        problems.append("lancer Redmine sous www-data demande les droits root")
    if not problems:
        return
    message = "Redmine réel indisponible : " + " ; ".join(problems) + " (voir REDMINE.md)."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " En CI, .ci/run doit l'installer.")
    pytest.skip(message)


def _as_redmine(db: Path, *command: str, **extra: str) -> list[str]:
    env = [f"{k}={v}" for k, v in extra.items()]
    return [
        "setpriv", "--reuid=www-data", "--regid=www-data", "--init-groups",
        "env", "HOME=/tmp", "REDMINE_INSTANCE=default", "RAILS_ENV=production", "TZ=UTC",
        "LANG=C.UTF-8", f"DATABASE_URL=sqlite3:{db}", *env, *command,
    ]  # fmt: skip


def _private_dir(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    shutil.chown(folder, "www-data", "www-data")
    folder.chmod(0o700)
    return folder


def seeded_database() -> tuple[Path, dict, float]:
    """Return the cached seeded database, the seed's output, and the seconds seeding took."""
    spec = spec_json()
    key = hashlib.sha256()
    key.update(SEED_SCRIPT.read_bytes())
    key.update(spec.encode("utf-8"))
    key.update(PACKAGE_DB.read_bytes())
    key.update((REDMINE_ROOT / "lib/redmine/version.rb").read_bytes())
    cached = CACHE / f"redmine-{key.hexdigest()[:16]}.sqlite3"
    meta = cached.with_suffix(".json")
    if cached.exists() and meta.exists():
        return cached, json.loads(meta.read_text(encoding="utf-8")), 0.0
    began = time.monotonic()
    work = _private_dir("tma-redmine-seed-")
    try:
        db = work / "redmine.sqlite3"
        shutil.copyfile(PACKAGE_DB, db)
        (work / "spec.json").write_text(spec, encoding="utf-8")
        for path in work.iterdir():
            shutil.chown(path, "www-data", "www-data")
        done = subprocess.run(
            _as_redmine(db, "bundle", "exec", "rails", "runner", str(SEED_SCRIPT),
                        SEED_SPEC=str(work / "spec.json"), SEED_OUT=str(work / "out.json")),
            cwd=REDMINE_ROOT, capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"Échec du peuplement de Redmine :\n{done.stderr[-4000:]}")
        CACHE.mkdir(mode=0o700, exist_ok=True)
        shutil.copyfile(db, cached.with_suffix(".tmp"))
        shutil.copyfile(work / "out.json", meta)
        cached.with_suffix(".tmp").replace(cached)
        return cached, json.loads(meta.read_text(encoding="utf-8")), time.monotonic() - began
    finally:
        shutil.rmtree(work, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedmineServer:
    """thin serving a copy of the seeded database."""

    url: str
    seeded: dict
    process: subprocess.Popen
    folder: Path
    log: Path
    seed_seconds: float
    start_seconds: float

    @property
    def admin_key(self) -> str:
        return self.seeded["keys"]["admin"]

    def key(self, login: str) -> str:
        return self.seeded["keys"][login]

    def issue_id(self, name: str) -> int:
        return int(self.seeded["issues"][name])

    def stop(self, *, keep_log: bool = False) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group this fixture started
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
        if not keep_log:
            self.log.unlink(missing_ok=True)


def start_redmine() -> RedmineServer:
    """Seed (or reuse the cached seed), copy, and serve; return when it answers."""
    cached, seeded, seed_seconds = seeded_database()
    began = time.monotonic()
    folder = _private_dir("tma-redmine-run-")
    db = folder / "redmine.sqlite3"
    shutil.copyfile(cached, db)
    shutil.chown(db, "www-data", "www-data")
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"tma-redmine-thin-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            _as_redmine(db, "bundle", "exec", "thin", "start", "-a", "127.0.0.1", "-p",
                        str(port), "-e", "production", "-R", "config.ru"),
            cwd=REDMINE_ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    server = RedmineServer(
        f"http://127.0.0.1:{port}", seeded, process, folder, log, seed_seconds, 0.0
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(f"{server.url}/users/current.json", timeout=5)
        except urllib.error.HTTPError:
            server.start_seconds = time.monotonic() - began
            return server  # 401: Rails answers
        except OSError:
            time.sleep(0.5)
        else:
            server.start_seconds = time.monotonic() - began
            return server
    server.stop(keep_log=True)
    raise RuntimeError(f"Redmine (thin) n'a pas démarré ; journal : {log}")
