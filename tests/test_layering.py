"""Layering rules (docs/design.md). The import rules themselves are import-linter contracts in
pyproject.toml (``[tool.importlinter]``); this runs them, so pytest alone guards them too, and
checks at run time what a static import graph cannot see: what importing a layer really loads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_FRAMEWORKS = {"flask", "django", "fastapi", "bottle", "aiohttp", "starlette"}
CLIENT_MODULES = ("client", "errors", "models", "download", "applications", "metering")


def test_the_import_contracts_are_kept() -> None:
    pytest.importorskip("importlinter", reason="import-linter is in the test extra")
    run_cli = "from importlinter.cli import lint_imports_command as main; main()"
    result = subprocess.run(
        [sys.executable, "-c", run_cli, "--no-cache", "--no-logo"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def loaded_by(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_server_and_domain_loads_neither_qt_nor_requests() -> None:
    """Every module of both, transitive imports and parent packages included."""
    code = (
        "import pkgutil, importlib, sys\n"
        "import voek_desktop.api.server as server, voek_desktop.domain as domain\n"
        "for pkg in (server, domain):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        f" {sorted({'PySide6', 'shiboken6', 'requests', *WEB_FRAMEWORKS})!r})\n"
        "print(','.join(bad))\n"
    )
    assert loaded_by(code) == ""


def test_importing_the_client_does_not_load_qt() -> None:
    imports = ", ".join(f"voek_desktop.api.{name}" for name in CLIENT_MODULES)
    code = (
        f"import sys, {imports}\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    assert loaded_by(code) == ""
