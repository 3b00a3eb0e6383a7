"""Click-to-paint times of the cabinet's actions (docs/design.md "Targets": each ≤ 300 ms).

    python bench/actions.py [--runs 10]

Offscreen, against the embedded demo server (real HTTP over loopback), as the demo individual
consumer: each action is started as its button or list click starts it, and the clock stops when
its result is on the window and the window has been painted (``repaint``: a synchronous paint of
the whole window). Prints each action's median and p90 over ``runs``; the login also less the
server's scrypt of the password (timed here, on the same machine: the budget excludes it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET = 0.300
MORNING = "2026-11-27T10:00:00+03:00"  # 10:00 МСК: the last poll was at 01:30 today
TIMEOUT = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    import requests
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from voek_desktop.api.server import start_embedded
    from voek_desktop.demo_data import DEMO_CONSUMERS, DEMO_PASSWORD
    from voek_desktop.session import Session
    from voek_desktop.ui.app import make_application
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.kit.tasks import Tasks
    from voek_desktop.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    home = tempfile.mkdtemp(prefix="voek-actions-")
    os.environ["VOEK_DATA_DIR"] = f"{home}/data"
    os.environ["VOEK_CONFIG_DIR"] = f"{home}/config"
    server = start_embedded(Path(home) / "server", demo=True, dev=True)
    requests.post(f"{server.url}/api/v1/dev/clock", json={"now": MORNING}, timeout=30)
    ctx = Context(Session(server.url), Tasks())
    window = MainWindow(ctx)
    window.resize(1280, 860)
    window.show()

    def wait(done: Callable[[], bool]) -> None:
        deadline = time.perf_counter() + TIMEOUT
        while not (done() and not ctx.tasks.is_busy()):
            if time.perf_counter() > deadline:
                raise TimeoutError("the action did not finish")
            app.processEvents()
            time.sleep(0.001)

    def timed(act: Callable[[], object], done: Callable[[], bool], painted=None) -> float:
        started = time.perf_counter()
        act()
        wait(done)
        (painted or window).repaint()
        app.processEvents()
        return time.perf_counter() - started

    snils = next(c["snils"] for c in DEMO_CONSUMERS if c["consumer_type"] == "individual")
    login = window.login_view
    login.login.set_text(f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}")
    login.password.set_text(DEMO_PASSWORD)
    login.submit.click()
    wait(lambda: window.cabinet is not None)
    cabinet = window.cabinet
    assert cabinet is not None
    times: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    def nav_row(title: str) -> int:
        return next(r for r in range(cabinet.nav.count()) if cabinet.nav.item(r).text() == title)

    accounts_row, applications_row = nav_row("Лицевые счета"), nav_row("Заявки")
    accounts = cabinet.pages.widget(accounts_row)
    applications = cabinet.pages.widget(applications_row)

    def one_round() -> None:
        # «Лицевые счета» from another section: the page loads its list as on its first show.
        cabinet.nav.setCurrentRow(nav_row("Профиль"))
        wait(lambda: True)
        accounts.list.clear()
        accounts.accounts = []  # as on its first show: the same accounts are otherwise kept

        def open_accounts() -> None:
            cabinet.nav.setCurrentRow(accounts_row)
            accounts.refresh()

        record(
            "open accounts",
            timed(
                open_accounts,
                lambda: accounts.list.count() > 0 and accounts.meters.model.rowCount() > 0,
            ),
        )
        panel = accounts.meters
        record(
            "open a meter («Получить данные»)",
            timed(
                panel.card.smart_button.click,
                lambda: (
                    panel.smart_page is not None and panel.smart_page.registers_model.rowCount() > 0
                ),
            ),
        )
        smart = panel.smart_page
        assert smart is not None
        record(
            "«Получить последние данные»",
            timed(smart.refresh_button.click, lambda: smart.refresh_button.isEnabled()),
        )
        record(
            "the month chart",
            timed(lambda: smart.tabs.setCurrentWidget(smart.daily), lambda: smart.daily.loaded),
        )
        record(
            "the day chart",
            timed(
                lambda: smart.tabs.setCurrentWidget(smart.halfhour), lambda: smart.halfhour.loaded
            ),
        )
        smart.back.click()
        wait(lambda: True)

        cabinet.nav.setCurrentRow(nav_row("Профиль"))
        wait(lambda: True)
        applications.active_model.set_records([])  # the refresh then has something to show

        def open_applications() -> None:
            cabinet.nav.setCurrentRow(applications_row)
            applications.refresh()

        record(
            "applications list",
            timed(open_applications, lambda: applications.active_model.rowCount() > 0),
        )
        applications.active_view.selectRow(0)
        wait(lambda: applications.current is not None)
        started = time.perf_counter()
        applications._open_current()
        wizard = applications.wizard
        assert wizard is not None
        wait(lambda: wizard.isVisible() and wizard.form_step.form is not None)
        wizard.repaint()
        app.processEvents()
        record("open an application", time.perf_counter() - started)
        preview = wizard.form_step.preview
        wait(lambda: preview.is_ready() and preview.page_count() >= 1)
        wizard.repaint()
        app.processEvents()
        record("…its filled form's first preview page", time.perf_counter() - started)
        wizard.reject()
        wait(lambda: not shiboken6.isValid(wizard) or not wizard.isVisible())

    for _ in range(args.runs):
        one_round()

    from voek_desktop.api.server.core import security

    def log_in_again() -> None:
        window.log_out()
        wait(lambda: window.cabinet is None)
        login.login.set_text(f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}")
        login.password.set_text(DEMO_PASSWORD)
        seconds = timed(login.submit.click, lambda: window.cabinet is not None)
        record("log in (click → cabinet painted)", seconds)
        started = time.perf_counter()
        security.hash_password(DEMO_PASSWORD)  # what the server's check of it costs
        record("…less the server's password hash", seconds - (time.perf_counter() - started))

    for _ in range(args.runs):
        log_in_again()

    med = statistics.median

    def p90(values: list[float]) -> float:
        return sorted(values)[max(0, round(len(values) * 0.9) - 1)]

    print(f"offscreen, embedded demo server, {args.runs} runs, cores: {os.cpu_count()}")
    print(f"{'action':42s} {'median':>8s} {'p90':>8s}   budget {BUDGET * 1000:.0f} ms")
    for name, values in times.items():
        flag = "" if med(values) <= BUDGET else "  over"
        print(f"{name:42s} {med(values) * 1000:6.0f} ms {p90(values) * 1000:6.0f} ms{flag}")
    window.close()
    ctx.tasks.shutdown()
    server.stop()
    QApplication.processEvents()


if __name__ == "__main__":
    main()
