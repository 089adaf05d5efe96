"""The status bar's facts: changes waiting, refused changes, conflicts, last synced, outcomes of
connecting and syncing (wrong code, expired code, unreachable server, revoked device)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from tests.sync.helpers import (
    SERVER_URL,
    Server,
    add_family,
    enrolled,
    new_store,
    sync,
    worker_and_supervisor,
)

from familyworker.services import families
from familyworker.services.caseload import list_caseload
from familyworker.services.family_file import load_family_file
from familyworker.services.sync_session import (
    EXPIRED_CODE,
    WRONG_CODE,
    ConnectProblem,
    SyncState,
    check_server_address,
    connect_to_organisation,
    sync_pass,
    wipe_revoked_caseload,
)
from familyworker.services.sync_status import (
    DEFAULT_SYNC_MINUTES,
    clamp_interval,
    read_sync_status,
    relative_time,
    set_sync_interval,
    waiting_text,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.paths import StorePaths
from familyworker.sync.engine import is_enrolled
from familyworker_server import accounts


def test_offline_caseload_counts_its_changes_but_not_audit_events(store: CaseloadStore) -> None:
    status = read_sync_status(store)
    assert (status.enrolled, status.waiting, status.open_conflicts) == (False, 0, 0)
    assert status.last_synced_at is None and status.interval_minutes == DEFAULT_SYNC_MINUTES
    add_family(store, "FAM-1")
    with store.read() as session:
        audit_rows = session.execute(text(
            "SELECT count(*) FROM sync_outbox WHERE table_name = 'audit_event'")).scalar_one()
    assert audit_rows >= 1  # so the count below really leaves them out
    status = read_sync_status(store)
    assert status.waiting == 1 and waiting_text(status) == "1 change waiting"


def test_refused_changes_count_as_needing_attention_not_waiting(store: CaseloadStore) -> None:
    add_family(store, "FAM-1")
    add_family(store, "FAM-2")
    with store.unit_of_work() as uow:
        uow.session.execute(text(
            "UPDATE sync_outbox SET rejected_reason = 'forbidden' WHERE seq = (SELECT min(seq) "
            "FROM sync_outbox WHERE table_name = 'family')"))
    status = read_sync_status(store)
    assert (status.waiting, status.needs_attention) == (1, 1)
    # The caseload's and the family file's pending markers agree with the status bar.
    pending = {row.reference: row.pending_changes for row in list_caseload(store)}
    assert pending == {"FAM-1": 0, "FAM-2": 1}
    assert load_family_file(store, reference="FAM-1").pending_changes == 0


def test_sync_empties_the_waiting_count_and_records_when(
        sqlite_server: Server, tmp_path: Path) -> None:
    team = sqlite_server.team("North")
    ann = sqlite_server.worker("Ann", team)
    laptop = enrolled(sqlite_server, tmp_path / "a", ann)
    fid = add_family(laptop, "FAM-1")
    families.update_family(laptop, fid, household_name="Renamed")
    before = datetime.now(UTC)
    assert read_sync_status(laptop).waiting == 2
    outcome = sync_pass(laptop, http=sqlite_server.client)
    assert outcome.state is SyncState.SYNCED and outcome.report is not None
    status = read_sync_status(laptop)
    assert status.enrolled and status.server_url == SERVER_URL and status.waiting == 0
    assert status.last_synced_at is not None and status.last_synced_at >= before
    laptop.lock()


def test_conflicts_are_counted_until_resolved(sqlite_server: Server, tmp_path: Path) -> None:
    from familyworker.sync.conflicts import list_conflicts, resolve_conflict

    team = sqlite_server.team("North")
    ann = sqlite_server.worker("Ann", team)
    a = enrolled(sqlite_server, tmp_path / "a", ann)
    b = enrolled(sqlite_server, tmp_path / "b", ann)
    fid = add_family(a, "FAM-1")
    sync(a, sqlite_server)
    sync(b, sqlite_server)
    families.update_family(a, fid, household_name="Smith-Jones")
    families.update_family(b, fid, household_name="Smyth")
    sync(a, sqlite_server)
    sync(b, sqlite_server)
    assert read_sync_status(b).open_conflicts == 1
    resolve_conflict(b, list_conflicts(b)[0].id, keep="theirs")
    assert read_sync_status(b).open_conflicts == 0
    a.lock()
    b.lock()


def test_wrong_and_expired_codes_say_so_and_enrol_nothing(
        sqlite_server: Server, tmp_path: Path) -> None:
    team = sqlite_server.team("North")
    ann = sqlite_server.worker("Ann", team)
    store = new_store(tmp_path / "a")
    with pytest.raises(ConnectProblem) as wrong:
        connect_to_organisation(store, server_url=SERVER_URL, code="AAAA-BBBB-CCCC-DDDD",
                                http=sqlite_server.client)
    assert str(wrong.value) == WRONG_CODE
    expired = accounts.new_enrolment_code(sqlite_server.engine, worker=ann, hours=-1)
    with pytest.raises(ConnectProblem) as late:
        connect_to_organisation(store, server_url=SERVER_URL, code=expired,
                                http=sqlite_server.client)
    assert str(late.value) == EXPIRED_CODE
    assert not is_enrolled(store) and read_sync_status(store).server_url == ""
    outcome = connect_to_organisation(store, server_url=SERVER_URL,
                                      code=sqlite_server.code(ann), http=sqlite_server.client)
    assert outcome.state is SyncState.SYNCED and is_enrolled(store)
    store.lock()


def test_unreachable_server_is_plain_words_and_nothing_enrolled(tmp_path: Path) -> None:
    store = new_store(tmp_path / "a")
    with pytest.raises(ConnectProblem, match="could not be reached"):
        # Port 9 (discard) on loopback: nothing listens there on these machines.
        connect_to_organisation(store, server_url="http://127.0.0.1:9", code="ABCD-EFGH")
    assert not is_enrolled(store)
    store.lock()


@pytest.mark.parametrize(("address", "problem"), [
    ("", "Enter your organisation's server address."),
    ("sync.example.org", "should start with https://"),
    ("ftp://sync.example.org", "should start with https://"),
])
def test_bad_addresses_are_refused_before_anything_is_sent(address: str, problem: str) -> None:
    with pytest.raises(ConnectProblem, match=problem):
        check_server_address(address)
    assert check_server_address(" https://sync.example.org/ ") == "https://sync.example.org"


def test_offline_pass_loses_nothing(sqlite_server: Server, tmp_path: Path) -> None:
    team = sqlite_server.team("North")
    laptop = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker("Ann", team))
    add_family(laptop, "FAM-1")
    dead = httpx.Client(transport=httpx.MockTransport(_refuse_connection))
    outcome = sync_pass(laptop, http=dead)
    assert outcome.state is SyncState.OFFLINE and "kept" in outcome.message
    assert read_sync_status(laptop).waiting == 1
    assert sync_pass(laptop, http=sqlite_server.client).state is SyncState.SYNCED
    assert read_sync_status(laptop).waiting == 0
    laptop.lock()


def _refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def test_revoked_device_is_wiped_and_told(sqlite_server: Server, tmp_path: Path) -> None:
    team = sqlite_server.team("North")
    laptop = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker("Ann", team))
    accounts.revoke_device(sqlite_server.engine, device_id=laptop.device_id)
    add_family(laptop, "FAM-1")
    outcome = sync_pass(laptop, http=sqlite_server.client)
    # Told first: nothing is wiped until the app has said so.
    assert outcome.state is SyncState.REVOKED and "wiped" in outcome.message
    assert not outcome.wiped and not laptop.is_locked and StorePaths(tmp_path / "a").exists()
    assert read_sync_status(laptop).waiting == 1  # the server took nothing
    wipe_revoked_caseload(laptop)
    paths = StorePaths(tmp_path / "a")
    assert laptop.is_locked and not paths.exists() and not paths.key_file.exists()
    assert not any(f.exists() for f in paths.database_files())


def test_revocation_during_a_pass_is_wiped_by_the_engine(
        sqlite_server: Server, tmp_path: Path) -> None:
    team = sqlite_server.team("North")
    laptop = enrolled(sqlite_server, tmp_path / "a", sqlite_server.worker("Ann", team))
    add_family(laptop, "FAM-1")
    client = sqlite_server.client
    original = client.request

    def revoke_after_status(method: str, url: object, **kwargs: object) -> httpx.Response:
        response = original(method, url, **kwargs)  # type: ignore[arg-type]
        if str(url).endswith("/sync/v1/status"):
            accounts.revoke_device(sqlite_server.engine, device_id=laptop.device_id)
        return response

    client.request = revoke_after_status  # type: ignore[assignment,method-assign]
    try:
        outcome = sync_pass(laptop, http=client)
    finally:
        client.request = original  # type: ignore[method-assign]
    assert outcome.state is SyncState.REVOKED and outcome.wiped
    assert laptop.is_locked and not StorePaths(tmp_path / "a").exists()


def test_not_connected_pass_does_nothing(store: CaseloadStore) -> None:
    assert sync_pass(store).state is SyncState.NOT_CONNECTED


def test_interval_setting_is_clamped_and_validated(store: CaseloadStore) -> None:
    set_sync_interval(store, 15)
    assert read_sync_status(store).interval_minutes == 15
    with pytest.raises(ValueError, match="Choose between"):
        set_sync_interval(store, 0)
    assert clamp_interval("often") == DEFAULT_SYNC_MINUTES and clamp_interval(0.2) == 1
    assert clamp_interval(True) == DEFAULT_SYNC_MINUTES


def test_relative_time_reads_naturally() -> None:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert relative_time(None, now) == "never"
    assert relative_time(now - timedelta(seconds=20), now) == "just now"
    assert relative_time(now + timedelta(seconds=5), now) == "just now"
    assert relative_time(now - timedelta(minutes=1), now) == "1 minute ago"
    assert relative_time(now - timedelta(minutes=42), now) == "42 minutes ago"
    assert relative_time(now - timedelta(hours=2, minutes=5), now) == "2 hours ago"
    assert relative_time(now - timedelta(days=9), now).endswith(
        f"at {(now - timedelta(days=9)).astimezone():%H:%M}")


def test_a_pass_says_which_families_got_management_oversight(
        sqlite_server: Server, tmp_path: Path) -> None:
    from familyworker.services.oversight import add_oversight_note

    ann, sue = worker_and_supervisor(sqlite_server)
    laptop = enrolled(sqlite_server, tmp_path / "a", ann)
    fid = add_family(laptop, "FAM-1")
    add_family(laptop, "FAM-2")
    first = sync_pass(laptop, http=sqlite_server.client)
    assert first.oversight_for == ()
    supervisor = enrolled(sqlite_server, tmp_path / "s", sue)
    assert sync_pass(supervisor, http=sqlite_server.client).oversight_for == ()  # first download
    add_oversight_note(supervisor, family_id=fid, decision="Keep open; review in a month.")
    assert sync_pass(supervisor, http=sqlite_server.client).oversight_for == ()  # its own
    arrived = sync_pass(laptop, http=sqlite_server.client)
    assert arrived.oversight_for == ("FAM-1",)
    assert sync_pass(laptop, http=sqlite_server.client).oversight_for == ()  # told once
    laptop.lock()
    supervisor.lock()
