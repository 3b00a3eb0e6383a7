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
# tests/server runs a second time on PostgreSQL when VOEK_TEST_POSTGRES names one: the
# throw-away cluster of tools/pg_cluster.sh is used when it runs (start it with
# `tools/pg_cluster.sh start`; .ci/run does).
if [[ -z "${VOEK_TEST_POSTGRES:-}" ]] && url="$(tools/pg_cluster.sh url 2>/dev/null)"; then
    export VOEK_TEST_POSTGRES="$url"
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-logo  # the layer contracts of pyproject.toml
.venv/bin/mypy  # [tool.mypy]: all of voek_desktop
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "${marks[@]}" "$@"
