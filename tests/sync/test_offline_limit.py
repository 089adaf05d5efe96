"""SECURITY B3: after the policy's days without reaching the server (or with the clock set
back), an enrolled laptop's caseload opens only once the server has answered; a revoked laptop
is wiped at that point. Nothing changes on a refusal."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.sync.helpers import (
    PASSPHRASE,
    SERVER_URL,
    Server,
    add_family,
    enrolled,
    new_store,
)
from tests.sync.test_cli_sync import client, run

from familyworker.services.offline_limit import (
    CaseloadWiped,
    OfflineTooLong,
    check_after_unlock,
)
from familyworker.services.offline_policy import SETTING_MAX_OFFLINE_DAYS
from familyworker.services.sync_outcome import SyncState
from familyworker.services.sync_session import sync_pass
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.paths import StorePaths
from familyworker.store.tables import FamilyRow
from familyworker.sync.engine import SETTING_LAST_CONTACT
from familyworker_server import accounts
from familyworker_server.config import ServerSettings
from familyworker_server.main import create_app

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class Down:
    """An HTTP client whose server cannot be reached; counts the attempts."""

    def __init__(self) -> None:
        self.calls = 0

        def refuse(request: httpx.Request) -> httpx.Response:
            self.calls += 1
            raise httpx.ConnectError("connection refused", request=request)

        self.client = httpx.Client(transport=httpx.MockTransport(refuse),
                                   base_url="http://testserver")


def last_contact(store: CaseloadStore, days_ago: int) -> None:
    store.set_setting(SETTING_LAST_CONTACT, (NOW - timedelta(days=days_ago)).isoformat())


def test_past_the_limit_the_server_must_answer_before_the_caseload_opens(
        sqlite_server: Server, tmp_path: Path) -> None:
    store = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker(
        "Ann", sqlite_server.team("North")))
    family = add_family(store, "FAM-1")
    last_contact(store, 31)
    down = Down()
    with pytest.raises(OfflineTooLong, match="not reached your organisation's server for 31 "
                                             "days"):
        check_after_unlock(store, now=NOW, http=down.client)
    assert down.calls >= 1 and store.is_locked

    store = CaseloadStore.unlock(tmp_path / "a", PASSPHRASE)  # nothing was lost or changed
    with store.read() as session:
        assert session.get(FamilyRow, family) is not None
    assert check_after_unlock(store, now=NOW, http=sqlite_server.client)
    assert store.setting(SETTING_LAST_CONTACT) == NOW.isoformat()
    assert not check_after_unlock(store, now=NOW + timedelta(days=29), http=down.client)
    store.lock()


def test_within_the_limit_nothing_is_asked_of_the_network(
        sqlite_server: Server, tmp_path: Path) -> None:
    store = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker(
        "Ann", sqlite_server.team("North")))
    last_contact(store, 29)
    down = Down()
    assert not check_after_unlock(store, now=NOW, http=down.client)
    assert down.calls == 0 and not store.is_locked
    store.set_setting(SETTING_MAX_OFFLINE_DAYS, 0)  # an organisation with no limit
    assert not check_after_unlock(store, now=NOW + timedelta(days=400), http=down.client)
    store.lock()


def test_the_limit_is_the_organisations_sent_by_the_server(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path / "server", max_offline_days=7))
    with TestClient(app, base_url=SERVER_URL) as client:
        server = Server(client, app.state.engine)
        store = enrolled(server, tmp_path / "a", server.worker("Ann", server.team("North")))
        assert store.setting(SETTING_MAX_OFFLINE_DAYS) is None  # the default until told
        assert sync_pass(store, http=client).state is SyncState.SYNCED
        assert store.setting(SETTING_MAX_OFFLINE_DAYS) == 7
        last_contact(store, 8)
        with pytest.raises(OfflineTooLong, match="for 8 days"):
            check_after_unlock(store, now=NOW, http=Down().client)
    app.state.engine.dispose()


def test_a_clock_set_back_needs_the_server(sqlite_server: Server, tmp_path: Path) -> None:
    store = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker(
        "Ann", sqlite_server.team("North")))
    last_contact(store, 1)
    assert not check_after_unlock(store, now=NOW, http=Down().client)
    with pytest.raises(OfflineTooLong, match="clock has been set back"):
        check_after_unlock(store, now=NOW - timedelta(days=3), http=Down().client)


def test_a_revoked_laptop_is_wiped_at_the_check(sqlite_server: Server, tmp_path: Path) -> None:
    store = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker(
        "Ann", sqlite_server.team("North")))
    last_contact(store, 40)
    accounts.revoke_device(sqlite_server.engine, device_id=store.device_id)
    with pytest.raises(CaseloadWiped, match="disconnected from your organisation"):
        check_after_unlock(store, now=NOW, http=sqlite_server.client)
    assert not StorePaths(tmp_path / "a").exists()


def test_a_caseload_never_connected_has_no_limit(tmp_path: Path) -> None:
    store = new_store(tmp_path / "a")
    down = Down()
    assert not check_after_unlock(store, now=NOW + timedelta(days=365), http=down.client)
    assert down.calls == 0
    store.lock()


def test_the_cli_refuses_in_one_sentence_and_changes_nothing(
        sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker(
        "Ann", sqlite_server.team("North")))
    add_family(store, "FAM-1")
    store.set_setting(SETTING_LAST_CONTACT,
                      (datetime.now(UTC) - timedelta(days=45)).isoformat())
    store.lock()
    # (The caseload's server address, http://testserver, is not reachable from here.)
    capsys.readouterr()  # what setting up the server wrote is not the command's output
    code, out, err = run(capsys, monkeypatch, *client(["list-families"], tmp_path / "a"))
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "for 45 days" in err and "Connect to the internet" in err
    store = CaseloadStore.unlock(tmp_path / "a", PASSPHRASE)
    assert store.setting(SETTING_LAST_CONTACT) < datetime.now(UTC).isoformat()
    store.lock()
