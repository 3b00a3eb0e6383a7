#!/usr/bin/env bash
# Builds the Linux one-folder bundle (PyInstaller) and a .deb from it.
#   installer/build_linux.sh            → dist/voek-desktop/ and dist/voek-desktop_<ver>_<arch>.deb
# Needs Python ≥ 3.11 and dpkg-deb (Debian/Ubuntu). Uses its own venv in build/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=$(grep -m1 '^version' pyproject.toml | cut -d'"' -f2)
arch=$(dpkg --print-architecture)

python=${PYTHON:-python3}
# A fresh venv each time: a package left from an older build must not end up in the bundle.
rm -rf build/venv
"$python" -m venv build/venv
build/venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
build/venv/bin/python -m pip install -q --disable-pip-version-check . "pyinstaller>=6.5"

rm -rf build/pyinstaller dist/voek-desktop
build/venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist installer/voek_desktop.spec

# The .deb: the bundle under /opt, a launcher in /usr/bin, a desktop entry and icons.
pkg=build/deb/voek-desktop_${version}_${arch}
rm -rf "$pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/256x256/apps" "$pkg/usr/share/icons/hicolor/scalable/apps"
cp -a dist/voek-desktop "$pkg/opt/voek-desktop"
ln -s /opt/voek-desktop/voek-desktop "$pkg/usr/bin/voek-desktop"
install -m 644 installer/linux/voek-desktop.desktop "$pkg/usr/share/applications/"
install -m 644 voek_desktop/resources/icons/voek.png "$pkg/usr/share/icons/hicolor/256x256/apps/voek-desktop.png"
install -m 644 voek_desktop/resources/icons/voek.svg "$pkg/usr/share/icons/hicolor/scalable/apps/voek-desktop.svg"
size_kb=$(du -sk "$pkg" | cut -f1)
sed -e "s/@VERSION@/${version}/" -e "s/@ARCH@/${arch}/" -e "s/@SIZE@/${size_kb}/" \
  installer/linux/control.in > "$pkg/DEBIAN/control"
install -m 755 installer/linux/postinst "$pkg/DEBIAN/postinst"
install -m 755 installer/linux/postrm "$pkg/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$pkg" "dist/voek-desktop_${version}_${arch}.deb" >/dev/null

echo "bundle: dist/voek-desktop ($(du -sh dist/voek-desktop | cut -f1))"
echo "package: dist/voek-desktop_${version}_${arch}.deb ($(du -h "dist/voek-desktop_${version}_${arch}.deb" | cut -f1))"
