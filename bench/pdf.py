"""Filled application → PDF in memory: median milliseconds per category (docs/design.md "Targets":
≤ 150 ms).

    python bench/pdf.py [--runs 30]

Renders the sample filled form of each category (voek_desktop.printing.samples) into a
BytesIO, after a warm-up render that registers the fonts, and prints the median, the fastest
and the slowest run; also the contract PDF the server generates.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import date

from voek_desktop.printing.application import render_application
from voek_desktop.printing.contract import render_contract
from voek_desktop.printing.samples import filled_form

TARGET_MS = 150.0
CASES = [("p14", "individual"), ("p12_1", "company"), ("p13", "entrepreneur")]


CPU: list[float] = []  # CPU ms of the last measure(): wall time suffers on a busy machine


def measure(render, runs: int) -> list[float]:
    render()  # warm-up: font registration and reportlab's own caches
    times = []
    CPU.clear()
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        render()
        times.append((time.perf_counter() - started) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return times


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=30)
    args = p.parse_args()
    today = date(2026, 3, 5)
    worst = 0.0
    print(f"{'document':<32}{'median ms':>10}{'min':>8}{'max':>8}{'cpu ms':>8}{'KiB':>6}")
    for category, consumer_type in CASES:
        form = filled_form(category, consumer_type)
        size = 0

        def render(category=category, consumer_type=consumer_type, form=form) -> None:
            nonlocal size
            buf = io.BytesIO()
            render_application(category, consumer_type, form, buf, today=today)
            size = len(buf.getvalue())

        t = measure(render, args.runs)
        median = statistics.median(t)
        worst = max(worst, median)
        name = f"application {category} ({consumer_type})"
        cpu = statistics.median(CPU)
        print(
            f"{name:<32}{median:>10.1f}{min(t):>8.1f}{max(t):>8.1f}{cpu:>8.1f}{size / 1024:>6.0f}"
        )
    form = filled_form("p12_1", "company")
    application = {"number": "З-2026-000042", "category": "p12_1", "form": form}
    application["consumer_type"] = "company"
    t = measure(
        lambda: render_contract({"number": "ТП-2026-000017"}, application, {}, io.BytesIO()),
        args.runs,
    )
    print(
        f"{'contract p12_1 (company)':<32}{statistics.median(t):>10.1f}{min(t):>8.1f}"
        f"{max(t):>8.1f}{statistics.median(CPU):>8.1f}"
    )
    verdict = "OK" if worst <= TARGET_MS else "SLOWER THAN TARGET"
    print(f"worst application median {worst:.1f} ms, target ≤ {TARGET_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
