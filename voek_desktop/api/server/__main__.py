"""``voek-server``: run the reference server."""

from __future__ import annotations

import argparse
import gc
import io
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from voek_desktop.domain.cli import RussianArgumentParser

if TYPE_CHECKING:
    from voek_desktop.api.server.http.clients import Network
    from voek_desktop.api.server.http.httpd import CabinetHTTPServer
    from voek_desktop.domain.company import Requisites


def _smtp(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("ожидается HOST:PORT")
    return host, int(port)


def _json_file(value: str) -> object:
    import json

    try:
        return json.loads(Path(value).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"не удалось прочитать {value}: {exc}") from None


def _signatory(value: str) -> dict[str, str]:
    """``--signatory FILE``: who signs connection contracts, as JSON with the keys of
    SIGNATORY_KEYS (e.g. «Соколова Андрея Викторовича» as ``name_genitive``). Kept for
    existing deployments; the same object is ``signatory`` in ``--company FILE``."""
    from voek_desktop.domain.company import SIGNATORY_KEYS

    data = _json_file(value)
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) and data[k].strip() for k in SIGNATORY_KEYS
    ):
        raise argparse.ArgumentTypeError("нужен объект JSON с ключами " + ", ".join(SIGNATORY_KEYS))
    return {k: data[k].strip() for k in SIGNATORY_KEYS}


def _company(value: str) -> dict[str, object]:
    """``--company FILE``: the grid company's requisites (domain/company.py), checked here so
    that a wrong ИНН stops the start instead of reaching a printed form."""
    from voek_desktop.domain.company import requisites_from_json
    from voek_desktop.domain.errors import InvalidValue

    data = _json_file(value)
    try:
        requisites_from_json(data, full_signatory=True)
    except InvalidValue as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    assert isinstance(data, dict)  # requisites_from_json refuses anything else
    return data


def _networks(value: str) -> tuple[Network, ...]:
    from voek_desktop.api.server.http.clients import trusted_networks

    try:
        return trusted_networks([value])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def requisites(args: argparse.Namespace) -> Requisites | None:
    """``--company`` with ``--signatory`` folded in (the latter wins: it is the narrower)."""
    from voek_desktop.domain.company import requisites_from_json

    if args.company is None:
        if args.signatory is None:
            return None
        # Only the signatory known: the names print, the rest stays blank lines.
        from voek_desktop.domain.company import UNKNOWN

        return UNKNOWN._replace(signatory=dict(args.signatory))
    data = dict(args.company)
    if args.signatory is not None:
        data["signatory"] = args.signatory
    return requisites_from_json(data, full_signatory=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = RussianArgumentParser(
        prog="voek-server", description="Эталонный сервер API личного кабинета АО «ВОЭК»"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument(
        "--database",
        "--db",
        dest="db",
        default="voek-cabinet.sqlite3",
        help="файл SQLite или URL базы данных (как VOEK_DATABASE)",
    )
    p.add_argument(
        "--files",
        help="где хранить файлы: папка (по умолчанию files/ рядом с файлом SQLite) или db — в"
        " самой базе (несколько серверов с общей базой PostgreSQL); как VOEK_FILES",
    )
    p.add_argument("--demo", action="store_true", help="загрузить демонстрационные данные")
    p.add_argument("--dev", action="store_true", help="включить маршруты /api/v1/dev/*")
    p.add_argument("--smtp", type=_smtp, help="отправлять почту через HOST:PORT")
    p.add_argument("--outbox", type=Path, default=Path("outbox"), help="папка для .eml без --smtp")
    p.add_argument("--public-url", help="адрес сервера для ссылок в письмах")
    p.add_argument(
        "--company",
        type=_company,
        help="JSON-файл с реквизитами сетевой организации (name, short_name, address, inn, kpp,"
        " ogrn, support_phone, site, signatory)",
    )
    p.add_argument(
        "--signatory",
        type=_signatory,
        help="JSON-файл: кто подписывает договоры (position, name, position_genitive,"
        " name_genitive, basis); то же, что signatory в --company",
    )
    p.add_argument(
        "--trusted-proxy",
        dest="trusted_proxies",
        type=_networks,
        action="append",
        default=[],
        metavar="АДРЕС",
        help="адрес или сеть (10.0.0.0/8) обратного прокси, чьему X-Forwarded-For верить;"
        " можно через запятую и несколько раз; как VOEK_TRUSTED_PROXIES",
    )
    p.add_argument("--workers", type=int, default=64)
    p.add_argument("--socket-timeout", type=float, default=30.0)
    p.add_argument(
        "--head-timeout",
        type=float,
        default=10.0,
        help="секунд на строку запроса и заголовки целиком",
    )
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    # SIGTERM at any moment ends the server in order with exit code 0: never an exception
    # raised in the middle of the demo load or of a worker's use of SQLite, and never the
    # default death (exit -15) while the app's modules are still being imported, so this
    # comes before them (this module and the package import nothing heavy).
    stop = threading.Event()
    serving: list[CabinetHTTPServer] = []

    def on_signal(*_: object) -> None:
        stop.set()
        if serving:  # shutdown() waits for serve_forever: not from the thread that runs it
            threading.Thread(target=serving[0].shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    args = parse_args(argv)
    from voek_desktop.api.server.app import ServerConfig, create_app
    from voek_desktop.api.server.core.filestore import files_setting
    from voek_desktop.api.server.http.httpd import CabinetHTTPServer, close_app

    # The log is UTF-8 wherever it goes (a Windows console's code page or a file redirected
    # there would turn Cyrillic paths and messages into «?»).
    if isinstance(sys.stderr, io.TextIOWrapper):
        sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace")
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config = ServerConfig(
        db_path=args.db,
        public_url=args.public_url or f"http://{args.host}:{args.port}",
        dev=args.dev,
        demo=args.demo,
        outbox_dir=None if args.smtp else args.outbox,
        smtp=args.smtp,
        company=requisites(args),
        **files_setting(args.files),
        trusted_proxies=tuple(net for nets in args.trusted_proxies for net in nets),
    )
    app = create_app(config)
    httpd = CabinetHTTPServer(
        (args.host, args.port),
        app,
        workers=args.workers,
        socket_timeout=args.socket_timeout,
        head_timeout=args.head_timeout,
    )
    try:
        if not stop.is_set():
            logging.getLogger("voek.server").info(
                "listening on http://%s:%d/api/v1", *httpd.server_address[:2]
            )
            serving.append(httpd)
            # What the start built (modules, routes, the demo's rows) lives as long as the
            # process: out of the collector's sight, a full collection in the first seconds
            # (≈ 15 ms, measured in bench/rollover.py's restart) no longer walks all of it.
            gc.freeze()
            if not stop.is_set():
                httpd.serve_forever()
    finally:
        httpd.server_close()
        close_app(app, httpd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
