#!/usr/bin/env bash
# Sets up .venv and starts the app in demo mode: the bundled server runs in-process with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh
exec .venv/bin/voek-desktop --demo "$@"
