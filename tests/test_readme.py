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


def requirement_names(file: str) -> list[str]:
    """Return the package names a requirements file asks for (not the -r includes)."""
    text = (ROOT / file).read_text(encoding="utf-8")
    return re.findall(r"^([A-Za-z0-9_.-]+)\s*[<>=~!]", text, flags=re.M)


def dependency_table() -> set[str]:
    """Return every package named in the README's dependency table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Dependencies and why") : text.index("## Project layout")]
    rows = re.findall(r"^\| ([^|]+?) \|", section, flags=re.M)
    return {name.strip() for row in rows[1:] for name in row.split(",")}


def test_every_requirement_has_a_row_in_the_dependency_table() -> None:
    names = requirement_names("requirements.txt") + requirement_names("requirements-dev.txt")
    assert "streamlit" in names and "pytest" in names
    assert sorted(set(names) - dependency_table()) == []


def test_the_dependency_table_names_only_what_is_required() -> None:
    names = set(requirement_names("requirements.txt") + requirement_names("requirements-dev.txt"))
    assert sorted(dependency_table() - names - {"Package"}) == []


LAYOUT_ENTRY = re.compile(r"^( *)([\w./-]+/|[\w.-]+\.py)(?:, [\w.-]+\.py)* ", flags=re.M)


def layout_paths() -> list[Path]:
    """Return the paths the README's project-layout block names, indentation as nesting."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Project layout") :]
    block = section.split("```", 2)[1]
    parents: list[tuple[int, Path]] = []
    paths = []
    for indent, name in LAYOUT_ENTRY.findall(block):
        depth = len(indent)
        parents = [(d, p) for d, p in parents if d < depth]
        base = parents[-1][1] if parents else ROOT
        path = base / name.rstrip("/")
        paths.append(path)
        if name.endswith("/"):
            parents.append((depth, path))
    return paths


def test_the_project_layout_section_matches_the_tree() -> None:
    paths = layout_paths()
    missing = [str(p.relative_to(ROOT)) for p in paths if not p.exists()]
    assert missing == []
    listed = {p.relative_to(ROOT).as_posix() for p in paths}
    package = ROOT / "tma_metrics"
    folders = [
        d.relative_to(ROOT).as_posix()
        for d in [*package.iterdir(), *(package / "domain").iterdir()]
        if d.is_dir() and d.name != "__pycache__"
    ]
    assert sorted(set(folders) - listed) == []


def test_generated_sections_are_up_to_date() -> None:
    from tma_metrics.reports.readme_sections import SECTIONS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, build in SECTIONS.items():
        start = text.index(f"<!-- {name}:start -->\n") + len(f"<!-- {name}:start -->\n")
        end = text.index(f"<!-- {name}:end -->")
        assert text[start:end] == build(), (
            f"README section {name} is stale: run `python -m tma_metrics.reports.readme_sections`"
        )


def test_every_contract_key_is_documented() -> None:
    from tma_metrics.domain.contracts.model import CALENDAR_KEYS, CARNET_KEYS, CONTRACT_KEYS

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
