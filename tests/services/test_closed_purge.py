"""Closed families leave a worker's laptop (SECURITY J1): after the grace period, once their
changes are sent, unless the sustainability review is near; the server keeps them."""

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from tests.sync.helpers import SERVER_URL, Server, add_family, add_note, enrolled, sync

from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.retention import leaves_laptop
from familyworker.services import families
from familyworker.services.case_status import set_status
from familyworker.services.closed_purge import purge_closed_families
from familyworker.services.offline_policy import SETTING_CLOSED_GRACE_DAYS
from familyworker.services.sync_outcome import SyncState
from familyworker.services.sync_session import sync_pass
from familyworker.store.caseload_store import CaseloadStore
from familyworker_server import cli as server_cli
from familyworker_server import models
from familyworker_server.config import ServerSettings
from familyworker_server.main import create_app


def close(store: CaseloadStore, family_id: str, on: date) -> None:
    set_status(store, family_id, FamilyStatus.CLOSED, on=on,
               reason=ClosureReason.OUTCOMES_ACHIEVED, today=date(2026, 12, 31))


def local_rows(store: CaseloadStore, family_id: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT (SELECT count(*) FROM family WHERE id = :f) "
            "+ (SELECT count(*) FROM contact_note WHERE family_id = :f)"),
            {"f": family_id}).scalar_one())


def server_rows(server: Server, family_id: str) -> int:
    c = models.sync_row.c
    with server.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(models.sync_row).where(
            (c.family_id == family_id) | (c.row_id == family_id))).scalar_one())


def purge_events(store: CaseloadStore) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return [(str(f), str(d)) for f, d in conn.execute(text(
            "SELECT family_id, detail FROM audit_event WHERE action = 'purge'"))]


def test_the_rule() -> None:
    closed, review = date(2026, 1, 10), date(2026, 7, 10)
    assert not leaves_laptop(None, None, date(2030, 1, 1))
    assert not leaves_laptop(closed, review, date(2026, 2, 6))  # 27 days
    assert leaves_laptop(closed, review, date(2026, 2, 7))  # 28 days
    assert not leaves_laptop(closed, review, date(2026, 6, 10))  # review within 30 days
    assert not leaves_laptop(closed, review, date(2026, 8, 9))  # review 30 days ago
    assert leaves_laptop(closed, review, date(2026, 8, 10))
    assert not leaves_laptop(closed, None, date(2026, 2, 7), grace_days=60)


def test_a_closed_family_leaves_the_laptop_after_the_grace_period(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    laptop = enrolled(server, tmp_path / "a", ann)
    closed, still_open = add_family(laptop, "FAM-1"), add_family(laptop, "FAM-2")
    add_note(laptop, closed, "Canary visit")
    close(laptop, closed, date(2026, 1, 10))
    first = sync_pass(laptop, http=server.client, today=lambda: date(2026, 2, 6))
    assert first.state is SyncState.SYNCED
    assert local_rows(laptop, closed) == 2  # 27 days after closing: still here
    second = sync_pass(laptop, http=server.client, today=lambda: date(2026, 2, 10))
    assert second.state is SyncState.SYNCED
    assert local_rows(laptop, closed) == 0 and local_rows(laptop, still_open) == 1
    assert server_rows(server, closed) == 2  # the server keeps the record
    assert purge_events(laptop) == [(closed, "closed")]
    # Later passes neither bring it back nor purge it again.
    sync_pass(laptop, http=server.client, today=lambda: date(2026, 3, 1))
    assert local_rows(laptop, closed) == 0 and len(purge_events(laptop)) == 1
    # Its review window opens (due 10 July): the next pass downloads it all again.
    wanted = sync_pass(laptop, http=server.client, today=lambda: date(2026, 6, 15))
    assert wanted.state is SyncState.SYNCED
    sync_pass(laptop, http=server.client, today=lambda: date(2026, 6, 15))
    assert local_rows(laptop, closed) == 2
    laptop.lock()


def test_it_stays_while_its_review_is_due_or_changes_wait(server: Server,
                                                          tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    laptop = enrolled(server, tmp_path / "a", ann)
    reviewing, waiting = add_family(laptop, "FAM-1"), add_family(laptop, "FAM-2")
    close(laptop, reviewing, date(2025, 12, 20))  # review due 20 June 2026
    close(laptop, waiting, date(2025, 1, 1))
    sync(laptop, server)
    families.update_family(laptop, waiting, household_name="Renamed")  # not sent yet
    result = purge_closed_families(laptop, today=date(2026, 6, 1))
    assert result.purged == ()
    assert local_rows(laptop, reviewing) == 1 and local_rows(laptop, waiting) == 1
    sync(laptop, server)
    assert purge_closed_families(laptop, today=date(2026, 6, 1)).purged == (waiting,)
    assert local_rows(laptop, reviewing) == 1 and local_rows(laptop, waiting) == 0
    laptop.lock()


def test_a_supervisor_keeps_their_team(server: Server, tmp_path: Path) -> None:
    team = server.team("North")
    ann, sue = server.worker("Ann", team), server.worker("Sue", team, role="supervisor")
    laptop = enrolled(server, tmp_path / "a", ann)
    family = add_family(laptop, "FAM-1")
    close(laptop, family, date(2025, 1, 1))
    sync(laptop, server)
    supervisor = enrolled(server, tmp_path / "s", sue)
    sync(supervisor, server)
    assert local_rows(supervisor, family) == 1
    assert purge_closed_families(supervisor, today=date(2026, 6, 1)).purged == ()
    assert local_rows(supervisor, family) == 1
    assert purge_closed_families(laptop, today=date(2026, 6, 1)).purged == (family,)
    laptop.lock()
    supervisor.lock()


def test_the_grace_period_is_the_organisations(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path / "server", closed_grace_days=60))
    with TestClient(app, base_url=SERVER_URL) as client:
        server = Server(client, app.state.engine)
        laptop = enrolled(server, tmp_path / "a", server.worker("Ann", server.team("North")))
        family = add_family(laptop, "FAM-1")
        close(laptop, family, date(2026, 1, 10))
        sync_pass(laptop, http=client, today=lambda: date(2026, 2, 20))  # 41 days
        assert laptop.setting(SETTING_CLOSED_GRACE_DAYS) == 60
        assert local_rows(laptop, family) == 1
        sync_pass(laptop, http=client, today=lambda: date(2026, 3, 11))  # 60 days
        assert local_rows(laptop, family) == 0
        laptop.lock()
    app.state.engine.dispose()
    assert server_cli.main(["serve", "--data", str(tmp_path / "s2"),
                            "--closed-grace-days", "-1"]) == 2
    assert "--closed-grace-days must be between 0 and 365" in capsys.readouterr().err
