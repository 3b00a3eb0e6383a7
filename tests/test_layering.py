"""Layering rules (SPEC §2), checked statically with ``ast`` over every module of the package:

- only ``voek_desktop/ui/`` and ``voek_desktop/__main__.py`` may import PySide6;
- ``voek_desktop/api/`` and ``voek_desktop/domain/`` never import ``voek_desktop.ui``;
- the reference server (``voek_desktop/api/server/``) is standard library only: no ``requests``
  and no web framework; of the package it imports only itself, the domain, printing and the
  demo data (never the client, the account or the UI);
- ``voek_desktop/domain/`` imports nothing else of the package.

Imports inside functions, relative imports and ``importlib.import_module("…")`` /
``__import__("…")`` with a literal name all count.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "voek_desktop"
ROOT = PACKAGE.parent
WEB_FRAMEWORKS = {"flask", "django", "fastapi", "bottle", "aiohttp", "starlette"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module ``source`` may import, as ``(line, dotted name)``.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a submodule).
    """
    tree = ast.parse(source)
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package[: len(package) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base:
                found.append((node.lineno, base))
            found.extend(
                (node.lineno, f"{base}.{alias.name}" if base else alias.name)
                for alias in node.names
                if alias.name != "*"
            )
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            arg = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
            ):
                found.append((node.lineno, arg.value))
    return found


def is_under(name: str, top: str) -> bool:
    return name == top or name.startswith(top + ".")


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def all_imports() -> list[tuple[Path, int, str]]:
    result = []
    for path in package_files():
        source = path.read_text(encoding="utf-8")
        try:
            names = imported_names(source, module_name(path), path.name == "__init__.py")
        except SyntaxError as exc:
            pytest.fail(f"{path.relative_to(ROOT)} does not parse: {exc}")
        result.extend((path, line, name) for line, name in names)
    return result


def report(violations: list[tuple[Path, int, str]]) -> str:
    return "\n".join(f"{p.relative_to(ROOT)}:{line} imports {name}" for p, line, name in violations)


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


# --- the rules -----------------------------------------------------------------------------


def test_the_scan_sees_the_package() -> None:
    files = {rel(p) for p in package_files()}
    assert {"api/client.py", "domain/identifiers.py", "api/server/app.py"} <= files
    names = {name for _, _, name in all_imports()}
    assert "requests" in names  # the client's import is found, so the scanner works


def test_only_the_ui_imports_qt() -> None:
    violations = [
        (path, line, name)
        for path, line, name in all_imports()
        if is_under(name, "PySide6")
        and not rel(path).startswith("ui/")
        and rel(path) != "__main__.py"
    ]
    assert not violations, "PySide6 outside voek_desktop/ui/:\n" + report(violations)


def test_api_and_domain_do_not_import_the_ui() -> None:
    violations = [
        (path, line, name)
        for path, line, name in all_imports()
        if rel(path).startswith(("api/", "domain/")) and is_under(name, "voek_desktop.ui")
    ]
    assert not violations, "api/domain import the UI:\n" + report(violations)


def test_the_server_is_stdlib_only() -> None:
    forbidden = {"requests", *WEB_FRAMEWORKS}
    violations = [
        (path, line, name)
        for path, line, name in all_imports()
        if rel(path).startswith("api/server/") and name.split(".")[0] in forbidden
    ]
    assert not violations, "the server imports requests or a web framework:\n" + report(violations)


def test_the_server_does_not_import_the_client_side() -> None:
    """The server stands alone: of the package it uses only the domain rules, the printing
    layouts (contract PDFs) and the demo data, never the API client, the account or the UI."""
    allowed = (
        "voek_desktop.api.server",
        "voek_desktop.domain",
        "voek_desktop.printing",
        "voek_desktop.demo_data",
    )
    violations = [
        (path, line, name)
        for path, line, name in all_imports()
        if rel(path).startswith("api/server/")
        and is_under(name, "voek_desktop")
        and name not in ("voek_desktop", "voek_desktop.api")
        and not any(is_under(name, top) for top in allowed)
    ]
    assert not violations, "the server imports the client side:\n" + report(violations)


def test_the_domain_imports_nothing_of_ours() -> None:
    violations = [
        (path, line, name)
        for path, line, name in all_imports()
        if rel(path).startswith("domain/")
        and is_under(name, "voek_desktop")
        and not is_under(name, "voek_desktop.domain")
    ]
    assert not violations, "domain imports other parts of the package:\n" + report(violations)


def test_importing_the_server_and_domain_loads_neither_qt_nor_requests() -> None:
    """The same rules at run time, transitive imports and parent packages included."""
    code = (
        "import pkgutil, importlib, sys\n"
        "import voek_desktop.api.server as server, voek_desktop.domain as domain\n"
        "for pkg in (server, domain):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        f" {sorted({'PySide6', 'requests', *WEB_FRAMEWORKS})!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"


def test_importing_the_client_does_not_load_qt() -> None:
    code = (
        "import sys, voek_desktop.api.client, voek_desktop.api.errors, voek_desktop.api.models\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] == 'PySide6'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# --- the scanner itself finds what it must --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("import PySide6.QtCore", "voek_desktop.api.x", False, "PySide6.QtCore"),
        ("from PySide6 import QtWidgets", "voek_desktop.api.x", False, "PySide6.QtWidgets"),
        ("from PySide6.QtCore import Qt", "voek_desktop.api.x", False, "PySide6.QtCore"),
        ("def f():\n    import PySide6\n", "voek_desktop.api.x", False, "PySide6"),
        ("if True:\n    from PySide6 import QtGui\n", "voek_desktop.x", False, "PySide6"),
        ("from ..ui import window", "voek_desktop.api.client", False, "voek_desktop.ui.window"),
        ("from ... import ui", "voek_desktop.api.server.app", False, "voek_desktop.ui"),
        ("from .ui import main", "voek_desktop", True, "voek_desktop.ui.main"),
        ("from .. import ui", "voek_desktop.domain", True, "voek_desktop.ui"),
        (
            "import voek_desktop.ui.login as l",
            "voek_desktop.domain.x",
            False,
            "voek_desktop.ui.login",
        ),
        (
            "import importlib\nimportlib.import_module('flask')",
            "voek_desktop.api.server.x",
            False,
            "flask",
        ),
        ("__import__('requests')", "voek_desktop.api.server.x", False, "requests"),
        ("from requests.adapters import HTTPAdapter", "a.b", False, "requests.adapters"),
    ],
)
def test_scanner_finds(source: str, module: str, is_package: bool, expected: str) -> None:
    names = [name for _, name in imported_names(source, module, is_package)]
    assert expected in names


def test_scanner_does_not_confuse_similar_names() -> None:
    names = [name for _, name in imported_names("import PySide6x\nimport requests_toolbelt", "m")]
    assert not any(is_under(n, "PySide6") for n in names)
    assert not any(n.split(".")[0] in {"requests"} for n in names)
    names = [n for _, n in imported_names("from .uikit import x", "voek_desktop.c")]
    assert names == ["voek_desktop.uikit", "voek_desktop.uikit.x"]
    assert not any(is_under(n, "voek_desktop.ui") for n in names)
