"""Start-up imports only what the login window needs (docs/design.md "Targets": the first paint
≤ 1.25 × a bare PySide6 window; bench/startup.py measures it). Every module here costs start-up
time and is imported when the screen that needs it opens."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

# The app started as a user starts it, reporting sys.modules at its first paint.
AT_FIRST_PAINT = """
import json, sys
from voek_desktop.ui.main_window import MainWindow
built = MainWindow.__init__
def init(self, ctx):
    built(self, ctx)
    self.first_painted.connect(lambda: print("MODULES " + json.dumps(sorted(sys.modules))))
    qtcore = sys.modules["PySide6.QtCore"]
    self.first_painted.connect(lambda: print("QT_NAMESPACE", "Qt" in vars(qtcore)))
    qtgui = sys.modules["PySide6.QtGui"]
    self.first_painted.connect(lambda: print("QICON", "QIcon" in vars(qtgui)))
    qtwidgets = sys.modules["PySide6.QtWidgets"]
    types_built = lambda: sorted(
        name
        for module, name in [(qtcore, "QDate"), (qtwidgets, "QDialog"), (qtwidgets, "QProgressBar")]
        if name in vars(module)
    )
    self.first_painted.connect(lambda: print("BUILT " + json.dumps(types_built())))
MainWindow.__init__ = init
from voek_desktop.__main__ import main
sys.exit(main(sys.argv[1:] + ["--exit-when-ready"]))
"""

NOT_BEFORE_THE_FIRST_PAINT = [
    "PySide6.QtCharts",  # consumption charts
    "PySide6.QtPdf",  # the PDF preview
    "PySide6.QtPdfWidgets",
    "reportlab",  # forms and contracts as PDF
    "pypdf",
    "openpyxl",
    "python_calamine",  # the archive table
    "xlsxwriter",  # the demo server's archives
    "requests",  # the first request is made after the first paint
    "keyring",  # a saved session is looked up after the first paint
    "voek_desktop.ui.cabinet",
    "voek_desktop.ui.metering",
    "voek_desktop.ui.applications",
    "voek_desktop.api.client",
    "voek_desktop.api.models",  # dozens of dataclasses
    "voek_desktop.api.server",
    "voek_desktop.ui.about",  # the help menu, built right after the first paint
    "voek_desktop.domain.applications",  # the «Бланки» menu, likewise
    "importlib.metadata",  # the version in «О программе»: the email package and more
    "concurrent.futures",  # the worker pools are made at the first job
    "html",  # html.escape of the demo numbers, filled in after the first paint
    "socket",  # the demo's port is picked with _socket
    "voek_desktop.resources",  # the icons come right after the first paint
    "voek_desktop.ui.sections",  # the cabinet's sections
    "voek_desktop.ui.kit.file_sizes",  # the file dialog's size delegate
    "locale",  # argparse's gettext: plain switches are read without argparse
    "datetime",  # the login window shows no date (QDate is built after it too)
    "voek_desktop.domain.formats",  # dates and numbers as shown: a СНИЛС is an identifier's
    "voek_desktop.domain.contacts",  # the registration's phone, e-mail and password rules
    "voek_desktop.domain.time",
]


def _run_to_first_paint(script: str, mode: list[str]) -> list[str]:
    """Run ``script`` (the app up to its first paint) in a fresh interpreter; what it printed."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", script, *mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _json_after(lines: list[str], tag: str) -> object:
    line = next(line for line in lines if line.startswith(tag + " "))
    return json.loads(line.removeprefix(tag + " "))


@pytest.mark.parametrize("mode", [[], ["--demo"]], ids=["server", "demo"])
def test_the_login_window_paints_before_the_rest_is_imported(app_dirs: Path, mode) -> None:
    lines = _run_to_first_paint(AT_FIRST_PAINT, mode)
    loaded = set(cast("list[str]", _json_after(lines, "MODULES")))
    assert "voek_desktop.ui.identity.login" in loaded  # it did get to the login window
    too_early = [m for m in NOT_BEFORE_THE_FIRST_PAINT if m in loaded]
    assert too_early == []
    # PySide builds the ~90 enums of its ``Qt`` namespace at the first touch (15–50 ms, issue
    # 14): the login window paints without it (ui/kit/tasks.py connects at the first job).
    assert "QT_NAMESPACE False" in lines
    # Nor QIcon's type with its ~100-member ThemeIcon enum (3–6 ms): QPushButton(text, parent)
    # would build it, resolving the call against the icon overload (ui/kit/widgets.push_button).
    assert "QICON False" in lines
    # Nor the types of what it does not show (~0.3 ms): a date, a dialog, the busy bar.
    assert "BUILT []" in lines


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--demo"],
        ["--clerk"],
        ["--exit-when-ready"],
        ["--demo", "--clerk", "--exit-when-ready"],
        ["--demo", "--demo"],
    ],
)
def test_the_usual_switches_are_read_as_argparse_reads_them(argv: list[str]) -> None:
    """A command line of plain switches skips argparse at start-up (its first parse is ~3 ms):
    it must come out the same as the parser's own reading."""
    from voek_desktop.__main__ import parse_args, parser

    assert parse_args(argv) == parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["--dem"], ["--help"], ["--nonsense"], ["extra"]])
def test_anything_else_still_goes_to_argparse(argv: list[str], capsys) -> None:
    """Abbreviations, help and mistakes get argparse's own answer, in Russian."""
    from voek_desktop.__main__ import parse_args

    if argv == ["--dem"]:
        assert parse_args(argv).demo is True
        return
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    out = capsys.readouterr()
    if argv == ["--help"]:
        assert exited.value.code == 0
        assert "использование:" in out.out
    else:
        assert exited.value.code == 2
        assert "ошибка:" in out.err


# The same start, recording which modules PySide's import hook reads the source of, and what it
# concluded for each module it saw (voek_desktop/ui/__init__.py answers for ours and the
# standard library's without reading them).
HOOK_AT_FIRST_PAINT = """
import inspect, json, sys
import voek_desktop.ui  # PySide6 and its import hook, answered for ours from here on
read = []
real_getsource = inspect.getsource
def getsource(obj):
    read.append(getattr(obj, "__name__", "?"))
    return real_getsource(obj)
inspect.getsource = getsource
from voek_desktop.ui.main_window import MainWindow
built = MainWindow.__init__
def report():
    inspect.getsource = real_getsource
    marked = sys.modules["shibokensupport.feature"].pyside_feature_dict
    differ = {}
    for name, value in list(marked.items()):
        module = sys.modules.get(name)
        try:
            source = real_getsource(module)
        except (TypeError, OSError, SyntaxError):
            source = ""
        if value != (0 if "PySide6" in source else -1):
            differ[name] = value
    print("HOOK " + json.dumps({"read": read, "differ": differ}))
def init(self, ctx):
    built(self, ctx)
    self.first_painted.connect(report)
MainWindow.__init__ = init
from voek_desktop.__main__ import main
sys.exit(main(sys.argv[1:] + ["--exit-when-ready"]))
"""


@pytest.mark.parametrize("mode", [[], ["--demo"]], ids=["server", "demo"])
def test_pyside_reads_no_source_of_ours_or_the_standard_library(app_dirs: Path, mode) -> None:
    """PySide's ``__feature__`` import hook reads each new module's source after it is imported
    (~8 ms of start-up for the modules before the first paint, issue 14); ours and the standard
    library's are answered without reading, and the answers are PySide's own: 0 ("uses PySide6,
    no feature") or -1 ("ignore in feature switching"). A UI module PySide would find no
    "PySide6" in (``ui/kit/style.py``) gets 0, which means the same for code that selects no
    feature, and none of ours does."""
    hook = cast(
        "dict[str, Any]", _json_after(_run_to_first_paint(HOOK_AT_FIRST_PAINT, mode), "HOOK")
    )
    ours_or_stdlib = [
        name
        for name in hook["read"]
        if name.startswith("voek_desktop") or name.partition(".")[0] in sys.stdlib_module_names
    ]
    assert ours_or_stdlib == []
    assert all(name.startswith("voek_desktop.ui") for name in hook["differ"]), hook["differ"]
    assert set(hook["differ"].values()) <= {0}
    sources = Path(__file__).resolve().parents[2] / "voek_desktop"
    selects = re.compile(r"^\s*(from __feature__ import|import __feature__)", re.MULTILINE)
    assert not [p for p in sources.rglob("*.py") if selects.search(p.read_text("utf-8"))]
