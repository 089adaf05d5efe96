#!/usr/bin/env bash
# Set up, then open the app on a fresh demo caseload (README's run command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec .venv/bin/familyworker demo "$@"
