"""``voek-desktop``: the desktop app (``python -m voek_desktop``)."""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="voek-desktop", description="Личный кабинет потребителя АО «ВОЭК»"
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="запустить встроенный сервер с демонстрационными данными",
    )
    p.add_argument("--server", metavar="URL", help="адрес сервера личного кабинета")
    p.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="закрыться сразу после первой отрисовки окна (замер запуска)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from voek_desktop.ui.app import run  # Qt only after the arguments are known to be right

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
