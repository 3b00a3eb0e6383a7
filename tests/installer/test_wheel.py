"""A wheel of the project installed into a fresh venv prints and serves (issue 13 item 12).

An editable install and the checkout read fonts and icons from the source tree; a wheel has only
what the package ships, and `pip install .` once gave FontsMissing on the first print. Here the
package comes only from a wheel built from a copy of the sources, the commands run from outside
the checkout, and the dependencies are the ones this venv already has (a .pth line to its
site-packages), so no download is needed but ours.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from pypdf import PdfReader

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class WheelVenv:
    wheel: Path
    python: Path
    bin: Path
    cwd: Path  # outside the checkout: nothing of the source tree can be found relative to it
    env: dict[str, str]

    def run(self, *args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _check(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (result.args, result.stdout[-2000:], result.stderr[-3000:])
    return result


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    work = tmp_path_factory.mktemp("wheel")
    # A copy of what a clean checkout has: setuptools builds in the source folder, and a build/
    # left there by an earlier build would slip its stale files into the wheel.
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "voek_desktop",
        src / "voek_desktop",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    dist = work / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _check(
        subprocess.run(
            [*pip, "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
            capture_output=True,
            text=True,
            timeout=180,
        )
    )
    (wheel,) = dist.glob("voek_desktop-*.whl")

    venv = work / "venv"
    # No pip of its own (ensurepip takes seconds): this venv's pip installs into it.
    _check(
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(venv)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    )
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / "python"
    _check(
        subprocess.run(
            [*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies from this venv, after the new venv's own site-packages: a .pth line is
    # not a site dir, so the editable install's finder here is not loaded and our package can
    # come only from the wheel.
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "deps-of-the-test-venv.pth").write_text("\n".join(sorted(here)) + "\n")

    cwd = work / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(
        HOME=str(work / "home"),
        XDG_CONFIG_HOME=str(work / "home" / ".config"),
        XDG_DATA_HOME=str(work / "home" / ".local" / "share"),
        XDG_CACHE_HOME=str(work / "home" / ".cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    return WheelVenv(wheel=wheel, python=python, bin=scripts, cwd=cwd, env=env)


def test_the_package_comes_from_the_wheel(wheel_venv: WheelVenv) -> None:
    result = _check(
        wheel_venv.run(
            wheel_venv.python,
            "-c",
            "import voek_desktop, reportlab; print(voek_desktop.__file__, reportlab.__file__)",
        )
    )
    package, reportlab = result.stdout.split()
    assert Path(package).is_relative_to(wheel_venv.python.parent.parent), package
    assert not Path(package).is_relative_to(ROOT), package
    assert not Path(reportlab).is_relative_to(wheel_venv.python.parent.parent)  # no download


def test_help_from_the_wheel(wheel_venv: WheelVenv) -> None:
    result = _check(wheel_venv.run(wheel_venv.python, "-m", "voek_desktop", "--help"))
    assert "Личный кабинет потребителя АО «ВОЭК»" in result.stdout
    assert "blank-form" in result.stdout


def test_wheel_prints_a_blank_form_in_russian_with_embedded_fonts(wheel_venv: WheelVenv) -> None:
    target = wheel_venv.cwd / "x.pdf"
    _check(wheel_venv.run(wheel_venv.bin / "voek-desktop", "blank-form", "p14", "-o", "x.pdf"))
    reader = PdfReader(target)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "ЗАЯВКА" in text
    assert "Место нахождения (адрес)" in text
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVu" in name for name in fonts), fonts


def test_printing_straight_from_the_zipped_wheel(wheel_venv: WheelVenv) -> None:
    # A pure wheel is a zip Python imports from: the fonts then exist only inside the archive,
    # and reportlab, which opens paths, gets copies taken out of it.
    code = (
        "import sys, voek_desktop\n"
        "assert voek_desktop.__file__.startswith(sys.argv[1]), voek_desktop.__file__\n"
        "from voek_desktop.__main__ import main\n"
        "sys.exit(main(['blank-form', 'p12_1', '-o', 'zip.pdf']))\n"
    )
    env = {**wheel_venv.env, "PYTHONPATH": str(wheel_venv.wheel)}
    result = subprocess.run(
        [str(wheel_venv.python), "-c", code, str(wheel_venv.wheel)],
        cwd=wheel_venv.cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _check(result)
    text = " ".join(PdfReader(wheel_venv.cwd / "zip.pdf").pages[0].extract_text().split())
    assert "ЗАЯВКА" in text


def test_wheel_ships_the_icons(wheel_venv: WheelVenv) -> None:
    # The window's icon and the password field's eye: a path Qt can open, from the wheel.
    code = (
        "from voek_desktop.resources import resource_path\n"
        "for name in ('icons/voek.svg', 'icons/eye.svg', 'icons/voek.png'):\n"
        "    path = resource_path(name)\n"
        "    assert path.is_file() and path.stat().st_size > 0, path\n"
        "    print(path)\n"
    )
    result = _check(wheel_venv.run(wheel_venv.python, "-c", code))
    for line in result.stdout.split():
        assert not Path(line).is_relative_to(ROOT), line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(wheel_venv: WheelVenv) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(wheel_venv.bin / "voek-server"), "--port", str(port), "--log-level", "WARNING"],
        cwd=wheel_venv.cwd,
        env=wheel_venv.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def test_wheel_server_starts_answers_and_stops_on_sigterm(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    proc, port = server
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else proc.returncode
        try:
            response = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the server never answered"
            time.sleep(0.1)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
