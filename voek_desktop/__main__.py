"""``voek-desktop``: the desktop app (``python -m voek_desktop``)."""

from __future__ import annotations

import argparse
import sys

from voek_desktop.domain.cli import RussianArgumentParser
from voek_desktop.subcommands import BLANK_FORM, READ_WORKBOOK


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
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
    args = p.parse_args(argv)
    if args.server:
        from voek_desktop.settings import server_url_problem

        problem = server_url_problem(args.server)
        if problem:
            p.error(f"--server {args.server}: {problem}")
    return args


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
    if argv[:1] == [READ_WORKBOOK] and len(argv) == 2:
        import os

        from voek_desktop.archive_reader import serve  # the app's own child process, no Qt

        # A windowed (PyInstaller) build may have no sys.stdout even with a pipe on fd 1.
        return serve(argv[1], sys.stdout.buffer if sys.stdout else os.fdopen(1, "wb"))
    args = parse_args(argv)
    from voek_desktop.ui.app import run  # Qt only after the arguments are known to be right

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
