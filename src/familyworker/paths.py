"""The default data directory: platformdirs, or FAMILYWORKER_HOME when set (tests, demo)."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "FamilyWorker"


def default_data_dir() -> Path:
    override = os.environ.get("FAMILYWORKER_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
