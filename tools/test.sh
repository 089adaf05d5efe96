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
# One process by default. FAMILYWORKER_TEST_WORKERS=2 spreads the files over two workers
# (pytest-xdist; about half the time on two quiet cores), but on a loaded machine the main
# process once hung after printing its summary (workers gone, waiting on a lock; not seen
# again, see docs/status.md), so CI does not depend on it. Either way a process that has not
# exited FAMILYWORKER_TEST_EXIT_GRACE seconds after pytest's last hook prints every thread's
# stack and fails (tests/exit_watchdog.py).
workers=()
if [ "${FAMILYWORKER_TEST_WORKERS:-0}" -gt 0 ]; then
  workers=(-n "$FAMILYWORKER_TEST_WORKERS" --dist loadfile)
fi
# The slowest tests are listed at the end: where to look when the suite's time grows.
.venv/bin/python -m pytest --durations=20 ${workers[@]+"${workers[@]}"} "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
