"""The client CLI against a real server on loopback: enrol, edit, add notes, sync, conflicts."""

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from familyworker.cli.main import main
from familyworker_server import accounts, models
from familyworker_server.background import start_server

PASS = "a long test passphrase"


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
        stdin: str = PASS + "\n") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    import familyworker.cli.common as common

    monkeypatch.setattr(common, "_stdin_lines", None)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def client(args: list[str], data: Path) -> list[str]:
    return [*args, "--data-dir", str(data), "--passphrase-stdin"]


def test_two_devices_sync_and_resolve_through_the_cli(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_server(tmp_path / "server") as server:
        engine = server.settings
        from familyworker_server import db

        admin = db.make_engine(engine.resolved_url())
        team = accounts.add_team(admin, name="North")
        accounts.add_worker(admin, name="Ann", role="worker", team=team)
        a, b = tmp_path / "a", tmp_path / "b"
        for data in (a, b):
            code, _, err = run(capsys, monkeypatch, *client(["init"], data),
                               stdin=f"{PASS}\n{PASS}\n")
            assert code == 0, err
            enrol_code = accounts.new_enrolment_code(admin, worker="Ann")
            code, out, err = run(capsys, monkeypatch, *client(
                ["enrol", "--server", server.url, "--code", enrol_code], data))
            assert code == 0, err
        code, _, err = run(capsys, monkeypatch, *client(["import-demo"], a))
        assert code == 0, err
        code, out, _ = run(capsys, monkeypatch, *client(["list-families", "--json"], a))
        ref = json.loads(out)[0]["reference"]
        code, out, err = run(capsys, monkeypatch, *client(["sync", "--json"], a))
        assert code == 0, err
        assert json.loads(out)["pushed"] > 0
        code, out, err = run(capsys, monkeypatch, *client(["sync", "--json"], b))
        assert code == 0, err
        assert json.loads(out)["pulled"] > 0
        run(capsys, monkeypatch, *client(["set-family", ref, "household_name=From A"], a))
        run(capsys, monkeypatch, *client(["set-family", ref, "household_name=From B"], b))
        code, _, err = run(capsys, monkeypatch, *client(
            ["add-note", ref, "--kind", "phone", "--text", "Called mum"], b))
        assert code == 0, err
        for data in (a, b, a):
            assert run(capsys, monkeypatch, *client(["sync"], data))[0] == 0
        code, out, _ = run(capsys, monkeypatch, *client(["conflicts", "--json"], a))
        conflicts = json.loads(out)
        assert len(conflicts) == 1 and {conflicts[0]["mine"], conflicts[0]["theirs"]} == {
            "From A", "From B"}
        code, _, err = run(capsys, monkeypatch, *client(
            ["resolve-conflict", conflicts[0]["id"], "--keep", "mine"], a))
        assert code == 0, err
        for data in (a, b):
            assert run(capsys, monkeypatch, *client(["sync"], data))[0] == 0
        code, out, _ = run(capsys, monkeypatch, *client(["show-family", ref, "--json"], b))
        shown = json.loads(out)
        assert shown["household_name"] == "From A"
        # Deletion records purged past b's place in the feed: b downloads everything again.
        run(capsys, monkeypatch, *client(["add-note", ref, "--kind", "phone", "--text",
                                          "Called school"], a))
        assert run(capsys, monkeypatch, *client(["sync"], a))[0] == 0
        with admin.begin() as conn:
            conn.execute(update(models.sync_counter).values(
                tombstone_horizon=models.sync_counter.c.value))
        code, out, err = run(capsys, monkeypatch, *client(["sync"], b))
        assert code == 0, err
        assert "downloaded the caseload again" in out and "Nothing waiting to be sent" in out
        code, out, _ = run(capsys, monkeypatch, *client(["show-family", ref, "--json"], b))
        assert "Called school" in [n["text"] for n in json.loads(out)["notes"]]
        code, out, _ = run(capsys, monkeypatch, *client(["sync", "--json"], b))
        assert json.loads(out)["resynced"] is False
        admin.dispose()
    # Server gone: a plain sentence, exit 3, nothing lost.
    run(capsys, monkeypatch, *client(["set-family", ref, "address=2 Low Road"], a))
    code, out, err = run(capsys, monkeypatch, *client(["sync"], a))
    assert code == 3
    assert err.count("\n") == 1 and "could not be reached" in err
