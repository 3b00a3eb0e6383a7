"""Russian everywhere (issue 12, items 7 and 12): one spelling of «учёт», user-facing strings
of the windows through ``tr()``, Qt's own dialogs in Russian."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import voek_desktop

PACKAGE = Path(voek_desktop.__file__).parent


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_uchyot_is_spelt_with_yo_everywhere() -> None:
    # «Прибор учёта», «точки учёта»: the app, its server and its .xlsx write it one way.
    plain_e = re.compile(r"[Уу]чет")
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in _strings(path)
        if plain_e.search(text)
    ]
    assert not found, "\n".join(found)
