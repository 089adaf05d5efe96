"""`familyworker-server list-devices` says which devices are active, revoked by an
administrator, or waiting to connect again after their tokens were stopped."""

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from tests.server.test_api import enrol, family_op, pull, push
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
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


def test_list_devices_says_when_each_was_last_seen(
        sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ann = sqlite_server.worker("Ann", sqlite_server.team("North"))
    device, token = enrol(sqlite_server, ann)
    accounts.enrol(sqlite_server.engine, code=sqlite_server.code(ann), device_id="unused",
                   device_name="spare")
    assert pull(sqlite_server, token).status_code == 200  # a request marks the device seen
    assert cli.main(["list-devices", "--data", str(tmp_path / "server")]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["unused"].endswith("last seen never")
    today = accounts.now().strftime("%Y-%m-%d")
    assert f"last seen {today}" in lines[device]


def test_quarantine_lists_refused_changes_without_their_values(
        sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    north, south = sqlite_server.team("North"), sqlite_server.team("South")
    ann, zed = sqlite_server.worker("Ann", north), sqlite_server.worker("Zed", south)
    ann_device, ann_token = enrol(sqlite_server, ann)
    family = new_id()
    assert push(sqlite_server, ann_token, ann_device, [family_op(ann_device, family)]
                ).status_code == 200
    zed_device, zed_token = enrol(sqlite_server, zed)
    secret = "ZEBEDEE-CANARY-7731 moved house"
    answer = push(sqlite_server, zed_token, zed_device,
                  [{**family_op(zed_device, family, address=secret), "kind": "update"}])
    assert answer.json()["results"][0]["status"] == "rejected"
    data = str(tmp_path / "server")

    assert cli.main(["quarantine", "--data", data]) == 0
    text = capsys.readouterr().out
    assert "Zed" in text and "family update" in text and "forbidden" in text
    assert cli.main(["quarantine", "--data", data, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["worker"], e["table"], e["family_id"], e["reason"]) for e in entries] == [
        ("Zed", "family", family, "forbidden")]
    assert "ZEBEDEE" not in text and "ZEBEDEE" not in json.dumps(entries)


def test_disable_worker_refuses_their_devices_and_new_codes(
        sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    north = sqlite_server.team("North")
    ann, bob = sqlite_server.worker("Ann", north), sqlite_server.worker("Bob", north)
    (ann_laptop, ann_token), (_, ann_tablet) = enrol(sqlite_server, ann), enrol(sqlite_server, ann)
    bob_laptop, bob_token = enrol(sqlite_server, bob)
    data = str(tmp_path / "server")

    assert cli.main(["disable-worker", "Ann", "--data", data]) == 0
    assert "Their 2 device(s) are refused" in capsys.readouterr().out

    for token in (ann_token, ann_tablet):
        refused = pull(sqlite_server, token)
        assert refused.status_code == 401 and refused.json()["code"] == "device_revoked"
    assert pull(sqlite_server, bob_token).status_code == 200
    assert cli.main(["list-devices", "--data", data]) == 0
    states = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()}
    assert states[ann_laptop] == "worker-disabled" and states[bob_laptop] == "active"
    assert cli.main(["enrolment-code", "Ann", "--data", data]) == 2
    assert "disabled" in capsys.readouterr().err
    assert cli.main(["disable-worker", "Ann", "--data", data]) == 2
    assert cli.main(["disable-worker", "Nobody", "--data", data]) == 2


def test_serve_refuses_an_offline_limit_out_of_range(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for days in ("-1", "3651"):
        assert cli.main(["serve", "--max-offline-days", days, "--data", str(tmp_path)]) != 0
        assert "--max-offline-days must be between 0 and 3650" in capsys.readouterr().err
