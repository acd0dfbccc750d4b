#!/usr/bin/env bash
# The whole suite: lint, import contracts, tests. Extra arguments go to pytest.
# On SQLite it skips (and lists) the PostgreSQL/Redis/browser-only tests; set DATABASE_URL and
# REDIS_URL (or run `bash .ci/run`) for the full run.
set -euo pipefail
source "$(dirname "$0")/scripts/_venv.sh"

ruff check .
lint-imports --no-logo
pytest -n auto "$@"
