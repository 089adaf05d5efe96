"""The Outcomes tab: needs met, outcomes achieved and sustained, the claim, the review.

It loads and writes through the outcomes service on the task runner (never on the GUI thread)
and holds no rules of its own: what "sustained" and "claim ready" mean comes from the service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import FamilyStatus
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import FamilyProgress, ProgressState
from familyworker.services import outcome_evidence, outcomes
from familyworker.services.outcomes import FamilyOutcomes
from familyworker.services.programme import default_framework
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.views.family.reading_dialog import ReadingDialog
from familyworker.views.shared.task_runner import TaskRunner

COLUMNS = ("Headline criterion", "Need identified", "Outcome achieved", "Sustained")


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else "—"


STATE_MARKS = {ProgressState.MET: "✔ met", ProgressState.NOT_YET: "◔ not yet",
               ProgressState.NOT_MET: "✘ not met"}


@dataclass(frozen=True, slots=True)
class _Loaded:
    outcomes: FamilyOutcomes
    progress: FamilyProgress
    plan: OutcomePlan
    people: tuple[tuple[str, str], ...]  # (id, name) of the household's members


def _load(store: CaseloadStore, family_id: str) -> _Loaded:
    return _Loaded(outcomes=outcomes.family_outcomes(store, family_id),
                   progress=outcome_evidence.family_progress(store, family_id),
                   plan=outcome_evidence.outcome_plan(store),
                   people=outcome_evidence.household_members(store, family_id))


def progress_html(progress: FamilyProgress) -> str:
    """Each identified problem's state in words, then each adult's employment route."""
    lines = []
    for problem in progress.problems:
        when = (f" on {_day(problem.met_on)}" if problem.met_on else
                f" (due {_day(problem.due_on)})" if problem.due_on else "")
        lines.append(f"<b>{escape(problem.label)}</b>: {STATE_MARKS[problem.state]}{when}. "
                     f"{escape(problem.reason)}")
    for adult in progress.employment:
        lines.append(f"<b>Employment</b>: {STATE_MARKS[adult.state]}. {escape(adult.reason)}")
    if progress.plan_met_on is not None:
        lines.append(f"<b>Ready to claim</b> on the outcome plan (met on "
                     f"{_day(progress.plan_met_on)}).")
    return "<br>".join(lines) or "No problems have been identified yet."


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError | StoreError):
        return str(error)
    return "Something went wrong and nothing was saved. Please try again."


class OutcomesPage(QWidget):
    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 on_changed: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomes_page")
        self.setAccessibleName("Outcomes")
        self.store, self.runner, self.family_id = store, runner, family_id
        self._on_changed = on_changed
        self.shown: FamilyOutcomes | None = None
        self.loaded: _Loaded | None = None
        self.reading_dialog: ReadingDialog | None = None
        self.framework = default_framework()

        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("outcomes_summary")
        self.summary_label.setAccessibleName("Claim position")
        self.summary_label.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("outcomes_table")
        self.table.setAccessibleName("Needs and outcomes")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)

        self.criterion_combo = QComboBox()
        self.criterion_combo.setObjectName("criterion_combo")
        self.criterion_combo.setAccessibleName("Headline criterion")
        for criterion in self.framework.criteria:
            self.criterion_combo.addItem(criterion.label, criterion.key)
        self.achieved_edit = QDateEdit(QDate.currentDate())
        self.achieved_edit.setObjectName("achieved_edit")
        self.achieved_edit.setAccessibleName("Date achieved")
        self.achieved_edit.setDisplayFormat("dd MMM yyyy")
        self.achieved_edit.setCalendarPopup(True)
        self.evidence_edit = QLineEdit()
        self.evidence_edit.setObjectName("evidence_edit")
        self.evidence_edit.setAccessibleName("Evidence")
        self.evidence_edit.setPlaceholderText("e.g. attendance 95% for two terms (school data)")
        self.record_button = QPushButton("Record ou&tcome")
        self.record_button.setObjectName("record_button")
        record_box = QGroupBox("Record an outcome")
        form = QFormLayout(record_box)
        form.addRow("&Criterion:", self.criterion_combo)
        form.addRow("&Achieved on:", self.achieved_edit)
        form.addRow("Evi&dence:", self.evidence_edit)
        form.addRow(self.record_button)

        self.claim_edit = QLineEdit()
        self.claim_edit.setObjectName("claim_edit")
        self.claim_edit.setAccessibleName("Claim reference")
        self.claim_edit.setPlaceholderText("the council's claim number")
        self.claim_button = QPushButton("&Mark as claimed")
        self.claim_button.setObjectName("claim_button")
        self.claim_button.setEnabled(False)
        claim_box = QGroupBox("Results claim")
        claim_row = QHBoxLayout(claim_box)
        claim_row.addWidget(self.claim_edit, 1)
        claim_row.addWidget(self.claim_button)

        self.progress_label = QLabel("Loading…")
        self.progress_label.setObjectName("plan_progress")
        self.progress_label.setAccessibleName("Progress against the outcome plan")
        self.progress_label.setWordWrap(True)
        self.reading_button = QPushButton("Record a readin&g…")
        self.reading_button.setObjectName("reading_button")
        self.reading_button.setEnabled(False)
        progress_box = QGroupBox("Progress against the council's outcome plan")
        progress_layout = QVBoxLayout(progress_box)
        progress_layout.addWidget(self.progress_label)
        progress_layout.addWidget(self.reading_button)

        self.review_label = QLabel("")
        self.review_label.setObjectName("review_label")
        self.review_label.setWordWrap(True)
        self.sustained_button = QPushButton("Outcomes held — &keep closed")
        self.sustained_button.setObjectName("sustained_button")
        self.reopen_button = QPushButton("&Reopen the case")
        self.reopen_button.setObjectName("reopen_button")
        self.review_box = QGroupBox("Sustainability review")
        self.review_box.setObjectName("review_box")
        review_layout = QVBoxLayout(self.review_box)
        review_layout.addWidget(self.review_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sustained_button)
        buttons.addWidget(self.reopen_button)
        review_layout.addLayout(buttons)
        self.review_box.hide()

        self.message_label = QLabel("")
        self.message_label.setObjectName("outcomes_message")
        self.message_label.setAccessibleName("Outcomes message")
        self.message_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(progress_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(record_box)
        layout.addWidget(claim_box)
        layout.addWidget(self.review_box)
        layout.addWidget(self.message_label)

        self.record_button.clicked.connect(self.record_outcome)
        self.claim_button.clicked.connect(self.mark_claimed)
        self.reading_button.clicked.connect(self.open_reading_dialog)
        self.sustained_button.clicked.connect(lambda: self.record_review(sustained=True))
        self.reopen_button.clicked.connect(lambda: self.record_review(sustained=False))
        self.reload()

    # ----- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        store, family_id = self.store, self.family_id
        self.runner.run(lambda: _load(store, family_id), self._show, self._error)

    def _show(self, loaded: _Loaded) -> None:
        if not isValid(self):  # the window closed (or locked) while this was loading
            return
        view = loaded.outcomes
        self.loaded = loaded
        self.progress_label.setText(progress_html(loaded.progress))
        self.reading_button.setEnabled(True)
        self.shown = view
        labels = {c.key: c.label for c in self.framework.criteria}
        needs = view.assessment.needs
        self.table.setRowCount(len(needs))
        for row, need in enumerate(needs):
            sustained = ("yes" if need.sustained else
                         f"from {_day(need.sustained_from)}" if need.achieved else "—")
            cells = (labels.get(need.criterion_key, need.criterion_key),
                     "yes" if need.identified else "no", _day(need.achieved_on), sustained)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.summary_label.setText(self._summary_html(view))
        self.claim_button.setEnabled(view.assessment.ready and view.assessment.claim is None)
        due = view.review_due
        self.review_box.setVisible(view.status is FamilyStatus.CLOSED and due is not None)
        if due is not None:
            self.review_label.setText(
                f"Review due {_day(due)}: check whether the outcomes have held since closing.")

    def _summary_html(self, view: FamilyOutcomes) -> str:
        assessment = view.assessment
        identified = len(assessment.identified)
        head = (f"<b>Needs met:</b> {assessment.achieved_count} of {identified} · "
                f"<b>sustained {assessment.rule.sustained_months} months:</b> "
                f"{assessment.sustained_count} of {identified} · "
                f"<b>eligible:</b> {'yes' if assessment.eligible else 'no'}<br>")
        if assessment.claim is not None:
            claim = assessment.claim
            return head + (f"<b>Claimed</b> on {_day(claim.claimed_on)} "
                           f"(claim {escape(claim.claim_reference)}).")
        if assessment.ready:
            return head + "<b>Claim ready</b> under the rule “" + escape(assessment.rule.name) \
                + "”."
        reasons = " ".join(escape(r) for r in assessment.reasons_not_ready)
        return head + f"<b>Not claim ready yet.</b> {reasons}"

    def _error(self, error: Exception) -> None:
        if isValid(self):
            self.message_label.setText(escape(_message(error)))

    # ----- actions -------------------------------------------------------------------------

    def _write(self, work: Callable[[], Any], done_text: str,
               clear: QLineEdit | None = None) -> None:
        """Run a change; typed text is cleared only once it is saved (a refusal keeps it)."""
        def done(_result: object) -> None:
            if not isValid(self):
                return
            if clear is not None:
                clear.clear()
            self.message_label.setText(done_text)
            self.reload()
            if self._on_changed is not None:
                self._on_changed()

        self.runner.run_write(work, done, self._error)

    def record_outcome(self) -> None:
        store, family_id = self.store, self.family_id
        key = str(self.criterion_combo.currentData())
        picked = self.achieved_edit.date()
        achieved = date(picked.year(), picked.month(), picked.day())
        evidence = self.evidence_edit.text()

        def work() -> object:
            return outcomes.record_outcome(store, family_id, criterion_key=key,
                                           achieved_on=achieved, evidence=evidence)

        self._write(work, "Outcome recorded.", clear=self.evidence_edit)

    def mark_claimed(self) -> None:
        store, family_id, reference = self.store, self.family_id, self.claim_edit.text()
        self._write(lambda: outcomes.mark_claimed(store, family_id, claim_reference=reference),
                    "Claim recorded.", clear=self.claim_edit)

    def record_review(self, *, sustained: bool) -> None:
        store, family_id = self.store, self.family_id
        text = ("Review recorded: outcomes held." if sustained
                else "Review recorded: the case is open again.")
        self._write(lambda: outcomes.record_sustainability_review(store, family_id,
                                                                  sustained=sustained), text)

    def open_reading_dialog(self) -> ReadingDialog | None:
        """A small dialog; saved off the GUI thread, left open with the reason if refused."""
        if self.loaded is None:
            return None
        identified = {p.problem for p in self.loaded.progress.problems}
        # The family's own problems' measures first: those are the ones that count.
        measures = sorted(self.loaded.plan.measures, key=lambda m: m.problem not in identified)
        dialog = ReadingDialog(measures, self.loaded.people, self)
        dialog.buttons.accepted.connect(lambda: self._save_reading(dialog))
        self.reading_dialog = dialog
        dialog.open()
        return dialog

    def _save_reading(self, dialog: ReadingDialog) -> None:
        store, family_id, typed = self.store, self.family_id, dialog.reading()
        dialog.buttons.setEnabled(False)

        def work() -> object:
            return outcome_evidence.record_reading(
                store, family_id, measure_key=typed.measure_key, person_id=typed.person_id,
                period_start=typed.period_start, period_end=typed.period_end,
                value=typed.value, source=typed.source,
                source_reference=typed.source_reference, verified_by=typed.verified_by)

        def done(_result: object) -> None:
            if not isValid(self):
                return
            if isValid(dialog):
                dialog.accept()
            self.message_label.setText("Reading recorded.")
            self.reload()
            if self._on_changed is not None:
                self._on_changed()

        def refused(error: Exception) -> None:
            if isValid(dialog):
                dialog.show_problem(_message(error))

        self.runner.run_write(work, done, refused)
