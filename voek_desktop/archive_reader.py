"""Reading a downloaded archive workbook (.xlsx, docs/design.md "Archives") for the app's own table.

openpyxl parses the file in a child process (``voek-desktop read-workbook FILE``) that streams
the rows back in pickled chunks. Parsing 52,600 rows is about 2 s of pure-Python work; on a
thread of the app it would hold the interpreter lock the GUI thread needs for every cell it
paints, and a screen of the table took seconds to appear. In a child it runs on the other core
and the table scrolls while the rest arrives.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NamedTuple

from voek_desktop.api.errors import TransferCancelled
from voek_desktop.subcommands import READ_WORKBOOK

INFO_SHEET = "Сведения"
FIRST_CHUNK = 64  # rows: enough for the first screen, sent at once
CHUNK = 2048


class Sheet(NamedTuple):
    name: str
    headers: list[str]
    rows: list[list[Any]]


class WorkbookError(OSError):
    """The file cannot be read as a workbook; the message is for the user, in lower case to
    follow «Не удалось прочитать файл: »."""


Progress = Callable[[int, int | None], None]


def read_workbook(
    path: str | Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    sink: list[Sheet] | None = None,
) -> list[Sheet]:
    """Every sheet of ``path``, read in a child process; the first row of a table sheet is
    its header.

    With ``sink``, each sheet is appended to it as soon as its header arrives and its rows list
    grows while the file is read, so the GUI can show the first rows at once (appending to a
    list is atomic; the GUI only looks at rows it has been told about)."""
    sheets = sink if sink is not None else []
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    child = subprocess.Popen(
        [*_self_command(), READ_WORKBOOK, os.fspath(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        creationflags=flags,
    )
    try:
        assert child.stdout is not None
        while True:
            if cancelled is not None and cancelled():
                raise TransferCancelled()
            try:
                message = pickle.load(child.stdout)
            except (EOFError, pickle.UnpicklingError):
                raise WorkbookError("чтение прервалось") from None
            kind = message[0]
            if kind == "sheet":
                sheets.append(Sheet(message[1], list(message[2]), []))
            elif kind == "rows":
                sheets[-1].rows.extend(message[1])
            elif kind == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif kind == "trim":
                del sheets[-1].rows[message[1] :]
            elif kind == "error":
                raise WorkbookError(message[1])
            elif kind == "done":
                return sheets
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()


def _self_command() -> list[str]:
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: the executable is the app
        return [sys.executable]
    return [sys.executable, "-m", "voek_desktop"]


def serve(path: str, out: IO[bytes]) -> int:
    """The child's side: stream ``path`` to ``out`` as pickled messages."""

    def send(*message: Any) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        _stream(path, send)
    except BrokenPipeError:
        return 1  # the app cancelled or closed
    except FileNotFoundError:
        send("error", "файл не найден")
        return 1
    except PermissionError:
        send("error", "нет доступа к файлу")
        return 1
    except Exception:  # openpyxl says "not a zip", KeyError, ValueError… all mean the same
        send("error", "файл повреждён или не является книгой Excel (.xlsx)")
        return 1
    send("done")
    return 0


def _stream(path: str, send: Callable[..., None]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        total = sum((ws.max_row or 0) for ws in workbook.worksheets) or None
        done = 0
        for ws in workbook.worksheets:
            info = ws.title == INFO_SHEET
            values = ws.iter_rows(values_only=True)
            headers = ["Параметр", "Значение"] if info else []
            if not info:
                first = next(values, None)
                headers = ["" if v is None else str(v) for v in first or ()]
                done += 1
            send("sheet", ws.title, headers)
            chunk: list[list[Any]] = []
            limit = FIRST_CHUNK
            count = kept = 0
            for row in values:
                chunk.append(list(row))
                count += 1
                if any(v is not None for v in row):
                    kept = count
                if len(chunk) >= limit:
                    send("rows", chunk)
                    send("progress", done + count, total)
                    chunk, limit = [], CHUNK
            if chunk:
                send("rows", chunk)
            if kept < count:  # trailing empty rows are how some writers pad a sheet
                send("trim", kept)
            done += count
        send("progress", done, done)
    finally:
        workbook.close()
