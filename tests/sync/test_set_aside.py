"""A pulled row this version cannot apply is set aside, never a stopped pass: rows already on a
server (an older server, a bug, a hand-edited database) that do not fit the declaration are
kept on the device with the reason, counted, and tried again when a later version of the row
or of the app comes; the CLI says so in a sentence and never shows a traceback or a value."""

import io
import json
import logging
import sqlite3
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, exc, insert, select, update
from sqlmodel import select as sqlmodel_select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync, worker_and_supervisor

from familyworker.cli.main import main
from familyworker.domain.ids import new_id
from familyworker.logs import log_file
from familyworker.services import families
from familyworker.services.sync_outcome import UNEXPECTED_STOP
from familyworker.services.sync_status import read_sync_status
from familyworker.store import migrations
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SetAsideRow
from familyworker.store.tables import ContactNoteRow, FamilyRow
from familyworker.sync import engine as sync_engine
from familyworker.sync import row_schema, set_aside
from familyworker.sync.page_apply import SETTING_CURSOR
from familyworker_server import accounts, db, models
from familyworker_server.background import start_server

CANARY = "Jane Doe's eviction letter"  # in the bad rows' values: never printed nor logged
PASS = "a long test passphrase"


# ----- a server database with rows no push would be let in with -----------------------------

def _stamp() -> str:
    return f"{int(time.time() * 1000):012x}-0000-injected"


def _next_seq(conn: Any) -> int:
    c = models.sync_counter.c
    seq = int(conn.execute(select(c.value).where(c.id == 1)).scalar_one()) + 1
    conn.execute(update(models.sync_counter).where(c.id == 1).values(value=seq))
    return seq


def inject_family_fields(engine: Engine, family_id: str, **fields: Any) -> None:
    """Fields of a family changed straight in the server's database, as a newer write."""
    c = models.sync_row.c
    key = (c.table_name == "family") & (c.row_id == family_id)
    with engine.begin() as conn:
        row = conn.execute(select(c.data, c.field_hlc, c.field_seq).where(key)).one()
        seq = _next_seq(conn)
        data, stamps, seqs = (json.loads(row.data), json.loads(row.field_hlc),
                              json.loads(row.field_seq))
        for name, value in fields.items():
            data[name], stamps[name], seqs[name] = value, _stamp(), seq
        conn.execute(update(models.sync_row).where(key).values(
            data=json.dumps(data), field_hlc=json.dumps(stamps), field_seq=json.dumps(seqs),
            server_seq=seq, sole_device=None))


def inject_row(engine: Engine, table: str, row_id: str, family_id: str,
               data: dict[str, Any]) -> None:
    """A row written (or rewritten whole) straight in the server's database."""
    c = models.sync_row.c
    with engine.begin() as conn:
        team = conn.execute(select(c.team_id).where(
            (c.table_name == "family") & (c.row_id == family_id))).scalar_one()
        seq = _next_seq(conn)
        conn.execute(models.sync_row.delete().where(
            (c.table_name == table) & (c.row_id == row_id)))
        conn.execute(insert(models.sync_row).values(
            table_name=table, row_id=row_id, family_id=family_id, team_id=team,
            data=json.dumps({"family_id": family_id, **data}),
            field_hlc=json.dumps({"*": _stamp()}), field_seq=json.dumps({"*": seq}),
            server_seq=seq, deleted=False, deleted_hlc=None, sole_device=None))


def bad_note(**data: Any) -> dict[str, Any]:
    """A contact note without its required occurred_at (a NOT NULL column here)."""
    return {"kind": "home-visit", "narrative": CANARY, "present": [], "agencies": [],
            "duration_minutes": None, "follow_ups": "", "author_id": None, "status": "final",
            "finalised_at": None, **data}


def server_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(models.sync_counter.c.value)).scalar_one())


def held(store: CaseloadStore) -> dict[tuple[str, str], SetAsideRow]:
    with store.read() as session:
        return {(r.table_name, r.row_id): r for r in session.exec(sqlmodel_select(SetAsideRow))}


def notes_on(store: CaseloadStore) -> dict[str, str]:
    with store.read() as session:
        return {n.id: n.narrative for n in session.exec(sqlmodel_select(ContactNoteRow))}


def family_on(store: CaseloadStore, family_id: str) -> FamilyRow | None:
    with store.read() as session:
        return session.get(FamilyRow, family_id)


# ----- the engine -----------------------------------------------------------------------------

def test_rows_that_do_not_fit_are_set_aside_the_pass_goes_on_and_a_fixed_version_applies(
        server: Server, tmp_path: Path) -> None:
    ann, sue = worker_and_supervisor(server)
    a = enrolled(server, tmp_path / "a", ann)
    b = enrolled(server, tmp_path / "b", ann)
    family = add_family(a, "FAM-1", "Smith")
    good = add_note(a, family, "Good note")
    sync(a, server)
    sync(b, server)  # b holds the family: the bad date comes to it as a merge

    inject_family_fields(server.engine, family, next_visit_due={"not": CANARY})
    bad = new_id()
    inject_row(server.engine, "contact_note", bad, family, bad_note())

    report = sync(b, server)
    assert report.rows_set_aside == 2
    assert b.setting(SETTING_CURSOR) == server_seq(server.engine)  # moved past both
    kept = held(b)
    assert {k: r.reason for k, r in kept.items()} == {
        ("family", family): "invalid_field: next_visit_due is not a date",
        ("contact_note", bad): "missing_field: occurred_at"}
    assert all(r.family_id == family and r.app_version == set_aside.app_version()
               and r.schema_version == migrations.latest_version() for r in kept.values())
    assert json.loads(kept[("contact_note", bad)].row_json)["data"]["narrative"] == CANARY
    row = family_on(b, family)
    assert row is not None and row.next_visit_due is None  # the family as it was
    assert notes_on(b) == {good: "Good note"}
    assert read_sync_status(b).rows_set_aside == 2

    # A supervisor's first download meets the family as a new row: set aside whole.
    supervisor = enrolled(server, tmp_path / "s", sue)
    first = sync(supervisor, server)
    assert first.rows_set_aside == 2
    assert family_on(supervisor, family) is None and notes_on(supervisor) == {good: "Good note"}

    again = sync(b, server)  # not pulled again, still held, nothing new set aside
    assert (again.pulled, again.rows_set_aside) == (0, 2)

    # The lead worker puts the date right; the row is whole again and reaches both.
    families.update_family(a, family, next_visit_due=date(2027, 1, 5))
    assert sync(a, server).rows_set_aside == 1  # a met the bad note too
    assert sync(b, server).rows_set_aside == 1
    row = family_on(b, family)
    assert row is not None and row.next_visit_due == date(2027, 1, 5)
    assert set(held(b)) == {("contact_note", bad)}
    assert sync(supervisor, server).rows_set_aside == 1
    row = family_on(supervisor, family)
    assert row is not None and row.next_visit_due == date(2027, 1, 5)

    # Someone puts the note right on the server: a whole, later version is applied.
    inject_row(server.engine, "contact_note", bad, family,
               bad_note(narrative="Fixed", occurred_at="2026-12-03T10:00:00+00:00"))
    for device in (b, supervisor):
        assert sync(device, server).rows_set_aside == 0
        assert notes_on(device) == {good: "Good note", bad: "Fixed"}
        assert held(device) == {}
    for device in (a, b, supervisor):
        device.lock()


def test_rows_set_aside_are_tried_again_after_an_app_update(
        sqlite_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    a = enrolled(server, tmp_path / "a", ann)
    family = add_family(a, "FAM-1")
    sync(a, server)
    newer, broken = new_id(), new_id()
    # A newer client's kind of note, and a note no version can store.
    inject_row(server.engine, "contact_note", newer, family,
               bad_note(kind="video-call", occurred_at="2026-12-03T10:00:00+00:00"))
    inject_row(server.engine, "contact_note", broken, family, bad_note())
    assert sync(a, server).rows_set_aside == 2
    with a.engine.connect() as conn:
        assert set_aside.due_for_retry(conn) == []  # same version: not tried every pass

    # The app is updated to a version that knows the new kind.
    notes = row_schema.TABLES["contact_note"]
    kind = replace(notes.by_name["kind"], choices=(*(notes.by_name["kind"].choices or ()),
                                                   "video-call"))
    monkeypatch.setitem(row_schema.TABLES, "contact_note", replace(
        notes, columns=tuple(kind if c.name == "kind" else c for c in notes.columns)))
    monkeypatch.setattr(set_aside, "current_version",
                        lambda: ("99.0", migrations.latest_version()))
    report = sync(a, server)
    assert report.rows_set_aside == 1
    assert newer in notes_on(a) and broken not in notes_on(a)
    [kept] = held(a).values()
    assert (kept.row_id, kept.app_version) == (broken, "99.0")  # waits for the next version
    with a.engine.connect() as conn:
        assert set_aside.due_for_retry(conn) == []
    a.lock()


def test_a_family_leaving_scope_takes_its_rows_set_aside_with_it(
        sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    team = server.team("North")
    ann, bob = server.worker("Ann", team), server.worker("Bob", team)
    a = enrolled(server, tmp_path / "a", ann)
    family = add_family(a, "FAM-1")
    sync(a, server)
    inject_family_fields(server.engine, family, status="lost-in-time")
    inject_row(server.engine, "contact_note", new_id(), family, bad_note())
    laptop = enrolled(server, tmp_path / "laptop", ann)
    assert sync(laptop, server).rows_set_aside == 2
    assert family_on(laptop, family) is None  # only held aside, and its note
    with server.engine.begin() as conn:  # re-allocated to Bob behind the laptop's back
        conn.execute(update(models.family_scope).where(
            models.family_scope.c.family_id == family).values(lead_worker_id=bob))
    report = sync(laptop, server)
    assert report.purged_families == 1 and report.rows_set_aside == 0
    assert held(laptop) == {}
    a.lock()
    laptop.lock()


# ----- the command line -----------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path,
        *args: str, stdin: str = PASS + "\n") -> tuple[int, str, str]:
    import familyworker.cli.common as common

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(common, "_stdin_lines", None)
    code = main([*args, "--data-dir", str(data), "--passphrase-stdin"])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_sync_says_what_was_set_aside_and_a_crash_is_one_sentence_without_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The terminal's log handler as the CLI's own basicConfig makes it (pytest has its own).
    terminal = logging.StreamHandler()
    terminal.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    monkeypatch.setattr(logging.root, "handlers", [terminal])
    with start_server(tmp_path / "server") as running:
        admin = db.make_engine(running.settings.resolved_url())
        accounts.add_worker(admin, name="Ann", role="worker",
                            team=accounts.add_team(admin, name="North"))
        a, b = tmp_path / "a", tmp_path / "b"
        for data in (a, b):
            assert run(capsys, monkeypatch, data, "init", stdin=f"{PASS}\n{PASS}\n")[0] == 0
            code = accounts.new_enrolment_code(admin, worker="Ann")
            assert run(capsys, monkeypatch, data, "enrol", "--server", running.url,
                       "--code", code)[0] == 0
        store = CaseloadStore.unlock(a, PASS)
        family = add_family(store, "FAM-1")
        store.lock()
        assert run(capsys, monkeypatch, a, "sync")[0] == 0
        inject_family_fields(admin, family, next_visit_due=CANARY)
        inject_row(admin, "contact_note", new_id(), family, bad_note())

        status, out, err = run(capsys, monkeypatch, b, "sync")
        assert status == 0, err
        assert "2 records from the server could not be shown on this device" in out
        assert "tried again after an update" in out
        assert "Traceback" not in err and CANARY not in out + err
        status, out, err = run(capsys, monkeypatch, b, "sync", "--json")
        assert status == 0 and json.loads(out)["rows_set_aside"] == 2
        assert CANARY not in out + err

        # An unexpected failure inside a pass, its message holding case data (as a database
        # error's text holds the statement's parameters).
        def broken(*_args: Any, **_kwargs: Any) -> Any:
            driver = sqlite3.IntegrityError("NOT NULL constraint failed: Jane Doe")
            raise exc.IntegrityError("INSERT INTO person (name) VALUES (?)", ("Jane Doe",),
                                     driver) from driver

        real_apply = sync_engine.apply_received
        monkeypatch.setattr(sync_engine, "apply_received", broken)
        store = CaseloadStore.unlock(b, PASS)
        add_family(store, "FAM-2")
        store.lock()
        status, out, err = run(capsys, monkeypatch, b, "sync")
        assert status == 1
        assert (out, err) == ("", UNEXPECTED_STOP + "\n")
        logged = log_file(b).read_text(encoding="utf-8")
        assert "the sync pass stopped by an unexpected IntegrityError" in logged
        assert "familyworker/sync/engine.py" in logged and "caused by sqlite3.IntegrityError" \
            in logged
        assert "Jane Doe" not in logged and CANARY not in logged
        monkeypatch.setattr(sync_engine, "apply_received", real_apply)
        status, out, err = run(capsys, monkeypatch, b, "sync", "--json")
        assert status == 0 and json.loads(out)["rows_set_aside"] == 2  # and on it goes
        with admin.connect() as conn:  # the change made before the failure was kept, and sent
            assert any(json.loads(d).get("reference") == "FAM-2" for d in conn.execute(
                select(models.sync_row.c.data).where(models.sync_row.c.table_name == "family")
            ).scalars())
        admin.dispose()


def test_a_set_aside_record_names_fields_never_values() -> None:
    item = {"table": "family", "row_id": "f1", "family_id": "f1", "server_seq": 3,
            "field_hlc": {"*": "019ae4a9e0c2-0000-laptop"}, "deleted": False,
            "deleted_hlc": None, "data": {"household_name": CANARY, "reference": "R",
                                          "next_visit_due": CANARY, "family_id": "f1"}}
    assert set_aside.envelope_problem(item) is None
    problem = set_aside.data_problem("family", item["data"], complete=True)
    assert str(problem) == "invalid_field: next_visit_due is not a date"
    for broken, reason in [({"field_hlc": {"*": CANARY}}, "field_hlc is not a set of version "
                            "stamps"), ({"row_id": CANARY}, "row_id is not an identifier"),
                           ({"deleted_hlc": CANARY}, "deleted_hlc is not a version stamp")]:
        assert str(set_aside.envelope_problem({**item, **broken})) == f"invalid_row: {reason}"
    # A key named like a sync column is the envelope's, not a field: ignored, as ever.
    assert set_aside.data_problem("family", {**item["data"], "next_visit_due": None,
                                             "server_seq": 9}, complete=True) is None
