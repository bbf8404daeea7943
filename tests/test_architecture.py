"""Dependencies point one way; the pure core imports no Streamlit, DuckDB or file I/O.

The layers, from the bottom up (see ARCHITECTURE.md):

``domain`` → ``sources``, ``store`` → ``figures`` → ``views`` → ``charts``, ``reports``
→ ``ui``; ``cli`` and ``demo`` sit beside ``ui`` at the top. ``errors``, ``config``,
``metrics`` and ``french`` are vocabulary every layer may read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tma_metrics"
DOMAIN = PACKAGE / "domain"

FORBIDDEN_MODULES = {
    "streamlit",
    "duckdb",
    "os",
    "pathlib",
    "io",
    "shutil",
    "tempfile",
    "glob",
    "subprocess",
    "socket",
    "urllib",
    "http",
    "sqlite3",
    "pickle",
}
FORBIDDEN_CALLS = {"open"}

#: What each folder of the package may import from the package. A folder absent from
#: its own list may still import its own modules.
VOCABULARY = {"errors", "config", "metrics", "french"}
TOP = {"domain", "sources", "store", "figures", "views", "charts", "reports", "auth", "demo"}
TOP |= VOCABULARY
ALLOWED: dict[str, set[str]] = {
    "domain": {"errors"},
    "errors": set(),
    "config": {"errors"},
    "metrics": {"domain", "french"},
    "french": {"domain", "errors"},
    "sources": {"domain", "store", "auth"} | VOCABULARY,
    "store": {"domain", "sources", "auth"} | VOCABULARY,
    "figures": {"domain", "store", "sources"} | VOCABULARY,
    "views": {"domain", "figures"} | VOCABULARY,
    "charts": {"domain", "figures", "views"} | VOCABULARY,
    "reports": {"domain", "figures", "views", "charts", "store", "sources"} | VOCABULARY,
    "auth": {"domain"} | VOCABULARY,
    "demo": {"domain", "store", "sources", "figures", "auth"} | VOCABULARY,
    "ui": TOP,
    "cli": TOP,
    "__main__": {"cli"},
}


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


def package_imports(source: str) -> list[tuple[int, str]]:
    """Return (line, first folder under tma_metrics) for each import of the package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "tma_metrics":
                modules = [f"tma_metrics.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "tma_metrics" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def layer_of(path: Path) -> str:
    """Return the folder (or top module) of the package a file belongs to."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def layer_crimes(path: Path) -> list[str]:
    """List the imports of a package file that point up or sideways."""
    layer = layer_of(path)
    allowed = ALLOWED.get(layer)
    if allowed is None:
        return [f"{layer} is not a known layer: add it to ALLOWED and ARCHITECTURE.md"]
    return [
        f"line {line}: {layer} imports {target}"
        for line, target in package_imports(path.read_text(encoding="utf-8"))
        if target != layer and target not in allowed
    ]


def test_the_checker_catches_each_kind_of_crime() -> None:
    source = "import duckdb\nfrom streamlit import cache_data\nimport os.path\nopen('x')\n"
    assert import_crimes(source) == [
        "line 1: imports duckdb",
        "line 2: imports streamlit",
        "line 3: imports os.path",
        "line 4: calls open()",
    ]
    assert import_crimes("import numpy as np\nfrom tma_metrics.domain import model\n") == []
    assert package_imports("from tma_metrics import store\nimport tma_metrics.ui.frame\n") == [
        (1, "store"),
        (2, "ui"),
    ]


DOMAIN_FILES = sorted(DOMAIN.rglob("*.py"))


def test_the_domain_folder_holds_the_core() -> None:
    names = {path.relative_to(DOMAIN).parts[0] for path in DOMAIN_FILES}
    assert {"contracts", "business_time", "sla", "carnet", "estimation.py"} <= names


@pytest.mark.parametrize(
    "path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(DOMAIN)).removesuffix(".py")
)
def test_domain_module_has_no_import_crime(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert import_crimes(source) == []
    outside = [
        f"line {line}: imports tma_metrics.{target}"
        for line, target in package_imports(source)
        if target not in ("domain", "errors")
    ]
    assert outside == []


PACKAGE_FILES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE or p.stem != "__init__"
)


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    assert layer_crimes(path) == []


def test_only_the_ui_package_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if layer_of(path) != "ui"
        and any("streamlit" in c for c in import_crimes(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def private_uses(source: str) -> list[str]:
    """List the private (`_`) names of package modules that a module imports or reads."""
    tree = ast.parse(source)
    package_names: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tma_metrics"):
            for alias in node.names:
                package_names.add(alias.asname or alias.name)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"line {node.lineno}: imports {node.module}.{alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in package_names
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"line {node.lineno}: reads {node.value.id}.{node.attr}")
    return found


def test_the_private_checker_sees_imports_and_attributes() -> None:
    source = (
        "from tma_metrics.domain import estimation\nfrom tma_metrics.x import _y\nestimation._z()"
    )
    assert private_uses(source) == [
        "line 2: imports tma_metrics.x._y",
        "line 3: reads estimation._z",
    ]
    assert private_uses("import argparse\nargparse._SubParsersAction\n") == []


def test_no_module_uses_a_private_helper_of_another() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} {crime}"
        for path in PACKAGE_FILES
        for crime in private_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


#: The longest a function may be, from its ``def`` line to its last line (issue 16).
MAX_FUNCTION_LINES = 60

#: Functions still over the limit, as "path under tma_metrics:function name". Keep this
#: list short: remove an entry as soon as its function is split.
LONG_FUNCTIONS_ALLOWED = {
    # The figures engine of issue 17 (derived tables, summaries), to split next.
    "domain/carnet/billing.py:deduct",
    "domain/carnet/billing.py:ticket_billing",
    "domain/carnet/billing.py:effective_estimates",
    "domain/carnet/consumption.py:_balance",
    "figures/contract_figures.py:compute_figures",
    "store/writer.py:write_parsed",
    "domain/estimation.py:accuracy",
    "figures/summaries.py:_summarise",
    # Not split in time (issue 16): split each before adding anything here.
}


def long_functions(source: str) -> list[tuple[str, int]]:
    """List (name, length in lines) of the functions of a module over the limit."""
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_the_length_checker_counts_from_def_to_last_line() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 1))
    assert long_functions(f"def fits():\n{body}") == []
    assert long_functions(f"def too_long():\n{body}    return 0\n") == [
        ("too_long", MAX_FUNCTION_LINES + 1)
    ]


def test_no_function_over_sixty_lines() -> None:
    found = {
        f"{path.relative_to(PACKAGE).as_posix()}:{name}": length
        for path in sorted(PACKAGE.rglob("*.py"))
        for name, length in long_functions(path.read_text(encoding="utf-8"))
    }
    offenders = {key: length for key, length in found.items() if key not in LONG_FUNCTIONS_ALLOWED}
    for key, length in sorted(offenders.items(), key=lambda item: -item[1]):
        print(f"{length} lines: {key}")
    assert offenders == {}, "split these functions (under 60 lines each)"
    stale = sorted(LONG_FUNCTIONS_ALLOWED - set(found))
    assert stale == [], "these are short now: remove them from LONG_FUNCTIONS_ALLOWED"


#: Left without `__all__` on purpose, relative to the package.
NO_ALL_EXEMPT = {
    # engine being replaced (issue 17)
    "figures/batch.py",
    "figures/contract_figures.py",
    "figures/derive.py",
    "store/derived.py",
    "reports/json_report.py",
}


def top_level_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Flatten the module-level statements, entering `if` and `try` blocks."""
    flat: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            flat += top_level_statements(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            handlers = [stmt for handler in node.handlers for stmt in handler.body]
            flat += top_level_statements(node.body + handlers + node.orelse + node.finalbody)
        else:
            flat.append(node)
    return flat


def declared_all(tree: ast.Module) -> list[str] | None:
    """Return the literal `__all__` of a module, or None when it declares none."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return [ast.literal_eval(element) for element in node.value.elts]
    return None


def bound_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Return (every name bound at module level, the public functions and classes)."""
    bound: set[str] = set()
    defined: set[str] = set()
    for node in top_level_statements(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
            if not node.name.startswith("_"):
                defined.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return bound, defined


def all_crimes(source: str, path: str = "module.py") -> list[str]:
    """List what is wrong with a module's `__all__`: missing, unbound, private or partial."""
    tree = ast.parse(source)
    if not [n for n in tree.body if not isinstance(n, ast.Expr)]:
        return []  # an empty package marker declares nothing
    names = declared_all(tree)
    if names is None:
        return ["no __all__"]
    bound, defined = bound_names(tree)
    if Path(path).name == "__init__.py":  # a package may list its submodules
        bound |= {p.stem for p in Path(path).parent.glob("*.py")}
    crimes = [f"lists {name}, not bound here" for name in names if name not in bound]
    crimes += [f"lists private {name}" for name in names if name.startswith("_")]
    crimes += [f"lists {name} twice" for name in sorted(set(names)) if names.count(name) > 1]
    return crimes + [f"{name} missing from __all__" for name in sorted(defined - set(names))]


@pytest.mark.parametrize(
    ("source", "crimes"),
    [
        ("def f(): pass\n", ["no __all__"]),
        ('"""Only a docstring."""\n', []),
        ('__all__ = ["f"]\ndef f(): pass\ndef g(): pass\n', ["g missing from __all__"]),
        ('__all__ = ["h"]\ndef f(): pass\n', ["lists h, not bound here", "f missing from __all__"]),
        ('__all__ = ["_f"]\ndef _f(): pass\n', ["lists private _f"]),
        ('__all__ = ["X", "X"]\nX = 1\n', ["lists X twice"]),
        ('from a import b\n__all__ = ["b", "C"]\nclass C: pass\ndef _p(): pass\n', []),
        ("__all__ = [\"C\"]\nif 1:\n class C: pass\n class D: pass\n", ["D missing from __all__"]),
    ],
    ids=["absent", "empty", "partial", "unbound", "private", "twice", "re-export", "in-if"],
)  # fmt: skip
def test_the_all_checker_sees_each_kind_of_crime(source: str, crimes: list[str]) -> None:
    assert all_crimes(source) == crimes


ALL_FILES = [
    p
    for p in sorted(PACKAGE.rglob("*.py"))
    if p.name != "__main__.py" and str(p.relative_to(PACKAGE)) not in NO_ALL_EXEMPT
]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_declares_its_public_names_once(path: Path) -> None:
    assert all_crimes(path.read_text(encoding="utf-8"), str(path)) == []
