"""Shared fixtures: offscreen Qt, fast test stores, the planted canary."""

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR

TEST_PASSPHRASE = "a long test passphrase"
CANARY = "ZEBEDEE-CANARY-7731"


@pytest.fixture
def passphrase() -> str:
    return TEST_PASSPHRASE


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "caseload"


@pytest.fixture
def store(data_dir: Path) -> Iterator[CaseloadStore]:
    opened = CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    yield opened
    opened.lock()

# The sync and server suites share one set of server fixtures; every pytest process (xdist's
# controller and workers too) names threads left running and fails a hang at exit.
pytest_plugins = ["tests.sync.server_fixtures", "tests.exit_watchdog"]


@pytest.fixture(autouse=True, scope="session")
def _no_organisation_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A machine's own organisation.json (server address, sync interval) must not change what
    the tests see: point the app at a file that does not exist (tests that want one set it)."""
    missing = tmp_path_factory.mktemp("organisation") / "organisation.json"
    os.environ["FAMILYWORKER_ORGANISATION_FILE"] = str(missing)


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Commands under test (serve, the CLIs) configure the root logger with a handler on the
    stderr pytest captured for that test; left behind, a later test's logging writes to a
    closed stream and its captured output starts with "--- Logging error ---"."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
