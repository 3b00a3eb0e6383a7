"""Everything that imports Qt lives here (a test enforces it).

Importing PySide6 (shiboken6) installs its ``__feature__`` import hook: after every import
statement it reads the source of each module it has not seen yet (``inspect.getsource``) to find
the word "PySide6", which tells modules that may select a feature (``from __feature__ import
snake_case``) from those that may not. For the ~60 modules the login window imports after
PySide6 (ours and the standard library's) that was 22 M instructions (~5 ms) of start-up that a
bare PySide6 window does not pay (docs/design.md "Targets"), nor an installed app (PyInstaller
keeps no sources: it finds none). The answer is known without reading them: our UI modules use
PySide6 and select no feature, the rest of ours may not import Qt (import-linter's contracts),
nor does the standard library; anything else is still read. tests/ui/test_startup_imports.py
checks the answers are PySide's own.
"""

from __future__ import annotations

import sys
from types import ModuleType

import shiboken6  # noqa: F401  (its import installs the hook fixed right here)


def _answer_without_reading_sources() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    reads_source = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or reads_source is None:
        return  # a PySide without this hook (or another one): nothing to answer

    def uses_pyside(module: ModuleType) -> bool:
        name = getattr(module, "__name__", "")
        if name == __name__ or name.startswith(__name__ + "."):
            return True
        top = name.partition(".")[0]
        if top == "voek_desktop" or top in sys.stdlib_module_names:
            return False
        return bool(reads_source(module))

    # The hook looks it up by name at each new module.
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


_answer_without_reading_sources()
