"""docs/deploy.md is what a company's admin copies onto a fresh Debian machine: its settings
file must mean the same to systemd and to the shell of the migration command, name only
settings the server reads, and its commands must run against the code as it is."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voek_desktop.api.server.__main__ import parse_args

pytestmark = pytest.mark.sqlite_only  # about the documentation, not the engine

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
SERVER = ROOT / "voek_desktop" / "api" / "server"


def _settings_file() -> str:
    """The block after "/etc/voek/voek.env`, read by every unit": the one with VOEK_DATABASE=."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC, re.S)
    (found,) = [b for b in blocks if re.search(r"^VOEK_DATABASE=", b, re.M)]
    return found


def test_the_settings_file_has_no_inline_comments_and_quotes_what_the_shell_would_cut() -> None:
    # systemd's EnvironmentFile takes "value   # comment" as the value; a bare & ends the
    # assignment for the shell. Either way a process would run on other settings than meant.
    for line in _settings_file().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assert re.fullmatch(r'VOEK_[A-Z_]+=("[^"$`\\]*"|[^\s#"\'&;$`\\|<>()]*)', line), line


def test_every_setting_and_option_named_is_one_the_server_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "".join(p.read_text(encoding="utf-8") for p in SERVER.rglob("*.py"))
    read = set(re.findall(r"\bVOEK_[A-Z_]+\b", code))
    named = set(re.findall(r"\bVOEK_[A-Z_]+\b", DOC))
    assert named <= read, named - read
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    known = set(re.findall(r"--[a-z-]+", capsys.readouterr().out))
    paragraph = DOC[DOC.index("`voek-server` takes the same settings as options") :]
    paragraph = paragraph[: paragraph.index("\n\n")]
    options = set(re.findall(r"`(--[a-z-]+)`", paragraph))
    assert len(options) >= 8 and options <= known, options - known


def test_the_migration_command_runs_with_the_documented_settings_file(tmp_path: Path) -> None:
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell")
    settings = _settings_file().replace("/var/lib/voek", str(tmp_path / "lib"))
    (tmp_path / "lib").mkdir(mode=0o700)
    (tmp_path / "voek.env").write_text(settings, encoding="utf-8")
    (command,) = re.findall(r"sudo -u voek sh -c '(.*voek-worker --migrate)'", DOC)
    command = (
        command.replace("/etc/voek/voek.env", str(tmp_path / "voek.env"))
        .replace("/var/lib/voek", str(tmp_path / "lib"))
        .replace("/opt/voek/bin/voek-worker", str(Path(sys.executable).with_name("voek-worker")))
    )
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"schema up to date: \d+ migrations applied", done.stderr), done.stderr
    assert (tmp_path / "lib" / "cabinet.sqlite3").exists()
