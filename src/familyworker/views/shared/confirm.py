"""A question before something that cannot be undone (finalising a note, agreeing a plan).

Window-modal and non-blocking (`open()`, not `exec()`): the app keeps painting and syncing, and
tests answer it as a person would. "Not yet" is the default, so Enter never confirms by accident.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget


def ask_to_confirm(parent: QWidget, *, title: str, text: str, confirm_label: str,
                   on_confirm: Callable[[], None]) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("confirm_box")
    box.setAccessibleName(title)
    confirm = box.addButton(confirm_label, QMessageBox.ButtonRole.AcceptRole)
    confirm.setObjectName("confirm_button")
    not_yet = box.addButton("&Not yet", QMessageBox.ButtonRole.RejectRole)
    not_yet.setObjectName("not_yet_button")
    box.setDefaultButton(not_yet)
    box.setEscapeButton(not_yet)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: QAbstractButton) -> None:
        if button is confirm:
            on_confirm()

    box.buttonClicked.connect(answered)
    box.open()
    return box
