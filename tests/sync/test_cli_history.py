"""`familyworker history REF --from-server` against a real server on loopback: a colleague's
events come from the server; without the flag, or with the server down, this device's only."""

import json
from pathlib import Path

import pytest
from tests.sync.test_cli_sync import PASS, client, run

from familyworker_server import accounts, db
from familyworker_server.background import start_server


def test_history_from_the_server_shows_a_colleagues_events(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, sue = tmp_path / "ann", tmp_path / "sue"
    with start_server(tmp_path / "server") as server:
        admin = db.make_engine(server.settings.resolved_url())
        team = accounts.add_team(admin, name="North")
        accounts.add_worker(admin, name="Ann", role="worker", team=team)
        accounts.add_worker(admin, name="Sue", role="supervisor", team=team)
        for data, worker in ((ann, "Ann"), (sue, "Sue")):
            code, _, err = run(capsys, monkeypatch, *client(["init"], data),
                               stdin=f"{PASS}\n{PASS}\n")
            assert code == 0, err
            code, _, err = run(capsys, monkeypatch, *client(
                ["enrol", "--server", server.url, "--code",
                 accounts.new_enrolment_code(admin, worker=worker)], data))
            assert code == 0, err
        cohort = tmp_path / "cohort.csv"
        cohort.write_text("reference,household_name,postcode\nFAM-1,Smith,AB1 2CD\n")
        code, _, err = run(capsys, monkeypatch, *client(["import-families", str(cohort)], ann))
        assert code == 0, err
        for data in (ann, sue):
            code, _, err = run(capsys, monkeypatch, *client(["sync"], data))
            assert code == 0, err

        code, out, err = run(capsys, monkeypatch, *client(
            ["history", "FAM-1", "--from-server", "--json"], sue))
        assert code == 0, err
        shown = json.loads(out)
        assert shown["from_server"] is True
        assert shown["source"].startswith("From the server, as of ")
        assert "Ann" in {e["who"] for e in shown["events"]}
        code, out, err = run(capsys, monkeypatch, *client(["history", "FAM-1", "--json"], sue))
        assert code == 0, err
        assert "Ann" not in {e["who"] for e in json.loads(out)}  # this laptop's only
        admin.dispose()
    code, out, err = run(capsys, monkeypatch, *client(["history", "FAM-1", "--from-server"],
                                                      sue))
    assert code == 0, err
    assert out.splitlines()[1] == "This laptop only: the server could not be reached."
