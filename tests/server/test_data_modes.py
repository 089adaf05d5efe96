"""The server's SQLite data folder is 0700 and its database files 0600 from the start, and
`familyworker-server` refuses a data folder other users of the computer can get into."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from tests.server.test_api import enrol, family_op, push
from tests.sync.helpers import make_server

from familyworker.domain.ids import new_id
from familyworker_server import cli, db, main
from familyworker_server.background import start_server
from familyworker_server.config import DATABASE_FILE

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")

REFUSED = "open to other users of this computer; run: chmod"


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """A usual login umask (022), under which SQLite alone would make the files 0644; restored
    afterwards (`serve` sets the process umask)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def no_uvicorn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """`serve` runs to uvicorn.run, which returns at once, noting the umask it was called under;
    its logging set-up (a handler on this test's stderr) is left out."""
    umasks: list[int] = []

    def run(*_args: Any, **_kwargs: Any) -> None:
        umasks.append(os.umask(0o077))
        os.umask(umasks[-1])

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(main, "configure_logging", lambda *_format: None)
    # --workers 2 hands the settings down in it; restored after the test.
    monkeypatch.setenv(main.SETTINGS_ENV, "")
    return umasks


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_modes(data: Path) -> dict[str, int]:
    return {path.name.removeprefix(DATABASE_FILE) or "db": mode(path)
            for path in db.sqlite_files(data / DATABASE_FILE) if path.exists()}


def snapshot(data: Path) -> dict[str, tuple[bytes, int]]:
    return {path.name: (path.read_bytes(), mode(path)) for path in data.iterdir()}


def serve(data: Path) -> list[str]:
    # Two workers: the parent only migrates and hands over to uvicorn (no GC tuning here).
    return ["serve", "--data", str(data), "--workers", "2", "--tombstone-days", "0"]


def test_a_new_data_folder_and_its_database_files_are_private_after_a_push(
        tmp_path: Path) -> None:
    data = tmp_path / "server"
    with make_server("sqlite", data) as server:
        device, token = enrol(server, server.worker("Ann", server.team("North")))
        assert push(server, token, device, [family_op(device, new_id())]).status_code == 200
        assert mode(data) == 0o700
        assert database_modes(data) == {"db": 0o600, "-wal": 0o600, "-shm": 0o600}
        # The last connection closing removes -wal and -shm; SQLite makes them again on the
        # next write, and again 0600.
        server.engine.dispose()
        assert database_modes(data) == {"db": 0o600}
        assert push(server, token, device, [family_op(device, new_id())]).status_code == 200
        assert database_modes(data) == {"db": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_the_demo_and_test_server_makes_its_folder_private(tmp_path: Path) -> None:
    with start_server(tmp_path / "server") as running:
        assert running.settings.data_dir is not None
        assert mode(running.settings.data_dir) == 0o700
        assert database_modes(running.settings.data_dir)["db"] == 0o600


def test_serve_makes_a_new_folder_private_and_keeps_its_files_so(
        tmp_path: Path, no_uvicorn: list[int]) -> None:
    data = tmp_path / "new" / "server"
    assert cli.main(serve(data)) == 0
    assert mode(data) == 0o700
    assert database_modes(data)["db"] == 0o600
    assert all(m == 0o600 for m in database_modes(data).values())
    assert no_uvicorn == [0o077]  # whatever the server creates later is private too


def test_an_admin_command_makes_a_new_folder_private(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    assert cli.main(["add-team", "North", "--data", str(data)]) == 0
    assert capsys.readouterr().out.strip()
    assert mode(data) == 0o700
    assert database_modes(data) == {"db": 0o600, "-wal": 0o600, "-shm": 0o600}


@pytest.mark.parametrize("command", [None, ["add-team", "North"], ["list-devices"]])
@pytest.mark.parametrize("folder_mode", [0o755, 0o750, 0o701])
def test_a_folder_others_can_enter_is_refused_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], no_uvicorn: list[int],
        command: list[str] | None, folder_mode: int) -> None:
    data = tmp_path / "server"
    data.mkdir()
    data.chmod(folder_mode)
    argv = serve(data) if command is None else [*command, "--data", str(data)]
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        f"The data folder {data} is open to other users of this computer; run: chmod 700 "
        f"{data} (and chmod 600 the files in it), then start again.")
    assert list(data.iterdir()) == [] and mode(data) == folder_mode
    assert no_uvicorn == []


@pytest.mark.parametrize("command", [None, ["add-team", "North"]])
@pytest.mark.parametrize("loose", ["", "-wal"])
def test_database_files_others_can_read_are_refused_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], no_uvicorn: list[int],
        command: list[str] | None, loose: str) -> None:
    data = tmp_path / "server"
    engine = db.make_engine(f"sqlite:///{data / DATABASE_FILE}")
    db.migrate(engine)
    engine.dispose()
    loose_file = data / (DATABASE_FILE + loose)
    loose_file.touch()  # a -wal left by an older server is an empty file here
    loose_file.chmod(0o644)
    before = snapshot(data)
    argv = serve(data) if command is None else [*command, "--data", str(data)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"The database files in the data folder {data} are open to other users of this "
        f"computer; run: chmod 600 {loose_file}, then start again.")
    assert snapshot(data) == before
    assert no_uvicorn == []


def test_a_private_existing_folder_is_used(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    data.mkdir(mode=0o700)
    assert cli.main(["add-team", "North", "--data", str(data)]) == 0
    assert cli.main(["add-team", "South", "--data", str(data)]) == 0
    assert len(capsys.readouterr().out.split()) == 2


def test_only_sqlite_files_are_made_private() -> None:
    assert db.sqlite_path("postgresql+psycopg://fw@db.example/fw") is None
    assert db.sqlite_path("sqlite://") is None
    assert db.sqlite_path("sqlite:///:memory:") is None
    assert db.sqlite_path("sqlite:////srv/fw/familyworker-server.db") == Path(
        "/srv/fw/familyworker-server.db")
