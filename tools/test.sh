#!/usr/bin/env bash
# Set up, lint, type-check, check the layer rules, then run every test. README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"
set +e
# Two workers by default (CI has 2 cores); FAMILYWORKER_TEST_WORKERS=0 runs in one process.
.venv/bin/python -m pytest -n "${FAMILYWORKER_TEST_WORKERS:-2}" --dist loadfile "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
