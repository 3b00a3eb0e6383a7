"""The installer files agree with each other and with the project (building runs in
installer/build_linux.sh: too slow for every CI run)."""

from __future__ import annotations

import configparser
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
RESOURCES = ROOT / "voek_desktop" / "resources"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(INSTALLER / "linux" / "voek-desktop.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_starts_the_packaged_command_with_its_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "voek-desktop"
    assert entry["Icon"] == "voek-desktop"
    assert entry["Name[ru]"] == "Личный кабинет АО «ВОЭК»"
    assert entry["Categories"].endswith(";")
    build = (INSTALLER / "build_linux.sh").read_text("utf-8")
    # The launcher and the icon the entry names are what the package installs.
    assert "/usr/bin/voek-desktop" in build
    assert "apps/voek-desktop.png" in build
    assert "apps/voek-desktop.svg" in build


def test_bundle_name_matches_everywhere() -> None:
    spec = (INSTALLER / "voek_desktop.spec").read_text("utf-8")
    assert 'name="voek-desktop"' in spec
    assert "dist/voek-desktop" in (INSTALLER / "build_linux.sh").read_text("utf-8")
    iss = (INSTALLER / "windows" / "voek_desktop.iss").read_text("utf-8")
    assert '#define AppExe "voek-desktop.exe"' in iss
    assert r"dist\voek-desktop\*" in iss


def test_bundle_carries_resources_and_leaves_out_webengine() -> None:
    spec = (INSTALLER / "voek_desktop.spec").read_text("utf-8")
    # The package data (fonts, icons) where importlib.resources finds it in the bundle.
    assert 'collect_data_files("voek_desktop")' in spec
    for module in ("QtWebEngineCore", "QtQuick", "Qt3DCore", "QtMultimedia"):
        assert f'"{module}"' in spec
    for path in ("icons/voek.png", "icons/voek.ico", "icons/voek.svg"):
        assert (RESOURCES / path).stat().st_size > 0


def test_installer_files_name_icons_that_exist() -> None:
    # The .deb's icons and the Windows setup's icon are copied from the checkout by path.
    build = (INSTALLER / "build_linux.sh").read_text("utf-8")
    deb_icons = re.findall(r"install -m 644 (\S+/icons/\S+)", build)
    assert len(deb_icons) == 2
    iss = (INSTALLER / "windows" / "voek_desktop.iss").read_text("utf-8")
    (setup_icon,) = re.findall(r"^SetupIconFile=(.+)$", iss, re.MULTILINE)
    windows_icon = (INSTALLER / "windows" / setup_icon.strip().replace("\\", "/")).resolve()
    spec = (INSTALLER / "voek_desktop.spec").read_text("utf-8")
    (spec_icons,) = re.findall(r"^ICONS = ROOT / (.+)$", spec, re.MULTILINE)
    spec_dir = ROOT.joinpath(*re.findall(r'"([^"]+)"', spec_icons))
    for path in [*(ROOT / p for p in deb_icons), windows_icon, spec_dir / "voek.png"]:
        assert path.is_file(), path
        assert path.is_relative_to(RESOURCES), path  # inside the package, shipped in the wheel


def test_deb_control_template_is_complete() -> None:
    control = (INSTALLER / "linux" / "control.in").read_text("utf-8")
    fields = dict(
        line.split(": ", 1) for line in control.splitlines() if re.match(r"^[A-Z][\w-]+: ", line)
    )
    for key in ("Package", "Version", "Architecture", "Maintainer", "Depends", "Description"):
        assert key in fields
    assert fields["Package"] == "voek-desktop"
    assert "@VERSION@" in fields["Version"]
    # The Qt xcb platform plugin will not load without libxcb-cursor0 (Qt ≥ 6.5).
    assert "libxcb-cursor0" in fields["Depends"]


def test_windows_installer_speaks_russian_and_versions_follow_the_project() -> None:
    iss = (INSTALLER / "windows" / "voek_desktop.iss").read_text("utf-8")
    assert "Russian.isl" in iss
    assert "Создать значок на рабочем столе" in iss
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert f'#define AppVersion "{version}"' in iss
