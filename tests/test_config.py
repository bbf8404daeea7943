"""Settings come from one place: defaults, then the environment, then command-line flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tma_metrics.config import (
    CREDENTIALS,
    ENVIRONMENT,
    PROJECT_ROOT,
    Settings,
    credentials_environment,
    settings,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("environ", "flags", "field", "expected"),
    [
        ({}, {}, "db_path", PROJECT_ROOT / "data" / "tma_metrics.duckdb"),
        ({"TMA_METRICS_DB": "/srv/a.duckdb"}, {}, "db_path", Path("/srv/a.duckdb")),
        ({"TMA_METRICS_DB": "/srv/a.duckdb"}, {"db_path": "b.duckdb"}, "db_path", Path("b.duckdb")),
        ({"TMA_METRICS_DB": ""}, {}, "db_path", PROJECT_ROOT / "data" / "tma_metrics.duckdb"),
        ({"TMA_METRICS_DB": "/srv/a.duckdb"}, {"db_path": None}, "db_path", Path("/srv/a.duckdb")),
        ({}, {}, "demo_on_first_start", True),
        ({"TMA_METRICS_DEMO": "0"}, {}, "demo_on_first_start", False),
        ({"TMA_METRICS_DEMO": "1"}, {}, "demo_on_first_start", True),
        ({}, {}, "users_path_explicit", False),
        ({"TMA_METRICS_USERS": "/etc/u.toml"}, {}, "users_path", Path("/etc/u.toml")),
        ({"TMA_METRICS_USERS": "/etc/u.toml"}, {}, "users_path_explicit", True),
        ({}, {"users_path": "u.toml"}, "users_path_explicit", True),
        ({}, {}, "browser_path", None),
        ({"BROWSER_PATH": "/opt/chrome"}, {}, "browser_path", Path("/opt/chrome")),
    ],
    ids=[
        "default-db", "env-db", "flag-wins", "empty-env-ignored", "empty-flag-ignored",
        "demo-default", "demo-off", "demo-on", "users-implicit", "env-users",
        "env-users-explicit", "flag-users-explicit", "browser-default", "env-browser",
    ],
)  # fmt: skip
def test_each_source_of_a_setting(environ, flags, field, expected) -> None:
    assert getattr(settings(environ, **flags), field) == expected


def test_every_variable_sets_a_field_of_the_settings() -> None:
    fields = set(Settings.__dataclass_fields__)
    assert {field for field, _ in ENVIRONMENT.values()} <= fields


def configuration_table() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Configuration") :].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)=", section))


def test_the_readme_configuration_table_lists_exactly_the_environment() -> None:
    assert configuration_table() == set(ENVIRONMENT) | set(CREDENTIALS)


def test_no_module_reads_the_environment_but_config() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tma_metrics").rglob("*.py")
        if path.name != "config.py"
        and re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_credentials_are_read_only_when_declared_and_set() -> None:
    env = {"REDMINE_API_KEY": " s3cr3t-k3y ", "JIRA_EMAIL": "", "OTHER_SECRET": "x"}
    assert credentials_environment(env) == {"REDMINE_API_KEY": "s3cr3t-k3y"}
    assert "s3cr3t" not in repr(settings(env))
