"""Audit rows past the schedule's 7 years leave the chain behind a checkpoint: audit-verify
still passes on what is kept and still finds a kept row removed or the checkpoint moved
(SQLite and PostgreSQL)."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from tests.server.test_api import enrol, push
from tests.server.test_audit_chain import audit_op, fill, verify
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server import accounts, audit_chain, cli, db, models, retention

LATER = "2034-01-01T09:00:00+00:00"  # an event stamped on a device, years from now
AS_OF = date(2040, 6, 1)  # everything before 1 June 2033 is past its 7 years


def _seqs(server: Server) -> list[int]:
    with server.engine.connect() as conn:
        return list(conn.execute(select(models.audit_log.c.seq)
                                 .order_by(models.audit_log.c.seq)).scalars())


def _push_later_event(server: Server, family: str) -> None:
    ann = server.worker("Bo", server.team("South"))
    device, token = enrol(server, ann)
    op = audit_op(device, family)
    op["fields"]["at"] = LATER  # type: ignore[index]
    push(server, token, device, [op])


def test_rows_past_their_time_are_cut_behind_a_checkpoint(server: Server) -> None:
    family = fill(server)
    assert retention.run_retention(server.engine, as_of=date(2030, 1, 1)).audit is None
    _push_later_event(server, family)
    before = _seqs(server)
    young = before[-1]  # the event stamped 2034; the enrolment just before it is older

    listed = retention.run_retention(server.engine, as_of=AS_OF)
    assert listed.audit is not None and not listed.audit.applied
    assert listed.audit.up_to_seq == young - 1 and _seqs(server) == before  # listing only

    report = retention.run_retention(server.engine, as_of=AS_OF, apply=True)
    assert report.audit is not None and report.audit.applied
    assert report.audit.rows == young - 1
    kept = _seqs(server)
    assert kept[0] == young and kept[-1] == young + 1  # the 2034 row, then the cut's own
    with server.engine.connect() as conn:
        checkpoint = conn.execute(select(models.audit_head.c.seq, models.audit_head.c.hash)
                                  .where(models.audit_head.c.id == audit_chain.CHECKPOINT_ID)
                                  ).one()
        detail, action = conn.execute(select(models.audit_log.c.detail,
                                             models.audit_log.c.action)
                                      .where(models.audit_log.c.seq == young + 1)).one()
    assert checkpoint.seq == young - 1
    assert action == "audit-retention" and f"checkpoint={checkpoint.hash}" in detail
    intact = verify(server)
    assert intact.broken is None and intact.rows == 2

    # New rows chain on as before; a second run has nothing more to cut before 2034.
    enrol(server, server.worker("Di", server.team("East")))
    assert verify(server).broken is None
    assert retention.run_retention(server.engine, as_of=AS_OF, apply=True).audit is None


@pytest.mark.parametrize("tamper", ["remove-kept-row", "move-checkpoint"])
def test_after_a_cut_tampering_is_still_found(server: Server, tamper: str) -> None:
    family = fill(server)
    _push_later_event(server, family)
    retention.run_retention(server.engine, as_of=AS_OF, apply=True)
    first = _seqs(server)[0]
    with server.engine.begin() as conn:
        if tamper == "remove-kept-row":
            conn.execute(delete(models.audit_log).where(models.audit_log.c.seq == first))
        else:  # hide the first kept row behind a checkpoint moved over it
            conn.execute(update(models.audit_head)
                         .where(models.audit_head.c.id == audit_chain.CHECKPOINT_ID)
                         .values(seq=first, hash=new_id().ljust(64, "0")))
    broken = verify(server).broken
    assert broken is not None
    if tamper == "remove-kept-row":
        assert broken.seq == first and "missing" in broken.in_words()
    else:
        assert broken.seq == first + 1 and "does not follow" in broken.in_words()


def test_nothing_is_cut_while_an_older_row_follows_a_recent_one(server: Server) -> None:
    """A row synced late with an old time waits for the rows before it: the cut is a prefix."""
    family = fill(server)
    ann = server.worker("Cy", server.team("West"))
    device, token = enrol(server, ann)
    old = audit_op(device, family)
    old["fields"]["at"] = datetime(2001, 1, 1, tzinfo=UTC).isoformat()  # type: ignore[index]
    push(server, token, device, [old])
    report = retention.run_retention(server.engine, as_of=date(2026, 1, 1), apply=True)
    assert report.audit is None
    with server.engine.connect() as conn:
        assert conn.execute(select(func.min(models.audit_log.c.seq))).scalar() == 1


def test_the_retention_command_lists_then_cuts_the_audit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    assert cli.main(["add-team", "North", "--data", str(data)]) == 0
    team = capsys.readouterr().out.strip()
    assert cli.main(["add-worker", "Ann", "--team", team, "--data", str(data)]) == 0
    worker = capsys.readouterr().out.strip()
    assert cli.main(["enrolment-code", worker, "--data", str(data)]) == 0
    capsys.readouterr()
    engine = db.make_engine(f"sqlite:///{data / 'familyworker-server.db'}")
    accounts.enrol(engine, code=accounts.new_enrolment_code(engine, worker=worker),
                   device_id="laptop-1", device_name="laptop-1")  # an audited enrolment
    engine.dispose()
    assert cli.main(["retention", "--as-of", "2099-01-01", "--data", str(data)]) == 0
    listed = capsys.readouterr().out
    assert "rows older than 2092-01-01 are due for deletion (up to row" in listed
    assert "Nothing was deleted" in listed
    assert cli.main(["retention", "--as-of", "2099-01-01", "--apply", "--data", str(data)]) == 0
    assert "rows older than 2092-01-01 deleted (up to row" in capsys.readouterr().out
    assert cli.main(["audit-verify", "--data", str(data)]) == 0
    assert "intact" in capsys.readouterr().out
