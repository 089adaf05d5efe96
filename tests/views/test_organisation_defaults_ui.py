"""The app takes the organisation's pre-set server address and sync interval
(organisation.json) as its defaults: the worker types only the enrolment code."""

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from tests.views.conftest import TEST_PASSPHRASE, close_down, make_controller, unlock

from familyworker.services.organisation_settings import PATH_VARIABLE
from familyworker.services.sync_status import read_sync_status
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker_server import accounts
from familyworker_server.background import start_server
from familyworker_server.db import make_engine

pytestmark = pytest.mark.gui


def test_connect_starts_with_the_organisation_address_and_syncs_at_its_interval(
        qtbot: QtBot, tmp_path: Path, settings: QSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with start_server(tmp_path / "server") as server:
        admin = make_engine(server.settings.resolved_url())
        team = accounts.add_team(admin, name="North")
        accounts.add_worker(admin, name="Ann Worker", role="worker", team=team)
        organisation_file = tmp_path / "organisation.json"
        organisation_file.write_text(json.dumps(
            {"server_url": server.url, "sync_interval_minutes": 42}), encoding="utf-8")
        monkeypatch.setenv(PATH_VARIABLE, str(organisation_file))
        data_dir = tmp_path / "laptop"
        CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
        controller = make_controller(qtbot, data_dir, settings)
        unlock(qtbot, controller)
        # The first status read (off the GUI thread) enables Connect for a caseload not enrolled.
        qtbot.waitUntil(lambda: controller.sync.status is not None, timeout=10_000)
        assert controller.sync.status is not None
        assert controller.sync.status.interval_minutes == 42

        controller.sync.connect_action.trigger()
        dialog = controller.sync.connect_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.server_edit.text() == server.url  # pre-set; still editable
        assert dialog.server_edit.isEnabled() and not dialog.server_edit.isReadOnly()
        qtbot.keyClicks(dialog.code_edit, accounts.new_enrolment_code(admin, worker="Ann Worker"))
        with qtbot.waitSignal(controller.sync.connected, timeout=20_000):
            qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

        # The next pass is due at the organisation's interval, not the built-in 5 minutes.
        qtbot.waitUntil(lambda: controller.sync.next_sync_in_ms > 41 * 60_000, timeout=10_000)
        assert controller.sync.next_sync_in_ms <= 42 * 60_000 * 1.06
        store = controller.store
        assert store is not None and read_sync_status(store).interval_minutes == 42
        close_down(controller)
        admin.dispose()
