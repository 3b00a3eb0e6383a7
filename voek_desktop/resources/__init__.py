"""The files the app loads at run time: the DejaVu fonts of printing/ and the icons of ui/.

They are package data of this package (``[tool.setuptools.package-data]``), found through
importlib.resources rather than beside the source tree: a wheel, a zipped package or a PyInstaller
bundle (its spec collects them as ``voek_desktop/resources/...``) has them where a checkout has
them. They once lay in a top-level ``resources/`` folder, and ``pip install .`` could not print.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib.resources import as_file, files
from pathlib import Path

# Copies of files taken out of a zipped package, removed when the process ends.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


@functools.cache
def resource_path(relative: str) -> Path:
    """``"fonts/DejaVuSans.ttf"`` → a file on disk, for what opens only paths (reportlab, QIcon).

    From an installed or bundled package it is the package's own file; from a zip, a temporary
    copy kept until exit. In a broken install the path names a file that is not there: callers
    check, and a missing icon is no reason to refuse to start.
    """
    resource = files(__name__).joinpath(*relative.split("/"))
    if isinstance(resource, Path) or not resource.is_file():
        return Path(str(resource))
    return _extracted.enter_context(as_file(resource))
