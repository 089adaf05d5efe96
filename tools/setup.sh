#!/usr/bin/env bash
# Set up everything FamilyWorker needs in ./.venv (idempotent). Used by both README commands.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "FamilyWorker needs Python 3.11 or newer." >&2
  exit 1
fi

# Debian packages the tests and screenshots use (PDF text extraction, Qt's runtime libraries).
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need=()
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  [ -e /usr/lib/x86_64-linux-gnu/libEGL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libEGL.so.1 ] || need+=(libegl1)
  [ -e /usr/lib/x86_64-linux-gnu/libxkbcommon.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libxkbcommon.so.0 ] || need+=(libxkbcommon0)
  [ -e /usr/lib/x86_64-linux-gnu/libfontconfig.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libfontconfig.so.1 ] || need+=(libfontconfig1)
  [ -e /usr/lib/x86_64-linux-gnu/libGL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libGL.so.1 ] || need+=(libgl1)
  [ -e /usr/lib/x86_64-linux-gnu/libdbus-1.so.3 ] || [ -e /usr/lib/aarch64-linux-gnu/libdbus-1.so.3 ] || need+=(libdbus-1-3)
  # The desktop entry's and AppStream metainfo's validators (tests/packaging).
  command -v appstreamcli >/dev/null 2>&1 || need+=(appstream)
  command -v desktop-file-validate >/dev/null 2>&1 || need+=(desktop-file-utils)
  command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)  # the app bundle's X11 start-up test
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
# Bytecode for the app's own modules, as an installed app (a wheel, the bundle) ships it: where
# PYTHONDONTWRITEBYTECODE is set, an editable install would compile every module at each start.
.venv/bin/python -m compileall -q src sync >/dev/null
