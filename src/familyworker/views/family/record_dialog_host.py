"""A family page that opens one record dialog at a time (raise a concern, record consent…):
opening another closes the first; a save closes it, says so, reloads and tells the window."""

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid

D = TypeVar("D")


class RecordDialogHost:
    """Mixed into a page (a QWidget) that has ``dialog_opened`` (a Signal), ``message_label``,
    ``reload()`` and an optional ``_on_changed`` callback."""

    dialog: Any  # the open dialog (it has submitted, finished, saved(), reject()) or None
    dialog_opened: Any
    message_label: QLabel
    _on_changed: Callable[[], None] | None

    def reload(self) -> None:
        raise NotImplementedError

    def _open(self, dialog: D, save: Callable[[dict[str, object]], None]) -> D:
        opened: Any = dialog
        if self.dialog is not None:
            self.dialog.reject()
        opened.submitted.connect(save)
        opened.finished.connect(lambda _r: self._forget(opened))
        self.dialog = opened
        opened.show()
        self.dialog_opened.emit(opened)
        return dialog

    def _forget(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _saved(self, dialog: Any, text: str) -> None:
        if isValid(dialog):
            dialog.saved()
        self._say(text)
        self.reload()
        if self._on_changed is not None:
            self._on_changed()

    def _say(self, text: str) -> None:
        if isValid(self):
            self.message_label.setText(text)
