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


def test_generated_sections_are_up_to_date() -> None:
    from tma_metrics.readme_sections import SECTIONS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, build in SECTIONS.items():
        start = text.index(f"<!-- {name}:start -->\n") + len(f"<!-- {name}:start -->\n")
        end = text.index(f"<!-- {name}:end -->")
        assert text[start:end] == build(), (
            f"README section {name} is stale: run `python -m tma_metrics.readme_sections`"
        )


def test_every_contract_key_is_documented() -> None:
    from tma_metrics.contracts import CALENDAR_KEYS, CARNET_KEYS, CONTRACT_KEYS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The contracts file") : text.index("## How the figures")]
    for key in (*CONTRACT_KEYS, *CARNET_KEYS, *CALENDAR_KEYS):
        assert f"`{key}`" in section, key


def test_every_environment_variable_is_documented() -> None:
    import re as _re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set()
    for path in (ROOT / "tma_metrics").rglob("*.py"):
        used |= set(_re.findall(r'"(TMA_METRICS_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    assert used, "the code reads environment variables"
    for name in sorted(used):
        assert f"`{name}" in text, name
