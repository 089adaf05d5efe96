#!/bin/sh
# Install the FamilyWorker bundle this script sits in, for every user of this machine.
# Run as root from the unpacked folder: sudo ./install.sh [PREFIX]   (default /opt)
# It copies the folder to PREFIX/FamilyWorker, links /usr/local/bin/familyworker to it and
# adds the menu entry, icons and AppStream metainfo under /usr/local/share. Uninstall:
# sudo ./install.sh --uninstall [PREFIX]. DESTDIR=DIR stages the same files under DIR instead
# (for building a system package; no root needed).
set -eu
APP_ID=org.familyworker.FamilyWorker
here=$(cd "$(dirname "$0")" && pwd)
root=${DESTDIR:-}
share="$root/usr/local/share"
bin="$root/usr/local/bin"
remove=false
if [ "${1:-}" = "--uninstall" ]; then remove=true; shift; fi
prefix=${1:-/opt}
target="$root$prefix/FamilyWorker"

if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
  echo "Run this as root (sudo ./install.sh): it installs for every user." >&2
  exit 1
fi

rm -f "$bin/familyworker" "$share/applications/$APP_ID.desktop" \
  "$share/metainfo/$APP_ID.metainfo.xml"
find "$share/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
if $remove; then
  rm -rf "$target"
  echo "FamilyWorker removed. Each worker's caseload folder (~/.local/share/FamilyWorker) is kept."
  exit 0
fi

if [ "$here" != "$target" ]; then
  rm -rf "$target"
  mkdir -p "$(dirname "$target")"
  cp -R "$here" "$target"
fi
mkdir -p "$bin" "$share/applications" "$share/metainfo" "$share/icons"
ln -s "$prefix/FamilyWorker/familyworker" "$bin/familyworker"  # the path once installed
cp "$here/share/applications/$APP_ID.desktop" "$share/applications/"
cp "$here/share/metainfo/$APP_ID.metainfo.xml" "$share/metainfo/"
cp -R "$here/share/icons/hicolor" "$share/icons/"
if [ -z "$root" ]; then
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
fi
echo "FamilyWorker installed in $prefix/FamilyWorker; start it from the menu or with 'familyworker'."
