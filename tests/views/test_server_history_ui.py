"""The History dialog against a real server on loopback (issue 16): a supervisor sees a
colleague's events from the server, and this laptop's alone, said so, once it is down."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from tests.views.conftest import TEST_PASSPHRASE, close_down, make_controller, unlock
from tests.views.test_sync_ui import Live, laptop_with_family, live, open_family  # noqa: F401

from familyworker.services.family_history import record_opened
from familyworker.services.sync_session import sync_pass
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.sync.engine import enrol
from familyworker.views.family.history_dialog import HistoryDialog
from familyworker_server import accounts

pytestmark = pytest.mark.gui


def lines_of(dialog: HistoryDialog) -> list[str]:
    return [dialog.event_list.item(i).text() for i in range(dialog.event_list.count())]


def test_a_supervisor_sees_a_colleagues_events_then_this_laptops_when_offline(
        qtbot: QtBot, live: Live, tmp_path: Path, settings: QSettings) -> None:  # noqa: F811
    family_id = laptop_with_family(live, tmp_path / "ann")  # Ann Worker's, synced
    ann = CaseloadStore.unlock(tmp_path / "ann", TEST_PASSPHRASE)
    record_opened(ann, family_id)
    assert sync_pass(ann).report is not None
    ann.lock()
    sue_id = accounts.add_worker(live.admin, name="Sue Supervisor", role="supervisor",
                                 team=live.team)
    sue_dir = tmp_path / "sue"
    sue = CaseloadStore.create(sue_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    enrol(sue, server_url=live.url, code=accounts.new_enrolment_code(live.admin, worker=sue_id))
    assert sync_pass(sue).report is not None
    sue.lock()

    controller = make_controller(qtbot, sue_dir, settings)
    unlock(qtbot, controller)
    window = open_family(qtbot, controller, family_id)
    with qtbot.waitSignal(window.history_opened, timeout=5_000) as opened:
        window.open_history()
    dialog = opened.args[0]
    assert isinstance(dialog, HistoryDialog)
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=15_000)
    assert dialog.busy_bar.isHidden()
    assert dialog.source_label.text().startswith("From the server, as of ")
    lines = lines_of(dialog)
    assert any("Ann Worker opened the family file" in t for t in lines), lines
    assert any("Ann Worker added the family file" in t for t in lines), lines
    assert any("Sue Supervisor opened the family file" in t for t in lines), lines

    live.running.stop()
    with qtbot.waitSignal(dialog.loaded, timeout=15_000):
        window.open_history()  # the open dialog reads again
    assert dialog.source_label.text() == \
        "This laptop only: the server could not be reached."
    lines = lines_of(dialog)
    assert not any("Ann Worker" in t for t in lines), lines  # never pulled to this laptop
    assert any("Sue Supervisor opened the family file" in t for t in lines), lines
    dialog.reject()
    window.close()
    close_down(controller)
