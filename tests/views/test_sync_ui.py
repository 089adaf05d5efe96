"""The app side of sync, driven as a person would, against a real server on loopback: connect on
first run, the status bar, Sync now, offline, conflicts resolved in the conflicts view, and a
revoked laptop wiped."""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from tests.views.conftest import TEST_PASSPHRASE, close_down, make_controller, unlock

from familyworker.services import families
from familyworker.services.sync_session import REVOKED, WRONG_CODE, sync_pass
from familyworker.services.sync_status import read_sync_status
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.paths import StorePaths
from familyworker.store.tables import FamilyRow
from familyworker.store.unlock_attempts import CODE_NEEDED, ONLINE_UNLOCK_AFTER, UnlockAttemptLog
from familyworker.sync.conflicts import list_conflicts
from familyworker.sync.engine import SETTING_LAST_CONTACT, enrol
from familyworker.views.app_controller import AppController
from familyworker.views.family.family_window import FamilyWindow
from familyworker_server import accounts, unlock_codes
from familyworker_server.background import RunningServer, start_server
from familyworker_server.db import make_engine

pytestmark = pytest.mark.gui


@dataclass
class Live:
    """A real server on 127.0.0.1 and an admin connection to its database."""

    running: RunningServer
    admin: Engine
    team: str
    worker: str

    @property
    def url(self) -> str:
        return self.running.url

    def code(self) -> str:
        return accounts.new_enrolment_code(self.admin, worker=self.worker)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    running = start_server(tmp_path / "server")
    admin = make_engine(running.settings.resolved_url())
    team = accounts.add_team(admin, name="North")
    worker = accounts.add_worker(admin, name="Ann Worker", role="worker", team=team)
    yield Live(running, admin, team, worker)
    admin.dispose()
    running.stop()


def enrolled_store(live: Live, path: Path) -> CaseloadStore:
    store = CaseloadStore.create(path, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    enrol(store, server_url=live.url, code=live.code())
    return store


def laptop_with_family(live: Live, path: Path, reference: str = "FAM-1") -> str:
    """An enrolled, synced caseload holding one family; closed so the app can open it."""
    store = enrolled_store(live, path)
    try:
        family_id = families.add_family(store, reference=reference, household_name="Smith",
                                        postcode="AB1 2CD").id
        assert sync_pass(store).report is not None
    finally:
        store.lock()
    return family_id


def laptop_edited_offline(live: Live, tmp_path: Path, **edits: str
                          ) -> tuple[str, CaseloadStore]:
    """A laptop (closed, at tmp_path/laptop) with a family it changed after the last sync, and
    an open tablet of the same worker holding that family as synced before the change."""
    data_dir = tmp_path / "laptop"
    family_id = laptop_with_family(live, data_dir)
    tablet = enrolled_store(live, tmp_path / "tablet")
    sync_pass(tablet)
    laptop = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    families.update_family(laptop, family_id, **edits)
    laptop.lock()
    return family_id, tablet


def open_laptop(qtbot: QtBot, live: Live, data_dir: Path,
                settings: QSettings) -> tuple[str, AppController]:
    """A synced laptop holding one family, opened in the app and unlocked."""
    family_id = laptop_with_family(live, data_dir)
    controller = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, controller)
    return family_id, controller


def status_text(controller: AppController) -> str:
    return controller.sync.status_widget.summary()


def wait_for_status(qtbot: QtBot, controller: AppController, *parts: str) -> None:
    qtbot.waitUntil(lambda: all(p in status_text(controller) for p in parts), timeout=15_000)


def open_family(qtbot: QtBot, controller: AppController, family_id: str) -> FamilyWindow:
    window = controller.open_family(family_id, "FAM-1")
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.file is not None, timeout=10_000)
    return window


def add_member(qtbot: QtBot, window: FamilyWindow, name: str) -> None:
    page = window.household_page
    qtbot.keyClicks(page.name_edit, name)
    qtbot.keyClicks(page.relationship_edit, "son")
    before = page.members_model.rowCount()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.members_model.rowCount() == before + 1, timeout=10_000)


def outbox_count(data_dir: Path) -> int:
    store = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    try:
        with store.read() as session:
            return int(session.execute(text(
                "SELECT count(*) FROM sync_outbox WHERE table_name != 'audit_event'"))
                .scalar_one())
    finally:
        store.lock()


# ----- first run: connect --------------------------------------------------------------------


def test_first_run_connect_wrong_code_then_right_code(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    laptop_with_family(live, tmp_path / "other-laptop")  # the worker's caseload on the server
    data_dir = tmp_path / "new"
    controller = make_controller(qtbot, data_dir, settings)
    controller.start()
    create = controller.create_dialog
    assert create is not None
    qtbot.addWidget(create)
    qtbot.keyClicks(create.passphrase_edit, "correct horse battery staple")
    qtbot.keyClicks(create.repeat_edit, "correct horse battery staple")
    qtbot.mouseClick(create.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.sync.connect_dialog is not None
                    and controller.sync.connect_dialog.isVisible(), timeout=15_000)
    dialog = controller.sync.connect_dialog
    assert dialog is not None
    assert dialog.offline_button.text() == "&Work offline for now"
    wait_for_status(qtbot, controller, "Working offline (not connected)", "0 changes waiting")

    qtbot.keyClicks(dialog.server_edit, live.url)
    qtbot.keyClicks(dialog.code_edit, "WXYZ-WXYZ-WXYZ-WXYZ")
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message_label.text() == WRONG_CODE, timeout=15_000)
    assert dialog.isVisible() and dialog.connect_button.isEnabled()
    assert dialog.server_edit.text() == live.url  # what was typed is kept
    store = controller.store
    assert store is not None and not read_sync_status(store).enrolled

    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, live.code())
    with qtbot.waitSignal(controller.sync.connected, timeout=20_000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert controller.sync.connect_dialog is None  # closed and gone
    wait_for_status(qtbot, controller, "Online", "last synced just now", "0 changes waiting")
    qtbot.waitUntil(lambda: controller.main_window.visible_references() == ["FAM-1"],
                    timeout=10_000)
    assert read_sync_status(store).enrolled
    assert controller.sync.next_sync_in_ms > 4 * 60_000  # the default 5-minute tick is set
    close_down(controller)


def test_work_offline_then_connect_later_from_the_menu(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "offline"
    CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    controller = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, controller)
    wait_for_status(qtbot, controller, "Working offline (not connected)")
    assert not controller.sync.sync_action.isEnabled()
    assert controller.sync.connect_action.isEnabled()
    controller.sync.connect_action.trigger()
    dialog = controller.sync.connect_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.server_edit, "sync.example.org")
    qtbot.keyClicks(dialog.code_edit, "ABCD")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "should start with https://" in dialog.message_label.text(),
                    timeout=10_000)
    dialog.server_edit.setText("http://127.0.0.1:9")  # nothing listens on the discard port
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "could not be reached" in dialog.message_label.text(),
                    timeout=15_000)
    dialog.server_edit.setText(live.url)
    dialog.code_edit.setText(live.code())
    with qtbot.waitSignal(controller.sync.connected, timeout=20_000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    assert controller.sync.sync_action.isEnabled()
    assert not controller.sync.connect_action.isEnabled()
    close_down(controller)


# ----- status bar, Sync now, offline ----------------------------------------------------------


def test_an_edit_waits_then_sync_now_sends_it(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online", "last synced just now", "0 changes waiting")
    signed_in = controller.main_window.signed_in_label
    qtbot.waitUntil(lambda: signed_in.text().endswith("(worker)"), timeout=10_000)
    window = open_family(qtbot, controller, family_id)
    add_member(qtbot, window, "Sam Smith")
    wait_for_status(qtbot, controller, "Online", "1 change waiting")
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(controller.main_window, Qt.Key.Key_F5)
    wait_for_status(qtbot, controller, "Online", "last synced just now", "0 changes waiting")
    window.close()
    close_down(controller)
    # And the member really reached the server: a second laptop of the same worker pulls it.
    other = enrolled_store(live, tmp_path / "tablet")
    sync_pass(other)
    with other.read() as session:
        names = [r[0] for r in session.execute(text("SELECT name FROM person"))]
    other.lock()
    assert names == ["Sam Smith"]


def test_server_down_shows_offline_and_loses_nothing(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    live.running.stop()
    window = open_family(qtbot, controller, family_id)
    add_member(qtbot, window, "Sam Smith")
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_for_status(qtbot, controller, "Offline", "1 change waiting")
    assert 0 < controller.sync.next_sync_in_ms <= 32_000  # looks again in ~30 s (coarse timer)
    # F5 said in words why nothing was sent (it used to give no feedback at all).
    assert "cannot be reached" in controller.main_window.statusBar().currentMessage()
    window.close()
    close_down(controller)
    assert outbox_count(data_dir) == 1


def laptop_offline_for_31_days(live: Live, data_dir: Path) -> str:
    """An enrolled laptop whose last contact with the server was 31 days ago; its device id."""
    laptop_with_family(live, data_dir)
    store = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    store.set_setting(SETTING_LAST_CONTACT, (datetime.now(UTC) - timedelta(days=31)).isoformat())
    store.lock()
    return store.device_id


def unlock_refused(qtbot: QtBot, controller: AppController) -> None:
    """Type the passphrase and press Enter; wait for the unlock to fail."""
    controller.start()
    dialog = controller.unlock_dialog
    qtbot.keyClicks(dialog.passphrase_edit, TEST_PASSPHRASE)
    with qtbot.waitSignal(dialog.failed, timeout=15_000):
        qtbot.keyClick(dialog.passphrase_edit, "\r")


def acknowledge_then_first_run(qtbot: QtBot, controller: AppController,
                               notice: QMessageBox) -> None:
    """Click OK on the disconnected notice; the first-run screen comes up."""
    qtbot.mouseClick(notice.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.create_dialog is not None
                    and controller.create_dialog.isVisible(), timeout=10_000)
    assert controller.create_dialog is not None
    qtbot.addWidget(controller.create_dialog)


def test_a_laptop_offline_too_long_is_refused_at_unlock_in_words(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    laptop_offline_for_31_days(live, data_dir)
    live.running.stop()
    controller = make_controller(qtbot, data_dir, settings)
    unlock_refused(qtbot, controller)
    dialog = controller.unlock_dialog
    message = dialog.message_label.text()
    assert "has not reached your organisation's server for 31 days" in message
    assert "Connect to the internet, then unlock again" in message
    label = dialog.message_label  # shown whole, not clipped over the passphrase box
    assert label.height() >= label.heightForWidth(label.width())
    assert controller.store is None and not controller.main_window.isVisible()
    assert dialog.isVisible()
    assert StorePaths(data_dir).exists()  # nothing on the laptop has changed
    close_down(controller)


def test_a_laptop_revoked_while_offline_is_wiped_at_unlock_then_first_run(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    device_id = laptop_offline_for_31_days(live, data_dir)
    accounts.revoke_device(live.admin, device_id=device_id)
    controller = make_controller(qtbot, data_dir, settings)
    unlock_refused(qtbot, controller)
    notice = controller.sync.revoked_notice
    assert isinstance(notice, QMessageBox) and notice.isVisible()
    assert notice.text() == REVOKED
    assert not controller.unlock_dialog.isVisible() and not controller.main_window.isVisible()
    assert not StorePaths(data_dir).exists()
    acknowledge_then_first_run(qtbot, controller, notice)
    close_down(controller)


def test_after_ten_wrong_passphrases_the_administrators_code_lets_the_worker_in(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    laptop_with_family(live, data_dir)
    an_hour_ago = UnlockAttemptLog(data_dir, clock=lambda: time.time() - 3600)
    for _ in range(ONLINE_UNLOCK_AFTER - 1):
        an_hour_ago.record_failure()
    controller = make_controller(qtbot, data_dir, settings)
    controller.start()
    dialog = controller.unlock_dialog
    assert not dialog.code_edit.isVisible()
    qtbot.keyClicks(dialog.passphrase_edit, "the wrong passphrase")
    with qtbot.waitSignal(dialog.failed, timeout=15_000):
        qtbot.keyClick(dialog.passphrase_edit, "\r")
    # The 10th: the code box at once, not a delay and then a refusal.
    assert dialog.message_label.text() == f"That passphrase is not right. {CODE_NEEDED}"
    assert dialog.code_edit.isVisible() and dialog.code_edit.hasFocus()
    assert not dialog.passphrase_edit.isEnabled() and not dialog.unlock_button.isEnabled()
    assert dialog.passphrase_edit.text() == ""
    close_down(controller)

    controller = make_controller(qtbot, data_dir, settings)  # the app started again
    controller.start()
    dialog = controller.unlock_dialog
    assert dialog.message_label.text() == CODE_NEEDED
    assert dialog.code_edit.isVisible() and not dialog.passphrase_edit.isEnabled()
    qtbot.keyClicks(dialog.code_edit, "ABCD-EFGH-JKLM-NPQR")
    with qtbot.waitSignal(dialog.failed, timeout=15_000):
        qtbot.keyClick(dialog.code_edit, "\r")
    assert "not recognised" in dialog.message_label.text()
    device_id = accounts.list_devices(live.admin)[0]["id"]
    issued = unlock_codes.new_unlock_code(live.admin, device_id=device_id)
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, issued)
    qtbot.mouseClick(dialog.code_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.code_edit.isVisible(), timeout=15_000)
    assert dialog.message_label.text() == "The code was accepted. Type your passphrase."
    assert dialog.passphrase_edit.isEnabled() and dialog.passphrase_edit.hasFocus()
    qtbot.keyClicks(dialog.passphrase_edit, TEST_PASSPHRASE)
    with qtbot.waitSignal(controller.caseload_loaded, timeout=10_000):
        qtbot.keyClick(dialog.passphrase_edit, "\r")
    assert controller.main_window.isVisible()
    close_down(controller)


def test_a_revoked_laptop_sending_an_unlock_code_is_wiped_then_first_run(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    laptop_with_family(live, data_dir)
    for _ in range(ONLINE_UNLOCK_AFTER):
        UnlockAttemptLog(data_dir).record_failure()
    accounts.revoke_device(live.admin, device_id=accounts.list_devices(live.admin)[0]["id"])
    controller = make_controller(qtbot, data_dir, settings)
    controller.start()
    dialog = controller.unlock_dialog
    qtbot.keyClicks(dialog.code_edit, "ABCD-EFGH-JKLM-NPQR")
    qtbot.keyClick(dialog.code_edit, "\r")
    qtbot.waitUntil(lambda: controller.sync.revoked_notice is not None, timeout=15_000)
    notice = controller.sync.revoked_notice
    assert isinstance(notice, QMessageBox) and notice.text() == REVOKED
    assert not dialog.isVisible() and not StorePaths(data_dir).exists()
    acknowledge_then_first_run(qtbot, controller, notice)
    close_down(controller)


# ----- conflicts -----------------------------------------------------------------------------


def test_conflicts_from_two_devices_are_resolved_in_the_view_and_synced(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    family_id, tablet = laptop_edited_offline(live, tmp_path, household_name="Smith-Jones",
                                              address="Flat 2, 1 High Street")
    families.update_family(tablet, family_id, household_name="Smyth",
                           address="1 High St, back door")
    sync_pass(tablet)

    controller = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, controller)  # the background sync pushes the laptop's edits: two conflicts
    wait_for_status(qtbot, controller, "Online", "2 conflicts to resolve")
    button = controller.sync.status_widget.conflicts_button
    assert button.isVisible()
    assert button.accessibleName() == "2 conflicts to resolve: open the conflicts view"
    widget = controller.sync.status_widget
    assert widget.state_label.accessibleName() == "Connection: Online"
    assert widget.waiting_label.accessibleName() == "0 changes waiting"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = controller.sync.conflicts_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.conflict_list.count() == 2, timeout=10_000)
    rows = {dialog.conflict_list.item(i).text(): i for i in range(dialog.conflict_list.count())}
    assert set(rows) == {"FAM-1 · Family · Household name", "FAM-1 · Family · Address"}

    dialog.conflict_list.setCurrentRow(rows["FAM-1 · Family · Household name"])
    assert dialog.mine_edit.toPlainText() == "Smith-Jones"
    assert dialog.theirs_edit.toPlainText() == "Smyth"
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(dialog.keep_theirs_button, Qt.Key.Key_Space)  # by keyboard
    qtbot.waitUntil(lambda: dialog.conflict_list.count() == 1, timeout=10_000)

    assert dialog.current() is not None and dialog.current().field == "address"
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.merge_edit.isVisible()
    assert dialog.merge_edit.toPlainText() == "Flat 2, 1 High Street\n\n1 High St, back door"
    dialog.merge_edit.selectAll()
    qtbot.keyClicks(dialog.merge_edit, "Flat 2, 1 High Street (use the back door)")
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.mouseClick(dialog.save_merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.conflict_list.count() == 0, timeout=10_000)
    assert dialog.empty_label.isVisible()
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    assert "conflict" not in status_text(controller)
    close_down(controller)

    sync_pass(tablet)
    with tablet.read() as session:
        family = session.get(FamilyRow, family_id)
    assert family is not None
    assert (family.household_name, family.address) == (
        "Smyth", "Flat 2, 1 High Street (use the back door)")
    assert list_conflicts(tablet) == []
    tablet.lock()


def test_a_deletion_conflict_is_shown_in_words_and_restored_from_the_view(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    family_id, tablet = laptop_edited_offline(live, tmp_path, address="Flat 2, 1 High Street")
    with tablet.unit_of_work() as uow:  # deleted on the tablet, which never saw the address
        row = uow.session.get(FamilyRow, family_id)
        assert row is not None
        uow.delete(row)
    sync_pass(tablet)

    controller = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, controller)
    wait_for_status(qtbot, controller, "Online", "1 conflict to resolve")
    qtbot.mouseClick(controller.sync.status_widget.conflicts_button, Qt.MouseButton.LeftButton)
    dialog = controller.sync.conflicts_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.conflict_list.count() == 1, timeout=10_000)
    assert dialog.conflict_list.item(0).text() == "FAM-1 · Family · deleted and changed"
    assert "was deleted on one device and changed on another" in dialog.field_label.text()
    assert dialog.mine_edit.toPlainText() == "Changed:\nAddress: Flat 2, 1 High Street"
    assert dialog.theirs_edit.toPlainText() == "Deleted."
    assert dialog.keep_mine_button.text() == "&Restore it"
    assert dialog.keep_theirs_button.accessibleName() == "Keep it deleted"
    assert not dialog.merge_button.isEnabled()
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.conflict_list.count() == 0, timeout=10_000)
    close_down(controller)

    sync_pass(tablet)
    with tablet.read() as session:
        family = session.get(FamilyRow, family_id)
    assert family is not None
    assert family.deleted_at is None and family.address == "Flat 2, 1 High Street"
    assert list_conflicts(tablet) == []
    tablet.lock()


def test_conflicts_view_is_keyboard_reachable(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    _family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online")
    controller.sync.conflicts_action.trigger()
    dialog = controller.sync.conflicts_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.empty_label.isVisible(), timeout=10_000)
    for widget in (dialog.conflict_list, dialog.keep_mine_button, dialog.keep_theirs_button,
                   dialog.merge_button, dialog.merge_edit, dialog.close_button):
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert widget.accessibleName()
    close_down(controller)


# ----- revoked -------------------------------------------------------------------------------


def test_revoked_laptop_is_told_wiped_and_back_to_first_run(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online")
    open_family(qtbot, controller, family_id)
    store = controller.store
    assert store is not None
    accounts.revoke_device(live.admin, device_id=store.device_id)
    with qtbot.waitSignal(controller.sync.revoked, timeout=15_000):
        qtbot.keyClick(controller.main_window, Qt.Key.Key_F5)
    notice = controller.sync.revoked_notice
    assert isinstance(notice, QMessageBox) and notice.isVisible()
    assert notice.text() == REVOKED
    assert controller.store is None and store.is_locked
    assert not controller.main_window.isVisible() and controller.family_windows == {}
    assert controller.main_window.caseload_model.rowCount() == 0
    assert status_text(controller) == ""
    paths = StorePaths(data_dir)
    assert not paths.exists() and not paths.key_file.exists()
    assert not any(f.exists() for f in paths.database_files())
    acknowledge_then_first_run(qtbot, controller, notice)
    close_down(controller)


def test_locking_stops_sync_and_hides_the_status(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    _family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    controller.sync.sync_now()  # a pass under way while the lock comes in
    controller.lock()
    assert status_text(controller) == ""
    widget = controller.sync.status_widget
    assert widget.waiting_label.accessibleName() == ""
    assert widget.state_label.accessibleName() == "Connection"
    assert controller.sync.next_sync_in_ms == -1
    assert controller.runner.wait_until_idle()
    assert controller.sync.wait_for_pass(10)
    unlock(qtbot, controller)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    close_down(controller)


def test_after_a_sync_open_family_windows_show_what_arrived(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    family_id = laptop_with_family(live, data_dir)
    tablet = enrolled_store(live, tmp_path / "tablet")
    sync_pass(tablet)
    controller = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, controller)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    window = open_family(qtbot, controller, family_id)
    assert window.household_page.members_model.rowCount() == 0
    families.add_person(tablet, family_id, name="Alex Smith", relationship="daughter")
    sync_pass(tablet)
    tablet.lock()
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)  # Sync now works from a family file too
    qtbot.waitUntil(lambda: window.household_page.members_model.rowCount() == 1,
                    timeout=10_000)
    window.close()
    close_down(controller)


def test_demo_app_syncs_in_the_background_and_shows_it(
        qtbot: QtBot, tmp_path: Path, settings: QSettings) -> None:
    from familyworker.cli.demo_command import DEMO_SYNC_MINUTES, prepare_demo
    from familyworker.services.demo import DEMO_PASSPHRASE

    worker_dir, server = prepare_demo(tmp_path / "demo", with_server=True)
    try:
        controller = make_controller(qtbot, worker_dir, settings)
        unlock(qtbot, controller, DEMO_PASSPHRASE)
        wait_for_status(qtbot, controller, "Online", "last synced just now",
                        "0 changes waiting")
        assert controller.main_window.caseload_model.rowCount() > 0
        remaining = controller.sync.next_sync_in_ms
        assert 0 < remaining <= DEMO_SYNC_MINUTES * 60_000 * 1.06
        close_down(controller)
    finally:
        server.stop()


def test_the_http_stack_stays_out_of_app_start_up() -> None:
    """Sync is wired into every app start, but its HTTP client loads only with the first pass
    (importing it costs about a third of a second of the 1-second start-up budget)."""
    import subprocess
    import sys

    code = "import sys, familyworker.app; print('httpx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert result.stdout.strip() == "False"


def test_a_closed_caseload_or_window_is_never_synced_by_a_late_timer(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    _family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online")
    sync = controller.sync
    store = controller.store
    assert store is not None and sync.next_sync_in_ms > 0
    close_down(controller)  # the store closed behind the sync controller's back
    sync.sync_now()  # what the timer would do
    assert sync.store is None and sync.next_sync_in_ms == -1
    assert status_text(controller) == ""


def test_a_change_the_server_refuses_shows_as_needing_attention(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    from sqlalchemy import update

    from familyworker_server import models

    data_dir = tmp_path / "laptop"
    family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    bob = accounts.add_worker(live.admin, name="Bob Worker", role="worker", team=live.team)
    with live.admin.begin() as conn:  # a supervisor re-allocated the family on the server
        conn.execute(update(models.family_scope).where(
            models.family_scope.c.family_id == family_id).values(lead_worker_id=bob))
    window = open_family(qtbot, controller, family_id)
    add_member(qtbot, window, "Sam Smith")
    wait_for_status(qtbot, controller, "1 change waiting")
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting",
                    "1 change needs attention")
    assert controller.sync.status_widget.attention_label.isVisible()
    assert "refused 1 change" in controller.main_window.statusBar().currentMessage()
    window.close()

    # The worker opens the list from the status bar: which record, and why, in words.
    qtbot.mouseClick(controller.sync.status_widget.attention_button, Qt.MouseButton.LeftButton)
    dialog = controller.sync.attention_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    cells = [dialog.table.item(0, column).text() for column in range(3)]
    assert cells[1:] == ["Household member", "Added"]
    assert dialog.table.item(0, 3).text() == "The family is no longer allocated to you"
    assert "Sam Smith" not in " ".join(cells)  # the record, never its values

    # The supervisor puts the allocation right; Send again delivers the kept change.
    with live.admin.begin() as conn:
        conn.execute(update(models.family_scope).where(
            models.family_scope.c.family_id == family_id).values(lead_worker_id=live.worker))
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.mouseClick(dialog.resend_button, Qt.MouseButton.LeftButton)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0 and dialog.empty_label.isVisible(),
                    timeout=10_000)
    with live.admin.connect() as conn:
        people = conn.execute(text("SELECT data FROM sync_row WHERE table_name = 'person'"))
        assert any("Sam Smith" in str(row[0]) for row in people)
    close_down(controller)


def test_the_sync_interval_is_a_setting_the_worker_can_change(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    data_dir = tmp_path / "laptop"
    _family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online")
    sync = controller.sync
    assert 4 * 60_000 < sync.next_sync_in_ms <= 5 * 60_000 * 1.06
    dialog = sync.ask_interval()
    assert dialog is not None and dialog.isVisible() and dialog.intValue() == 5
    dialog.setIntValue(20)
    dialog.accept()
    # Wait for the saved value, not any status refresh: one may already be on its way.
    qtbot.waitUntil(lambda: sync.status is not None and sync.status.interval_minutes == 20
                    and sync.next_sync_in_ms > 19 * 60_000, timeout=10_000)
    assert sync.next_sync_in_ms <= 20 * 60_000 * 1.06
    close_down(controller)
    store = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    assert read_sync_status(store).interval_minutes == 20  # kept in the encrypted store
    store.lock()


def test_a_full_download_after_purged_deletions_is_told_in_words(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    from sqlalchemy import update

    from familyworker.sync.resync import RESYNC_NOTICE
    from familyworker_server import models

    data_dir = tmp_path / "laptop"
    family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    tablet = enrolled_store(live, tmp_path / "tablet")
    sync_pass(tablet)
    families.add_person(tablet, family_id, name="Alex Smith", relationship="daughter")
    sync_pass(tablet)
    tablet.lock()
    with live.admin.begin() as conn:  # deletion records purged past the laptop's place
        conn.execute(update(models.sync_counter).values(
            tombstone_horizon=models.sync_counter.c.value))
    window = open_family(qtbot, controller, family_id)
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert controller.main_window.statusBar().currentMessage() == RESYNC_NOTICE
    qtbot.waitUntil(lambda: window.household_page.members_model.rowCount() == 1,
                    timeout=10_000)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    window.close()
    close_down(controller)


def test_records_the_app_cannot_show_are_counted_and_a_failed_pass_is_one_sentence(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import sqlite3

    from sqlalchemy import exc
    from tests.sync.test_set_aside import CANARY, bad_note, inject_row

    from familyworker.domain.ids import new_id
    from familyworker.services import sync_session
    from familyworker.services.sync_outcome import UNEXPECTED_STOP

    data_dir = tmp_path / "laptop"
    family_id = laptop_with_family(live, data_dir)
    inject_row(live.admin, "contact_note", new_id(), family_id, bad_note())  # no occurred_at
    controller = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, controller)
    wait_for_status(qtbot, controller, "Online", "1 record from the server could not be shown")
    label = controller.sync.status_widget.set_aside_label
    assert label.isVisible() and "app update may be needed" in label.toolTip()

    def broken(*_args: object, **_kwargs: object) -> object:
        driver = sqlite3.IntegrityError("NOT NULL constraint failed: Jane Doe")
        raise exc.IntegrityError("INSERT INTO person (name) VALUES (?)", ("Jane Doe",),
                                 driver) from driver

    monkeypatch.setattr(sync_session, "sync_pass", broken)
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        controller.sync.sync_action.trigger()
        qtbot.waitUntil(lambda: controller.main_window.statusBar().currentMessage()
                        == UNEXPECTED_STOP, timeout=15_000)
    assert "a sync pass stopped by an unexpected IntegrityError" in caplog.text
    assert "Jane Doe" not in caplog.text and CANARY not in caplog.text
    assert controller.sync.next_sync_in_ms > 0  # and it tries again
    wait_for_status(qtbot, controller, "1 record from the server could not be shown")
    close_down(controller)


def test_the_worker_is_told_when_a_supervisors_oversight_arrives(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    from familyworker.services.oversight import add_oversight_note

    family_id, controller = open_laptop(qtbot, live, tmp_path / "laptop", settings)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    sue = accounts.add_worker(live.admin, name="Sue Supervisor", role="supervisor",
                              team=live.team)
    desk = CaseloadStore.create(tmp_path / "desk", TEST_PASSPHRASE, kdf=KDF_FLOOR)
    enrol(desk, server_url=live.url,
          code=accounts.new_enrolment_code(live.admin, worker=sue))
    sync_pass(desk)
    add_oversight_note(desk, family_id=family_id, decision="Keep open; review in a month.")
    sync_pass(desk)
    desk.lock()
    with qtbot.waitSignal(controller.sync.sync_finished, timeout=15_000):
        qtbot.keyClick(controller.main_window, Qt.Key.Key_F5)
    assert controller.main_window.statusBar().currentMessage() == (
        "New management oversight for FAM-1: see the family's Management oversight tab.")
    close_down(controller)


def test_locking_sends_the_changes_waiting_while_online(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:
    """A laptop locked and shut after a visit used to keep its changes until next opened."""
    data_dir = tmp_path / "laptop"
    family_id, controller = open_laptop(qtbot, live, data_dir, settings)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    window = open_family(qtbot, controller, family_id)
    add_member(qtbot, window, "Sam Smith")
    wait_for_status(qtbot, controller, "1 change waiting")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.store is None  # hidden at once; the sending happens behind the lock
    assert controller.runner.wait_until_idle(30_000)
    with live.admin.connect() as conn:
        people = conn.execute(text("SELECT data FROM sync_row WHERE table_name = 'person'"))
        assert any("Sam Smith" in str(row[0]) for row in people)
    assert outbox_count(data_dir) == 0
    unlock(qtbot, controller)
    wait_for_status(qtbot, controller, "Online", "0 changes waiting")
    close_down(controller)
