"""Retention and legal holds (SECURITY J2), on SQLite and PostgreSQL, with a fake date:
only expired, unheld, closed families are deleted, each audited; devices resync after."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.server.test_api import enrol, family_op, pull, push, stamp
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker.domain.retention import (
    RetentionScheduleError,
    family_kept_until,
    parse_schedule,
)
from familyworker.resources import load_json
from familyworker_server import audit_chain, cli, models, retention
from familyworker_server.janitor import TombstoneJanitor
from familyworker_server.scope_models import family_member

AS_OF = date(2026, 12, 7)


def person_op(device: str, family_id: str, born: str | None) -> dict[str, Any]:
    return {"op_id": new_id(), "table": "person", "row_id": new_id(), "family_id": family_id,
            "kind": "insert", "hlc": stamp(device),
            "fields": {"name": "Canary Child", "relationship": "child",
                       "date_of_birth": born}}


def note_op(device: str, family_id: str) -> dict[str, Any]:
    return {"op_id": new_id(), "table": "contact_note", "row_id": new_id(),
            "family_id": family_id, "kind": "insert", "hlc": stamp(device),
            "fields": {"kind": "home-visit", "occurred_at": "2019-01-01T10:00:00+00:00",
                       "narrative": "visited"}}


class World:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.worker = server.worker("Ann", server.team("North"))
        self.device, self.token = enrol(server, self.worker)

    def family(self, reference: str, *, closed_on: str | None,
               children: tuple[str | None, ...] = ("2005-03-01",)) -> str:
        family_id = new_id()
        fields: dict[str, Any] = {"reference": reference, "household_name": "Canary"}
        if closed_on:
            fields |= {"status": "closed", "closed_on": closed_on,
                       "closure_reason": "outcomes-achieved"}
        ops = [family_op(self.device, family_id, **fields),
               *(person_op(self.device, family_id, born) for born in children),
               note_op(self.device, family_id)]
        answer = push(self.server, self.token, self.device, ops)
        assert [r["status"] for r in answer.json()["results"]] == ["applied"] * len(ops), \
            answer.text
        return family_id

    def rows_of(self, family_id: str) -> int:
        c = models.sync_row.c
        with self.server.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(models.sync_row).where(
                (c.family_id == family_id) | (c.row_id == family_id))).scalar_one())

    def audit(self, action: str) -> list[Any]:
        a = models.audit_log.c
        with self.server.engine.connect() as conn:
            return list(conn.execute(select(a.entity_id, a.detail).where(
                a.action == action).order_by(a.seq)).all())


@pytest.fixture
def world(server: Server) -> World:
    return World(server)


@pytest.fixture
def server_args(server: Server) -> list[str]:
    """The CLI's options for the server under test's own database."""
    url = server.engine.url
    if url.get_backend_name() == "sqlite":
        return ["--data", str(Path(str(url.database)).parent)]
    return ["--database-url", url.render_as_string(hide_password=False)]


def test_apply_deletes_only_expired_unheld_families_and_audits_each(world: World) -> None:
    # Closed 2019, youngest born 2001: 25 in 2026-01 and six years after closure in 2025.
    expired = world.family("FAM-OLD", closed_on="2019-06-30", children=("2001-01-05",))
    also_expired = world.family("FAM-OLD2", closed_on="2020-01-01", children=("1999-05-01",))
    recent = world.family("FAM-NEW", closed_on="2023-02-01", children=("1990-01-01",))
    young = world.family("FAM-YOUNG", closed_on="2015-01-01", children=("2010-04-04",))
    open_family = world.family("FAM-OPEN", closed_on=None, children=("1980-01-01",))
    held = world.family("FAM-HELD", closed_on="2018-01-01", children=("1995-01-01",))
    retention.place_hold(world.server.engine, family="fam-held", reason="Inquiry: Canary",
                         placed_by="DPO")
    with world.server.engine.begin() as conn:  # co-worker bookkeeping goes with the family
        conn.execute(family_member.insert().values(family_id=expired, worker_id=world.worker))
    before = {f: world.rows_of(f) for f in (expired, also_expired, recent, young, open_family,
                                             held)}
    assert all(count >= 3 for count in before.values())

    report = retention.run_retention(world.server.engine, as_of=AS_OF, apply=True)

    assert sorted(report.deleted) == sorted([expired, also_expired])
    assert {f.family_id: f.state for f in report.due} == {
        expired: retention.EXPIRED, also_expired: retention.EXPIRED, held: retention.HELD}
    for gone in (expired, also_expired):
        assert world.rows_of(gone) == 0
    for kept in (recent, young, open_family, held):
        assert world.rows_of(kept) == before[kept]
    with world.server.engine.connect() as conn:
        scoped = set(conn.execute(select(models.family_scope.c.family_id)).scalars())
        members = set(conn.execute(select(family_member.c.family_id)).scalars())
        assert not {expired, also_expired} & scoped and {recent, held} <= scoped
        assert expired not in members
        assert audit_chain.verify(conn).broken is None
    events = world.audit(retention.RETENTION_DELETE)
    assert sorted(entity for entity, _ in events) == sorted([expired, also_expired])
    audit_text = " ".join(detail for _, detail in world.audit(retention.RETENTION_DELETE)
                          + world.audit("legal-hold"))
    assert "Canary" not in audit_text and "FAM-" not in audit_text
    # A second run finds nothing more to delete.
    again = retention.run_retention(world.server.engine, as_of=AS_OF, apply=True)
    assert again.deleted == [] and [f.family_id for f in again.due] == [held]


def test_youngest_child_under_25_keeps_the_family(world: World) -> None:
    # Closed 2012 (six years ran out in 2018) but one child turns 25 only in 2027.
    family = world.family("FAM-KIDS", closed_on="2012-05-01",
                          children=("1990-01-01", "2002-08-20"))
    assert retention.run_retention(world.server.engine, as_of=AS_OF, apply=True).due == []
    assert world.rows_of(family) > 0
    later = retention.run_retention(world.server.engine, as_of=date(2027, 8, 20), apply=True)
    assert later.deleted == [family] and world.rows_of(family) == 0


def test_a_missing_birth_date_keeps_the_family_and_says_so(world: World) -> None:
    family = world.family("FAM-DOB", closed_on="2010-01-01", children=("1990-01-01", None))
    report = retention.run_retention(world.server.engine, as_of=AS_OF, apply=True)
    assert [(f.family_id, f.state) for f in report.due] == [
        (family, retention.BIRTH_DATE_MISSING)]
    assert report.deleted == [] and world.rows_of(family) > 0


def test_list_mode_changes_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    family = world.family("FAM-LIST", closed_on="2015-01-01", children=("1995-01-01",))
    rows, audits = world.rows_of(family), len(world.audit(retention.RETENTION_DELETE))
    with world.server.engine.connect() as conn:
        counter = conn.execute(select(models.sync_counter)).one()
    report = retention.run_retention(world.server.engine, as_of=AS_OF)
    assert [f.family_id for f in report.due] == [family] and report.deleted == []
    assert world.rows_of(family) == rows
    assert len(world.audit(retention.RETENTION_DELETE)) == audits
    with world.server.engine.connect() as conn:
        assert conn.execute(select(models.sync_counter)).one() == counter


def test_hold_then_release_through_the_cli(world: World, server_args: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    family = world.family("FAM-CLI", closed_on="2015-01-01", children=("1995-01-01",))
    assert cli.main(["hold", "--family", "FAM-CLI", "--reason", "Inquiry about Canary",
                     *server_args]) == 0
    assert cli.main(["hold", "--family", family, "--reason", "again", *server_args]) == 2
    assert "already under a legal hold" in capsys.readouterr().err
    assert cli.main(["retention", "--as-of", "2026-12-07", "--apply", *server_args]) == 0
    out = capsys.readouterr().out
    assert "FAM-CLI" in out and "held (legal hold: kept)" in out
    assert world.rows_of(family) > 0
    assert cli.main(["release", "--family", "FAM-CLI", *server_args]) == 0
    assert cli.main(["retention", "--as-of", "2026-12-07", *server_args]) == 0
    assert "due for deletion" in capsys.readouterr().out and world.rows_of(family) > 0
    assert cli.main(["retention", "--as-of", "2026-12-07", "--apply", *server_args]) == 0
    assert "deleted" in capsys.readouterr().out and world.rows_of(family) == 0
    assert cli.main(["release", "--family", family, *server_args]) == 2  # no family now
    with pytest.raises(SystemExit) as bad_date:
        cli.main(["retention", "--as-of", "7/12/2026", *server_args])
    assert bad_date.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err
    with world.server.engine.connect() as conn:
        h = retention.legal_hold.c
        hold = conn.execute(select(h.reason, h.placed_by, h.released_at)).one()
        assert hold.reason == "Inquiry about Canary" and hold.released_at is not None
        assert audit_chain.verify(conn).broken is None
    assert [e for e, _ in world.audit("legal-hold")] == [family]
    assert [e for e, _ in world.audit("legal-hold-release")] == [family]


def test_a_device_that_synced_before_the_deletion_must_resync(world: World) -> None:
    family = world.family("FAM-DEV", closed_on="2015-01-01", children=("1995-01-01",))
    other = world.family("FAM-STAYS", closed_on=None)
    _, laptop = enrol(world.server, world.worker)  # Ann's second laptop holds both
    first = pull(world.server, laptop).json()
    assert {family, other} <= {row["row_id"] for row in first["rows"]}
    cursor = first["next_cursor"]
    assert pull(world.server, laptop, cursor).status_code == 200
    assert retention.run_retention(world.server.engine, as_of=AS_OF, apply=True).deleted \
        == [family]
    stale = pull(world.server, laptop, cursor)
    assert stale.status_code == 410 and stale.json()["code"] == "resync_scope"
    fresh = pull(world.server, laptop).json()
    pulled = {row["row_id"] for row in fresh["rows"]}
    assert other in pulled and family not in pulled
    assert not any(row.get("family_id") == family for row in fresh["rows"])
    assert pull(world.server, laptop, fresh["next_cursor"]).status_code == 200


def test_the_shipped_schedule_loads_and_bad_entries_are_named() -> None:
    schedule = parse_schedule(load_json("retention", "schedule.json"))
    family = schedule["family"]
    assert family.keep_years_after_closure == 6 and family.keep_until_youngest_child_age == 25
    assert "IRMS" in family.source and schedule["audit"].keep_years == 7
    assert family_kept_until(family, date(2020, 2, 29), date(2000, 1, 1)) == date(2026, 2, 28)
    assert family_kept_until(family, date(2020, 1, 1), date(2010, 6, 1)) == date(2035, 6, 1)
    good = load_json("retention", "schedule.json")
    for change, words in (
            ({"basis": ""}, "entry 'family' has no basis"),
            ({"keep_years_after_closure": -1}, "entry 'family' has keep_years_after_closure"),
            ({"keep_until_youngest_child_age": "25"}, "entry 'family' has keep_until"),
            ({"kept": 1}, "entry 'family' has an unknown field 'kept'")):
        bad = {"entries": [good["entries"][0] | change, good["entries"][1]]}
        with pytest.raises(RetentionScheduleError, match=words):
            parse_schedule(bad)
    with pytest.raises(RetentionScheduleError, match="no entry for 'audit'"):
        parse_schedule({"entries": [good["entries"][0]]})


def test_the_daily_janitor_turn_applies_retention_by_its_clock(world: World) -> None:
    family = world.family("FAM-JAN", closed_on="2015-01-01", children=("1995-01-01",))
    calendar = [date(2020, 1, 1)]
    janitor = TombstoneJanitor(world.server.engine, days=0, retention_daily=True,
                               today=lambda: calendar[0])
    assert janitor.run_once() and world.rows_of(family) > 0  # 2020: not yet
    calendar[0] = AS_OF
    assert janitor.run_once() and world.rows_of(family) == 0
    assert [e for e, _ in world.audit(retention.RETENTION_DELETE)] == [family]
    idle = TombstoneJanitor(world.server.engine, days=0, today=lambda: AS_OF)
    kept = world.family("FAM-JAN2", closed_on="2015-01-01", children=("1995-01-01",))
    assert idle.run_once() and world.rows_of(kept) > 0  # without --retention-daily
