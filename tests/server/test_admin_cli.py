"""`familyworker-server list-devices` says which devices are active, revoked by an
administrator, or waiting to connect again after their tokens were stopped."""

from pathlib import Path

import pytest
from sqlalchemy import update

from familyworker_server import accounts, cli, db, models


def test_list_devices_shows_each_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    engine = db.make_engine(f"sqlite:///{data / 'familyworker-server.db'}")
    assert cli.main(["add-team", "North", "--data", str(data)]) == 0
    team = capsys.readouterr().out.strip()
    ann = accounts.add_worker(engine, name="Ann", role="worker", team=team)
    for device in ("laptop-1", "laptop-2", "laptop-3"):
        accounts.enrol(engine, code=accounts.new_enrolment_code(engine, worker=ann),
                       device_id=device, device_name=device)
    accounts.revoke_device(engine, device_id="laptop-2")
    with engine.begin() as conn:  # as a reused refresh token leaves it
        conn.execute(update(models.device).where(models.device.c.id == "laptop-3")
                     .values(tokens_revoked_at=accounts.now()))
    assert cli.main(["list-devices", "--data", str(data)]) == 0
    states = {line.split()[0]: line.split()[1]
              for line in capsys.readouterr().out.splitlines()}
    assert states == {"laptop-1": "active", "laptop-2": "revoked",
                      "laptop-3": "reconnect-needed"}
    engine.dispose()
