#!/usr/bin/env bash
# Sets up .venv with the app (and, with --test, the test tools) on a fresh Debian/Ubuntu box.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=()
[ "${1:-}" = "--test" ] && extras+=(test)

# Qt's libraries for a window (xcb) and for offscreen tests, and a Cyrillic font.
debs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
      libxcb-xinerama0 libxcb-xkb1 libxcb-image0
      # The desk scanner (SANE): python-sane builds against libsane-dev; sane-utils brings the
      # backends' configuration, the test suite uses SANE's own "test" device.
      libsane-dev sane-utils)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Устанавливаю системные библиотеки Qt: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-venv
    "$python" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
# Scanner support where SANE's headers are there (the apt step above puts them on Debian);
# elsewhere the app still installs, with the scanner folder as the way in.
if [ -f /usr/include/sane/sane.h ]; then
  extras+=(scanner)
fi
spec="."
if [ ${#extras[@]} -gt 0 ]; then
  spec=".[$(IFS=,; echo "${extras[*]}")]"
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec"
