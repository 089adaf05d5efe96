"""The Web Star tab: the chart over time, distance travelled, and scoring a new star."""

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGroupBox,
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

from familyworker.domain.star import (
    MAX_SCORE,
    StarTemplate,
    WebStarAssessment,
    distance_travelled,
)
from familyworker.services.family_file import FamilyFile
from familyworker.services.star_subjects import StarSubject, star_subjects
from familyworker.views.family.distance_table_model import DistanceTableModel
from familyworker.views.family.person_distance_table_model import PersonDistanceTableModel
from familyworker.views.family.star_chart_widget import MAX_SERIES, StarChartWidget
from familyworker.views.shared.record_table_view import record_table_view
from familyworker.views.shared.sizing import scrolling, text_box_height


class StarPage(QWidget):
    """Scores one domain at a time in plain words; emits `save_requested` when complete.

    "Whose star" chooses the subject: the whole family, or one member. The chart, the stars to
    compare and the distance table show that subject's stars only; a new star is theirs."""

    save_requested = Signal(object, object, str, object)  # (scores, notes, words, person id)
    print_requested = Signal(object)  # person id, or None for the whole family

    def __init__(self, template: StarTemplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("star_page")
        self.setAccessibleName("Web Star")
        self.template = template
        self._scores: dict[str, int] = {}
        self._notes: dict[str, str] = {}
        self._position = 0
        self._subjects: tuple[StarSubject, ...] = ()

        self.subject_combo = QComboBox()
        self.subject_combo.setObjectName("subject_combo")
        self.subject_combo.setAccessibleName("Whose star")
        self.subject_combo.setToolTip("The whole family's stars, or one member's: shown, "
                                      "compared and scored")
        self.subject_label = QLabel("Whose s&tar:")
        self.subject_label.setBuddy(self.subject_combo)
        self.subject_combo.currentIndexChanged.connect(self._on_subject_changed)
        subject_row = QHBoxLayout()
        subject_row.addWidget(self.subject_label)
        subject_row.addWidget(self.subject_combo, 1)
        self.chart = StarChartWidget()
        self.distance_model = DistanceTableModel(self)
        self.distance_table = record_table_view(
            self.distance_model, object_name="distance_table",
            accessible_name="Distance travelled", stretch_column=0)
        self.distance_label = QLabel("Distance travelled")
        self.distance_label.setObjectName("distance_label")
        # Which stars the chart overlays and the table compares (the earliest ticked with the
        # latest ticked): the baseline and the latest unless the worker ticks others.
        self._stars: list[WebStarAssessment] = []
        self.compare_label = QLabel(f"Stars shown (tick up to {MAX_SERIES}):")
        self.compare_list = QListWidget()
        self.compare_list.setObjectName("compare_list")
        self.compare_list.setAccessibleName("Stars shown and compared")
        self.compare_list.setMaximumHeight(86)  # four rows; it scrolls beyond
        self.compare_label.setBuddy(self.compare_list)
        self.compare_list.itemChanged.connect(self._on_compare_changed)
        # Each person's first star against their latest, whichever subject is chosen.
        self.people_model = PersonDistanceTableModel(self)
        self.people_table = record_table_view(
            self.people_model, object_name="people_distance_table",
            accessible_name="Distance travelled by each person", stretch_column=0)
        self.people_table.setWordWrap(False)
        self.people_table.setMaximumHeight(self.compare_list.maximumHeight() * 3 // 2)
        self.people_label = QLabel("Each person's first and latest star:")
        self.people_label.setObjectName("people_distance_label")
        self.people_label.setBuddy(self.people_table)
        # Side by side with the stars to compare: the tab still fits a small laptop screen.
        compare_column = QVBoxLayout()
        compare_column.addWidget(self.compare_label)
        compare_column.addWidget(self.compare_list)
        compare_column.addStretch(1)
        people_column = QVBoxLayout()
        people_column.addWidget(self.people_label)
        people_column.addWidget(self.people_table)
        lists = QHBoxLayout()
        lists.addLayout(compare_column, 1)
        lists.addLayout(people_column, 3)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(subject_row)
        left_layout.addWidget(self.chart, 3)
        left_layout.addLayout(lists)
        left_layout.addWidget(self.distance_label)
        left_layout.addWidget(self.distance_table, 2)

        box = QGroupBox("Score a new star with the family")
        box.setObjectName("scoring_box")
        self.scoring_box = box
        self.step_label = QLabel("")
        self.step_label.setObjectName("step_label")
        self.domain_label = QLabel("")
        self.domain_label.setObjectName("domain_label")
        self.domain_label.setWordWrap(True)
        self.question_label = QLabel("")
        self.question_label.setObjectName("question_label")
        self.question_label.setWordWrap(True)
        # What the family said last time for this domain (Star Online shows it while scoring).
        self.last_time_label = QLabel("")
        self.last_time_label.setObjectName("last_time_label")
        self.last_time_label.setAccessibleName("Last time's score")
        self.score_group = QButtonGroup(self)
        self.score_group.setExclusive(True)
        self.score_buttons: list[QPushButton] = []
        buttons = QHBoxLayout()
        for value in range(1, MAX_SCORE + 1):
            button = QPushButton(str(value))
            button.setObjectName(f"score_{value}_button")
            button.setAccessibleName(f"Score {value}")
            button.setCheckable(True)
            button.setProperty("score", True)  # narrower padding (style sheet); never squeezed
            self.score_group.addButton(button, value)
            self.score_buttons.append(button)
            buttons.addWidget(button)
        self.descriptor_label = QLabel("Choose a point from 1 to 10.")
        self.descriptor_label.setObjectName("descriptor_label")
        self.descriptor_label.setAccessibleName("What this score means")
        self.descriptor_label.setWordWrap(True)
        self.descriptor_label.setMinimumHeight(48)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("note_edit")
        self.note_edit.setAccessibleName("Note for this domain")
        self.note_edit.setPlaceholderText("A note for this domain (optional)")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(text_box_height(self.note_edit, 3))
        self.note_edit.setMaximumHeight(text_box_height(self.note_edit, 4))
        self.previous_button = QPushButton("‹ P&revious")
        self.previous_button.setObjectName("previous_button")
        self.previous_button.setAccessibleName("Previous domain")
        self.next_button = QPushButton("Ne&xt ›")
        self.next_button.setObjectName("next_button")
        self.next_button.setAccessibleName("Next domain")
        self.words_edit = QPlainTextEdit()
        self.words_edit.setObjectName("family_words_edit")
        self.words_edit.setAccessibleName("The family's own words")
        self.words_edit.setPlaceholderText("The family's own words about this star (optional)")
        self.words_edit.setTabChangesFocus(True)
        self.words_edit.setMinimumHeight(text_box_height(self.words_edit, 3))
        self.words_edit.setMaximumHeight(text_box_height(self.words_edit, 4))
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("progress_label")
        self.save_button = QPushButton("&Save this star")
        self.save_button.setObjectName("save_button")
        self.save_button.setAccessibleName("Save this star")
        self.discard_button = QPushButton("Start again")
        self.discard_button.setObjectName("discard_button")
        self.discard_button.setAccessibleName("Start the star again")
        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.print_button = QPushButton("Print pro&gress…")
        self.print_button.setObjectName("print_button")
        self.print_button.setAccessibleName("Print star progress")
        self.print_button.setToolTip("Preview and print the Web Star progress (Ctrl+P)")
        # Prints the subject on screen: the whole family, or the member chosen in Whose star.
        self.print_button.clicked.connect(lambda: self.print_progress(self.person_id()))
        left_layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignRight)

        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        actions = QHBoxLayout()
        actions.addWidget(self.discard_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        form = QVBoxLayout(box)
        form.addWidget(self.step_label)
        form.addWidget(self.domain_label)
        form.addWidget(self.question_label)
        form.addWidget(self.last_time_label)
        form.addLayout(buttons)
        form.addWidget(self.descriptor_label)
        form.addWidget(self.note_edit)
        form.addLayout(nav)
        form.addWidget(QLabel("The family's own words:"))
        form.addWidget(self.words_edit)
        form.addWidget(self.progress_label)
        form.addWidget(self.message_label)
        form.addStretch(1)
        form.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scrolling(left, "Web Star progress"))  # fits under a tall header
        splitter.addWidget(scrolling(box, "Score a new star"))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.score_group.idClicked.connect(self._on_score)
        self.note_edit.textChanged.connect(self._on_note)
        self.previous_button.clicked.connect(lambda: self.go_to(self._position - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self._position + 1))
        self.save_button.clicked.connect(self._save)
        self.discard_button.clicked.connect(self.reset_scoring)
        self.go_to(0)

    # ----- data ----------------------------------------------------------------------------

    def show_file(self, file: FamilyFile) -> None:
        chosen = self.person_id()
        self._subjects = star_subjects(file, self.template)
        self.people_model.set_rows(self._subjects)
        self.subject_combo.blockSignals(True)
        self.subject_combo.clear()
        for subject in self._subjects:
            count = len(subject.stars)
            self.subject_combo.addItem(
                f"{subject.name} ({count} {'star' if count == 1 else 'stars'})",
                subject.person_id)
        self.subject_combo.setCurrentIndex(max(0, self.subject_combo.findData(chosen)))
        self.subject_combo.blockSignals(False)
        self._show_subject()

    def person_id(self) -> str | None:
        """Whose star is chosen: None for the whole family."""
        data = self.subject_combo.currentData()
        return data if isinstance(data, str) else None

    def choose_subject(self, person_id: str | None) -> bool:
        index = self.subject_combo.findData(person_id)
        if index >= 0:
            self.subject_combo.setCurrentIndex(index)
        return index >= 0

    def _on_subject_changed(self, _index: int) -> None:
        self._show_subject()

    def _subject(self) -> StarSubject | None:
        index = self.subject_combo.currentIndex()
        return self._subjects[index] if 0 <= index < len(self._subjects) else None

    def _show_subject(self) -> None:
        """The chosen subject's stars (oldest first), the baseline and latest ticked."""
        subject = self._subject()
        self._stars = list(subject.stars) if subject else []
        whose = "with the family" if subject is None or subject.person_id is None \
            else f"for {subject.name}"
        self.scoring_box.setTitle(f"Score a new star {whose}")
        self.compare_list.blockSignals(True)
        self.compare_list.clear()
        last = len(self._stars) - 1
        for index, star in enumerate(self._stars):
            role = " (baseline)" if index == 0 else " (latest)" if index == last else ""
            item = QListWidgetItem(f"{star.assessed_on:%d %b %Y}{role}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if index in (0, last)
                               else Qt.CheckState.Unchecked)
            self.compare_list.addItem(item)
        self.compare_list.blockSignals(False)
        self._show_comparison()
        self.last_time_label.setText(self._last_time(
            self.template.domains[self._position].key))

    def compared(self) -> list[WebStarAssessment]:
        """The ticked stars, oldest first: what the chart and the table both show."""
        return [star for index, star in enumerate(self._stars)
                if self.compare_list.item(index).checkState() == Qt.CheckState.Checked]

    def _on_compare_changed(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self.compared()) > MAX_SERIES:
            self.compare_list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked)  # more stops being readable
            self.compare_list.blockSignals(False)
            return
        self._show_comparison()

    def _show_comparison(self) -> None:
        chosen = self.compared()
        self.chart.set_assessments(self.template, chosen)
        travelled = distance_travelled(chosen, self.template)
        if travelled is None and self._stars:
            self.distance_model.set_rows(())
            self.distance_label.setText("Distance travelled: tick the stars to compare")
        elif travelled is None:
            self.distance_model.set_rows(())
            subject = self._subject()
            self.distance_label.setText(
                "Distance travelled: no assessments yet" if subject is None
                or subject.person_id is None else
                f"Distance travelled: no star for {subject.name} yet; score one on the right")
        else:
            labels = {d.key: d.label for d in self.template.domains}
            self.distance_model.set_rows([(labels[c.domain_key], c) for c in travelled.changes])
            self.distance_label.setText(
                f"Distance travelled: {travelled.first_on:%d %b %Y} to "
                f"{travelled.latest_on:%d %b %Y}")

    def clear(self) -> None:
        self.chart.clear()
        self._stars = []
        self._subjects = ()
        self.subject_combo.blockSignals(True)
        self.subject_combo.clear()
        self.subject_combo.blockSignals(False)
        self.compare_list.clear()
        self.distance_model.set_rows(())
        self.people_model.set_rows(())
        self.reset_scoring()

    # ----- scoring -------------------------------------------------------------------------

    @property
    def position(self) -> int:
        return self._position

    def go_to(self, position: int) -> None:
        domains = self.template.domains
        self._position = max(0, min(position, len(domains) - 1))
        domain = domains[self._position]
        self.step_label.setText(f"Domain {self._position + 1} of {len(domains)}")
        self.domain_label.setText(f"<h3>{domain.label}</h3>")
        self.question_label.setText(domain.question)
        chosen = self._scores.get(domain.key)
        self.score_group.setExclusive(False)
        for button in self.score_buttons:
            button.setChecked(self.score_group.id(button) == chosen)
        self.score_group.setExclusive(True)
        self._show_descriptor(chosen)
        self.last_time_label.setText(self._last_time(domain.key))
        self.note_edit.blockSignals(True)
        self.note_edit.setPlainText(self._notes.get(domain.key, ""))
        self.note_edit.blockSignals(False)
        self.previous_button.setEnabled(self._position > 0)
        self.next_button.setEnabled(self._position < len(domains) - 1)
        self._update_progress()

    def _last_time(self, domain_key: str) -> str:
        """ "Last time: 6 (14 Jul 2026)" from the chosen subject's latest star, or nothing."""
        for star in reversed(self._stars):
            if star.score_for(domain_key) is not None:
                return f"Last time: {star.score_for(domain_key)} ({star.assessed_on:%d %b %Y})"
        return ""

    def _show_descriptor(self, score: int | None) -> None:
        domain = self.template.domains[self._position]
        self.descriptor_label.setText(f"<b>{score}:</b> {domain.descriptor(score)}" if score
                                      else "Choose a point from 1 to 10.")

    def _on_score(self, value: int) -> None:
        key = self.template.domains[self._position].key
        self._scores[key] = value
        self._show_descriptor(value)
        self._update_progress()

    def _on_note(self) -> None:
        key = self.template.domains[self._position].key
        self._notes[key] = self.note_edit.toPlainText()

    def _update_progress(self) -> None:
        total = len(self.template.domains)
        done = len(self._scores)
        self.progress_label.setText(f"{done} of {total} domains scored")
        self.save_button.setEnabled(done == total)

    def _save(self) -> None:
        if len(self._scores) != len(self.template.domains):
            self.message_label.setText("Score every domain before saving.")
            return
        notes = {k: v for k, v in self._notes.items() if v.strip()}
        self.save_requested.emit(dict(self._scores), notes, self.words_edit.toPlainText(),
                                 self.person_id())

    def saved(self) -> None:
        self.reset_scoring()
        self.message_label.setText("Star saved.")

    def show_error(self, message: str) -> None:
        self.message_label.setText(message)

    def reset_scoring(self) -> None:
        self._scores.clear()
        self._notes.clear()
        self.words_edit.clear()
        self.message_label.setText("")
        self.go_to(0)

    def print_progress(self, person_id: str | None) -> None:
        """Ask for a preview of one person's star progress, or the whole family's (None)."""
        self.print_requested.emit(person_id)

    # ----- drafts --------------------------------------------------------------------------

    def draft_payload(self) -> dict[str, Any] | None:
        words = self.words_edit.toPlainText()
        notes = {k: v for k, v in self._notes.items() if v.strip()}
        if not self._scores and not notes and not words.strip():
            return None
        return {"scores": dict(self._scores), "notes": notes, "family_words": words,
                "position": self._position, "person_id": self.person_id()}

    def restore_draft(self, payload: dict[str, Any]) -> None:
        keys = set(self.template.domain_keys())
        self._scores = {k: int(v) for k, v in dict(payload.get("scores", {})).items()
                        if k in keys}
        self._notes = {k: str(v) for k, v in dict(payload.get("notes", {})).items() if k in keys}
        self.words_edit.setPlainText(str(payload.get("family_words", "")))
        kept_for = payload.get("person_id")
        self.choose_subject(kept_for if isinstance(kept_for, str) else None)
        self.go_to(int(payload.get("position", 0)))
        self.message_label.setText("Restored the star you were scoring before.")
