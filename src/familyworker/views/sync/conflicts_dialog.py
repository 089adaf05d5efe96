"""The conflicts view: each open conflict with both values side by side; keep mine, keep
theirs, or merge the two texts. Resolutions are ordinary edits, so they sync."""

import json
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.conflicts import (
    ConflictView,
    Keep,
    added_after_deletion,
    list_conflicts,
    merged_draft,
    resolve_conflict,
)
from familyworker.sync.protocol import DELETED_VALUE
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner
from familyworker.views.sync.record_names import record_name

log = logging.getLogger(__name__)



def field_name(field: str) -> str:
    return field.replace("_", " ").capitalize()


def shown_value(value: Any, *, whole_record: bool = False) -> str:
    if whole_record:
        if value == DELETED_VALUE:
            return "Deleted."
        added = added_after_deletion(value)
        if added is not None:  # records another device added to the family
            return "Added to it after it was deleted:\n" + "\n".join(
                record_name(table) for table, _ in added)
        if isinstance(value, dict):  # the edit the deleting device had not seen
            return "Changed:\n" + "\n".join(
                f"{field_name(name)}: {shown_value(v)}" for name, v in value.items())
    if value is None or value == "":
        return "(empty)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class ConflictsDialog(QDialog):
    """Lists open conflicts; never logs a value (they may hold names or narrative)."""

    resolved = Signal(str)  # conflict id: a resolution was saved and should be synced
    loaded = Signal()

    def __init__(self, store: CaseloadStore, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.conflicts: list[ConflictView] = []
        self.setObjectName("conflicts_dialog")
        self.setWindowTitle("Conflicts to resolve — FamilyWorker")
        self.setAccessibleName("Conflicts to resolve")
        self.resize(980, 560)

        intro = QLabel("Two devices changed the same thing before they synced. The later change "
                       "is showing now; nothing was thrown away. Choose what to keep.")
        intro.setWordWrap(True)
        self.conflict_list = QListWidget()
        self.conflict_list.setObjectName("conflict_list")
        self.conflict_list.setAccessibleName("Open conflicts")
        self.empty_label = QLabel("<h3>No conflicts to resolve</h3>")
        self.empty_label.setObjectName("conflicts_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field_label = QLabel("")
        self.field_label.setObjectName("conflict_field_label")
        self.field_label.setAccessibleName("Conflicting field")
        self.field_label.setWordWrap(True)
        self.mine_edit = self._value_box("mine_edit", "Value on this laptop")
        self.theirs_edit = self._value_box("theirs_edit", "Value from the other device")
        self.merge_edit = QPlainTextEdit()
        self.merge_edit.setObjectName("merge_edit")
        self.merge_edit.setAccessibleName("Merged text")
        self.merge_edit.hide()
        self.merge_label = QLabel("Merged te&xt (edit, then save):")
        self.merge_label.setBuddy(self.merge_edit)
        self.merge_label.hide()
        self.keep_mine_button = self._button("keep_mine_button", "Keep &mine")
        self.keep_theirs_button = self._button("keep_theirs_button", "Keep &theirs")
        self.merge_button = self._button("merge_button", "M&erge…")
        self.save_merge_button = self._button("save_merge_button", "&Save merged text")
        self.save_merge_button.hide()
        self.close_button = self._button("close_conflicts_button", "&Close")
        self.message_label = QLabel("")
        self.message_label.setObjectName("conflicts_message")
        self.message_label.setAccessibleName("Conflicts message")
        self.message_label.setWordWrap(True)

        values = QGridLayout()
        mine_title, theirs_title = QLabel("On this &laptop:"), QLabel("From the other &device:")
        mine_title.setBuddy(self.mine_edit)
        theirs_title.setBuddy(self.theirs_edit)
        values.addWidget(mine_title, 0, 0)
        values.addWidget(theirs_title, 0, 1)
        values.addWidget(self.mine_edit, 1, 0)
        values.addWidget(self.theirs_edit, 1, 1)
        values.addWidget(self.keep_mine_button, 2, 0)
        values.addWidget(self.keep_theirs_button, 2, 1)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.field_label)
        detail_layout.addLayout(values, 2)
        detail_layout.addWidget(self.merge_button)
        detail_layout.addWidget(self.merge_label)
        detail_layout.addWidget(self.merge_edit, 1)
        detail_layout.addWidget(self.save_merge_button)
        self.detail = detail
        splitter = QSplitter()
        splitter.addWidget(self.conflict_list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.splitter = splitter
        for first, second in ((self.conflict_list, self.mine_edit),
                              (self.mine_edit, self.theirs_edit),
                              (self.theirs_edit, self.keep_mine_button),
                              (self.keep_mine_button, self.keep_theirs_button),
                              (self.keep_theirs_button, self.merge_button),
                              (self.merge_button, self.merge_edit),
                              (self.merge_edit, self.save_merge_button),
                              (self.save_merge_button, self.close_button)):
            self.setTabOrder(first, second)

        self.conflict_list.currentRowChanged.connect(self._show_current)
        self.keep_mine_button.clicked.connect(lambda: self.resolve_current("mine"))
        self.keep_theirs_button.clicked.connect(lambda: self.resolve_current("theirs"))
        self.merge_button.clicked.connect(self.start_merge)
        self.save_merge_button.clicked.connect(lambda: self.resolve_current("merged"))
        self.close_button.clicked.connect(self.close)
        self._set_enabled(False)

    @staticmethod
    def _value_box(name: str, accessible: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setReadOnly(True)
        box.setTabChangesFocus(True)
        return box

    @staticmethod
    def _button(name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        return button

    # ----- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        store = self.store
        self.runner.run(lambda: list_conflicts(store), self._on_loaded, self._on_error)

    def _on_loaded(self, conflicts: list[ConflictView]) -> None:
        current = self.current()
        self.conflicts = conflicts
        self.conflict_list.blockSignals(True)
        self.conflict_list.clear()
        for conflict in conflicts:
            what = "deleted and changed" if conflict.is_deletion else field_name(conflict.field)
            item = QListWidgetItem(f"{conflict.family_reference or 'Family'} · "
                                   f"{record_name(conflict.table)} · {what}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.id)
            self.conflict_list.addItem(item)
        self.conflict_list.blockSignals(False)
        keep = next((i for i, c in enumerate(conflicts) if current and c.id == current.id), 0)
        self.empty_label.setVisible(not conflicts)
        self.splitter.setVisible(bool(conflicts))
        if conflicts:
            self.conflict_list.setCurrentRow(keep)
            self._show_current(keep)
            self.conflict_list.setFocus()
        else:
            self._show_current(-1)
            self.close_button.setFocus()
        self.loaded.emit()

    def current(self) -> ConflictView | None:
        row = self.conflict_list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show_current(self, _row: int) -> None:
        conflict = self.current()
        self._end_merge()
        if conflict is None:
            self.field_label.setText("")
            self.mine_edit.clear()
            self.theirs_edit.clear()
            self._set_enabled(False)
            return
        family = conflict.family_reference or "a family"
        where = f"{record_name(conflict.table).lower()} in {family}"
        whole = conflict.is_deletion
        if whole:
            self.field_label.setText(
                f"<b>This {where}</b> was deleted on one device and changed on another; "
                "it stays deleted unless restored.")
        else:
            self.field_label.setText(f"<b>{field_name(conflict.field)}</b> of {where}")
        self.mine_edit.setPlainText(shown_value(conflict.mine, whole_record=whole))
        self.theirs_edit.setPlainText(shown_value(conflict.theirs, whole_record=whole))
        self._label_buttons(conflict)
        self._set_enabled(True)
        self.merge_button.setEnabled(conflict.mergeable)
        self.merge_button.setToolTip("" if conflict.mergeable
                                     else "Only text can be merged; keep one of the values.")

    def _label_buttons(self, conflict: ConflictView) -> None:
        """Keep mine / keep theirs, or for a deletion: keep it deleted / restore it."""
        labels = [("Keep &mine", "Keep mine"), ("Keep &theirs", "Keep theirs")]
        if conflict.is_deletion:
            deleted_is_mine = conflict.mine == DELETED_VALUE
            keep, restore = ("&Keep it deleted", "Keep it deleted"), ("&Restore it", "Restore it")
            labels = [keep, restore] if deleted_is_mine else [restore, keep]
        for button, (text, name) in zip((self.keep_mine_button, self.keep_theirs_button),
                                        labels, strict=True):
            button.setText(text)
            button.setAccessibleName(name)

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.keep_mine_button, self.keep_theirs_button, self.merge_button):
            button.setEnabled(enabled)

    # ----- resolving -----------------------------------------------------------------------

    def start_merge(self) -> None:
        conflict = self.current()
        if conflict is None or not conflict.mergeable:
            return
        self.merge_edit.setPlainText(merged_draft(conflict))
        for widget in (self.merge_label, self.merge_edit, self.save_merge_button):
            widget.show()
        self.merge_edit.setFocus()

    def _end_merge(self) -> None:
        for widget in (self.merge_label, self.merge_edit, self.save_merge_button):
            widget.hide()
        self.merge_edit.clear()

    def resolve_current(self, keep: Keep) -> None:
        conflict = self.current()
        if conflict is None:
            return
        store, conflict_id = self.store, conflict.id
        merged = self.merge_edit.toPlainText() if keep == "merged" else None
        self._set_enabled(False)
        self.save_merge_button.setEnabled(False)
        self.message_label.setText("Saving…")
        self.runner.run_write(
            lambda: resolve_conflict(store, conflict_id, keep=keep, merged_text=merged),
            self._on_resolved, self._on_resolve_error)

    def _on_resolved(self, view: ConflictView) -> None:
        log.info("conflict resolved (%s)", view.resolution)
        self.save_merge_button.setEnabled(True)
        self.message_label.setText("Saved. It will reach the other devices at the next sync.")
        self.resolved.emit(view.id)
        self.reload()

    def _on_resolve_error(self, error: Exception) -> None:
        # Nothing changed: the merge text stays in the box so no typing is lost.
        self.save_merge_button.setEnabled(True)
        current = self.current()
        self._set_enabled(current is not None)
        self.merge_button.setEnabled(current is not None and current.mergeable)
        self.message_label.setText(plain_message(error))

    def _on_error(self, error: Exception) -> None:
        self.message_label.setText(plain_message(error))
