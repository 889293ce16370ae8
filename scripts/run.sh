#!/usr/bin/env bash
# Set up (if needed) and start the app on http://localhost:8501 (works offline).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/streamlit ] || scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
