"""Memory of the app and of the server (docs/design.md "Targets", issue #11 of the tracker's 14).

    python bench/memory.py [--cycles 100] [--previews 20] [--server-seconds 240]

The app: offscreen, against ``voek-server --demo --dev`` in its own process (so the app's RSS
is the app's alone), over real HTTP on loopback. It logs in as the demo individual, visits every
section of the cabinet, the smart-data page with each of its tabs, an application's form with its
PDF preview, then logs in as the demo company and visits every section again: its RSS then is
the "after every screen" figure (budget 250 MB). Then it opens and closes the smart-data page
``--cycles`` times and an application's preview ``--previews`` times; RSS is sampled after the
first tenth (warm: caches and fonts loaded) and at the end — flat means within ±5 %.

The server: a fresh ``voek-server --demo --dev`` under a mixed load from 8 threads for
``--server-seconds`` (reads of every consumer's lists, meters, smart data and intervals,
applications and their documents, feedback, and an archive request produced now and then);
its RSS is sampled every 10 s; the figure is the last minute's median against the median of the
minute after the first 30 s (warm-up), within ±5 % meaning flat.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

APP_BUDGET_MB = 250.0
FLAT = 0.05
MORNING = "2026-11-27T10:00:00+03:00"  # 10:00 МСК: the last poll was at 01:30 today
TIMEOUT = 60.0


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voek_desktop.api.server",
            "--port",
            str(port),
            "--demo",
            "--dev",
            "--db",
            str(tmp / "db.sqlite3"),
            "--outbox",
            str(tmp / "outbox"),
            "--log-level",
            "WARNING",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import requests

    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base + "/health", timeout=1).raise_for_status()
            break
        except requests.RequestException:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)
    requests.post(f"{base}/dev/clock", json={"now": MORNING}, timeout=30).raise_for_status()
    return proc, base


def flat(before: float, after: float) -> str:
    change = after / before - 1
    verdict = "" if abs(change) <= FLAT else "  not flat"
    return f"{before:6.1f} → {after:6.1f} MB  ({change * 100:+.1f} %){verdict}"


# ---------------------------------------------------------------------------------------- app


def bench_app(args: argparse.Namespace, base: str) -> None:
    import shiboken6
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from voek_desktop.demo_data import DEMO_CONSUMERS, DEMO_PASSWORD
    from voek_desktop.session import Session
    from voek_desktop.ui.app import make_application
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.kit.tasks import Tasks
    from voek_desktop.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    home = tempfile.mkdtemp(prefix="voek-memory-")
    os.environ["VOEK_DATA_DIR"] = f"{home}/data"
    os.environ["VOEK_CONFIG_DIR"] = f"{home}/config"
    ctx = Context(Session(base.removesuffix("/api/v1")), Tasks())
    window = MainWindow(ctx)
    window.resize(1280, 860)
    window.show()
    app.processEvents()
    at_start = rss_mb()

    def spin(ms: int) -> None:
        # A nested event loop, as the running app has: Qt carries out deleteLater() only
        # from an event loop, so processEvents() alone would keep every closed page alive.
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait(done: Callable[[], bool]) -> None:
        deadline = time.perf_counter() + TIMEOUT
        while not (done() and not ctx.tasks.is_busy()):
            if time.perf_counter() > deadline:
                raise TimeoutError("the action did not finish")
            spin(2)

    def settle() -> float:
        for _ in range(3):
            spin(20)
        gc.collect()
        return rss_mb()

    def log_in(consumer: dict[str, str]) -> None:
        login = window.login_view
        kind = consumer["consumer_type"]
        login.picker.set_value(kind)
        if kind == "individual":
            s = consumer["snils"]
            login.login.set_text(f"{s[:3]}-{s[3:6]}-{s[6:9]} {s[9:]}")
        else:
            login.login.set_text(consumer["ogrnip" if kind == "entrepreneur" else "ogrn"])
        login.password.set_text(DEMO_PASSWORD)
        login.submit.click()
        wait(lambda: window.cabinet is not None)

    def visit_sections() -> None:
        cabinet = window.cabinet
        assert cabinet is not None
        for row in range(cabinet.nav.count()):
            cabinet.nav.setCurrentRow(row)
            wait(lambda: True)
            cabinet.pages.widget(row).repaint()

    def nav_page(title: str):
        cabinet = window.cabinet
        assert cabinet is not None
        row = next(r for r in range(cabinet.nav.count()) if cabinet.nav.item(r).text() == title)
        cabinet.nav.setCurrentRow(row)
        wait(lambda: True)
        return cabinet.pages.widget(row)

    def smart_cycle() -> None:
        accounts = nav_page("Лицевые счета")
        wait(lambda: accounts.meters.model.rowCount() > 0)
        panel = accounts.meters
        panel.card.smart_button.click()
        wait(lambda: panel.smart_page is not None and panel.smart_page.registers_model.rowCount())
        smart = panel.smart_page
        for tab in (smart.daily, smart.halfhour):
            smart.tabs.setCurrentWidget(tab)
            wait(lambda tab=tab: tab.loaded)
            smart.repaint()
        smart.back.click()
        wait(lambda: True)

    def preview_cycle() -> None:
        applications = nav_page("Заявки")
        wait(lambda: applications.active_model.rowCount() > 0)
        applications.active_view.selectRow(0)
        wait(lambda: applications.current is not None)
        applications._open_current()
        wizard = applications.wizard
        assert wizard is not None
        wait(lambda: wizard.isVisible() and wizard.form_step.form is not None)
        preview = wizard.form_step.preview
        wait(lambda: preview.is_ready() and preview.page_count() >= 1)
        wizard.repaint()
        wizard.reject()
        wait(lambda: not shiboken6.isValid(wizard) or not wizard.isVisible())

    individual, company = (
        next(c for c in DEMO_CONSUMERS if c["consumer_type"] == kind)
        for kind in ("individual", "company")
    )
    log_in(individual)
    visit_sections()
    smart_cycle()
    preview_cycle()
    window.log_out()
    wait(lambda: window.cabinet is None)
    log_in(company)
    visit_sections()
    every_screen = settle()
    window.log_out()
    wait(lambda: window.cabinet is None)

    log_in(individual)
    samples: dict[str, tuple[float, float]] = {}
    for name, cycle, count in (
        ("smart-data page open/close", smart_cycle, args.cycles),
        ("application preview open/close", preview_cycle, args.previews),
    ):
        warm_count = max(1, count // 10)
        warm = 0.0
        for i in range(count):
            cycle()
            if i + 1 == warm_count:
                warm = settle()
        samples[f"{name} ×{count} (after {warm_count} → end)"] = (warm, settle())

    print(f"app (offscreen, server in its own process), cores: {os.cpu_count()}")
    print(f"  window shown, before login         {at_start:6.1f} MB")
    flag = "" if every_screen <= APP_BUDGET_MB else "  over"
    print(
        f"  after every screen (2 consumers)   {every_screen:6.1f} MB"
        f"   budget {APP_BUDGET_MB:.0f} MB{flag}"
    )
    for name, (before, after) in samples.items():
        print(f"  {name:44s} {flat(before, after)}")
    window.close()
    ctx.tasks.shutdown()
    QApplication.processEvents()


# ------------------------------------------------------------------------------------- server


def bench_server(seconds: int, base: str, pid: int) -> None:
    import requests

    from voek_desktop.demo_data import DEMO_CONSUMERS, DEMO_PASSWORD

    def log_in(consumer: dict[str, str]) -> requests.Session:
        s = requests.Session()
        login = consumer.get("snils") or consumer.get("ogrnip") or consumer["ogrn"]
        body = {"consumer_type": consumer["consumer_type"], "login": login}
        for _ in range(20):  # one password hash at a time: a busy server answers 503
            r = s.post(f"{base}/sessions", json=body | {"password": DEMO_PASSWORD}, timeout=60)
            if r.status_code != 503:
                break
            time.sleep(float(r.headers.get("Retry-After", "1")))
        r.raise_for_status()
        s.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return s

    stop = threading.Event()
    counts = {"requests": 0, "5xx": 0, "archives": 0}
    lock = threading.Lock()

    def paths(s: requests.Session) -> list[str]:
        meters: list[int] = []
        accounts = s.get(f"{base}/personal-accounts", timeout=30)
        for account in accounts.json()["items"] if accounts.ok else []:
            got = s.get(f"{base}/personal-accounts/{account['number']}/meters", timeout=30)
            meters += [m["id"] for m in got.json()["items"]]
        contracts = s.get(f"{base}/supply-contracts", timeout=30)
        if contracts.ok:
            for contract in contracts.json()["items"]:
                got = s.get(f"{base}/supply-contracts/{contract['number']}/meters", timeout=30)
                meters += [m["id"] for m in got.json()["items"]]
        out = ["/personal-accounts", "/applications", "/feedback", "/connection-contracts"]
        out += ["/archive-requests", "/profile", "/survey"]
        for m in meters[:6]:
            out += [f"/meters/{m}", f"/meters/{m}/smart-data", f"/meters/{m}/archive-terms"]
            out += [f"/meters/{m}/intervals?from=2026-11-01&to=2026-11-26&step=day"]
        for a in s.get(f"{base}/applications", timeout=30).json()["items"][:3]:
            out.append(f"/applications/{a['id']}")
        return out

    def worker(s: requests.Session, seed: int) -> None:
        rnd = random.Random(seed)
        mine = paths(s)
        while not stop.is_set():
            r = s.get(base + rnd.choice(mine), timeout=60)
            with lock:
                counts["requests"] += 1
                counts["5xx"] += r.status_code >= 500

    def archives(s: requests.Session) -> None:
        meter = next(p for p in paths(s) if p.endswith("/archive-terms")).split("/")[2]
        day = 0
        while not stop.wait(20):
            day += 1
            body = {"period_start": "2024-01-01", "period_end": f"2026-10-{day % 28 + 1:02d}"}
            r = s.post(f"{base}/meters/{meter}/archive-requests", json=body, timeout=60)
            s.post(f"{base}/dev/jobs/run", timeout=300)
            with lock:
                counts["archives"] += r.status_code < 300
                counts["5xx"] += r.status_code >= 500

    # One after another; the archives as the individual, whose meters are his own.
    sessions = [log_in(DEMO_CONSUMERS[i % 3]) for i in range(8)] + [log_in(DEMO_CONSUMERS[0])]
    threads = [
        threading.Thread(target=worker, args=(sessions[i], i), daemon=True) for i in range(8)
    ]
    threads.append(threading.Thread(target=archives, args=(sessions[8],), daemon=True))
    for t in threads:
        t.start()
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        samples.append((elapsed, rss_mb(pid)))
        time.sleep(10)
    samples.append((time.monotonic() - started, rss_mb(pid)))
    stop.set()
    for t in threads:
        t.join(timeout=60)
    first = [mb for at, mb in samples if 30 <= at < 90] or [samples[0][1]]
    last = [mb for at, mb in samples if at >= seconds - 60] or [samples[-1][1]]
    print(f"server, {seconds} s of mixed load from 8 threads + archives every 20 s")
    print(f"  {counts['requests']} requests, {counts['archives']} archives, {counts['5xx']} 5xx")
    print("  RSS every 10 s: " + " ".join(f"{mb:.0f}" for _, mb in samples))
    print(
        f"  {'minute after warm-up → last minute (medians)':44s} "
        f"{flat(statistics.median(first), statistics.median(last))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--previews", type=int, default=20)
    parser.add_argument("--server-seconds", type=int, default=240)
    parser.add_argument("--only", choices=["app", "server"])
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="voek-memory-server-"))
    if args.only != "server":
        proc, base = start_server(tmp / "app")
        try:
            bench_app(args, base)
        finally:
            proc.terminate()
            proc.wait(30)
    if args.only != "app":
        proc, base = start_server(tmp / "server")
        try:
            bench_server(args.server_seconds, base, proc.pid)
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
