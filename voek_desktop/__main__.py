"""``voek-desktop``: the desktop app (``python -m voek_desktop``)."""

from __future__ import annotations

import argparse
import sys

from voek_desktop.domain.cli import RussianArgumentParser
from voek_desktop.subcommands import BLANK_FORM

# The switches a shortcut, the installer's menu entry or the start-up bench gives. A command line
# of these only is read without argparse: its first parse costs ~3 ms of start-up (gettext looks
# for its translations, a help formatter per option, issue 14); anything else, a mistake or
# ``--help`` included, goes to the parser. tests/ui/test_startup_imports.py checks both read alike.
SWITCHES = {"--demo": "demo", "--clerk": "clerk", "--exit-when-ready": "exit_when_ready"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    argv = sys.argv[1:] if argv is None else argv
    if all(arg in SWITCHES for arg in argv):
        given = {SWITCHES[arg] for arg in argv}
        flags = {name: name in given for name in SWITCHES.values()}
        return argparse.Namespace(**flags, server=None)
    p = parser()
    args = p.parse_args(argv)
    if args.server:
        from voek_desktop.settings import server_url_problem

        problem = server_url_problem(args.server)
        if problem:
            p.error(f"--server {args.server}: {problem}")
    return args


def parser() -> argparse.ArgumentParser:
    p = RussianArgumentParser(
        prog="voek-desktop",
        description="Личный кабинет потребителя АО «ВОЭК»",
        epilog="Пустой бланк заявки без входа и без сети: "
        "voek-desktop blank-form p14|p12_1|p13 -o ФАЙЛ.pdf",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="запустить встроенный сервер с демонстрационными данными",
    )
    p.add_argument("--server", metavar="URL", help="адрес сервера личного кабинета")
    p.add_argument(
        "--clerk",
        action="store_true",
        help="режим центра обслуживания: общий компьютер, ничего о посетителе не сохраняется",
    )
    p.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="закрыться сразу после первой отрисовки окна (замер запуска)",
    )
    return p


CATEGORIES = ("p14", "p12_1", "p13")
CONSUMER_TYPES = ("individual", "entrepreneur", "company")


def blank_form(argv: list[str]) -> int:
    """``voek-desktop blank-form CATEGORY -o FILE.pdf``: the blank template, no Qt, no network."""
    p = RussianArgumentParser(
        prog=f"voek-desktop {BLANK_FORM}",
        description="Записать пустой бланк заявки на технологическое присоединение в PDF",
    )
    p.add_argument("category", metavar="CATEGORY", help="вид заявки: p14, p12_1 или p13")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="куда записать PDF")
    p.add_argument(
        "--consumer-type",
        metavar="TYPE",
        help="individual, entrepreneur или company (по умолчанию individual для p14, "
        "company для остальных)",
    )
    args = p.parse_args(argv)
    if args.category not in CATEGORIES:
        print(
            f"Неизвестный вид заявки «{args.category}». Допустимо: p14, p12_1, p13.",
            file=sys.stderr,
        )
        return 2
    consumer_type = args.consumer_type or ("individual" if args.category == "p14" else "company")
    if consumer_type not in CONSUMER_TYPES:
        print(
            f"Неизвестный тип заявителя «{consumer_type}». Допустимо: individual, entrepreneur, "
            "company.",
            file=sys.stderr,
        )
        return 2
    if args.category == "p14" and consumer_type != "individual":
        print("Заявку по п.14 может подать только физическое лицо.", file=sys.stderr)
        return 2
    from voek_desktop.printing.application import render_application

    try:
        render_application(args.category, consumer_type, None, args.output)
    except OSError as exc:
        print(f"Не удалось записать {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Бланк записан: {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [BLANK_FORM]:
        return blank_form(argv[1:])
    args = parse_args(argv)
    from voek_desktop.ui.app import run  # Qt only after the arguments are known to be right

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
