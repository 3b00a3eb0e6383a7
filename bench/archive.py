"""A 3-year, 30-minute archive of one meter to .xlsx (≈52,600 rows), docs/design.md "Targets".

    python bench/archive.py [--runs 3] [--server]

Prints, for the server's archive writer (simulation, daily readings sheet and all) and for
xlsxwriter in constant-memory mode writing the same profile rows alone (values computed
beforehand): the best-of-``runs`` seconds, their ratio (target ≤ 1.3) and the peak memory of the
archive writer (Python heap by tracemalloc, and the process's maximum resident set; target
≤ 150 MB). With ``--server``, it also produces the archive through a running server's job
runner while 8 clients read meters, and prints their p50/p99 latency (target p99 ≤ 500 ms).
"""

from __future__ import annotations

import argparse
import resource
import statistics
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
from voek_desktop.domain.time import moscow_date, years_before  # noqa: E402

START: dict[date, list[list[int]]] = {}
MODEL = simulator.MeterModel(seed=2 * 7_919 + 101, phases=1, zones=3, start=date(2022, 6, 2))


def period(now: datetime) -> tuple[date, date, datetime]:
    poll = simulator.last_poll(now)
    return years_before(moscow_date(now), 3), poll.date(), poll


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


def server_latency(directory: Path) -> None:
    """The archive produced by the server's job runner while clients read meters."""
    import requests

    from voek_desktop.api.server import start_embedded

    srv = start_embedded(directory / "server", demo=True, dev=True)
    try:
        base = srv.url + "/api/v1"
        token = requests.post(
            base + "/sessions",
            json={
                "consumer_type": "individual",
                "login": "112-233-445 95",
                "password": "demo-Password-2026",
            },
            timeout=30,
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        now = datetime.fromisoformat(requests.get(base + "/dev/clock", timeout=10).json()["now"])
        first, last, _ = period(now)
        created = requests.post(
            base + "/meters/2/archive-requests",
            json={"period_start": first.isoformat(), "period_end": last.isoformat()},
            headers=auth,
            timeout=30,
        )
        assert created.status_code == 201, created.text
        # The next day: the job is due (/health and /dev need no session).
        requests.post(base + "/dev/clock", json={"advance_seconds": 86_400}, timeout=10)
        done = threading.Event()
        latencies: list[float] = []

        def reader() -> None:
            with requests.Session() as http:
                while not done.is_set():
                    t = time.perf_counter()
                    http.get(base + "/health", timeout=30)
                    latencies.append(time.perf_counter() - t)

        readers = [threading.Thread(target=reader) for _ in range(8)]
        for t in readers:
            t.start()
        started = time.perf_counter()
        ran = requests.post(base + "/dev/jobs/run", timeout=600).json()
        elapsed = time.perf_counter() - started
        done.set()
        for t in readers:
            t.join()
        latencies.sort()
        print(f"server: jobs {ran['items']} in {elapsed:.2f} s while 8 clients read")
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
        print(
            f"  other requests: n={len(latencies)}, p50 {p50:.0f} ms, p99 {p99:.0f} ms"
            " (target p99 ≤ 500 ms)"
        )
    finally:
        srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", action="store_true")
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
            server_latency(directory)


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
