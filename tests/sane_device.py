"""SANE's own ``test`` backend as the scanner of the tests (CI installs sane-utils, libsane-dev
and python-sane: tools/bootstrap.sh --test).

libsane reads its backend list from ``$SANE_CONFIG_DIR/dll.conf`` when it starts, once per
process: tests/conftest.py calls ``configure()`` before anything can start it, so the system's
real scanners (and the network backends' timeouts) never take part in a test run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


def configure() -> None:
    if "VOEK_TEST_SANE_DIR" in os.environ:
        return
    folder = Path(tempfile.mkdtemp(prefix="voek-sane-"))
    (folder / "dll.conf").write_text("test\n", encoding="ascii")
    os.environ["SANE_CONFIG_DIR"] = str(folder)
    os.environ["VOEK_TEST_SANE_DIR"] = str(folder)


def require_sane() -> None:
    """Skip where python-sane is not installed — except in CI, where it must be."""
    try:
        import sane  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("python-sane is not installed (tools/bootstrap.sh --test installs it)")
