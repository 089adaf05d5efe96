"""Where shipped resources (star templates, criteria, fonts, demo data) live."""

import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any


@cache
def resources_dir() -> Path:
    override = os.environ.get("FAMILYWORKER_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def load_json(*parts: str) -> Any:
    with resources_dir().joinpath(*parts).open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def ui_dir() -> Path:
    """The style sheet (and any Designer forms) live in ui/, beside resources/."""
    override = os.environ.get("FAMILYWORKER_UI")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "ui"
    return Path(__file__).resolve().parents[2] / "ui"
