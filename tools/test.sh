#!/usr/bin/env bash
# Sets up .venv with the test tools, then runs the linters, the import contracts, mypy and the
# whole test suite (GUI offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
# --quick (first argument): the same linters, then only the tests not marked slow (> 2 s each).
marks=()
if [[ "${1:-}" == "--quick" ]]; then
    shift
    marks=(-m "not slow")
fi
tools/bootstrap.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-logo  # the layer contracts of pyproject.toml
.venv/bin/mypy  # [tool.mypy]: all of voek_desktop
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "${marks[@]}" "$@"
