"""Start-up time to the first painted window: voek-desktop vs a bare PySide6 window.

    python bench/startup.py [--runs 9] [--against ../a-worktree-of-main]

Runs each program several times, alternating, from compiled bytecode, and prints the medians of
the time from process start to the first painted window (each prints "ready" then) and their
ratio (target ≤ 1.25, docs/design.md "Targets"); for the app also the time until the work put
off until after the first paint (menus, icon, logging) is done ("settled"). Then, from one run
under ``python -X importtime``, the packages imported before the first paint, ours and
third-party, with their import time. Uses the offscreen platform unless a display is set.
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


# The app to its first paint, reporting then on stderr: after every `-X importtime` line of the
# imports before it.
AT_FIRST_PAINT = """
import sys
from voek_desktop.ui.main_window import MainWindow
shown = MainWindow.__init__
def init(self, ctx):
    shown(self, ctx)
    self.first_painted.connect(lambda: print("FIRST PAINT", file=sys.stderr, flush=True))
MainWindow.__init__ = init
from voek_desktop.__main__ import main
sys.exit(main(["--exit-when-ready"]))
"""


def timed(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """Seconds from starting the process to its "ready" line (printed at the first paint) and
    to its "settled" line (if any, else the same); interpreter shutdown is not part of it.
    ``python -m`` run in ``cwd`` imports that checkout's code (the directory comes first on the
    path)."""
    started = time.perf_counter()
    ready = settled = None
    with subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "ready" and ready is None:
                ready = time.perf_counter() - started
            if line.strip() == "settled":
                settled = time.perf_counter() - started
        if ready is None:
            raise RuntimeError(f"{cmd} exited without painting a window")
        proc.wait(timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited with {proc.returncode}")
    return ready, ready if settled is None else settled


def imported_before_first_paint(env: dict[str, str]) -> list[tuple[str, float]]:
    """Top-level packages (not the standard library; our own modules one by one) imported
    before the first paint, with the sum of their modules' own import times in seconds, dearest
    first."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", AT_FIRST_PAINT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stderr.splitlines()
    lines = lines[: lines.index("FIRST PAINT")]
    cost: dict[str, float] = {}
    for line in lines:
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _total, name = line[len("import time:") :].split("|")
        name = name.strip()
        top = name if name.startswith("voek_desktop") else name.split(".")[0]
        if top.split(".")[0] in sys.stdlib_module_names or top.startswith("_"):
            continue
        cost[top] = cost.get(top, 0.0) + int(own) / 1e6
    return sorted(cost.items(), key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="also time the app of another checkout (e.g. a worktree of main), alternating",
    )
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    home = tempfile.mkdtemp(prefix="voek-bench-")
    env["VOEK_DATA_DIR"] = f"{home}/data"
    env["VOEK_CONFIG_DIR"] = f"{home}/config"
    app = [sys.executable, "-m", "voek_desktop", "--exit-when-ready"]
    programs: dict[str, tuple[list[str], Path | None]] = {
        "bare PySide6 window": ([sys.executable, str(HERE / "bare_window.py")], None),
        "voek-desktop": (app, HERE.parent),
        "voek-desktop --demo": ([*app, "--demo"], HERE.parent),
    }
    if args.against is not None:
        other = args.against.resolve()
        programs["  (other) voek-desktop"] = (app, other)
        programs["  (other) --demo"] = ([*app, "--demo"], other)
    # An installed app runs from compiled bytecode (pip and PyInstaller compile it); this
    # checkout may not have it (PYTHONDONTWRITEBYTECODE), and compiling ~30 modules on every
    # start would be measured instead of start-up.
    import compileall

    for _cmd, cwd in programs.values():
        if cwd is not None:
            compileall.compile_dir(str(cwd / "voek_desktop"), quiet=1)
    for cmd, cwd in programs.values():  # warm the file cache once
        timed(cmd, env, cwd)
    ready: dict[str, list[float]] = {name: [] for name in programs}
    settled: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(args.runs):
        for name, (cmd, cwd) in programs.items():
            first, done = timed(cmd, env, cwd)
            ready[name].append(first)
            settled[name].append(done)
    med = statistics.median
    base = med(ready["bare PySide6 window"])
    platform = env.get("QT_QPA_PLATFORM", "native")
    print(f"platform: {platform}, runs: {args.runs}, cores: {os.cpu_count()}, compiled bytecode")
    for name in programs:
        line = f"{name:24s} first paint {med(ready[name]) * 1000:5.0f} ms"
        line += f"  ratio {med(ready[name]) / base:4.2f}"
        if med(settled[name]) > med(ready[name]):
            line += f"   settled {med(settled[name]) * 1000:5.0f} ms"
            line += f"  ratio {med(settled[name]) / base:4.2f}"
        print(line)
    print("imported before the first paint (not the standard library), python -X importtime:")
    for top, seconds in imported_before_first_paint(env):
        print(f"  {top:36s} {seconds * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
