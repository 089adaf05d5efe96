"""A device away for longer than the server keeps deletion records (410 resync_scope)
downloads its caseload again: rows deleted meanwhile leave it, its unsent work is sent first
and kept, and an interrupted download starts over. On SQLite and PostgreSQL."""

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.domain.contact import NoteKind
from familyworker.services import notes
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow
from familyworker.sync import engine as engine_module
from familyworker.sync.engine import SyncEngine
from familyworker.sync.resync import SETTING_RESYNC
from familyworker_server.tombstones import purge_tombstones


def live_notes(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {n.narrative for n in session.exec(select(ContactNoteRow)).all()
                if n.deleted_at is None}


def all_note_ids(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {n.id for n in session.exec(select(ContactNoteRow)).all()}


def away_too_long(server: Server, tmp_path: Path) -> tuple[CaseloadStore, CaseloadStore, str]:
    """Ann's laptop deletes a draft her tablet holds; the server then purges that deletion
    record while the tablet is away, and the tablet writes a note offline."""
    ann = server.worker("Ann", server.team("North"))
    laptop = enrolled(server, tmp_path / "laptop", ann)
    family = add_family(laptop, "FAM-1", "Smith")
    add_note(laptop, family, "Kept: final note.")
    draft = notes.save_note(laptop, family_id=family, kind=NoteKind("home-visit"),
                            occurred_at=datetime.now(UTC), narrative="Draft, later deleted.",
                            finalise=False).id
    sync(laptop, server)
    tablet = enrolled(server, tmp_path / "tablet", ann)
    sync(tablet, server)
    assert live_notes(tablet) == {"Kept: final note.", "Draft, later deleted."}
    notes.delete_draft_note(laptop, draft)
    sync(laptop, server)
    time.sleep(0.01)  # the deletion's stamp is now strictly older than "now"
    assert purge_tombstones(server.engine, older_than_days=0).removed == 1
    add_note(tablet, family, "Written offline on the tablet.")
    return laptop, tablet, draft


def test_a_device_away_too_long_downloads_again_and_keeps_its_work(
        server: Server, tmp_path: Path) -> None:
    laptop, tablet, draft = away_too_long(server, tmp_path)

    report = sync(tablet, server)

    assert report.resynced and report.resync_removed == 1 and report.pushed >= 1
    assert draft not in all_note_ids(tablet)
    assert live_notes(tablet) == {"Kept: final note.", "Written offline on the tablet."}
    assert not tablet.setting(SETTING_RESYNC)
    sync(laptop, server)
    assert live_notes(laptop) == live_notes(tablet)
    again = sync(tablet, server)
    assert not again.resynced and again.pulled == 0
    laptop.lock()
    tablet.lock()


def test_an_interrupted_full_download_starts_over(
        server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    laptop, tablet, draft = away_too_long(server, tmp_path)
    real_apply = engine_module.apply_received
    pages: list[int] = []

    def apply_then_crash(*args: object, **kwargs: object) -> Any:
        pages.append(1)
        if len(pages) == 2:
            raise RuntimeError("killed mid-download")
        return real_apply(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module, "apply_received", apply_then_crash)
    with pytest.raises(RuntimeError):
        SyncEngine(tablet, http=server.client, page_rows=2).sync()
    assert tablet.setting(SETTING_RESYNC) is True
    assert draft in all_note_ids(tablet)  # nothing removed before the download is whole
    monkeypatch.setattr(engine_module, "apply_received", real_apply)

    report = SyncEngine(tablet, http=server.client, page_rows=2).sync()

    assert report.resynced and report.resync_removed == 1
    assert live_notes(tablet) == {"Kept: final note.", "Written offline on the tablet."}
    assert not tablet.setting(SETTING_RESYNC)
    laptop.lock()
    tablet.lock()


def test_a_new_device_downloads_past_the_horizon_page_by_page(
        server: Server, tmp_path: Path) -> None:
    laptop, tablet, _ = away_too_long(server, tmp_path)
    ann = laptop.worker_id
    fresh = enrolled(server, tmp_path / "fresh", ann)

    # Small pages: every page after the first has a cursor below the horizon.
    report = SyncEngine(fresh, http=server.client, page_rows=2).sync()

    assert not report.resynced and report.pulled >= 3
    assert live_notes(fresh) == {"Kept: final note."}
    for store in (laptop, tablet, fresh):
        store.lock()
