"""The Contact notes tab: the chronology, a note form, drafts, finalising and addenda."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
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

from familyworker.domain.caseload import booked_visit_stands
from familyworker.domain.contact import (
    CONTACT_KINDS,
    Addendum,
    ChildSeen,
    ContactNote,
    ContactOutcome,
    NoteKind,
)
from familyworker.domain.family import BookedVisit
from familyworker.services.family_file import FamilyFile
from familyworker.views.family.notes_table_model import NotesTableModel
from familyworker.views.family.oversight_entries import with_oversight
from familyworker.views.family.present_picker import PresentPicker
from familyworker.views.shared.confirm import ask_to_confirm
from familyworker.views.shared.qt_dates import from_qdate, to_local_qdatetime, to_qdate
from familyworker.views.shared.record_table_view import record_table_view
from familyworker.views.shared.sizing import repolish, scrolling, text_box_height

CHOOSE_KIND = "Choose the kind of contact…"
CHOOSE_OUTCOME = "Choose whether it happened…"
CHILD_VOICE_PROMPT = "What the child said or showed about their life, in their own words"
WHEN_NOT_CHOSEN = "⚠ Not chosen yet: set when it happened, or press Now."
NARRATIVE_LABEL = "What h&appened:"
DECISIONS_LABEL = "Decisions m&ade:"
FINAL_BANNER = "Finalised — add an addendum to correct. This note can no longer be edited."


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def asks_outcome(kind: NoteKind | None) -> bool:
    """A text or email is sent, not attended: whether it "happened" is not asked."""
    return kind is not NoteKind.TEXT_EMAIL


def asks_child_seen(kind: NoteKind | None) -> bool:
    return kind is None or kind.is_face_to_face


def booked_visit_to_offer(file: FamilyFile, now: datetime | None = None) -> BookedVisit | None:
    """The booked visit once its time has come, unless a contact on or after its day is
    already recorded (then it has happened, as the caseload counts it:
    domain.caseload.next_visit_due). A visit still to come is not what a note written now
    records (a call today, before Wednesday's visit)."""
    booked = file.family.booked_visit
    if booked is None or booked.at > (now or datetime.now(UTC)):
        return None
    last_contact = max((n.occurred_at.astimezone().date() for n in file.notes
                        if n.counts_as_contact), default=None)
    return booked if booked_visit_stands(booked.at.astimezone().date(), last_contact) else None


def not_contact_warning(kind: NoteKind, outcome: ContactOutcome) -> str:
    """Said plainly before finalising: what this note will not count as."""
    if kind not in CONTACT_KINDS:
        return (f"A {kind.label.lower()} is kept in the chronology but does not count as "
                "contact with the family.\n\n")
    if outcome is not ContactOutcome.MADE:
        return (f"This note says the contact did not happen ({outcome.label.lower()}): it "
                "will not count as contact with the family, and a booked visit stays due."
                "\n\n")
    return ""


def _booked_hint(booked: BookedVisit) -> str:
    where = f" at {booked.where}" if booked.where.strip() else ""
    return f"From the booked visit{where}: change it if the contact was at another time."


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
        self.print_button = QPushButton("Print chronology…")
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
        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("outcome_combo")
        self.outcome_combo.setAccessibleName("Did the contact happen?")
        # Asked every time: a failed visit recorded as "made" would clear an overdue visit.
        self.outcome_combo.addItem(CHOOSE_OUTCOME, None)
        for outcome in ContactOutcome:
            self.outcome_combo.addItem(outcome.label, outcome)
        self.child_seen_combo = QComboBox()
        self.child_seen_combo.setObjectName("child_seen_combo")
        self.child_seen_combo.setAccessibleName("Child seen?")
        for seen in ChildSeen:
            self.child_seen_combo.addItem(seen.label, seen)
        self.child_voice_edit = QPlainTextEdit()
        self.child_voice_edit.setObjectName("child_voice_edit")
        self.child_voice_edit.setAccessibleName("In the child's words")
        self.child_voice_edit.setTabChangesFocus(True)
        self.child_voice_edit.setPlaceholderText(CHILD_VOICE_PROMPT)
        self._booked: BookedVisit | None = None
        self._when_chosen = False  # a new note's time is picked, never assumed
        self._setting_when = False
        self.when_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.when_edit.setObjectName("when_edit")
        self.when_edit.setAccessibleName("Date and time of the contact")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("dd MMM yyyy HH:mm")
        self.now_button = QPushButton("Now")
        self.now_button.setObjectName("now_button")
        self.now_button.setAccessibleName("Set the date and time to now")
        self.now_button.setToolTip("The contact is happening now, or has just ended")
        self.when_hint = QLabel("")
        self.when_hint.setObjectName("when_hint_label")
        self.when_hint.setAccessibleName("About the date and time")
        self.when_hint.setWordWrap(True)
        self.next_meeting_check = QCheckBox("Ne&xt meeting on:")
        self.next_meeting_check.setObjectName("next_meeting_check")
        self.next_meeting_check.setAccessibleName("Next meeting booked")
        self.next_meeting_edit = QDateEdit(QDate.currentDate().addDays(42))
        self.next_meeting_edit.setObjectName("next_meeting_edit")
        self.next_meeting_edit.setAccessibleName("Date of the next meeting")
        self.next_meeting_edit.setCalendarPopup(True)
        self.next_meeting_edit.setDisplayFormat("dd MMM yyyy")
        self.next_meeting_edit.setEnabled(False)
        self.duration_spin = QSpinBox()
        self.duration_spin.setObjectName("duration_spin")
        self.duration_spin.setAccessibleName("Duration in minutes")
        self.duration_spin.setRange(0, 24 * 60)
        self.duration_spin.setSuffix(" min")
        self.duration_spin.setSpecialValueText("not recorded")
        self.present_picker = PresentPicker()
        self.present_edit = QLineEdit()
        self.present_edit.setObjectName("present_edit")
        self.present_edit.setAccessibleName("Anyone else present")
        self.present_edit.setPlaceholderText(
            "Others present (not in the household), separated by commas")
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
        self.child_voice_edit.setMinimumHeight(text_box_height(self.child_voice_edit, 3))
        self.child_voice_edit.setMaximumHeight(text_box_height(self.child_voice_edit, 4))
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

        when_row = QHBoxLayout()
        when_row.addWidget(self.when_edit)
        when_row.addWidget(self.now_button)
        when_row.addWidget(self.when_hint, 3)
        when_row.addStretch(1)  # Now stays a button's width while the hint is hidden
        self.narrative_label = QLabel(NARRATIVE_LABEL)
        self.narrative_label.setObjectName("narrative_label")
        self.narrative_label.setBuddy(self.narrative_edit)
        when_label = QLabel("Date and ti&me:")
        when_label.setBuddy(self.when_edit)
        # Mnemonics: the tabs hold H, W, P, N, O and V, the menus I and E, the addendum C;
        # the new rows take S, Y and X. Whether it happened, "Child seen?" and Now have no
        # letter left in their words: Tab reaches them, next after the time.
        form = QFormLayout()
        self.form = form
        form.addRow("&Kind:", self.kind_combo)
        form.addRow(when_label, when_row)
        form.addRow("Did the contact happen?", self.outcome_combo)
        form.addRow("Child seen?", self.child_seen_combo)
        form.addRow("In the child'&s words:", self.child_voice_edit)
        form.addRow("Du&ration:", self.duration_spin)
        form.addRow("Present:", self.present_picker)
        form.addRow("An&yone else present:", self.present_edit)
        form.addRow("A&gencies:", self.agencies_edit)
        form.addRow(self.narrative_label, self.narrative_edit)
        form.addRow("Fo&llow-ups:", self.follow_ups_edit)
        form.addRow(self.next_meeting_check, self.next_meeting_edit)
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
        self.kind_combo.currentIndexChanged.connect(self._apply_kind)
        self.when_edit.dateTimeChanged.connect(self._when_edited)
        # Picking the day already shown changes nothing, but it is still a choice.
        self.when_edit.calendarWidget().clicked.connect(self._day_picked)
        self.now_button.clicked.connect(self._set_now)
        self.next_meeting_check.toggled.connect(self._next_meeting_toggled)
        self.notes_table.selectionModel().currentRowChanged.connect(self._on_current)
        self.new_button.clicked.connect(self.new_note)
        self.save_button.clicked.connect(self._save_draft)
        self.finalise_button.clicked.connect(self._finalise)
        self.addendum_button.clicked.connect(self._add_addendum)
        self._apply_kind()
        self.new_note()

    # ----- data ----------------------------------------------------------------------------

    def show_file(self, file: FamilyFile) -> None:
        # Supervisors' oversight decisions sit in the chronology beside the contacts.
        self._notes = with_oversight(file.notes, file.oversight)
        self._oversight_ids = frozenset(o.id for o in file.oversight)
        self._addenda = file.addenda
        self._author = file.author_name
        untouched = self._editing is None and self._payload() == self._saved_payload
        if self.present_picker.set_members([m.name for m in file.members]):
            # Boxes made after the form join the end of the focus chain: put them in place.
            chain = [self.duration_spin, *self.present_picker.boxes, self.present_edit]
            for before, after in pairwise(chain):
                QWidget.setTabOrder(before, after)
        self._booked = booked_visit_to_offer(file)
        if untouched:  # a fresh form takes the booked visit as its time now the file is here
            self._default_when()
            self._saved_payload = self._payload()
        editing_id = self._editing.id if self._editing else None
        self._refresh_list()
        if editing_id:
            fresh = next((n for n in self._notes if n.id == editing_id), None)
            if fresh is not None:
                self._load(fresh)

    def clear(self) -> None:
        self._notes = ()
        self._addenda = ()
        self._booked = None
        self.present_picker.set_members(())
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
        self.outcome_combo.setCurrentIndex(0)
        self.child_seen_combo.setCurrentIndex(0)
        self._default_when()
        self.duration_spin.setValue(0)
        for edit in (self.present_edit, self.agencies_edit):
            edit.clear()
        self.present_picker.set_present(())
        self.next_meeting_check.setChecked(False)
        self.next_meeting_edit.setDate(QDate.currentDate().addDays(42))
        for text_edit in (self.narrative_edit, self.follow_ups_edit, self.addendum_edit,
                          self.addenda_view, self.child_voice_edit):
            text_edit.clear()
        self._set_read_only(False)
        self.addendum_box.setEnabled(False)
        self.message_label.setText("")
        self._saved_payload = self._payload()
        self.notes_table.clearSelection()
        self.narrative_edit.setFocus()

    def _default_when(self) -> None:
        """A new note's time: the booked visit's when there is one (most notes are written
        after the visit), otherwise nothing is assumed and the worker sets it or presses Now."""
        if self._booked is not None:
            self._set_when(to_local_qdatetime(self._booked.at), chosen=True,
                           hint=_booked_hint(self._booked))
        else:
            self._set_when(QDateTime.currentDateTime(), chosen=False, hint=WHEN_NOT_CHOSEN)

    def _set_when(self, moment: QDateTime, *, chosen: bool, hint: str = "") -> None:
        self._setting_when = True
        try:
            self.when_edit.setDateTime(moment)
        finally:
            self._setting_when = False
        self._when_chosen = chosen
        self.when_hint.setText(hint)
        self.when_hint.setVisible(bool(hint))

    def _when_edited(self, _moment: QDateTime) -> None:
        if not self._setting_when:
            self._when_chosen = True
            self.when_hint.setText("")
            self.when_hint.hide()

    def _day_picked(self, _day: QDate) -> None:
        self._when_edited(self.when_edit.dateTime())

    def _set_now(self) -> None:
        self._set_when(QDateTime.currentDateTime(), chosen=True)

    @property
    def when_chosen(self) -> bool:
        return self._when_chosen

    def _next_meeting_toggled(self, booked: bool) -> None:
        self.next_meeting_edit.setEnabled(booked)

    def _set_next_meeting(self, day: date | None) -> None:
        self.next_meeting_check.setChecked(day is not None)
        if day is not None:
            self.next_meeting_edit.setDate(to_qdate(day))

    def _show_present(self, present: tuple[str, ...] | list[str]) -> None:
        others = self.present_picker.set_present(present)
        self.present_edit.setText(", ".join(others))

    def _apply_kind(self) -> None:
        """Rows that do not apply to the kind are hidden (no child is seen in a text)."""
        data = self.kind_combo.currentData()
        kind = NoteKind(data) if data else None
        meeting = kind is not None and kind.is_meeting
        self.form.setRowVisible(self.outcome_combo, asks_outcome(kind))
        self.form.setRowVisible(self.child_seen_combo, asks_child_seen(kind))
        self.form.setRowVisible(self.next_meeting_edit, meeting)
        self.narrative_label.setText(DECISIONS_LABEL if meeting else NARRATIVE_LABEL)
        self.narrative_edit.setAccessibleName("Decisions made" if meeting else "What happened")
        self.narrative_edit.setPlaceholderText(
            "What was discussed and decided, and by whom" if meeting
            else "What happened, what was said, what you saw")

    def _load(self, note: ContactNote) -> None:
        self._editing = note
        index = self.kind_combo.findData(note.kind)
        if index < 0:
            self.kind_combo.addItem(note.kind.label, note.kind)
            index = self.kind_combo.count() - 1
        self.kind_combo.setCurrentIndex(index)
        self._set_when(to_local_qdatetime(note.occurred_at), chosen=True)
        self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(note.outcome))
        self.child_seen_combo.setCurrentIndex(self.child_seen_combo.findData(note.child_seen))
        self._set_next_meeting(note.next_meeting_on)
        self.duration_spin.setValue(note.duration_minutes or 0)
        self._show_present(note.present)
        self.agencies_edit.setText(", ".join(note.agencies))
        # Reloading the same note must not move the cursor of someone still typing.
        for text_edit, text in ((self.narrative_edit, note.narrative),
                                (self.follow_ups_edit, note.follow_ups),
                                (self.child_voice_edit, note.child_voice)):
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
        for choice in (self.kind_combo, self.outcome_combo, self.child_seen_combo,
                       self.now_button, self.next_meeting_check):
            choice.setEnabled(not read_only)
        self.present_picker.set_read_only(read_only)
        for field in (self.when_edit, self.duration_spin, self.present_edit,
                      self.agencies_edit, self.narrative_edit, self.follow_ups_edit,
                      self.child_voice_edit, self.next_meeting_edit):
            field.setReadOnly(read_only)
            field.setProperty("finalised", read_only)  # for the style sheet
            repolish(field)
        for text in (self.narrative_edit, self.follow_ups_edit, self.child_voice_edit):
            text.setBackgroundRole(QPalette.ColorRole.Window if read_only
                                   else QPalette.ColorRole.Base)
            text.viewport().setBackgroundRole(text.backgroundRole())
        self.child_voice_edit.setPlaceholderText("" if read_only else CHILD_VOICE_PROMPT)
        self.final_banner.setVisible(read_only)
        self.save_button.setEnabled(not read_only)
        self.finalise_button.setEnabled(not read_only)
        if leaving and read_only:  # the pressed button greys out: keep the focus in the note
            self.narrative_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fields(self) -> dict[str, Any]:
        when = self.when_edit.dateTime().toSecsSinceEpoch()
        duration = self.duration_spin.value()
        data = self.kind_combo.currentData()
        kind = NoteKind(data) if data else None  # Qt hands enum data back as plain str
        outcome = self.outcome_combo.currentData()
        seen = self.child_seen_combo.currentData()
        meeting = kind is not None and kind.is_meeting and self.next_meeting_check.isChecked()
        return {
            "kind": kind,
            "occurred_at": datetime.fromtimestamp(when, tz=UTC),
            "narrative": self.narrative_edit.toPlainText(),
            "present": self.present_picker.ticked() + tuple(
                name for name in _split(self.present_edit.text())
                if name not in self.present_picker.ticked()),
            "agencies": _split(self.agencies_edit.text()),
            "duration_minutes": duration or None,
            "follow_ups": self.follow_ups_edit.toPlainText(),
            "outcome": (ContactOutcome(outcome) if outcome else None) if asks_outcome(kind)
            else ContactOutcome.MADE,
            "child_seen": ChildSeen(seen) if seen and asks_child_seen(kind)
            else ChildSeen.NOT_RECORDED,
            "child_voice": self.child_voice_edit.toPlainText(),
            "next_meeting_on": from_qdate(self.next_meeting_edit.date()) if meeting else None,
        }

    def _ready_to_save(self) -> bool:
        """Kind, whether it happened and (for a new note) when: chosen, never assumed."""
        problem: tuple[str, QWidget] | None = None
        if self.kind_combo.currentData() is None:
            problem = "Choose what kind of contact this was (Kind).", self.kind_combo
        elif not self._when_chosen:
            problem = ("Say when the contact happened (Date and time), or press Now.",
                       self.when_edit)
        elif self._fields()["outcome"] is None:
            problem = ("Choose whether the contact happened (Did the contact happen?).",
                       self.outcome_combo)
        if problem is not None:
            self.message_label.setText(problem[0])
            problem[1].setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        return True

    def _save_draft(self) -> None:
        if not self._ready_to_save():
            return
        self.save_requested.emit(self._fields(), self._editing.id if self._editing else None,
                                 False)

    def _finalise(self) -> None:
        """Finalising cannot be undone (only addenda after): asked first."""
        if not self._ready_to_save():
            return
        fields, note_id = self._fields(), self._editing.id if self._editing else None
        self.confirm_box = ask_to_confirm(
            self, title="Finalise this note?",
            text=not_contact_warning(fields["kind"], fields["outcome"])
            + "A finalised note can no longer be edited; corrections are added as addenda.",
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
        outcome = self.outcome_combo.currentData()
        seen = self.child_seen_combo.currentData()
        return {"note_id": self._editing.id if self._editing else None,
                "kind": fields["kind"].value if fields["kind"] else None,
                "occurred_at": fields["occurred_at"].isoformat(),
                "when_chosen": self._when_chosen,
                "outcome": ContactOutcome(outcome).value if outcome else None,
                "child_seen": ChildSeen(seen).value if seen else None,
                "child_voice": fields["child_voice"],
                "next_meeting_on": (from_qdate(self.next_meeting_edit.date()).isoformat()
                                    if self.next_meeting_check.isChecked() else None),
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
                chosen = bool(payload.get("when_chosen", True))
                self._set_when(to_local_qdatetime(moment), chosen=chosen,
                               hint="" if chosen else WHEN_NOT_CHOSEN)
            for combo, value, kind_of in (
                    (self.outcome_combo, payload.get("outcome"), ContactOutcome),
                    (self.child_seen_combo, payload.get("child_seen"), ChildSeen)):
                if value:
                    combo.setCurrentIndex(max(0, combo.findData(kind_of(value))))
            meeting = payload.get("next_meeting_on")
            self._set_next_meeting(date.fromisoformat(str(meeting)) if meeting else None)
            self.duration_spin.setValue(int(payload.get("duration_minutes") or 0))
            self._show_present(list(payload.get("present", [])))
            self.agencies_edit.setText(", ".join(payload.get("agencies", [])))
            self.narrative_edit.setPlainText(str(payload.get("narrative", "")))
            self.follow_ups_edit.setPlainText(str(payload.get("follow_ups", "")))
            self.child_voice_edit.setPlainText(str(payload.get("child_voice", "")))
        self.addendum_edit.setPlainText(str(payload.get("addendum", "")))
        self.message_label.setText("Restored the text you had not saved.")
