"""Start-up time to the first painted window: voek-desktop vs a bare PySide6 window.

    python bench/startup.py [--runs 9]

Runs each program several times, alternating, and prints the medians of the time from
process start to the first painted window (each prints "ready" then) and their ratio
(target ≤ 1.5, docs/design.md "Targets"). Uses the offscreen platform unless a display is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its "ready" line (printed at the first paint);
    interpreter shutdown is not part of start-up."""
    started = time.perf_counter()
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "ready":
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"{cmd} exited without painting a window")
        proc.wait(timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited with {proc.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    home = tempfile.mkdtemp(prefix="voek-bench-")
    env["VOEK_DATA_DIR"] = f"{home}/data"
    env["VOEK_CONFIG_DIR"] = f"{home}/config"
    programs = {
        "bare PySide6 window": [sys.executable, str(HERE / "bare_window.py")],
        "voek-desktop": [sys.executable, "-m", "voek_desktop", "--exit-when-ready"],
        "voek-desktop --demo": [
            sys.executable,
            "-m",
            "voek_desktop",
            "--demo",
            "--exit-when-ready",
        ],
    }
    # An installed app runs from compiled bytecode (pip and PyInstaller compile it); this
    # checkout may not have it (PYTHONDONTWRITEBYTECODE), and compiling ~30 modules on every
    # start would be measured instead of start-up.
    import compileall

    compileall.compile_dir(str(HERE.parent / "voek_desktop"), quiet=1)
    for cmd in programs.values():  # warm the file cache once
        timed(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(args.runs):
        for name, cmd in programs.items():
            times[name].append(timed(cmd, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["bare PySide6 window"]
    platform = env.get("QT_QPA_PLATFORM", "native")
    print(f"platform: {platform}, runs: {args.runs}, cores: {os.cpu_count()}")
    for name, median in medians.items():
        print(f"{name:24s} median {median * 1000:7.0f} ms   ratio {median / base:5.2f}")


if __name__ == "__main__":
    main()
