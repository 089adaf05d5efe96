"""The server's audit log is a hash chain (SECURITY I2): audit-verify passes on the log as
written and names the first row changed, removed or cut off; on PostgreSQL the app's role can
be refused UPDATE and DELETE on it."""

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, func, select, text, update
from tests.server.test_api import enrol, family_op, push, stamp
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server import audit_chain, cli, db, models


def audit_op(device: str, family_id: str, action: str = "view") -> dict[str, object]:
    return {"op_id": new_id(), "table": "audit_event", "row_id": new_id(),
            "family_id": family_id, "kind": "append", "hlc": stamp(device),
            "fields": {"at": datetime.now(UTC).isoformat(), "action": action,
                       "entity": "family", "entity_id": family_id}}


def fill(server: Server) -> str:
    """A worker enrols, pushes a family and three audit events; an admin revokes a device."""
    ann = server.worker("Ann", server.team("North"))
    device, token = enrol(server, ann)
    family = new_id()
    answer = push(server, token, device, [family_op(device, family),
                                          *(audit_op(device, family) for _ in range(3))])
    assert {r["status"] for r in answer.json()["results"]} == {"applied"}
    other, _ = enrol(server, ann)
    from familyworker_server import accounts
    accounts.revoke_device(server.engine, device_id=other)
    return family


def verify(server: Server) -> audit_chain.ChainReport:
    with server.engine.connect() as conn:
        return audit_chain.verify(conn)


def test_the_chain_as_written_is_intact(server: Server) -> None:
    fill(server)
    report = verify(server)
    assert report.broken is None
    with server.engine.connect() as conn:
        rows = conn.execute(select(models.audit_log.c.seq, models.audit_log.c.prev_hash,
                                   models.audit_log.c.row_hash)
                            .order_by(models.audit_log.c.seq)).all()
    assert report.rows == len(rows) >= 6  # two enrolments, three views, a revocation
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == audit_chain.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))


@pytest.mark.parametrize("tamper", ["edit", "remove", "cut-the-end"])
def test_tampering_is_found_and_named(server: Server, tamper: str) -> None:
    family = fill(server)
    with server.engine.begin() as conn:
        third = conn.execute(select(models.audit_log.c.id).where(models.audit_log.c.seq == 3)
                             ).scalar_one()
        last = conn.execute(select(func.max(models.audit_log.c.seq))).scalar_one()
        if tamper == "edit":  # someone rewrites who looked at the family
            conn.execute(update(models.audit_log).where(models.audit_log.c.seq == 3)
                         .values(action="print", family_id=family))
        elif tamper == "remove":
            conn.execute(delete(models.audit_log).where(models.audit_log.c.seq == 3))
        else:
            conn.execute(delete(models.audit_log).where(models.audit_log.c.seq == last))
    broken = verify(server).broken
    assert broken is not None
    if tamper == "edit":
        assert (broken.seq, broken.row_id) == (3, third)
        assert "changed after it was written" in broken.in_words()
    elif tamper == "remove":
        assert broken.seq == 3 and "missing" in broken.in_words()
    else:
        assert broken.seq is None and "1 rows at the end were removed" in broken.in_words()


def test_audit_verify_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    assert cli.main(["add-team", "North", "--data", str(data)]) == 0
    team = capsys.readouterr().out.strip()
    assert cli.main(["add-worker", "Ann", "--team", team, "--data", str(data)]) == 0
    worker = capsys.readouterr().out.strip()
    assert cli.main(["enrolment-code", worker, "--data", str(data)]) == 0
    capsys.readouterr()
    engine = db.make_engine(f"sqlite:///{data / 'familyworker-server.db'}")
    from familyworker_server import accounts
    accounts.enrol(engine, code=accounts.new_enrolment_code(engine, worker=worker),
                   device_id="laptop-1", device_name="laptop-1")
    assert cli.main(["audit-verify", "--data", str(data)]) == 0
    assert "intact" in capsys.readouterr().out
    with engine.begin() as conn:
        conn.execute(update(models.audit_log).where(models.audit_log.c.seq == 1)
                     .values(detail="x"))
    engine.dispose()
    assert cli.main(["audit-verify", "--data", str(data)]) == 1
    assert "broken at row 1" in capsys.readouterr().err


@pytest.mark.postgres
def test_an_app_role_without_update_or_delete_cannot_alter_the_log(tmp_path: Path) -> None:
    """docs/deploy: the grant that makes the log append-only for the app's database role."""
    from tests.sync.helpers import make_server
    with make_server("postgres", tmp_path) as server:
        fill(server)
        role = "fw_app_" + new_id().replace("-", "")[:12]
        with server.engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            try:
                conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
                conn.execute(text(f"GRANT SELECT, INSERT ON audit_log TO {role}"))
                conn.execute(text(f"SET LOCAL ROLE {role}"))
                with pytest.raises(Exception, match="permission denied"), \
                        conn.begin_nested():
                    conn.execute(update(models.audit_log).values(detail="x"))
                with pytest.raises(Exception, match="permission denied"), \
                        conn.begin_nested():
                    conn.execute(delete(models.audit_log))
            finally:
                conn.execute(text("RESET ROLE"))
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
        assert verify(server).broken is None


def test_rows_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    from alembic import command
    engine = db.make_engine(f"sqlite:///{tmp_path / 'server.db'}")
    command.upgrade(db.alembic_config(engine), "0005")
    old = [{"id": new_id(), "at": datetime(2026, 1, day, 9, tzinfo=UTC), "action": "enrol",
            "entity": "device", "detail": ""} for day in (3, 1, 2)]
    before = sa.table("audit_log", sa.column("id", sa.String),
                      sa.column("at", sa.DateTime(timezone=True)), sa.column("action", sa.String),
                      sa.column("entity", sa.String), sa.column("detail", sa.String))
    with engine.begin() as conn:  # as the server wrote them before the chain
        conn.execute(sa.insert(before), old)
    db.migrate(engine)
    with engine.connect() as conn:
        report = audit_chain.verify(conn)
        order = conn.execute(select(models.audit_log.c.id).order_by(models.audit_log.c.seq)
                             ).scalars().all()
    assert report.broken is None and report.rows == 3
    assert order == [old[1]["id"], old[2]["id"], old[0]["id"]]  # in the order written
    from familyworker_server import accounts
    with engine.begin() as conn:  # and the chain goes on from there
        accounts.audit(conn, action="revoke-device", entity="device", entity_id="laptop")
    with engine.connect() as conn:
        assert audit_chain.verify(conn).rows == 4
    engine.dispose()
