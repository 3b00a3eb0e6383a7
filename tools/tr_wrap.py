"""Put the user-facing Russian literals of UI modules through ``tr()`` (docs/design.md
"Conventions"); tests/ui/test_russian.py finds what is left.

    .venv/bin/python tools/tr_wrap.py voek_desktop/ui/some/module.py …
    .venv/bin/ruff check --fix … && .venv/bin/ruff format …

A literal passed to a widget's text (``QLabel("…")``, ``setText("…")``, ``messages.info(w, "…")``,
…) becomes ``tr("…")``; an f-string becomes ``tr("… {} …").format(…)`` so that the translated
text is a fixed string; both arms of ``a if c else b`` and both sides of ``+`` are wrapped.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import textwrap
from pathlib import Path

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Calls whose string arguments are shown to the user.
WIDGET_CALLS = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QToolButton",
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setPlaceholderText",
        "setTitle",
        "setStatusTip",
        "addAction",
        "addMenu",
        "addTab",
        "setTabText",
        "showMessage",
        "information",
        "warning",
        "critical",
        "question",
        "link_button",
        "primary_button",
        "section_title",
    }
)
# ui/kit/messages.py: the message boxes and the status line.
MESSAGE_CALLS = frozenset({"info", "error", "confirm", "notice"})
IMPORT = "from voek_desktop.ui.kit.dialogs import tr\n"


def call_name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    return f.attr if isinstance(f, ast.Attribute) else None


def is_shown(call: ast.Call) -> bool:
    name = call_name(call)
    if name in WIDGET_CALLS:
        return True
    f = call.func
    return (
        isinstance(f, ast.Attribute)
        and f.attr in MESSAGE_CALLS
        and isinstance(f.value, ast.Name)
        and f.value.id == "messages"
    )


def has_cyrillic(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(CYRILLIC.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(has_cyrillic(v) for v in node.values)
    return False


def bare_literals(node: ast.AST) -> list[ast.expr]:
    """The Russian literals of an argument that are not inside a call (``tr(…)`` or any
    other: what a function returns is its own business)."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return [node] if has_cyrillic(node) else []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return bare_literals(node.left) + bare_literals(node.right)
    if isinstance(node, ast.IfExp):
        return bare_literals(node.body) + bare_literals(node.orelse)
    return []


def untranslated(tree: ast.AST) -> list[ast.expr]:
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and is_shown(node):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                found += bare_literals(arg)
    return found


def _literal(text: str) -> str:
    chunks = textwrap.wrap(text, 70, drop_whitespace=False, break_on_hyphens=False) or [""]
    return " ".join(json.dumps(chunk, ensure_ascii=False) for chunk in chunks)


def _replacement(node: ast.expr, original: bytes) -> bytes | None:
    if isinstance(node, ast.Constant):
        return b"tr(" + original + b")"
    assert isinstance(node, ast.JoinedStr)
    template, args = [], []
    for value in node.values:
        if isinstance(value, ast.Constant):
            template.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(value, ast.FormattedValue)
        conversion = "" if value.conversion == -1 else "!" + chr(value.conversion)
        spec = ""
        if value.format_spec is not None:
            assert isinstance(value.format_spec, ast.JoinedStr)
            if not all(isinstance(v, ast.Constant) for v in value.format_spec.values):
                return None  # a computed format spec: left for a person
            spec = ":" + "".join(str(v.value) for v in value.format_spec.values)  # type: ignore[attr-defined]
        template.append("{" + conversion + spec + "}")
        args.append(ast.unparse(value.value))
    text = f"tr({_literal(''.join(template))})"
    if args:
        text += f".format({', '.join(args)})"
    return text.encode()


def _span(starts: list[int], node: ast.expr) -> tuple[int, int]:
    """Byte offsets of ``node`` in the file (ast columns count UTF-8 bytes)."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    start = starts[node.lineno - 1] + node.col_offset
    return start, starts[node.end_lineno - 1] + node.end_col_offset


def _add_import(text: str, tree: ast.Module) -> str:
    if re.search(r"^from voek_desktop\.ui\.kit\.dialogs import .*\btr\b", text, re.M):
        return text
    last = max(
        (n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)),
        default=0,
    )
    lines = text.splitlines(keepends=True)
    return "".join(lines[:last]) + IMPORT + "".join(lines[last:])


def wrap(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    source = text.encode()
    starts = [0] + [i + 1 for i, byte in enumerate(source) if byte == 0x0A]
    edits = []
    for node in untranslated(tree):
        start, end = _span(starts, node)
        new = _replacement(node, source[start:end])
        if new is not None:
            edits.append((start, end, new))
    if not edits:
        return 0
    for start, end, new in sorted(edits, reverse=True):
        source = source[:start] + new + source[end:]
    out = source.decode()
    path.write_text(_add_import(out, ast.parse(out)), encoding="utf-8")
    return len(edits)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {wrap(Path(name))}")
