"""Changes the server refused, listed for the worker, with "Send again" once the cause is fixed.

The refused changes stay in the outbox (nothing typed is lost); this view shows which records
they touch and why, in words, never the values themselves."""

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.attention import RejectedChange, needs_attention, retry_rejected
from familyworker.views.shared.task_runner import TaskRunner
from familyworker.views.sync.record_names import record_name

CHANGE_WORDS = {"insert": "Added", "update": "Changed", "delete": "Deleted",
                "restore": "Restored"}
REASON_WORDS = {
    "forbidden": "The family is no longer allocated to you",
    "unknown_table": "The server does not know this kind of record yet (update the server)",
    "deleted": "The record had been deleted on another device before this change was made",
    "not_found": "The record is not on the server",
    "family_mismatch": "The change names a different family from its record's",
    "foreign_stamp": "The change carries another device's stamp",
    "append_only": "A safeguarding record is never changed once saved; record a decision",
}
COLUMNS = ("Family", "Record", "Change", "Why", "When")


# Reasons from the row schema, "code: field and what is wrong" (never a value).
SCHEMA_REASON_WORDS = {
    "unknown_field": "The server does not know the field {detail} (an app update may be "
                     "needed)",
    "missing_field": "The record is missing {detail}",
    "invalid_field": "The server could not accept it: {detail}",
}


def reason_words(reason: str) -> str:
    code, _, detail = reason.partition(": ")
    if detail and code in SCHEMA_REASON_WORDS:
        return SCHEMA_REASON_WORDS[code].format(detail=detail.replace("_", " "))
    return REASON_WORDS.get(reason, f"Refused by the server ({reason})")


def describe(change: RejectedChange) -> tuple[str, str, str, str, str]:
    family = change.family_reference or "(no longer on this laptop)"
    record = record_name(change.table)
    when = change.rejected_at.strftime("%d %b %Y %H:%M") if change.rejected_at else ""
    return (family, record, CHANGE_WORDS.get(change.kind, change.kind), reason_words(change.reason),
            when)


class AttentionDialog(QDialog):
    """Lists refused changes off the GUI thread; "Send again" queues them for the next sync."""

    resent = Signal(int)  # how many changes were queued again

    def __init__(self, store: CaseloadStore, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attention_dialog")
        self.setWindowTitle("Changes needing attention — FamilyWorker")
        self.setAccessibleName("Changes needing attention")
        self.resize(820, 380)
        self._store = store
        self._runner = runner
        self._changes: list[RejectedChange] = []

        intro = QLabel(
            "The server refused these changes, usually because the family was moved to another "
            "worker. They are kept on this laptop. Ask your supervisor to put the allocation "
            "right, then choose Send again.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("attention_table")
        self.table.setAccessibleName("Refused changes")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel("Nothing needs attention: every change reached the server.")
        self.empty_label.setObjectName("attention_empty")

        self.resend_button = QPushButton("&Send again")
        self.resend_button.setObjectName("attention_resend")
        self.resend_button.setAccessibleName("Send the selected changes again (all if none "
                                             "selected)")
        self.resend_button.clicked.connect(self.send_again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.resend_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Refresh, self).activated.connect(self.reload)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(buttons)
        self._show([])

    def reload(self, then: Callable[[], None] | None = None) -> None:
        store = self._store

        def shown(changes: list[RejectedChange]) -> None:
            self._show(changes)
            if then is not None:
                then()

        self._runner.run(lambda: needs_attention(store), shown, self._failed)

    def _show(self, changes: Sequence[RejectedChange]) -> None:
        self._changes = list(changes)
        self.table.setRowCount(len(self._changes))
        for row, change in enumerate(self._changes):
            for column, text in enumerate(describe(change)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.empty_label.setVisible(not self._changes)
        self.table.setVisible(bool(self._changes))
        self.resend_button.setEnabled(bool(self._changes))
        if self._changes:
            self.table.setFocus()

    def selected_op_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._changes[row].op_id for row in rows]

    def send_again(self) -> None:
        store = self._store
        chosen = self.selected_op_ids() or None  # none selected: all of them
        self.resend_button.setEnabled(False)

        def queued(count: int) -> None:
            self.reload()
            self.resent.emit(count)

        self._runner.run_write(lambda: retry_rejected(store, chosen), queued, self._failed)

    def _failed(self, _error: Exception) -> None:
        # The details may name records; the worker gets a plain sentence, the log nothing.
        self.empty_label.setText("The list could not be read just now. Try again in a moment.")
        self.empty_label.show()
        self.resend_button.setEnabled(bool(self._changes))
