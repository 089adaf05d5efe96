"""SECURITY B4: saving a PDF asks for the passphrase again when it was last typed more than 15
minutes ago; cancelling saves nothing and audits "export denied" (clock injected)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlmodel import select

from familyworker.services.reauthentication import PassphraseRecency
from familyworker.store.tables import AuditEventRow
from familyworker.views.app_controller import AppController
from familyworker.views.shared.passphrase_prompt import PassphrasePrompt

from .conftest import TEST_PASSPHRASE, unlock
from .test_app_flows import open_first_family
from .test_print_preview import open_preview

pytestmark = pytest.mark.gui


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_recency_asks_after_the_window_never_entered_or_the_clock_set_back() -> None:
    clock = FakeClock()
    recency = PassphraseRecency(now=clock)
    assert recency.needed()
    recency.entered()
    clock.now += timedelta(minutes=15)
    assert not recency.needed()
    clock.now += timedelta(seconds=1)
    assert recency.needed()
    recency.entered()
    clock.now -= timedelta(minutes=1)
    assert recency.needed()
    recency.entered()
    recency.forget()
    assert recency.needed()


def test_saving_after_fifteen_minutes_needs_the_passphrase_again(
        qtbot: QtBot, controller: AppController, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    clock = FakeClock()
    controller.passphrase_recency = PassphraseRecency(now=clock)
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    dialog = open_preview(qtbot, window, window.notes_page.print_button.click)
    target = tmp_path / "chronology.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF documents (*.pdf)")))
    clock.now += timedelta(minutes=16)

    # Cancel: nothing written, and the audit says the export was denied.
    with qtbot.waitSignal(dialog.passphrase_asked, timeout=5_000) as asked:
        dialog.save_button.click()
    prompt = asked.args[0]
    assert isinstance(prompt, PassphrasePrompt)
    prompt.reject()
    controller.runner.wait_until_idle()
    assert not target.exists()
    assert dialog.message_label.text().startswith("Not saved")
    assert controller.store is not None
    with controller.store.read() as session:
        details = session.exec(select(AuditEventRow.detail).where(
            AuditEventRow.family_id == window.family_id,
            AuditEventRow.action == "export")).all()
    assert details == ["denied report=chronology reason=passphrase-not-entered"]

    # A wrong passphrase is refused and counted; the right one saves.
    with qtbot.waitSignal(dialog.passphrase_asked, timeout=5_000) as asked:
        dialog.save_button.click()
    prompt = asked.args[0]
    prompt.passphrase_edit.setText("not the passphrase at all")
    prompt.buttons.button(prompt.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: prompt.error_label.text() == "That passphrase is not right.",
                    timeout=10_000)
    assert controller.unlock_attempts.read().failures == 1
    prompt.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        prompt.buttons.button(prompt.buttons.StandardButton.Ok).click()
    assert target.read_bytes().startswith(b"%PDF")
    assert controller.unlock_attempts.read().failures == 0

    # Typed just now: the next save within 15 minutes does not ask.
    clock.now += timedelta(minutes=10)
    second = tmp_path / "again.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(second), "PDF documents (*.pdf)")))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    assert second.exists()
