"""The Contact notes tab: the chronology, a note form, drafts, finalising and addenda."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.contact import Addendum, ContactNote, NoteKind
from familyworker.services.family_file import FamilyFile
from familyworker.views.confirm import ask_to_confirm
from familyworker.views.notes_table_model import NotesTableModel
from familyworker.views.oversight_entries import with_oversight
from familyworker.views.qt_dates import to_local_qdatetime
from familyworker.views.record_table_view import record_table_view
from familyworker.views.sizing import repolish, scrolling, text_box_height

CHOOSE_KIND = "Choose the kind of contact…"
FINAL_BANNER = "Finalised — add an addendum to correct. This note can no longer be edited."


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class NotesPage(QWidget):
    """Writes one note at a time; a finalised note is shown read-only and takes addenda."""

    save_requested = Signal(object, object, bool)  # (fields, note id or None, finalise)
    addendum_requested = Signal(str, str)  # (note id, text)
    print_requested = Signal()  # the chronology

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notes_page")
        self.setAccessibleName("Contact notes")
        self._notes: tuple[ContactNote, ...] = ()
        self._addenda: tuple[Addendum, ...] = ()
        self._finalising = False
        self.confirm_box: QMessageBox | None = None
        self._author: Callable[[str | None], str] = lambda _worker_id: "unknown"
        self._oversight_ids: frozenset[str] = frozenset()  # read-only, no addenda
        self._editing: ContactNote | None = None  # the note in the form, None for a new one
        self._saved_payload: dict[str, Any] | None = None

        self.kind_filter_combo = QComboBox()
        self.kind_filter_combo.setObjectName("kind_filter_combo")
        self.kind_filter_combo.setAccessibleName("Show notes of kind")
        self.kind_filter_combo.addItem("All kinds", None)
        for kind in NoteKind:
            self.kind_filter_combo.addItem(kind.label, kind)
        self.notes_model = NotesTableModel(self)
        self.notes_table = record_table_view(
            self.notes_model, object_name="notes_table",
            accessible_name="Chronology of contact notes", stretch_column=3,
            widths=(130, 130, 60))
        self.new_button = QPushButton("New no&te")
        self.new_button.setObjectName("new_button")
        self.new_button.setAccessibleName("New note")
        self.new_button.setToolTip("Ctrl+N")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Show:"))
        filter_row.addWidget(self.kind_filter_combo, 1)
        filter_row.addWidget(self.new_button)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.notes_table)
        self.print_button = QPushButton("Print chronolog&y…")
        self.print_button.setObjectName("print_button")
        self.print_button.setAccessibleName("Print the chronology")
        self.print_button.setToolTip("Preview and print every note, oldest first (Ctrl+P)")
        self.print_button.clicked.connect(self.print_requested)
        left_layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignRight)

        self.form_title = QLabel("<b>New note</b>")
        self.form_title.setObjectName("form_title_label")
        self.form_title.setAccessibleName("Note form")
        self.final_banner = QLabel(FINAL_BANNER)
        self.final_banner.setObjectName("final_banner")
        self.final_banner.setAccessibleName("This note is finalised and read-only")
        self.final_banner.setWordWrap(True)
        self.final_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.final_banner.hide()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind_combo")
        self.kind_combo.setAccessibleName("Kind of contact")
        # No kind is assumed: a phone call written up as a "Home visit" misleads the record.
        self.kind_combo.addItem(CHOOSE_KIND, None)
        for kind in NoteKind:
            if kind is not NoteKind.OVERSIGHT:
                self.kind_combo.addItem(kind.label, kind)
        self.when_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.when_edit.setObjectName("when_edit")
        self.when_edit.setAccessibleName("Date and time of the contact")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("dd MMM yyyy HH:mm")
        self.duration_spin = QSpinBox()
        self.duration_spin.setObjectName("duration_spin")
        self.duration_spin.setAccessibleName("Duration in minutes")
        self.duration_spin.setRange(0, 24 * 60)
        self.duration_spin.setSuffix(" min")
        self.duration_spin.setSpecialValueText("not recorded")
        self.present_edit = QLineEdit()
        self.present_edit.setObjectName("present_edit")
        self.present_edit.setAccessibleName("Who was present")
        self.present_edit.setPlaceholderText("Names, separated by commas")
        self.agencies_edit = QLineEdit()
        self.agencies_edit.setObjectName("agencies_edit")
        self.agencies_edit.setAccessibleName("Agencies involved")
        self.agencies_edit.setPlaceholderText("Agencies, separated by commas")
        self.narrative_edit = QPlainTextEdit()
        self.narrative_edit.setObjectName("narrative_edit")
        self.narrative_edit.setAccessibleName("What happened")
        self.narrative_edit.setTabChangesFocus(True)
        self.narrative_edit.setPlaceholderText("What happened, what was said, what you saw")
        self.follow_ups_edit = QPlainTextEdit()
        self.follow_ups_edit.setObjectName("follow_ups_edit")
        self.follow_ups_edit.setAccessibleName("Follow-ups")
        self.follow_ups_edit.setTabChangesFocus(True)
        # Heights in lines of the font in use, so a larger font keeps them usable; the form
        # scrolls rather than squash them (it is in a scroll area).
        self.narrative_edit.setMinimumHeight(text_box_height(self.narrative_edit, 6))
        self.follow_ups_edit.setMinimumHeight(text_box_height(self.follow_ups_edit, 3))
        self.follow_ups_edit.setMaximumHeight(text_box_height(self.follow_ups_edit, 4))
        self.save_button = QPushButton("Save as &draft")
        self.save_button.setObjectName("save_button")
        self.save_button.setAccessibleName("Save as draft")
        self.finalise_button = QPushButton("&Finalise")
        self.finalise_button.setObjectName("finalise_button")
        self.finalise_button.setAccessibleName("Finalise the note")
        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Note message")

        self.addenda_view = QPlainTextEdit()
        self.addenda_view.setObjectName("addenda_view")
        self.addenda_view.setAccessibleName("Addenda to this note")
        self.addenda_view.setReadOnly(True)
        self.addenda_view.setMinimumHeight(text_box_height(self.addenda_view, 3))
        self.addenda_view.setMaximumHeight(text_box_height(self.addenda_view, 5))
        self.addendum_edit = QPlainTextEdit()
        self.addendum_edit.setObjectName("addendum_edit")
        self.addendum_edit.setAccessibleName("New addendum")
        self.addendum_edit.setTabChangesFocus(True)
        self.addendum_edit.setMinimumHeight(text_box_height(self.addendum_edit, 3))
        self.addendum_edit.setMaximumHeight(text_box_height(self.addendum_edit, 4))
        self.addendum_label = QLabel("&Correction or addition:")
        self.addendum_label.setObjectName("addendum_label")
        self.addendum_label.setBuddy(self.addendum_edit)
        self.addendum_button = QPushButton("Add addend&um")
        self.addendum_button.setObjectName("addendum_button")
        self.addendum_button.setAccessibleName("Add addendum")
        self.addendum_box = QGroupBox("Addenda (corrections and additions)")
        self.addendum_box.setObjectName("addendum_box")
        addendum_layout = QVBoxLayout(self.addendum_box)
        addendum_layout.addWidget(self.addenda_view)
        addendum_layout.addWidget(self.addendum_label)
        addendum_layout.addWidget(self.addendum_edit)
        addendum_layout.addWidget(self.addendum_button)

        form = QFormLayout()
        form.addRow("&Kind:", self.kind_combo)
        form.addRow("Date and ti&me:", self.when_edit)
        form.addRow("Du&ration:", self.duration_spin)
        form.addRow("Pre&sent:", self.present_edit)
        form.addRow("A&gencies:", self.agencies_edit)
        form.addRow("What h&appened:", self.narrative_edit)
        form.addRow("Fo&llow-ups:", self.follow_ups_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finalise_button)
        form_widget = QWidget()
        form_widget.setObjectName("note_form")
        right_layout = QVBoxLayout(form_widget)
        right_layout.addWidget(self.form_title)
        right_layout.addWidget(self.final_banner)
        right_layout.addLayout(form)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.addendum_box)
        right = scrolling(form_widget, "Note form")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.kind_filter_combo.currentIndexChanged.connect(self._refresh_list)
        self.notes_table.selectionModel().currentRowChanged.connect(self._on_current)
        self.new_button.clicked.connect(self.new_note)
        self.save_button.clicked.connect(self._save_draft)
        self.finalise_button.clicked.connect(self._finalise)
        self.addendum_button.clicked.connect(self._add_addendum)
        self.new_note()

    # ----- data ----------------------------------------------------------------------------

    def show_file(self, file: FamilyFile) -> None:
        # Supervisors' oversight decisions sit in the chronology beside the contacts.
        self._notes = with_oversight(file.notes, file.oversight)
        self._oversight_ids = frozenset(o.id for o in file.oversight)
        self._addenda = file.addenda
        self._author = file.author_name
        editing_id = self._editing.id if self._editing else None
        self._refresh_list()
        if editing_id:
            fresh = next((n for n in self._notes if n.id == editing_id), None)
            if fresh is not None:
                self._load(fresh)

    def clear(self) -> None:
        self._notes = ()
        self._addenda = ()
        self.notes_model.set_rows(())
        self.new_note()
        self.addenda_view.clear()

    @property
    def editing(self) -> ContactNote | None:
        return self._editing

    def _refresh_list(self) -> None:
        data = self.kind_filter_combo.currentData()
        kind = NoteKind(data) if data else None  # Qt hands enum data back as plain str
        self.notes_model.set_rows([n for n in self._notes if kind is None or n.kind is kind])

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._load(self.notes_model.row_at(current.row()))

    def select_row(self, row: int) -> None:
        self.notes_table.setCurrentIndex(self.notes_model.index(row, 0))

    # ----- the form ------------------------------------------------------------------------

    def new_note(self) -> None:
        self._editing = None
        self.form_title.setText("<b>New note</b>")
        self.kind_combo.setCurrentIndex(0)
        self.when_edit.setDateTime(QDateTime.currentDateTime())
        self.duration_spin.setValue(0)
        for edit in (self.present_edit, self.agencies_edit):
            edit.clear()
        for text_edit in (self.narrative_edit, self.follow_ups_edit, self.addendum_edit,
                          self.addenda_view):
            text_edit.clear()
        self._set_read_only(False)
        self.addendum_box.setEnabled(False)
        self.message_label.setText("")
        self._saved_payload = self._payload()
        self.notes_table.clearSelection()
        self.narrative_edit.setFocus()

    def _load(self, note: ContactNote) -> None:
        self._editing = note
        index = self.kind_combo.findData(note.kind)
        if index < 0:
            self.kind_combo.addItem(note.kind.label, note.kind)
            index = self.kind_combo.count() - 1
        self.kind_combo.setCurrentIndex(index)
        self.when_edit.setDateTime(to_local_qdatetime(note.occurred_at))
        self.duration_spin.setValue(note.duration_minutes or 0)
        self.present_edit.setText(", ".join(note.present))
        self.agencies_edit.setText(", ".join(note.agencies))
        # Reloading the same note must not move the cursor of someone still typing.
        for text_edit, text in ((self.narrative_edit, note.narrative),
                                (self.follow_ups_edit, note.follow_ups)):
            if text_edit.toPlainText() != text:
                text_edit.setPlainText(text)
        final = note.is_final
        self._set_read_only(final)
        if final:
            stamp = note.finalised_at.astimezone().strftime("%d %b %Y %H:%M") \
                if note.finalised_at else ""
            self.form_title.setText(f"<b>Finalised note</b> ({stamp}): read-only. "
                                    "Add an addendum to correct or add to it.")
        else:
            self.form_title.setText("<b>✎ Draft note</b>: not yet finalised.")
        addenda = [a for a in self._addenda if a.note_id == note.id]
        self.addenda_view.setPlainText("\n\n".join(
            f"{a.written_at.astimezone():%d %b %Y %H:%M}, {self._author(a.author_id)}: {a.text}"
            for a in addenda) or "No addenda.")
        self.addendum_box.setEnabled(final and note.id not in self._oversight_ids)
        if note.id in self._oversight_ids:
            self.form_title.setText("<b>Management oversight</b>: read-only; a supervisor's "
                                    "decision.")
        self.message_label.setText("")
        self._saved_payload = self._payload()

    def _set_read_only(self, read_only: bool) -> None:
        """A finalised note must look as fixed as it is: short fields greyed out, the
        narrative kept selectable (to quote in an addendum) but on the window's background."""
        # Read-only, not disabled: disabled text is light grey on grey, skipped by Tab and
        # hard to read aloud. Only the kind (a combo box has no read-only state) is disabled.
        leaving = self.save_button.hasFocus() or self.finalise_button.hasFocus() \
            or self._finalising
        self._finalising = False
        self.kind_combo.setEnabled(not read_only)
        for field in (self.when_edit, self.duration_spin, self.present_edit,
                      self.agencies_edit, self.narrative_edit, self.follow_ups_edit):
            field.setReadOnly(read_only)
            field.setProperty("finalised", read_only)  # for the style sheet
            repolish(field)
        for text in (self.narrative_edit, self.follow_ups_edit):
            text.setBackgroundRole(QPalette.ColorRole.Window if read_only
                                   else QPalette.ColorRole.Base)
            text.viewport().setBackgroundRole(text.backgroundRole())
        self.final_banner.setVisible(read_only)
        self.save_button.setEnabled(not read_only)
        self.finalise_button.setEnabled(not read_only)
        if leaving and read_only:  # the pressed button greys out: keep the focus in the note
            self.narrative_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fields(self) -> dict[str, Any]:
        when = self.when_edit.dateTime().toSecsSinceEpoch()
        duration = self.duration_spin.value()
        kind = self.kind_combo.currentData()
        return {
            "kind": NoteKind(kind) if kind else None,
            "occurred_at": datetime.fromtimestamp(when, tz=UTC),
            "narrative": self.narrative_edit.toPlainText(),
            "present": _split(self.present_edit.text()),
            "agencies": _split(self.agencies_edit.text()),
            "duration_minutes": duration or None,
            "follow_ups": self.follow_ups_edit.toPlainText(),
        }

    def _kind_chosen(self) -> bool:
        if self.kind_combo.currentData() is None:
            self.message_label.setText("Choose what kind of contact this was (Kind).")
            self.kind_combo.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        return True

    def _save_draft(self) -> None:
        if not self._kind_chosen():
            return
        self.save_requested.emit(self._fields(), self._editing.id if self._editing else None,
                                 False)

    def _finalise(self) -> None:
        """Finalising cannot be undone (only addenda after): asked first."""
        if not self._kind_chosen():
            return
        fields, note_id = self._fields(), self._editing.id if self._editing else None
        self.confirm_box = ask_to_confirm(
            self, title="Finalise this note?",
            text="A finalised note can no longer be edited; corrections are added as addenda.",
            confirm_label="&Finalise",
            on_confirm=lambda: self._confirmed_finalise(fields, note_id))

    def _confirmed_finalise(self, fields: dict[str, Any], note_id: str | None) -> None:
        self._finalising = True  # focus stays in the note once it turns read-only
        self.window().activateWindow()  # back from the question
        self.save_requested.emit(fields, note_id, True)

    def _add_addendum(self) -> None:
        if self._editing is None or not self._editing.is_final:
            return
        self.addendum_requested.emit(self._editing.id, self.addendum_edit.toPlainText())

    def saved(self, note: ContactNote) -> None:
        self._editing = note
        self._saved_payload = self._payload()
        self.message_label.setText("Note finalised." if note.is_final else "Draft saved.")

    def addendum_added(self) -> None:
        self.addendum_edit.clear()
        self.message_label.setText("Addendum added.")

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)

    # ----- drafts --------------------------------------------------------------------------

    def _payload(self) -> dict[str, Any]:
        fields = self._fields()
        return {"note_id": self._editing.id if self._editing else None,
                "kind": fields["kind"].value if fields["kind"] else None,
                "occurred_at": fields["occurred_at"].isoformat(),
                "narrative": fields["narrative"], "present": list(fields["present"]),
                "agencies": list(fields["agencies"]),
                "duration_minutes": fields["duration_minutes"],
                "follow_ups": fields["follow_ups"],
                "addendum": self.addendum_edit.toPlainText()}

    def draft_payload(self) -> dict[str, Any] | None:
        """Typed text not yet saved, or None. A finalised note only keeps its addendum text."""
        payload = self._payload()
        if self._editing is not None and self._editing.is_final:
            return payload if payload["addendum"].strip() else None
        if payload == self._saved_payload:
            return None
        return payload

    def restore_draft(self, payload: dict[str, Any]) -> None:
        note_id = payload.get("note_id")
        note = next((n for n in self._notes if n.id == note_id), None) if note_id else None
        if note is not None:
            self._load(note)
        else:
            self.new_note()
        if note is None or not note.is_final:
            kind = payload.get("kind")
            if kind:
                index = self.kind_combo.findData(NoteKind(kind))
                if index >= 0:
                    self.kind_combo.setCurrentIndex(index)
            if payload.get("occurred_at"):
                moment = datetime.fromisoformat(str(payload["occurred_at"]))
                self.when_edit.setDateTime(to_local_qdatetime(moment))
            self.duration_spin.setValue(int(payload.get("duration_minutes") or 0))
            self.present_edit.setText(", ".join(payload.get("present", [])))
            self.agencies_edit.setText(", ".join(payload.get("agencies", [])))
            self.narrative_edit.setPlainText(str(payload.get("narrative", "")))
            self.follow_ups_edit.setPlainText(str(payload.get("follow_ups", "")))
        self.addendum_edit.setPlainText(str(payload.get("addendum", "")))
        self.message_label.setText("Restored the text you had not saved.")
