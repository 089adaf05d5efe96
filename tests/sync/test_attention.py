"""Changes the server refuses stay on the device, marked, listed, not re-sent; they can be
queued again; the CLI reports them."""

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlmodel import select as sqlmodel_select
from tests.sync.helpers import PASSPHRASE, Server, add_family, add_note, enrolled, sync

from familyworker.cli.main import main
from familyworker.services.sync_status import read_sync_status
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import OutboxRow
from familyworker.sync.attention import needs_attention, needs_attention_count, retry_rejected
from familyworker_server import accounts, db, models
from familyworker_server.background import start_server

SECRET = "ZEBEDEE-CANARY-7731 told me about the eviction"


def move_family(server_engine: object, family_id: str, worker: str) -> None:
    """A supervisor re-allocated the family on the server, behind this device's back."""
    with server_engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(models.family_scope).where(
            models.family_scope.c.family_id == family_id).values(lead_worker_id=worker))


def server_notes(engine: Engine) -> list[str]:
    c = models.sync_row.c
    with engine.connect() as conn:
        return [json.loads(d)["narrative"] for d in conn.execute(
            select(c.data).where(c.table_name == "contact_note")).scalars()]


def waiting(store: CaseloadStore) -> int:
    with store.read() as session:
        return int(session.execute(text(
            "SELECT count(*) FROM sync_outbox WHERE rejected_reason IS NULL "
            "AND table_name != 'audit_event'")).scalar_one())


def test_refused_change_is_kept_marked_listed_and_not_resent(
        sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    team = server.team("North")
    ann, bob = server.worker("Ann", team), server.worker("Bob", team)
    store = enrolled(server, tmp_path / "a", ann)
    moved = add_family(store, "FAM-1")
    sync(store, server)
    move_family(server.engine, moved, bob)
    note = add_note(store, moved, SECRET)
    kept = add_family(store, "FAM-2")
    add_note(store, kept, "Allowed note")

    report = sync(store, server)
    assert report.rejected == 1 and report.needs_attention == 1
    [item] = needs_attention(store)
    assert (item.table, item.row_id, item.family_id, item.kind, item.reason) == (
        "contact_note", note, moved, "insert", "forbidden")
    assert item.rejected_at is not None
    assert SECRET not in repr(item)  # identifiers and a reason code, never the text
    assert waiting(store) == 0  # not counted as waiting; everything else went up
    status = read_sync_status(store)
    assert (status.waiting, status.needs_attention) == (0, 1)
    assert server_notes(server.engine) == ["Allowed note"]
    with store.read() as session:
        [row] = session.exec(sqlmodel_select(OutboxRow).where(
            OutboxRow.rejected_reason.is_not(None))).all()  # type: ignore[union-attr]
    assert row.fields["narrative"] == SECRET  # the typed text is still on the device

    with server.engine.connect() as conn:
        quarantined = conn.execute(select(func.count()).select_from(models.quarantine))
        assert quarantined.scalar_one() == 1
    again = sync(store, server)
    assert again.rejected == 0 and again.needs_attention == 1  # (pushed: the purge audit)
    with server.engine.connect() as conn:  # not sent again
        assert conn.execute(select(func.count()).select_from(models.quarantine)).scalar_one() == 1

    # The allocation is put right; the worker sends the refused change again.
    move_family(server.engine, moved, ann)
    assert retry_rejected(store) == 1
    assert needs_attention_count(store) == 0 and waiting(store) == 1
    final = sync(store, server)
    assert final.rejected == 0 and final.needs_attention == 0
    assert sorted(server_notes(server.engine)) == sorted(["Allowed note", SECRET])
    store.lock()


def test_retry_goes_after_a_batch_already_cut(sqlite_server: Server, tmp_path: Path) -> None:
    """A refused op queued again must not slip into an unfinished batch (its id would then
    carry different ops, which the server refuses as a reused batch)."""
    server = sqlite_server
    team = server.team("North")
    ann, bob = server.worker("Ann", team), server.worker("Bob", team)
    store = enrolled(server, tmp_path / "a", ann)
    moved = add_family(store, "FAM-1")
    sync(store, server)
    move_family(server.engine, moved, bob)
    add_note(store, moved, "refused")
    sync(store, server)
    move_family(server.engine, moved, ann)
    with store.read() as session:
        before = {r.seq for r in session.exec(sqlmodel_select(OutboxRow)).all()}
    retry_rejected(store)
    with store.read() as session:
        after = session.exec(sqlmodel_select(OutboxRow).where(
            OutboxRow.table_name == "contact_note")).all()
    assert len(after) == 1 and after[0].seq is not None and after[0].seq > max(before)
    assert after[0].rejected_reason is None and after[0].batch_id is None
    assert sync(store, server).rejected == 0
    store.lock()


def test_cli_sync_reports_changes_needing_attention(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import familyworker.cli.common as common

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
        monkeypatch.setattr(common, "_stdin_lines", None)
        code = main([*args, "--data-dir", str(tmp_path / "a"), "--passphrase-stdin"])
        out, err = capsys.readouterr()
        return code, out, err

    with start_server(tmp_path / "server") as running:
        admin = db.make_engine(running.settings.resolved_url())
        team = accounts.add_team(admin, name="North")
        ann = accounts.add_worker(admin, name="Ann", role="worker", team=team)
        bob = accounts.add_worker(admin, name="Bob", role="worker", team=team)
        store = CaseloadStore.create(tmp_path / "a", PASSPHRASE)
        store.lock()
        code = accounts.new_enrolment_code(admin, worker=ann)
        assert run("enrol", "--server", running.url, "--code", code)[0] == 0
        assert run("import-families", str(_cohort(tmp_path)))[0] == 0
        assert run("sync")[0] == 0
        with admin.connect() as conn:
            family = conn.execute(select(models.family_scope.c.family_id)).scalar_one()
        move_family(admin, family, bob)
        assert run("add-note", "FAM-9", "--kind", "phone", "--text", SECRET)[0] == 0
        status, out, err = run("sync", "--json")
        assert status == 0, err
        [item] = json.loads(out)["needs_attention"]
        assert (item["table"], item["reason"], item["family_id"]) == (
            "contact_note", "forbidden", family)
        status, out, _ = run("sync")
        assert status == 0 and "1 change needs attention" in out and "forbidden" in out
        assert SECRET not in out
        status, out, _ = run("attention", "--json")
        assert status == 0 and [c["op_id"] for c in json.loads(out)] == [item["op_id"]]
        status, out, _ = run("attention")
        assert "1 change the server refused" in out and SECRET not in out
        status, _, err = run("send-again", "no-such-op")
        assert status != 0 and "no-such-op" in err
        # The supervisor gives the family back; the refused note goes again and lands.
        move_family(admin, family, ann)
        status, out, _ = run("send-again", item["op_id"])
        assert status == 0 and out.startswith("1 changes queued")
        status, out, _ = run("sync", "--json")
        assert status == 0 and json.loads(out)["needs_attention"] == []
        assert SECRET in server_notes(admin)
        status, out, _ = run("attention")
        assert out.startswith("No refused changes")
        admin.dispose()



def _cohort(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_text("reference,household_name,postcode\nFAM-9,Nine,AB1 2CD\n")
    return path


def test_a_change_that_does_not_fit_the_row_schema_needs_attention_in_words(
        server: Server, tmp_path: Path) -> None:
    """A buggy or older client's bad change is refused on its own, kept on the device with the
    server's reason (naming the field, never the value), and the next good change still goes."""
    from familyworker.sync.write_transaction import WriteTransaction
    from familyworker.views.sync.attention_dialog import reason_words

    team = server.team("North")
    store = enrolled(server, tmp_path / "a", server.worker("Ann", team))
    family = add_family(store, "FAM-1")
    sync(store, server)
    store_note = add_note(store, family, SECRET)
    with WriteTransaction(store) as conn:  # what a bug would have queued
        conn.execute(text(
            "UPDATE sync_outbox SET fields = json_set(fields, '$.occurred_at', json(:bad))"
            " WHERE row_id = :r AND table_name = 'contact_note'"),
            {"r": store_note, "bad": '{"x": 1}'})
    report = sync(store, server)
    assert report.rejected == 1
    [change] = needs_attention(store)
    assert change.reason == "invalid_field: occurred_at is not a date and time"
    assert reason_words(change.reason) == \
        "The server could not accept it: occurred at is not a date and time"
    assert SECRET not in server_notes(server.engine)
    add_note(store, family, "Allowed note")
    assert sync(store, server).rejected == 0
    assert server_notes(server.engine) == ["Allowed note"]
