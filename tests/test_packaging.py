"""The desktop entry and icon that packaging ships point at things that exist."""

import configparser
import tomllib
from pathlib import Path

from familyworker.resources import resources_dir
from familyworker.store import migrations

ROOT = Path(__file__).resolve().parents[1]


def test_desktop_entry_launches_the_console_script_with_a_shipped_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(ROOT / "packaging" / "familyworker.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    scripts = pyproject["project"]["scripts"]

    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] in scripts
    assert (resources_dir() / "icons" / f"{desktop['Icon']}.svg").is_file()


def test_every_store_migration_is_declared_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["familyworker"]
    package_root = ROOT / "src" / "familyworker"
    shipped = {p for pattern in patterns for p in package_root.glob(pattern)}
    sql_files = set((package_root / "store" / "migrations").glob("*.sql"))

    assert len(sql_files) == len(migrations.available())
    assert sql_files <= shipped
