#!/usr/bin/env bash
# Build the one-folder app bundle for the machine this runs on: dist/FamilyWorker/ and, on
# Linux, dist/FamilyWorker-<version>-linux-<arch>.tar.gz. Installs PyInstaller (the project's
# "bundle" extra) into ./.venv first. Options: --dist DIR (default dist), --work DIR (default
# build/pyinstaller). Windows and macOS: run from Git Bash / a shell with Python 3.11+.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=dist
work=build/pyinstaller
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "Unknown option: $1 (use --dist DIR, --work DIR)" >&2; exit 2 ;;
  esac
done

# Linux: the X11 platform plugin's libraries that a laptop may lack (libxcb-cursor0 is not on
# every desktop; Qt 6.5+ will not start on X11 without it). Present here, they are bundled.
if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need=()
  for package in libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1; do
    dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

if [ -x .venv/Scripts/python.exe ]; then py=.venv/Scripts/python.exe  # Windows venv layout
elif [ -x .venv/bin/python ]; then py=.venv/bin/python
else
  "${PYTHON:-python3}" -m venv .venv
  if [ -x .venv/Scripts/python.exe ]; then py=.venv/Scripts/python.exe; else py=.venv/bin/python; fi
fi
# The project itself (editable, as tools/setup.sh installs it) and PyInstaller from the
# "bundle" extra; skipped when both are already there.
if ! "$py" -c 'import familyworker, PyInstaller' >/dev/null 2>&1; then
  echo "Installing the project and PyInstaller into .venv"
  "$py" -m pip install -q --upgrade pip >/dev/null
  "$py" -m pip install -q -e ".[bundle]" || {
    echo "Could not install PyInstaller (the project's 'bundle' extra) into .venv, so the app" \
      "bundle cannot be built. Check the connection to the package index." >&2
    exit 1
  }
fi

"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/familyworker.spec

bundle="$dist/FamilyWorker"
case "$(uname -s)" in
  Linux)
    # Desktop integration travels in the tarball: install.sh puts it in place.
    mkdir -p "$bundle/share/applications" "$bundle/share/metainfo" "$bundle/share/icons"
    cp packaging/org.familyworker.FamilyWorker.desktop "$bundle/share/applications/"
    cp packaging/org.familyworker.FamilyWorker.metainfo.xml "$bundle/share/metainfo/"
    cp -r resources/icons/hicolor "$bundle/share/icons/"
    cp packaging/linux/install.sh "$bundle/install.sh"
    version=$("$py" -c 'from importlib.metadata import version; print(version("familyworker"))')
    tarball="$dist/FamilyWorker-$version-linux-$(uname -m).tar.gz"
    # Sorted, owned by root, no build-machine timestamps in the gzip header.
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$dist" -cf - FamilyWorker \
      | gzip -n -6 > "$tarball"
    echo "Built $bundle and $tarball"
    ;;
  *)
    echo "Built $bundle"
    ;;
esac
