"""Packaging ships every store migration (desktop integration: tests/bundle/)."""

import tomllib
from pathlib import Path

from familyworker.store import migrations

ROOT = Path(__file__).resolve().parents[1]


def test_every_store_migration_is_declared_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["familyworker"]
    package_root = ROOT / "src" / "familyworker"
    shipped = {p for pattern in patterns for p in package_root.glob(pattern)}
    sql_files = set((package_root / "store" / "migrations").glob("*.sql"))

    assert len(sql_files) == len(migrations.available())
    assert sql_files <= shipped
