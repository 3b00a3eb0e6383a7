"""The day rollover of 10,000 meters' register snapshots under load, and the first second after a
restart (issue 14, item 1; docs/design.md "Smart-meter data").

    python bench/rollover.py [--meters 10000] [--days 60] [--connections 50]

Needs `wrk` (Debian package wrk). Builds a demo database with ``--meters`` generated smart meters
(their profile starting ``--days`` ago) on an account of the demo individual and backfills their
snapshots in-process (printed: meter-days per second). Then runs `voek-server --demo --dev` on it
with ``--connections`` wrk clients cycling GET /personal-accounts, /meters/{id} and
/meters/{id}/smart-data over the demo meters and 300 generated ones, and prints:

* steady state: 10 s with nothing in the background (the reference);
* rollover: the clock is put a minute before the next 01:30 МСК poll, wrk starts, and after 1 s
  the clock crosses the poll; the time until every meter has the new day's snapshot (target
  ≤ 60 s) and the clients' p99 (target ≤ 100 ms). Run twice: the second wrk window is sized to
  the first rollover, so the rollover is most of what it measures;
* restart: the server is stopped and started on the same database, and wrk runs for the first
  second it answers (target p99 ≤ 100 ms), then another second as the reference. The same two
  seconds of a bare standard-library "hello" server just started are printed too: what wrk's
  own start of 50 connections costs on this machine now (it closes each connection).

Every latency line gives its ratio to the steady state of the same run, and the load average of
the machine is printed at the start and the end (the figures are only comparable on a quiet one).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import HELLO, LUA, call, free_port, run_wrk, wait_up  # noqa: E402

from voek_desktop.api.server import ServerConfig, create_app  # noqa: E402
from voek_desktop.api.server.features.metering import registers, simulator  # noqa: E402
from voek_desktop.domain.time import MSK  # noqa: E402

ACCOUNT = "3399000000"
SAMPLED = 300  # generated meters the clients read (each smart-data answer is computed once a poll)
DEMO_LOGIN = {"consumer_type": "individual", "login": "11223344595"}
DEMO_PASSWORD = "demo-Password-2026"


def build(db_path: Path, meters: int, days: int) -> list[int]:
    """The demo database plus ``meters`` generated smart meters, snapshots backfilled; their
    ids."""
    app = create_app(ServerConfig(db_path=db_path, demo=True, dev=True, outbox_dir=db_path.parent))
    registers.stop(app)  # the backfill below is timed on its own
    rng = random.Random(14)
    today = datetime.now(UTC).astimezone(MSK).date()
    start = (today - timedelta(days=days)).isoformat()
    with app.db.write() as conn:
        conn.execute(
            "INSERT INTO personal_accounts (number, address) VALUES (?, ?)",
            (ACCOUNT, "г. Владимир, сгенерированный дом"),
        )
        individual = conn.execute("SELECT id FROM consumers WHERE snils = ?", ("11223344595",))
        consumer = individual.fetchone()[0]
        conn.execute(
            "INSERT INTO consumer_personal_accounts (consumer_id, number, added_at)"
            " VALUES (?, ?, ?)",
            (consumer, ACCOUNT, datetime.now(UTC).isoformat()),
        )
        first = conn.execute("SELECT max(id) FROM meters").fetchone()[0] + 1
        for mid in range(first, first + meters):
            conn.execute(
                "INSERT INTO metering_points (id, name, address, personal_account_number)"
                " VALUES (?, ?, ?, ?)",
                (mid, f"Квартира {mid}", f"г. Владимир, кв. {mid}", ACCOUNT),
            )
            conn.execute(
                "INSERT INTO meters (id, metering_point_id, brand, model, serial_number, phases,"
                " tariff_zones, is_smart, commissioned_at, sim_seed, profile_start, initial_wh)"
                " VALUES (?, ?, 'Милур', '107', ?, ?, ?, 1, ?, ?, ?, ?)",
                (
                    mid,
                    mid,
                    f"9{mid:011d}",
                    rng.choice((1, 3)),
                    rng.choice((1, 2, 3)),
                    start,
                    mid * 7_919 + 101,
                    start,
                    rng.randrange(1_000_000, 20_000_000),
                ),
            )
    through = simulator.last_poll(datetime.now(UTC)).date()
    started = time.perf_counter()
    done = registers.catch_up(app.db, through)
    elapsed = time.perf_counter() - started
    print(
        f"backfill (in-process, alone): {done} meter-days in {elapsed:.1f} s"
        f" = {done / elapsed:,.0f} meter-days/s"
    )
    app.close()
    return list(range(first, first + meters))


def serve(db_path: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voek_desktop.api.server",
            "--port",
            str(port),
            "--demo",
            "--dev",
            "--db",
            str(db_path),
            "--outbox",
            str(db_path.parent / "outbox"),
            "--log-level",
            "WARNING",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(30)


def line(label: str, result: dict, reference: dict | None = None) -> str:
    text = (
        f"{label:<34}: {result['rps']:7.0f} req/s  p50 {result['p50']:6.1f} ms"
        f"  p99 {result['p99']:6.1f} ms  errors {result['errors']} of {result['requests']}"
    )
    if reference is not None:
        text += f"  (p99 ×{result['p99'] / reference['p99']:.2f} steady)"
    return text


def rollover(base: str, url: str, script: str, db_path: Path, last_id: int, seconds: int, n: int):
    """Clock a minute before the next poll, wrk for ``seconds``, the poll after 1 s; (seconds
    until every meter has the new day, wrk's result)."""
    now = datetime.fromisoformat(call(base, "GET", "/dev/clock")["now"])
    poll = simulator.last_poll(now) + timedelta(days=1)
    call(base, "POST", "/dev/clock", {"now": (poll - timedelta(seconds=60)).isoformat()})
    result: dict = {}
    wrk = threading.Thread(target=lambda: result.update(run_wrk(url, seconds, n, script)))
    wrk.start()
    time.sleep(1.0)
    call(base, "POST", "/dev/clock", {"advance_seconds": 60})
    started = time.perf_counter()
    day = poll.date().isoformat()
    finished = math.inf
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        # The catch-up goes in meter order: the last meter's new row closes the rollover.
        while time.perf_counter() - started < 120:
            found = db.execute(
                "SELECT 1 FROM meter_register_days WHERE meter_id = ? AND day = ?",
                (last_id, day),
            ).fetchone()
            if found:
                finished = time.perf_counter() - started
                break
            time.sleep(0.05)
    wrk.join()
    return finished, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    tmp = Path(tempfile.mkdtemp(prefix="voek-rollover-"))
    db_path = tmp / "cabinet.sqlite3"
    server = None
    try:
        generated = build(db_path, args.meters, args.days)
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        url = f"http://127.0.0.1:{port}"
        server = serve(db_path, port)
        wait_up(base + "/health")
        token = call(
            base, "POST", "/sessions", {**DEMO_LOGIN, "password": DEMO_PASSWORD, "remember": True}
        )["token"]
        sampled = set(random.Random(1).sample(generated, SAMPLED))
        paths = ["/api/v1/personal-accounts"]
        for account in call(base, "GET", "/personal-accounts", token=token)["items"]:
            number = account["number"]
            listed = call(base, "GET", f"/personal-accounts/{number}/meters", token=token)
            for meter in listed["items"]:
                if meter["id"] < generated[0] or meter["id"] in sampled:
                    paths.append(f"/api/v1/meters/{meter['id']}")
                    if meter["is_smart"]:
                        paths.append(f"/api/v1/meters/{meter['id']}/smart-data")
        script = tmp / "paths.lua"
        script.write_text(
            LUA.format(PATHS="{" + ", ".join(f'"{p}"' for p in paths) + "}", TOKEN=token)
        )
        n = args.connections
        run_wrk(url, 3, n, str(script))  # warm-up: each smart-data answer computed once
        steady = run_wrk(url, 10, n, str(script))
        print(f"{args.meters} generated meters + demo; {n} connections; {len(paths)} paths")
        print(line("steady state, 10 s (reference)", steady))
        first, during = rollover(base, url, str(script), db_path, generated[-1], 10, n)
        print(f"rollover 1: every meter's new day stored in {first:.2f} s (target ≤ 60 s)")
        print(line("  clients, 10 s around it", during, steady))
        window = max(2, math.ceil(first + 1)) if math.isfinite(first) else 10
        second, during = rollover(base, url, str(script), db_path, generated[-1], window, n)
        print(f"rollover 2: every meter's new day stored in {second:.2f} s (target ≤ 60 s)")
        print(line(f"  clients, {window} s around it", during, steady))

        stop(server)
        server = serve(db_path, port)
        wait_up(base + "/health")
        fresh = run_wrk(url, 1, n, str(script))
        later = run_wrk(url, 1, n, str(script))
        print(line("restart: the first second", fresh, steady) + " (target p99 ≤ 100 ms)")
        print(line("restart: the second after", later, steady))
        ratio = fresh["p99"] / later["p99"]
        print(f"restart: the first second's p99 ×{ratio:.2f} the second after's")
        stop(server)
        server = subprocess.Popen([sys.executable, "-c", HELLO, str(port)])
        wait_up(url)
        bare = [run_wrk(url, 1, n, None) for _ in range(2)]
        ratio = bare[0]["p99"] / bare[1]["p99"]
        print(line("bare hello, its first second", bare[0]) + f"  (p99 ×{ratio:.2f} its next)")
        print(line("bare hello, the second after", bare[1]))
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
