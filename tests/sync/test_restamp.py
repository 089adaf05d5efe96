"""A device whose clock ran a year fast: its changes carry stamps from the future. Once the
clock is right, the next sync re-stamps them from now (in order, in the outbox and in the
rows) and sends them, instead of being refused until real time catches up."""

import json
import logging
import time
from pathlib import Path

import pytest
from sqlmodel import select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.domain.hlc import Timestamp
from familyworker.services import families
from familyworker.store.tables import ContactNoteRow, FamilyRow, OutboxRow
from familyworker.sync.restamp import restamp_future_stamps

YEAR_MS = 365 * 24 * 3600 * 1000


def test_future_stamps_are_replaced_in_order_and_nothing_is_lost(
        sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    kept = add_family(store, "FAM-0", "Before")
    sync(store, server)
    now_ms = time.time_ns() // 1_000_000
    # The clock read a year ahead while these were typed.
    store.restart_clock(Timestamp(now_ms + YEAR_MS, 0, store.device_id))
    fid = add_family(store, "FAM-1", "Fast clock")
    add_note(store, fid, "Typed while the clock was wrong.")
    families.update_family(store, kept, household_name="Renamed later")
    with store.read() as session:
        before = [(r.seq, r.hlc) for r in session.exec(select(OutboxRow)).all()]
    assert before and all(int(h[:12], 16) > now_ms + YEAR_MS - 1 for _, h in before)

    moved = restamp_future_stamps(store, now_ms=now_ms)

    assert moved == len(before)
    with store.read() as session:
        after = sorted((r.seq, r.hlc) for r in session.exec(select(OutboxRow)).all())
        rows = [*session.exec(select(FamilyRow)).all(),
                *session.exec(select(ContactNoteRow)).all()]
    stamps = [h for _, h in after]
    assert stamps == sorted(stamps)  # the order of the edits is kept
    assert all(now_ms <= int(h[:12], 16) < now_ms + 1000 for h in stamps)
    outbox_stamps = set(stamps)
    for row in rows:  # every local stamp from the fast clock now matches its outbox change
        for stamp in json.loads(row.field_hlc).values():
            assert int(stamp[:12], 16) < now_ms + YEAR_MS
            if stamp.endswith(store.device_id) and int(stamp[:12], 16) >= now_ms:
                assert stamp in outbox_stamps
    assert store.clock.now().wall_ms < now_ms + YEAR_MS  # the clock continues from now

    report = sync(store, server)
    assert report.rejected == 0
    tablet = enrolled(server, tmp_path / "b", ann)
    sync(tablet, server)
    with tablet.read() as session:
        names = {r.reference: r.household_name for r in session.exec(select(FamilyRow)).all()}
        notes = [n.narrative for n in session.exec(select(ContactNoteRow)).all()]
    assert names == {"FAM-0": "Renamed later", "FAM-1": "Fast clock"}
    assert notes == ["Typed while the clock was wrong."]
    store.lock()
    tablet.lock()


def test_sync_re_stamps_by_itself_once_the_clock_is_right(
        sqlite_server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    now_ms = time.time_ns() // 1_000_000
    store.restart_clock(Timestamp(now_ms + YEAR_MS, 0, store.device_id))
    fid = add_family(store, "FAM-2", "Typed in the future")
    add_note(store, fid, "The laptop thought it was next year.")

    with caplog.at_level(logging.WARNING, logger="familyworker.sync.engine"):
        report = sync(store, server)  # refused (stamps ahead), re-stamped, sent again

    assert report.rejected == 0
    assert any("re-stamped" in r.getMessage() for r in caplog.records)
    with store.read() as session:
        assert session.exec(select(OutboxRow)).all() == []
    tablet = enrolled(server, tmp_path / "b", ann)
    sync(tablet, server)
    with tablet.read() as session:
        assert [n.narrative for n in session.exec(select(ContactNoteRow)).all()] == [
            "The laptop thought it was next year."]
    store.lock()
    tablet.lock()
