"""A family's History (Ctrl+H): who opened, changed, printed or saved what, and when, newest
first, filterable by kind. Identifiers and kinds only: the audit holds no case content
(services/family_history.py)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from familyworker.services import family_history
from familyworker.services.family_history import HistoryEntry, HistoryKind
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.shared.task_runner import TaskRunner

EVERYTHING = "Everything"


class HistoryDialog(QDialog):
    loaded = Signal()  # the list shows the events for the chosen filter

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_dialog")
        self.setWindowTitle(f"History — {reference}")
        self.setAccessibleName(f"History of family file {reference}")
        self.store, self.runner, self.family_id = store, runner, family_id
        self.entries: list[HistoryEntry] = []
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("history_kind_combo")
        self.kind_combo.setAccessibleName("Show")
        self.kind_combo.addItem(EVERYTHING, None)
        for kind in HistoryKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.event_list = QListWidget()
        self.event_list.setObjectName("history_list")
        self.event_list.setAccessibleName("Events, newest first")
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("history_summary_label")
        self.summary_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Show:", self.kind_combo)
        layout = QVBoxLayout(self)
        intro = QLabel("Who opened, changed, printed or saved this family's records on this "
                       "laptop, and when. Colleagues' devices keep their own; the "
                       "organisation's server holds them all. It never shows what a record "
                       "says.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.event_list, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.resize(640, 520)

    def reload(self) -> None:
        chosen = self.kind_combo.currentData()
        kinds = None if chosen is None else frozenset({HistoryKind(chosen)})
        store, family_id = self.store, self.family_id
        self.runner.run(lambda: family_history.family_history(store, family_id, kinds),
                        self._show, self._failed)

    def _show(self, entries: list[HistoryEntry]) -> None:
        if not isValid(self):
            return
        self.entries = entries
        self.event_list.clear()
        for entry in entries:
            self.event_list.addItem(entry.line())
        count = len(entries)
        self.summary_label.setText(
            "Nothing of this kind recorded." if not count else
            f"{count} event{'s' if count != 1 else ''}, newest first.")
        self.loaded.emit()

    def _failed(self, _error: Exception) -> None:
        if isValid(self):
            self.summary_label.setText("The history could not be read. Please try again.")

    def clear(self) -> None:
        self.event_list.clear()
        self.entries = []
