"""SECURITY B2 on the server: unlock codes after 10 wrong passphrases (SQLite and PostgreSQL).
A code is single use, for one device, expires, and a revoked device is told so whatever code it
sends (so it wipes itself)."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from tests.server.test_api import V
from tests.server.test_tokens import Device, audit_actions, code
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server import accounts, db, models, unlock_codes
from familyworker_server.cli import main as server_cli

UNLOCK = "/sync/v1/unlock"


def ask(server: Server, device_id: str, unlock_code: str) -> Any:
    return server.client.post(UNLOCK, json={**V, "device_id": device_id, "code": unlock_code})


@pytest.fixture
def device(server: Server) -> Device:
    return Device(server, server.worker("Ann", server.team("North")))


def test_a_code_unlocks_its_own_device_once(server: Server, device: Device) -> None:
    issued = unlock_codes.new_unlock_code(server.engine, device_id=device.id)
    other = Device(server, server.worker("Bea", server.team("South")))
    assert code(ask(server, other.id, issued)) == (400, "unlock_code_invalid")  # not theirs
    # Read over the phone: case and dashes do not matter.
    answer = ask(server, device.id, issued.replace("-", "").lower())
    assert answer.status_code == 200, answer.text
    assert answer.json()["device_id"] == device.id
    assert code(ask(server, device.id, issued)) == (400, "unlock_code_invalid")  # used up
    assert "unlock-confirmed" in audit_actions(server, device.id)
    assert code(ask(server, device.id, "ABCD-EFGH-JKLM-NPQR")) == (400, "unlock_code_invalid")


def test_an_expired_code_is_refused(server: Server, device: Device) -> None:
    issued = unlock_codes.new_unlock_code(server.engine, device_id=device.id)
    with server.engine.begin() as conn:
        conn.execute(update(models.unlock_code).values(
            expires_at=accounts.now() - timedelta(minutes=1)))
    answer = ask(server, device.id, issued)
    assert code(answer) == (400, "unlock_code_expired")
    assert "ask for a new one" in answer.json()["message"]


def test_a_revoked_device_is_told_so_whatever_the_code(server: Server, device: Device) -> None:
    issued = unlock_codes.new_unlock_code(server.engine, device_id=device.id)
    accounts.revoke_device(server.engine, device_id=device.id)
    assert code(ask(server, device.id, issued)) == (401, "device_revoked")
    assert code(ask(server, device.id, "WRONG-CODE")) == (401, "device_revoked")
    assert "unlock-refused-revoked" in audit_actions(server, device.id)
    with pytest.raises(accounts.AdminError, match="revoked"):
        unlock_codes.new_unlock_code(server.engine, device_id=device.id)


def test_bad_requests_are_refused_plainly(server: Server, device: Device) -> None:
    assert server.client.post(UNLOCK, json={**V, "device_id": device.id}).status_code == 422
    extra = server.client.post(UNLOCK, json={**V, "device_id": device.id, "code": "ABCD-EFGH",
                                             "passphrase": "x"})
    assert extra.status_code == 422
    with pytest.raises(accounts.AdminError, match="list-devices"):
        unlock_codes.new_unlock_code(server.engine, device_id="no-such-device")


def test_the_admin_command_prints_the_code_last(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    assert server_cli(["add-team", "North", "--data", str(data)]) == 0
    assert server_cli(["add-worker", "Ann", "--team", "North", "--data", str(data)]) == 0
    engine = db.make_engine(f"sqlite:///{data / 'familyworker-server.db'}")
    device_id = new_id()
    accounts.enrol(engine, code=accounts.new_enrolment_code(engine, worker="Ann"),
                   device_id=device_id, device_name="laptop")
    capsys.readouterr()
    assert server_cli(["unlock-code", device_id, "--data", str(data)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    unlock_codes.confirm_unlock(engine, device_id=device_id, code=printed)  # accepted
    assert server_cli(["unlock-code", "no-such-device", "--data", str(data)]) != 0
    assert "list-devices" in capsys.readouterr().err
    engine.dispose()
