"""The README starts with the two set-up commands, and CI runs the second verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("---", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head, flags=re.S)


def test_readme_starts_with_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    run_app, run_tests = commands
    assert "streamlit run app.py" in run_app and "requirements.txt" in run_app
    assert "pytest" in run_tests and "requirements-dev.txt" in run_tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci
    assert "export CI=true" in ci


def test_requirements_name_the_dependencies_the_readme_explains() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for package in (
        "streamlit",
        "pandas",
        "plotly",
        "duckdb",
        "openpyxl",
        "python-calamine",
        "holidays",
    ):
        assert re.search(rf"^{package}>=", runtime, flags=re.M), package
        assert f"| {package}" in text or package in text
