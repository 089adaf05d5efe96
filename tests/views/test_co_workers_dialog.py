"""A supervisor adds and ends a co-worker from the team view, through the real widgets; the
co-worker's device receives the family, then loses it."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from tests.sync.helpers import Server, sync
from tests.views.conftest import close_down, make_controller, unlock
from tests.views.test_team_view import _family_ids, _open_family, north_team

from familyworker.services.team_review import Attention
from familyworker.views.team.co_workers_dialog import NO_CO_WORKERS, CoWorkersDialog

pytestmark = pytest.mark.gui


def test_supervisor_adds_and_ends_a_co_worker(
        qtbot: QtBot, sqlite_server: Server, tmp_path: Path, settings: QSettings) -> None:
    server = sqlite_server
    north = north_team(server, tmp_path)
    ann, bob, sue, sue_dir = north.ann, north.bob, north.sue, north.sue_dir
    bob_id = north.bob_id
    family = _open_family(ann, "FAM-1", weeks_ago=20, contact_days_ago=40)
    for store in (ann, bob, sue):
        sync(store, server)
    assert family not in _family_ids(bob)
    sue.lock()

    controller = make_controller(qtbot, sue_dir, settings)
    try:
        with qtbot.waitSignal(controller.team.role_known, timeout=30_000):
            unlock(qtbot, controller)
        with qtbot.waitSignal(controller.team.loaded, timeout=10_000):
            controller.team.team_action.trigger()
        window = controller.team.team_window
        assert window is not None
        window.show_section(Attention.NO_CONTACT)
        table = window.current_table()
        assert table is not None
        table.setCurrentIndex(table.model().index(0, 0))
        with qtbot.waitSignal(controller.team.dialog_opened, timeout=5_000) as opened:
            window.co_workers_button.click()
        dialog = opened.args[0]
        assert isinstance(dialog, CoWorkersDialog)
        combo = dialog.worker_combo
        qtbot.waitUntil(lambda: combo.count() > 0, timeout=5_000)
        assert dialog.empty_label.text() == NO_CO_WORKERS and dialog.empty_label.isVisibleTo(
            dialog)
        # The lead is not offered; the team's other members are.
        assert [combo.itemText(i) for i in range(combo.count())] == ["Bob", "Sue"]
        combo.setCurrentIndex(combo.findData(bob_id))
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        items = dialog.current_list
        qtbot.waitUntil(lambda: items.count() == 1, timeout=10_000)
        assert items.item(0).text().startswith("Bob — since ")
        assert [combo.itemText(i) for i in range(combo.count())] == ["Sue"]
        controller.runner.wait_until_idle()
        assert controller.store is not None
        sync(controller.store, server)
        sync(bob, server)
        assert family in _family_ids(bob)

        # End it: Bob's device gives the family up at its next sync; the history stays.
        items.setCurrentRow(0)
        assert dialog.end_button.isEnabled()
        qtbot.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: " to " in items.item(0).text(), timeout=10_000)
        assert not items.item(0).flags() & Qt.ItemFlag.ItemIsSelectable
        controller.runner.wait_until_idle()
        sync(controller.store, server)
        assert sync(bob, server).purged_families == 1
        assert family not in _family_ids(bob)
        dialog.reject()
    finally:
        close_down(controller)
        ann.lock()
        bob.lock()
