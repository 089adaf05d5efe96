"""A family's co-workers: who works with it besides the lead worker; add one or end one."""

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.services.allocation import LeadWorker
from familyworker.services.co_workers import CoWorker

NO_CO_WORKERS = "No co-workers: only the lead worker works with this family."


class CoWorkersDialog(QDialog):
    add_requested = Signal(str)  # worker id
    end_requested = Signal(str)  # allocation id

    def __init__(self, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("co_workers_dialog")
        self.setWindowTitle(f"Co-workers — {reference}")
        self.setAccessibleName("Co-workers of the family")
        self.current_list = QListWidget()
        self.current_list.setObjectName("co_workers_list")
        self.current_list.setAccessibleName("Current and past co-workers")
        self.empty_label = QLabel(NO_CO_WORKERS)
        self.empty_label.setObjectName("co_workers_empty_label")
        self.empty_label.setWordWrap(True)
        self.end_button = QPushButton("&End allocation")
        self.end_button.setObjectName("co_worker_end_button")
        self.worker_combo = QComboBox()
        self.worker_combo.setObjectName("co_worker_combo")
        self.worker_combo.setAccessibleName("Worker to add as a co-worker")
        self.add_button = QPushButton("&Add co-worker")
        self.add_button.setObjectName("co_worker_add_button")
        note = QLabel("A co-worker's device receives the family at their next sync, and "
                      "loses it at the sync after the allocation ends.")
        note.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setObjectName("co_workers_error_label")
        self.error_label.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.current_list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.end_button.clicked.connect(self._end_current)
        self.add_button.clicked.connect(self._add_chosen)
        adding = QHBoxLayout()
        adding.addWidget(self.worker_combo, 1)
        adding.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Co-workers:"))
        layout.addWidget(self.current_list)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(adding)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(close)

    def show_state(self, allocations: Sequence[CoWorker], candidates: Sequence[LeadWorker],
                   lead: str | None) -> None:
        """The allocations, and the team members who could be added (not the lead, not a
        current co-worker)."""
        self.current_list.clear()
        for allocation in allocations:
            when = f"since {allocation.added_on:%d %b %Y}" if allocation.active else \
                f"{allocation.added_on:%d %b %Y} to {allocation.ended_on:%d %b %Y}"
            item = QListWidgetItem(f"{allocation.name} — {when}")
            item.setData(Qt.ItemDataRole.UserRole, allocation.allocation_id)
            if not allocation.active:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.current_list.addItem(item)
        self.empty_label.setVisible(not allocations)
        active = {a.worker_id for a in allocations if a.active}
        self.worker_combo.clear()
        for worker in candidates:
            if worker.id != lead and worker.id not in active:
                self.worker_combo.addItem(worker.name, worker.id)
        self.error_label.setText("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.current_list.currentItem()
        self.end_button.setEnabled(item is not None and item.isSelected())
        self.add_button.setEnabled(self.worker_combo.count() > 0)

    def _add_chosen(self) -> None:
        worker_id = self.worker_combo.currentData()
        if worker_id:
            self._busy()
            self.add_requested.emit(str(worker_id))

    def _end_current(self) -> None:
        item = self.current_list.currentItem()
        if item is not None:
            self._busy()
            self.end_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _busy(self) -> None:
        self.add_button.setEnabled(False)
        self.end_button.setEnabled(False)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self._update_buttons()
