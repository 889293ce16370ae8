#!/usr/bin/env bash
# The translation catalogs (coverage/locale/), managed with Babel; see CONTRIBUTING.md.
#   scripts/messages.sh extract   # rewrite coverage/locale/messages.pot from the code and data
#   scripts/messages.sh update    # merge the .pot into each language's messages.po
#   scripts/messages.sh compile   # build the .mo files (scripts/setup.sh does this)
#   scripts/messages.sh check     # fail if a user-facing string is missing from a catalog (.ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
case "${1:-}" in
  extract)
    # pybabel names every file it reads on stderr: shown only if it fails.
    if ! out=$("$PYBABEL" extract -F babel.cfg -c "Translators:" --no-wrap --sort-by-file --omit-header \
      -o coverage/locale/messages.pot . 2>&1); then echo "$out" >&2; exit 1; fi ;;
  update)
    "$PYBABEL" update -i coverage/locale/messages.pot -d coverage/locale -D messages --no-wrap --ignore-obsolete ;;
  compile)
    if ! out=$("$PYBABEL" compile -d coverage/locale -D messages 2>&1); then echo "$out" >&2; exit 1; fi ;;
  check)
    pot="$(mktemp --suffix=.pot)"
    trap 'rm -f "$pot"' EXIT
    if ! out=$("$PYBABEL" extract -F babel.cfg --no-wrap -o "$pot" . 2>&1); then echo "$out" >&2; exit 1; fi
    "${PYTHON:-.venv/bin/python}" -m coverage.i18n "$pot" ;;
  *)
    echo "usage: scripts/messages.sh extract|update|compile|check" >&2; exit 2 ;;
esac
