"""SECURITY B2, after 10 wrong passphrases: an enrolled caseload's passphrase is not tried again
until its server confirms an unlock code an administrator issued for that device. A wrong or
expired code, or no connection, changes nothing; a revoked laptop is wiped when it asks."""

import time
from pathlib import Path

import pytest
from tests.sync.helpers import PASSPHRASE, Server, add_family, enrolled, new_store
from tests.sync.test_cli_sync import client, run
from tests.sync.test_offline_limit import Down

from familyworker.services.offline_limit import CaseloadWiped
from familyworker.services.online_unlock import UNREACHABLE, confirm_unlock_code
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.store.paths import StorePaths
from familyworker.store.server_address import known_server
from familyworker.store.unlock_attempts import (
    CODE_NEEDED,
    ONLINE_UNLOCK_AFTER,
    UnlockAttemptLog,
    UnlockCodeNeeded,
)
from familyworker_server import accounts, db, unlock_codes
from familyworker_server.background import start_server


def locked_out(server: Server, path: Path) -> tuple[str, UnlockAttemptLog]:
    """An enrolled caseload (one family) after 10 wrong passphrases; its device id."""
    store = enrolled(server, path, server.worker("Ann", server.team("North")))
    add_family(store, "FAM-1")
    device_id = store.device_id
    store.lock()
    log = UnlockAttemptLog(path)
    for _ in range(ONLINE_UNLOCK_AFTER):
        log.record_failure()
    return device_id, log


def test_the_eleventh_attempt_needs_a_code_the_server_confirms(
        sqlite_server: Server, tmp_path: Path) -> None:
    path = tmp_path / "a"
    device_id, log = locked_out(sqlite_server, path)
    assert known_server(StorePaths(path)) == "http://testserver"  # kept at enrolment
    with pytest.raises(UnlockCodeNeeded, match="Ask your administrator for an unlock code"):
        log.require_code()
    with pytest.raises(StoreError, match="not recognised"):
        confirm_unlock_code(path, "ABCD-EFGH-JKLM-NPQR", attempts=log,
                            http=sqlite_server.client)
    with pytest.raises(StoreError, match=UNREACHABLE):
        confirm_unlock_code(path, "ABCD-EFGH-JKLM-NPQR", attempts=log, http=Down().client)
    with pytest.raises(StoreError, match="not an unlock code"):
        confirm_unlock_code(path, "AB", attempts=log, http=sqlite_server.client)
    assert log.read().failures == ONLINE_UNLOCK_AFTER  # nothing changed
    code = unlock_codes.new_unlock_code(sqlite_server.engine, device_id=device_id)
    confirm_unlock_code(path, code, attempts=log, http=sqlite_server.client)
    assert log.read().failures == 0
    log.require_code()  # the passphrase may be tried again
    store = CaseloadStore.unlock(path, PASSPHRASE)
    store.lock()


def test_a_revoked_laptop_asking_is_wiped(sqlite_server: Server, tmp_path: Path) -> None:
    path = tmp_path / "a"
    device_id, log = locked_out(sqlite_server, path)
    accounts.revoke_device(sqlite_server.engine, device_id=device_id)
    with pytest.raises(CaseloadWiped):
        confirm_unlock_code(path, "ABCD-EFGH-JKLM-NPQR", attempts=log,
                            http=sqlite_server.client)
    paths = StorePaths(path)
    assert not paths.exists() and not paths.server_file.exists()
    assert not (path / "unlock-attempts.json").exists()


def test_a_caseload_never_connected_keeps_only_the_delays(tmp_path: Path) -> None:
    path = tmp_path / "a"
    new_store(path).lock()
    log = UnlockAttemptLog(path)
    for _ in range(ONLINE_UNLOCK_AFTER + 2):
        log.record_failure()
    log.require_code()  # no server to ask: not refused
    with pytest.raises(StoreError, match="not connected to a server"):
        confirm_unlock_code(path, "ABCD-EFGH-JKLM-NPQR", attempts=log)


def test_the_cli_counts_wrong_passphrases_and_takes_the_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with start_server(tmp_path / "server") as server:
        admin = db.make_engine(server.settings.resolved_url())
        team = accounts.add_team(admin, name="North")
        accounts.add_worker(admin, name="Ann", role="worker", team=team)
        data = tmp_path / "a"
        code, _, err = run(capsys, monkeypatch, *client(["init"], data),
                           stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n")
        assert code == 0, err
        code, _, err = run(capsys, monkeypatch, *client(
            ["enrol", "--server", server.url, "--code",
             accounts.new_enrolment_code(admin, worker="Ann")], data), stdin=PASSPHRASE + "\n")
        assert code == 0, err
        for _ in range(3):  # counted (the growing delays start after the second)
            code, _, _ = run(capsys, monkeypatch, *client(["list-families"], data),
                             stdin="not the passphrase\n")
            assert code != 0
        assert UnlockAttemptLog(data).read().failures == 3
        earlier = UnlockAttemptLog(data, clock=lambda: time.time() - 3600)
        for _ in range(ONLINE_UNLOCK_AFTER - 3):  # the rest, each after its delay had passed
            earlier.record_failure()
        # The 11th attempt, even with the right passphrase, is refused in one sentence.
        code, out, err = run(capsys, monkeypatch, *client(["list-families"], data),
                             stdin=PASSPHRASE + "\n")
        assert code != 0 and out == "" and err.strip() == CODE_NEEDED
        code, _, err = run(capsys, monkeypatch, "enter-unlock-code", "WRONG-CODE-1234",
                           "--data-dir", str(data))
        assert code != 0 and "not recognised" in err
        device_id = accounts.list_devices(admin)[0]["id"]
        issued = unlock_codes.new_unlock_code(admin, device_id=device_id)
        code, out, err = run(capsys, monkeypatch, "enter-unlock-code", issued,
                             "--data-dir", str(data))
        assert code == 0, err
        assert "try your passphrase again" in out
        code, _, err = run(capsys, monkeypatch, *client(["list-families"], data),
                           stdin=PASSPHRASE + "\n")
        assert code == 0, err
        admin.dispose()


def test_a_caseload_enrolled_before_keeps_its_address_from_the_next_unlock(
        sqlite_server: Server, tmp_path: Path) -> None:
    from familyworker.services.offline_limit import check_after_unlock

    path = tmp_path / "a"
    enrolled(sqlite_server, path, sqlite_server.worker("Ann", sqlite_server.team("North"))).lock()
    StorePaths(path).server_file.unlink()  # as a version before this one left it
    store = CaseloadStore.unlock(path, PASSPHRASE)
    check_after_unlock(store)
    store.lock()
    assert known_server(StorePaths(path)) == "http://testserver"
