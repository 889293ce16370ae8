#!/usr/bin/env bash
# Create .venv and install the project from the pinned, hashed lock files, then the
# package itself (editable, so `range-rings` and `python -m coverage` work from any folder).
# Usage: scripts/setup.sh [dev]
# The locks are made from requirements*.txt with `uv pip compile --generate-hashes`
# (see CONTRIBUTING.md); pip refuses any file whose hash is not in them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements-dev.lock
  # Debian's Chromium for the browser tests, nginx for the replicas test (tools/replicas.py).
  # npm for axe-core, the accessibility checker of tests/e2e/test_a11y.py.
  if ! command -v chromium >/dev/null 2>&1 || ! [ -x /usr/sbin/nginx ] || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-dejavu-core poppler-utils nginx-light npm >/dev/null
  fi
  # axe-core from the npm registry, exactly as locked in tools/a11y/package-lock.json, into
  # tools/a11y/node_modules (gitignored; never copied into the repository). No install scripts run.
  npm ci --prefix tools/a11y --ignore-scripts --no-audit --no-fund --loglevel=error
else
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
fi
# The build backend comes from the lock above, not from a fresh download.
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
# The Turkish and Greek catalogs, compiled from their .po files (coverage/locale/).
PYBABEL=.venv/bin/pybabel PYTHON=.venv/bin/python scripts/messages.sh compile
