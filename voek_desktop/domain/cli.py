"""The command lines' help in Russian (``voek-desktop --help``, ``voek-server --help``):
argparse's own words («usage», «options») are English gettext strings; this parser says them
in Russian. Plain standard library, so both the app and the server use it."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn


class _RussianFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "использование: " if prefix is None else prefix)


class RussianArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _RussianFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "позиционные аргументы"
        self._optionals.title = "параметры"
        self.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")
