"""tools/pg_cluster.sh leaves the machine as it found it (issue 15): run as root it makes a
system user for PostgreSQL, and its ``stop`` deletes that user again once the last cluster
running as it has stopped; a user it did not make stays. Runs where CI runs it: as root with
Debian's PostgreSQL installed."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,  # three initdb runs
    pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() != 0, reason="the user is made only as root"
    ),
    pytest.mark.skipif(
        not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reason="PostgreSQL is not installed"
    ),
]

SCRIPT = Path(__file__).parents[3] / "tools" / "pg_cluster.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _group_exists(name: str) -> bool:
    return subprocess.run(["getent", "group", name], capture_output=True).returncode == 0


class Cluster:
    def __init__(self, root: Path, user: str, name: str) -> None:
        self.dir = root / name
        self.env = {
            **os.environ,
            "VOEK_PG_DIR": str(self.dir),
            "VOEK_PG_PORT": str(_free_port()),
            "VOEK_PG_USER": user,
        }

    def run(self, command: str, expect: int = 0) -> str:
        done = subprocess.run(
            ["bash", str(SCRIPT), command], env=self.env, capture_output=True, text=True
        )
        assert done.returncode == expect, done.stderr
        return done.stdout.strip() + done.stderr


@pytest.fixture
def root() -> Iterator[Path]:
    """A folder the cluster's user can enter (pytest's own are root's, 0700)."""
    found = Path(tempfile.mkdtemp(prefix="voek-pgt-"))
    found.chmod(0o755)
    yield found
    shutil.rmtree(found, ignore_errors=True)


@pytest.fixture
def user(root: Path) -> Iterator[str]:
    name = f"voekpgt{os.getpid() % 100000}"
    assert not _exists(name)
    yield name
    # A failed test leaves nothing behind either: its clusters stopped, the user gone.
    for folder in root.iterdir():
        Cluster(root, name, folder.name).run("stop")
    if _exists(name):
        subprocess.run(["userdel", name], check=False)


def test_stop_deletes_the_user_it_made_after_the_last_cluster(root: Path, user: str) -> None:
    import psycopg

    first, second = Cluster(root, user, "a"), Cluster(root, user, "b")
    url = first.run("start")
    assert _exists(user)
    assert (
        pwd.getpwnam(user).pw_dir in ("/", "/nonexistent")
        or not Path(pwd.getpwnam(user).pw_dir).exists()
    ), "no home folder is made"
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    second.run("start")
    first.run("stop")
    assert not first.dir.exists()
    assert _exists(user), "the second cluster still runs as the user"
    second.run("stop")
    assert not second.dir.exists()
    assert not _exists(user) and not _group_exists(user)


def test_a_user_that_was_there_before_stays(root: Path, user: str) -> None:
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
        check=True,
    )
    cluster = Cluster(root, user, "c")
    cluster.run("start")
    cluster.run("stop")
    assert not cluster.dir.exists()
    assert _exists(user)
    subprocess.run(["userdel", user], check=True)


def test_a_start_that_fails_leaves_nothing_either(root: Path, user: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        cluster = Cluster(root, user, "d")
        cluster.env["VOEK_PG_PORT"] = str(taken.getsockname()[1])
        assert "could not" in cluster.run("start", expect=1)
    assert not cluster.dir.exists()
    assert not _exists(user)
