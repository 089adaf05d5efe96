"""The Consent tab, the header's consent at a glance, the chronology for an agency and the
History (Ctrl+H), driven as a person would (offscreen)."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyworker.reports.pdf_pages import page_text
from familyworker.views.app_controller import AppController
from familyworker.views.family.consent_dialog import (
    AgencyChoiceDialog,
    ConsentDialog,
    WithdrawDialog,
)
from familyworker.views.family.history_dialog import HistoryDialog
from familyworker.views.family.print_preview_dialog import PrintPreviewDialog

from .conftest import unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui
AGENCY = "Northfield Health Visiting"


def _save(qtbot: QtBot, dialog: ConsentDialog | WithdrawDialog, page: object) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.buttons.button(dialog.buttons.StandardButton.Save),
                       Qt.Key.Key_Space)


def test_record_and_withdraw_consent_then_read_the_history(qtbot: QtBot,
                                                            controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.consent_page
    qtbot.waitUntil(lambda: page.register is not None, timeout=5_000)
    before = len(page.register.statements)  # type: ignore[union-attr]
    person = window.file.members[0]  # type: ignore[union-attr]

    # File › Record consent… opens the dialog on the Consent tab.
    with qtbot.waitSignal(page.dialog_opened, timeout=5_000) as opened:
        window.consent_action.trigger()
    dialog = opened.args[0]
    assert isinstance(dialog, ConsentDialog) and window.tabs.currentWidget() is page
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData(person.id))
    dialog.purpose_combo.setCurrentIndex(dialog.purpose_combo.findData("share-with-agency"))
    assert dialog.agency_combo.isEnabled()
    # Saving without an agency says so and keeps the dialog open.
    qtbot.keyClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.Key.Key_Space)
    assert dialog.isVisible() and "which agency" in dialog.error_label.text()
    qtbot.keyClicks(dialog.agency_combo.lineEdit(), AGENCY)
    qtbot.keyClicks(dialog.given_by_edit, "Their mum")
    _save(qtbot, dialog, page)
    controller.runner.wait_until_idle()
    assert not dialog.isVisible()
    assert page.message_label.text() == "Consent recorded."
    mine = [page.current_list.item(i).text() for i in range(page.current_list.count())]
    line = next(t for t in mine if AGENCY in t)
    assert line.startswith(f"{person.name} · Sharing with {AGENCY} · Given ")
    qtbot.waitUntil(lambda: "Consent:" in window.header_label.text(), timeout=5_000)

    # Withdraw… on that line: a new statement, the earlier one kept.
    row = next(i for i in range(page.current_list.count())
               if AGENCY in page.current_list.item(i).text())
    page.current_list.setCurrentRow(row)
    assert page.withdraw_button.isEnabled()
    with qtbot.waitSignal(page.dialog_opened, timeout=5_000) as opened:
        qtbot.keyClick(page.withdraw_button, Qt.Key.Key_Space)
    withdraw = opened.args[0]
    assert isinstance(withdraw, WithdrawDialog) and AGENCY in withdraw.what_label.text()
    withdraw.how_combo.setCurrentIndex(withdraw.how_combo.findData("verbal"))
    _save(qtbot, withdraw, page)
    controller.runner.wait_until_idle()
    assert len(page.register.statements) == before + 2  # type: ignore[union-attr]
    line = next(page.current_list.item(i).text() for i in range(page.current_list.count())
                if AGENCY in page.current_list.item(i).text())
    assert f"Withdrawn {date.today():%d %b %Y} (verbal)" in line
    assert not page.withdraw_button.isEnabled()  # withdrawn: nothing left to withdraw
    history = page.history.toPlainText()
    assert history.index("Withdrawn") < history.index(f"{AGENCY} · Given")  # newest first
    qtbot.waitUntil(lambda: "withdrawn" in window.header_label.text(), timeout=5_000)

    # The chronology for that agency leaves the person out, and says so without naming them.
    with qtbot.waitSignal(window.agency_choice_opened, timeout=5_000) as opened:
        window.print_agency_action.trigger()
    choice = opened.args[0]
    assert isinstance(choice, AgencyChoiceDialog)
    qtbot.keyClicks(choice.agency_combo.lineEdit(), AGENCY)
    with qtbot.waitSignal(window.print_preview_opened, timeout=10_000) as opened:
        qtbot.keyClick(choice.buttons.button(choice.buttons.StandardButton.Ok),
                       Qt.Key.Key_Space)
    preview = opened.args[0]
    assert isinstance(preview, PrintPreviewDialog)
    qtbot.waitUntil(lambda: preview.preview is not None, timeout=10_000)
    assert preview.title_label.text().startswith(f"Chronology for {AGENCY}")
    first_page = page_text(preview.preview.data, 0)  # type: ignore[union-attr]
    assert f"Prepared for {AGENCY}" in " ".join(first_page.split())
    preview.reject()

    # Ctrl+H: the History, newest first, in words; never a record's content.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    with qtbot.waitSignal(window.history_opened, timeout=5_000) as opened:
        qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    shown = opened.args[0]
    assert isinstance(shown, HistoryDialog)
    qtbot.waitUntil(lambda: bool(shown.entries), timeout=5_000)
    lines = [shown.event_list.item(i).text() for i in range(shown.event_list.count())]
    assert any("added a consent statement" in t for t in lines)
    assert any("opened the family file" in t for t in lines)
    assert not any(AGENCY in t or person.name in t for t in lines)
    assert [e.at for e in shown.entries] == sorted((e.at for e in shown.entries),
                                                   reverse=True)
    with qtbot.waitSignal(shown.loaded, timeout=5_000):
        shown.kind_combo.setCurrentIndex(shown.kind_combo.findData("changed"))
    lines = [shown.event_list.item(i).text() for i in range(shown.event_list.count())]
    assert lines and not any("opened" in t for t in lines)
    with qtbot.waitSignal(shown.loaded, timeout=5_000):
        shown.kind_combo.setCurrentIndex(shown.kind_combo.findData("printed"))
    assert shown.event_list.count() == 0  # previewed, never printed or saved
    assert shown.summary_label.text() == "Nothing of this kind recorded."
