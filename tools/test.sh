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
# Two workers by default (pytest-xdist, whole files per worker: about half the time of one
# process on two cores); FAMILYWORKER_TEST_WORKERS=0 runs everything in one process, N > 2 uses
# more. A process that has not exited FAMILYWORKER_TEST_EXIT_GRACE seconds after pytest's last
# hook prints every thread's stack and fails (tests/exit_watchdog.py): a loaded two-worker run
# once hung after its summary (docs/status.md), so a repeat ends with its evidence instead.
workers=()
if [ "${FAMILYWORKER_TEST_WORKERS:-2}" -gt 0 ]; then
  workers=(-n "${FAMILYWORKER_TEST_WORKERS:-2}" --dist loadfile)
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
