"""Dependencies point one way: the pure core imports no Streamlit, DuckDB or file I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tma_metrics"

#: The pure core: values (or DataFrames) in, values out.
PURE_CORE = (
    "business_calendar",
    "timeline",
    "billing",
    "consumption",
    "sla",
    "estimation",
    "carnet_ledger",
    "forecast",
    "frames",
    "clock",
    "compliance",
    "delivery",
    "ticket_states",
    "sla_notes",
    "metrics",
    "auth/principal",
    "auth/mode",
    "auth/throttle",
    "auth/user_records",
    "contracts",
    "model",
    "vocabulary",
    "frenchfmt",
)
FORBIDDEN_MODULES = {"streamlit", "duckdb", "os", "pathlib", "io", "shutil", "tempfile", "glob"}
FORBIDDEN_CALLS = {"open"}


def import_crimes(source: str) -> list[str]:
    """List the forbidden imports and I/O calls of a module's source."""
    crimes = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_CALLS
        ):
            crimes.append(f"line {node.lineno}: calls {node.func.id}()")
            continue
        else:
            continue
        for name in names:
            if name.split(".")[0] in FORBIDDEN_MODULES:
                crimes.append(f"line {node.lineno}: imports {name}")
    return crimes


def test_the_checker_catches_each_kind_of_crime() -> None:
    source = "import duckdb\nfrom streamlit import cache_data\nimport os.path\nopen('x')\n"
    assert import_crimes(source) == [
        "line 1: imports duckdb",
        "line 2: imports streamlit",
        "line 3: imports os.path",
        "line 4: calls open()",
    ]
    assert import_crimes("import numpy as np\nfrom tma_metrics import model\n") == []


@pytest.mark.parametrize("module", PURE_CORE)
def test_pure_core_module_has_no_import_crime(module: str) -> None:
    path = PACKAGE / f"{module}.py"
    if not path.exists():
        pytest.fail(f"pure core module {module}.py is missing")
    assert import_crimes(path.read_text(encoding="utf-8")) == []


def test_only_the_ui_package_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts
        and any("streamlit" in c for c in import_crimes(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []
