"""Load on the reference server: 50 concurrent clients reading meters, smart data and
accounts, against the same load on a bare standard-library "hello" WSGI server.

    python bench/load.py [--seconds 60] [--connections 50]
    python bench/load.py --server gunicorn [--database postgres|URL] [--rounds 3] [--threads 8]

Needs `wrk` (Debian package wrk). Starts `voek-server --demo` on a free port with a fresh
database, logs in as the demo individual, and cycles wrk over
  GET /personal-accounts, GET /meters/{id}, GET /meters/{id}/smart-data
with the session token. The first 5 s after start are a warm-up, printed apart: each smart-data
answer is computed once per poll and then served from memory, and the registers are read from
their stored snapshots (bench/rollover.py measures the start and the day rollover on their own).
Then it prints requests/s, p50/p99 latency, errors, the
server's memory at the start and end of the measured run (RSS), and the ratio to the bare
server (goal ≥ 0.5, docs/design.md "Targets": 0 errors, p99 ≤ 100 ms). Our server keeps connections
alive (HTTP/1.1) as wrk expects; wsgiref's bare server closes each one, which is part of what it
costs. Finally it checks that slow clients (one byte a second on many sockets) do not starve a
normal request: it answers within 2 s or gets a prompt 503.

``--server gunicorn`` measures, in the same run and with the same wrk load, ``voek-server``
and gunicorn as docs/deploy.md runs it (``-k gthread --workers 2 --threads 8 --reuse-port``) on
``voek_desktop.api.server.wsgi:app`` with a ``voek-worker`` beside it (VOEK_JOBS=0 in the web
processes), each on its own fresh database, and prints them side by side (issue 15, item 8: on
2 cores gunicorn -w 2 ≥ 1.8× voek-server with p99 ≤ 50 ms and 0 errors). Each round also
prints the mean latency by Little's law (connections / requests per second: with every client
waiting on its answer, the latency is mostly queueing), where the two cores went (the server's
processes, the bench's own PostgreSQL cluster, wrk, the rest: other work on the machine), the
same as CPU per request, and how the connections spread over gunicorn's workers.
``--database`` is SQLite by default (a file per server); ``--database postgres`` starts a
throw-away cluster (tools/pg_cluster.sh) for the run, a ``postgresql://`` URL names a server on
which the bench creates (and drops) a database per server measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HELLO = """
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

class Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True

def app(environ, start_response):
    body = b'{"status":"ok"}'
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]

make_server("127.0.0.1", int(sys.argv[1]), app, Threaded, Quiet).serve_forever()
"""

LUA = """
paths = {PATHS}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], {{["Authorization"] = "Bearer {TOKEN}"}})
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def call(base: str, method: str, path: str, body: dict | None = None, token: str = "") -> dict:
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_tree_mb(pid: int) -> float:
    """RSS of a process and its children (gunicorn's master and workers)."""
    total = rss_mb(pid)
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += rss_mb(int(child))
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children, from /proc (utime + stime)."""
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def postgres_pids(data_dir: Path) -> list[int]:
    """The processes of the cluster in ``data_dir`` (its postmaster and the postmaster's
    children: a backend per pooled connection, the writer, the checkpointer…)."""
    try:
        master = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
    return pids


def pids_cpu_seconds(pids: list[int]) -> float:
    """CPU time of these processes alone (not their children)."""
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wait_idle(procs: list[subprocess.Popen], timeout: float = 300) -> None:
    """Until the processes use under 5 % of a core: a fresh demo database backfills its
    registers once (in voek-worker, beside gunicorn), which must not fall into the measurement."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = sum(cpu_seconds(p.pid) for p in procs)
        time.sleep(2)
        if sum(cpu_seconds(p.pid) for p in procs) - before < 0.1:
            return


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields[:8]) - idle) / tick, sum(fields[:8]) / tick


def run_wrk(
    url: str,
    seconds: int,
    connections: int,
    script: str | None,
    threads: int = 2,
    watch: list[subprocess.Popen] | None = None,
    database: Path | None = None,
) -> dict:
    """One wrk run; with ``watch`` also where the machine's CPU went meanwhile, in cores: the
    server's processes, wrk itself (it shares the cores), the PostgreSQL cluster whose data
    folder is ``database`` (when the bench started it), and everything else (other work on
    the machine)."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    cmd += ["--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    procs = watch or []
    server_before = sum(cpu_seconds(p.pid) for p in procs)
    pg = postgres_pids(database) if database else []
    pg_before = pids_cpu_seconds(pg)
    busy_before, total_before = machine_busy()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_after, total_after = machine_busy()
    server_cpu = sum(cpu_seconds(p.pid) for p in procs) - server_before
    pg_cpu = pids_cpu_seconds(pg) - pg_before  # the pool's backends live through the run
    wrk_cpu = (wrk_after.ru_utime - wrk_before.ru_utime) + (
        wrk_after.ru_stime - wrk_before.ru_stime
    )

    def latency(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(x) for x in sock.groups()) if sock else 0
    )
    busy = busy_after - busy_before
    return {
        "rps": rps,
        "p50": latency("50"),
        "p90": latency("90"),
        "p99": latency("99"),
        "requests": total,
        "errors": errors,
        # Cores in use over the run (CPU seconds per second of wall time).
        "cpu_server": server_cpu / wall,
        "cpu_wrk": wrk_cpu / wall,
        "cpu_pg": pg_cpu / wall,
        "cpu_other": max(0.0, busy - server_cpu - wrk_cpu - pg_cpu) / wall,
        "cpu_idle": max(0.0, (total_after - total_before) - busy) / wall,
        # CPU of the server per request, all its processes together (µs).
        "us_per_request": server_cpu / max(1, total) * 1e6,
        "pg_us_per_request": pg_cpu / max(1, total) * 1e6,
        "wrk_us_per_request": wrk_cpu / max(1, total) * 1e6,
    }


def slow_clients(host: str, port: int, sockets: int, seconds: float) -> tuple[str, float]:
    """Many sockets dribbling a request a byte a second; then one normal request."""
    stop = threading.Event()
    conns = []
    for _ in range(sockets):
        try:
            conns.append(socket.create_connection((host, port), timeout=2))
        except OSError:
            break

    def dribble() -> None:
        line = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n"
        i = 0
        while not stop.is_set():
            for c in conns:
                with contextlib.suppress(OSError):
                    c.send(line[i % len(line) : i % len(line) + 1])
            i += 1
            stop.wait(1.0)

    t = threading.Thread(target=dribble, daemon=True)
    t.start()
    time.sleep(seconds)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v1/health", timeout=10) as r:
            outcome = str(r.status)
    except urllib.error.HTTPError as exc:
        outcome = str(exc.code)
    except OSError as exc:
        outcome = f"error: {exc}"
    elapsed = time.perf_counter() - started
    stop.set()
    for c in conns:
        c.close()
    return outcome, elapsed


def wrk_script(base: str, tmp: Path) -> tuple[str, int]:
    """Log the demo individual in and write the wrk script cycling their read paths."""
    token = call(
        base,
        "POST",
        "/sessions",
        {"consumer_type": "individual", "login": "11223344595", "password": "demo-Password-2026"},
    )["token"]
    accounts = call(base, "GET", "/personal-accounts", token=token)["items"]
    paths = ["/api/v1/personal-accounts"]
    for acc in accounts:
        number = acc.get("number") or acc.get("personal_account", {}).get("number")
        for meter in call(base, "GET", f"/personal-accounts/{number}/meters", token=token)["items"]:
            paths.append(f"/api/v1/meters/{meter['id']}")
            if meter.get("is_smart"):
                paths.append(f"/api/v1/meters/{meter['id']}/smart-data")
    script = tmp / f"paths-{free_port()}.lua"
    script.write_text(LUA.format(PATHS="{" + ", ".join(f'"{p}"' for p in paths) + "}", TOKEN=token))
    return str(script), len(paths)


def line(label: str, r: dict) -> str:
    return (
        f"{label:<16}: {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  "
        f"p99 {r['p99']:6.1f} ms  errors {r['errors']} of {r['requests']}"
    )


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def postgres_server(setting: str, tmp: Path) -> Iterator[str]:
    """The URL of a PostgreSQL server to make the bench's databases on: ``postgres`` starts a
    throw-away cluster of tools/pg_cluster.sh (its own folder and port, stopped at the end);
    a ``postgresql://`` URL is a server the bench may CREATE DATABASE on."""
    if setting != "postgres":
        yield setting
        return
    # As root the cluster runs as another user, who must be able to enter the folder.
    tmp.chmod(0o711)
    env = {**os.environ, "VOEK_PG_DIR": str(tmp / "pg"), "VOEK_PG_PORT": str(free_port())}
    script = str(ROOT / "tools" / "pg_cluster.sh")
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"tools/pg_cluster.sh start failed: {started.stderr.strip()}")
    url = started.stdout.split()[-1]
    try:
        yield url
    finally:
        subprocess.run([script, "stop"], env=env, check=False)


def fresh_database(server_url: str, name: str) -> str:
    """A new empty database on that server (dropped first if a killed run left it): each
    server measured gets its own, so neither finds the other's demo data and sessions."""
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connections_per_process(port: int, pids: list[int]) -> list[int]:
    """How the client connections to ``port`` are spread over the given processes (gunicorn's
    workers): each accepts its own, and a worker with more has more clients waiting on it."""
    out = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [len(re.findall(rf"pid={pid},", out)) for pid in pids]


def worker_pids(master: int) -> list[int]:
    with contextlib.suppress(OSError):
        return sorted(
            int(c) for c in Path(f"/proc/{master}/task/{master}/children").read_text().split()
        )
    return []


def round_line(label: str, r: dict, connections: int, postgres: bool = False) -> str:
    spread = f"  conns/worker {'/'.join(map(str, r['spread']))}" if r.get("spread") else ""
    pg = f" postgres {r['cpu_pg']:.2f}" if postgres else ""
    per_request = f"server {r['us_per_request']:.0f}"
    if postgres:
        per_request += f" + postgres {r['pg_us_per_request']:.0f}"
    per_request += f" + wrk {r['wrk_us_per_request']:.0f}"
    return (
        f"{label:<16}: {r['rps']:6.0f} req/s  p50 {r['p50']:5.1f}  p90 {r['p90']:5.1f}"
        f"  p99 {r['p99']:6.1f} ms  (mean {connections / r['rps'] * 1000:5.1f} ms)"
        f"  errors {r['errors']}  cores: server {r['cpu_server']:.2f}{pg} wrk {r['cpu_wrk']:.2f}"
        f" other {r['cpu_other']:.2f} idle {r['cpu_idle']:.2f}"
        f"  µs CPU/req: {per_request}{spread}"
    )


def compare_gunicorn(args: argparse.Namespace) -> None:
    """voek-server and gunicorn -w 2 (+ voek-worker), one after the other, the same load."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    if not Path(gunicorn).exists():
        gunicorn = shutil.which("gunicorn") or ""
    if not gunicorn:
        sys.exit("gunicorn is needed: pip install 'voek-desktop[server]'")
    worker = str(Path(sys.executable).with_name("voek-worker"))
    tmp = Path(tempfile.mkdtemp(prefix="voek-load-"))
    runs: dict[str, list[dict]] = {}
    memory: dict[str, float] = {}
    started: dict[str, tuple[int, list[subprocess.Popen]]] = {}
    made: list[str] = []
    engine = "SQLite"
    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        server_url = None
        pg_data: Path | None = None
        if args.database:
            engine = "PostgreSQL"
            server_url = stack.enter_context(postgres_server(args.database, tmp))
            if args.database == "postgres":
                pg_data = tmp / "pg" / "data"
        try:
            for name in ("voek-server", "gunicorn -w 2"):
                folder = tmp / name.replace(" ", "")
                folder.mkdir()
                database = str(folder / "db.sqlite3")
                if server_url:
                    db_name = f"voek_load_{os.getpid()}_{len(made)}"
                    database = fresh_database(server_url, db_name)
                    made.append(db_name)
                port = free_port()
                env = {
                    **os.environ,
                    "VOEK_DATABASE": database,
                    "VOEK_FILES": str(folder / "files"),
                    "VOEK_OUTBOX": str(folder / "outbox"),
                    "VOEK_DEMO": "1",
                    "VOEK_LOG_LEVEL": "WARNING",  # as voek-server's --log-level below
                }
                quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
                if name == "voek-server":
                    command = [sys.executable, "-m", "voek_desktop.api.server"]
                    command += ["--port", str(port), "--demo", "--database", database]
                    command += [
                        "--files",
                        str(folder / "files"),
                        "--outbox",
                        str(folder / "outbox"),
                    ]
                    command += ["--log-level", "WARNING"]
                    procs = [subprocess.Popen(command, **quiet)]
                else:
                    # docs/deploy.md's command, on a port of the bench's own.
                    command = [gunicorn, "voek_desktop.api.server.wsgi:app", "-k", "gthread"]
                    command += ["--workers", "2", "--threads", str(args.threads)]
                    command += ["--bind", f"127.0.0.1:{port}", "--keep-alive", "75"]
                    command += ["--worker-tmp-dir", "/dev/shm", "--reuse-port"]
                    command += ["--log-level", "warning"]
                    procs = [
                        subprocess.Popen(command, env={**env, "VOEK_JOBS": "0"}, **quiet),
                        subprocess.Popen([worker, "--log-level", "WARNING"], env=env, **quiet),
                    ]
                started[name] = (port, procs)
            scripts: dict[str, str] = {}
            for name, (port, _) in started.items():
                base = f"http://127.0.0.1:{port}/api/v1"
                wait_up(base + "/health")
                scripts[name], count = wrk_script(base, tmp)
                url = f"http://127.0.0.1:{port}"
                run_wrk(url, 5, args.connections, scripts[name], args.wrk_threads)  # warm-up
            for _, procs in started.values():
                wait_idle(procs)
            # Taken in turns, so that a machine whose load changes (other jobs) weighs on both.
            for n in range(args.rounds):
                for name, (port, procs) in started.items():
                    workers = worker_pids(procs[0].pid) if name != "voek-server" else []
                    spread: list[int] = []
                    if workers:
                        sampler = threading.Timer(
                            args.seconds / 2,
                            lambda w=workers, p=port, s=spread: s.extend(
                                connections_per_process(p, w)
                            ),
                        )
                        sampler.start()
                    result = run_wrk(
                        f"http://127.0.0.1:{port}",
                        args.seconds,
                        args.connections,
                        scripts[name],
                        args.wrk_threads,
                        procs,
                        pg_data,
                    )
                    if workers:
                        sampler.join()
                    result["spread"] = spread
                    runs.setdefault(name, []).append(result)
                    memory[name] = sum(rss_tree_mb(p.pid) for p in procs)
                    print(
                        f"round {n + 1} "
                        + round_line(name, result, args.connections, pg_data is not None),
                        flush=True,
                    )
        finally:
            for _, procs in started.values():
                stop(*procs)
            for db_name in made:
                with contextlib.suppress(Exception):
                    drop_database(server_url or "", db_name)
            shutil.rmtree(tmp, ignore_errors=True)
    # The best round of each: what the server can do when the machine lets it.
    results = {name: max(r, key=lambda x: x["rps"]) for name, r in runs.items()}
    ours, multi = results["voek-server"], results["gunicorn -w 2"]
    load_after = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load_before[0]:.1f} before,"
        f" {load_after[0]:.1f} after (the servers' own threads count in it);"
        f" {args.connections} connections, wrk -t{args.wrk_threads},"
        f" best of {args.rounds} rounds of {args.seconds} s taken in turns;"
        f" paths cycled: {count}; database: {engine}; gunicorn --threads {args.threads}"
    )
    for name, r in results.items():
        print(line(name, r) + f"  RSS {memory[name]:.0f} MB")
    ratio = multi["rps"] / ours["rps"]
    met = ratio >= 1.8 and multi["p99"] <= 50 and multi["errors"] == 0
    print(
        f"gunicorn -w 2 / voek-server: {ratio:.2f}x (goal ≥ 1.8x with p99 ≤ 50 ms and 0 errors:"
        f" {'met' if met else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--server",
        choices=("voek-server", "gunicorn"),
        default="voek-server",
        help="gunicorn: voek-server and gunicorn -w 2 side by side",
    )
    parser.add_argument(
        "--database",
        help="with --server gunicorn: postgres (a throw-away cluster of tools/pg_cluster.sh)"
        " or the postgresql:// URL of a server to create the databases on; default SQLite",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --server gunicorn")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn --threads")
    parser.add_argument(
        "--wrk-threads",
        type=int,
        default=1,
        help="wrk -t (one thread drives 50 connections at ~0.1 core; it shares the cores)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.server == "gunicorn":
        compare_gunicorn(args)
        return

    tmp = Path(tempfile.mkdtemp(prefix="voek-load-"))
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voek_desktop.api.server",
            "--port",
            str(port),
            "--demo",
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
    hello_port = free_port()
    hello = subprocess.Popen([sys.executable, "-c", HELLO, str(hello_port)])
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        wait_up(base + "/health")
        wait_up(f"http://127.0.0.1:{hello_port}/")
        token = call(
            base,
            "POST",
            "/sessions",
            {
                "consumer_type": "individual",
                "login": "11223344595",
                "password": "demo-Password-2026",
            },
        )["token"]
        accounts = call(base, "GET", "/personal-accounts", token=token)["items"]
        paths = ["/api/v1/personal-accounts"]
        for acc in accounts:
            number = acc.get("number") or acc.get("personal_account", {}).get("number")
            for meter in call(base, "GET", f"/personal-accounts/{number}/meters", token=token)[
                "items"
            ]:
                paths.append(f"/api/v1/meters/{meter['id']}")
                if meter.get("is_smart"):
                    paths.append(f"/api/v1/meters/{meter['id']}/smart-data")
        script = tmp / "paths.lua"
        script.write_text(
            LUA.format(PATHS="{" + ", ".join(f'"{p}"' for p in paths) + "}", TOKEN=token)
        )
        warm = run_wrk(f"http://127.0.0.1:{port}", 5, args.connections, str(script))
        rss_start = rss_mb(server.pid)
        ours = run_wrk(f"http://127.0.0.1:{port}", args.seconds, args.connections, str(script))
        rss_end = rss_mb(server.pid)
        bare = run_wrk(f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections, None)
        outcome, elapsed = slow_clients("127.0.0.1", port, 300, 3.0)
    finally:
        server.terminate()
        hello.terminate()
        server.wait(10)
        hello.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"machine: {os.cpu_count()} cores; {args.connections} connections, {args.seconds} s; "
        f"paths cycled: {len(paths)}"
    )
    print(
        f"warm-up 5 s : {warm['rps']:8.0f} req/s  p50 {warm['p50']:6.1f} ms  "
        f"p99 {warm['p99']:6.1f} ms  errors {warm['errors']} of {warm['requests']}"
    )
    print(
        f"voek-server : {ours['rps']:8.0f} req/s  p50 {ours['p50']:6.1f} ms  "
        f"p99 {ours['p99']:6.1f} ms  errors {ours['errors']} of {ours['requests']}"
    )
    print(
        f"bare hello  : {bare['rps']:8.0f} req/s  p50 {bare['p50']:6.1f} ms  "
        f"p99 {bare['p99']:6.1f} ms  errors {bare['errors']} of {bare['requests']}"
    )
    print(f"ratio of requests/s: {ours['rps'] / bare['rps']:.2f} (goal ≥ 0.5)")
    print(f"server memory (RSS): {rss_start:.0f} MB at start, {rss_end:.0f} MB at end")
    print(
        f"normal request behind 300 slow clients: {outcome} in {elapsed:.2f} s "
        "(goal: an answer within 2 s or a prompt 503)"
    )


if __name__ == "__main__":
    main()
