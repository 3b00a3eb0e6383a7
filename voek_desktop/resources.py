"""Where the top-level ``resources/`` folder is: beside the package in a checkout or an
editable install, or inside a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(relative: str) -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base / "resources" / relative
