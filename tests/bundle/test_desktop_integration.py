"""Linux desktop integration: the desktop entry, the AppStream metainfo and the icons share one
id, point at things that exist, and pass the freedesktop validators."""

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from familyworker.app import APP_ID

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP_FILE = PACKAGING / f"{APP_ID}.desktop"
METAINFO_FILE = PACKAGING / f"{APP_ID}.metainfo.xml"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
PNG_SIZES = (16, 32, 48, 64, 128, 256)


def desktop_entry() -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP_FILE, encoding="utf-8")
    return entry["Desktop Entry"]


def test_desktop_entry_starts_the_installed_command_with_the_shipped_icon() -> None:
    desktop = desktop_entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["scripts"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] in scripts  # also the bundle's executable's name
    assert desktop["Icon"] == APP_ID
    assert (HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    # Qt's X11 window class is the application name; task bars match it to this entry.
    assert desktop["StartupWMClass"] == "FamilyWorker"


def test_metainfo_names_the_same_id_and_launches_the_desktop_entry() -> None:
    component = ElementTree.parse(METAINFO_FILE).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    launchable = component.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP_FILE.name
    assert component.findtext("provides/binary") == desktop_entry()["Exec"].split()[0]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["version"]
    releases = [r.get("version") for r in component.iterfind("releases/release")]
    assert version in releases  # the metainfo announces the version being built


def test_icons_exist_at_every_standard_size() -> None:
    for size in PNG_SIZES:
        image = QImage(str(HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not empty
        assert image.pixelColor(0, 0).alpha() == 0  # rounded corners stay transparent
    assert (ROOT / "resources" / "icons" / "familyworker.ico").read_bytes()[:4] == \
        b"\x00\x00\x01\x00"
    assert (ROOT / "resources" / "icons" / "familyworker.icns").read_bytes()[:4] == b"icns"


def validator(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (tools/setup.sh installs it when run as root)")
    return path


def test_appstream_validates_the_metainfo() -> None:
    done = subprocess.run(
        [validator("appstreamcli"), "validate", "--no-net", str(METAINFO_FILE)],
        capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    problems = [line for line in done.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert problems == []


def test_desktop_file_validate_accepts_the_entry() -> None:
    done = subprocess.run([validator("desktop-file-validate"), str(DESKTOP_FILE)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "", done.stdout + done.stderr
