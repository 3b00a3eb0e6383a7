"""``voek-worker``: the background work of a multi-process deployment — archive production and
the other jobs (core/jobs.py) and the day rollover of the meters' registers
(features/metering/registers.py) — with the web processes' settings (VOEK_* of
api/server/environment.py) and no HTTP (docs/deploy.md "Worker").

Any number may run: a job is claimed with a lease, so each is done once. SIGTERM (systemd's
stop) interrupts the running job at its next step and gives it back, so another worker takes it
at once; after SIGKILL its lease expires and another worker takes it then.
"""

from __future__ import annotations

import io
import logging
import signal
import sys
import threading

from voek_desktop.domain.cli import RussianArgumentParser


def main(argv: list[str] | None = None) -> int:
    # As in voek-server: the signal is caught before the app's imports, so SIGTERM during
    # start-up also ends the process in order.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    parser = RussianArgumentParser(
        prog="voek-worker",
        description="Фоновые задания сервера личного кабинета АО «ВОЭК»: архивы показаний,"
        " снимки регистров на начало суток. Настройки — переменные VOEK_* (docs/deploy.md).",
    )
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument(
        "--migrate",
        action="store_true",
        help="только обновить схему базы данных и выйти (перед запуском новой версии)",
    )
    args = parser.parse_args(argv)
    if isinstance(sys.stderr, io.TextIOWrapper):
        sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace")
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    from voek_desktop.api.server.app import create_app
    from voek_desktop.api.server.environment import SettingError, config_from_env

    try:
        config = config_from_env()
    except SettingError as exc:
        parser.error(str(exc))
    if args.migrate:
        # Opening the database runs the migrations it lacks, in one transaction
        # (storage/db.py); the web processes then start on the new schema.
        from voek_desktop.api.server.storage.db import open_database

        db = open_database(config.db_path)
        logging.getLogger("voek.worker").info(
            "schema up to date: %d migrations applied", db.schema_version()
        )
        db.close()
        return 0
    config.jobs = True  # this process is where the jobs run, whatever VOEK_JOBS says
    if stop.is_set():
        return 0
    app = create_app(config)
    log = logging.getLogger("voek.worker")
    log.info("worker running jobs on %s", config.db_path)
    try:
        while not stop.wait(1.0):  # a timed wait: the signal handler runs between the waits
            pass
    finally:
        log.info("worker stopping")
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
