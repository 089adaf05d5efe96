"""Server fixtures for tests/sync and tests/server: one server per test, SQLite and PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.sync.helpers import Server, make_server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(backend: str, tmp_path: Path) -> Iterator[Server]:
    with make_server(backend, tmp_path / "server") as running:
        yield running


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Server]:
    with make_server("sqlite", tmp_path / "server") as running:
        yield running
