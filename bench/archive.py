"""A 3-year, 30-minute archive of one meter to .xlsx (≈52,600 rows), docs/design.md "Targets".

    python bench/archive.py [--runs 3] [--server [--clients 8]]

Prints, for the server's archive writer (simulation, daily readings sheet and all) and for
xlsxwriter in constant-memory mode writing the same profile rows alone (values computed
beforehand): the best-of-``runs`` seconds, their ratio (target ≤ 1.3) and the peak memory of the
archive writer (Python heap by tracemalloc, and the process's maximum resident set; target
≤ 150 MB). With ``--server`` (needs `wrk`), it also produces the archive through a running
server's job runner while ``--clients`` wrk connections read accounts, meters and smart data,
and prints their p50/p99 latency during the job (target p99 ≤ 200 ms, issue 14 item 2) next to
the same load without a job; the second round's window is the job's own duration.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voek_desktop.api.server.features.metering import registers, simulator, xlsx  # noqa: E402
from voek_desktop.domain.tariffs import SLOTS_PER_DAY  # noqa: E402
from voek_desktop.domain.time import last_complete_day, moscow_date, years_before  # noqa: E402

START: dict[date, list[list[int]]] = {}
MODEL = simulator.MeterModel(seed=2 * 7_919 + 101, phases=1, zones=3, start=date(2022, 6, 2))


def period(now: datetime) -> tuple[date, date, datetime]:
    poll = simulator.last_poll(now)
    # Whole days only, as the server writes them (SPEC §6.5).
    return years_before(moscow_date(now), 3), last_complete_day(poll), poll


def ours(directory: Path, now: datetime) -> tuple[float, float, int]:
    first, last, poll = period(now)
    info = xlsx.ArchiveInfo("Энергомера CE208", "011552190004318", "г. Владимир", first, last, now)
    started, cpu = time.perf_counter(), time.process_time()
    path, size, _ = xlsx.produce(directory, MODEL, info, poll, START[first])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    path.unlink()
    return elapsed, cpu, size


def baseline_rows(now: datetime) -> list[tuple[float, float, float, float, float, float]]:
    first, last, poll = period(now)
    rows = []
    epoch = date(1899, 12, 30).toordinal()
    for start, (ap, am, rp, rm) in simulator.intervals(MODEL, first, last, poll):
        local = start.astimezone(poll.tzinfo)
        serial = local.date().toordinal() - epoch + (local.hour * 2 + local.minute // 30) / 48
        rows.append(
            (serial, serial + 1 / SLOTS_PER_DAY, ap / 1000, am / 1000, rp / 1000, rm / 1000)
        )
    return rows


def baseline(directory: Path, rows: list) -> tuple[float, float]:
    """xlsxwriter alone: the same header and profile cells, nothing else."""
    path = directory / "baseline.xlsx"
    started, cpu = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(directory)})
    when = wb.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    energy = wb.add_format({"num_format": "0.000"})
    ws = wb.add_worksheet(xlsx.SHEET_PROFILE)
    ws.freeze_panes(1, 0)
    for c, title in enumerate(xlsx.PROFILE_HEADER):
        ws.write_string(0, c, title)
    number = ws.write_number
    for r, (s, e, ap, am, rp, rm) in enumerate(rows, start=1):
        number(r, 0, s, when)
        number(r, 1, e, when)
        number(r, 2, ap, energy)
        number(r, 3, am, energy)
        number(r, 4, rp, energy)
        number(r, 5, rm, energy)
    wb.close()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    path.unlink()
    return elapsed, cpu


def server_latency(directory: Path, clients: int) -> None:
    """The archive produced by the server's job runner while ``clients`` wrk connections read
    the demo individual's accounts, meters and smart data; their latency then, against the
    same load with no job in the same run."""
    import math
    import shutil

    import requests

    sys.path.insert(0, str(ROOT / "bench"))
    from load import LUA, call, run_wrk

    from voek_desktop.api.server import start_embedded

    if not shutil.which("wrk"):
        sys.exit("--server needs wrk: apt-get install wrk")
    srv = start_embedded(directory / "server", demo=True, dev=True)
    try:
        base = srv.url + "/api/v1"
        token = call(
            base,
            "POST",
            "/sessions",
            {
                "consumer_type": "individual",
                "login": "112-233-445 95",
                "password": "demo-Password-2026",
                "remember": True,  # the clock moves a day per round
            },
        )["token"]
        paths = ["/api/v1/personal-accounts"]
        for account in call(base, "GET", "/personal-accounts", token=token)["items"]:
            number = account["number"]
            for meter in call(base, "GET", f"/personal-accounts/{number}/meters", token=token)[
                "items"
            ]:
                paths.append(f"/api/v1/meters/{meter['id']}")
                if meter["is_smart"]:
                    paths.append(f"/api/v1/meters/{meter['id']}/smart-data")
        script = directory / "paths.lua"
        script.write_text(
            LUA.format(PATHS="{" + ", ".join(f'"{p}"' for p in paths) + "}", TOKEN=token)
        )
        print(f"server: {clients} wrk clients over {len(paths)} paths")
        reference: dict = {}
        window = 15
        # Round 1 starts as soon as the server is up (where the job used to meet the start's
        # register computation, issue 14); round 2 after the reference, its window the job.
        for round_ in (1, 2):
            now = datetime.fromisoformat(call(base, "GET", "/dev/clock")["now"])
            first, last, _ = period(now)
            request_id = call(
                base,
                "POST",
                "/meters/2/archive-requests",
                {"period_start": first.isoformat(), "period_end": last.isoformat()},
                token=token,
            )["id"]
            # The next day: the job is due (/dev needs no session).
            call(base, "POST", "/dev/clock", {"advance_seconds": 86_400})
            result: dict = {}
            wrk = threading.Thread(
                target=lambda w=window, out=result: out.update(
                    run_wrk(srv.url, w, clients, str(script))
                )
            )
            wrk.start()
            time.sleep(0.5)
            started = time.perf_counter()
            # Returns once the job is done, whether it runs it or the runner's thread does.
            requests.post(base + "/dev/jobs/run", timeout=600).raise_for_status()
            elapsed = time.perf_counter() - started
            wrk.join()
            status = call(base, "GET", f"/archive-requests/{request_id}", token=token)["status"]
            if round_ == 1:
                reference = run_wrk(srv.url, 5, clients, str(script))
                print(
                    f"  no job (reference): p50 {reference['p50']:.1f} ms,"
                    f" p99 {reference['p99']:.1f} ms, {reference['rps']:.0f} req/s,"
                    f" errors {reference['errors']}"
                )
            print(
                f"  round {round_}: archive job {status} in {elapsed:.2f} s; others during a"
                f" {window} s window: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
                f" (×{result['p99'] / reference['p99']:.2f} the reference; target ≤ 200 ms),"
                f" errors {result['errors']}"
            )
            window = max(2, math.ceil(elapsed + 0.5))
    finally:
        srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", action="store_true")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        first, last, poll = period(now)
        rows = baseline_rows(now)
        print(f"period {first} – {last} (poll {poll:%Y-%m-%d %H:%M} МСК), {len(rows)} rows")
        # What the server reads from its stored snapshots: not part of the writer's time.
        START[first] = registers.computed(MODEL, first)
        base_times, base_cpu, our_times, our_cpu = [], [], [], []
        size = 0
        for _ in range(args.runs):  # alternate, so drift hits both alike
            elapsed, cpu = baseline(directory, rows)
            base_times.append(elapsed)
            base_cpu.append(cpu)
            elapsed, cpu, size = ours(directory, now)
            our_times.append(elapsed)
            our_cpu.append(cpu)
        print(
            f"xlsxwriter constant_memory alone: {min(base_times):.2f} s wall (runs "
            f"{_fmt(base_times)}), {min(base_cpu):.2f} s CPU"
        )
        print(
            f"server archive writer:            {min(our_times):.2f} s wall (runs "
            f"{_fmt(our_times)}), {min(our_cpu):.2f} s CPU"
        )
        print(
            f"ratio {min(our_times) / min(base_times):.2f} wall, "
            f"{min(our_cpu) / min(base_cpu):.2f} CPU (target ≤ 1.3); file {size / 1e6:.1f} MB"
        )
        tracemalloc.start()
        ours(directory, now)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"peak memory: Python heap {peak / 1e6:.1f} MB (tracemalloc), process max RSS"
            f" {rss:.0f} MB (target ≤ 150 MB)"
        )
        if args.server:
            server_latency(directory, args.clients)


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
